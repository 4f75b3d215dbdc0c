"""hybrid_quantization_step1 / step2 against the CLI's --hybrid-step1 / --hybrid-cfg, bit for bit.

In a work directory, as a toolkit user does: config → load_onnx → step1 writes tiny_resnet.model,
.data and .quantization.cfg in the cwd (the .cfg equal to `convert --hybrid-step1`'s); the test
edits the .cfg to put one layer (/conv2/Conv) in float16; step2, in a new RKNN object without
config, builds from the three files; export_rknn equals `convert --hybrid-cfg` byte for byte and
inference equals `rknn-sim run` of that model bit for bit. Then the same with rknn_batch_size=2
(step 2 keeps step 1's batch size), and the E lines of misuse: wrong call order, missing or
mismatched files, an edited cfg naming an unknown layer, unsupported options.
usage: test_hybrid.py --sim RKNN_SIM --bundled MODELS/bundled --work DIR [--child]
"""
import json
import os
import shutil

import numpy as np

import cli_check
from cli_check import assert_bit_equal, cli_outputs, same_bytes

LAYER = '/conv2/Conv'  # a ConvRelu layer of the bundled model (tests/e2e/hybrid.sh)
ERROR_CASES = [  # (label, api, text of the E line)
    ('step1 before load', 'hybrid_quantization_step1', 'Please load model first'),
    ('step1 missing dataset', 'hybrid_quantization_step1', "the dataset '/nonexistent.txt' does not exist"),
    ('step1 proposal', 'hybrid_quantization_step1', 'proposal=True is not supported by rknn-sim yet'),
    ('step2 missing cfg', 'hybrid_quantization_step2', "model_quantization_cfg 'missing.cfg' does not exist"),
    ('step2 data of another run', 'hybrid_quantization_step2', 'is not the model that'),
    ('step2 foreign data', 'hybrid_quantization_step2', "is not a .data file written by rknn-sim"),
    ('step2 unknown layer', 'hybrid_quantization_step2', "unknown layer '/no/such/layer'"),
    ('inference before init_runtime', 'inference', 'Runtime environment is not inited'),
]


def add_float16_layers(cfg_in, cfg_out, layers):
    """Adds `name: float16` lines under custom_quantize_layers, as a user edits the file."""
    with open(cfg_in) as f:
        text = f.read()
    empty = '\ncustom_quantize_layers: {}\n'
    assert empty in text, 'step 1 must write an empty custom_quantize_layers'
    lines = ''.join('    %s: float16\n' % name for name in layers)
    with open(cfg_out, 'w') as f:
        f.write(text.replace(empty, '\ncustom_quantize_layers:\n' + lines, 1))


def child(args):
    from rknn_sim.api import RKNN
    onnx = os.path.join(args.bundled, 'tiny_resnet.onnx')
    dataset = os.path.join(args.bundled, 'dataset.txt')
    input_npy = os.path.join(args.bundled, 'input.npy')
    x = np.load(input_npy)
    sim = args.sim

    def flow(label, batch):
        d = os.path.join(args.work, label)
        shutil.rmtree(d, ignore_errors=True)
        os.makedirs(d)
        os.chdir(d)  # step 1 writes its files in the current directory, as the toolkit does
        rknn = RKNN()
        assert rknn.config(target_platform='rk3588') == 0
        assert rknn.load_onnx(model=onnx) == 0
        assert rknn.hybrid_quantization_step1(dataset=dataset, rknn_batch_size=batch, proposal=False) == 0
        rknn.release()
        for ext in ('.model', '.data', '.quantization.cfg'):
            assert os.path.isfile('tiny_resnet' + ext), 'step 1 did not write tiny_resnet%s' % ext
        # The .cfg is the CLI's YAML, byte for byte; the .model is the ONNX model.
        flags = ['--batch-size', batch] if batch else []
        cli_check.cli(sim, 'convert', onnx, '-t', 'rk3588', '-d', dataset, *flags, '--hybrid-step1', 'cli.cfg',
                      '-o', 'cli_int8.rknnsim')
        assert same_bytes('tiny_resnet.quantization.cfg', 'cli.cfg'), 'step 1 cfg differs from --hybrid-step1'
        assert same_bytes('tiny_resnet.model', onnx)

        add_float16_layers('tiny_resnet.quantization.cfg', 'tiny_resnet.quantization.cfg', [LAYER])
        rknn = RKNN()  # step 2 needs no config: the settings come from the .data file
        assert rknn.hybrid_quantization_step2(model_input='./tiny_resnet.model', data_input='./tiny_resnet.data',
                                              model_quantization_cfg='./tiny_resnet.quantization.cfg') == 0
        assert rknn.export_rknn('py_hybrid.rknnsim') == 0
        assert rknn.init_runtime() == 0
        n = batch or 1
        images = np.ascontiguousarray(np.concatenate([x * (1.0 - 0.25 * b) for b in range(n)]), dtype=np.float32)
        np.save('images.npy', images)
        outputs = rknn.inference(inputs=[images], data_format='nchw')
        assert outputs[0].shape == (n, 10), outputs[0].shape

        cli_check.cli(sim, 'convert', onnx, '-t', 'rk3588', '-d', dataset, *flags, '--hybrid-cfg',
                      'tiny_resnet.quantization.cfg', '-o', 'cli_hybrid.rknnsim')
        assert same_bytes('py_hybrid.rknnsim', 'cli_hybrid.rknnsim'), 'step 2 model differs from --hybrid-cfg'
        assert 'int8+fp16 hybrid' in cli_check.cli(sim, 'disasm', 'py_hybrid.rknnsim')
        cli_check.cli(sim, 'run', 'cli_hybrid.rknnsim', '-i', 'images.npy', '-o', 'cli_out')
        assert_bit_equal(outputs, cli_outputs('cli_out'), label + ': step 2 inference vs run --hybrid-cfg model')
        # The float16 layer changes the numbers: the int8 model gives other outputs.
        cli_check.cli(sim, 'run', 'cli_int8.rknnsim', '-i', 'images.npy', '-o', 'int8_out')
        assert outputs[0].tobytes() != cli_outputs('int8_out')[0].tobytes(), 'the hybrid model equals the int8 one'
        # accuracy_analysis on the hybrid model: the float16 layer's own ("single") error is fp16
        # rounding only, and the int8/float16 conversions are rows of their own.
        assert rknn.accuracy_analysis(inputs=[input_npy], output_dir='snapshot') == 0
        with open(os.path.join('snapshot', 'error_analysis.txt')) as f:
            rows = {line.split()[1]: line for line in f if line.startswith('[')}
        fp16_row = rows['/Relu_1_output_0']  # /conv2/Conv's output
        assert float(fp16_row.split('|')[1].split()[1]) > 0.99999, fp16_row
        assert sum(r.startswith('[Convert]') for r in rows.values()) == 2, rows
        print('%s: step 1 + step 2 equal --hybrid-step1 + --hybrid-cfg (batch %d)' % (label, n))
        return d

    d = flow('hybrid', None)
    flow('hybrid_batch2', 2)

    # Misuse, in the first flow's directory.
    os.chdir(d)
    with open('tiny_resnet.data') as f:
        data = json.load(f)
    data['model_sha256'] = '0' * 64  # a .data of another model: its hash does not match
    with open('other.data', 'w') as f:
        json.dump(data, f)
    with open('foreign.data', 'wb') as f:
        f.write(b'\x08\x01weights of RKNN-Toolkit2')
    add_float16_layers('cli.cfg', 'bad.cfg', ['/no/such/layer'])
    loaded = RKNN()
    assert loaded.config(target_platform='rk3588') == 0
    assert loaded.load_onnx(model=onnx) == 0
    fresh = RKNN()
    step2 = fresh.hybrid_quantization_step2
    calls = {
        'step1 before load': lambda: RKNN().hybrid_quantization_step1(dataset=dataset) == -1,
        'step1 missing dataset': lambda: loaded.hybrid_quantization_step1(dataset='/nonexistent.txt') == -1,
        'step1 proposal': lambda: loaded.hybrid_quantization_step1(dataset=dataset, proposal=True) == -1,
        'step2 missing cfg': lambda: step2('tiny_resnet.model', 'tiny_resnet.data', 'missing.cfg') == -1,
        'step2 data of another run': lambda: step2('tiny_resnet.model', 'other.data', 'bad.cfg') == -1,
        'step2 foreign data': lambda: step2('tiny_resnet.model', 'foreign.data', 'bad.cfg') == -1,
        'step2 unknown layer': lambda: step2('tiny_resnet.model', 'tiny_resnet.data', 'bad.cfg') == -1,
        'inference before init_runtime': lambda: fresh.inference(inputs=[x]) is None,
    }
    cli_check.make_error_calls(calls, ERROR_CASES)


if __name__ == '__main__':
    cli_check.main_with_child(__file__, child, ERROR_CASES, 'hybrid quantization: bit-exact with the CLI')
