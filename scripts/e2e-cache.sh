#!/usr/bin/env bash
# The response cache on a real llmrouter process, through the official OpenAI Python SDK, over
# counting fake upstreams (a fast one, and a slow one for the stampede): a hit after a miss with
# one upstream call, a stream replayed from the cached answer, Cache-Control: no-cache, two access
# keys apart, 8 identical concurrent requests making 1 call, `llmrouter cache warm` and
# `cache clear`; then the SQLite backend across a graceful restart (the hit after it in the usage
# log as an exact hit), and `cache clear --file`.
source "$(dirname "$0")/lib.sh"
PYTHON=$(python_venv "openai>=1.66,<3")
BIN=$(llmrouter_bin)
WORK=$(mktemp -d)
trap 'stop_children; rm -rf "$WORK"' EXIT
CHECKS="$ROOT/scripts/e2e/cache_checks.py"

start_fake fake
FAST=$FAKE_PORT
start_fake fake-slow --delay-ms 1500
SLOW=$FAKE_PORT
cat >"$WORK/providers.yaml" <<YAML
providers:
  - {name: fast, type: openai, base_url: "http://127.0.0.1:$FAST/v1", api_key_env: E2E_FAKE_KEY, model: fast-id, canonical_model: cache-model}
  - {name: slow, type: openai, base_url: "http://127.0.0.1:$SLOW/v1", api_key_env: E2E_FAKE_KEY, model: slow-id, canonical_model: slow-model}
  - {name: embed, type: openai, kind: embeddings, base_url: "http://127.0.0.1:$FAST/v1", api_key_env: E2E_FAKE_KEY, model: embed-id, canonical_model: cache-embed}
YAML
export E2E_FAKE_KEY=e2e-fake-provider-key-0001 LLMROUTER_DB=off LLMROUTER_CACHE_TTL=300

ALICE=$("$BIN" keys add alice --file "$WORK/keys.yaml" 2>/dev/null)
BOB=$("$BIN" keys add bob --file "$WORK/keys.yaml" 2>/dev/null)
ADMIN=$("$BIN" keys add ops --admin --file "$WORK/keys.yaml" 2>/dev/null)

# start_router LOG [VAR=VALUE...]: starts llmrouter on $PORT with the keys, sets ROUTER_PID.
start_router() {
    local log=$1
    shift
    env "$@" "$BIN" --config "$WORK/providers.yaml" --keys-file "$WORK/keys.yaml" --port "$PORT" --drain-timeout 5 >"$log" 2>&1 &
    ROUTER_PID=$!
    wait_for_http "http://127.0.0.1:$PORT/health"
}

# checks PHASE: the SDK checks of one phase, bounded in time; keeps their status.
STATUS=0
checks() {
    timeout 180 "$PYTHON" "$CHECKS" --phase "$1" --router "http://127.0.0.1:$PORT" \
        --fake "http://127.0.0.1:$FAST" --slow "http://127.0.0.1:$SLOW" --bin "$BIN" \
        --alice "$ALICE" --bob "$BOB" --admin "$ADMIN" || STATUS=1
}

# stop_router: SIGTERM, then waits (≤ 15 s) for a clean exit.
stop_router() {
    kill -TERM "$ROUTER_PID"
    local code=0
    timeout 15 tail --pid="$ROUTER_PID" -f /dev/null || code=124
    wait "$ROUTER_PID" || code=$?
    check "llmrouter exits 0 on SIGTERM" test "$code" -eq 0
}

echo "== memory backend (LLMROUTER_CACHE_TTL=300)"
PORT=$(free_port)
start_router "$WORK/memory.log"
checks main
stop_router

echo "== sqlite backend across a restart (LLMROUTER_CACHE=sqlite:\$WORK/cache.sqlite)"
CACHE_FILE="$WORK/cache.sqlite"
start_router "$WORK/sqlite-1.log" LLMROUTER_CACHE="sqlite:$CACHE_FILE"
checks stored
stop_router
check "the cache file exists" test -s "$CACHE_FILE"
start_router "$WORK/sqlite-2.log" LLMROUTER_CACHE="sqlite:$CACHE_FILE" LLMROUTER_DB="$WORK/usage.sqlite"
check "the startup log counts the entry read back" grep -q 'llmrouter.cache_entries=1\b' "$WORK/sqlite-2.log"
checks restored
stop_router
STATS=$("$BIN" stats --db "$WORK/usage.sqlite" --since 1h 2>&1 || true)
echo "$STATS" | sed 's/^/     | /' | grep 'cache hits' || true
check "the usage log keeps the hit's kind: llmrouter stats counts 1 exact, 0 semantic" grep -q '1 exact, 0 semantic' <<<"$STATS"
echo "== llmrouter cache clear --file"
OUTPUT=$("$BIN" cache clear --file "$CACHE_FILE" 2>&1) && CODE=0 || CODE=$?
echo "     | $OUTPUT"
check "cache clear --file removes the entry" bash -c "test $CODE -eq 0 && grep -q 'cleared 1 entries' <<<\"$OUTPUT\""
start_router "$WORK/sqlite-3.log" LLMROUTER_CACHE="sqlite:$CACHE_FILE"
checks cleared
stop_router

if [ "$STATUS" -ne 0 ] || [ "$FAILED" -ne 0 ]; then
    for log in "$WORK"/*.log; do
        echo "--- $(basename "$log")"
        tail -30 "$log"
    done
    FAILED=$((FAILED + STATUS))
fi
finish
