"""The ``.wb`` accessor on xarray Datasets and DataArrays.

Importing this module registers the accessor; each method delegates to the public
function in :mod:`wbxr.analysis` or :mod:`wbxr.viz` that does the work::

    ds.wb.fc()               # wbxr.analysis.fc(ds)
    ds.wb.plot()             # wbxr.viz.plot(ds): connectome, time series or FC
    ds.wb.plot.timeseries()  # wbxr.viz.plot_timeseries(ds)
"""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np
import xarray as xr
from matplotlib.axes import Axes
from xarray.core.extensions import AccessorRegistrationWarning

from wbxr import analysis, viz

ACCESSOR_NAME = "wb"


class WbPlot:
    """Plotting namespace of the ``.wb`` accessor: ``obj.wb.plot(...)`` or ``obj.wb.plot.<kind>(...)``.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> import numpy as np
    >>> import xarray as xr
    >>> import wbxr.accessor
    >>> conn = xr.Dataset(
    ...     {"weights": (("target", "source"), [[0.0, 1.0], [1.0, 0.0]])},
    ...     coords={"target": ["A", "B"], "source": ["A", "B"]},
    ... )
    >>> [ax.get_title() for ax in conn.wb.plot()]
    ['structural weights']
    """

    def __init__(self, obj: xr.Dataset | xr.DataArray) -> None:
        self._obj = obj

    def __call__(self, **kwargs: Any) -> Axes | np.ndarray:
        """Draw the figure that suits the object (see :func:`wbxr.viz.plot`)."""
        return viz.plot(self._obj, **kwargs)

    def timeseries(self, **kwargs: Any) -> Axes:
        """One line per region (see :func:`wbxr.viz.plot_timeseries`)."""
        return viz.plot_timeseries(self._obj, **kwargs)

    def fc(self, **kwargs: Any) -> Axes:
        """Functional-connectivity heatmap (see :func:`wbxr.viz.plot_functional_connectivity`)."""
        return viz.plot_functional_connectivity(self._obj, **kwargs)

    def connectivity(self, **kwargs: Any) -> Axes:
        """Heatmap of a square matrix or a connectome's weights (see :func:`wbxr.viz.plot_connectivity`)."""
        return viz.plot_connectivity(self._obj, **kwargs)

    def connectome(self, **kwargs: Any) -> np.ndarray:
        """Weights and distances side by side (see :func:`wbxr.viz.plot_connectome`)."""
        return viz.plot_connectome(self._obj, **kwargs)


class _WbAccessor:
    """Shared base: holds only the wrapped xarray object."""

    def __init__(self, obj: xr.Dataset | xr.DataArray) -> None:
        self._obj = obj

    @property
    def plot(self) -> WbPlot:
        """Plotting namespace; call it (``.wb.plot()``) or use one of its methods."""
        return WbPlot(self._obj)


class WbDatasetAccessor(_WbAccessor):
    """``Dataset.wb``: analyses and plots of simulation results and connectomes.

    Examples
    --------
    >>> import numpy as np
    >>> import xarray as xr
    >>> import wbxr.accessor
    >>> sim = xr.Dataset(
    ...     {"x": (("time", "region"), np.random.default_rng(0).standard_normal((100, 2)))},
    ...     coords={"time": np.arange(100) * 0.1, "region": ["A", "B"]},
    ... )
    >>> sim.wb.fc().dims
    ('region_i', 'region_j')
    """

    def fc(self, var: str | None = None, *, dim: str = "time") -> xr.DataArray:
        """Functional connectivity (see :func:`wbxr.analysis.fc`)."""
        return analysis.fc(self._obj, var, dim=dim)

    def select_variable(self, var: str | None = None, *, dim: str = "time") -> xr.DataArray:
        """The variable analyses and plots use (see :func:`wbxr.analysis.select_variable`)."""
        return analysis.select_variable(self._obj, var, dim=dim)


class WbDataArrayAccessor(_WbAccessor):
    """``DataArray.wb``: analyses and plots of a single variable or an FC matrix.

    Examples
    --------
    >>> import numpy as np
    >>> import xarray as xr
    >>> import wbxr.accessor
    >>> x = xr.DataArray(
    ...     np.random.default_rng(0).standard_normal((100, 2)),
    ...     dims=("time", "region"),
    ...     coords={"region": ["A", "B"]},
    ... )
    >>> x.wb.fc().region_i.values.tolist()
    ['A', 'B']
    """

    def fc(self, *, dim: str = "time") -> xr.DataArray:
        """Functional connectivity (see :func:`wbxr.analysis.fc`)."""
        return analysis.fc(self._obj, dim=dim)


def _register(register: Any, xarray_class: type, accessor_class: type) -> None:
    """Register ``accessor_class`` as ``.wb``, silently replacing only a previous copy of our own.

    Reloading this module would otherwise make xarray warn about overriding ``.wb``;
    a ``.wb`` that belongs to someone else still triggers xarray's warning.
    """
    existing = getattr(xarray_class, ACCESSOR_NAME, None)
    ours = getattr(existing, "__module__", None) == __name__
    with warnings.catch_warnings():
        if ours:
            warnings.simplefilter("ignore", AccessorRegistrationWarning)
        register(ACCESSOR_NAME)(accessor_class)


_register(xr.register_dataset_accessor, xr.Dataset, WbDatasetAccessor)
_register(xr.register_dataarray_accessor, xr.DataArray, WbDataArrayAccessor)
