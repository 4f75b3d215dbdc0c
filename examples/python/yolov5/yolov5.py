"""YOLOv5 detection with the RKNN-Toolkit2 API on rknn-sim, post-processing in numpy.

The flow of the toolkit's examples/onnx/yolov5/test.py: config (mean 0, std 255 for images) ->
load_onnx -> build -> export_rknn -> init_runtime -> inference -> decode the three detection heads
(sigmoid, grid and anchors, stride 8/16/32) -> score threshold -> per-class NMS -> boxes. Only the
import line differs from a toolkit script. The model must output YOLOv5's raw 1x1 head convolutions
(1, 3*(5+classes), H, W) for strides 8, 16 and 32, as the RKNN model zoo's yolov5 exports do:

    export PYTHONPATH=build/python
    /usr/bin/python3 examples/python/yolov5/yolov5.py --model yolov5s_relu.onnx --dataset dataset.txt \
        --input bus.jpg

Inputs: an image (letterboxed to the input size, RGB, NHWC uint8; the model divides by 255) or a
.npy array (NCHW, taken as it is, no normalization).
"""
import argparse
import os
import sys

import numpy as np

from rknn_sim.api import RKNN

OBJ_THRESH = 0.25
NMS_THRESH = 0.45
MAX_CANDIDATES = 1000  # best-scoring boxes kept before NMS
ANCHORS = [[[10, 13], [16, 30], [33, 23]], [[30, 61], [62, 45], [59, 119]], [[116, 90], [156, 198], [373, 326]]]
STRIDES = [8, 16, 32]


def sigmoid(x):
    return 1.0 / (1.0 + np.exp(-x))


def decode(output, anchors, stride):
    """(1, 3*(5+C), H, W) raw head -> boxes (N, 4) as x1y1x2y2 in input pixels, scores, classes."""
    _, channels, h, w = output.shape
    p = sigmoid(output.reshape(3, channels // 3, h, w).transpose(0, 2, 3, 1))  # (3, H, W, 5+C)
    gy, gx = np.meshgrid(np.arange(h), np.arange(w), indexing='ij')
    grid = np.stack((gx, gy), axis=-1)[np.newaxis]
    xy = (p[..., 0:2] * 2 - 0.5 + grid) * stride
    wh = (p[..., 2:4] * 2) ** 2 * np.asarray(anchors, dtype=np.float32)[:, np.newaxis, np.newaxis, :]
    class_scores = p[..., 5:] * p[..., 4:5]
    classes = np.argmax(class_scores, axis=-1)
    scores = np.max(class_scores, axis=-1)
    boxes = np.concatenate((xy - wh / 2, xy + wh / 2), axis=-1)
    keep = scores >= OBJ_THRESH
    return boxes[keep], scores[keep], classes[keep]


def nms(boxes, scores):
    """Greedy non-maximum suppression; returns the kept indices, best first."""
    order = np.argsort(-scores, kind='stable')
    areas = (boxes[:, 2] - boxes[:, 0]) * (boxes[:, 3] - boxes[:, 1])
    keep = []
    while order.size > 0:
        i = order[0]
        keep.append(i)
        xx1 = np.maximum(boxes[i, 0], boxes[order[1:], 0])
        yy1 = np.maximum(boxes[i, 1], boxes[order[1:], 1])
        xx2 = np.minimum(boxes[i, 2], boxes[order[1:], 2])
        yy2 = np.minimum(boxes[i, 3], boxes[order[1:], 3])
        inter = np.maximum(0.0, xx2 - xx1) * np.maximum(0.0, yy2 - yy1)
        iou = inter / (areas[i] + areas[order[1:]] - inter + 1e-9)
        order = order[1:][iou <= NMS_THRESH]
    return np.asarray(keep, dtype=np.int64)


def post_process(outputs):
    boxes, scores, classes = [], [], []
    for output, anchors, stride in zip(outputs, ANCHORS, STRIDES):
        b, s, c = decode(output, anchors, stride)
        boxes.append(b), scores.append(s), classes.append(c)
    boxes, scores, classes = np.concatenate(boxes), np.concatenate(scores), np.concatenate(classes)
    best = np.argsort(-scores, kind='stable')[:MAX_CANDIDATES]
    boxes, scores, classes = boxes[best], scores[best], classes[best]
    kept_boxes, kept_scores, kept_classes = [], [], []
    for c in np.unique(classes):
        idx = np.where(classes == c)[0]
        keep = idx[nms(boxes[idx], scores[idx])]
        kept_boxes.append(boxes[keep]), kept_scores.append(scores[keep]), kept_classes.append(classes[keep])
    if not kept_boxes:
        return np.zeros((0, 4)), np.zeros(0), np.zeros(0, dtype=np.int64)
    return np.concatenate(kept_boxes), np.concatenate(kept_scores), np.concatenate(kept_classes)


def letterbox(path, size):
    """The image resized to fit size x size keeping its aspect ratio, padded with grey (114)."""
    from PIL import Image
    img = Image.open(path).convert('RGB')
    scale = min(size / img.width, size / img.height)
    w, h = round(img.width * scale), round(img.height * scale)
    canvas = Image.new('RGB', (size, size), (114, 114, 114))
    canvas.paste(img.resize((w, h), Image.BILINEAR), ((size - w) // 2, (size - h) // 2))
    return np.asarray(canvas)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--model', required=True, help='YOLOv5 ONNX model with raw head outputs')
    parser.add_argument('--dataset', required=True, help='dataset.txt for quantization')
    parser.add_argument('--input', required=True, help='image or NCHW .npy')
    parser.add_argument('--target', default='rk3588')
    parser.add_argument('--size', type=int, default=640, help='input size of the model')
    parser.add_argument('--export', default='yolov5.rknnsim', help='model file export_rknn writes')
    parser.add_argument('--save-outputs', default=None, help='directory for the outputs as <index>.npy')
    args = parser.parse_args()
    is_image = not args.input.endswith('.npy')

    rknn = RKNN(verbose=False)

    print('--> Config model')
    if is_image:
        rknn.config(mean_values=[[0, 0, 0]], std_values=[[255, 255, 255]], target_platform=args.target)
    else:
        rknn.config(target_platform=args.target)
    print('done')

    print('--> Loading model')
    ret = rknn.load_onnx(model=args.model)
    if ret != 0:
        print('Load model failed!')
        sys.exit(ret)
    print('done')

    print('--> Building model')
    ret = rknn.build(do_quantization=True, dataset=args.dataset)
    if ret != 0:
        print('Build model failed!')
        sys.exit(ret)
    print('done')

    print('--> Export rknn model')
    ret = rknn.export_rknn(args.export)
    if ret != 0:
        print('Export rknn model failed!')
        sys.exit(ret)
    print('done')

    print('--> Init runtime environment')
    ret = rknn.init_runtime()
    if ret != 0:
        print('Init runtime environment failed!')
        sys.exit(ret)
    print('done')

    print('--> Running model')
    if is_image:
        outputs = rknn.inference(inputs=[letterbox(args.input, args.size)], data_format='nhwc')
    else:
        outputs = rknn.inference(inputs=[np.load(args.input)], data_format='nchw')
    if outputs is None:
        print('Inference failed!')
        sys.exit(1)
    if args.save_outputs:
        os.makedirs(args.save_outputs, exist_ok=True)
        for i, out in enumerate(outputs):
            np.save(os.path.join(args.save_outputs, '%d.npy' % i), out)
    print('done')

    boxes, scores, classes = post_process(outputs)
    print('%d box(es) above %.2f after NMS' % (len(boxes), OBJ_THRESH))
    for box, score, cls in list(zip(boxes, scores, classes))[:10]:
        print('class %2d  score %.3f  box (%.1f, %.1f, %.1f, %.1f)' % (cls, score, *box))

    rknn.release()


if __name__ == '__main__':
    main()
