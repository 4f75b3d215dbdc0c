#!/usr/bin/env bash
# Images decode to the pixels PIL decodes (RKNN-Toolkit2 reads dataset images through PIL/OpenCV,
# both on libjpeg and libpng): Debian's skimage astronaut photo saved by PIL as baseline and
# progressive JPEG, 4:4:4 JPEG, RGB, palette and 16-bit PNG, and BMP, each run through an Identity
# model with `run --reference float` (raw pixels in, raw pixels out) and compared exactly with
# PIL's decode. A grayscale JPEG and a truncated one are refused in one line.
# usage: image_decode.sh RKNN_SIM WORK_DIR
set -euo pipefail
sim=$1 work=$2
dir=$work/image_decode
rm -rf "$dir" && mkdir -p "$dir"

/usr/bin/python3 - "$dir" <<'PY'
import sys, numpy as np, onnx, skimage.data
from onnx import helper, TensorProto
from PIL import Image
out = sys.argv[1]
px = skimage.data.astronaut()[:240, 120:440]  # 240x320, the face
h, w = px.shape[:2]
value = lambda name: helper.make_tensor_value_info(name, TensorProto.FLOAT, [1, 3, h, w])
graph = helper.make_graph([helper.make_node("Identity", ["image"], ["pixels"])], "decode", [value("image")], [value("pixels")])
onnx.save(helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)]), f"{out}/decode.onnx")
im = Image.fromarray(px)
im.save(f"{out}/baseline.jpg", quality=85)
im.save(f"{out}/progressive.jpg", quality=85, progressive=True)
im.save(f"{out}/yuv444.jpg", quality=95, subsampling=0)
im.save(f"{out}/rgb.png")
im.quantize(64).save(f"{out}/palette.png")
Image.fromarray((px.astype(np.uint16) * 257 + 13).reshape(h, w * 3), "I;16").save(f"{out}/gray16.png")  # refused: gray
im.save(f"{out}/rgb.bmp")
Image.fromarray(px[:, :, 1]).save(f"{out}/gray.jpg")
data = open(f"{out}/baseline.jpg", "rb").read()
open(f"{out}/truncated.jpg", "wb").write(data[: len(data) // 2])
PY

cd "$dir"
for f in baseline.jpg progressive.jpg yuv444.jpg rgb.png palette.png rgb.bmp; do
  "$sim" -q run decode.onnx --reference float -i "$f" -o "out_$f"
done
/usr/bin/python3 - <<'PY'
import numpy as np
from PIL import Image
ok = True
for f in ("baseline.jpg", "progressive.jpg", "yuv444.jpg", "rgb.png", "palette.png", "rgb.bmp"):
    got = np.load(f"out_{f}/0_image.npy")[0].transpose(1, 2, 0)
    want = np.asarray(Image.open(f).convert("RGB"), np.float32)
    differ = int((got != want).sum())
    print(f"{f}: {differ} of {want.size} samples differ from PIL's decode")
    ok &= differ == 0
raise SystemExit(0 if ok else 1)
PY
for f in gray.jpg gray16.png truncated.jpg; do
  if msg=$("$sim" -q run decode.onnx --reference float -i "$f" -o out_bad 2>&1); then
    echo "FAIL: $f was accepted"; exit 1
  fi
  echo "$msg"
  [ "$(echo "$msg" | wc -l)" = 1 ] && [[ $msg == "E run: $f: "* ]] || { echo "FAIL: not one line naming $f"; exit 1; }
done
echo "ok: every image decodes to PIL's pixels; gray and truncated files refused in one line"
