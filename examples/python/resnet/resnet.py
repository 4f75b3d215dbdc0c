"""Image classification with the RKNN-Toolkit2 API on rknn-sim.

The flow of the toolkit's examples/onnx/resnet50v2/test.py: config -> load_onnx -> build with a
dataset -> export_rknn -> init_runtime -> inference -> top-5. Only the import line differs from a
toolkit script (`from rknn.api import RKNN`). With no arguments it runs the bundled model:

    export PYTHONPATH=build/python
    /usr/bin/python3 examples/python/resnet/resnet.py

Inputs: an image (.jpg/.png/.bmp, RGB, at the model's input size; passed as NHWC uint8 like the
toolkit's cv2 image) or a .npy array (NCHW).
"""
import argparse
import json
import os
import sys

import numpy as np

from rknn_sim.api import RKNN

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), '..', '..', '..'))
BUNDLED = os.path.join(ROOT, 'models', 'bundled')


def show_outputs(outputs, name):
    output = outputs[0].reshape(-1)
    order = np.argsort(-output, kind='stable')
    top5 = '%s\n-----TOP 5-----\n' % name
    for i in order[:5]:
        top5 += '[%d]: %f\n' % (i, output[i])
    print(top5)


def softmax(x):
    e = np.exp(x - np.max(x))
    return e / np.sum(e)


def load_input(path):
    """An image as the toolkit's example reads it (RGB HWC uint8), or a .npy as it is (NCHW)."""
    if path.endswith('.npy'):
        return np.load(path), 'nchw'
    from PIL import Image
    return np.asarray(Image.open(path).convert('RGB')), 'nhwc'


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--model', default=os.path.join(BUNDLED, 'tiny_resnet.onnx'))
    parser.add_argument('--dataset', default=os.path.join(BUNDLED, 'dataset.txt'))
    parser.add_argument('--input', default=os.path.join(BUNDLED, 'input.npy'))
    parser.add_argument('--target', default='rk3588')
    parser.add_argument('--mean-values', type=json.loads, default=None, help="e.g. '[[123.675,116.28,103.53]]'")
    parser.add_argument('--std-values', type=json.loads, default=None, help="e.g. '[[58.395,57.12,57.375]]'")
    parser.add_argument('--export', default='resnet.rknnsim', help='model file export_rknn writes')
    parser.add_argument('--save-outputs', default=None, help='directory for the outputs as <index>.npy')
    args = parser.parse_args()

    # Create RKNN object
    rknn = RKNN(verbose=False)

    # Pre-process config
    print('--> Config model')
    rknn.config(mean_values=args.mean_values, std_values=args.std_values, target_platform=args.target)
    print('done')

    # Load model
    print('--> Loading model')
    ret = rknn.load_onnx(model=args.model)
    if ret != 0:
        print('Load model failed!')
        sys.exit(ret)
    print('done')

    # Build model
    print('--> Building model')
    ret = rknn.build(do_quantization=True, dataset=args.dataset)
    if ret != 0:
        print('Build model failed!')
        sys.exit(ret)
    print('done')

    # Export rknn model
    print('--> Export rknn model')
    ret = rknn.export_rknn(args.export)
    if ret != 0:
        print('Export rknn model failed!')
        sys.exit(ret)
    print('done')

    # Set inputs
    img, data_format = load_input(args.input)

    # Init runtime environment
    print('--> Init runtime environment')
    ret = rknn.init_runtime()
    if ret != 0:
        print('Init runtime environment failed!')
        sys.exit(ret)
    print('done')

    # Inference
    print('--> Running model')
    outputs = rknn.inference(inputs=[img], data_format=data_format)
    if outputs is None:
        print('Inference failed!')
        sys.exit(1)
    if args.save_outputs:
        os.makedirs(args.save_outputs, exist_ok=True)
        for i, out in enumerate(outputs):
            np.save(os.path.join(args.save_outputs, '%d.npy' % i), out)
    show_outputs([softmax(outputs[0])], os.path.basename(args.model))
    print('done')

    rknn.release()


if __name__ == '__main__':
    main()
