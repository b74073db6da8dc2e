#!/usr/bin/env bash
# Rebuilds the bundled generated/model_index.json by running catalog-build itself against the newest
# real /models captures in ../shared/fixtures/upstream (seven providers; Hugging Face is documented
# in the seed), served by a throwaway python3 http.server on
# 127.0.0.1 (a free port) with dummy keys. Nothing leaves the machine. SCRATCH_PATH picks the build directory.
#
#   scripts/regenerate-bundled-index.sh            # rewrite generated/model_index.json
#   scripts/regenerate-bundled-index.sh --output /tmp/x.json   # extra flags go to catalog-build
#
# The test BundledIndexTests checks that the committed file is what this produces (except generated_at);
# scripts/embed-bundled-index.sh then compiles it into the binaries (EmbeddedIndexTests checks the copy).
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
fixtures=${FIXTURES_DIR:-$root/../shared/fixtures/upstream}
work=$(mktemp -d)
server_pid=""
cleanup() {
  if [ -n "$server_pid" ]; then kill "$server_pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

# Lay the captures out as {base}/<provider>/v1/models. Hugging Face has no full capture: its
# routes come from the seed's documented entries (status documented).
captures=(
  "groq groq-models.json"
  "openrouter openrouter-models-2026-08.json"
  "nvidia_nim nvidia-nim-models-2026-06.json"
  "cerebras cerebras-models.json"
  "gemini gemini-models-native.json"
  "mistral mistral-models.json"
  "github_models github-models-catalog.json"
)
for capture in "${captures[@]}"; do
  read -r provider file <<<"$capture"
  mkdir -p "$work/www/$provider/v1"
  cp "$fixtures/$file" "$work/www/$provider/v1/models"
done

python3 -u -m http.server 0 --bind 127.0.0.1 --directory "$work/www" >"$work/server.log" 2>&1 &
server_pid=$!
port=""
for _ in $(seq 1 100); do
  port=$(sed -n 's/.*Serving HTTP on [0-9.]* port \([0-9]*\).*/\1/p' "$work/server.log" | head -n 1)
  [ -n "$port" ] && break
  sleep 0.1
done
if [ -z "$port" ]; then
  echo "error: the fixture server did not start:" >&2
  cat "$work/server.log" >&2
  exit 1
fi

cd "$root"
scratch=${SCRATCH_PATH:-.build}
swift build --scratch-path "$scratch" --product catalog-build >&2
bin=$(swift build --scratch-path "$scratch" --show-bin-path)

base="http://127.0.0.1:$port"
env GROQ_API_KEY=dummy-groq-key OPENROUTER_API_KEY=dummy-openrouter-key NVIDIA_NIM_KEY=dummy-nim-key CEREBRAS_API_KEY=dummy-cerebras-key \
  GEMINI_API_KEY=dummy-gemini-key MISTRAL_API_KEY=dummy-mistral-key GITHUB_TOKEN=dummy-github-token \
  GROQ_BASE_URL="$base/groq/v1" OPENROUTER_BASE_URL="$base/openrouter/v1" NVIDIA_NIM_BASE_URL="$base/nvidia_nim/v1" \
  CEREBRAS_BASE_URL="$base/cerebras/v1" GEMINI_BASE_URL="$base/gemini/v1" MISTRAL_BASE_URL="$base/mistral/v1" \
  GITHUB_MODELS_BASE_URL="$base/github_models/v1" \
  "$bin/catalog-build" --providers groq,openrouter,nvidia_nim,cerebras,gemini,mistral,github_models \
  --seed config/model_catalog_seed.yaml --previous none --output generated/model_index.json --pretty "$@"
"$root/scripts/embed-bundled-index.sh"
