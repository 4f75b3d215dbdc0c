#!/usr/bin/python3
"""Real-looking PP-OCR inputs: text rendered with PIL and the DejaVu fonts, preprocessed as
PaddleOCR does, one seeded sample per call (nothing is stored in the repository).

  det  (1,3,H,W): a page with several text lines of random sizes, fonts and colors, normalized
       with ImageNet mean/std (PaddleOCR's det NormalizeImage).
  rec  (1,3,48,W): one text line, resized to height 48 keeping the aspect ratio, scaled to
       [-1, 1] and zero-padded on the right (PaddleOCR's resize_norm_img).
  cls  (1,3,48,W): like rec; half of the seeds rotate the line by 180 degrees, so the
       angle classifier sees both of its classes.
"""
import glob
import os
import string

import numpy as np
from PIL import Image, ImageDraw, ImageFilter, ImageFont

FONT_DIR = "/usr/share/fonts/truetype/dejavu"
WORDS = ("invoice total amount date paid order number customer address street city phone email "
         "price quantity tax subtotal receipt item product service account balance due thank you "
         "Rockchip NPU model 2024 No. 17 Ref: A-3091 USD 42.50 EUR 7.99 kg cm %").split()


def fonts():
    found = sorted(f for f in glob.glob(os.path.join(FONT_DIR, "DejaVu*.ttf")) if "MathTeX" not in f)
    if not found:
        raise SystemExit(f"ocr_images: no DejaVu fonts in {FONT_DIR} (install fonts-dejavu-core)")
    return found


def random_text(rs, words):
    parts = []
    for _ in range(words):
        if rs.rand() < 0.2:
            parts.append("".join(rs.choice(list(string.ascii_letters + string.digits), rs.randint(2, 8))))
        else:
            parts.append(WORDS[rs.randint(len(WORDS))])
    return " ".join(parts)


def paper(rs, h, w):
    """Light paper with a slight tint gradient and noise, uint8 RGB."""
    base = rs.uniform(200, 250, 3)
    grad = np.linspace(0, rs.uniform(-25, 25), w)[None, :, None]
    img = base[None, None, :] + grad + rs.normal(0, rs.uniform(2, 8), (h, w, 3))
    return Image.fromarray(np.clip(img, 0, 255).astype(np.uint8))


def ink(rs):
    return tuple(int(v) for v in rs.randint(0, 90, 3))


def text_line(rs, font_files):
    """One cropped line of text on paper, RGB, and the text it shows."""
    font = ImageFont.truetype(font_files[rs.randint(len(font_files))], int(rs.randint(24, 44)))
    text = random_text(rs, rs.randint(1, 5))
    left, top, right, bottom = font.getbbox(text)
    pad = rs.randint(2, 10, 4)
    img = paper(rs, bottom - top + pad[1] + pad[3], right - left + pad[0] + pad[2])
    ImageDraw.Draw(img).text((pad[0] - left, pad[1] - top), text, font=font, fill=ink(rs))
    if rs.rand() < 0.3:
        img = img.filter(ImageFilter.GaussianBlur(rs.uniform(0.3, 1.0)))
    return img, text


def det_image(rs, h, w, font_files):
    img = paper(rs, h, w)
    draw = ImageDraw.Draw(img)
    y = rs.randint(5, 40)
    while y < h - 20:
        size = int(rs.randint(14, 48))
        font = ImageFont.truetype(font_files[rs.randint(len(font_files))], size)
        x = rs.randint(5, max(6, w // 4))
        draw.text((x, y), random_text(rs, rs.randint(2, 8)), font=font, fill=ink(rs))
        y += int(size * rs.uniform(1.3, 2.5))
    if rs.rand() < 0.3:
        img = img.filter(ImageFilter.GaussianBlur(rs.uniform(0.3, 1.0)))
    return img


def to_chw(img):
    return np.asarray(img, np.float32).transpose(2, 0, 1) / 255.0


def line_input(img, h, w):
    """PaddleOCR resize_norm_img: height h, width by aspect ratio (at most w), [-1, 1], zero pad."""
    rw = min(w, max(1, int(np.ceil(h * img.width / img.height))))
    x = (to_chw(img.resize((rw, h), Image.BILINEAR)) - 0.5) / 0.5
    out = np.zeros((3, h, w), np.float32)
    out[:, :, :rw] = x
    return out[None]


def sample(kind, shape, seed):
    """One normalized float32 input of `shape` (N=1, 3, H, W) for model kind det, rec or cls."""
    return labeled_sample(kind, shape, seed)[0]


def labeled_sample(kind, shape, seed):
    """sample() and the text the image shows (None for det, whose page has several lines)."""
    rs = np.random.RandomState(seed)
    h, w = shape[2], shape[3]
    font_files = fonts()
    if kind == "det":
        x = to_chw(det_image(rs, h, w, font_files))
        mean = np.array([0.485, 0.456, 0.406], np.float32)[:, None, None]
        std = np.array([0.229, 0.224, 0.225], np.float32)[:, None, None]
        return ((x - mean) / std)[None].astype(np.float32), None
    img, text = text_line(rs, font_files)
    if kind == "cls" and seed % 2:
        img = img.rotate(180)
    return line_input(img, h, w), text
