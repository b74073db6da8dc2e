#!/usr/bin/env bash
# Routing choices on a real llmrouter process (issue 16), through curl and the official OpenAI
# Python SDK, over counting fake upstreams (scripts/e2e/fake_upstream.py): routing rules (a deny,
# only/prefer by tag, a header match) with X-LLMRouter-Rule, sticky sessions, hedging against a
# slow fake, a paid route within a tiny budget, a stream cut mid-answer and continued,
# POST /admin/explain making no upstream call, and `model: auto` (tiers, a cascade past a refusal,
# a rule's `only` leaving no tier a route). 127.0.0.1 only; stops everything by itself.
source "$(dirname "$0")/lib.sh"
PYTHON=$(python_venv "openai>=1.66,<3")
BIN=$(llmrouter_bin)
WORK=$(mktemp -d)
trap 'stop_children; rm -rf "$WORK"' EXIT
REPLY="The quick brown fox jumps over the lazy dog."

start_fake main
MAIN=$FAKE_PORT
start_fake gpu
GPU=$FAKE_PORT
start_fake eu
EU=$FAKE_PORT
start_fake slow --delay-ms 3000
SLOW=$FAKE_PORT
start_fake paid
PAID=$FAKE_PORT
start_fake cut --reply "$REPLY" --cut-after 4
CUT=$FAKE_PORT
start_fake rest --reply "$REPLY"
REST=$FAKE_PORT
start_fake refuser --reply "I'm sorry, but I can't help with that."
REFUSER=$FAKE_PORT

# route NAME PORT MODEL PRIORITY [EXTRA]: one provider entry on a fake.
route() {
    echo "  - {name: $1, type: openai, base_url: \"http://127.0.0.1:$2/v1\", api_key_env: E2E_FAKE_KEY, model: $1-id, canonical_model: $3, priority: $4${5:+, $5}}"
}
cat >"$WORK/router.yaml" <<YAML
budget: {usd_per_day: 0.01}      # the fake counts 6 tokens an answer: \$0.006 at the paid price
routing:
  sticky_minutes: 30
  stream_failover: continue
  auto: {simple: [small-model], code: [code-model], default: [big-model], cascade: true}
  models:
    hedge-model: {hedge_after_ms: 300}
    sticky-model: {policy: round_robin}
  rules:
    - name: no-forbidden
      when: {model: "forbidden-*"}
      then: {deny: "Forbidden models are not served here."}
    - name: gpu-team
      when: {header: {X-Team: "gpu-*"}}
      then: {only: ["tag:gpu"]}
    - name: prefer-eu
      when: {model: tag-model, endpoint: chat, prompt_tokens: {max: 4000}}
      then: {prefer: ["tag:eu"]}
providers:
$(route main "$MAIN" tag-model 1)
$(route gpu "$GPU" tag-model 2 "tags: [gpu]")
$(route eu "$EU" tag-model 3 "tags: [eu, fast]")
$(route sticky-a "$MAIN" sticky-model 1)
$(route sticky-b "$EU" sticky-model 1)
$(route slow "$SLOW" hedge-model 1)
$(route quick "$MAIN" hedge-model 2)
$(route paid "$PAID" budget-model 1 "allow_paid: true, price: {input: 1000, output: 1000}")
$(route cut "$CUT" stream-model 1)
$(route rest "$REST" stream-model 2)
$(route small "$REFUSER" small-model 1)
$(route coder "$GPU" code-model 1)
$(route big "$EU" big-model 1)
YAML
export E2E_FAKE_KEY=e2e-fake-provider-key-0001 LLMROUTER_DB=off
PORT=$(free_port)
ROUTER="http://127.0.0.1:$PORT"
"$BIN" --config "$WORK/router.yaml" --port "$PORT" --drain-timeout 5 >"$WORK/router.log" 2>&1 &
ROUTER_PID=$!
wait_for_http "$ROUTER/health"

# post PATH BODY [HEADER...]: POST to the router; the status in $WORK/status, headers and body beside.
post() {
    local path=$1 body=$2
    shift 2
    local headers=()
    for header in "$@"; do headers+=(-H "$header"); done
    curl -s -o "$WORK/body" -D "$WORK/headers" -w '%{http_code}' "${headers[@]}" \
        -H 'Content-Type: application/json' "$ROUTER$path" -d "$body" >"$WORK/status"
}
header_has() { grep -qi "^$1: .*$2" "$WORK/headers"; }
body_has() { "$PYTHON" -c "import json,sys; b=json.load(open('$WORK/body')); sys.exit(0 if $1 else 1)"; }
chat() { echo "{\"model\":\"$1\",\"messages\":[{\"role\":\"user\",\"content\":\"$2\"}]}"; }
# calls: chat calls all the fakes have answered so far, summed.
calls() {
    local total=0
    for port in "$MAIN" "$GPU" "$EU" "$SLOW" "$PAID" "$CUT" "$REST" "$REFUSER"; do
        total=$((total + $(curl -s "http://127.0.0.1:$port/_stats" | "$PYTHON" -c 'import json,sys; print(json.load(sys.stdin)["chat_requests"])')))
    done
    echo "$total"
}

echo "== curl: a deny rule"
post /v1/chat/completions "$(chat forbidden-model hi)"
echo "     | $(cat "$WORK/status") $(cat "$WORK/body")"
check "a deny rule answers 403" test "$(cat "$WORK/status")" = 403
check "... in OpenAI's error shape (permission_error, denied_by_rule, the rule's message)" \
    body_has "b['error']['type'] == 'permission_error' and b['error']['code'] == 'denied_by_rule' and 'Forbidden models' in b['error']['message']"
check "... with X-LLMRouter-Rule: no-forbidden" header_has x-llmrouter-rule no-forbidden
check "... and no upstream call" test "$(calls)" -eq 0

echo "== curl: a header rule selecting a tag"
post /v1/chat/completions "$(chat tag-model 'curl for the gpu team')" 'X-Team: gpu-research'
grep -i '^x-llmrouter' "$WORK/headers" | sed 's/^/     | /'
check "X-Team: gpu-research is answered by the gpu-tagged route" body_has "b['choices'][0]['message']['content'].startswith('gpu:')"
check "... with X-LLMRouter-Rule: gpu-team" header_has x-llmrouter-rule gpu-team
check "... the others skipped as not selected" header_has x-llmrouter-skipped 'rule gpu-team: not selected'

echo "== curl: the same header rule with model auto, whose tiers have no gpu route"
post /v1/chat/completions "$(chat auto 'hi from the gpu team')" 'X-Team: gpu-research'
grep -i '^x-llmrouter' "$WORK/headers" | sed 's/^/     | /'
check "auto under the gpu-team rule is answered by the gpu-tagged route, not a 503" body_has "b['choices'][0]['message']['content'].startswith('gpu:')"
check "... with X-LLMRouter-Rule: gpu-team" header_has x-llmrouter-rule gpu-team
check "... and no X-LLMRouter-Auto: no tier has a route the rule selects" test -z "$(grep -i '^x-llmrouter-auto' "$WORK/headers")"

echo "== curl: POST /admin/explain calls nothing"
BEFORE=$(calls)
post /admin/explain "$(chat tag-model 'explain me')" 'X-Team: gpu-research'
"$PYTHON" -c "import json; b=json.load(open('$WORK/body')); print('     |', b['rule'], b['policy'], b['verdict'], [(r['name'], r['status']) for r in b['routes']])"
check "explain lists every tag-model route" body_has "sorted(r['name'] for r in b['routes']) == ['eu', 'gpu', 'main']"
check "... with the rule and gpu the only candidate" \
    body_has "b['rule'] == 'gpu-team' and [r['name'] for r in b['routes'] if r['status'] == 'candidate'] == ['gpu']"
post /admin/explain "$(chat budget-model 'explain the paid one')"
check "explain of the paid route says it is a candidate before any spend" body_has "b['routes'][0]['status'] == 'candidate'"
check "explain made no upstream call (fakes' counts before and after: $BEFORE, $(calls))" test "$(calls)" -eq "$BEFORE"

echo "== openai SDK"
STATUS=0
timeout 60 "$PYTHON" "$ROOT/scripts/e2e/routing_checks.py" --router "$ROUTER" --reply "$REPLY" \
    --fakes "main=$MAIN" "gpu=$GPU" "eu=$EU" "slow=$SLOW" "paid=$PAID" "cut=$CUT" "rest=$REST" "refuser=$REFUSER" || STATUS=1

echo "== curl: the budget spent"
post /admin/explain "$(chat budget-model 'explain the paid one again')"
check "explain now skips the paid route for its budget" body_has "b['routes'][0].get('skip') == 'budget'"
post /v1/chat/completions "$(chat budget-model 'one more paid answer')"
grep -i '^x-llmrouter-skipped' "$WORK/headers" | sed 's/^/     | /'
check "a request on the paid route is refused, X-LLMRouter-Skipped saying budget" header_has x-llmrouter-skipped 'paid (budget'

kill -TERM "$ROUTER_PID"
CODE=0
timeout 15 tail --pid="$ROUTER_PID" -f /dev/null || CODE=124
wait "$ROUTER_PID" || CODE=$?
check "llmrouter exits 0 on SIGTERM" test "$CODE" -eq 0
if [ "$STATUS" -ne 0 ] || [ "$FAILED" -ne 0 ]; then
    echo "--- router.log"
    tail -30 "$WORK/router.log"
    FAILED=$((FAILED + STATUS))
fi
finish
