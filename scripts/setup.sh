#!/usr/bin/env bash
# Installs the Debian packages rknn-sim needs (when missing) and builds it.
# usage: scripts/setup.sh [BUILD_DIR] [extra cmake args...]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$root/build}
shift || true

packages=(build-essential cmake ninja-build pkg-config
  libsystemc-dev libeigen3-dev libhwy-dev libdnnl-dev libyaml-cpp-dev libspdlog-dev
  libonnx-dev libprotobuf-dev protobuf-compiler libcli11-dev nlohmann-json3-dev
  flatbuffers-compiler libflatbuffers-dev zlib1g-dev libstb-dev libjpeg-dev libpng-dev
  libgtest-dev libgmock-dev libbenchmark-dev python3-numpy libonnx-testdata
  python3-torch python3-torchvision python3-onnx
  pybind11-dev python3-dev python3-yaml python3-pil fonts-dejavu-core
  python3-skimage python3-opencv opencv-data chromium python3-distributed)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "installing: ${missing[*]}"
  sudo=""
  [ "$(id -u)" = 0 ] || sudo=sudo
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

cmake -S "$root" -B "$build" -G Ninja "$@" >/dev/null
cmake --build "$build" -j "$(nproc)"
