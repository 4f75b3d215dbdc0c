"""Hook for Rockchip's own .rknn files in load_rknn.

rknn-sim's load_rknn reads the model files that export_rknn writes (magic "RKNNSIM") and, through
this module, .rknn files made by RKNN-Toolkit2 (docs/rknn-format.md): those are imported and
lowered for their target, so eval_perf and eval_memory work on them; inference refuses them (the
files hold no weight scales).
"""


class NotSupported(Exception):
    """Raised while the .rknn reader is not available; the message is shown as an E line."""


def is_rockchip_rknn(header: bytes) -> bool:
    """True for a Rockchip .rknn container (not rknn-sim's own "RKNNSIM" file)."""
    return (header[:4] == b'RKNN' and header[:7] != b'RKNNSIM') or header[:8] == b'CYPTRKNN'


def load_rockchip_rknn(path):
    from .. import _core
    return _core.load_rockchip(path)
