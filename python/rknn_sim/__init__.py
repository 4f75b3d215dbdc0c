"""rknn-sim's Python front door: `from rknn_sim.api import RKNN` is RKNN-Toolkit2's `RKNN` class,
backed by rknn-sim's compiler and SystemC NPU platform (see python/README.md)."""

from ._core import __version__  # noqa: F401
