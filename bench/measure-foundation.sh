#!/usr/bin/env bash
# Measures the foundation's two numbers on this machine and prints them:
#   1. time from the README's run command to the first page served, in a fresh clone of HEAD
#      (cold: restore + build + start, with this machine's NuGet cache; warm: second run, already built)
#   2. the process's memory with N simulated accounts connected (working set and managed heap)
# Usage: bench/measure-foundation.sh [accounts=1000]
set -euo pipefail
cd "$(dirname "$0")/.."
accounts=${1:-1000}
port=5299
work=$(mktemp -d)
base="http://127.0.0.1:$port"
key="measure-$(head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n')"
export Storage__DataDirectory="$work/data" LogFiles__Enabled=false Simulator__StartDelay=00:00:00.050 HOME="$work"
# An admin API key from configuration, as automation uses; pages need a signed-in user, so the first page served is the sign-in page.
export Security__ApiKeys__measure__Key="$key" Security__ApiKeys__measure__Role=Admin
api() { curl -fs -H "X-Api-Key: $key" "$@"; }

wait_for_page() {
  local start=$1
  until curl -fs -o /dev/null "$base/account/login"; do sleep 0.05; done
  echo $(( $(date +%s%N) / 1000000 - start ))
}

stop_app() {
  local pid=$1
  kill -TERM "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
}

echo "== startup: dotnet run --project WaDashboard.Web, in a fresh clone of HEAD =="
git clone -q . "$work/repo"
cd "$work/repo"
start=$(( $(date +%s%N) / 1000000 ))
dotnet run --project WaDashboard.Web -- --urls "$base" >"$work/cold.log" 2>&1 &
pid=$!
cold=$(wait_for_page "$start")
stop_app $pid
start=$(( $(date +%s%N) / 1000000 ))
dotnet run --project WaDashboard.Web -- --urls "$base" >"$work/warm.log" 2>&1 &
pid=$!
warm=$(wait_for_page "$start")
echo "first page served: cold (restore+build+start) ${cold} ms, warm (built) ${warm} ms"

echo "== memory with $accounts simulated accounts connected =="
idle=$(api "$base/api/diagnostics/process?collect=true")
for i in $(seq 1 "$accounts"); do
  printf '{"name":"Bench %d","phone":"+9725%08d"}' "$i" "$i" | api -o /dev/null -H 'content-type: application/json' -d @- "$base/api/accounts"
done
for i in $(seq 1 "$accounts"); do
  phone=$(printf '%%2B9725%08d' "$i")
  api -o /dev/null -X POST -H 'content-type: application/json' -d '{"mode":"qr"}' "$base/api/accounts/$phone/link" || true
done
until [ "$(api "$base/api/accounts" | grep -o '"status":"AwaitingQrScan"' | wc -l)" -ge "$accounts" ]; do sleep 0.5; done
for i in $(seq 1 "$accounts"); do
  phone=$(printf '%%2B9725%08d' "$i")
  api -o /dev/null -X POST "$base/api/simulator/accounts/$phone/scan"
done
until [ "$(api "$base/api/diagnostics/process" | sed -E 's/.*"connected":([0-9]+).*/\1/')" -ge "$accounts" ]; do sleep 0.5; done
sleep 2
loaded=$(api "$base/api/diagnostics/process?collect=true")
stop_app $pid

field() { sed -E "s/.*\"$2\":([0-9.]+).*/\1/" <<<"$1"; }
echo "idle (0 accounts):        working set $(field "$idle" working_set_mb) MB, managed heap $(field "$idle" managed_heap_mb) MB"
echo "$accounts accounts connected: working set $(field "$loaded" working_set_mb) MB, managed heap $(field "$loaded" managed_heap_mb) MB, threads $(field "$loaded" threads)"
awk -v a="$accounts" -v ws0="$(field "$idle" working_set_mb)" -v ws1="$(field "$loaded" working_set_mb)" \
    -v h0="$(field "$idle" managed_heap_mb)" -v h1="$(field "$loaded" managed_heap_mb)" \
    'BEGIN { printf "per account: working set %.1f KB, managed heap %.1f KB\n", (ws1-ws0)*1024/a, (h1-h0)*1024/a }'
rm -rf "$work"
