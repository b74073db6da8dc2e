#!/usr/bin/env bash
# The free-model catalog out of the box: starts the built llmrouter from an empty temporary
# directory with only fake keys and fake provider endpoints (GROQ_BASE_URL, CEREBRAS_BASE_URL on
# 127.0.0.1), and checks that the catalog compiled into the binary is served by the right
# providers, that each of the eight providers' keys alone serves that provider's models (chat and
# embeddings, under their upstream ids), that a missing LLMROUTER_CONFIG falls back to it, that a downloaded catalog cannot
# send a key to a foreign host, and that an unservable --default-model stops startup.
# Needs python3 and curl; LLMROUTER_BIN picks the binary (default: scripts/lib.sh's build).
source "$(dirname "$0")/lib.sh"
BIN=$(llmrouter_bin)
WORK=$(mktemp -d)
trap 'stop_children; rm -rf "$WORK"' EXIT
cd "$WORK"
mkdir -p home

start_fake groq
GROQ_PORT=$FAKE_PORT
start_fake cerebras
CEREBRAS_PORT=$FAKE_PORT
start_fake evil
EVIL_PORT=$FAKE_PORT

# Only fake keys and fake endpoints; nothing else from the caller's environment. A command
# prefix, not a function: `function ... &` runs in a forked subshell, so $! would be that
# subshell and `kill $PID` would leave the router running.
ROUTER_ENV=(env -i PATH="$PATH" HOME="$WORK/home" LLMROUTER_LOG_LEVEL=info
    GROQ_API_KEY=gsk_e2e_fake_groq_key CEREBRAS_API_KEY=csk-e2e-fake-cerebras-key
    GROQ_BASE_URL="http://127.0.0.1:$GROQ_PORT/v1" CEREBRAS_BASE_URL="http://127.0.0.1:$CEREBRAS_PORT/v1")

chat() { # chat PORT MODEL -> writes headers to $WORK/h, prints the body
    curl -sS -D "$WORK/h" "http://127.0.0.1:$1/v1/chat/completions" -H 'Content-Type: application/json' \
        -d "{\"model\":\"$2\",\"messages\":[{\"role\":\"user\",\"content\":\"hi from e2e\"}]}"
}
served_by() { tr -d '\r' <"$WORK/h" | sed -n 's/^[Xx]-[Ll][Ll][Mm][Rr]outer-[Pp]rovider: //p'; }
last_model() { curl -fsS "http://127.0.0.1:$1/_stats" | python3 -c 'import json,sys; print((json.load(sys.stdin)["last_body"] or {}).get("model"))'; }
chat_count() { curl -fsS "http://127.0.0.1:$1/_stats" | python3 -c 'import json,sys; print(json.load(sys.stdin)["chat_requests"])'; }

echo "== embedded catalog from an empty directory, LLMROUTER_CONFIG naming a missing file"
PORT=$(free_port)
"${ROUTER_ENV[@]}" PORT="$PORT" LLMROUTER_CONFIG="$WORK/missing/providers.yaml" "$BIN" >"$WORK/serve.log" 2>&1 &
PID=$!
wait_for_http "http://127.0.0.1:$PORT/health"
check "warning names the missing LLMROUTER_CONFIG file" grep -q "missing/providers.yaml.*config file not found" "$WORK/serve.log"
check "the compiled-in catalog won" grep -q "source=bundled.*model catalog loaded" "$WORK/serve.log"
MODELS=$(curl -fsS "http://127.0.0.1:$PORT/v1/models")
check "/v1/models lists llama-3.3-70b" grep -q '"id":"llama-3.3-70b"' <<<"$MODELS"
check "/v1/models leaves out a model no keyed provider offers (nemotron-3-super-120b-a12b)" bash -c "! grep -q 'nemotron-3-super-120b-a12b' <<<'$MODELS'"

BODY=$(chat "$PORT" gpt-oss-20b)
check "gpt-oss-20b is served by groq (Cerebras does not offer it)" test "$(served_by)" = "groq/gpt-oss-20b"
check "groq received its own upstream id openai/gpt-oss-20b" test "$(last_model "$GROQ_PORT")" = "openai/gpt-oss-20b"
check "the answer came from the groq fake" grep -q 'groq: hi from e2e' <<<"$BODY"

SEEN=""
for _ in 1 2 3 4; do
    chat "$PORT" llama-3.3-70b >/dev/null
    SEEN="$SEEN $(served_by)"
done
echo "   llama-3.3-70b answered by:$SEEN"
check "llama-3.3-70b is served only by keyed providers (groq, cerebras)" bash -c "! grep -qv -E '^(groq|cerebras)/llama-3.3-70b$' <<<'$(tr ' ' '\n' <<<"$SEEN" | sed '/^$/d')'"
check "llama-3.3-70b takes turns across groq and cerebras" bash -c "grep -q groq <<<'$SEEN' && grep -q cerebras <<<'$SEEN'"
check "cerebras received its own upstream id llama-3.3-70b" test "$(last_model "$CEREBRAS_PORT")" = "llama-3.3-70b"
ALIAS=$(curl -fsS "http://127.0.0.1:$PORT/v1/models/llama-3.3-70b-instruct")
check "/v1/models/{alias} resolves to llama-3.3-70b" grep -q '"id":"llama-3.3-70b"' <<<"$ALIAS"
check "no key value in the log" bash -c "! grep -q -e gsk_e2e_fake_groq_key -e csk-e2e-fake-cerebras-key '$WORK/serve.log'"
kill -TERM "$PID"
wait "$PID" || true

echo "== each provider's key alone serves that provider's models (compiled-in catalog, empty directory)"
start_fake alone
ALONE_PORT=$FAKE_PORT
INDEX="$ROOT/generated/model_index.json"
# provider, key variable, base-URL variable
for row in "groq GROQ_API_KEY GROQ_BASE_URL" "openrouter OPENROUTER_API_KEY OPENROUTER_BASE_URL" \
    "nvidia_nim NVIDIA_NIM_KEY NVIDIA_NIM_BASE_URL" "cerebras CEREBRAS_API_KEY CEREBRAS_BASE_URL" \
    "gemini GEMINI_API_KEY GEMINI_BASE_URL" "mistral MISTRAL_API_KEY MISTRAL_BASE_URL" \
    "github_models GITHUB_TOKEN GITHUB_MODELS_BASE_URL" "huggingface HUGGINGFACE_API_TOKEN HUGGINGFACE_BASE_URL"; do
    read -r provider key_variable url_variable <<<"$row"
    # The models the index maps to this provider, chat first: "canonical upstream-id kind" per line.
    python3 - "$INDEX" "$provider" >"$WORK/expected" <<'PY'
import json, sys
index, provider = json.load(open(sys.argv[1])), sys.argv[2]
rows = [(m["canonical"], m["providers"][provider]["model"], m.get("kind", "chat")) for m in index["models"] if provider in m["providers"]]
for canonical, upstream, kind in sorted(rows, key=lambda row: row[2] != "chat"):
    print(canonical, upstream, kind)
PY
    PORT=$(free_port)
    env -i PATH="$PATH" HOME="$WORK/home" "$key_variable=e2e-fake-$provider-key" "$url_variable=http://127.0.0.1:$ALONE_PORT/v1" \
        PORT="$PORT" "$BIN" >"$WORK/alone-$provider.log" 2>&1 &
    PID=$!
    wait_for_http "http://127.0.0.1:$PORT/health"
    LISTED=$(curl -fsS "http://127.0.0.1:$PORT/v1/models" | python3 -c 'import json,sys; print("\n".join(m["id"] for m in json.load(sys.stdin)["data"]))')
    MISSING=$(while read -r canonical _ _; do grep -qxF -- "$canonical" <<<"$LISTED" || echo "$canonical"; done <"$WORK/expected")
    check "$provider: $key_variable alone lists its $(wc -l <"$WORK/expected") models" test -z "$MISSING"
    check "$provider: at least three chat models" test "$(grep -c ' chat$' "$WORK/expected")" -ge 3
    SERVED=0
    while read -r canonical upstream kind; do
        if [ "$kind" = chat ]; then
            chat "$PORT" "$canonical" >/dev/null
        else
            curl -sS -D "$WORK/h" -o /dev/null "http://127.0.0.1:$PORT/v1/embeddings" -H 'Content-Type: application/json' \
                -d "{\"model\":\"$canonical\",\"input\":\"hi\"}"
        fi
        [ "$(served_by)" = "$provider/$canonical" ] && [ "$(last_model "$ALONE_PORT")" = "$upstream" ] && SERVED=$((SERVED + 1))
    done < <(grep ' chat$' "$WORK/expected" | head -n 3; grep ' embeddings$' "$WORK/expected")
    WANTED=$(( $(grep ' chat$' "$WORK/expected" | head -n 3 | wc -l) + $(grep -c ' embeddings$' "$WORK/expected" || true) ))
    check "$provider: $SERVED of $WANTED models answered by $provider under their upstream ids" test "$SERVED" -eq "$WANTED"
    check "$provider: no key value in the log" bash -c "! grep -q e2e-fake-$provider-key '$WORK/alone-$provider.log'"
    kill -TERM "$PID"
    wait "$PID" || true
done

echo "== a downloaded catalog cannot send a key elsewhere"
mkdir -p www
cat >www/index.json <<JSON
{"schema_version": 2, "generated_at": "2030-01-01T00:00:00Z", "providers": ["groq"], "models": [
 {"canonical": "stolen", "providers": {"groq": {"model": "m", "base_url": "http://127.0.0.1:$EVIL_PORT/v1"}}},
 {"canonical": "home", "providers": {"groq": {"model": "m", "api_key_env": "HOME"}}},
 {"canonical": "honest", "providers": {"groq": {"model": "honest-upstream"}}}]}
JSON
python3 -m http.server 0 --bind 127.0.0.1 --directory www >"$WORK/www.log" 2>&1 &
for _ in $(seq 1 100); do
    WWW_PORT=$(sed -n 's/.*Serving HTTP on [0-9.]* port \([0-9]*\).*/\1/p' "$WORK/www.log" | head -n 1)
    [ -n "$WWW_PORT" ] && break
    sleep 0.1
done
PORT=$(free_port)
"${ROUTER_ENV[@]}" PORT="$PORT" LLMROUTER_MODEL_INDEX_URL="http://127.0.0.1:$WWW_PORT/index.json" "$BIN" >"$WORK/hostile.log" 2>&1 &
PID=$!
wait_for_http "http://127.0.0.1:$PORT/health"
check "the downloaded catalog won" grep -q "source=url.*model catalog loaded" "$WORK/hostile.log"
check "foreign base_url ignored with a warning" grep -q "provider=groq/stolen.*catalog route ignored" "$WORK/hostile.log"
check "api_key_env HOME ignored with a warning" grep -q "provider=groq/home.*catalog route ignored" "$WORK/hostile.log"
STATUS=$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$PORT/v1/chat/completions" -d '{"model":"stolen","messages":[{"role":"user","content":"x"}]}')
check "the hostile model is not served (404)" test "$STATUS" = "404"
chat "$PORT" honest >/dev/null
check "the honest route reaches groq" test "$(last_model "$GROQ_PORT")" = "honest-upstream"
check "the foreign host received nothing" test "$(chat_count "$EVIL_PORT")" = "0"
kill -TERM "$PID"
wait "$PID" || true

echo "== --default-model is checked at startup"
OUTPUT=$("${ROUTER_ENV[@]}" PORT="$(free_port)" "$BIN" --default-model no-such-model 2>&1) && STATUS=0 || STATUS=$?
check "an unservable default model exits non-zero" test "$STATUS" -ne 0
check "the message names the default model" grep -q "default-model.*no provider serves 'no-such-model'" <<<"$OUTPUT"

finish
