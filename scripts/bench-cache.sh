#!/usr/bin/env bash
# Benchmark (figures, not a test; not run by CI): the response cache on a release llmrouter over
# the fake upstream (scripts/e2e/fake_upstream.py, whose --embedding-kind words embeddings put
# paraphrases close). For LLMROUTER_SEMANTIC_CACHE_MAX_ENTRIES 512 (the default) and 10,000, a
# fresh router with the exact and the semantic cache on replays a workload — 300 requests, 30%
# exact repeats, 10% paraphrases, the rest unique — and prints the upstream calls made against
# the requests (calls saved), hits and semantic hits; then fills the semantic index to its bound
# and prints the semantic lookup time (llmrouter_cache_semantic_lookup_seconds from /metrics:
# the index scan alone). 127.0.0.1 only.
#   scripts/bench-cache.sh                                   release build (LLMROUTER_BIN: that binary)
#   BENCH_CACHE_ENTRIES="512" LLMROUTER_BUILD_CONFIGURATION=debug scripts/bench-cache.sh   quick run
source "$(dirname "$0")/lib.sh"
CONFIGURATION=${LLMROUTER_BUILD_CONFIGURATION:-release}
export LLMROUTER_BUILD_CONFIGURATION=$CONFIGURATION
ENTRIES=${BENCH_CACHE_ENTRIES:-512 10000}
DIMENSIONS=${BENCH_EMBEDDING_DIMS:-1024}
if [ -z "${LLMROUTER_BIN:-}" ]; then  # always current: llmrouter_bin builds only a missing binary
    (cd "$ROOT" && swift build -c "$CONFIGURATION" --scratch-path "${LLMROUTER_SCRATCH_PATH:-.build}" --product llmrouter >&2)
fi
BIN=$(llmrouter_bin)
WORK=$(mktemp -d)
trap 'stop_children; rm -rf "$WORK"' EXIT

start_fake fake --embedding-kind words --embedding-dims "$DIMENSIONS"
FAKE=$FAKE_PORT
cat >"$WORK/providers.yaml" <<YAML
providers:
  - {name: chat, type: openai, base_url: "http://127.0.0.1:$FAKE/v1", api_key_env: BENCH_FAKE_KEY, model: chat-id, canonical_model: bench-model}
  - {name: embed, type: openai, kind: embeddings, base_url: "http://127.0.0.1:$FAKE/v1", api_key_env: BENCH_FAKE_KEY, model: embed-id, canonical_model: bench-embed}
YAML
export BENCH_FAKE_KEY=bench-fake-provider-key-0001 LLMROUTER_DB=off LLMROUTER_CACHE_TTL=3600 \
    LLMROUTER_SEMANTIC_CACHE_ENABLED=1 LLMROUTER_SEMANTIC_MODEL=bench-embed

echo "llmrouter $CONFIGURATION build, embeddings of $DIMENSIONS floats, threshold ${LLMROUTER_SEMANTIC_CACHE_THRESHOLD:-0.95} (default 0.95)"
for entries in $ENTRIES; do
    echo
    echo "=== LLMROUTER_SEMANTIC_CACHE_MAX_ENTRIES=$entries"
    PORT=$(free_port)
    LLMROUTER_SEMANTIC_CACHE_MAX_ENTRIES=$entries "$BIN" --config "$WORK/providers.yaml" --port "$PORT" \
        --log-level error >"$WORK/router-$entries.log" 2>&1 &
    PID=$!
    wait_for_http "http://127.0.0.1:$PORT/health"
    timeout 1200 python3 "$ROOT/scripts/bench/cache_workload.py" --router "http://127.0.0.1:$PORT" \
        --fake "http://127.0.0.1:$FAKE" --fill "$entries"
    RSS=$(awk '/VmHWM/ {print $2}' "/proc/$PID/status")
    echo "llmrouter peak RSS: $((RSS / 1024)) MB"
    kill -TERM "$PID"
    wait "$PID" || true
done
