#!/usr/bin/env bash
# Measures the outbox on the real app process (built by `dotnet build WaDashboard.Tests`) and prints:
#   1. how fast the API queues messages (8 clients in parallel, each message committed before its 202)
#   2. memory with that backlog waiting (accounts stopped, so nothing is sent)
#   3. how fast the backlog drains once the accounts reconnect, with the pacing switched off
#      (MinSpacing = MaxSpacing = RampDelay = 0): the cost of the outbox itself, not of the rate limits
# Usage: bench/measure-outbox.sh [accounts=100] [messages=10000]
set -euo pipefail
cd "$(dirname "$0")/.."
accounts=${1:-100}
messages=${2:-10000}
port=5298
work=$(mktemp -d)
base="http://127.0.0.1:$port"
app=$(ls WaDashboard.Web/bin/Debug/net8.0/*/WaDashboard.Web | head -1)
export HOME="$work" ASPNETCORE_ENVIRONMENT=Development Storage__DataDirectory="$work/data" LogFiles__Enabled=false \
  Serilog__MinimumLevel__Default=Warning Simulator__StartDelay=00:00:00.050 Simulator__ReceivedLog=off \
  Messaging__MinSpacing=00:00:00 Messaging__MaxSpacing=00:00:00 Messaging__RampDelay=00:00:00 Messaging__RampDuration=00:00:00 \
  Messaging__PerRecipientLimit=100000 Messaging__DispatchTick=00:00:00.050 Messaging__MaxConcurrentSends=64

"$app" --urls "$base" --contentRoot "$PWD/WaDashboard.Web" >"$work/app.log" 2>&1 &
pid=$!
trap 'kill -TERM $pid 2>/dev/null || true; wait $pid 2>/dev/null || true; rm -rf "$work"' EXIT
until curl -fs -o /dev/null "$base/healthz"; do kill -0 $pid 2>/dev/null || { tail -20 "$work/app.log"; exit 1; }; sleep 0.1; done
ms() { echo $(( $(date +%s%N) / 1000000 )); }
phone() { printf '%%2B9725%08d' "$1"; }
summary() { curl -fs "$base/api/messages/summary"; }
count() { sed -nE "s/.*\"$1\":([0-9]+).*/\1/p" <<<"$2" | head -1; }

for i in $(seq 1 "$accounts"); do
  printf '{"name":"Bench %d","phone":"+9725%08d"}' "$i" "$i" | curl -fs -o /dev/null -H 'content-type: application/json' -d @- "$base/api/accounts"
  curl -fs -o /dev/null -X POST -H 'content-type: application/json' -d '{"mode":"qr"}' "$base/api/accounts/$(phone "$i")/link"
done
for i in $(seq 1 "$accounts"); do curl -fs -o /dev/null -X POST "$base/api/simulator/accounts/$(phone "$i")/scan"; done
until [ "$(curl -fs "$base/api/diagnostics/process" | sed -E 's/.*"connected":([0-9]+).*/\1/')" -ge "$accounts" ]; do sleep 0.2; done
for i in $(seq 1 "$accounts"); do curl -fs -o /dev/null -X POST "$base/api/accounts/$(phone "$i")/stop"; done
before=$(curl -fs "$base/api/diagnostics/process?collect=true")

# One curl process sends every request, 8 at a time, so the number is the server's, not process start-up's.
for n in $(seq 1 "$messages"); do
  a=$(( n % accounts + 1 ))
  printf 'next\nurl = "%s/api/accounts/%s/messages"\nheader = "content-type: application/json"\nheader = "Idempotency-Key: bench-%d"\n' "$base" "$(phone "$a")" "$n"
  printf 'data = "{\\"to\\":\\"+9726%08d\\",\\"text\\":\\"Bench message %d\\"}"\noutput = /dev/null\nwrite-out = "%%{http_code}\\n"\n' "$n" "$n"
done | sed '1d' >"$work/requests"
start=$(ms)
curl -s --no-progress-meter --parallel --parallel-max 8 -K "$work/requests" >"$work/codes"
enqueue_ms=$(( $(ms) - start ))
backlog=$(curl -fs "$base/api/diagnostics/process?collect=true")
pending=$(count Pending "$(summary)")

start=$(ms)
for i in $(seq 1 "$accounts"); do curl -fs -o /dev/null -X POST "$base/api/accounts/$(phone "$i")/reconnect"; done
while s=$(summary); [ "$(count Pending "$s")" != 0 ] || [ "$(count Sending "$s")" != 0 ]; do sleep 0.05; done
drain_ms=$(( $(ms) - start ))
final=$(summary)

field() { sed -E "s/.*\"$2\":([0-9.]+).*/\1/" <<<"$1"; }
echo "queued $pending of $messages messages for $accounts accounts in $enqueue_ms ms: $(( messages * 1000 / enqueue_ms )) messages/s through the API (8 requests in flight; answers: $(sort "$work/codes" | uniq -c | tr -s ' \n' ' '))"
echo "backlog of $messages: working set $(field "$before" working_set_mb) -> $(field "$backlog" working_set_mb) MB, managed heap $(field "$before" managed_heap_mb) -> $(field "$backlog" managed_heap_mb) MB"
echo "drained after reconnect in $drain_ms ms (incl. reconnecting): $(( messages * 1000 / drain_ms )) messages/s; final: Sent $(count Sent "$final"), Unknown $(count Unknown "$final"), Failed $(count Failed "$final")"
echo "guards: refused at the engine boundary $(count refused_at_engine_boundary "$final"), held by the dispatcher $(count held_not_connected "$final"), refused as not connected $(count refused_not_connected "$final")"
