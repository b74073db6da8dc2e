#!/usr/bin/env bash
# The edges of a real llmrouter process: access keys made by `llmrouter keys add`, the warning
# when it listens beyond loopback without keys, `Expect: 100-continue` answered at once, a
# client trickling its head cut off, SIGHUP and POST /admin/reload with a stream in flight
# (valid and invalid files), and SIGTERM's drain: logged, bounded, and cut short by a second
# signal.
source "$(dirname "$0")/lib.sh"
BIN=$(llmrouter_bin)
WORK=$(mktemp -d)
trap 'stop_children; rm -rf "$WORK"' EXIT
cd "$WORK"
export FAKE_KEY=fake-provider-key-0123456789

start_fake fake-a --stream-gap-ms 250
PORT_A=$FAKE_PORT
start_fake fake-b
PORT_B=$FAKE_PORT
provider() { printf 'providers:\n  - {name: %s, type: openai, base_url: "http://127.0.0.1:%s/v1", api_key_env: FAKE_KEY, model: fake-model, canonical_model: m}\n' "$1" "$2"; }

echo "== keys add"
KEY=$("$BIN" keys add alice --file "$WORK/keys.yaml" --rpm 600 2>"$WORK/keys-add.err")
check "prints a new key" grep -qE '^llmr-[0-9a-f]{48}$' <<<"$KEY"
check "says where it stored it" grep -q "Added key 'alice' to $WORK/keys.yaml" "$WORK/keys-add.err"
check "the file holds its SHA-256, not the key" bash -c "grep -q \"sha256: \$(printf %s '$KEY' | sha256sum | cut -d' ' -f1)\" '$WORK/keys.yaml' && ! grep -q '$KEY' '$WORK/keys.yaml'"
OUTPUT=$("$BIN" keys add alice --file "$WORK/keys.yaml" 2>&1) && STATUS=0 || STATUS=$?
check "a name in use is refused" bash -c "test $STATUS -ne 0 && grep -q 'exists already' <<<\"$OUTPUT\""

echo "== bad settings name their flag or variable"
OUTPUT=$(LLMROUTER_IDLE_TIMEOUT_SECONDS=soon "$BIN" --port "$(free_port)" 2>&1) && STATUS=0 || STATUS=$?
check "a bad timeout variable stops startup, named" bash -c "test $STATUS -ne 0 && grep -q \"LLMROUTER_IDLE_TIMEOUT_SECONDS must be a number greater than 0, got 'soon'\" <<<\"$OUTPUT\""
OUTPUT=$("$BIN" --port "$(free_port)" --max-connections 0 2>&1) && STATUS=0 || STATUS=$?
check "a bad flag stops startup, named" bash -c "test $STATUS -ne 0 && grep -q -- '--max-connections must be greater than 0' <<<\"$OUTPUT\""
echo "providers: [{name: a, type: echo}]" >"$WORK/echo.yaml"
echo "keys: [{name: x, sha256: nothex}]" >"$WORK/badkeys.yaml"
OUTPUT=$("$BIN" --config "$WORK/echo.yaml" --keys-file "$WORK/badkeys.yaml" --port "$(free_port)" 2>&1) && STATUS=0 || STATUS=$?
check "a bad keys file stops startup naming file, key and field" bash -c "test $STATUS -eq 2 && grep -q \"badkeys.yaml: key 'x' field 'sha256'\" <<<\"$OUTPUT\""

echo "== serve with keys"
provider fake-a "$PORT_A" >"$WORK/providers.yaml"
PORT=$(free_port)
ADMIN="llmr-admin-e2e-0123456789abcdef"
LLMROUTER_ADMIN_KEY=$ADMIN LLMROUTER_HEADER_TIMEOUT_SECONDS=1 \
    "$BIN" --config "$WORK/providers.yaml" --keys-file "$WORK/keys.yaml" --port "$PORT" --drain-timeout 2 --log-level trace >"$WORK/server.log" 2>&1 &
PID=$!
wait_for_http "http://127.0.0.1:$PORT/health"
URL="http://127.0.0.1:$PORT/v1/chat/completions"
BODY='{"model":"m","messages":[{"role":"user","content":"one two three four five six"}]}'
STATUS=$(curl -sS -o "$WORK/401.json" -w '%{http_code}' "$URL" -d "$BODY")
check "no key: 401" test "$STATUS" = 401
check "401 in OpenAI error JSON" grep -q '"code":"invalid_api_key"' "$WORK/401.json"
check "the key works" bash -c "curl -fsS '$URL' -H 'Authorization: Bearer $KEY' -d '$BODY' | grep -q 'fake-a: one'"
check "x-api-key works too" bash -c "curl -fsS http://127.0.0.1:$PORT/v1/models -H 'x-api-key: $KEY' | grep -q '\"m\"'"
check "/health needs no key" curl -fsS -o /dev/null "http://127.0.0.1:$PORT/health"
check "startup log says keys are required" grep -q "access keys required" "$WORK/server.log"

echo "== Expect: 100-continue"
head -c 1500000 /dev/zero | tr '\0' 'a' | sed 's/^/{"model":"m","messages":[{"role":"user","content":"/; s/$/"}]}/' >"$WORK/big.json"
TIME=$(curl -sS -o /dev/null -w '%{time_total}' "$URL" -H "Authorization: Bearer $KEY" -H 'Content-Type: application/json' --data-binary @"$WORK/big.json")
echo "1.5 MB body (curl sends Expect: 100-continue): ${TIME}s"
check "answered well under curl's 1 s wait" python3 -c "import sys; sys.exit(0 if float('$TIME') < 0.8 else 1)"

echo "== a client trickling its head"
python3 - "$PORT" >"$WORK/trickle.out" <<'PY'
import socket, sys, time
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])))
s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
start = time.monotonic()
s.settimeout(0.05)
received = b""
for byte in b"GET /health HTTP/1.1\r\nHost: x\r\nX-Slow: " + b"a" * 200:
    try:
        s.send(bytes([byte]))
        chunk = s.recv(4096)
        if not chunk:
            break
        received += chunk
    except socket.timeout:
        pass
    except OSError:
        break
    if time.monotonic() - start > 5:
        break
print(received.split(b"\r\n")[0].decode(), round(time.monotonic() - start, 1))
PY
echo "trickling client got: $(cat "$WORK/trickle.out")"
check "408 after the 1 s head timeout" grep -qE '^HTTP/1.1 408 Request Timeout (1|1\.[0-9]|2\.[0-4])$' "$WORK/trickle.out"

echo "== SIGHUP with a stream in flight"
curl -sS -N "$URL" -H "Authorization: Bearer $KEY" -d '{"model":"m","stream":true,"messages":[{"role":"user","content":"one two three four five six"}]}' >"$WORK/stream.txt" &
CURL=$!
sleep 0.4
provider fake-b "$PORT_B" >"$WORK/providers.yaml"
kill -HUP "$PID"
sleep 0.5
check "still running after SIGHUP" kill -0 "$PID"
check "reload logged" grep -q "configuration reloaded" "$WORK/server.log"
check "new requests use the new provider" bash -c "curl -fsS '$URL' -H 'Authorization: Bearer $KEY' -d '$BODY' | grep -q 'fake-b: one'"
wait "$CURL"
check "the stream in flight ran to its end" bash -c "grep -q 'data: \[DONE\]' '$WORK/stream.txt' && grep -q 'six' '$WORK/stream.txt'"

echo "== an invalid reload is refused"
echo "providers: [{name: broken, type: nonsense}]" >"$WORK/providers.yaml"
kill -HUP "$PID"
sleep 0.5
check "still running" kill -0 "$PID"
check "refusal logged with the file" bash -c "grep 'reload refused' '$WORK/server.log' | grep -q providers.yaml"
check "old configuration still serves" bash -c "curl -fsS '$URL' -H 'Authorization: Bearer $KEY' -d '$BODY' | grep -q 'fake-b: one'"
STATUS=$(curl -sS -o "$WORK/reload.json" -w '%{http_code}' -X POST "http://127.0.0.1:$PORT/admin/reload" -H "Authorization: Bearer $ADMIN")
check "POST /admin/reload reports the refusal (422)" bash -c "test $STATUS = 422 && grep -q reload_failed '$WORK/reload.json'"
provider fake-a "$PORT_A" >"$WORK/providers.yaml"
STATUS=$(curl -sS -o "$WORK/reload.json" -w '%{http_code}' -X POST "http://127.0.0.1:$PORT/admin/reload" -H "Authorization: Bearer $ADMIN")
check "POST /admin/reload with the admin key reloads" bash -c "test $STATUS = 200 && grep -q '\"status\":\"reloaded\"' '$WORK/reload.json'"
STATUS=$(curl -sS -o /dev/null -w '%{http_code}' -X POST "http://127.0.0.1:$PORT/admin/reload" -H "Authorization: Bearer $KEY")
check "a non-admin key gets 403" test "$STATUS" = 403

echo "== SIGTERM drains, with a deadline"
curl -sS -N "$URL" -H "Authorization: Bearer $KEY" -d '{"model":"m","stream":true,"messages":[{"role":"user","content":"a b c d e f g h i j k l m n o p q r s t"}]}' >"$WORK/long.txt" 2>/dev/null &
sleep 0.3
STARTED=$(date +%s.%N)
kill -TERM "$PID"
wait "$PID" && STATUS=0 || STATUS=$?
ELAPSED=$(python3 -c "import time; print(round(time.time() - $STARTED, 1))")
echo "stopped after ${ELAPSED}s with status $STATUS (drain timeout 2 s, stream needs ~5 s)"
check "drain start logged" grep -q "drain started" "$WORK/server.log"
check "drain end logged" grep -q "drain finished" "$WORK/server.log"
check "the drain deadline cut the long stream" python3 -c "import sys; sys.exit(0 if 1.5 <= $ELAPSED < 4.5 else 1)"
echo "trace log: $(wc -l <"$WORK/server.log") lines, $(grep -c 'ahc-request-id' "$WORK/server.log") from AsyncHTTPClient"
check "no key in the trace log, in any form" bash -c "! grep -qE '$FAKE_KEY|provider-key|$KEY|${KEY#llmr-}|$ADMIN|admin-e2e' '$WORK/server.log'"
# Startup's one line per provider is not a request's.
check "every request line carries a request id" bash -c "! grep -E 'ahc-request-id|llmrouter.provider=' '$WORK/server.log' | grep -v '\] provider$' | grep -v 'hb.request.id=' | grep -q ."

echo "== a second signal exits at once"
"$BIN" --config "$WORK/providers.yaml" --port "$PORT" >"$WORK/second.log" 2>&1 &
PID=$!
wait_for_http "http://127.0.0.1:$PORT/health"
curl -sS -N "$URL" -d '{"model":"m","stream":true,"messages":[{"role":"user","content":"a b c d e f g h i j k l m n o p q r s t"}]}' >/dev/null 2>&1 &
sleep 0.3
kill -INT "$PID"
sleep 0.3
check "first SIGINT drains (still running)" kill -0 "$PID"
STARTED=$(date +%s.%N)
kill -INT "$PID"
wait "$PID" && STATUS=0 || STATUS=$?
ELAPSED=$(python3 -c "import time; print(round(time.time() - $STARTED, 2))")
echo "second SIGINT: exited after ${ELAPSED}s with status $STATUS"
check "exits at once" python3 -c "import sys; sys.exit(0 if $ELAPSED < 1 else 1)"
check "with status 130" test "$STATUS" -eq 130
check "and says so" grep -q "second stop signal" "$WORK/second.log"

echo "== listening beyond loopback without keys"
PORT=$(free_port)
env -u LLMROUTER_API_KEYS "$BIN" --config "$WORK/providers.yaml" --host 0.0.0.0 --port "$PORT" --keys-file "$WORK/none.yaml" >"$WORK/open.log" 2>&1 &
PID=$!
sleep 0.1
# A named keys file that is missing stops startup; the default one may be absent.
wait "$PID" && STATUS=0 || STATUS=$?
check "a missing named keys file stops startup" bash -c "test $STATUS -eq 2 && grep -q 'none.yaml: no such file' '$WORK/open.log'"
(cd "$WORK" && exec "$BIN" --config "$WORK/providers.yaml" --host 0.0.0.0 --port "$PORT") >"$WORK/open.log" 2>&1 &
PID=$!
wait_for_http "http://127.0.0.1:$PORT/health"
check "warns what is exposed" bash -c "grep 'without access keys' '$WORK/open.log' | grep -q 'llmrouter.exposed=/v1/chat/completions'"
kill -TERM "$PID"
wait "$PID" || true

finish
