#!/usr/bin/python3
"""Rockchip's pp_human_segv2 (.rknn for RK3566 and RK3588) executed from its register commands on a
real photo, checked with oracles nobody here wrote:

- the photo is Debian python3-skimage's astronaut (skimage.data.astronaut(), NASA public domain);
- OpenCV's Haar face cascade (Debian opencv-data) finds the face; the person mask must cover at
  least 90% of that box, and the background corners (top-left, top-right, bottom-right of the
  photo, which are flag and space) at most 5%;
- the person covers between 20% and 70% of the frame;
- the two platforms' masks agree on at least 98% of the pixels (the same model compiled twice by
  Rockchip's toolkit, with different layouts, weight blocks and register maps);
- on each platform the SystemC platform and `--reference int8` write the same bytes.
The overlays (mask in red over the photo, the face box in green) are written as PNGs into WORKDIR.

usage: photo_rknn.py SIM DATA_DIR WORKDIR
"""
import os
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..'))
from shared_data import require  # noqa: E402

import numpy as np

import astronaut

FILES = ["pp_human_segv2_rk3588", "pp_human_segv2_rk3566_rk3568"]
SIZE = 192


def main():
    sim, data, work = sys.argv[1:4]
    require(data, *(name + ".rknn" for name in FILES))
    try:
        photo, face, photo_path = astronaut.saved_astronaut(work)
    except astronaut.Unavailable as e:
        print("FAIL: %s" % e)
        return 1
    from PIL import Image
    scale = SIZE / photo.shape[0]
    fx, fy, fw, fh = [int(round(v * scale)) for v in face]
    ok = True
    masks = {}
    for name in FILES:
        path = os.path.join(data, name + ".rknn")
        outs = {}
        for mode, extra in (("platform", []), ("reference", ["--reference", "int8"])):
            out = os.path.join(work, name, mode)
            p = subprocess.run([sim, "run", path, "-i", photo_path, "-o", out] + extra, capture_output=True, text=True)
            if p.returncode:
                print("FAIL %s %s: %s" % (name, mode, p.stderr.strip()))
                return 1
            outs[mode] = open(os.path.join(out, "0_argmax_0.tmp_0.npy"), "rb").read()
        mask = np.load(os.path.join(work, name, "platform", "0_argmax_0.tmp_0.npy"))[0]
        masks[name] = mask
        face = mask[fy:fy + fh, fx:fx + fw].mean()
        corners = max(mask[:32, :32].mean(), mask[:32, -32:].mean(), mask[-32:, -32:].mean())
        good = (outs["platform"] == outs["reference"] and 0.2 <= mask.mean() <= 0.7 and face >= 0.9 and corners <= 0.05)
        print("%-4s %-30s platform == reference %s, person %.3f of the frame, face box %.3f, corners %.3f" %
              ("ok" if good else "FAIL", name, outs["platform"] == outs["reference"], mask.mean(), face, corners))
        ok &= good
        view = np.asarray(Image.fromarray(photo).resize((SIZE, SIZE), Image.BILINEAR)).copy()
        view[mask == 1] = (0.5 * view[mask == 1] + [127, 0, 0]).astype(np.uint8)
        view[fy, fx:fx + fw] = view[fy + fh - 1, fx:fx + fw] = (0, 255, 0)
        view[fy:fy + fh, fx] = view[fy:fy + fh, fx + fw - 1] = (0, 255, 0)
        Image.fromarray(view).save(os.path.join(work, name + "_overlay.png"))
    agree = float((masks[FILES[0]] == masks[FILES[1]]).mean())
    print("%-4s masks of the two platforms agree on %.4f of the pixels (overlays in %s)" %
          ("ok" if agree >= 0.98 else "FAIL", agree, work))
    return 0 if ok and agree >= 0.98 else 1


if __name__ == "__main__":
    sys.exit(main())
