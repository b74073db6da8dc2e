#!/usr/bin/env bash
# The official OpenAI Python SDK against llmrouter, which fronts two local fake upstreams: one
# that always fails (500) and one healthy, for chat (e2e-model) and embeddings (e2e-embed). The
# client must never see the failure. Also the Responses API, which llmrouter translates to chat.
source "$(dirname "$0")/lib.sh"
# 1.66 is the first SDK with client.responses (and responses.stream).
PYTHON=$(python_venv "openai>=1.66,<3")
BIN=$(llmrouter_bin)
WORK=$(mktemp -d)
trap 'stop_children; rm -rf "$WORK"' EXIT

start_fake failing --fail-rate 1 --fail-kinds 500,503,reset,malformed
FAILING=$FAKE_PORT
start_fake healthy
HEALTHY=$FAKE_PORT
{
    echo "providers:"
    failover_providers "$FAILING" "$HEALTHY"
    cat <<YAML
    aliases: [e2e]
    extra_headers: {X-Title: llmrouter-e2e}
  - name: failing-embed
    type: openai
    kind: embeddings
    priority: 1
    base_url: http://127.0.0.1:$FAILING/v1
    api_key_env: E2E_FAILING_KEY
    model: failing-embed-id
    canonical_model: e2e-embed
    circuit_breaker: {failure_threshold: 1000}
  - name: healthy-embed
    type: openai
    kind: embeddings
    priority: 2
    base_url: http://127.0.0.1:$HEALTHY/v1
    api_key_env: E2E_HEALTHY_KEY
    model: healthy-embed-id
    canonical_model: e2e-embed
YAML
} >"$WORK/providers.yaml"
PORT=$(free_port)
E2E_FAILING_KEY=e2e-failing-key-0001 E2E_HEALTHY_KEY=e2e-healthy-key-0002 \
    "$BIN" --config "$WORK/providers.yaml" --port "$PORT" >"$WORK/server.log" 2>&1 &
wait_for_http "http://127.0.0.1:$PORT/health"

# lib.sh sets -e: keep the status instead of exiting before the server log is shown.
"$PYTHON" "$ROOT/scripts/e2e/openai_sdk_checks.py" \
    --router "http://127.0.0.1:$PORT/v1" \
    --failing "http://127.0.0.1:$FAILING" \
    --healthy "http://127.0.0.1:$HEALTHY" && STATUS=0 || STATUS=$?
if [ "$STATUS" -ne 0 ]; then
    echo "--- server log"
    tail -50 "$WORK/server.log"
fi
exit "$STATUS"
