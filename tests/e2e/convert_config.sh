#!/usr/bin/env bash
# `convert -c model.yml` (rknn_convert's YAML, docs/rknn_convert.md) on the bundled model: the model
# file is byte-identical to the one the equivalent flags build (int8 with most keys, and fp16), for
# -o FILE.rknnsim, -o DIR and no -o; flags may add what the file leaves out but not contradict it; bad
# files give one `E convert: FILE: KEY: ...` line and exit code 1; the old usage errors are unchanged.
# usage: convert_config.sh RKNN_SIM MODELS_DIR WORK_DIR
set -euo pipefail
sim=$1 models=$2 work=$3
dir=$work/convert_config
rm -rf "$dir" && mkdir -p "$dir/cfg"
cp "$models/bundled/tiny_resnet.onnx" "$dir/tiny_resnet.onnx"
# Relative paths in the file resolve against its directory (cfg/): ../ reaches the model.
dataset_rel=$(/usr/bin/python3 -c 'import os, sys; print(os.path.relpath(sys.argv[1], sys.argv[2]))' \
  "$models/bundled/dataset.txt" "$dir/cfg")
cat >"$dir/cfg/model.yml" <<EOF
models:
    # model output name
    name: tiny
    platform: onnx
    model_file_path: ../tiny_resnet.onnx
    subgraphs:
      input_size_list:
        - 1, 3, 64, 64
      inputs:
        - input
      outputs:
        - output
    quantize: true
    dataset: $dataset_rel
    configs:
      quantized_dtype: asymmetric_quantized-8
      mean_values: [0.5, 0.25, 0]
      std_values: [2, 2, 4]
      quant_img_RGB2BGR: false
      quantized_algorithm: kl_divergence
      quantized_method: layer
      optimization_level: 3
      target_platform: RK3588
EOF
flags=(-t rk3588 -d "$models/bundled/dataset.txt" --input-size-list '[[1,3,64,64]]' --inputs input --outputs output
       --mean-values '[[0.5,0.25,0]]' --std-values '[[2,2,4]]' --quantized-algorithm kl_divergence
       --quantized-method layer --optimization-level 3)
"$sim" -q convert "$dir/tiny_resnet.onnx" "${flags[@]}" -o "$dir/flags.rknnsim"
"$sim" -q convert -c "$dir/cfg/model.yml" -o "$dir/yaml.rknnsim"
cmp "$dir/flags.rknnsim" "$dir/yaml.rknnsim"
# ... and the settings did reach the build: the defaults build another model.
"$sim" -q convert "$dir/tiny_resnet.onnx" -t rk3588 -d "$models/bundled/dataset.txt" -o "$dir/defaults.rknnsim"
! cmp -s "$dir/defaults.rknnsim" "$dir/yaml.rknnsim"
# -o DIR (created, as rknn_convert's -o) and no -o (the current directory) name the file after models.name.
"$sim" -q convert -c "$dir/cfg/model.yml" -t rk3588 -o "$dir/out/"
cmp "$dir/flags.rknnsim" "$dir/out/tiny.rknnsim"
# Any -o not ending in .rknnsim is a directory, as rknn_convert's -o always is, '/' or not.
"$sim" -q convert -c "$dir/cfg/model.yml" -o "$dir/out_dir"
cmp "$dir/flags.rknnsim" "$dir/out_dir/tiny.rknnsim"
# (The model file records the ONNX path as given: here "tiny_resnet.onnx", relative to $dir.)
(cd "$dir" && "$sim" -q convert -c cfg/model.yml && "$sim" -q convert tiny_resnet.onnx "${flags[@]}" -o flags_rel.rknnsim)
cmp "$dir/flags_rel.rknnsim" "$dir/tiny.rknnsim"
# Flags that agree with the file, and flags for settings it leaves out (the file is the same build).
"$sim" -q convert -c "$dir/cfg/model.yml" -t rk3588 --quantized-method layer -o "$dir/agree.rknnsim"
cmp "$dir/flags.rknnsim" "$dir/agree.rknnsim"
"$sim" -q convert -c "$dir/cfg/model.yml" --batch-size 2 -o "$dir/batch2.rknnsim"
"$sim" -q convert "$dir/tiny_resnet.onnx" "${flags[@]}" --batch-size 2 -o "$dir/batch2_flags.rknnsim"
cmp "$dir/batch2_flags.rknnsim" "$dir/batch2.rknnsim"

# fp16: quantize: false is --no-quant; the target comes from -t as rknn_convert takes it; a name
# ending in .rknn loses it, as rknn_convert strips it (tiny_fp16.rknnsim, not tiny_fp16.rknn.rknnsim).
printf 'models:\n  name: tiny_fp16.rknn\n  platform: onnx\n  model_file_path: ../tiny_resnet.onnx\n  quantize: false\n' \
  >"$dir/cfg/fp16.yml"
"$sim" -q convert "$dir/tiny_resnet.onnx" -t rv1106 --no-quant -o "$dir/fp16_flags.rknnsim"
"$sim" -q convert -c "$dir/cfg/fp16.yml" -t rv1106 -o "$dir/"
cmp "$dir/fp16_flags.rknnsim" "$dir/tiny_fp16.rknnsim"
echo "convert -c builds byte-identical models"

failures=0
expect() {
  local want=$1 pattern=$2; shift 2
  local code=0
  "$@" >"$dir/out.txt" 2>"$dir/err.txt" || code=$?
  local lines; lines=$(wc -l <"$dir/err.txt")
  if [ "$code" != "$want" ] || [ "$lines" != 1 ] || ! grep -qF -- "$pattern" "$dir/err.txt"; then
    echo "FAIL: '$*' exited $code (want $want), stderr ($lines lines):"; cat "$dir/err.txt"
    failures=$((failures + 1))
  else
    echo "ok: $(cat "$dir/err.txt")"
  fi
}
yml=$dir/cfg/model.yml
expect_bad_file() {  # convert -c of model.yml with a line edited by $1 (sed syntax) prints the E line $2
  sed "$1" "$yml" >"$dir/cfg/bad.yml"
  expect 1 "$2" "$sim" convert -c "$dir/cfg/bad.yml"
}
expect_bad_file 's/quantized_algorithm: kl_divergence/quantized_algorithm: fast/' \
  "E convert: $dir/cfg/bad.yml: models.configs.quantized_algorithm: 'fast' is not supported"
expect_bad_file 's/optimization_level: 3/optimization_lvl: 3/' \
  "E convert: $dir/cfg/bad.yml: models.configs.optimization_lvl: unknown"
expect_bad_file 's/quantize: true/quantize: yes please/' "models.quantize: must be true or false (got 'yes please')"
expect_bad_file 's/platform: onnx/platform: tflite/' "models.platform: 'tflite' models are not supported"
expect_bad_file 's|model_file_path: ../tiny_resnet.onnx|model_file_path: ./gone.onnx|' \
  "models.model_file_path: '$dir/cfg/gone.onnx' does not exist"
expect_bad_file 's/        - 1, 3, 64, 64/        - 1, 3, x, 64/' \
  "models.subgraphs.input_size_list: '1,3,x,64' is not a shape"
expect_bad_file '/target_platform/d' "E convert: $dir/cfg/bad.yml: no target platform"
expect 1 "models.configs.target_platform: says 'rk3588', --target says 'rk3566'" \
  "$sim" convert -c "$yml" -t rk3566
expect 1 "models.configs.quantized_algorithm: says 'kl_divergence', --quantized-algorithm says 'mmse'" \
  "$sim" convert -c "$yml" --quantized-algorithm mmse
expect 1 "models.quantize: says 'int8 quantization', --no-quant says 'fp16, no quantization'" "$sim" convert -c "$yml" --no-quant
expect 1 "models.model_file_path: says" "$sim" convert "$models/bundled/tiny_resnet.onnx" -c "$yml"
expect 1 "cannot open '$dir/cfg/none.yml'" "$sim" convert -c "$dir/cfg/none.yml"
# Without -c, the model, -t and -o stay required exactly as before (usage errors, exit code 2).
expect 2 "E rknn-sim: model is required (see --help)" "$sim" convert -t rk3588 -o "$dir/x"
expect 2 "E rknn-sim: --target is required (see --help)" "$sim" convert "$dir/tiny_resnet.onnx"
expect 2 "E rknn-sim: --output is required (see --help)" "$sim" convert "$dir/tiny_resnet.onnx" -t rk3588
[ "$failures" = 0 ] || { echo "$failures failure(s)"; exit 1; }
