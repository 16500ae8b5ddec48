"""wbxr: whole-brain network models on JAX, with results as xarray objects.

>>> import brainunit as u
>>> import wbxr
>>> conn = wbxr.load_dataset("example_connectome")
>>> net = wbxr.Network(wbxr.models.Hopf(a=0.2, w=0.3), conn, speed=10 * u.mm / u.ms, k=0.5)
>>> ds = wbxr.simulate(net, duration=100 * u.ms, dt=0.1 * u.ms)
>>> sorted(ds.data_vars), ds.wb.fc().dims
(['x', 'y'], ('region_i', 'region_j'))
"""

__version__ = "0.1.0"

from . import analysis, coupling, io, models, monitors, noise, viz  # noqa: E402
from . import accessor as _accessor  # noqa: E402,F401  (registers the .wb accessor)
from .compilation_cache import use_compilation_cache  # noqa: E402
from .connectome import connectome, validate_connectome  # noqa: E402
from .datasets import list_datasets, load_dataset, load_empirical_fc  # noqa: E402
from .ensemble import NonFiniteMemberWarning, ensemble, failed_members  # noqa: E402
from .ensemble_store import save_ensemble  # noqa: E402
from .fitting import FitResult, fit  # noqa: E402
from .io import read_connectome, save_connectome  # noqa: E402
from .network import Network  # noqa: E402
from .simulate import NonFiniteStateError, simulate  # noqa: E402

__all__ = [
    "__version__",
    "analysis",
    "connectome",
    "coupling",
    "ensemble",
    "failed_members",
    "fit",
    "fitting",
    "FitResult",
    "io",
    "list_datasets",
    "load_dataset",
    "load_empirical_fc",
    "models",
    "monitors",
    "Network",
    "noise",
    "NonFiniteMemberWarning",
    "NonFiniteStateError",
    "read_connectome",
    "save_connectome",
    "save_ensemble",
    "simulate",
    "use_compilation_cache",
    "validate_connectome",
    "viz",
    "widgets",
]


def __getattr__(name: str):
    """``wbxr.widgets`` is imported on first use: ipywidgets (and IPython) load only then,
    so scripts, dask workers and GPU nodes without a notebook need neither."""
    if name == "widgets":
        import importlib

        return importlib.import_module(f"{__name__}.widgets")
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
