#!/usr/bin/env bash
# Chaos run: llmrouter in front of two upstreams failing at random (30% and 60%: 500s, 429s,
# connection resets, malformed bodies, slow answers) and one healthy upstream. Every request
# must still be answered. Bounded: CHAOS_REQUESTS (default 2000) at CHAOS_CONCURRENCY (32),
# 127.0.0.1 only. CI runs a shorter version.
source "$(dirname "$0")/lib.sh"
REQUESTS=${CHAOS_REQUESTS:-2000}
CONCURRENCY=${CHAOS_CONCURRENCY:-32}
BIN=$(llmrouter_bin)
WORK=$(mktemp -d)
trap 'stop_children; rm -rf "$WORK"' EXIT

KINDS=500,503,429,reset,malformed,slow
start_fake flaky30 --fail-rate 0.3 --fail-kinds "$KINDS" --slow-seconds 2
FLAKY30=$FAKE_PORT
start_fake flaky60 --fail-rate 0.6 --fail-kinds "$KINDS" --slow-seconds 2
FLAKY60=$FAKE_PORT
start_fake healthy
HEALTHY=$FAKE_PORT
cat >"$WORK/providers.yaml" <<YAML
providers:
  - {name: flaky-30, type: openai, priority: 1, base_url: "http://127.0.0.1:$FLAKY30/v1", model: m, canonical_model: chaos-model,
     timeouts: {connect_seconds: 0.5, first_byte_seconds: 0.5}, circuit_breaker: {failure_threshold: 5, recovery_time_seconds: 1}}
  - {name: flaky-60, type: openai, priority: 1, base_url: "http://127.0.0.1:$FLAKY60/v1", model: m, canonical_model: chaos-model,
     timeouts: {connect_seconds: 0.5, first_byte_seconds: 0.5}, circuit_breaker: {failure_threshold: 5, recovery_time_seconds: 1}}
  - {name: healthy, type: openai, priority: 2, base_url: "http://127.0.0.1:$HEALTHY/v1", model: m, canonical_model: chaos-model}
YAML
PORT=$(free_port)
"$BIN" --config "$WORK/providers.yaml" --port "$PORT" --log-level warning >"$WORK/server.log" 2>&1 &
wait_for_http "http://127.0.0.1:$PORT/health"

echo "== $REQUESTS requests, $CONCURRENCY concurrent"
python3 "$ROOT/scripts/e2e/load_client.py" --router "http://127.0.0.1:$PORT" \
    --requests "$REQUESTS" --concurrency "$CONCURRENCY" --time-limit 240 && STATUS=0 || STATUS=$?

echo "== per-provider attempts (GET /health/providers)"
curl -fsS "http://127.0.0.1:$PORT/health/providers" | python3 -c "$(cat <<'PY'
import json, sys
for p in json.load(sys.stdin)["providers"]:
    kinds = ", ".join(f"{k}={v}" for k, v in sorted(p["failures_by_kind"].items())) or "none"
    print(f"  {p['name']:<9} attempts={p['requests']:<5} successes={p['successes']:<5} state={p['state']:<9} failures: {kinds}")
PY
)"
exit "$STATUS"
