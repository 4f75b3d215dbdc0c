"""RKNN-Toolkit2's `RKNN` class on rknn-sim (names, parameters, defaults and return conventions of
RKNN_API.md of the shared documents beside the repository), so a toolkit script runs with only its import line changed.

Conventions kept from the toolkit: methods return 0 on success and -1 on failure (inference,
eval_perf, eval_memory and get_sdk_version return their result, or None on failure); a failure
logs one `E <method>: <what> (hint: <how to fix>)` line and never raises, whatever the user passed.
Calls out of order get the toolkit's messages ("Please call rknn.config first!", manual §5.9).

What differs, because there is no board: init_runtime's target selects a simulated platform
(target=None: the model's target_platform), eval_perf/eval_memory report the SystemC platform,
and one Python process simulates one platform (SystemC elaborates once per process): running a
second platform gives an E line telling to use another process.
"""

import functools
import os
import traceback

import numpy as np

from .. import _core
from . import custom_op as custom_op_api
from . import hybrid
from . import rockchip_rknn
from .errors import UserError as _UserError

_CORE_MASKS = (0, 1, 2, 4, 3, 7, 0xffff)
_NO_MODEL = 'RKNN model does not exist, please load & build model first!'
_NO_RUNTIME = 'Runtime environment is not inited, please call init_runtime to init it first!'


def _log(level, text):
    _core.log(level, text)


def _api(failure):
    """Runs a public method; any error becomes an `E <method>: ...` line and `failure`."""

    def wrap(method):
        @functools.wraps(method)
        def run(self, *args, **kwargs):
            name = method.__name__
            if self._released and name != 'release':
                _log('err', '%s: the RKNN object has been released (hint: create a new RKNN())' % name)
                return failure
            try:
                return method(self, *args, **kwargs)
            except (_UserError, _core.Error, rockchip_rknn.NotSupported) as e:
                _log('err', '%s: %s' % (name, e))
            except Exception as e:  # a bug of rknn-sim: still no traceback unless verbose
                _log('err', '%s: internal error: %s: %s' % (name, type(e).__name__, e))
                for line in traceback.format_exc().splitlines():
                    _log('debug', '%s: %s' % (name, line))
            return failure
        return run
    return wrap


def _per_input_values(name, values):
    """mean_values/std_values: one list per input ([[...], [...]]), or one flat list (one input)."""
    if values is None:
        return []
    if not isinstance(values, (list, tuple)) or len(values) == 0:
        raise _UserError('%s=%r is not a list' % (name, values),
                         'one list of per-channel values per input, e.g. %s=[[123.675, 116.28, 103.53]]' % name)
    if all(isinstance(v, (int, float, np.number)) for v in values):
        values = [values]
    out = []
    for v in values:
        if not isinstance(v, (list, tuple, np.ndarray)) or len(v) == 0 or \
                not all(isinstance(x, (int, float, np.number)) for x in v):
            raise _UserError('%s=%r is not a list of per-channel numbers' % (name, values),
                             'e.g. %s=[[123.675, 116.28, 103.53]]' % name)
        out.append([float(x) for x in v])
    return out


def _name_list(api, name, value):
    if value is None:
        return []
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, (list, tuple)) or not all(isinstance(v, str) for v in value):
        raise _UserError('%s=%r is not a list of tensor names' % (name, value))
    return list(value)


def _shapes(value, bad):
    """A list of shapes of positive ints, or `bad` raised."""
    if not isinstance(value, (list, tuple)) or not value:
        raise bad
    shapes = []
    for shape in value:
        if not isinstance(shape, (list, tuple)) or not shape or \
                not all(isinstance(d, (int, np.integer)) and d > 0 for d in shape):
            raise bad
        shapes.append([int(d) for d in shape])
    return shapes


def _size_list(value):
    if value is None:
        return []
    bad = _UserError('input_size_list=%r is not a list of shapes' % (value,), 'e.g. input_size_list=[[1, 3, 224, 224]]')
    if isinstance(value, (list, tuple)) and value and all(isinstance(d, (int, np.integer)) for d in value):
        value = [value]
    return _shapes(value, bad)


def _dynamic_input(value):
    """config(dynamic_input=): a list of input shape sets, each one shape per model input."""
    if value is None:
        return []
    bad = _UserError('dynamic_input=%r is not a list of input shape sets' % (value,),
                     'one list of input shapes per set, e.g. dynamic_input=[[[1, 3, 224, 224]], [[1, 3, 320, 320]]]')
    if not isinstance(value, (list, tuple)) or not value:
        raise bad
    return [_shapes(shapes, bad) for shapes in value]


def _check_choice(name, value, choices):
    if value not in choices:
        raise _UserError('%s=%r is invalid' % (name, value), 'use one of %s' % ', '.join(repr(c) for c in choices))


def _batch_size(value):
    """rknn_batch_size: None means 1; N images are stacked on the batch dimension at inference."""
    if value is None:
        return 1
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or not 1 <= value <= 4096:
        raise _UserError('rknn_batch_size=%r is invalid' % (value,),
                         'the number of images per inference, 1 to 4096, or None for 1')
    return int(value)


def _batch_hint(got, wanted):
    """The hint for an array that differs from the input's shape only in its batch dimension."""
    if len(got) == len(wanted) and tuple(got[1:]) == tuple(wanted[1:]):
        return ('the model takes %d image(s) stacked on dim 0 (build(rknn_batch_size=%d); rknn_batch_size=None '
                'is 1)' % (wanted[0], wanted[0]))
    return None


def _check_dataset(dataset):
    if not isinstance(dataset, (str, os.PathLike)) or not os.path.isfile(dataset):
        raise _UserError("the dataset '%s' does not exist" % (dataset,),
                         'a text file with one line per sample: the .npy or image files of each input')
    return os.fspath(dataset)


def _check_target(name, target):
    if not isinstance(target, str):
        raise _UserError('%s=%r is not a platform name' % (name, target))
    # The platform files (models/<platform>/platform.yaml) list the targets; the C++ core reads them.
    try:
        return _core.target_info(target.lower(), "%s='%s'" % (name, target))[0]
    except _core.Error as e:
        raise _UserError(str(e))


def _shape_text(shape):
    return '(' + ','.join(str(d) for d in shape) + ')'


class RKNN:
    """RKNN-Toolkit2's RKNN class, simulated (see the module documentation)."""

    NPU_CORE_AUTO = 0
    NPU_CORE_0 = 1
    NPU_CORE_1 = 2
    NPU_CORE_2 = 4
    NPU_CORE_0_1 = 3
    NPU_CORE_0_1_2 = 7
    NPU_CORE_ALL = 0xffff

    def __init__(self, verbose=False, verbose_file=None):
        self._released = False
        self._verbose = bool(verbose)
        _core.set_logging(self._verbose, verbose_file or '')
        self._config = None    # config() settings
        self._custom_ops = {}  # reg_custom_op: op_type -> the registered object (kept alive)
        self._load = None      # load_onnx() settings and the model's I/O
        self._model = None     # compiled model (build or load_rknn)
        self._runtime = None   # init_runtime() settings

    # ---------------------------------------------------------------- conversion

    @_api(-1)
    def config(self, mean_values=None, std_values=None, quantized_dtype='w8a8', quantized_algorithm='normal',
               quantized_method='channel', quantized_hybrid_level=0, target_platform=None, quant_img_RGB2BGR=False,
               float_dtype='float16', optimization_level=3, custom_string=None, remove_weight=False,
               compress_weight=False, inputs_yuv_fmt=None, single_core_mode=False, dynamic_input=None,
               model_pruning=False, op_target=None, **unsupported):
        if unsupported:
            raise _UserError('unexpected argument(s) %s' % ', '.join(sorted(unsupported)),
                             'see RKNN-Toolkit2\'s config() parameters; rknn-sim accepts those of its API reference')
        if self._load is not None or self._model is not None:
            raise _UserError('config must be called before load_onnx / load_rknn',
                             'call rknn.config(...) right after RKNN(), then load the model')
        # Settings that would change the model, refused by name rather than silently ignored.
        for name, value, default in (('quantized_hybrid_level', quantized_hybrid_level, 0),
                                     ('remove_weight', remove_weight, False),
                                     ('compress_weight', compress_weight, False),
                                     ('inputs_yuv_fmt', inputs_yuv_fmt, None),
                                     ('model_pruning', model_pruning, False),
                                     ('op_target', op_target, None)):
            if value != default:
                raise _UserError('%s=%r is not supported by rknn-sim yet' % (name, value),
                                 'leave %s at its default (%r)' % (name, default))
        _check_choice('quantized_dtype', quantized_dtype, ('w8a8', 'asymmetric_quantized-8'))
        _check_choice('quantized_algorithm', quantized_algorithm, ('normal', 'kl_divergence', 'mmse'))
        _check_choice('quantized_method', quantized_method, ('channel', 'layer'))
        _check_choice('float_dtype', float_dtype, ('float16',))
        if optimization_level not in (0, 1, 2, 3):
            raise _UserError('optimization_level=%r is invalid' % (optimization_level,), 'use 0, 1, 2 or 3')
        if target_platform is None:
            target = 'rk3566'  # the toolkit's default (manual §9.4)
            _log('warn', 'config: target_platform is not set, using rk3566 (the toolkit\'s default)')
        else:
            target = _check_target('target_platform', target_platform)
        self._config = {
            'mean_values': _per_input_values('mean_values', mean_values),
            'std_values': _per_input_values('std_values', std_values),
            'quant_img_RGB2BGR': bool(quant_img_RGB2BGR),
            'quantized_dtype': quantized_dtype,
            'quantized_algorithm': quantized_algorithm,
            'quantized_method': quantized_method,
            'float_dtype': float_dtype,
            'optimization_level': int(optimization_level),
            'target': target,
            'custom_string': custom_string,
            'single_core_mode': bool(single_core_mode),
            'dynamic_input': _dynamic_input(dynamic_input),
        }
        return 0

    @_api(-1)
    def reg_custom_op(self, custom_op):
        """Registers a custom operator (see rknn_sim.api.custom_op) for the models loaded after it."""
        try:
            op_type = custom_op_api.check(custom_op)
        except ValueError as e:
            raise _UserError(str(e), 'see the custom operator class contract in docs/python_api.md')
        if self._load is not None or self._model is not None:
            raise _UserError("register custom operator '%s' before load_onnx" % op_type,
                             'call reg_custom_op right after config()')
        _core.register_custom_op(op_type, *custom_op_api.callbacks(custom_op))
        self._custom_ops[op_type] = custom_op
        _log('info', "reg_custom_op: '%s' runs on the CPU" % op_type)
        return 0

    @_api(-1)
    def load_onnx(self, model, inputs=None, input_size_list=None, input_initial_val=None, outputs=None):
        if self._config is None:
            raise _UserError('Please call rknn.config first!')
        if input_initial_val is not None:
            raise _UserError('input_initial_val is not supported by rknn-sim yet', 'leave it None')
        if not isinstance(model, (str, os.PathLike)) or not os.path.isfile(model):
            raise _UserError("the ONNX model '%s' does not exist" % (model,), 'check the path passed as model=')
        load = {'model': os.fspath(model),
                'inputs': _name_list('load_onnx', 'inputs', inputs),
                'outputs': _name_list('load_onnx', 'outputs', outputs),
                'input_size_list': _size_list(input_size_list)}
        self._load = None
        self._model = None
        self._runtime = None
        inspect = dict(load)
        if self._config['dynamic_input'] and not load['input_size_list']:
            inspect['input_size_list'] = self._config['dynamic_input'][0]  # shapes as the first set fixes them
        model_inputs, model_outputs = _core.inspect_onnx(load['model'], self._options(inspect, '', True))
        load['io'] = (model_inputs, model_outputs)
        self._load = load
        _log('info', 'load_onnx: %s: inputs %s, outputs %s' % (
            load['model'], ', '.join('%s%s' % (n, _shape_text(s)) for n, s in model_inputs),
            ', '.join('%s%s' % (n, _shape_text(s)) for n, s in model_outputs)))
        return 0

    def _options(self, load, dataset, do_quantization, batch_size=1):
        """What _core.build takes: config()'s settings, load_onnx's cuts, build's arguments."""
        options = dict(self._config)
        options.update(target=self._config['target'], dataset=dataset, do_quantization=do_quantization,
                       inputs=load['inputs'], outputs=load['outputs'], input_size_list=load['input_size_list'],
                       batch_size=batch_size, hybrid_step1='', hybrid_cfg='')
        return options

    def _check_loaded(self):
        if self._load is None:
            if self._model is not None:
                raise _UserError('the model was loaded with load_rknn and is built already',
                                 'build only models loaded with load_onnx')
            raise _UserError('Please load model first! (load_onnx)')

    @_api(-1)
    def build(self, do_quantization=True, dataset=None, rknn_batch_size=None, auto_hybrid=False):
        self._check_loaded()
        batch_size = _batch_size(rknn_batch_size)
        if auto_hybrid:
            raise _UserError('auto_hybrid=True is not supported by rknn-sim yet',
                             'leave it False; hybrid_quantization_step1/step2 keep chosen layers in float16')
        if do_quantization:
            if dataset is None:
                raise _UserError('do_quantization=True needs a calibration dataset',
                                 "build(do_quantization=True, dataset='./dataset.txt'), or do_quantization=False "
                                 'for an fp16 model')
            dataset = _check_dataset(dataset)
        elif dataset is not None:
            _log('warn', 'build: do_quantization=False: the dataset is not used')
        self._model = None
        self._runtime = None
        self._model = _core.build(self._load['model'], self._options(
            self._load, dataset if do_quantization else '', bool(do_quantization), batch_size))
        if batch_size > 1:
            _log('info', 'build: rknn_batch_size=%d: inference takes %s' % (batch_size, ', '.join(
                '%s%s' % (n, _shape_text(s)) for n, s in self._model.inputs)))
        return 0

    @_api(-1)
    def export_rknn(self, export_path, cpp_gen_cfg=False, **kwargs):
        if self._model is None:
            raise _UserError(_NO_MODEL)
        if cpp_gen_cfg or kwargs:
            raise _UserError('cpp_gen_cfg and other code generation options are not supported by rknn-sim')
        if not isinstance(export_path, (str, os.PathLike)):
            raise _UserError('export_path=%r is not a file path' % (export_path,))
        _core.export(self._model, os.fspath(export_path))
        _log('info', 'export_rknn: wrote %s' % os.fspath(export_path))
        return 0

    @_api(-1)
    def load_rknn(self, path, load_model_in_npu=False):
        if load_model_in_npu:
            raise _UserError('load_model_in_npu=True needs a board', 'leave it False')
        if not isinstance(path, (str, os.PathLike)) or not os.path.isfile(path):
            raise _UserError("the model file '%s' does not exist" % (path,))
        path = os.fspath(path)
        with open(path, 'rb') as f:
            header = f.read(8)
        self._load = None
        self._model = None
        self._runtime = None
        if rockchip_rknn.is_rockchip_rknn(header):
            self._model = rockchip_rknn.load_rockchip_rknn(path)
        else:
            self._model = _core.load(path)
        _log('info', 'load_rknn: %s, target %s' % (path, self._model.target))
        return 0

    def _unsupported_loader(self, name):
        _log('err', '%s: rknn-sim loads ONNX models only (hint: export the model to ONNX and use load_onnx)' % name)
        return -1

    def load_pytorch(self, *args, **kwargs):
        return self._unsupported_loader('load_pytorch')

    def load_tensorflow(self, *args, **kwargs):
        return self._unsupported_loader('load_tensorflow')

    def load_tflite(self, *args, **kwargs):
        return self._unsupported_loader('load_tflite')

    def load_caffe(self, *args, **kwargs):
        return self._unsupported_loader('load_caffe')

    def load_darknet(self, *args, **kwargs):
        return self._unsupported_loader('load_darknet')

    @_api(-1)
    def hybrid_quantization_step1(self, dataset='dataset.txt', rknn_batch_size=None, proposal=False,
                                  proposal_dataset_size=1, custom_hybrid=None):
        self._check_loaded()
        batch_size = _batch_size(rknn_batch_size)
        if proposal:
            raise _UserError('proposal=True is not supported by rknn-sim yet',
                             'leave proposal=False and list the layers to keep in float16 under '
                             'custom_quantize_layers; `rknn-sim convert --quant-report` names the layers int8 hurts most')
        if custom_hybrid is not None:
            raise _UserError('custom_hybrid is not supported by rknn-sim yet',
                             'leave it None and list the layers under custom_quantize_layers of the .quantization.cfg')
        dataset = _check_dataset(dataset)
        files = hybrid.Step1Files.in_cwd(self._load['model'])
        options = self._options(self._load, os.path.abspath(dataset), True, batch_size)
        self._model = None
        self._runtime = None
        # The int8 build writes the .quantization.cfg exactly as `rknn-sim convert --hybrid-step1`.
        self._model = _core.build(self._load['model'], dict(options, hybrid_step1=files.cfg, hybrid_cfg=''))
        hybrid.write_model_and_data(files, self._load['model'], options)
        _log('info', 'hybrid_quantization_step1: wrote %s, %s and %s; add `layer_output_name: float16` lines under '
                     'custom_quantize_layers of %s, then call hybrid_quantization_step2' % (
                         files.model, files.data, files.cfg, os.path.basename(files.cfg)))
        return 0

    @_api(-1)
    def hybrid_quantization_step2(self, model_input, data_input, model_quantization_cfg):
        for name, path in (('model_input', model_input), ('data_input', data_input),
                           ('model_quantization_cfg', model_quantization_cfg)):
            if not isinstance(path, (str, os.PathLike)) or not os.path.isfile(path):
                raise _UserError("%s '%s' does not exist" % (name, path),
                                 'pass the .model, .data and .quantization.cfg files hybrid_quantization_step1 wrote')
        options, source_model = hybrid.read_data(os.fspath(model_input), os.fspath(data_input))
        if self._config is not None:
            _log('warn', 'hybrid_quantization_step2: the model is built with the settings recorded in %s by step 1 '
                         '(target %s), not with this object\'s config()' % (os.fspath(data_input), options['target']))
        if not os.path.isfile(options['dataset']):
            raise _UserError("the dataset '%s' that step 1 calibrated on does not exist any more" % options['dataset'],
                             'step 2 calibrates again on the same samples; restore the dataset or run step 1 again')
        self._load = None
        self._model = None
        self._runtime = None
        self._model = _core.build(os.fspath(model_input),
                                  dict(options, hybrid_step1='', hybrid_cfg=os.fspath(model_quantization_cfg)))
        self._model.source_name = source_model
        return 0

    # ---------------------------------------------------------------- runtime

    @_api(-1)
    def init_runtime(self, target=None, device_id=None, perf_debug=False, eval_mem=False, async_mode=False,
                     core_mask=NPU_CORE_AUTO, fallback_prior_device='cpu'):
        if self._model is None:
            raise _UserError(_NO_MODEL)
        model_target = self._model.target
        if target is None:
            target = model_target
            _log('info', 'init_runtime: target is None, simulating %s on the SystemC platform' % target)
        else:
            target = _check_target('target', target)
            if _core.platform_of(target) != _core.platform_of(model_target):
                raise _UserError('the model is built for %s and cannot run on %s' % (model_target, target),
                                 "config(target_platform='%s') and build again, or init_runtime(target=None)" % target)
            _log('info', 'init_runtime: simulating target %s (no board: device_id is not used)' % target)
        if core_mask not in _CORE_MASKS:
            raise _UserError('core_mask=%r is invalid' % (core_mask,),
                             'use RKNN.NPU_CORE_AUTO, NPU_CORE_0, NPU_CORE_1, NPU_CORE_2, NPU_CORE_0_1, '
                             'NPU_CORE_0_1_2 or NPU_CORE_ALL')
        cores = _core.target_info(target)[2]
        if core_mask != self.NPU_CORE_AUTO and cores < 2:
            raise _UserError('core_mask applies to multi-core NPUs; %s has %d core' % (target, cores),
                             'leave core_mask=RKNN.NPU_CORE_AUTO')
        if core_mask not in (self.NPU_CORE_AUTO, self.NPU_CORE_ALL) and core_mask >> cores:
            raise _UserError('core_mask=%d names a core %s does not have (%d cores)' % (core_mask, target, cores),
                             'use masks of cores 0..%d, or RKNN.NPU_CORE_ALL' % (cores - 1))
        if async_mode:
            _log('warn', 'init_runtime: async_mode=True has no effect in the simulator (runs are synchronous)')
        _check_choice('fallback_prior_device', fallback_prior_device, ('cpu',))
        _core.check_platform_available(target)
        self._runtime = {'target': target, 'perf_debug': bool(perf_debug), 'eval_mem': bool(eval_mem),
                         'core_mask': core_mask, 'last_time_us': None}
        return 0

    def _model_inputs(self, inputs, data_format, api, specs=None):
        """The caller's arrays as contiguous float32 NCHW arrays of the model's input shapes (or `specs`)."""
        specs = self._model.inputs if specs is None else specs
        if isinstance(inputs, np.ndarray):
            inputs = [inputs]
        if not isinstance(inputs, (list, tuple)):
            raise _UserError('inputs must be a list of numpy arrays, got %s' % type(inputs).__name__)
        if len(inputs) != len(specs):
            raise _UserError('the model has %d input(s), got %d' % (len(specs), len(inputs)),
                             'pass one array per input: %s' % ', '.join(n for n, _ in specs))
        formats = data_format if isinstance(data_format, (list, tuple)) else [data_format] * len(specs)
        if len(formats) != len(specs):
            raise _UserError('data_format has %d entries for %d input(s)' % (len(formats), len(specs)))
        arrays = []
        for i, (x, fmt, (name, shape)) in enumerate(zip(inputs, formats, specs)):
            if fmt is not None:
                if not isinstance(fmt, str) or fmt.lower() not in ('nchw', 'nhwc'):
                    raise _UserError('data_format=%r is invalid' % (fmt,), "use 'nchw' or 'nhwc'")
                fmt = fmt.lower()
            try:
                a = np.asarray(x)
                if a.dtype == object or not (np.issubdtype(a.dtype, np.number) or a.dtype == np.bool_):
                    raise TypeError(a.dtype)
            except Exception:
                raise _UserError('inputs[%d] is not a numeric array' % i) from None
            shape = tuple(shape)
            if len(shape) == 4:
                nhwc = (shape[0], shape[2], shape[3], shape[1])
                if a.ndim == 3 and shape[0] == 1:
                    a = a[np.newaxis]  # one HWC / CHW image for a batch-1 model
                if fmt is None:
                    fmt = 'nhwc'  # the toolkit's default for 4-D inputs
                    if a.shape == shape and shape != nhwc:
                        fmt = 'nchw'
                        _log('warn', "%s: inputs[%d] has the model's NCHW shape %s: taken as nchw "
                                     "(pass data_format='nchw' to say so)" % (api, i, _shape_text(shape)))
                if fmt == 'nhwc':
                    if a.shape != nhwc:
                        raise _UserError("inputs[%d] has shape %s, but input '%s' takes %s as nhwc" % (
                            i, _shape_text(a.shape), name, _shape_text(nhwc)),
                            _batch_hint(a.shape, nhwc) or "pass data_format='nchw' for %s arrays" % _shape_text(shape))
                    a = a.transpose(0, 3, 1, 2)
                elif a.shape != shape:
                    raise _UserError("inputs[%d] has shape %s, but input '%s' takes %s as nchw" % (
                        i, _shape_text(a.shape), name, _shape_text(shape)),
                        _batch_hint(a.shape, shape) or "pass data_format='nhwc' for %s arrays" % _shape_text(nhwc))
            elif a.size != int(np.prod(shape)):
                raise _UserError("inputs[%d] has shape %s, but input '%s' takes %s" % (
                    i, _shape_text(a.shape), name, _shape_text(shape)))
            arrays.append(np.ascontiguousarray(a.reshape(shape), dtype=np.float32))
        return arrays

    def _shape_sets(self):
        """The models of each input shape set (dynamic_input), made once per built or loaded model."""
        if getattr(self, '_sets_of', None) is not self._model:
            self._sets = self._model.shape_sets
            self._sets_of = self._model
        return self._sets

    def _shape_set_for(self, inputs, data_format):
        """The model of the input shape set the arrays have; the model itself when it has one set."""
        sets = self._shape_sets()
        if len(sets) == 1:
            return self._model
        arrays = [inputs] if isinstance(inputs, np.ndarray) else inputs
        if not isinstance(arrays, (list, tuple)):
            return self._model  # _model_inputs names the error
        formats = data_format if isinstance(data_format, (list, tuple)) else [data_format] * len(arrays)
        for model in sets:
            specs = model.inputs
            if len(specs) != len(arrays) or len(formats) != len(arrays):
                continue
            fits = True
            for a, fmt, (_, shape) in zip(arrays, formats, specs):
                shape = tuple(shape)
                nhwc = (shape[0], shape[2], shape[3], shape[1]) if len(shape) == 4 else shape
                fmt = fmt.lower() if isinstance(fmt, str) else None
                accepted = [shape] if fmt == 'nchw' else [nhwc] if fmt == 'nhwc' else [shape, nhwc]
                if len(shape) == 4 and shape[0] == 1:
                    accepted += [s[1:] for s in accepted]  # one image without its batch dimension
                fits = fits and tuple(np.shape(a)) in accepted
            if fits:
                return model
        raise _UserError('inputs of shape %s match none of the input shape sets the model was built for: %s' % (
            ' '.join(_shape_text(np.shape(a)) for a in arrays),
            ', '.join(' '.join(_shape_text(s) for _, s in m.inputs) for m in sets)),
            'the model was built with config(dynamic_input=...): pass arrays of one of these shapes')

    @_api(None)
    def inference(self, inputs, data_format=None, inputs_pass_through=None, get_frame_id=False):
        if self._runtime is None:
            raise _UserError(_NO_RUNTIME)
        if inputs_pass_through is not None and any(inputs_pass_through):
            raise _UserError('inputs_pass_through is not supported by rknn-sim yet', 'leave it None')
        if get_frame_id:
            raise _UserError('get_frame_id needs async_mode on a board', 'leave it False')
        model = self._shape_set_for(inputs, data_format)
        arrays = self._model_inputs(inputs, data_format, 'inference', model.inputs)
        outputs, time_us = _core.simulate(model, self._runtime['target'], arrays, self._runtime['core_mask'])
        self._runtime['last_time_us'] = time_us
        return list(outputs)

    @_api(None)
    def eval_perf(self, is_print=True, fix_freq=True):
        if self._runtime is None:
            raise _UserError(_NO_RUNTIME)
        sets = self._shape_sets()
        if not self._runtime['perf_debug']:
            _log('info', 'eval_perf: the per-layer table needs init_runtime(perf_debug=True)')
        text = ''
        for k, model in enumerate(sets):  # a model built with dynamic_input: every shape set
            table, report = _core.eval_perf(model, self._runtime['target'], self._runtime['core_mask'])
            if len(sets) > 1:
                text += '%sInput shapes %s (set %d of %d, dynamic_input)\n' % (
                    '\n' if k else '', ' '.join(_shape_text(s) for _, s in model.inputs), k + 1, len(sets))
            if self._runtime['perf_debug']:
                text += table
            else:
                # What the board prints without perf_debug: one normal rknn_run.
                run_us = report['run_time_us']
                text += 'Total Time(us): %.0f\nFPS: %.2f\n' % (run_us, 1e6 / run_us if run_us > 0 else 0.0)
        if is_print:
            print(text, end='', flush=True)
        return text

    @_api(None)
    def eval_memory(self, is_print=True):
        if self._runtime is None:
            raise _UserError(_NO_RUNTIME)
        if not self._runtime['eval_mem']:
            raise _UserError('eval_mem is not enabled', 'call init_runtime(eval_mem=True) before eval_memory')
        sets = self._shape_sets()
        text, report = _core.eval_memory(sets[0])
        if len(sets) > 1:  # a model built with dynamic_input: every shape set, the first one's keys on top
            report['input_shapes'] = [list(s) for _, s in sets[0].inputs]
            text = 'Input shapes %s (set 1 of %d, dynamic_input)\n%s' % (
                ' '.join(_shape_text(s) for _, s in sets[0].inputs), len(sets), text)
            report['dynamic_shapes'] = []
            for k, model in enumerate(sets[1:], 2):
                more, one = _core.eval_memory(model)
                one['input_shapes'] = [list(s) for _, s in model.inputs]
                report['dynamic_shapes'].append(one)
                text += '\nInput shapes %s (set %d of %d, dynamic_input)\n%s' % (
                    ' '.join(_shape_text(s) for _, s in model.inputs), k, len(sets), more)
        if is_print:
            bar = '=' * 54
            print('%s\n%s\n%s\nNPU model memory detail(bytes):\n%s%s' % (
                bar, 'Memory Profile Info Dump'.center(54), bar,
                ''.join('    %s\n' % line for line in text.splitlines()), bar), flush=True)
        return report

    @_api(-1)
    def accuracy_analysis(self, inputs, output_dir='./snapshot', target=None, device_id=None):
        if self._model is None:
            raise _UserError(_NO_MODEL)
        if target is not None:
            target = _check_target('target', target)
            if _core.platform_of(target) != _core.platform_of(self._model.target):
                raise _UserError('the model is built for %s, not %s' % (self._model.target, target),
                                 'accuracy_analysis(target=None) analyzes the model on its own platform')
        if isinstance(inputs, (str, os.PathLike, np.ndarray)):
            inputs = [inputs]
        if not isinstance(inputs, (list, tuple)) or not inputs:
            raise _UserError('inputs must be a list of input files (.npy or images), one per model input')
        if all(isinstance(x, (str, os.PathLike)) for x in inputs):
            for path in inputs:
                if not os.path.isfile(path):
                    raise _UserError("the input file '%s' does not exist" % os.fspath(path))
            arrays = _core.load_input_files(self._model, [os.fspath(p) for p in inputs])
        else:
            # One image per input, also for rknn_batch_size models: the analysis runs the batch-1 graph.
            arrays = self._model_inputs(inputs, None, 'accuracy_analysis', self._model.image_inputs)
        if not isinstance(output_dir, (str, os.PathLike)):
            raise _UserError('output_dir=%r is not a directory path' % (output_dir,))
        summary = _core.accuracy_analysis(self._model, list(arrays), os.fspath(output_dir))
        _log('info', 'accuracy_analysis: wrote %s (golden/, simulator/, error_analysis.txt)' % os.fspath(output_dir))
        for line in summary.splitlines():
            _log('info', 'accuracy_analysis: %s' % line)
        return 0

    # ---------------------------------------------------------------- misc

    @_api(None)
    def get_sdk_version(self):
        if self._runtime is None:
            raise _UserError(_NO_RUNTIME)
        return 'API: rknn-sim %s\nDRV: simulated %s (SystemC platform \'%s\')' % (
            _core.__version__, self._runtime['target'], _core.platform_of(self._runtime['target']))

    def list_devices(self):
        print('*' * 25)
        print('rknn-sim simulates the NPU: no devices are needed or listed')
        print('*' * 25)
        return [], []

    def release(self):
        self._config = self._load = self._model = self._runtime = None
        self._sets = self._sets_of = None  # the per-shape-set models hold their own weights
        self._released = True
