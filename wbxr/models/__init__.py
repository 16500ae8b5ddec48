"""Node models: each a frozen dataclass of parameters with a pure vector field ``dfun``.

See :mod:`wbxr.models.base` for the contract every model follows, and
:func:`list_models` for the catalogue.
"""

from __future__ import annotations

from typing import Any

from .base import NodeModel, node_model, parameter
from .coombes_byrne import CoombesByrne
from .david_friston import DavidFriston
from .epileptor import Epileptor
from .epileptor_2d import Epileptor2D
from .fitzhugh_nagumo import FitzHughNagumo
from .generic_2d_oscillator import Generic2dOscillator
from .hopf import Hopf
from .jansen_rit import JansenRit
from .kuramoto import Kuramoto
from .larter_breakspear import LarterBreakspear
from .linear import LinearRate
from .lorenz import Lorenz
from .montbrio_pazo_roxin import MontbrioPazoRoxin
from .reduced_wong_wang import ReducedWongWang
from .threshold_linear import ThresholdLinear
from .van_der_pol import VanDerPol
from .wilson_cowan import WilsonCowan
from .wilson_cowan_adaptation import WilsonCowanAdaptation
from .wilson_cowan_divisive import WilsonCowanDivisive
from .wilson_cowan_linear import WilsonCowanLinear
from .wilson_cowan_no_saturation import WilsonCowanNoSaturation
from .wilson_cowan_simplified import WilsonCowanSimplified
from .wilson_cowan_symmetric import WilsonCowanSymmetric
from .wilson_cowan_three_population import WilsonCowanThreePopulation
from .wong_wang_exc_inh import ReducedWongWangExcInh
from .zetterberg_jansen import ZetterbergJansen

#: Every node model shipped with wbxr.
MODELS: tuple[type[NodeModel], ...] = (
    CoombesByrne,
    DavidFriston,
    Epileptor,
    Epileptor2D,
    FitzHughNagumo,
    Generic2dOscillator,
    Hopf,
    JansenRit,
    Kuramoto,
    LarterBreakspear,
    LinearRate,
    Lorenz,
    MontbrioPazoRoxin,
    ReducedWongWang,
    ReducedWongWangExcInh,
    ThresholdLinear,
    VanDerPol,
    WilsonCowan,
    WilsonCowanAdaptation,
    WilsonCowanDivisive,
    WilsonCowanLinear,
    WilsonCowanNoSaturation,
    WilsonCowanSimplified,
    WilsonCowanSymmetric,
    WilsonCowanThreePopulation,
    ZetterbergJansen,
)


def _summary(cls: type[NodeModel]) -> str:
    """The first line of a model's docstring."""
    doc = (cls.__doc__ or "").strip()
    return doc.splitlines()[0].strip() if doc else ""


def list_models() -> list[dict[str, Any]]:
    """The available node models, sorted by name.

    Returns
    -------
    list of dict
        One dict per model with ``name``, ``state_variables`` (a tuple),
        ``default_coupled_var`` and a one-line ``description``.

    Examples
    --------
    >>> from wbxr.models import list_models
    >>> [m["name"] for m in list_models()][:3]
    ['CoombesByrne', 'DavidFriston', 'Epileptor']
    >>> hopf = next(m for m in list_models() if m["name"] == "Hopf")
    >>> hopf["state_variables"], hopf["default_coupled_var"]
    (('x', 'y'), 'x')
    """
    return [
        {
            "name": cls.__name__,
            "state_variables": tuple(cls.state_variables),
            "default_coupled_var": cls.default_coupled_var,
            "description": _summary(cls),
        }
        for cls in sorted(MODELS, key=lambda c: c.__name__)
    ]


__all__ = [
    "MODELS",
    "CoombesByrne",
    "DavidFriston",
    "Epileptor",
    "Epileptor2D",
    "FitzHughNagumo",
    "Generic2dOscillator",
    "Hopf",
    "JansenRit",
    "Kuramoto",
    "LarterBreakspear",
    "LinearRate",
    "Lorenz",
    "MontbrioPazoRoxin",
    "NodeModel",
    "ReducedWongWang",
    "ReducedWongWangExcInh",
    "ThresholdLinear",
    "VanDerPol",
    "WilsonCowan",
    "WilsonCowanAdaptation",
    "WilsonCowanDivisive",
    "WilsonCowanLinear",
    "WilsonCowanNoSaturation",
    "WilsonCowanSimplified",
    "WilsonCowanSymmetric",
    "WilsonCowanThreePopulation",
    "ZetterbergJansen",
    "list_models",
    "node_model",
    "parameter",
]
