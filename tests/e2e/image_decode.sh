#!/usr/bin/env bash
# Images decode to the pixels PIL decodes (RKNN-Toolkit2 reads dataset images through PIL/OpenCV,
# both on libjpeg and libpng): Debian's skimage astronaut photo saved by PIL as baseline and
# progressive JPEG, 4:4:4 JPEG, RGB and palette PNG, and BMP, and by OpenCV as a 16-bit RGB PNG,
# each run through an Identity model with `run --reference float` (raw pixels in, raw pixels out)
# and compared exactly with PIL's decode. Refused in one line: a grayscale JPEG and PNG, a
# truncated JPEG, and a JPEG and a PNG whose headers declare 8000x8000 pixels over a few hundred
# bytes (the decoders stop before producing or allocating them).
# usage: image_decode.sh RKNN_SIM WORK_DIR
set -euo pipefail
sim=$1 work=$2
dir=$work/image_decode
rm -rf "$dir" && mkdir -p "$dir"

/usr/bin/python3 - "$dir" <<'PY'
import struct, sys, zlib
import cv2, numpy as np, onnx, skimage.data
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
cv2.imwrite(f"{out}/rgb16.png", (px.astype(np.uint16) * 257 + 13)[:, :, ::-1])  # OpenCV writes BGR
def forge(name, patch):  # a real small file whose header then declares 8000x8000 pixels
    Image.fromarray(px[:16, :16]).save(f"{out}/small_{name}")
    b = bytearray(open(f"{out}/small_{name}", "rb").read())
    patch(b)
    open(f"{out}/{name}", "wb").write(b)
def sof(b):
    at = b.find(b"\xff\xc0")
    struct.pack_into(">HH", b, at + 5, 8000, 8000)
def ihdr(b):
    struct.pack_into(">II", b, 16, 8000, 8000)
    struct.pack_into(">I", b, 29, zlib.crc32(bytes(b[12:29])))
forge("forged.jpg", sof)
forge("forged.png", ihdr)
Image.fromarray(px[:, :, 1]).save(f"{out}/gray.jpg")
data = open(f"{out}/baseline.jpg", "rb").read()
open(f"{out}/truncated.jpg", "wb").write(data[: len(data) // 2])
PY

cd "$dir"
for f in baseline.jpg progressive.jpg yuv444.jpg rgb.png palette.png rgb16.png rgb.bmp; do
  "$sim" -q run decode.onnx --reference float -i "$f" -o "out_$f"
done
/usr/bin/python3 - <<'PY'
import numpy as np
from PIL import Image
ok = True
for f in ("baseline.jpg", "progressive.jpg", "yuv444.jpg", "rgb.png", "palette.png", "rgb16.png", "rgb.bmp"):
    got = np.load(f"out_{f}/0_image.npy")[0].transpose(1, 2, 0)
    want = np.asarray(Image.open(f).convert("RGB"), np.float32)
    differ = int((got != want).sum())
    print(f"{f}: {differ} of {want.size} samples differ from PIL's decode")
    ok &= differ == 0
raise SystemExit(0 if ok else 1)
PY
for f in gray.jpg gray16.png truncated.jpg forged.jpg forged.png; do
  if msg=$("$sim" -q run decode.onnx --reference float -i "$f" -o out_bad 2>&1); then
    echo "FAIL: $f was accepted"; exit 1
  fi
  echo "$msg"
  [ "$(echo "$msg" | wc -l)" = 1 ] && [[ $msg == "E run: $f: "* ]] || { echo "FAIL: not one line naming $f"; exit 1; }
done
echo "ok: every image decodes to PIL's pixels; gray, truncated and forged files refused in one line"
