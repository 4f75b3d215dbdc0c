#!/usr/bin/env bash
# The float reference executor must match PyTorch (reference_output.npy, written by
# scripts/gen_bundled_model.py) within 1e-4 relative.
# usage: float_vs_torch.sh RKNN_SIM MODELS_DIR WORK_DIR
set -euo pipefail
sim=$1 models=$2 work=$3
dir=$work/float_vs_torch
rm -rf "$dir" && mkdir -p "$dir"
"$sim" -q run "$models/bundled/tiny_resnet.onnx" --reference float -i "$models/bundled/input.npy" -o "$dir"
/usr/bin/python3 - "$dir/0_output.npy" "$models/bundled/reference_output.npy" <<'PY'
import sys, numpy as np
ours, torch_out = np.load(sys.argv[1]), np.load(sys.argv[2])
assert ours.shape == torch_out.shape, (ours.shape, torch_out.shape)
rel = np.abs(ours - torch_out).max() / np.abs(torch_out).max()
print(f"max relative difference vs PyTorch: {rel:.3e}")
sys.exit(0 if rel <= 1e-4 else 1)
PY
