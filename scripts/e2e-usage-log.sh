#!/usr/bin/env bash
# The usage log on a real process: requests are written to LLMROUTER_DB (folder created), a
# graceful stop loses none, `llmrouter stats` reads them back (table, --by, --json,
# --reference-price) and names the flag or file in its errors (database: of the providers file
# too), and LLMROUTER_DB=off writes nothing. 127.0.0.1 only; a few dozen requests.
source "$(dirname "$0")/lib.sh"
BIN=$(llmrouter_bin)
WORK=$(mktemp -d)
trap 'stop_children; rm -rf "$WORK"' EXIT
cd "$WORK"
cat >"$WORK/echo.yaml" <<'YAML'
providers:
  - {name: flaky-echo, type: echo, priority: 1, mock_failure_rate: 1, model: m1}
  - {name: steady-echo, type: echo, priority: 2, model: m1}
  - {name: other-echo, type: echo, model: m2}
YAML
chat() {
    curl -s -o /dev/null -w '%{http_code}\n' "http://127.0.0.1:$PORT/v1/chat/completions" \
        -H 'Content-Type: application/json' -d "$1"
}

echo "== requests recorded, then a graceful stop"
DB="$WORK/data/nested/usage.sqlite"
PORT=$(free_port)
LLMROUTER_DB="$DB" "$BIN" --config "$WORK/echo.yaml" --port "$PORT" >"$WORK/server.log" 2>&1 &
PID=$!
wait_for_http "http://127.0.0.1:$PORT/health"
check "the folder of LLMROUTER_DB is created" test -d "$WORK/data/nested"
for _ in $(seq 1 20); do chat '{"model":"m1","messages":[{"role":"user","content":"hello"}]}'; done >"$WORK/codes"
for _ in $(seq 1 5); do chat '{"model":"m2","messages":[{"role":"user","content":"hello"}]}'; done >>"$WORK/codes"
chat '{"model":"m1","stream":true,"stream_options":{"include_usage":true},"messages":[{"role":"user","content":"hi"}]}' >>"$WORK/codes"
chat '{"model":"nope","messages":[{"role":"user","content":"hello"}]}' >>"$WORK/codes"
# Stop at once: rows still in the writer's buffer must reach the file during the drain.
kill -TERM "$PID"
wait "$PID" && STATUS=0 || STATUS=$?
check "27 requests sent (26 answered, one 404)" test "$(grep -c '^200$' "$WORK/codes"),$(grep -c '^404$' "$WORK/codes")" = "26,1"
check "server exited 0" test "$STATUS" -eq 0

JSON=$("$BIN" stats --db "$DB" --json --reference-price 0.59,0.79)
echo "$JSON" | python3 -c 'import json,sys; t=json.load(sys.stdin)["total"]; print("   stats total:", {k: t[k] for k in ("requests","failures","failovers","prompt_tokens","completion_tokens","latency_p50_ms","reference_cost_usd","saved_usd")})'
field() { echo "$JSON" | python3 -c "import json,sys; print(json.load(sys.stdin)$1)"; }
check "every request is in the usage log after the stop" test "$(field '["total"]["requests"]')" = "27"
check "the 404 counts as a failure" test "$(field '["total"]["failures"]')" = "1"
# flaky-echo's breaker opens after a few failures, so only the first m1 requests fail over.
check "m1 requests failed over" python3 -c "import sys; sys.exit(0 if $(field '["total"]["failovers"]') >= 1 else 1)"
check "tokens were recorded" python3 -c "import sys; sys.exit(0 if $(field '["total"]["completion_tokens"]') > 0 else 1)"
check "the saving is priced" python3 -c "import sys; sys.exit(0 if $(field '["total"]["saved_usd"]') > 0 else 1)"
TABLE=$("$BIN" stats --db "$DB" --by provider)
echo "$TABLE" | sed 's/^/   /'
check "--by provider lists steady-echo with 21 requests" grep -Eq '^steady-echo +21 ' <<<"$TABLE"
check "--by provider lists other-echo with 5 requests" grep -Eq '^other-echo +5 ' <<<"$TABLE"
check "--by endpoint lists chat with all 27 requests" bash -c "'$BIN' stats --db '$DB' --by endpoint | grep -Eq '^chat +27 '"
check "--since 1s after a pause sees nothing" bash -c "sleep 1.2; '$BIN' stats --db '$DB' --since 1s --json | grep -q '\"requests\" : 0'"

echo "== errors name the flag or the file"
# fails_with PATTERN: the last command (STATUS, OUTPUT) failed and said PATTERN.
fails_with() { [ "$STATUS" -ne 0 ] && grep -q -- "$1" <<<"$OUTPUT"; }
OUTPUT=$("$BIN" stats --db "$DB" --since yesterday 2>&1) && STATUS=0 || STATUS=$?
check "bad --since exits non-zero naming the flag" fails_with "--since must be a number followed by"
OUTPUT=$("$BIN" stats --db "$DB" --reference-price 1 2>&1) && STATUS=0 || STATUS=$?
check "bad --reference-price names the flag" fails_with "--reference-price must be two prices"
OUTPUT=$("$BIN" stats --db "$DB" --by region 2>&1) && STATUS=0 || STATUS=$?
check "bad --by names the flag" fails_with "--by must be provider, model, key, endpoint, tier or instance"
OUTPUT=$("$BIN" stats --db "$WORK/missing.sqlite" 2>&1) && STATUS=0 || STATUS=$?
check "a missing file is named" fails_with "missing.sqlite: no such file"
check "... and not created" test ! -e "$WORK/missing.sqlite"
printf 'database: "mysql://u:%s@db/x"\nproviders: [{name: e, type: echo}]\n' hunter2-e2e >"$WORK/mysql.yaml"
OUTPUT=$(env -u LLMROUTER_DATABASE_URL LLMROUTER_CONFIG="$WORK/mysql.yaml" "$BIN" stats 2>&1) && STATUS=0 || STATUS=$?
check "database: of LLMROUTER_CONFIG's file not postgres://: stats names the file and field" fails_with "mysql.yaml: database: the scheme must be postgres://"
check "... never its password" test "$(grep -c hunter2-e2e <<<"$OUTPUT")" = 0
OUTPUT=$(LLMROUTER_DB_RETENTION_DAYS=soon "$BIN" --config "$WORK/echo.yaml" --port "$(free_port)" 2>&1) && STATUS=0 || STATUS=$?
check "bad LLMROUTER_DB_RETENTION_DAYS stops startup naming it" fails_with "LLMROUTER_DB_RETENTION_DAYS must be a number"
echo "not a database, just text that is long enough to not look like SQLite" >"$WORK/bad.sqlite"
OUTPUT=$(LLMROUTER_DB="$WORK/bad.sqlite" "$BIN" --config "$WORK/echo.yaml" --port "$(free_port)" 2>&1) && STATUS=0 || STATUS=$?
check "an unusable LLMROUTER_DB stops startup with exit 2" test "$STATUS" -eq 2
check "... the message names the file" fails_with "bad.sqlite: not a usable usage log"

echo "== LLMROUTER_DB=off keeps nothing"
mkdir "$WORK/off" && cd "$WORK/off"
PORT=$(free_port)
LLMROUTER_DB=off "$BIN" --config "$WORK/echo.yaml" --port "$PORT" >"$WORK/off.log" 2>&1 &
PID=$!
wait_for_http "http://127.0.0.1:$PORT/health"
chat '{"model":"m2","messages":[{"role":"user","content":"hello"}]}' >/dev/null
kill -TERM "$PID"
wait "$PID" || true
check "no data folder is written" test ! -e "$WORK/off/data"
OUTPUT=$(LLMROUTER_DB=off "$BIN" stats 2>&1) && STATUS=0 || STATUS=$?
check "stats with LLMROUTER_DB=off says so" fails_with "LLMROUTER_DB is off"

finish
