"""The RKNN-Toolkit2 API (`from rknn.api import RKNN`), as `from rknn_sim.api import RKNN`."""

from .rknn import RKNN  # noqa: F401

__all__ = ['RKNN']
