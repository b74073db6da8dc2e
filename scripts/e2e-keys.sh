#!/usr/bin/env bash
# Several keys per provider on a real process: GROQ_API_KEYS=key1,key2 with GROQ_BASE_URL at a fake
# Groq that allows one call per key per minute (scripts/e2e/fake_upstream.py --rate-limit, per
# Authorization header, 429 with retry-after beyond). Key 1's call is already spent, so the router's
# call on key 1 gets a 429 and the second key answers; headers, /health/providers, /metrics and the
# usage log name the keys `groq` and `groq#2`. Then against a fake where both keys share one window
# (one account): the two keys cool together on one reset and /health/providers shows them pooled.
# Neither key's value appears in any output. Needs python3 and curl; 127.0.0.1 only.
source "$(dirname "$0")/lib.sh"
BIN=$(llmrouter_bin)
WORK=$(mktemp -d)
trap 'stop_children; rm -rf "$WORK"' EXIT
cd "$WORK"
mkdir -p home out
KEY_ONE=gsk_e2e_first_groq_key_000000001
KEY_TWO=gsk_e2e_second_groq_key_00000002

start_fake groq --rate-limit 1/60 --dialect groq
PER_KEY_PORT=$FAKE_PORT
start_fake groq --rate-limit 1/60 --dialect groq --shared-limit
SHARED_PORT=$FAKE_PORT

# The catalog with the two keys, nothing else from the caller (the fake's GROQ_BASE_URL follows).
# A command prefix, not a function: `function ... &` runs in a forked subshell, so $! would be
# that subshell and `kill $PID` would leave the router running.
ROUTER_ENV=(env -i PATH="$PATH" HOME="$WORK/home" LLMROUTER_LOG_LEVEL=debug GROQ_API_KEYS="$KEY_ONE, $KEY_TWO")
chat() { # chat PORT MODEL NAME: headers to out/NAME.h, body to out/NAME.json, prints the status
    curl -sS -o "out/$3.json" -D "out/$3.h" -w '%{http_code}' "http://127.0.0.1:$1/v1/chat/completions" \
        -H 'Content-Type: application/json' -d "{\"model\":\"$2\",\"messages\":[{\"role\":\"user\",\"content\":\"hi from e2e\"}]}"
}
header() { tr -d '\r' <"out/$1.h" | sed -n "s/^$2: //Ip"; }
fingerprint() { python3 -c 'import hashlib,sys; print(hashlib.sha256(("Bearer " + sys.argv[1]).encode()).hexdigest()[:12])' "$1"; }
caller() { # caller PORT KEY FIELD: the fake's count of FIELD (answered, refused) for KEY
    curl -fsS "http://127.0.0.1:$1/_stats" | python3 -c 'import json,sys; c=json.load(sys.stdin)["rate_limits"]["callers"].get(sys.argv[1], {}); print(c.get(sys.argv[2], 0))' "$(fingerprint "$2")" "$3"
}
route() { # route NAME FIELD: FIELD of route NAME in out/health.json, as JSON
    python3 -c 'import json,sys; r=[p for p in json.load(open("out/health.json"))["providers"] if p["name"]==sys.argv[1]]; print(json.dumps(r[0].get(sys.argv[2]) if r else "no such route", sort_keys=True))' "$1" "$2"
}

echo "== two keys, the first one limited: the second answers"
# Another client of key 1 spends its one call of the minute, straight at the fake.
curl -fsS -o /dev/null "http://127.0.0.1:$PER_KEY_PORT/v1/chat/completions" -H "Authorization: Bearer $KEY_ONE" \
    -H 'Content-Type: application/json' -d '{"model":"x","messages":[{"role":"user","content":"elsewhere"}]}'
PORT=$(free_port)
"${ROUTER_ENV[@]}" GROQ_BASE_URL="http://127.0.0.1:$PER_KEY_PORT/v1" PORT="$PORT" LLMROUTER_DB="$WORK/usage.sqlite" "$BIN" >"$WORK/serve.log" 2>&1 &
PID=$!
wait_for_http "http://127.0.0.1:$PORT/health"
check "the startup log lists the second key's routes" grep -q 'llmrouter.provider=groq#2/gpt-oss-20b.*status=enabled' "$WORK/serve.log"
STATUS=$(chat "$PORT" gpt-oss-20b first)
echo "   answer $STATUS from $(header first x-llmrouter-provider) after $(header first x-llmrouter-attempts) attempts"
check "the request is answered (200)" test "$STATUS" = "200"
check "by the second key: X-LLMRouter-Provider groq#2/gpt-oss-20b" test "$(header first x-llmrouter-provider)" = "groq#2/gpt-oss-20b"
check "after key 1 was tried (X-LLMRouter-Attempts 2)" test "$(header first x-llmrouter-attempts)" = "2"
check "the answer came from the fake" grep -q 'groq: hi from e2e' out/first.json
check "the fake refused key 1 once (429 with retry-after)" test "$(caller "$PER_KEY_PORT" "$KEY_ONE" refused)" = "1"
check "the fake answered key 2 once" test "$(caller "$PER_KEY_PORT" "$KEY_TWO" answered)" = "1"
curl -fsS "http://127.0.0.1:$PORT/health/providers" >out/health.json
echo "   key 1: key=$(route groq/gpt-oss-20b key) cool_down=$(route groq/gpt-oss-20b cool_down)"
echo "   key 2: key=$(route 'groq#2/gpt-oss-20b' key) cool_down=$(route 'groq#2/gpt-oss-20b' cool_down)"
check "/health/providers names key 1 groq, cooling on its own route" \
    bash -c "test '$(route groq/gpt-oss-20b key)' = '\"groq\"' && grep -q 'route:groq/gpt-oss-20b' <<<'$(route groq/gpt-oss-20b cool_down)'"
# Key 2 spent its one call: it cools on its own account's empty bucket, not on key 1's 429.
check "/health/providers names key 2 groq#2, with its own state" \
    bash -c "test '$(route 'groq#2/gpt-oss-20b' key)' = '\"groq#2\"' && grep -q '\"remaining_zero\", \"scope\": \"route:groq#2/gpt-oss-20b\"' <<<'$(route 'groq#2/gpt-oss-20b' cool_down)'"
check "/health/providers: each key is its own account" grep -q 'account:groq:GROQ_API_KEYS\[2\]' out/health.json
curl -fsS "http://127.0.0.1:$PORT/metrics" >out/metrics.txt
curl -fsS "http://127.0.0.1:$PORT/v1/models" >out/models.json
check "/metrics counts the second key's success" grep -q 'llmrouter_upstream_attempts_total{provider="groq#2/gpt-oss-20b",outcome="success"} 1' out/metrics.txt
PROVIDERS=$(python3 -c 'import json; m=[m for m in json.load(open("out/models.json"))["data"] if m["id"]=="gpt-oss-20b"]; print(",".join(p["name"] for p in m[0]["providers"] if p["type"]=="groq"))')
check "/v1/models lists both keys' routes for gpt-oss-20b ($PROVIDERS)" test "$PROVIDERS" = "groq/gpt-oss-20b,groq#2/gpt-oss-20b"
kill -TERM "$PID"
wait "$PID" || true
"$BIN" stats --db "$WORK/usage.sqlite" --by provider >out/stats.txt
sed 's/^/   /' out/stats.txt
check "the usage log names the answering key groq#2" grep -Eq '^groq#2/gpt-oss-20b +1 ' out/stats.txt

echo "== two keys of one account: cooled together on one reset, pooled"
PORT=$(free_port)
"${ROUTER_ENV[@]}" GROQ_BASE_URL="http://127.0.0.1:$SHARED_PORT/v1" PORT="$PORT" "$BIN" >"$WORK/shared.log" 2>&1 &
PID=$!
wait_for_http "http://127.0.0.1:$PORT/health"
check "the first call of the minute is answered" test "$(chat "$PORT" gpt-oss-20b shared-1)" = "200"
STATUS=$(chat "$PORT" llama-3.3-70b shared-2)
echo "   then llama-3.3-70b: $STATUS; $(header shared-2 x-llmrouter-attempts) attempts"
check "both keys refused on the account's limit: 429 to the client" test "$STATUS" = "429"
check "both keys were tried" test "$(header shared-2 x-llmrouter-attempts)" = "2"
curl -fsS "http://127.0.0.1:$PORT/health/providers" >out/health.json
echo "   key_pool: $(route groq/llama-3.3-70b key_pool)"
check "/health/providers: groq and groq#2 are one pool" grep -q '"keys": \["groq", "groq#2"\]' <<<"$(route groq/llama-3.3-70b key_pool)"
check "/health/providers: the pool shows on the second key too" grep -q '"keys": \["groq", "groq#2"\]' <<<"$(route 'groq#2/llama-3.3-70b' key_pool)"
check "the log says the keys share their limits" grep -q 'llmrouter.keys=groq,groq#2.*keys share their limits' "$WORK/shared.log"
cp out/health.json out/health-shared.json
kill -TERM "$PID"
wait "$PID" || true

echo "== neither key's value appears in any output"
for file in "$WORK/serve.log" "$WORK/shared.log" out/* "$WORK/usage.sqlite"; do
    check "no key value in $(basename "$file")" bash -c "! grep -a -q -e '$KEY_ONE' -e '$KEY_TWO' '$file'"
done
finish
