#!/usr/bin/env bash
# Builds everything `sam deploy` uploads:
#   build/lambda-<arch>/<binary>/bootstrap.zip   one release zip per function in infra/template.yaml
#   build/model-layer/model/...                   the embedding model, laid out as the layer unpacks (/opt/model)
#   build/model-layer.zip                         the same, zipped
#   build/template.yaml                           infra/template.yaml with CodeUri/ContentUri pointing at the zips
# and prints each zip's size.
#
# The binaries are read from the template (each function's
# Metadata.BuildProperties.Binary), so the template stays the one list.
# Functions are built for arm64 (Graviton). When the aarch64 Rust target is not
# installed and cannot be installed, it says so and builds x86_64 instead; the
# generated template then declares x86_64, so what is deployed matches what was
# built. FLOWCOACH_LAMBDA_ARCH=arm64|x86_64 forces one.
#
# Usage: scripts/build-lambdas.sh
# Then:  sam deploy --config-env dev            (samconfig.toml names build/template.yaml)
set -euo pipefail
source "$(dirname "$0")/lib.sh"
cd "$FLOWCOACH_ROOT"

readonly TEMPLATE="infra/template.yaml"
readonly BUILD_DIR="$FLOWCOACH_ROOT/build"
readonly PACKAGE="flowcoach-functions"
readonly ARM_TARGET="aarch64-unknown-linux-gnu"
readonly MODEL_DIR="${FLOWCOACH_MODEL_DIR:-$HOME/.cache/flowcoach/models/all-MiniLM-L6-v2}"
readonly MODEL_FILES=(model.safetensors tokenizer.json config.json vocab.txt NOTICE)
started=$SECONDS

# cargo-lambda (and the zig it cross-links with) and the template parser live in
# the tools venv; setup-aws-tools.sh installs them when missing.
venv_bin="$(scripts/setup-aws-tools.sh)"
export PATH="$venv_bin:$PATH"
python="$venv_bin/python"

# --- which binaries: every function's Metadata.BuildProperties.Binary ---------
mapfile -t binaries < <("$python" - "$TEMPLATE" <<'PY'
import sys
from samcli.yamlhelper import yaml_parse
template = yaml_parse(open(sys.argv[1]).read())
for logical_id, resource in template["Resources"].items():
    if resource.get("Type") != "AWS::Serverless::Function":
        continue
    metadata = resource.get("Metadata") or {}
    binary = (metadata.get("BuildProperties") or {}).get("Binary")
    if metadata.get("BuildMethod") != "rust-cargolambda" or not binary:
        sys.exit(f"{logical_id}: expected Metadata.BuildMethod rust-cargolambda and BuildProperties.Binary")
    print(binary)
PY
)
[ "${#binaries[@]}" -gt 0 ] || die "no functions found in $TEMPLATE"
log "functions in $TEMPLATE: ${binaries[*]}"

# --- architecture -----------------------------------------------------------
arm64_target_available() {
  command -v rustup >/dev/null 2>&1 || return 1
  if rustup target list --installed 2>/dev/null | grep -qx "$ARM_TARGET"; then
    return 0
  fi
  log "installing the Rust target $ARM_TARGET (rustup target add)"
  timeout 300 rustup target add "$ARM_TARGET" >&2
}

arch="${FLOWCOACH_LAMBDA_ARCH:-}"
case "$arch" in
  arm64 | x86_64) log "architecture forced by FLOWCOACH_LAMBDA_ARCH: $arch" ;;
  "")
    if arm64_target_available; then
      arch=arm64
    else
      arch=x86_64
      log "WARNING: the Rust target $ARM_TARGET is not installed and could not be installed"
      log "WARNING: (rustup missing, or its download server unreachable from this machine)."
      log "WARNING: Building x86_64 Lambdas instead; build/template.yaml declares x86_64 to match."
      log "WARNING: For Graviton (arm64, ~20% cheaper), run 'rustup target add $ARM_TARGET' where it works, then rebuild."
    fi
    ;;
  *) die "FLOWCOACH_LAMBDA_ARCH must be arm64 or x86_64, not '$arch'" ;;
esac
if [ "$arch" = arm64 ]; then arch_flag=--arm64; else arch_flag=--x86-64; fi
lambda_dir="$BUILD_DIR/lambda-$arch"

# --- functions ----------------------------------------------------------------
# Features per function: a binary built with the embedding model names it in
# its required-features (functions/Cargo.toml); every other function is built
# without it, so it links no model or tokenizer code (ADR 0009).
mapfile -t embedding_binaries < <(cargo metadata --locked --no-deps --format-version 1 |
  "$python" -c '
import json, sys
for package in json.load(sys.stdin)["packages"]:
    if package["name"] != sys.argv[1]:
        continue
    for target in package["targets"]:
        if "bin" in target["kind"] and "embedding" in (target.get("required-features") or []):
            print(target["name"])
' "$PACKAGE")

build_functions() {
  local lean_args=() embedding_args=() binary
  for binary in "${binaries[@]}"; do
    if printf '%s\n' "${embedding_binaries[@]}" | grep -qx "$binary"; then
      embedding_args+=(--bin "$binary")
    else
      lean_args+=(--bin "$binary")
    fi
  done
  rm -rf "$lambda_dir"
  mkdir -p "$lambda_dir"
  # One cargo invocation per feature set: one dependency graph, one link step each.
  # The functions without the model are built for size (profile `lambda`,
  # opt-level "z"); the embed stage keeps `release` for the encoder (ADR 18,
  # 19). Both are linked alike (cargo_lambda_build, scripts/lib.sh).
  if [ "${#lean_args[@]}" -gt 0 ]; then
    cargo_lambda_build --profile lambda "$arch_flag" --output-format zip --lambda-dir "$lambda_dir" \
      --package "$PACKAGE" --no-default-features "${lean_args[@]}"
  fi
  if [ "${#embedding_args[@]}" -gt 0 ]; then
    cargo_lambda_build --release "$arch_flag" --output-format zip --lambda-dir "$lambda_dir" \
      --package "$PACKAGE" --no-default-features --features embedding "${embedding_args[@]}"
  fi
  for binary in "${binaries[@]}"; do
    [ -s "$lambda_dir/$binary/bootstrap.zip" ] || die "cargo lambda produced no $lambda_dir/$binary/bootstrap.zip"
  done
}
phase "cargo lambda build ($arch; profiles lambda and release)" build_functions

# --- model layer --------------------------------------------------------------
build_model_layer() {
  FLOWCOACH_MODEL_DIR="$MODEL_DIR" scripts/fetch-model.sh
  local layer_dir="$BUILD_DIR/model-layer" file
  rm -rf "$layer_dir" "$BUILD_DIR/model-layer.zip"
  mkdir -p "$layer_dir/model"
  for file in "${MODEL_FILES[@]}"; do
    [ -s "$MODEL_DIR/$file" ] || die "model file missing: $MODEL_DIR/$file"
    # A hard link saves 90 MB of copying when the cache is on the same filesystem.
    ln "$MODEL_DIR/$file" "$layer_dir/model/$file" 2>/dev/null || cp "$MODEL_DIR/$file" "$layer_dir/model/$file"
  done
  # Python's zipfile rather than zip(1), which is often not installed.
  "$python" - "$layer_dir" "$BUILD_DIR/model-layer.zip" <<'PY'
import os, sys, zipfile
root, target = sys.argv[1], sys.argv[2]
with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED, compresslevel=6) as archive:
    for folder, _, files in sorted(os.walk(root)):
        for name in sorted(files):
            path = os.path.join(folder, name)
            archive.write(path, os.path.relpath(path, root))  # model/<file> -> /opt/model/<file>
PY
}
phase "model layer" build_model_layer

# --- the template sam deploy uploads -------------------------------------------
write_deploy_template() {
  "$python" - "$TEMPLATE" "$BUILD_DIR/template.yaml" "$arch" <<'PY'
import sys
from samcli.yamlhelper import yaml_parse, yaml_dump
source, target, arch = sys.argv[1:]
template = yaml_parse(open(source).read())
function_globals = template.setdefault("Globals", {}).setdefault("Function", {})
function_globals.pop("CodeUri", None)
function_globals["Architectures"] = [arch]
for resource in template["Resources"].values():
    properties = resource.setdefault("Properties", {})
    if resource["Type"] == "AWS::Serverless::Function":
        binary = resource["Metadata"]["BuildProperties"]["Binary"]
        properties["CodeUri"] = f"lambda-{arch}/{binary}/bootstrap.zip"  # relative to build/
        properties["Architectures"] = [arch]
        del resource["Metadata"]  # already built: nothing for `sam build` to do
    elif resource["Type"] == "AWS::Serverless::LayerVersion":
        properties["ContentUri"] = "model-layer.zip"
        properties["CompatibleArchitectures"] = [arch]
header = "# GENERATED by scripts/build-lambdas.sh from infra/template.yaml - edit that file.\n"
open(target, "w").write(header + yaml_dump(template))
PY
  "$venv_bin/cfn-lint" "$BUILD_DIR/template.yaml" || die "the generated build/template.yaml does not lint"
}
phase "deploy template" write_deploy_template

# --- sizes ----------------------------------------------------------------------
print_sizes() {
  local zip
  printf '%-48s %12s\n' "zip" "bytes" >&2
  for zip in "$lambda_dir"/*/bootstrap.zip "$BUILD_DIR/model-layer.zip"; do
    printf '%-48s %12s  (%s)\n' "${zip#"$FLOWCOACH_ROOT/"}" "$(wc -c <"$zip" | tr -d ' ')" \
      "$(du -h "$zip" | cut -f1)" >&2
  done
}
print_sizes
log "built ${#binaries[@]} functions ($arch) and the model layer in $((SECONDS - started))s"
log "deploy with: sam deploy --config-env dev   (see docs/deploy.md)"
