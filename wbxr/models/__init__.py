"""Node models: each a frozen dataclass of parameters with a pure vector field ``dfun``.

See :mod:`wbxr.models.base` for the contract every model follows.
"""

from .base import NodeModel, node_model, parameter
from .hopf import Hopf
from .wilson_cowan import WilsonCowan

__all__ = ["NodeModel", "node_model", "parameter", "Hopf", "WilsonCowan"]
