"""Hook for Rockchip's own .rknn files in load_rknn.

rknn-sim's load_rknn reads the model files that export_rknn writes (magic "RKNNSIM"). Files made
by RKNN-Toolkit2 start with "RKNN" (/work/shared/docs/RKNN_FORMAT.md); reading them is separate
work. When it lands, load_rockchip_rknn returns a compiled model (rknn_sim._core.Model) and
load_rknn uses it unchanged.
"""


class NotSupported(Exception):
    """Raised while the .rknn reader is not available; the message is shown as an E line."""


def is_rockchip_rknn(header: bytes) -> bool:
    """True for a Rockchip .rknn container (not rknn-sim's own "RKNNSIM" file)."""
    return (header[:4] == b'RKNN' and header[:7] != b'RKNNSIM') or header[:8] == b'CYPTRKNN'


def load_rockchip_rknn(path):
    raise NotSupported(
        "'%s' is a .rknn file made by RKNN-Toolkit2, which rknn-sim cannot read yet "
        "(hint: load_onnx the original model and build it with rknn-sim, then export_rknn/load_rknn "
        "rknn-sim's own model file)" % path)
