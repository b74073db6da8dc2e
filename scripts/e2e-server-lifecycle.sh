#!/usr/bin/env bash
# Starts the real llmrouter binary and checks what only a real process shows: the embedded
# default with no config, config errors that stop startup with a message naming the file,
# provider and field, and a graceful SIGTERM that lets an in-flight request finish (exit 0).
source "$(dirname "$0")/lib.sh"
BIN=$(llmrouter_bin)
WORK=$(mktemp -d)
trap 'stop_children; rm -rf "$WORK"' EXIT
cd "$WORK"

echo "== embedded default (no config file, no keys)"
PORT=$(free_port)
env -u LLMROUTER_CONFIG PORT="$PORT" "$BIN" >"$WORK/default.log" 2>&1 &
PID=$!
wait_for_http "http://127.0.0.1:$PORT/health"
ANSWER=$(curl -fsS "http://127.0.0.1:$PORT/v1/chat/completions" -H 'Content-Type: application/json' \
    -d '{"model":"whatever","messages":[{"role":"user","content":"hello there"}]}')
check "echo answers with no config" grep -q '"content":"local-echo: hello there"' <<<"$ANSWER"
check "startup log says what it serves" grep -q "embedded local-echo provider" "$WORK/default.log"
kill -TERM "$PID"
wait "$PID" && STATUS=0 || STATUS=$?
check "SIGTERM exits 0 when idle" test "$STATUS" -eq 0

echo "== config errors stop startup"
cat >"$WORK/bad.yaml" <<'YAML'
providers:
  - name: one
    type: echo
    mock_failure_rate: 1.7
YAML
OUTPUT=$("$BIN" --config "$WORK/bad.yaml" --port "$(free_port)" 2>&1) && STATUS=0 || STATUS=$?
check "invalid rate exits non-zero" test "$STATUS" -ne 0
check "message names file, provider and field" grep -q "bad.yaml: provider 'one' field 'mock_failure_rate': must be between 0 and 1" <<<"$OUTPUT"
OUTPUT=$("$BIN" --config "$WORK/missing.yaml" --port "$(free_port)" 2>&1) && STATUS=0 || STATUS=$?
check "--config naming a missing file exits non-zero" test "$STATUS" -ne 0
check "message names the missing file" grep -q "missing.yaml: no such file" <<<"$OUTPUT"
OUTPUT=$(PORT=eighty "$BIN" 2>&1) && STATUS=0 || STATUS=$?
check "bad PORT exits non-zero naming the variable" grep -q "PORT must be a port number" <<<"$OUTPUT"

echo "== SIGTERM finishes in-flight requests"
cat >"$WORK/slow.yaml" <<'YAML'
providers:
  - {name: slow-echo, type: echo, mock_latency_ms: 1500}
YAML
PORT=$(free_port)
"$BIN" --config "$WORK/slow.yaml" --port "$PORT" >"$WORK/slow.log" 2>&1 &
PID=$!
wait_for_http "http://127.0.0.1:$PORT/health"
curl -sS -o "$WORK/inflight.json" -w '%{http_code}' "http://127.0.0.1:$PORT/v1/chat/completions" \
    -d '{"messages":[{"role":"user","content":"still here"}]}' >"$WORK/inflight.status" &
CURL=$!
sleep 0.5
kill -TERM "$PID"
wait "$CURL" || true
wait "$PID" && STATUS=0 || STATUS=$?
check "in-flight request answered 200" test "$(cat "$WORK/inflight.status")" = "200"
check "in-flight answer is complete" grep -q "slow-echo: still here" "$WORK/inflight.json"
check "server exited 0 after draining" test "$STATUS" -eq 0
check "no new connections after shutdown" bash -c "! curl -fsS -o /dev/null http://127.0.0.1:$PORT/health 2>/dev/null"

finish
