"""rknn_sim.api.RKNN from several Python threads at once: inference() releases the GIL while it
simulates, so threads overlap in it. Four threads, each with its own RKNN object (loaded from the
CLI's model file, on different core masks; one of them fp16), and two threads sharing one object,
run inference() and eval_perf() repeatedly; every output must equal `rknn-sim run`'s bytes and
every perf table the one a lone call prints.
usage: test_threads.py --sim RKNN_SIM --bundled MODELS/bundled --work DIR [--child]
"""
import os
import threading

import numpy as np

import cli_check
from cli_check import assert_bit_equal, cli_outputs

RUNS = 3


def child(args):
    from rknn_sim.api import RKNN
    onnx = os.path.join(args.bundled, 'tiny_resnet.onnx')
    x = np.load(os.path.join(args.bundled, 'input.npy'))
    models, expected = {}, {}
    for kind, flags in (('int8', ['-d', os.path.join(args.bundled, 'dataset.txt')]), ('fp16', ['--no-quant'])):
        models[kind] = os.path.join(args.work, kind + '.rknnsim')
        cli_check.cli(args.sim, 'convert', onnx, '-t', 'rk3588', *flags, '-o', models[kind])
        out = os.path.join(args.work, kind + '_cli')
        cli_check.cli(args.sim, 'run', models[kind], '-i', os.path.join(args.bundled, 'input.npy'), '-o', out)
        expected[kind] = cli_outputs(out)

    def runtime(kind, core_mask):
        rknn = RKNN()
        assert rknn.load_rknn(models[kind]) == 0
        assert rknn.init_runtime(target='rk3588', core_mask=core_mask, perf_debug=True) == 0
        return rknn

    # What a lone caller gets from eval_perf on each mask: the tables threads must reproduce.
    masks = [RKNN.NPU_CORE_0, RKNN.NPU_CORE_0_1, RKNN.NPU_CORE_0_1_2, RKNN.NPU_CORE_AUTO]
    kinds = ['int8', 'int8', 'int8', 'fp16']
    alone = []
    for kind, mask in zip(kinds, masks):
        rknn = runtime(kind, mask)
        alone.append(rknn.eval_perf(is_print=False))
        rknn.release()

    shared = runtime('int8', RKNN.NPU_CORE_AUTO)
    failures, lock = [], threading.Lock()
    barrier = threading.Barrier(6)

    def work(label, kind, rknn, table):
        try:
            barrier.wait()
            for _ in range(RUNS):
                outputs = rknn.inference(inputs=[x], data_format='nchw')
                assert_bit_equal(outputs, expected[kind], label)
                assert table is None or rknn.eval_perf(is_print=False) == table, label + ': eval_perf differs'
        except Exception as e:  # reported by the main thread
            with lock:
                failures.append('%s: %r' % (label, e))

    own = [runtime(kind, mask) for kind, mask in zip(kinds, masks)]
    threads = [threading.Thread(target=work, args=('thread %d (%s, mask %d)' % (i, kinds[i], masks[i]), kinds[i],
                                                    own[i], alone[i])) for i in range(4)]
    threads += [threading.Thread(target=work, args=('shared object, thread %d' % i, 'int8', shared, None))
                for i in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    for rknn in own + [shared]:
        rknn.release()
    assert not failures, '\n'.join(failures)
    print('threads ok: %d threads x %d inferences, outputs equal `rknn-sim run`, perf tables equal a lone call'
          % (len(threads), RUNS))


def main():
    args = cli_check.parse_test_args('--child', action='store_true')
    if args.child:
        child(args)
        return
    cli_check.run_child_test(__file__, args, '--child')


if __name__ == '__main__':
    main()
