"""rknn_sim.api.RKNN end to end: every method, the toolkit's return codes and E lines for wrong
call order, bad arguments and missing files (never a traceback), data_format nchw vs nhwc, and
outputs / reports equal to the CLI's (`rknn-sim convert`, `run`, `perf`, `memory`) bit for bit.

Each scenario runs in its own Python process (SystemC simulates one platform per process); the
parent checks exit codes, E lines and that no traceback was printed.
usage: test_api.py --sim RKNN_SIM --bundled MODELS/bundled --work DIR [--rockchip] [--scenario NAME]
--rockchip runs the scenarios on Rockchip's .rknn files (../shared beside the repository) instead:
a test of its own, which skips, saying so, when that data is absent (tests/shared_data.py).
"""
import json
import os
import re
import subprocess
import sys

import numpy as np

import cli_check
from cli_check import assert_bit_equal, cli_outputs, sections

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..'))
from shared_data import require  # noqa: E402

ARGS = None


# Rockchip's .rknn samples: ../shared beside the repository, wherever it is cloned.
RKNN_DATA = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..', '..', 'shared',
                                         'data', 'rknn'))
RKNN_FILES = ['pp_human_segv2_rk3588.rknn', 'multiple_input_demo_rk3588.rknn', 'multiple_input_demo_rk3588_tk162.rknn',
              'multiple_input_demo_rk3576.rknn', 'retinaface_rv1106.rknn', 'multiple_input_demo_image1_nchw.npy',
              'multiple_input_demo_image2_nchw.npy']

def cli(*args):
    """Runs rknn-sim; returns stdout, raises on failure."""
    return cli_check.cli(ARGS.sim, *args)


def work(name):
    path = os.path.join(ARGS.work, name)
    os.makedirs(path, exist_ok=True)
    return path


# ------------------------------------------------------------------ scenarios (child processes)

def scenario_flow_int8():
    """The documented flow on the bundled model, int8 on rk3588, against the CLI."""
    from rknn_sim.api import RKNN
    d = work('flow_int8')
    onnx = os.path.join(ARGS.bundled, 'tiny_resnet.onnx')
    dataset = os.path.join(ARGS.bundled, 'dataset.txt')
    input_npy = os.path.join(ARGS.bundled, 'input.npy')
    x = np.load(input_npy)

    rknn = RKNN(verbose=False)
    assert rknn.config(target_platform='rk3588') == 0
    assert rknn.load_onnx(model=onnx) == 0
    assert rknn.build(do_quantization=True, dataset=dataset) == 0
    exported = os.path.join(d, 'py.rknnsim')
    assert rknn.export_rknn(exported) == 0
    assert rknn.init_runtime(perf_debug=True, eval_mem=True) == 0
    outputs = rknn.inference(inputs=[x], data_format='nchw')
    assert isinstance(outputs, list) and len(outputs) == 1 and outputs[0].dtype == np.float32
    assert outputs[0].shape == (1, 10), outputs[0].shape

    # The CLI on the same model and input: same compiled file, same outputs, same reports.
    cli_model = os.path.join(d, 'cli.rknnsim')
    cli('convert', onnx, '-t', 'rk3588', '-d', dataset, '-o', cli_model)
    with open(exported, 'rb') as a, open(cli_model, 'rb') as b:
        assert a.read() == b.read(), 'export_rknn differs from rknn-sim convert'
    cli('run', cli_model, '-i', input_npy, '-o', os.path.join(d, 'cli_out'))
    assert_bit_equal(outputs, cli_outputs(os.path.join(d, 'cli_out')), 'inference vs rknn-sim run')

    # data_format: the same sample as NHWC (explicit and default) and as one HWC image.
    nhwc = np.ascontiguousarray(x.transpose(0, 2, 3, 1))
    assert_bit_equal(rknn.inference(inputs=[nhwc], data_format='nhwc'), outputs, 'nhwc')
    assert_bit_equal(rknn.inference(inputs=[nhwc]), outputs, 'data_format=None (nhwc)')
    assert_bit_equal(rknn.inference(inputs=[nhwc[0]]), outputs, 'HWC image')
    assert_bit_equal(rknn.inference(inputs=[x.astype(np.float64)], data_format='nchw'), outputs, 'float64 input')

    perf = rknn.eval_perf()
    cli_perf = cli('perf', cli_model)
    assert perf == cli_perf.split('\n', 1)[1], 'eval_perf differs from rknn-sim perf:\n%s\n---\n%s' % (perf, cli_perf)
    assert 'Total Operator Elapsed Per Frame Time(us)' in perf and 'ConvRelu' in perf

    memory = rknn.eval_memory()
    cli('memory', cli_model, '--json', os.path.join(d, 'memory.json'))
    with open(os.path.join(d, 'memory.json')) as f:
        assert memory == json.load(f), memory

    version = rknn.get_sdk_version()
    assert 'rknn-sim' in version and 'rk3588' in version, version

    snapshot = os.path.join(d, 'snapshot')
    assert rknn.accuracy_analysis(inputs=[input_npy], output_dir=snapshot) == 0
    with open(os.path.join(snapshot, 'error_analysis.txt')) as f:
        text = f.read()
    rows = [line for line in text.splitlines() if line.startswith('[')]
    assert rows[0].startswith('[Input] input'), rows
    assert any(r.startswith('[ConvRelu]') for r in rows) and any(r.startswith('[Gemm]') for r in rows), rows
    for row in rows:  # int8 on a small CNN: every layer stays close to float
        cos_entire, cos_single = float(row.split()[2]), float(row.split('|')[1].split()[1])
        assert 0.98 < cos_entire <= 1.00001 and 0.98 < cos_single <= 1.00001, row
    assert 'lose the most' in text
    golden = sorted(os.listdir(os.path.join(snapshot, 'golden')))
    assert golden == sorted(os.listdir(os.path.join(snapshot, 'simulator'))) and len(golden) == len(rows), golden
    # The last layer's snapshot is the model output: the simulator's equals inference's bit for bit.
    out_name = [g for g in golden if g.startswith('output')][0]
    assert np.load(os.path.join(snapshot, 'simulator', out_name)).tobytes() == outputs[0].tobytes()
    # The golden output is the float model: the CLI's float reference run.
    cli('run', onnx, '--reference', 'float', '-i', input_npy, '-o', os.path.join(d, 'float_out'))
    assert_bit_equal([np.load(os.path.join(snapshot, 'golden', out_name))], cli_outputs(os.path.join(d, 'float_out')),
                     'golden output vs float reference')
    # Same analysis from arrays instead of files.
    assert rknn.accuracy_analysis(inputs=[x], output_dir=os.path.join(d, 'snapshot2')) == 0
    rknn.release()
    # `rknn-sim accuracy` with the equivalent flags writes the same files, byte for byte.
    cli_snapshot = os.path.join(d, 'cli_snapshot')
    cli('accuracy', onnx, '-t', 'rk3588', '-d', dataset, '-i', input_npy, '-o', cli_snapshot)
    for rel in ['error_analysis.txt'] + [os.path.join(sub, g) for sub in ('golden', 'simulator') for g in golden]:
        with open(os.path.join(snapshot, rel), 'rb') as a, open(os.path.join(cli_snapshot, rel), 'rb') as b:
            assert a.read() == b.read(), '%s differs between accuracy_analysis and rknn-sim accuracy' % rel
    assert sorted(os.listdir(os.path.join(cli_snapshot, 'golden'))) == golden

    # load_rknn of the exported file runs the same.
    other = RKNN()
    assert other.load_rknn(exported) == 0
    assert other.init_runtime(target='rk3588') == 0
    assert_bit_equal(other.inference(inputs=[x], data_format='nchw'), outputs, 'load_rknn + inference')
    assert other.accuracy_analysis(inputs=[input_npy], output_dir=os.path.join(d, 'snap3')) == -1  # no float model
    other.release()

    # init_runtime(core_mask=...) places and splits tasks as `--core-mask` does: same outputs, the
    # CLI's perf table with its WorkLoad column.
    for mask, name in ((RKNN.NPU_CORE_0_1_2, '0_1_2'), (RKNN.NPU_CORE_ALL, '0_1_2'), (RKNN.NPU_CORE_1, '1')):
        cores = RKNN()
        assert cores.load_rknn(exported) == 0
        assert cores.init_runtime(target='rk3588', core_mask=mask, perf_debug=True) == 0
        assert_bit_equal(cores.inference(inputs=[x], data_format='nchw'), outputs, 'core_mask %s' % name)
        cli_perf = cli('perf', cli_model, '--core-mask', name)
        assert cores.eval_perf() == cli_perf.split('\n', 1)[1], 'eval_perf with core_mask %s differs' % name
        cores.release()
    # A Concat splits across the three cores (the bundled model's Add runs fused into its conv,
    # which stays on one core, as on the board).
    split_dir = os.path.join(d, 'split')
    subprocess.run([sys.executable, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'e2e',
                                                 'gen_split_model.py'), split_dir], check=True)
    split_model = os.path.join(split_dir, 'split.rknnsim')
    cli('convert', os.path.join(split_dir, 'split.onnx'), '-t', 'rk3588', '-d', os.path.join(split_dir, 'dataset.txt'),
        '-o', split_model)
    shares = re.findall(r'([\d.]+)%/([\d.]+)%/([\d.]+)%', cli('perf', split_model, '--core-mask', '0_1_2'))
    assert any(all(float(v) > 0 for v in row) for row in shares), 'no layer split across three cores: %s' % shares

    # A second platform in this process: built fine, refused at init_runtime with a clear line.
    third = RKNN()
    assert third.config(target_platform='rv1106') == 0
    assert third.load_onnx(model=onnx) == 0
    assert third.build(do_quantization=True, dataset=dataset) == 0
    sys.stderr.write('MARK second_platform\n')
    sys.stderr.flush()
    assert third.init_runtime() == -1
    print('flow_int8 ok')


def scenario_fp16():
    """build(do_quantization=False) on rk3566 with mean/std and cut outputs, against the CLI."""
    from rknn_sim.api import RKNN
    d = work('fp16')
    onnx = os.path.join(ARGS.bundled, 'tiny_resnet.onnx')
    input_npy = os.path.join(ARGS.bundled, 'input.npy')
    raw = np.load(input_npy) * 255.0
    raw_npy = os.path.join(d, 'raw.npy')
    np.save(raw_npy, raw)
    mean, std = [[0.0, 0.0, 0.0]], [[255.0, 255.0, 255.0]]
    log_file = os.path.join(d, 'build.log')
    rknn = RKNN(verbose=True, verbose_file=log_file)
    assert rknn.config(mean_values=mean, std_values=std, target_platform='rk3566') == 0
    assert rknn.load_onnx(model=onnx) == 0
    assert rknn.build(do_quantization=False) == 0
    assert rknn.init_runtime(target='rk3568') == 0  # same platform description as rk3566
    outputs = rknn.inference(inputs=[raw], data_format='nchw')
    cli_model = os.path.join(d, 'cli.rknnsim')
    cli('convert', onnx, '-t', 'rk3566', '--no-quant', '--mean-values', json.dumps(mean), '--std-values',
        json.dumps(std), '-o', cli_model)
    cli('run', cli_model, '-i', raw_npy, '-o', os.path.join(d, 'cli_out'))
    assert_bit_equal(outputs, cli_outputs(os.path.join(d, 'cli_out')), 'fp16 inference vs rknn-sim run')
    with open(log_file) as f:  # verbose_file gets the log lines too
        log = f.read()
    assert 'I load_onnx: ' in log and 'I compiled for rk3566' in log, log
    perf = rknn.eval_perf(is_print=False)  # perf_debug=False: totals only
    assert perf.startswith('Total Time(us): ') and '\nFPS: ' in perf and 'ConvRelu' not in perf, perf
    assert rknn.accuracy_analysis(inputs=[raw_npy], output_dir=os.path.join(d, 'snapshot')) == 0
    with open(os.path.join(d, 'snapshot', 'error_analysis.txt')) as f:
        rows = [line for line in f if line.startswith('[')]
    assert len(rows) > 5 and all(float(r.split()[2]) > 0.999 for r in rows), rows  # fp16 is close to float

    # load_onnx's outputs= cuts the graph as the CLI's --outputs does.
    cut = RKNN()
    assert cut.config(target_platform='rk3566') == 0
    assert cut.load_onnx(model=onnx, outputs=['/Relu_3_output_0']) == 0
    assert cut.build(do_quantization=False) == 0
    assert cut.init_runtime() == 0
    cut_outputs = cut.inference(inputs=[np.load(input_npy)], data_format='nchw')
    assert cut_outputs[0].shape == (1, 32, 16, 16), cut_outputs[0].shape
    cli_cut = os.path.join(d, 'cut.rknnsim')
    cli('convert', onnx, '-t', 'rk3566', '--no-quant', '--outputs', '/Relu_3_output_0', '-o', cli_cut)
    cli('run', cli_cut, '-i', input_npy, '-o', os.path.join(d, 'cut_out'))
    assert_bit_equal(cut_outputs, cli_outputs(os.path.join(d, 'cut_out')), 'cut model vs rknn-sim run --outputs')
    print('fp16 ok')


# (label, api, code returning the value, expected value, expected E line text)
ERROR_CASES = [
    ('load before config', 'load_onnx', "RKNN().load_onnx(model=ONNX)", -1, 'Please call rknn.config first!'),
    ('build before load', 'build', "configured().build(dataset=DATASET)", -1, 'Please load model first'),
    ('export before build', 'export_rknn', "loaded().export_rknn(WORK + '/x.rknnsim')", -1,
     'RKNN model does not exist, please load & build model first!'),
    ('init_runtime before build', 'init_runtime', "loaded().init_runtime()", -1,
     'RKNN model does not exist, please load & build model first!'),
    ('inference before init_runtime', 'inference', "built().inference(inputs=[X])", None,
     'Runtime environment is not inited, please call init_runtime to init it first!'),
    ('eval_perf before init_runtime', 'eval_perf', "built().eval_perf()", None, 'Runtime environment is not inited'),
    ('eval_memory without eval_mem', 'eval_memory', "running().eval_memory()", None, 'init_runtime(eval_mem=True)'),
    ('accuracy before build', 'accuracy_analysis', "loaded().accuracy_analysis(inputs=[INPUT])", -1,
     'RKNN model does not exist'),
    ('sdk version before init_runtime', 'get_sdk_version', "built().get_sdk_version()", None,
     'Runtime environment is not inited'),
    ('config after load', 'config', "loaded().config(target_platform='rk3588')", -1, 'config must be called before'),
    ('call after release', 'build', "released().build(dataset=DATASET)", -1, 'has been released'),
    ('unknown target', 'config', "RKNN().config(target_platform='rk9999')", -1, "target_platform='rk9999' is not"),
    ('toolkit-only target', 'config', "RKNN().config(target_platform='rv1103b')", -1, 'does not simulate'),
    ('bad algorithm', 'config', "RKNN().config(quantized_algorithm='best')", -1, "quantized_algorithm='best' is invalid"),
    ('unknown config argument', 'config', "RKNN().config(output_tensor_type='int8')", -1, 'output_tensor_type'),
    ('bad mean_values', 'config', "RKNN().config(mean_values='abc')", -1, 'mean_values'),
    ('mean_values length', 'load_onnx', "configured(mean_values=[[1, 2]]).load_onnx(model=ONNX)", -1,
     'The len of mean_values'),
    ('missing onnx', 'load_onnx', "configured().load_onnx(model='/nonexistent.onnx')", -1, 'does not exist'),
    ('not an onnx file', 'load_onnx', "configured().load_onnx(model=DATASET)", -1, 'dataset.txt'),
    ('bad outputs name', 'load_onnx', "configured().load_onnx(model=ONNX, outputs=['nope'])", -1, "'nope'"),
    ('bad input_size_list', 'load_onnx', "configured().load_onnx(model=ONNX, input_size_list=[[1, -3]])", -1,
     'input_size_list'),
    ('no dataset', 'build', "loaded().build(do_quantization=True)", -1, 'needs a calibration dataset'),
    ('missing dataset', 'build', "loaded().build(dataset='/nonexistent.txt')", -1, 'does not exist'),
    ('batch size', 'build', "loaded().build(dataset=DATASET, rknn_batch_size=0)", -1, 'rknn_batch_size=0 is invalid'),
    ('wrong target at runtime', 'init_runtime', "built().init_runtime(target='rv1106')", -1, 'cannot run on rv1106'),
    ('core_mask on a one-core NPU', 'init_runtime', "built().init_runtime(core_mask=RKNN.NPU_CORE_0)", -1,
     'core_mask applies to multi-core NPUs; rk3566 has 1 core'),
    ('bad core_mask', 'init_runtime', "built().init_runtime(core_mask=5)", -1, 'core_mask=5 is invalid'),
    ('core_mask past the cores', 'init_runtime',
     "built('rk3576').init_runtime(core_mask=RKNN.NPU_CORE_0_1_2)", -1, 'core_mask=7 names a core rk3576 does not have'),
    ('input count', 'inference', "running().inference(inputs=[X, X])", None, 'the model has 1 input(s), got 2'),
    ('input shape', 'inference', "running().inference(inputs=[np.zeros((1, 3, 8, 8))], data_format='nchw')", None,
     'takes (1,3,64,64) as nchw'),
    ('nchw array as nhwc', 'inference', "running().inference(inputs=[X], data_format='nhwc')", None,
     'takes (1,64,64,3) as nhwc'),
    ('bad data_format', 'inference', "running().inference(inputs=[X], data_format='chw')", None,
     "data_format='chw' is invalid"),
    ('not numeric', 'inference', "running().inference(inputs=[np.array(['a'])])", None, 'not a numeric array'),
    ('not a list', 'inference', "running().inference(inputs=3)", None, 'inputs must be a list'),
    ('missing rknn', 'load_rknn', "RKNN().load_rknn('/nonexistent.rknn')", -1, 'does not exist'),
    ('damaged rockchip rknn', 'load_rknn', "RKNN().load_rknn(FAKE_RKNN)", -1, 'container version'),
    ('garbage model file', 'load_rknn', "RKNN().load_rknn(DATASET)", -1, 'not an rknn-sim model file'),
    ('missing accuracy input', 'accuracy_analysis', "built().accuracy_analysis(inputs=['/nonexistent.npy'])", -1,
     'does not exist'),
    ('export to missing dir', 'export_rknn', "built().export_rknn('/nonexistent/dir/m.rknnsim')", -1, 'nonexistent'),
    ('other loader', 'load_pytorch', "RKNN().load_pytorch(model='m.pt', input_size_list=[[1, 3, 8, 8]])", -1,
     'ONNX models only'),
]


def scenario_rockchip():
    """A .rknn made by RKNN-Toolkit2: load_rknn accepts it; eval_perf and eval_memory equal the
    CLI's `perf --json` / `memory --json`; inference runs a file whose program decodes to the
    bytes `rknn-sim run FILE.rknn` writes, and refuses one that does not with an E line."""
    from rknn_sim.api import RKNN
    path = os.path.join(RKNN_DATA, 'pp_human_segv2_rk3588.rknn')
    rknn = RKNN()
    assert rknn.load_rknn(path) == 0
    assert rknn.init_runtime(target='rk3588', perf_debug=True, eval_mem=True) == 0
    table = rknn.eval_perf()
    assert table is not None and 'Conv:' in table, table
    memory = rknn.eval_memory()
    out = os.path.join(work('rockchip'), 'memory.json')
    cli('memory', path, '--json', out)
    with open(out) as f:
        assert memory == json.load(f), memory
    # Its program decodes: inference gives the bytes `rknn-sim run FILE.rknn` writes.
    x = np.random.RandomState(0).randint(0, 256, (1, 3, 192, 192)).astype(np.float32)
    np.save(os.path.join(work('rockchip'), 'x.npy'), x)
    mask = rknn.inference(inputs=[x], data_format='nchw')
    cli('run', path, '-i', os.path.join(work('rockchip'), 'x.npy'), '-o', work('rockchip_pp'))
    expected = np.load(os.path.join(work('rockchip_pp'), '0_argmax_0.tmp_0.npy'))
    assert mask is not None and np.array_equal(mask[0], expected), 'inference != rknn-sim run on pp_human_segv2'
    rknn.release()

    # A file without a task array (toolkit 1.4) cannot run: inference refuses with an E line.
    old = os.path.join(os.path.dirname(path), 'multiple_input_demo_rk3588.rknn')
    rknn = RKNN()
    assert rknn.load_rknn(old) == 0
    assert rknn.init_runtime(target='rk3588') == 0
    assert rknn.inference(inputs=[np.zeros((1, 1, 128, 128), np.float32), np.zeros((1, 3, 128, 128), np.float32)],
                          data_format='nchw') is None
    rknn.release()

    # A file whose program decodes runs: the same bytes as `rknn-sim run FILE.rknn`.
    check_demo_run('rk3588_tk162', 'rk3588')


def check_demo_run(build, target, **runtime):
    """multiple_input_demo_<build>.rknn through load_rknn + init_runtime + inference gives the
    bytes `rknn-sim run` writes on the demo's own inputs."""
    from rknn_sim.api import RKNN
    demo = os.path.join(RKNN_DATA, 'multiple_input_demo_%s.rknn' % build)
    inputs = [os.path.join(RKNN_DATA, 'multiple_input_demo_image%d_nchw.npy' % k) for k in (1, 2)]
    rknn = RKNN()
    assert rknn.load_rknn(demo) == 0
    assert rknn.init_runtime(target=target, **runtime) == 0
    outputs = rknn.inference(inputs=[np.load(i) for i in inputs], data_format='nchw')
    out_dir = work('rockchip_run_' + build)
    cli('run', demo, '-i', inputs[0], '-i', inputs[1], '-o', out_dir)
    expected = np.load(os.path.join(out_dir, '0_8.npy'))
    assert outputs is not None and outputs[0].tobytes() == expected.tobytes(), \
        'load_rknn + inference != rknn-sim run on %s' % build
    print('rockchip run ok: %s' % build)
    rknn.release()


def scenario_rockchip_rk3576():
    """The RK3576 build of the demo (its own register program), in its own process (one platform
    per process)."""
    from rknn_sim.api import RKNN
    check_demo_run('rk3576', 'rk3576', core_mask=RKNN.NPU_CORE_0)


def scenario_rockchip_rv1106():
    """retinaface (RV1106), its heads' Transposes included, in its own process: inference gives the
    bytes `rknn-sim run FILE.rknn` writes for each of its three outputs."""
    from rknn_sim.api import RKNN
    path = os.path.join(RKNN_DATA, 'retinaface_rv1106.rknn')
    rknn = RKNN()
    assert rknn.load_rknn(path) == 0 and rknn.init_runtime(target='rv1106') == 0
    x = np.random.RandomState(1).randint(0, 256, (1, 3, 640, 640)).astype(np.float32)
    np.save(os.path.join(work('rockchip_rv1106'), 'x.npy'), x)
    outputs = rknn.inference(inputs=[x], data_format='nchw')
    cli('run', path, '-i', os.path.join(work('rockchip_rv1106'), 'x.npy'), '-o', work('rockchip_rv1106_cli'))
    for k, name in enumerate(['515', '553', '592']):
        expected = np.load(os.path.join(work('rockchip_rv1106_cli'), '%d_%s.npy' % (k, name)))
        assert outputs is not None and np.array_equal(outputs[k], expected), 'inference != rknn-sim run on ' + name
    print('retinaface_rv1106: inference == rknn-sim run on its 3 outputs')
    rknn.release()


def scenario_errors():
    """Every ERROR_CASES entry in turn; stderr gets a MARK line before each for the parent."""
    from rknn_sim.api import RKNN  # noqa: F401 (used by the cases)
    env = {'RKNN': RKNN, 'np': np, 'ONNX': os.path.join(ARGS.bundled, 'tiny_resnet.onnx'),
           'DATASET': os.path.join(ARGS.bundled, 'dataset.txt'), 'INPUT': os.path.join(ARGS.bundled, 'input.npy'),
           'X': np.load(os.path.join(ARGS.bundled, 'input.npy')), 'WORK': work('errors')}
    fake = os.path.join(env['WORK'], 'fake.rknn')
    with open(fake, 'wb') as f:
        f.write(b'RKNN\0\0\0\0' + bytes(64))
    env['FAKE_RKNN'] = fake

    def configured(load=False, target='rk3566', **config):
        r = RKNN()
        assert r.config(target_platform=target, **config) == 0
        if load:
            assert r.load_onnx(model=env['ONNX']) == 0
        return r

    def loaded(target='rk3566'):
        return configured(load=True, target=target)

    def built(target='rk3566'):
        r = loaded(target)
        assert r.build(dataset=env['DATASET']) == 0
        return r

    def running():
        r = built()
        assert r.init_runtime() == 0
        return r

    def released():
        r = configured(load=True)
        r.release()
        return r

    env.update(configured=configured, loaded=loaded, built=built, running=running, released=released)
    for label, _, code, expected, _ in ERROR_CASES:
        sys.stderr.write('MARK %s\n' % label)
        sys.stderr.flush()
        value = eval(code, env)
        assert value == expected if expected is not None else value is None, '%s: returned %r' % (label, value)
        sys.stderr.flush()
    sys.stderr.write('MARK end\n')
    print('errors ok')


# ------------------------------------------------------------------ parent

def run_scenario(name):
    return cli_check.run_child_test(__file__, ARGS, '--scenario', name)


def main():
    global ARGS
    ARGS = cli_check.parse_test_args('--scenario', flags=['--rockchip'])
    if ARGS.scenario:
        globals()['scenario_' + ARGS.scenario]()
        return
    if ARGS.rockchip:
        require(RKNN_DATA, *RKNN_FILES)
        rockchip = run_scenario('rockchip')
        assert 'cannot be run' in rockchip, rockchip
        run_scenario('rockchip_rk3576')
        run_scenario('rockchip_rv1106')
        return

    stderr = run_scenario('flow_int8')
    second = sections(stderr)['second_platform']
    assert 'E init_runtime: this process already simulates platform' in second and 'own Python process' in second, \
        second
    run_scenario('fp16')
    found = sections(run_scenario('errors'))
    cli_check.check_error_lines(found, [(label, api, text) for label, api, _, _, text in ERROR_CASES])
    print('all %d error cases give their E line' % len(ERROR_CASES))


if __name__ == '__main__':
    main()
