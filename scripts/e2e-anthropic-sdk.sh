#!/usr/bin/env bash
# The official Anthropic Python SDK against llmrouter's /v1/messages, which llmrouter translates to
# chat completions on local fake upstreams: one that always fails and one healthy, both serving
# e2e-model (claude-* names reach it through routing.model_map), plus one allowing a call a minute
# (e2e-limited). The client must never see the failure, and errors come in Anthropic's shape.
source "$(dirname "$0")/lib.sh"
# 0.41 is the first SDK with client.messages.count_tokens outside beta.
PYTHON=$(python_venv "anthropic>=0.41")
BIN=$(llmrouter_bin)
WORK=$(mktemp -d)
trap 'stop_children; rm -rf "$WORK"' EXIT

start_fake failing --fail-rate 1 --fail-kinds 500,503,reset,malformed
FAILING=$FAKE_PORT
start_fake healthy
HEALTHY=$FAKE_PORT
start_fake limited --rate-limit 1/60 --models e2e-limited
LIMITED=$FAKE_PORT
{
    echo "providers:"
    failover_providers "$FAILING" "$HEALTHY"
    cat <<YAML
  - name: limited-groq
    type: groq
    base_url: http://127.0.0.1:$LIMITED/openai/v1
    api_key_env: E2E_LIMITED_KEY
    model: limited-upstream-id
    canonical_model: e2e-limited
routing:
  model_map:
    "claude-*haiku*": e2e-model
    "claude-*": e2e-model
YAML
} >"$WORK/providers.yaml"
PORT=$(free_port)
E2E_FAILING_KEY=e2e-failing-key-0001 E2E_HEALTHY_KEY=e2e-healthy-key-0002 E2E_LIMITED_KEY=e2e-limited-key-0003 \
    "$BIN" --config "$WORK/providers.yaml" --port "$PORT" >"$WORK/server.log" 2>&1 &
wait_for_http "http://127.0.0.1:$PORT/health"

# The SDK appends /v1/messages itself, so it gets the server's root. lib.sh sets -e: keep the
# status instead of exiting before the server log is shown.
"$PYTHON" "$ROOT/scripts/e2e/anthropic_sdk_checks.py" \
    --router "http://127.0.0.1:$PORT" \
    --failing "http://127.0.0.1:$FAILING" \
    --healthy "http://127.0.0.1:$HEALTHY" \
    --limited "http://127.0.0.1:$LIMITED" && STATUS=0 || STATUS=$?
if [ "$STATUS" -ne 0 ]; then
    echo "--- server log"
    tail -50 "$WORK/server.log"
fi
exit "$STATUS"
