#!/usr/bin/env bash
# Fetches the independent engines the zoo compares against: onnxruntime-node (pinned; its npm
# package ships the Linux x64 native binding, so no install script has to download anything)
# into an ignored cache, checks that the binding loads under this Node.js, and prints the
# node_modules directory to use as NODE_PATH on stdout (messages go to stderr).
#
# usage: scripts/fetch_peers.sh [CACHE_DIR]
#   CACHE_DIR defaults to $RKNN_SIM_CACHE, else <repo>/build/zoo-cache.
# Idempotent: an installed copy of the pinned version is reused without touching the network.
# Exit codes: 0 ok, 77 the npm registry is unreachable, 1 any other failure.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cache=${1:-${RKNN_SIM_CACHE:-$root/build/zoo-cache}}
mkdir -p "$cache" && cache=$(cd "$cache" && pwd)
# 1.20.1: last release whose package carries bin/napi-v3/linux/x64 with only tar as a helper
# dependency; loads on Node.js 20 with --ignore-scripts (checked below).
pkg=onnxruntime-node version=1.20.1
dest=$cache/npm/peers
pkgdir=$dest/node_modules/$pkg

die() { echo "fetch_peers: error: $1" >&2; exit "${2:-1}"; }
if ! command -v npm >/dev/null || ! command -v node >/dev/null; then die "node and npm are needed (Node.js 20 from the machine)"; fi
mkdir -p "$dest"
exec 9>"$dest/.lock"
flock 9  # concurrent callers (ctest -j) wait for one install

installed() { [ "$(node -p "require('$pkgdir/package.json').version" 2>/dev/null)" = "$version" ]; }

if ! installed; then
  echo "fetch_peers: installing $pkg@$version into $dest" >&2
  if ! out=$(timeout 120 npm view "$pkg@$version" version --fetch-retries=1 --fetch-timeout=20000 2>&1); then
    if grep -qE 'ECONNREFUSED|ENOTFOUND|EAI_AGAIN|ETIMEDOUT|ECONNRESET|ENETUNREACH|EHOSTUNREACH|network|socket' <<<"$out" ||
      [ -z "$out" ]; then
      die "the npm registry ($(npm config get registry)) is unreachable: $(grep -m1 -E 'code|errno' <<<"$out" || echo timeout)" 77
    fi
    die "npm cannot resolve $pkg@$version: $(grep -m1 'npm error' <<<"$out")"
  fi
  [ -f "$dest/package.json" ] || echo '{"name":"rknn-sim-zoo-peers","private":true}' >"$dest/package.json"
  timeout 900 npm install --ignore-scripts --no-audit --no-fund --loglevel=error --prefix "$dest" "$pkg@$version" >&2 ||
    die "npm install $pkg@$version failed"
  installed || die "$pkg@$version did not install into $pkgdir"
fi
err=$(node -e "const ort = require('$pkgdir'); if (typeof ort.InferenceSession?.create !== 'function') throw new Error('no InferenceSession')" 2>&1) ||
  die "$pkg@$version is installed but its native binding does not load under node $(node --version): $err"
echo "$dest/node_modules"
