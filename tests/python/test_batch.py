"""build(rknn_batch_size=N) against the CLI's `convert --batch-size N` + `run`, bit for bit.

The toolkit's semantics (troubleshooting manual §6.6, §9.8): the model is quantized at batch 1,
inference takes N images stacked on dim 0 and its outputs have batch N. Checked on the bundled
model for rk3588, int8 (N=3) and fp16 (N=2): the exported file equals the CLI's, inference (NCHW
and NHWC) equals `rknn-sim run` on the stacked .npy, each image's slice equals the batch-1 model's
inference of that image, eval_perf equals `rknn-sim perf`; wrong batch sizes and inputs of the
wrong batch give E lines (the parent checks them in the child's stderr, and that no traceback
was printed).
usage: test_batch.py --sim RKNN_SIM --bundled MODELS/bundled --work DIR [--child]
"""
import os

import numpy as np

import cli_check
from cli_check import assert_bit_equal, cli_outputs

ERROR_CASES = [  # (label, api, text of the E line)
    ('batch zero', 'build', 'rknn_batch_size=0 is invalid'),
    ('batch not a number', 'build', "rknn_batch_size='2' is invalid"),
    ('batch-1 input for a batch-3 model', 'inference', "takes (3,3,64,64) as nchw (hint: the model takes 3 image(s)"),
]


def child(args):
    from rknn_sim.api import RKNN
    onnx = os.path.join(args.bundled, 'tiny_resnet.onnx')
    dataset = os.path.join(args.bundled, 'dataset.txt')
    x = np.load(os.path.join(args.bundled, 'input.npy'))
    calib = [np.load(os.path.join(args.bundled, 'calib', 'calib_0%d.npy' % i)) for i in range(3)]
    images = [x, calib[0], calib[1]]
    work = args.work

    def run(label, build_args, cli_flags, n):
        stacked = np.ascontiguousarray(np.concatenate(images[:n]), dtype=np.float32)
        stacked_npy = os.path.join(work, '%s_input.npy' % label)
        np.save(stacked_npy, stacked)

        rknn = RKNN()
        assert rknn.config(target_platform='rk3588') == 0
        assert rknn.load_onnx(model=onnx) == 0
        assert rknn.build(rknn_batch_size=n, **build_args) == 0
        exported = os.path.join(work, '%s_py.rknnsim' % label)
        assert rknn.export_rknn(exported) == 0
        assert rknn.init_runtime(perf_debug=True) == 0
        outputs = rknn.inference(inputs=[stacked], data_format='nchw')
        assert outputs[0].shape == (n, 10), outputs[0].shape

        cli_model = os.path.join(work, '%s_cli.rknnsim' % label)
        cli_check.cli(args.sim, 'convert', onnx, '-t', 'rk3588', *cli_flags, '--batch-size', n, '-o', cli_model)
        assert cli_check.same_bytes(exported, cli_model), '%s: export_rknn differs from convert --batch-size' % label
        cli_check.cli(args.sim, 'run', cli_model, '-i', stacked_npy, '-o', os.path.join(work, label + '_cli_out'))
        assert_bit_equal(outputs, cli_outputs(os.path.join(work, label + '_cli_out')), label + ' inference vs run')
        nhwc = np.ascontiguousarray(stacked.transpose(0, 2, 3, 1))
        assert_bit_equal(rknn.inference(inputs=[nhwc]), outputs, label + ' nhwc')
        perf = rknn.eval_perf(is_print=False)
        assert perf == cli_check.cli(args.sim, 'perf', cli_model).split('\n', 1)[1], label + ': eval_perf vs perf'

        # Batch N is N batch-1 inferences side by side.
        single = RKNN()
        assert single.config(target_platform='rk3588') == 0
        assert single.load_onnx(model=onnx) == 0
        assert single.build(**build_args) == 0
        assert single.init_runtime() == 0
        for b in range(n):
            one = single.inference(inputs=[images[b]], data_format='nchw')
            assert_bit_equal([outputs[0][b:b + 1]], one, '%s image %d vs batch 1' % (label, b))
        print('%s: batch %d equals the CLI and %d batch-1 runs' % (label, n, n))
        return rknn

    batched = run('int8', {'dataset': dataset}, ['-d', dataset], 3)
    run('fp16', {'do_quantization': False}, ['--no-quant'], 2)

    loaded = RKNN()
    assert loaded.config(target_platform='rk3588') == 0
    assert loaded.load_onnx(model=onnx) == 0
    calls = {'batch zero': lambda: loaded.build(dataset=dataset, rknn_batch_size=0) == -1,
             'batch not a number': lambda: loaded.build(dataset=dataset, rknn_batch_size='2') == -1,
             'batch-1 input for a batch-3 model': lambda: batched.inference(inputs=[x], data_format='nchw') is None}
    cli_check.make_error_calls(calls, ERROR_CASES)


if __name__ == '__main__':
    cli_check.main_with_child(__file__, child, ERROR_CASES, 'rknn_batch_size: bit-exact with the CLI')
