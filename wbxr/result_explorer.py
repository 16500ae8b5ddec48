r"""Browse a finished simulation result: regions, a time window, its FC and FCD.

:func:`explore_result` (also ``ds.wb.explore()``) builds a :class:`ResultExplorer` for a
simulation Dataset (dims ``(..., "time", "region")``): a menu of the recorded variables,
one slider per leading ensemble dimension (``seed``, a swept parameter, ...), a
multi-select of regions, a range slider for the time window and the window and step of
the FCD, wired to three panels drawn once and updated in place:

* the time series of the selected regions within the window;
* their functional connectivity in the window, :func:`wbxr.analysis.fc`;
* the functional connectivity dynamics of the window, :func:`wbxr.analysis.fcd`:
  :math:`\mathrm{FCD}_{ww'} = \operatorname{corr}(\mathbf{u}_w, \mathbf{u}_{w'})`, the
  correlation between the upper triangles of the FC of sliding windows :math:`w, w'`
  (Hansen et al. 2015).

Nothing is simulated: every change re-selects and re-analyses the stored numbers.  A
dask-backed ensemble computes only the member shown (and keeps it while the same member
and variable stay selected).

References
----------
Hansen, E. C. A., Battaglia, D., Spiegler, A., Deco, G. & Jirsa, V. K. (2015).
Functional connectivity dynamics: modeling the switching behavior of the resting
state. *NeuroImage* 105, 525-535.
"""

from __future__ import annotations

from collections.abc import Hashable
from typing import Any

import ipywidgets as widgets
import numpy as np
import xarray as xr
from matplotlib.figure import Figure
from matplotlib.image import AxesImage
from matplotlib.lines import Line2D

from ._figure_widget import (
    DESCRIPTION_WIDTH,
    FigureView,
    ShowsWidget,
    data_label,
    error_html,
    region_lines,
    region_ticks,
    show_matrix,
    show_time_series,
    tick_layout_key,
)
from .analysis import fc, fcd, select_variable
from .analysis._core import REGION_DIM, duration_ms, sampling_step_ms, times_ms

__all__ = ["ResultExplorer", "explore_result"]

TIME_DIM = "time"
#: Size of the figure (inches) and its resolution when shown as a PNG.
_FIGSIZE = (12.0, 3.6)
_DPI = 90
#: Default FCD window as a fraction of the whole series, and the step as one of the window.
_DEFAULT_FCD_WINDOW_FRACTION = 0.2
_DEFAULT_FCD_STEP_FRACTION = 0.5


def _time_series_variables(ds: xr.Dataset) -> list[str]:
    return [str(name) for name, da in ds.data_vars.items() if TIME_DIM in da.dims and REGION_DIM in da.dims]


def _leading_dims(ds: xr.Dataset, variables: list[str]) -> list[Hashable]:
    """The ensemble dims of the time-series variables, in order of first appearance."""
    dims: list[Hashable] = []
    for name in variables:
        for dim in ds[name].dims:
            if dim not in (TIME_DIM, REGION_DIM) and dim not in dims:
                dims.append(dim)
    return dims


def _value_labels(ds: xr.Dataset, dim: Hashable) -> list[str]:
    """One unique, short label per position along ``dim`` (its coordinate values, if any)."""
    if dim not in ds.coords:
        return [str(i) for i in range(ds.sizes[dim])]
    labels = []
    for value in ds[dim].values:
        labels.append(f"{value:.4g}" if isinstance(value, (float, np.floating)) else str(value))
    if len(set(labels)) < len(labels):  # rounding made two equal: number them
        labels = [f"{i}: {label}" for i, label in enumerate(labels)]
    return labels


def _region_labels(ds: xr.Dataset) -> list[str]:
    if REGION_DIM in ds.coords:
        return [str(label) for label in ds[REGION_DIM].values]
    return [str(i) for i in range(ds.sizes[REGION_DIM])]


def _float_slider(value: float, low: float, high: float, step: float, description: str) -> widgets.FloatSlider:
    return widgets.FloatSlider(
        value=value,
        min=low,
        max=high,
        step=step,
        description=description,
        readout_format=".6g",
        continuous_update=False,
        style={"description_width": DESCRIPTION_WIDTH},
        layout=widgets.Layout(width="420px"),
    )


class ResultExplorer(ShowsWidget):
    """Controls that select part of a simulation result, wired to plots of it.

    Build it with :func:`explore_result` or ``ds.wb.explore()``; the arguments are the
    same.  Show it by leaving it as the last expression of a notebook cell.

    Attributes
    ----------
    dataset : xarray.Dataset
        The result being explored.
    selection : xarray.DataArray or None
        What the plots show: the chosen variable of the chosen member, restricted to the
        selected regions and time window (dims ``("time", "region")``).  None until a
        valid selection was made.
    fc, fcd : xarray.DataArray or None
        The FC (:func:`wbxr.analysis.fc`) and FCD (:func:`wbxr.analysis.fcd`) of
        :attr:`selection`, as drawn; ``fcd`` is None when the window is too short for
        the FCD window (the status line says so).
    last_error : Exception or None
        Why the last change could not be shown (None when it was).  Errors go to the
        status line and here, never into the widget event loop; the plots keep the last
        valid view.
    variable_dropdown : ipywidgets.Dropdown
        The variable shown (those with ``time`` and ``region`` dims).
    member_sliders : dict of str to ipywidgets.SelectionSlider
        One per leading dimension (``seed``, a swept parameter, ...); the value is the
        position along that dimension, the label its coordinate value.
    region_select : ipywidgets.SelectMultiple
        The regions shown; values are region positions, labels the region names.
    window_slider : ipywidgets.FloatRangeSlider
        The time window ``(start, end)`` in ms (both ends included, to half a sample).
    fcd_window_slider, fcd_step_slider : ipywidgets.FloatSlider
        Length and step of the sliding windows of the FCD, in ms.
    status : ipywidgets.HTML
        What is shown (member, regions, window, FCD windows), or the error.
    widget : ipywidgets.VBox
        The whole user interface.
    figure : matplotlib.figure.Figure
        The figure, created once; changes update its artists in place.
    figure_widget : ipywidgets.DOMWidget
        The ipympl canvas under ``%matplotlib widget``, else an
        :class:`ipywidgets.Image` with the figure as a PNG.
    lines : list of matplotlib.lines.Line2D
        One line per region of the Dataset; only the selected ones are visible.
    fc_image, fcd_image : matplotlib.image.AxesImage
        The FC matrix of the selected regions and the FCD matrix (window centre times in
        ms on both axes); colour scale fixed to [-1, 1].
    """

    def __init__(
        self,
        ds: xr.Dataset | xr.DataArray,
        *,
        var: str | None = None,
        fcd_window: Any = None,
        fcd_step: Any = None,
    ) -> None:
        if isinstance(ds, xr.DataArray):
            ds = ds.to_dataset(name=ds.name if ds.name is not None else "signal")
        if not isinstance(ds, xr.Dataset):
            raise TypeError(f"ds must be an xarray Dataset (or DataArray), got {type(ds).__name__}")
        default = select_variable(ds, var)  # checks var, or that some variable fits
        variables = _time_series_variables(ds)
        if default.name not in variables:
            raise ValueError(
                f"var={var!r} must have {TIME_DIM!r} and {REGION_DIM!r} dims, its dims are {default.dims}; "
                f"variables that have them: {variables}"
            )
        self._sample_ms = sampling_step_ms(default, TIME_DIM, argument="ds")
        self._times = times_ms(default, TIME_DIM)
        span = float(self._times[-1] - self._times[0])
        window_ms = (
            max(2 * self._sample_ms, _DEFAULT_FCD_WINDOW_FRACTION * span)
            if fcd_window is None
            else duration_ms(fcd_window, "fcd_window")
        )
        step_ms = (
            max(self._sample_ms, _DEFAULT_FCD_STEP_FRACTION * window_ms)
            if fcd_step is None
            else duration_ms(fcd_step, "fcd_step")
        )
        if window_ms > span + self._sample_ms:
            raise ValueError(
                f"fcd_window={fcd_window!r} ({window_ms:g} ms) is longer than the result ({span:g} ms)"
            )
        if step_ms > span + self._sample_ms:
            raise ValueError(f"fcd_step={fcd_step!r} ({step_ms:g} ms) is longer than the result ({span:g} ms)")

        self.dataset = ds
        self.selection: xr.DataArray | None = None
        self.fc: xr.DataArray | None = None
        self.fcd: xr.DataArray | None = None
        self.last_error: Exception | None = None
        self._member_cache: tuple[tuple[Any, ...], xr.DataArray] | None = None

        self._build_controls(variables, str(default.name), window_ms, step_ms, span)
        self._build_figure()
        self.widget = widgets.VBox(
            [
                widgets.HBox(
                    [
                        widgets.VBox(
                            [
                                self.variable_dropdown,
                                *self.member_sliders.values(),
                                self.window_slider,
                                self.fcd_window_slider,
                                self.fcd_step_slider,
                            ]
                        ),
                        self.region_select,
                    ]
                ),
                self.status,
                self.figure_widget,
            ]
        )
        for control in self._controls():
            control.observe(self._on_change, names="value")
        self.show()

    # -- construction -------------------------------------------------------------------
    def _build_controls(
        self, variables: list[str], default: str, window_ms: float, step_ms: float, span: float
    ) -> None:
        ds = self.dataset
        style = {"description_width": DESCRIPTION_WIDTH}
        self.variable_dropdown = widgets.Dropdown(
            options=variables, value=default, description="variable", style=style, layout=widgets.Layout(width="300px")
        )
        self.member_sliders: dict[str, widgets.SelectionSlider] = {}
        for dim in _leading_dims(ds, variables):
            options = [(label, i) for i, label in enumerate(_value_labels(ds, dim))]
            self.member_sliders[str(dim)] = widgets.SelectionSlider(
                options=options,
                value=0,
                description=str(dim),
                continuous_update=False,
                style=style,
                layout=widgets.Layout(width="420px"),
            )
        labels = _region_labels(ds)
        self.region_select = widgets.SelectMultiple(
            options=[(label, i) for i, label in enumerate(labels)],
            value=tuple(range(len(labels))),
            description="regions",
            rows=min(10, len(labels)),
            style={"description_width": "60px"},
            layout=widgets.Layout(width="220px"),
        )
        start, end = float(self._times[0]), float(self._times[-1])
        self.window_slider = widgets.FloatRangeSlider(
            value=(start, end),
            min=start,
            max=end,
            step=self._sample_ms,
            description="window [ms]",
            readout_format=".6g",
            continuous_update=False,
            style=style,
            layout=widgets.Layout(width="420px"),
        )
        sample = self._sample_ms
        self.fcd_window_slider = _float_slider(
            window_ms, 2 * sample, max(span, window_ms), sample, "FCD window [ms]"
        )
        self.fcd_step_slider = _float_slider(step_ms, sample, max(span, step_ms), sample, "FCD step [ms]")
        self.status = widgets.HTML("")

    def _build_figure(self) -> None:
        self._view = FigureView(_FIGSIZE, _DPI)
        self.figure: Figure = self._view.figure
        self.figure_widget: widgets.DOMWidget = self._view.widget
        grid = self.figure.add_gridspec(1, 3, width_ratios=(2.0, 1.0, 1.0))
        series, fc_axes, fcd_axes = (self.figure.add_subplot(grid[0, i]) for i in range(3))
        self.lines: list[Line2D] = region_lines(series, _region_labels(self.dataset))
        series.set_xlabel("time [ms]")
        series.set_title("time series", fontsize="medium")
        n = len(self.lines)
        self.fc_image: AxesImage = fc_axes.imshow(
            np.full((n, n), np.nan), vmin=-1.0, vmax=1.0, cmap="RdBu_r", interpolation="nearest"
        )
        self.figure.colorbar(self.fc_image, ax=fc_axes, label="Pearson r", shrink=0.85)
        fc_axes.set_title("FC of the window", fontsize="medium")
        self.fcd_image: AxesImage = fcd_axes.imshow(
            np.full((1, 1), np.nan), vmin=-1.0, vmax=1.0, cmap="RdBu_r", interpolation="nearest"
        )
        self.figure.colorbar(self.fcd_image, ax=fcd_axes, label="FC correlation", shrink=0.85)
        fcd_axes.set_title("FCD", fontsize="medium")
        fcd_axes.set_xlabel("window centre [ms]", fontsize="small")
        self._series_axes = series

    def _controls(self) -> list[widgets.ValueWidget]:
        return [
            self.variable_dropdown,
            *self.member_sliders.values(),
            self.region_select,
            self.window_slider,
            self.fcd_window_slider,
            self.fcd_step_slider,
        ]

    # -- selecting ----------------------------------------------------------------------
    def member(self) -> xr.DataArray:
        """The chosen variable of the chosen ensemble member, loaded: dims ``("time", "region")``."""
        name = self.variable_dropdown.value
        da = self.dataset[name]
        positions = {dim: slider.value for dim, slider in self.member_sliders.items() if dim in da.dims}
        key = (name, *sorted(positions.items()))
        if self._member_cache is None or self._member_cache[0] != key:
            loaded = da.isel(positions).transpose(TIME_DIM, REGION_DIM).compute()
            self._member_cache = (key, loaded)
        return self._member_cache[1]

    def select(self) -> xr.DataArray:
        """The part of :meth:`member` inside the selected regions and time window.

        Raises
        ------
        ValueError
            If no region is selected or the window holds fewer than 2 samples.
        """
        regions = sorted(self.region_select.value)
        if not regions:
            raise ValueError("no region selected: select at least one in the regions list")
        start, end = self.window_slider.value
        half = 0.5 * self._sample_ms
        inside = np.flatnonzero((self._times >= start - half) & (self._times <= end + half))
        if inside.size < 2:
            raise ValueError(
                f"the time window {start:g}-{end:g} ms holds {inside.size} sample(s); "
                "FC needs at least 2: widen the window"
            )
        return self.member().isel({TIME_DIM: inside, REGION_DIM: regions})

    # -- drawing ------------------------------------------------------------------------
    def _on_change(self, change: dict[str, Any]) -> None:
        self.show()

    def show(self) -> xr.DataArray | None:
        """Select with the current control values and update the plots.

        Returns
        -------
        xarray.DataArray or None
            The new :attr:`selection`, or None when the controls select nothing that can
            be shown (the reason is in :attr:`last_error` and the status line).
        """
        try:
            selection = self.select()
            fc_matrix = fc(selection)
        except Exception as error:  # noqa: BLE001 - shown to the user, never raised into the event loop
            self.last_error = error
            self.status.value = error_html(error)
            return None
        fcd_note = ""
        try:
            fcd_matrix: xr.DataArray | None = fcd(
                selection, self.fcd_window_slider.value, self.fcd_step_slider.value
            )
        except ValueError as error:  # window too short for the FCD windows: show FC alone
            fcd_matrix = None
            fcd_note = f' <span style="color:#b00020">(no FCD: {error})</span>'
        self.last_error = None
        self.selection, self.fc, self.fcd = selection, fc_matrix, fcd_matrix
        self._draw()
        self.status.value = self._status_text() + fcd_note
        return selection

    def _draw(self) -> None:
        selection = self.selection
        regions = sorted(self.region_select.value)
        shown = [self.lines[i] for i in regions]
        for line in self.lines:
            line.set_visible(False)
            line.set_data([], [])
        for line in shown:
            line.set_visible(True)
        times = times_ms(selection, TIME_DIM)
        show_time_series(self._series_axes, shown, times, np.asarray(selection.values))
        ylabel = data_label(selection)
        self._series_axes.set_ylabel(ylabel)
        labels = [self.lines[i].get_label() for i in regions]
        show_matrix(self.fc_image, self.fc.values)
        region_ticks(self.fc_image.axes, labels)
        if self.fcd is None:
            self.fcd_image.set_data(np.full((1, 1), np.nan))
        else:
            centres = self.fcd["window_i"].values
            half = 0.5 * self.fcd.attrs["step_ms"]
            matrix = self.fcd.values
            self.fcd_image.set_data(matrix)
            extent = (centres[0] - half, centres[-1] + half, centres[-1] + half, centres[0] - half)
            self.fcd_image.set_extent(extent)
            self.fcd_image.axes.set_xlim(extent[0], extent[1])
            self.fcd_image.axes.set_ylim(extent[2], extent[3])
        self._view.redraw(
            layout_key=(
                ylabel,
                tuple(labels),
                tick_layout_key(self._series_axes),
                tick_layout_key(self.fcd_image.axes),
            )
        )

    def _status_text(self) -> str:
        selection = self.selection
        parts = [f"{self.variable_dropdown.value}"]
        for dim, slider in self.member_sliders.items():
            parts.append(f"{dim} = {slider.label}")
        times = times_ms(selection, TIME_DIM)
        parts.append(f"{selection.sizes[REGION_DIM]} of {len(self.lines)} regions")
        parts.append(f"{times[0]:g}-{times[-1]:g} ms ({selection.sizes[TIME_DIM]} samples)")
        if self.fcd is not None:
            attrs = self.fcd.attrs
            parts.append(
                f"FCD: {self.fcd.sizes['window_i']} windows of {attrs['window_ms']:g} ms "
                f"every {attrs['step_ms']:g} ms"
            )
        return " · ".join(parts)

    # -- clean-up -----------------------------------------------------------------------
    def close(self) -> None:
        """Close the widgets and the figure (the explorer stops responding)."""
        for control in self._controls():
            control.unobserve(self._on_change, names="value")
        self._view.close()
        self.widget.close()

    def __repr__(self) -> str:
        dims = ", ".join(f"{dim}: {size}" for dim, size in self.dataset.sizes.items())
        return f"ResultExplorer(<Dataset ({dims})>)"


def explore_result(
    ds: xr.Dataset | xr.DataArray,
    *,
    var: str | None = None,
    fcd_window: Any = None,
    fcd_step: Any = None,
) -> ResultExplorer:
    """Explore a simulation result interactively: regions, time window, FC and FCD.

    Shows the time series of the selected regions in the selected time window, their
    FC (:func:`wbxr.analysis.fc`) and the FCD matrix of the window
    (:func:`wbxr.analysis.fcd`).  An ensemble result gets one slider per leading
    dimension (``seed``, swept parameters) to pick the member shown.  Leave the returned
    :class:`ResultExplorer` as the last expression of a notebook cell to display it.

    Parameters
    ----------
    ds
        A simulation result with dims ``(..., "time", "region")`` and a ``time``
        coordinate (ms, or ``units="s"``), as returned by :func:`wbxr.simulate` or
        :func:`wbxr.ensemble`; a DataArray is explored as a one-variable Dataset.
    var
        The variable shown first (default: as :func:`wbxr.analysis.select_variable`,
        the coupled variable if recorded).
    fcd_window, fcd_step
        Length and step of the FCD's sliding windows (quantities or numbers in ms);
        default: a fifth of the series and half the window.  Adjustable in the explorer.

    Returns
    -------
    ResultExplorer
        Holds the controls, ``.selection``, ``.fc``, ``.fcd``, ``.figure`` and ``.widget``.

    Raises
    ------
    TypeError
        If ``ds`` is not an xarray Dataset or DataArray.
    ValueError
        If no variable has ``time`` and ``region`` dims (or ``var`` is not one), the time
        coordinate is missing or uneven, or ``fcd_window``/``fcd_step`` is not a positive
        duration no longer than the series.

    Examples
    --------
    >>> import wbxr
    >>> net = wbxr.Network(wbxr.models.Hopf(a=0.2, w=0.3), wbxr.load_dataset("example_connectome"), k=0.5)
    >>> ds = wbxr.simulate(net, duration=200.0, dt=0.1, sample_every=1.0, seed=0)
    >>> ex = explore_result(ds, fcd_window=40.0, fcd_step=20.0)   # or ds.wb.explore(...)
    >>> ex.region_select.value = (0, 1, 2)
    >>> ex.window_slider.value = (50.0, 150.0)
    >>> dict(ex.selection.sizes), ex.fc.shape, ex.fcd.shape
    ({'time': 101, 'region': 3}, (3, 3), (4, 4))
    """
    return ResultExplorer(ds, var=var, fcd_window=fcd_window, fcd_step=fcd_step)
