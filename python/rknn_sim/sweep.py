"""Sweeps of models x targets x settings x core masks on Dask distributed.

usage: python3 -m rknn_sim.sweep JOBS.yml -o DIR [--scheduler ADDRESS] [--workers N] [--sim RKNN_SIM]
                                   [--timeout SECONDS]

One task per (model, target, settings, core mask): `rknn-sim convert`, `perf --json` and
`memory --json` and, where the model lists inputs, `run` on the simulated NPU against the float
reference of the ONNX model (cosine per output). Each task runs the CLI in processes of its own, so
jobs for different platforms share a worker freely (SystemC simulates one platform per process).

Without --scheduler a LocalCluster of --workers processes runs on this machine; with it, the jobs
go to that existing Dask scheduler (its workers need rknn-sim and the files at the same paths).

Results in DIR: jobs/<job>/result.json per job (plus its compiled model and outputs), results.csv
with one row per job and summary.html. A failing job (an rknn-sim error, a lost worker, a run past
--timeout) is reported with its error line and the others go on; a rerun skips jobs whose
result.json says ok for the same job: same settings, same rknn-sim binary, and model, dataset and
input files of the same size and modification time (anything else runs again).
Exit code: 0 when every job is ok, 1 when some failed, 2 for a bad JOBS.yml.

JOBS.yml (paths relative to the file):
    models:
      - name: tiny_resnet                 # optional, default: the file name without extension
        onnx: models/bundled/tiny_resnet.onnx
        dataset: models/bundled/dataset.txt   # int8 calibration; without it the build is fp16
        inputs: [models/bundled/input.npy]    # optional: run and compare with the float reference
    targets: [rk3566, rk3588, rv1106]
    settings:                             # optional, default one entry: {name: default}
      - {name: int8}
      - {name: fp16, quantize: false}
      - {name: kl, quantized_algorithm: kl_divergence, quantized_method: layer}
    core_masks: [auto]                    # optional
"""
import argparse
import csv
import hashlib
import html
import itertools
import json
import os
import re
import shutil
import subprocess
import sys
import time
import uuid

import numpy as np
import yaml

# settings keys and the `convert` flags they set (quantize: false is --no-quant).
CONVERT_FLAGS = {
    'quantized_algorithm': '--quantized-algorithm',
    'quantized_method': '--quantized-method',
    'optimization_level': '--optimization-level',
    'mean_values': '--mean-values',
    'std_values': '--std-values',
    'batch_size': '--batch-size',
}
CSV_COLUMNS = ['job', 'model', 'target', 'settings', 'core_mask', 'status', 'convert_s', 'total_time_us',
               'run_time_us', 'total_rw_kb', 'weight_bytes', 'internal_bytes', 'total_bytes', 'min_cosine', 'error']


class SweepError(Exception):
    """A bad JOBS.yml: one line naming the key."""


def load_jobs(path):
    """The jobs of a JOBS.yml, each a dict the worker needs (absolute paths, convert arguments)."""
    try:
        with open(path, encoding='utf-8') as f:
            spec = yaml.safe_load(f) or {}
    except (OSError, yaml.YAMLError) as e:
        raise SweepError(f"cannot read '{path}': {e}")
    base = os.path.dirname(os.path.abspath(path))
    unknown = set(spec) - {'models', 'targets', 'settings', 'core_masks'}
    if unknown:
        raise SweepError(f"{path}: unknown key(s) {sorted(unknown)}; expected models, targets, settings, core_masks")
    if not spec.get('models') or not spec.get('targets'):
        raise SweepError(f"{path}: 'models' and 'targets' must each list at least one entry")

    def resolve(p):
        return p if os.path.isabs(p) else os.path.join(base, p)

    models = []
    for m in spec['models']:
        if not isinstance(m, dict) or 'onnx' not in m:
            raise SweepError(f"{path}: every model needs an 'onnx' path, got {m!r}")
        extra = set(m) - {'name', 'onnx', 'dataset', 'inputs'}
        if extra:
            raise SweepError(f"{path}: model '{m['onnx']}' has unknown key(s) {sorted(extra)}")
        models.append({'name': str(m.get('name') or os.path.splitext(os.path.basename(m['onnx']))[0]),
                       'onnx': resolve(m['onnx']),
                       'dataset': resolve(m['dataset']) if m.get('dataset') else None,
                       'inputs': [resolve(p) for p in m.get('inputs') or []]})
    settings = spec.get('settings') or [{'name': 'default'}]
    for s in settings:
        if not isinstance(s, dict):
            raise SweepError(f"{path}: every settings entry is a mapping with a 'name', got {s!r}")
        extra = set(s) - set(CONVERT_FLAGS) - {'name', 'quantize'}
        if extra:
            raise SweepError(f"{path}: settings '{s.get('name')}' has unknown key(s) {sorted(extra)}; "
                             f"known: name, quantize, {', '.join(CONVERT_FLAGS)}")
        if 'name' not in s:
            raise SweepError(f"{path}: every settings entry needs a 'name', got {s!r}")
    jobs = []
    for model, target, setting, mask in itertools.product(models, spec['targets'], settings,
                                                          spec.get('core_masks') or ['auto']):
        job_id = f"{model['name']}__{target}__{setting['name']}__{mask}"
        jobs.append({'job': job_id, 'model': model, 'target': str(target), 'settings': setting, 'core_mask': str(mask)})
    names = [j['job'] for j in jobs]
    bad = [n for n in names if not re.fullmatch(r'[A-Za-z0-9._+-]+', n) or n.startswith('.')]
    if bad:
        raise SweepError(f"{path}: job name '{bad[0]}' is not a plain file name; use letters, digits, '.', '_', "
                         f"'+' and '-' in model and settings names, targets and core masks")
    if len(set(names)) != len(names):
        raise SweepError(f"{path}: two jobs share a name; give models and settings distinct names")
    return jobs


def fingerprint(job, sim):
    """What a result depends on: the job, the rknn-sim binary and the files it reads (size, mtime)."""
    files = [job['model']['onnx'], job['model']['dataset'], *job['model']['inputs'], sim]
    stats = []
    for f in files:
        try:
            st = os.stat(f) if f else None
            stats.append([f, st.st_size, st.st_mtime_ns] if st else [f])
        except OSError:
            stats.append([f, 'missing'])
    blob = json.dumps([job, stats], sort_keys=True, default=str)
    return hashlib.sha256(blob.encode()).hexdigest()


def find_sim(explicit=None):
    """The rknn-sim CLI: --sim, $RKNN_SIM, the build tree or installation this package is in, PATH."""
    here = os.path.dirname(os.path.abspath(__file__))
    candidates = [explicit, os.environ.get('RKNN_SIM'),
                  os.path.join(here, '..', '..', 'tools', 'rknn-sim'),            # <build>/python/rknn_sim
                  os.path.join(here, '..', '..', '..', '..', 'bin', 'rknn-sim'),  # <prefix>/lib/python3/dist-packages
                  shutil.which('rknn-sim')]
    for c in candidates:
        if c and os.path.isfile(c) and os.access(c, os.X_OK):
            return os.path.abspath(c)
    raise SweepError('cannot find the rknn-sim CLI: pass --sim PATH or set RKNN_SIM')


class JobFailed(Exception):
    pass


def _cli(sim, args, work, timeout):
    try:
        done = subprocess.run([sim, *args], capture_output=True, text=True, cwd=work, timeout=timeout)
    except subprocess.TimeoutExpired:
        raise JobFailed(f'rknn-sim {args[0]} ran past the --timeout of {timeout} s')
    if done.returncode != 0:
        lines = [l for l in done.stderr.splitlines() if l.startswith('E ')] or done.stderr.splitlines()[-1:]
        raise JobFailed(lines[-1] if lines else f'rknn-sim {args[0]} exited with {done.returncode}')
    return done.stdout


def _cosine(a, b):
    a, b = a.astype(np.float64).ravel(), b.astype(np.float64).ravel()
    denominator = np.linalg.norm(a) * np.linalg.norm(b)
    return float(a @ b / denominator) if denominator > 0 else float(np.array_equal(a, b))


def run_job(job, sim, out_dir, timeout=None):
    """Runs one job with the CLI and writes jobs/<job>/result.json; returns the result."""
    work = os.path.join(out_dir, 'jobs', job['job'])
    os.makedirs(work, exist_ok=True)
    model, setting = job['model'], job['settings']
    result = {'job': job['job'], 'model': model['name'], 'target': job['target'], 'settings': setting['name'],
              'core_mask': job['core_mask'], 'status': 'ok', 'error': '', 'fingerprint': fingerprint(job, sim)}
    try:
        args = ['convert', model['onnx'], '-t', job['target'], '-o', 'model.rknnsim']
        quantize = setting.get('quantize', model['dataset'] is not None)
        if quantize and not model['dataset']:
            raise JobFailed(f"settings '{setting['name']}' quantize but model '{model['name']}' has no dataset")
        args += ['-d', model['dataset']] if quantize else ['--no-quant']
        for key, flag in CONVERT_FLAGS.items():
            if key in setting:
                value = setting[key]
                args += [flag, json.dumps(value) if isinstance(value, list) else str(value)]
        start = time.time()
        _cli(sim, args, work, timeout)
        result['convert_s'] = round(time.time() - start, 3)
        _cli(sim, ['perf', 'model.rknnsim', '--core-mask', job['core_mask'], '--json', 'perf.json'], work, timeout)
        _cli(sim, ['memory', 'model.rknnsim', '--json', 'memory.json'], work, timeout)
        perf = json.load(open(os.path.join(work, 'perf.json')))
        memory = json.load(open(os.path.join(work, 'memory.json')))
        result.update({k: perf[k] for k in ('total_time_us', 'run_time_us', 'total_rw_kb')})
        result.update({k: memory[k] for k in ('weight_bytes', 'internal_bytes', 'total_bytes')})
        if model['inputs']:
            inputs = [a for p in model['inputs'] for a in ('-i', p)]
            _cli(sim, ['run', 'model.rknnsim', '--core-mask', job['core_mask'], *inputs, '-o', 'sim'], work, timeout)
            _cli(sim, ['run', model['onnx'], '--reference', 'float', *inputs, '-o', 'float'], work, timeout)
            cosines = {}
            for name in sorted(os.listdir(os.path.join(work, 'float'))):
                cosines[name] = _cosine(np.load(os.path.join(work, 'sim', name)), np.load(os.path.join(work, 'float', name)))
            result['cosines'] = cosines
            result['min_cosine'] = min(cosines.values()) if cosines else None
    except (JobFailed, OSError, ValueError, KeyError) as e:
        result.update(status='failed', error=str(e))
    path = os.path.join(work, 'result.json')
    with open(path + '.tmp', 'w') as f:
        json.dump(result, f, indent=1)
    os.replace(path + '.tmp', path)
    return result


def _existing(out_dir, job, sim):
    path = os.path.join(out_dir, 'jobs', job['job'], 'result.json')
    try:
        with open(path) as f:
            result = json.load(f)
    except (OSError, ValueError):
        return None
    return result if result.get('status') == 'ok' and result.get('fingerprint') == fingerprint(job, sim) else None


def _lost(job, error):
    """The result of a job whose task never returned (a lost worker, a cancelled task)."""
    return {'job': job['job'], 'model': job['model']['name'], 'target': job['target'],
            'settings': job['settings']['name'], 'core_mask': job['core_mask'], 'status': 'failed',
            'error': f'the Dask task did not finish: {type(error).__name__}: {error}'}


def write_summary(out_dir, results):
    rows = sorted(results, key=lambda r: r['job'])
    with open(os.path.join(out_dir, 'results.csv'), 'w', newline='') as f:
        writer = csv.DictWriter(f, CSV_COLUMNS, extrasaction='ignore')
        writer.writeheader()
        writer.writerows(rows)
    cells = []
    for r in rows:
        colour = '#e6f4ea' if r['status'] == 'ok' else '#fbe3e1'
        cells.append(f"<tr style='background:{colour}'>" +
                     ''.join(f'<td>{html.escape(str(r.get(c, "")))}</td>' for c in CSV_COLUMNS) + '</tr>')
    failed = sum(r['status'] != 'ok' for r in rows)
    page = ("<!DOCTYPE html><html><head><meta charset='utf-8'><title>rknn-sim sweep</title><style>"
            "body{font:13px sans-serif;margin:24px}table{border-collapse:collapse}td,th{border:1px solid #ccc;"
            "padding:2px 6px}</style></head><body>"
            f"<h1>rknn-sim sweep</h1><p>{len(rows)} jobs, {failed} failed</p><table id='jobs'><tr>" +
            ''.join(f'<th>{c}</th>' for c in CSV_COLUMNS) + '</tr>' + ''.join(cells) + '</table></body></html>')
    with open(os.path.join(out_dir, 'summary.html'), 'w', encoding='utf-8') as f:
        f.write(page)


def sweep(jobs, out_dir, sim, scheduler=None, workers=2, timeout=None, log=print):
    """Runs the jobs without a result; returns every job's result (old and new)."""
    os.makedirs(out_dir, exist_ok=True)
    results, todo = [], []
    for job in jobs:
        old = _existing(out_dir, job, sim)
        (results.append(old) if old else todo.append(job))
    log(f'{len(jobs)} jobs: {len(jobs) - len(todo)} done before, {len(todo)} to run')
    if todo:
        from dask.distributed import Client, LocalCluster, as_completed  # only when there is work
        cluster = None if scheduler else LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                                                      dashboard_address=None)
        try:
            with Client(scheduler or cluster) as client:
                token = uuid.uuid4().hex[:8]  # keys of this sweep only, on a shared scheduler too
                futures = {client.submit(run_job, job, sim, out_dir, timeout, key=f'rknn-sim-{token}-{job["job"]}',
                                         pure=False): job for job in todo}
                for k, future in enumerate(as_completed(futures), 1):
                    try:
                        r = future.result()
                    except Exception as e:  # a killed worker, a cancelled task: this job alone fails
                        r = _lost(futures[future], e)
                    results.append(r)
                    detail = f"{r['run_time_us']:.0f} us" if r['status'] == 'ok' else r['error']
                    log(f"[{k}/{len(todo)}] {r['job']}: {r['status']} ({detail})")
        finally:
            if cluster is not None:
                cluster.close()
    write_summary(out_dir, results)
    return results


def main(argv=None):
    parser = argparse.ArgumentParser(prog='python3 -m rknn_sim.sweep', description=__doc__.split('\n\n')[0])
    parser.add_argument('jobs', help='JOBS.yml')
    parser.add_argument('-o', '--output', required=True, help='result directory')
    parser.add_argument('--scheduler', help='address of an existing Dask scheduler (default: a LocalCluster)')
    parser.add_argument('--workers', type=int, default=2, help='LocalCluster worker processes (default 2)')
    parser.add_argument('--sim', help='the rknn-sim CLI (default: found beside this package, or on PATH)')
    parser.add_argument('--timeout', type=float, help='seconds one rknn-sim command of a job may take (default: none)')
    a = parser.parse_args(argv)
    try:
        jobs = load_jobs(a.jobs)
        sim = find_sim(a.sim)
    except SweepError as e:
        print(f'E sweep: {e}', file=sys.stderr)
        return 2
    results = sweep(jobs, a.output, sim, a.scheduler, a.workers, a.timeout)
    failed = [r for r in results if r['status'] != 'ok']
    for r in failed:
        print(f"E sweep: {r['job']}: {r['error']}", file=sys.stderr)
    print(f"{len(results) - len(failed)} of {len(results)} jobs ok: {os.path.join(a.output, 'results.csv')}, "
          f"{os.path.join(a.output, 'summary.html')}")
    return 1 if failed else 0


if __name__ == '__main__':
    sys.exit(main())
