"""The files between hybrid_quantization_step1 and step2: RKNN-Toolkit2's names, rknn-sim's contents.

Step 1 writes three files in the current directory, named after the ONNX model ({model_name} is its
file name without the extension), as the toolkit does:

- {model_name}.quantization.cfg: the YAML `rknn-sim convert --hybrid-step1` writes, byte for byte
  (docs/quantization.md §17). The one file the user edits: `layer_output_name: float16` lines
  under custom_quantize_layers.
- {model_name}.model: a byte copy of the ONNX model (the toolkit writes its own graph format).
- {model_name}.data: JSON holding what step 2 needs to build again: config()'s settings, load_onnx's
  cuts, rknn_batch_size, the dataset's absolute path, and the SHA-256 of the .model file so that a
  .model and a .data of different runs are refused (the toolkit's .data holds weights instead).

Step 2 builds the .model with the .data's settings and the edited .cfg, as `rknn-sim convert
--hybrid-cfg` does: it calibrates again on the recorded dataset (which must still exist, with the
same samples) and checks the .cfg's quantize_parameters against the new values.
"""

import hashlib
import json
import os
import shutil

from .errors import UserError

DATA_FORMAT = 'rknn-sim hybrid_quantization_step1 data'
DATA_VERSION = 1
# The build settings recorded in .data: what rknn_sim._core.build takes, minus the hybrid file paths.
_SETTINGS = ('target', 'dataset', 'do_quantization', 'inputs', 'outputs', 'input_size_list', 'batch_size',
             'mean_values', 'std_values', 'quant_img_RGB2BGR', 'quantized_dtype', 'quantized_algorithm',
             'quantized_method', 'float_dtype', 'optimization_level', 'custom_string', 'single_core_mode')


class Step1Files:
    """The paths of step 1's three files for a model."""

    def __init__(self, directory, model_name):
        self.model_name = model_name
        self.model = os.path.join(directory, model_name + '.model')
        self.data = os.path.join(directory, model_name + '.data')
        self.cfg = os.path.join(directory, model_name + '.quantization.cfg')

    @classmethod
    def in_cwd(cls, onnx_path):
        name = os.path.splitext(os.path.basename(os.fspath(onnx_path)))[0]
        return cls(os.getcwd(), name)


def _sha256(path):
    digest = hashlib.sha256()
    with open(path, 'rb') as f:
        for block in iter(lambda: f.read(1 << 20), b''):
            digest.update(block)
    return digest.hexdigest()


def write_model_and_data(files, onnx_path, options):
    """Writes {model_name}.model and {model_name}.data (the .cfg is written by the int8 build)."""
    try:
        shutil.copyfile(onnx_path, files.model)
        # source_model is the path as load_onnx got it: step 2's model file records it, as
        # `rknn-sim convert` records its argument, so both export the same bytes.
        data = {'format': DATA_FORMAT, 'version': DATA_VERSION, 'source_model': os.fspath(onnx_path),
                'model_sha256': _sha256(files.model), 'settings': {k: options[k] for k in _SETTINGS}}
        with open(files.data, 'w') as f:
            json.dump(data, f, indent=2)
            f.write('\n')
    except OSError as e:
        raise UserError('cannot write the step 1 files in %s: %s' % (os.path.dirname(files.model), e),
                        'run hybrid_quantization_step1 in a writable directory') from None


def read_data(model_path, data_path):
    """(build settings, source model name) that step 1 recorded in `data_path`, checked against `model_path`."""
    not_ours = UserError("data_input '%s' is not a .data file written by rknn-sim's hybrid_quantization_step1"
                         % data_path, 'pass the {model_name}.data that step 1 wrote next to {model_name}.model '
                         '(files written by RKNN-Toolkit2 are not read)')
    try:
        with open(data_path, 'rb') as f:
            data = json.loads(f.read().decode('utf-8'))
    except (OSError, ValueError):
        raise not_ours from None
    if not isinstance(data, dict) or data.get('format') != DATA_FORMAT or not isinstance(data.get('settings'), dict):
        raise not_ours
    if data.get('version') != DATA_VERSION:
        raise UserError("data_input '%s' has version %r; this rknn-sim reads version %d" % (
            data_path, data.get('version'), DATA_VERSION), 'run hybrid_quantization_step1 again')
    missing = [k for k in _SETTINGS if k not in data['settings']]
    if missing:
        raise UserError("data_input '%s' lacks the setting(s) %s" % (data_path, ', '.join(missing)),
                        'run hybrid_quantization_step1 again')
    if _sha256(model_path) != data.get('model_sha256'):
        raise UserError("model_input '%s' is not the model that '%s' was written with (its SHA-256 differs)" % (
            model_path, data_path), 'pass the .model and .data of the same hybrid_quantization_step1 run')
    return {k: data['settings'][k] for k in _SETTINGS}, str(data.get('source_model', model_path))
