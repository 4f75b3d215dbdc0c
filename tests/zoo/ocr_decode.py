"""What a PP-OCR application reads from the models' outputs, so int8 can be judged by it:
the recognizer's text (CTC greedy decoding, as PaddleOCR's CTCLabelDecode) and the detector's
text mask (DB post-processing's binarization of the probability map at 0.3)."""
import os

import numpy as np

DET_THRESHOLD = 0.3  # PaddleOCR's det_db_thresh


def load_charset(model_path):
    """Index -> character for the rec model: blank, ppocr_keys_v1.txt (next to the model), space."""
    with open(os.path.join(os.path.dirname(model_path), "ppocr_keys_v1.txt"), encoding="utf-8") as f:
        keys = [line.rstrip("\n") for line in f]
    return [""] + keys + [" "]


def ctc_text(probs, charset):
    """Greedy CTC: best class per time step, repeats merged, blanks (index 0) dropped."""
    best = np.asarray(probs).reshape(-1, len(charset)).argmax(axis=1)
    text, prev = [], -1
    for k in best:
        if k != prev and k != 0:
            text.append(charset[k])
        prev = k
    return "".join(text)


def text_mask_iou(prob_a, prob_b):
    """Intersection over union of the two maps' text pixels (1 when neither has any)."""
    a, b = np.asarray(prob_a) > DET_THRESHOLD, np.asarray(prob_b) > DET_THRESHOLD
    union = np.logical_or(a, b).sum()
    return float(np.logical_and(a, b).sum() / union) if union else 1.0
