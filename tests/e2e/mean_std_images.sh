#!/usr/bin/env bash
# config(mean_values, std_values, quant_img_RGB2BGR) and image datasets end to end on the bundled
# model: the compiled model takes raw pixels and normalizes them itself.
#  - calibration from a dataset.txt of .png images (two of them at another size, so resized),
#    listed relative to the dataset's directory and converted from another working directory;
#  - the platform equals the int8 (and fp16) reference byte for byte on a raw image input;
#  - `run -i image.png` equals `run -i` the same pixels as .npy;
#  - outputs match the float ONNX run on the normalized input ((pixel - mean) / std) within
#    quantization tolerance (the float reference on ONNX keeps the ONNX semantics: no mean/std);
#  - --quant-img-rgb2bgr on BGR-stored images builds the same model as RGB images without it.
# usage: mean_std_images.sh RKNN_SIM MODELS_DIR WORK_DIR
set -euo pipefail
sim=$1 models=$2 work=$3
bundled=$models/bundled
dir=$work/mean_std_images
rm -rf "$dir" && mkdir -p "$dir/data/imgs" "$dir/data_bgr/imgs"
mean='[[123.675,116.28,103.53]]'
std='[[58.395,57.12,57.375]]'

/usr/bin/python3 - "$bundled" "$dir" <<'PY'
import sys, numpy as np
from PIL import Image
bundled, out = sys.argv[1:]
mean = np.array([123.675, 116.28, 103.53], np.float32).reshape(3, 1, 1)
std = np.array([58.395, 57.12, 57.375], np.float32).reshape(3, 1, 1)
def pixels(npy):  # the bundled samples are ImageNet-normalized: back to 8-bit RGB, HWC
    x = np.load(npy)[0]
    return np.clip(np.round(x * std + mean), 0, 255).astype(np.uint8).transpose(1, 2, 0)
rgb, bgr = [], []
for i in range(8):
    px = pixels(f"{bundled}/calib/calib_{i:02d}.npy")
    if i < 6:
        name = f"imgs/c{i}.png"
        Image.fromarray(px).save(f"{out}/data/{name}")
        Image.fromarray(px[:, :, ::-1].copy()).save(f"{out}/data_bgr/{name}")
    else:  # larger images: the loader resizes them to 64x64 (PNG: JPEG's colour transform is not
        # symmetric in R and B, so a BGR-stored JPEG would not decode to the same pixels)
        name = f"imgs/c{i}_96x80.png"
        big = np.asarray(Image.fromarray(px).resize((96, 80), Image.BILINEAR))
        Image.fromarray(big).save(f"{out}/data/{name}")
        Image.fromarray(big[:, :, ::-1].copy()).save(f"{out}/data_bgr/{name}")
    rgb.append(name)
for d in ("data", "data_bgr"):
    open(f"{out}/{d}/dataset.txt", "w").write("\n".join(rgb) + "\n")
px = pixels(f"{bundled}/input.npy")
Image.fromarray(px).save(f"{out}/test.png")
Image.fromarray(px).save(f"{out}/test.jpg", quality=90)
raw = px.transpose(2, 0, 1)[None].astype(np.float32)
np.save(f"{out}/test_raw.npy", raw)
np.save(f"{out}/test_norm.npy", ((raw - mean) / std).astype(np.float32))
PY

# Relative dataset paths resolve against the dataset's directory, not the working directory.
(cd / && "$sim" -q convert "$bundled/tiny_resnet.onnx" -t rk3588 -d "$dir/data/dataset.txt" \
   --mean-values "$mean" --std-values "$std" -o "$dir/int8.rknnsim")
"$sim" -q convert "$bundled/tiny_resnet.onnx" -t rk3588 -d "$dir/data_bgr/dataset.txt" --quant-img-rgb2bgr \
  --mean-values "$mean" --std-values "$std" -o "$dir/int8_bgr.rknnsim"
cmp "$dir/int8.rknnsim" "$dir/int8_bgr.rknnsim"
# ...and the flag is not a no-op: on the RGB images it changes the calibration.
"$sim" -q convert "$bundled/tiny_resnet.onnx" -t rk3588 -d "$dir/data/dataset.txt" --quant-img-rgb2bgr \
  --mean-values "$mean" --std-values "$std" -o "$dir/int8_swapped.rknnsim"
if cmp -s "$dir/int8.rknnsim" "$dir/int8_swapped.rknnsim"; then echo "FAIL: --quant-img-rgb2bgr changed nothing"; exit 1; fi
echo "ok: --quant-img-rgb2bgr on BGR images builds the same model as RGB images"
"$sim" -q convert "$bundled/tiny_resnet.onnx" -t rk3588 --no-quant --mean-values "$mean" --std-values "$std" \
  -o "$dir/fp16.rknnsim"

for mode in int8 fp16; do  # `--reference int8` is the quantized (int8 or fp16) reference
  "$sim" -q run "$dir/$mode.rknnsim" -i "$dir/test.png" -o "$dir/sim_$mode"
  "$sim" -q run "$dir/$mode.rknnsim" --reference int8 -i "$dir/test.png" -o "$dir/ref_$mode"
  cmp "$dir/sim_$mode/0_output.npy" "$dir/ref_$mode/0_output.npy"
  "$sim" -q run "$dir/$mode.rknnsim" -i "$dir/test_raw.npy" -o "$dir/sim_npy_$mode"
  cmp "$dir/sim_$mode/0_output.npy" "$dir/sim_npy_$mode/0_output.npy"
  "$sim" -q run "$dir/$mode.rknnsim" -i "$dir/test.jpg" -o "$dir/sim_jpg_$mode"
  "$sim" -q run "$dir/$mode.rknnsim" --reference int8 -i "$dir/test.jpg" -o "$dir/ref_jpg_$mode"
  cmp "$dir/sim_jpg_$mode/0_output.npy" "$dir/ref_jpg_$mode/0_output.npy"
  echo "ok: $mode platform == reference on raw .png and .jpg inputs; .png == the same pixels as .npy"
done

"$sim" -q run "$bundled/tiny_resnet.onnx" --reference float -i "$dir/test_norm.npy" -o "$dir/float"
/usr/bin/python3 - "$dir" <<'PY'
import sys, numpy as np
d = sys.argv[1]
want = np.load(f"{d}/float/0_output.npy")
ok = True
# int8: one 8-bit requantization per layer; fp16: 10-bit mantissas (weights 1/std included).
for mode, tol in (("int8", 0.03), ("fp16", 0.005)):
    got = np.load(f"{d}/sim_{mode}/0_output.npy")
    rel = np.abs(got - want).max() / np.abs(want).max()
    print(f"{mode} with mean/std on raw pixels vs float ONNX on normalized input: max relative difference {rel:.4f} (limit {tol})")
    ok &= bool(rel <= tol)
sys.exit(0 if ok else 1)
PY
