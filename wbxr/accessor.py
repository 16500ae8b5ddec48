"""The ``.wb`` accessor on xarray Datasets and DataArrays.

Importing this module registers the accessor; each method delegates to the public
function in :mod:`wbxr.analysis` or :mod:`wbxr.viz` that does the work::

    ds.wb.fc()               # wbxr.analysis.fc(ds)
    ds.wb.fcd(window, step)  # wbxr.analysis.fcd(ds, window, step)
    ds.wb.bold()             # wbxr.analysis.bold(ds)
    ds.wb.plot()             # wbxr.viz.plot(ds): connectome, time series or FC
    ds.wb.plot.timeseries()  # wbxr.viz.plot_timeseries(ds)
    ds.wb.plot.psd()         # wbxr.viz.plot_psd(ds)
    ds.wb.explore()          # wbxr.result_explorer.explore_result(ds): widgets in Jupyter
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping
from typing import Any

import numpy as np
import xarray as xr
from matplotlib.axes import Axes
from xarray.core.extensions import AccessorRegistrationWarning

from wbxr import analysis, viz

ACCESSOR_NAME = "wb"

_Band = tuple[float | None, float | None] | None


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

    def brain(self, **kwargs: Any) -> Any:
        """Nodes at the region centres, strongest edges by weight (see :func:`wbxr.viz.plot_brain`)."""
        return viz.plot_brain(self._obj, **kwargs)

    def fcd(self, **kwargs: Any) -> Axes:
        """FCD matrix, window time against window time (see :func:`wbxr.viz.plot_fcd`)."""
        return viz.plot_fcd(self._obj, **kwargs)

    def psd(self, **kwargs: Any) -> Axes:
        """One power spectrum per region (see :func:`wbxr.viz.plot_psd`)."""
        return viz.plot_psd(self._obj, **kwargs)

    def bold(self, **kwargs: Any) -> Axes:
        """BOLD signals against time in s (see :func:`wbxr.viz.plot_bold`)."""
        return viz.plot_bold(self._obj, **kwargs)


class _WbAccessor:
    """Shared base: holds only the wrapped xarray object."""

    def __init__(self, obj: xr.Dataset | xr.DataArray) -> None:
        self._obj = obj

    @property
    def plot(self) -> WbPlot:
        """Plotting namespace; call it (``.wb.plot()``) or use one of its methods."""
        return WbPlot(self._obj)

    def explore(self, **kwargs: Any) -> Any:
        """Browse a result in Jupyter: regions, time window, FC and FCD (see :func:`wbxr.result_explorer.explore_result`)."""
        # imported here: ipywidgets only when asked for
        from wbxr.result_explorer import explore_result

        return explore_result(self._obj, **kwargs)


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

    def fc(self, var: str | None = None, *, dim: str = "time", band: _Band = None) -> xr.DataArray:
        """Functional connectivity (see :func:`wbxr.analysis.fc`)."""
        return analysis.fc(self._obj, var, dim=dim, band=band)

    def select_variable(self, var: str | None = None, *, dim: str = "time") -> xr.DataArray:
        """The variable analyses and plots use (see :func:`wbxr.analysis.select_variable`)."""
        return analysis.select_variable(self._obj, var, dim=dim)

    def bandpass(
        self, low_hz: float | None, high_hz: float | None, *, order: int = 4, var: str | None = None, dim: str = "time"
    ) -> xr.DataArray:
        """Zero-phase Butterworth band-pass (see :func:`wbxr.analysis.bandpass`)."""
        return analysis.bandpass(self._obj, low_hz, high_hz, order=order, var=var, dim=dim)

    def global_signal(self, *, var: str | None = None, dim: str = "time") -> xr.DataArray:
        """Mean over regions (see :func:`wbxr.analysis.global_signal`)."""
        return analysis.global_signal(self._obj, var=var, dim=dim)

    def windowed_fc(self, window: Any, step: Any, *, var: str | None = None, dim: str = "time") -> xr.DataArray:
        """Sliding-window FC (see :func:`wbxr.analysis.windowed_fc`)."""
        return analysis.windowed_fc(self._obj, window, step, var=var, dim=dim)

    def fcd(self, window: Any, step: Any, *, var: str | None = None, dim: str = "time") -> xr.DataArray:
        """Functional connectivity dynamics matrix (see :func:`wbxr.analysis.fcd`)."""
        return analysis.fcd(self._obj, window, step, var=var, dim=dim)

    def psd(self, *, nperseg: int | None = None, var: str | None = None, dim: str = "time") -> xr.DataArray:
        """Welch power spectral density (see :func:`wbxr.analysis.psd`)."""
        return analysis.psd(self._obj, nperseg=nperseg, var=var, dim=dim)

    def dominant_frequency(
        self, *, nperseg: int | None = None, var: str | None = None, dim: str = "time"
    ) -> xr.DataArray:
        """Frequency of the largest spectral peak (see :func:`wbxr.analysis.dominant_frequency`)."""
        return analysis.dominant_frequency(self._obj, nperseg=nperseg, var=var, dim=dim)

    def kuramoto_order(self, *, band: _Band = None, var: str | None = None, dim: str = "time") -> xr.DataArray:
        """Kuramoto order parameter R(t) (see :func:`wbxr.analysis.kuramoto_order`)."""
        return analysis.kuramoto_order(self._obj, band=band, var=var, dim=dim)

    def metastability(self, *, band: _Band = None, var: str | None = None, dim: str = "time") -> xr.DataArray:
        """Standard deviation of R(t) (see :func:`wbxr.analysis.metastability`)."""
        return analysis.metastability(self._obj, band=band, var=var, dim=dim)

    def phase_locking_value(self, *, band: _Band = None, var: str | None = None, dim: str = "time") -> xr.DataArray:
        """Phase-locking value matrix (see :func:`wbxr.analysis.phase_locking_value`)."""
        return analysis.phase_locking_value(self._obj, band=band, var=var, dim=dim)

    def bold(
        self,
        *,
        tr: Any = 720.0,
        model: str = "balloon",
        params: Mapping[str, float] | None = None,
        var: str | None = None,
        dim: str = "time",
    ) -> xr.DataArray:
        """Balloon-Windkessel BOLD signal sampled every TR (see :func:`wbxr.analysis.bold`)."""
        return analysis.bold(self._obj, tr=tr, model=model, params=params, var=var, dim=dim)

    def balloon_windkessel(
        self,
        *,
        model: str = "balloon",
        params: Mapping[str, float] | None = None,
        var: str | None = None,
        dim: str = "time",
    ) -> xr.Dataset:
        """Haemodynamic states and BOLD at every sample (see :func:`wbxr.analysis.balloon_windkessel`)."""
        return analysis.balloon_windkessel(self._obj, model=model, params=params, var=var, dim=dim)

    def hrf_convolve(self, kernel: str = "double_gamma", *, var: str | None = None, **kwargs: Any) -> xr.DataArray:
        """BOLD by HRF convolution (see :func:`wbxr.analysis.hrf_convolve`)."""
        return analysis.hrf_convolve(self._obj, kernel, var=var, **kwargs)


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

    def fc(self, *, dim: str = "time", band: _Band = None) -> xr.DataArray:
        """Functional connectivity (see :func:`wbxr.analysis.fc`)."""
        return analysis.fc(self._obj, dim=dim, band=band)

    def bandpass(self, low_hz: float | None, high_hz: float | None, *, order: int = 4, dim: str = "time") -> xr.DataArray:
        """Zero-phase Butterworth band-pass (see :func:`wbxr.analysis.bandpass`)."""
        return analysis.bandpass(self._obj, low_hz, high_hz, order=order, dim=dim)

    def global_signal(self) -> xr.DataArray:
        """Mean over regions (see :func:`wbxr.analysis.global_signal`)."""
        return analysis.global_signal(self._obj)

    def windowed_fc(self, window: Any, step: Any, *, dim: str = "time") -> xr.DataArray:
        """Sliding-window FC (see :func:`wbxr.analysis.windowed_fc`)."""
        return analysis.windowed_fc(self._obj, window, step, dim=dim)

    def fcd(self, window: Any, step: Any, *, dim: str = "time") -> xr.DataArray:
        """Functional connectivity dynamics matrix (see :func:`wbxr.analysis.fcd`)."""
        return analysis.fcd(self._obj, window, step, dim=dim)

    def fcd_values(self, *, offset: int = 1) -> xr.DataArray:
        """Upper triangle of an FCD matrix (see :func:`wbxr.analysis.fcd_values`)."""
        return analysis.fcd_values(self._obj, offset=offset)

    def fc_similarity(self, other: xr.DataArray) -> xr.DataArray:
        """Correlation of two FC matrices' upper triangles (see :func:`wbxr.analysis.fc_similarity`)."""
        return analysis.fc_similarity(self._obj, other)

    def fcd_ks(self, other: xr.DataArray) -> xr.DataArray:
        """KS distance between FCD distributions (see :func:`wbxr.analysis.fcd_ks`)."""
        return analysis.fcd_ks(self._obj, other)

    def psd(self, *, nperseg: int | None = None, dim: str = "time") -> xr.DataArray:
        """Welch power spectral density (see :func:`wbxr.analysis.psd`)."""
        return analysis.psd(self._obj, nperseg=nperseg, dim=dim)

    def dominant_frequency(self, *, nperseg: int | None = None, dim: str = "time") -> xr.DataArray:
        """Frequency of the largest spectral peak (see :func:`wbxr.analysis.dominant_frequency`)."""
        return analysis.dominant_frequency(self._obj, nperseg=nperseg, dim=dim)

    def kuramoto_order(self, *, band: _Band = None, dim: str = "time") -> xr.DataArray:
        """Kuramoto order parameter R(t) (see :func:`wbxr.analysis.kuramoto_order`)."""
        return analysis.kuramoto_order(self._obj, band=band, dim=dim)

    def metastability(self, *, band: _Band = None, dim: str = "time") -> xr.DataArray:
        """Standard deviation of R(t) (see :func:`wbxr.analysis.metastability`)."""
        return analysis.metastability(self._obj, band=band, dim=dim)

    def phase_locking_value(self, *, band: _Band = None, dim: str = "time") -> xr.DataArray:
        """Phase-locking value matrix (see :func:`wbxr.analysis.phase_locking_value`)."""
        return analysis.phase_locking_value(self._obj, band=band, dim=dim)

    def bold(
        self, *, tr: Any = 720.0, model: str = "balloon", params: Mapping[str, float] | None = None, dim: str = "time"
    ) -> xr.DataArray:
        """Balloon-Windkessel BOLD signal sampled every TR (see :func:`wbxr.analysis.bold`)."""
        return analysis.bold(self._obj, tr=tr, model=model, params=params, dim=dim)

    def balloon_windkessel(
        self, *, model: str = "balloon", params: Mapping[str, float] | None = None, dim: str = "time"
    ) -> xr.Dataset:
        """Haemodynamic states and BOLD at every sample (see :func:`wbxr.analysis.balloon_windkessel`)."""
        return analysis.balloon_windkessel(self._obj, model=model, params=params, dim=dim)

    def hrf_convolve(self, kernel: str = "double_gamma", **kwargs: Any) -> xr.DataArray:
        """BOLD by HRF convolution (see :func:`wbxr.analysis.hrf_convolve`)."""
        return analysis.hrf_convolve(self._obj, kernel, **kwargs)


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
