#!/usr/bin/env bash
# The dashboard in a real browser: installs Debian's headless Chromium when missing, starts
# llmrouter (echo providers, one rate-limited fake upstream speaking Cerebras' headers, a routing
# rule, usage log off: the dashboard needs none) on 127.0.0.1, sends traffic, screenshots
# /dashboard and checks in the rendered DOM that the page shows live data: the provider names
# from /health/providers, a non-zero request count, recent requests and the models; per route
# the quota bars with their numbers (configured and learned from headers), the cool-down with
# its reason, the share of traffic; the rule's hits in the chart; and that the tables fit the
# window at 1,400 px and at 420 px (the page writes scrollWidth <= clientWidth into the DOM).
# The screenshots are kept at $DASHBOARD_SCREENSHOT (default .build-e2e/dashboard.png, and
# -narrow.png beside it) for a look.
source "$(dirname "$0")/lib.sh"
if ! command -v chromium >/dev/null 2>&1; then
    echo "installing chromium (apt-get)" >&2
    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium) >/dev/null
fi
BIN=$(llmrouter_bin)
WORK=$(mktemp -d)
trap 'stop_children; rm -rf "$WORK"' EXIT
SHOT=${DASHBOARD_SCREENSHOT:-$ROOT/.build-e2e/dashboard.png}
mkdir -p "$(dirname "$SHOT")"
# Five calls a minute, told on every answer (x-ratelimit-*-requests-minute, -tokens-minute).
start_fake limited --dialect cerebras --rate-limit 5/60
export CEREBRAS_API_KEY=fake-cerebras-key
cat >"$WORK/echo.yaml" <<YAML
routing:
  rules:
    - name: prefer-upstream
      when: {model: upstream-model}
      then: {prefer: [limited-upstream]}
providers:
  - {name: flaky-echo, type: echo, priority: 1, mock_failure_rate: 0.5, model: llama-3.3-70b}
  - {name: steady-echo, type: echo, priority: 2, model: llama-3.3-70b, mock_latency_ms: 20}
  - {name: qwen-echo, type: echo, model: qwen3-32b, mock_latency_ms: 5, rate_limit: {rpm: 20}}
  - {name: spare-echo, type: echo, priority: 1, model: upstream-model}
  - {name: limited-upstream, type: cerebras, priority: 2, base_url: "http://127.0.0.1:$FAKE_PORT/v1", model: upstream-model}
YAML
PORT=$(free_port)
LLMROUTER_DB=off "$BIN" --config "$WORK/echo.yaml" --port "$PORT" >"$WORK/server.log" 2>&1 &
wait_for_http "http://127.0.0.1:$PORT/health"
URL="http://127.0.0.1:$PORT"
SENT=0
for model in llama-3.3-70b llama-3.3-70b llama-3.3-70b qwen3-32b upstream-model; do
    for _ in $(seq 1 10); do
        curl -s -o /dev/null "$URL/v1/chat/completions" -H 'Content-Type: application/json' \
            -d "{\"model\":\"$model\",\"messages\":[{\"role\":\"user\",\"content\":\"hello\"}]}"
        SENT=$((SENT + 1))
    done
done
curl -s -o /dev/null "$URL/v1/chat/completions" -d '{"model":"qwen3-32b","stream":true,"messages":[{"role":"user","content":"hi"}]}'
curl -s -o /dev/null "$URL/v1/chat/completions" -d '{"model":"missing","messages":[{"role":"user","content":"hi"}]}'
SENT=$((SENT + 2))
echo "sent $SENT requests"

browser() {
    # A fresh profile each time; the virtual-time budget lets the page's fetches and script run.
    timeout 90 chromium --headless --no-sandbox --disable-gpu --disable-dev-shm-usage --no-first-run \
        --user-data-dir="$WORK/profile-$1" --virtual-time-budget=5000 --hide-scrollbars "${@:2}" 2>>"$WORK/chromium.log"
}
browser dom --window-size=1400,900 --dump-dom "$URL/dashboard" >"$WORK/dom.html" || true
browser narrow --window-size=420,900 --dump-dom "$URL/dashboard" >"$WORK/narrow.html" || true
browser shot --window-size=1400,1900 --screenshot="$SHOT" "$URL/dashboard" >/dev/null || true
browser shot-narrow --window-size=420,2400 --screenshot="${SHOT%.png}-narrow.png" "$URL/dashboard" >/dev/null || true

COUNT=$(python3 - "$WORK/dom.html" <<'PY'
import re, sys
match = re.search(r'id="total-requests"[^>]*>([^<]*)<', open(sys.argv[1]).read())
print(re.sub(r"[^0-9]", "", match.group(1)) if match else "")
PY
)
echo "DOM: total requests shown = '${COUNT}'"
check "the page rendered a non-zero request count" test "${COUNT:-0}" -gt 0
check "the count is the traffic sent ($SENT)" test "${COUNT:-0}" -eq "$SENT"
check "routes show each provider by name" bash -c "grep -q 'class=\"route-name\">flaky-echo<' '$WORK/dom.html' && grep -q '>steady-echo<' '$WORK/dom.html' && grep -q '>qwen-echo<' '$WORK/dom.html'"
check "routes show the breaker state" grep -q '>breaker closed<' "$WORK/dom.html"
python3 "$ROOT/scripts/e2e/dashboard_dom.py" "$WORK/dom.html" "$WORK/narrow.html" >"$WORK/dom-checks.txt" || true
cat "$WORK/dom-checks.txt"
dom_check() { grep -q "^ok $1 " "$WORK/dom-checks.txt"; }
check "configured rpm bar: qwen-echo 20 a minute, 11 used" dom_check qwen-rpm
check "learned bars from the upstream's headers: requests 0 of 5, tokens of 60000" dom_check learned-bars
check "the spent route shows its cool-down: countdown and reason remaining_zero" dom_check cool-down
check "share of traffic: the limited route answered 5 of the last hour's answers" dom_check share
check "the rule's hits are charted and named (rule:prefer-upstream, 10)" dom_check rule-chart
check "recent requests name the rule" grep -q '<span>prefer-upstream</span>' "$WORK/dom.html"
check "at 1400 px every table fits its card and the page its window" dom_check fit-wide
check "at 420 px the tables collapse and still fit" dom_check fit-narrow
check "recent requests are listed" bash -c "grep -q 'model_not_found' '$WORK/dom.html'"
check "models are listed" grep -q '<strong>qwen3-32b</strong>' "$WORK/dom.html"
check "charts were drawn" bash -c "test \$(grep -o '<rect' '$WORK/dom.html' | wc -l) -gt 0 && grep -q '<path' '$WORK/dom.html'"
check "every data source loaded" bash -c "grep -q 'id=\"status\">updated' '$WORK/dom.html'"
check "screenshot written ($SHOT)" bash -c "test -s '$SHOT' && test \$(stat -c %s '$SHOT') -gt 20000"
if [ "$FAILED" -gt 0 ]; then
    echo "--- chromium log"; tail -20 "$WORK/chromium.log" || true
    echo "--- DOM"; head -c 3000 "$WORK/dom.html" || true
fi
finish
