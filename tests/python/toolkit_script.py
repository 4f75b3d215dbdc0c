# A script written only against RKNN-Toolkit2's documented API, as a toolkit user writes it; the
# import line is the only difference from running it with the toolkit (`from rknn.api import RKNN`).
# tests/python/CMakeLists.txt runs it in a directory holding the bundled model and its data.
import numpy as np
from rknn_sim.api import RKNN

ONNX_MODEL = 'tiny_resnet.onnx'
RKNN_MODEL = 'tiny_resnet.rknn'
DATASET = './dataset.txt'

if __name__ == '__main__':
    rknn = RKNN(verbose=True)

    print('--> Config model')
    rknn.config(mean_values=[[0, 0, 0]], std_values=[[1, 1, 1]], target_platform='rk3588')
    print('done')

    print('--> Loading model')
    ret = rknn.load_onnx(model=ONNX_MODEL)
    if ret != 0:
        print('Load model failed!')
        exit(ret)
    print('done')

    print('--> Building model')
    ret = rknn.build(do_quantization=True, dataset=DATASET)
    if ret != 0:
        print('Build model failed!')
        exit(ret)
    print('done')

    print('--> Export rknn model')
    ret = rknn.export_rknn(RKNN_MODEL)
    if ret != 0:
        print('Export rknn model failed!')
        exit(ret)
    print('done')

    print('--> Init runtime environment')
    ret = rknn.init_runtime(perf_debug=True, eval_mem=True)
    if ret != 0:
        print('Init runtime environment failed!')
        exit(ret)
    print('done')

    print('--> Running model')
    img = np.load('./input.npy').transpose(0, 2, 3, 1)  # NHWC, the default data_format
    outputs = rknn.inference(inputs=[img])
    print('output shape:', outputs[0].shape, 'argmax:', int(np.argmax(outputs[0])))
    print('done')

    print('--> Evaluate model performance')
    rknn.eval_perf()
    print('done')

    print('--> Evaluate memory usage')
    rknn.eval_memory()
    print('done')

    print('--> Accuracy analysis')
    ret = rknn.accuracy_analysis(inputs=['./input.npy'], output_dir='./snapshot')
    if ret != 0:
        print('Accuracy analysis failed!')
        exit(ret)
    print('done')

    rknn.release()
