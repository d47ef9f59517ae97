#!/usr/bin/env bash
# Measures session storage health on this machine with N linked simulator accounts (Baileys folders of 30 pre-keys)
# plus M folders without an account, and prints:
#   1. how long the Diagnostics' fleet check takes (GET /api/storage/diagnostics)
#   2. how long a dry run and a real run of the fleet cleanup take, and what they report
#   3. how long the offline pass (--cleanup-sessions, dry and real, on M more orphans) takes, from process start to exit
# Usage: bench/measure-storage.sh [accounts=500] [orphans=200]   (run after `dotnet build WaDashboard.Tests`)
set -euo pipefail
cd "$(dirname "$0")/.."
accounts=${1:-500}
orphans=${2:-200}
port=5298
work=$(mktemp -d)
base="http://127.0.0.1:$port"
app=$(ls WaDashboard.Web/bin/Debug/net8.0/*/WaDashboard.Web | head -1)
export Storage__DataDirectory="$work/data" LogFiles__Enabled=false Simulator__StartDelay=00:00:00.050 HOME="$work" ASPNETCORE_ENVIRONMENT=Development
ms() { echo $(( $(date +%s%N) / 1000000 )); }

"$app" --urls "$base" --contentRoot "$PWD/WaDashboard.Web" >"$work/app.log" 2>&1 &
pid=$!
until curl -fs -o /dev/null "$base/healthz"; do sleep 0.1; done

echo "== $accounts linked accounts, $orphans folders without an account =="
for i in $(seq 1 "$accounts"); do
  printf '{"name":"Bench %d","phone":"+9725%08d"}' "$i" "$i" | curl -fs -o /dev/null -H 'content-type: application/json' -d @- "$base/api/accounts"
  phone=$(printf '%%2B9725%08d' "$i")
  curl -fs -o /dev/null -X POST -H 'content-type: application/json' -d '{"mode":"qr"}' "$base/api/accounts/$phone/link" || true
done
until [ "$(curl -fs "$base/api/accounts" | grep -o '"status":"AwaitingQrScan"' | wc -l)" -ge "$accounts" ]; do sleep 0.5; done
for i in $(seq 1 "$accounts"); do
  curl -fs -o /dev/null -X POST "$base/api/simulator/accounts/$(printf '%%2B9725%08d' "$i")/scan"
done
until [ "$(curl -fs "$base/api/diagnostics/process" | sed -E 's/.*"connected":([0-9]+).*/\1/')" -ge "$accounts" ]; do sleep 0.5; done
for i in $(seq 1 "$orphans"); do
  mkdir -p "$work/data/sessions/orphan-$i/sub"
  for f in $(seq 1 10); do head -c 2048 /dev/urandom >"$work/data/sessions/orphan-$i/sub/file-$f.json"; done
done

start=$(ms); curl -fs -o "$work/diagnostics.json" "$base/api/storage/diagnostics"; took=$(( $(ms) - start ))
echo "fleet diagnostics: ${took} ms ($(grep -o '"kind":"OrphanFolder"' "$work/diagnostics.json" | wc -l) orphan findings)"

run_cleanup() {
  local dry=$1 before start
  before=$(curl -fs "$base/api/storage/cleanup" | sed -E 's/.*"runId":([0-9]+).*/\1/')
  start=$(ms)
  curl -fs -o /dev/null -H 'content-type: application/json' -d "{\"dryRun\":$dry}" "$base/api/storage/cleanup"
  until curl -fs "$base/api/storage/cleanup" | grep -q "\"running\":false.*\"lastReport\":{\"runId\":$((before + 1))"; do sleep 0.05; done
  echo "cleanup (dryRun=$dry): $(( $(ms) - start )) ms: $(curl -fs "$base/api/storage/cleanup" | sed -E 's/.*"summary":"([^"]*)".*/\1/')"
}
run_cleanup true
run_cleanup false
kill -TERM "$pid"; wait "$pid" 2>/dev/null || true
for i in $(seq 1 "$orphans"); do mkdir -p "$work/data/sessions/orphan-b-$i" && head -c 4096 /dev/urandom >"$work/data/sessions/orphan-b-$i/x"; done

start=$(ms)
"$app" --cleanup-sessions --dry-run --contentRoot "$PWD/WaDashboard.Web" >"$work/offline.log" 2>&1
echo "offline dry run (process start to exit): $(( $(ms) - start )) ms: $(grep '^done:' "$work/offline.log")"
start=$(ms)
"$app" --cleanup-sessions --contentRoot "$PWD/WaDashboard.Web" >"$work/offline-run.log" 2>&1
echo "offline run (process start to exit): $(( $(ms) - start )) ms: $(grep '^done:' "$work/offline-run.log")"
rm -rf "$work"
