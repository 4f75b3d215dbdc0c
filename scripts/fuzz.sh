#!/usr/bin/env bash
# Runs every libFuzzer target of the build (clang, ASan+UBSan) for SECONDS each, seeded from the
# project's and the shared data's files, and prints how many inputs each ran. A crash stops with
# the fuzzer's report and the input that caused it (in the work directory).
# usage: scripts/fuzz.sh [SECONDS] [BUILD_DIR]
# FUZZ_RUNS=N stops each target after N inputs instead (SECONDS still caps it): the long runs of
# docs/reliability.md are `FUZZ_RUNS=1000000 scripts/fuzz.sh 3600`. FUZZ_ONLY="npy image" runs only
# the targets named (rknn regcmd regcmd_t npy image onnx model yaml hybrid).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
seconds=${1:-60}
build=${2:-$root/build}
data=$root/../shared/data/rknn
work=$build/fuzz_runs
smoke=$root/tests/fuzz/smoke.sh
cmake --build "$build" --target rknn_fuzzer_build regcmd_fuzzer_build npy_fuzzer_build image_fuzzer_build \
  onnx_fuzzer_build model_file_fuzzer_build convert_config_fuzzer_build hybrid_config_fuzzer_build >/dev/null
run() {  # name fuzzer seeds...
  local name=$1 fuzzer=$2
  shift 2
  [ -z "${FUZZ_ONLY:-}" ] || [[ " $FUZZ_ONLY " == *" $name "* ]] || return 0
  printf '%-9s ' "$name"
  "$smoke" "$fuzzer" "$work/$name" "$seconds" "$@"
}
rknn_seeds=("$data/multiple_input_demo_rk3588.rknn" "$data/multiple_input_demo_rk3566_rk3568.rknn"
            "$data/multiple_input_demo_rk3588_tk162.rknn" "$data/retinaface_rv1106.rknn")
run rknn "$build/compiler/rknn/rknn_fuzzer" "${rknn_seeds[@]}"
# The register-command decoder runs a whole file's program per input: on the small files of every
# layout family it decodes about 1,700 inputs a second, on the 650 KB RV1106 file 75; that file's
# T-layout program gets a run of its own so it does not slow the others twenty-fold.
FUZZ_MAX_LEN=65536 run regcmd "$build/compiler/rknn/regcmd_fuzzer" "$data"/multiple_input_demo_rk*.rknn \
  "$data/multiple_input_demo_rv1126b.rknn"
run regcmd_t "$build/compiler/rknn/regcmd_fuzzer" "$data/retinaface_rv1106.rknn"
run npy "$build/tests/fuzz/npy_fuzzer" "$root/models/bundled/input.npy" "$data/multiple_input_demo_image1_nchw.npy"
mkdir -p "$work"
/usr/bin/python3 -c "from PIL import Image; im = Image.new('RGB', (7, 5), (9, 80, 200)); [im.save('$work/seed.' + e) for e in ('png', 'jpg', 'bmp')]
im.save('$work/seed_progressive.jpg', progressive=True); im.quantize(4).save('$work/seed_palette.png')"
run image "$build/tests/fuzz/image_fuzzer" "$work"/seed.{png,jpg,bmp} "$work/seed_progressive.jpg" "$work/seed_palette.png"
onnx_cases=/usr/share/libonnx-testdata/data/node
run onnx "$build/tests/fuzz/onnx_fuzzer" "$root/models/bundled/tiny_resnet.onnx" "$data/multiple_input_demo.onnx" \
  "$data/custom_op/dual_residual.onnx" "$onnx_cases"/test_{conv,gemm,resize,reshape,slice,concat,maxpool,pad}*/model.onnx
# Our model file: the bundled model compiled fp16 for RK3566 and int8 for RV1106 as seeds.
export RKNN_SIM_MODELS_DIR=${RKNN_SIM_MODELS_DIR:-$root/models}
seeds=$work/model_seeds
mkdir -p "$seeds"
{ "$build/tools/rknn-sim" convert "$root/models/bundled/tiny_resnet.onnx" -t rk3566 --no-quant -o "$seeds/fp16.rknn" &&
  (cd "$root/models/bundled" && "$build/tools/rknn-sim" convert tiny_resnet.onnx -t rv1106 -d dataset.txt \
     -o "$seeds/int8.rknn"); } >/dev/null 2>&1 || { echo "E fuzz.sh: cannot compile the seed models"; exit 1; }
run model "$build/tests/fuzz/model_file_fuzzer" "$seeds/fp16.rknn" "$seeds/int8.rknn"
run yaml "$build/tests/fuzz/convert_config_fuzzer" "$root/tests/fuzz/seeds/model.yml"
run hybrid "$build/tests/fuzz/hybrid_config_fuzzer" "$root/tests/fuzz/seeds/model.quantization.cfg"
