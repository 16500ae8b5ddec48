"""Interactive explorers for Jupyter: move a slider, the network runs again, the plots follow.

:func:`explore` builds an :class:`Explorer` for a :class:`wbxr.Network`: sliders for the
global coupling ``k``, the conduction speed, every scalar model parameter and every noise
intensity, a seed box, a choice of the state variable to show, and three panels — the
activity of every region, its functional connectivity (FC) and the structural weights.
(To browse a finished result instead — regions, time window, FC and FCD, ensemble
members — see ``ds.wb.explore()`` in :mod:`wbxr.result_explorer`.)

Each change rebuilds the network with :meth:`wbxr.Network.replace` and
:meth:`~wbxr.models.base.NodeModel.replace`, runs :func:`wbxr.simulate` and updates the
existing figure in place (``set_data`` on its lines and images, never a new figure).

Recompilation: ``k``, model parameters, noise intensities and the seed are traced inputs
of the compiled simulation, so changing them reuses it and a run takes milliseconds.
Changing the conduction speed changes the delays in steps, which fix the shape of the
compiled program (its history buffer and step blocks); the first run at a new speed
therefore compiles again (about a second), later runs at that speed are fast again.

The figure is the ipympl canvas widget when matplotlib's ``widget`` (ipympl) backend is
active (``%matplotlib widget``); otherwise the same figure is drawn with Agg and shown as
a PNG in an :class:`ipywidgets.Image` that each update replaces.
"""

from __future__ import annotations

import dataclasses
import html
import math
import time
from collections.abc import Sequence
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
    show_time_series,
    tick_layout_key,
)
from .analysis import fc
from .models.base import ParameterInfo, parameter_fields
from .network import Network
from .simulate import simulate

__all__ = ["Explorer", "explore"]

#: Size of the figure (inches) and its resolution when shown as a PNG.
_FIGSIZE = (12.0, 3.6)
_DPI = 90


def _nice_step(low: float, high: float) -> float:
    """A round slider step giving about 100-1000 positions between ``low`` and ``high``."""
    span = high - low
    if not math.isfinite(span) or span <= 0:
        return 0.01
    return 10.0 ** math.floor(math.log10(span / 100.0))


def _slider(value: float, low: float, high: float, description: str, tooltip: str) -> widgets.FloatSlider:
    low, high = min(low, value), max(high, value)
    return widgets.FloatSlider(
        value=value,
        min=low,
        max=high,
        step=_nice_step(low, high),
        description=description,
        tooltip=tooltip,
        readout_format=".4g",
        continuous_update=False,
        style={"description_width": DESCRIPTION_WIDTH},
        layout=widgets.Layout(width="360px"),
    )


def _is_scalar(value: Any) -> bool:
    return np.ndim(value) == 0


class Explorer(ShowsWidget):
    """Sliders for a network's parameters wired to live plots of its simulation.

    Build it with :func:`explore`; the arguments are the same.  Show it by leaving it as
    the last expression of a notebook cell (or ``IPython.display.display(explorer)``).

    Attributes
    ----------
    network : Network
        The network built from the current control values (by the last run attempt).
    result : xarray.Dataset or None
        The last successful simulation (None if none succeeded yet).
    last_error : Exception or None
        The error of the last run, None after a successful run.  Errors are shown in the
        status line and kept here; they are never raised into the widget event loop.
    widget : ipywidgets.VBox
        The whole user interface (controls, status line, figure).
    figure : matplotlib.figure.Figure
        The figure, created once; updates change its artists in place.
    figure_widget : ipywidgets.DOMWidget
        What shows the figure: the ipympl canvas under ``%matplotlib widget``, otherwise
        an :class:`ipywidgets.Image` holding the figure drawn as a PNG.
    lines : list of matplotlib.lines.Line2D
        One line per region in the activity panel.
    fc_image, weights_image : matplotlib.image.AxesImage
        The FC matrix (colour scale fixed to [-1, 1]) and the structural weights.
    k_slider, speed_slider : ipywidgets.FloatSlider
        Global coupling and conduction speed (mm/ms); ``speed_slider`` is None for a
        network without delays.
    parameter_sliders : dict of str to ipywidgets.FloatSlider
        One slider per scalar model parameter (per-region parameters stay fixed; the
        ``fixed_label`` says which).
    noise_sliders : dict of str to ipywidgets.FloatSlider
        The ``sigma`` of each noise process, keyed by its state variable.
    variable_dropdown : ipywidgets.Dropdown
        The state variable shown (switching it redraws without running again).
    seed_text : ipywidgets.IntText
        The seed of the simulation.
    auto_checkbox : ipywidgets.Checkbox
        Run on every change (default); when off, only ``run_button`` runs.
    run_button : ipywidgets.Button
        Runs with the current values.
    status : ipywidgets.HTML
        What the last run did: simulated time and wall time, or the error.
    """

    def __init__(
        self,
        net: Network,
        *,
        duration: Any = 1000.0,
        dt: Any = 0.1,
        sample_every: Any = 1.0,
        transient: Any = 0.0,
        monitors: Sequence[str] | None = None,
        seed: int = 0,
        method: str = "euler",
    ) -> None:
        if not isinstance(net, Network):
            raise TypeError(f"net must be a wbxr.Network, got {net!r}")
        model = net.model
        if monitors is None:
            variables = list(model.state_variables)
        elif isinstance(monitors, str):
            variables = [monitors]
        else:
            variables = list(monitors)
        unknown = [v for v in variables if v not in model.state_variables]
        if not variables or unknown:
            raise ValueError(
                f"monitors={monitors!r} must name state variables of {type(model).__name__}; "
                f"expected some of {list(model.state_variables)}"
            )
        self._base = net
        self._options = {
            "duration": duration,
            "dt": dt,
            "sample_every": sample_every,
            "transient": transient,
            "monitors": variables,
            "method": method,
        }
        self.network: Network = net
        self.result: xr.Dataset | None = None
        self.last_error: Exception | None = None
        self._stale = False
        self._wall_time = 0.0

        self._build_controls(net, variables, seed)
        self._build_figure(net)
        self.widget = self._layout()
        self._connect()
        self.run()

    # -- construction -------------------------------------------------------------------
    def _build_controls(self, net: Network, variables: list[str], seed: int) -> None:
        model = net.model
        self.k_slider = _slider(
            net.k, min(0.0, net.k), max(2.0, 4.0 * abs(net.k)), "k", "global coupling strength"
        )
        self.speed_slider: widgets.FloatSlider | None = None
        if net.speed is not None and net.distances is not None:
            self.speed_slider = _slider(
                net.speed,
                min(1.0, net.speed),
                max(20.0, 4.0 * net.speed),
                "speed [mm/ms]",
                "conduction speed; a new speed changes the delays and compiles once",
            )
        self.parameter_sliders: dict[str, widgets.FloatSlider] = {}
        fixed = []
        for field in parameter_fields(type(model)):
            value = getattr(model, field.name)
            if not _is_scalar(value):
                fixed.append(field.name)
                continue
            value = float(value)
            info: ParameterInfo = field.metadata["wbxr"]
            low, high = info.range if info.range is not None else (min(0.0, 2 * value), max(1.0, 2 * abs(value)))
            unit = "" if info.unit == "1" else f" [{info.unit}]"
            self.parameter_sliders[field.name] = _slider(
                value, low, high, f"{field.name}{unit}", info.description or field.name
            )
        self.noise_sliders: dict[str, widgets.FloatSlider] = {}
        for var, process in model.noise.items():
            if not _is_scalar(process.sigma):
                fixed.append(f"noise sigma of {var}")
                continue
            sigma = float(process.sigma)
            self.noise_sliders[var] = _slider(
                sigma,
                0.0,
                max(1.0, 4.0 * sigma),
                f"σ {var} ({type(process).__name__})",
                f"intensity of the {type(process).__name__} noise on {var}",
            )
        self.fixed_label = widgets.HTML(
            f"<small>per-region values kept fixed: {html.escape(', '.join(fixed))}</small>"
            if fixed
            else ""
        )
        default_variable = net.coupled_var if net.coupled_var in variables else variables[0]
        self.variable_dropdown = widgets.Dropdown(
            options=variables,
            value=default_variable,
            description="show",
            style={"description_width": DESCRIPTION_WIDTH},
            layout=widgets.Layout(width="260px"),
        )
        self.seed_text = widgets.IntText(
            value=seed,
            description="seed",
            style={"description_width": DESCRIPTION_WIDTH},
            layout=widgets.Layout(width="260px"),
        )
        self.auto_checkbox = widgets.Checkbox(value=True, description="run on every change", indent=False)
        self.run_button = widgets.Button(description="Run", button_style="primary", icon="play")
        self.status = widgets.HTML("")

    def _build_figure(self, net: Network) -> None:
        n = net.n_regions
        labels = net.labels
        self._view = FigureView(_FIGSIZE, _DPI)
        self.figure: Figure = self._view.figure
        self.figure_widget: widgets.DOMWidget = self._view.widget
        figure = self.figure
        grid = figure.add_gridspec(1, 3, width_ratios=(2.0, 1.0, 1.0))
        activity, fc_axes, weights_axes = (figure.add_subplot(grid[0, i]) for i in range(3))
        self.lines: list[Line2D] = region_lines(activity, labels)
        activity.set_xlabel("time [ms]")
        activity.set_title("activity", fontsize="medium")
        self.fc_image: AxesImage = fc_axes.imshow(
            np.full((n, n), np.nan), vmin=-1.0, vmax=1.0, cmap="RdBu_r", interpolation="nearest"
        )
        figure.colorbar(self.fc_image, ax=fc_axes, label="Pearson r", shrink=0.85)
        fc_axes.set_title("functional connectivity", fontsize="medium")
        self.weights_image: AxesImage = weights_axes.imshow(
            net.weights, cmap="viridis", interpolation="nearest"
        )
        figure.colorbar(self.weights_image, ax=weights_axes, label="weight", shrink=0.85)
        weights_axes.set_title("structural weights", fontsize="medium")
        weights_axes.set_xlabel("source", fontsize="small")
        weights_axes.set_ylabel("target", fontsize="small")
        for ax in (fc_axes, weights_axes):
            region_ticks(ax, labels)
        self._activity_axes = activity

    def _layout(self) -> widgets.VBox:
        network_controls = [self.k_slider]
        if self.speed_slider is not None:
            network_controls.append(self.speed_slider)
        left = widgets.VBox(
            [widgets.HTML("<b>network</b>"), *network_controls,
             widgets.HTML("<b>model</b>"), *self.parameter_sliders.values(), self.fixed_label]
        )
        right_children: list[widgets.Widget] = []
        if self.noise_sliders:
            right_children += [widgets.HTML("<b>noise</b>"), *self.noise_sliders.values()]
        right_children += [
            widgets.HTML("<b>run</b>"),
            self.variable_dropdown,
            self.seed_text,
            widgets.HBox([self.auto_checkbox, self.run_button]),
        ]
        right = widgets.VBox(right_children)
        return widgets.VBox([widgets.HBox([left, right]), self.status, self.figure_widget])

    def _connect(self) -> None:
        for control in self._run_controls():
            control.observe(self._on_change, names="value")
        self.variable_dropdown.observe(self._on_variable, names="value")
        self.auto_checkbox.observe(self._on_auto, names="value")
        self.run_button.on_click(self._on_button)

    def _run_controls(self) -> list[widgets.ValueWidget]:
        controls: list[widgets.ValueWidget] = [self.k_slider]
        if self.speed_slider is not None:
            controls.append(self.speed_slider)
        return [*controls, *self.parameter_sliders.values(), *self.noise_sliders.values(), self.seed_text]

    # -- callbacks ----------------------------------------------------------------------
    def _on_change(self, change: dict[str, Any]) -> None:
        if self.auto_checkbox.value:
            self.run()
        else:
            self._stale = True
            self.status.value = self._status_text() + " <i>(values changed: press Run)</i>"

    def _on_variable(self, change: dict[str, Any]) -> None:
        self._show()

    def _on_auto(self, change: dict[str, Any]) -> None:
        if change["new"] and self._stale:
            self.run()

    def _on_button(self, button: widgets.Button) -> None:
        self.run()

    # -- running and drawing ------------------------------------------------------------
    def network_from_controls(self) -> Network:
        """The network with the current values of the sliders.

        Raises
        ------
        ValueError, TypeError
            If a value is not accepted by the model, the noise process or the network.
        """
        base = self._base
        model = base.model
        changes: dict[str, Any] = {name: slider.value for name, slider in self.parameter_sliders.items()}
        if self.noise_sliders:
            noise = dict(model.noise)
            for var, slider in self.noise_sliders.items():
                noise[var] = dataclasses.replace(noise[var], sigma=slider.value)
            changes["noise"] = noise
        net_changes: dict[str, Any] = {"model": model.replace(**changes), "k": self.k_slider.value}
        if self.speed_slider is not None:
            net_changes["speed"] = self.speed_slider.value
        return base.replace(**net_changes)

    def run(self) -> xr.Dataset | None:
        """Simulate with the current control values and update the plots.

        Returns
        -------
        xarray.Dataset or None
            The new :attr:`result`, or None if building the network or the simulation
            failed; the error is then in :attr:`last_error` and the status line, and the
            plots keep showing the previous result.
        """
        self._stale = False
        try:
            self.network = self.network_from_controls()
            start = time.perf_counter()
            result = simulate(self.network, seed=self.seed_text.value, **self._options)
            self._wall_time = time.perf_counter() - start
        except Exception as error:  # noqa: BLE001 - shown to the user, never raised into the event loop
            self.last_error = error
            self.status.value = error_html(error)
            return None
        self.last_error = None
        self.result = result
        self.status.value = self._status_text()
        self._show()
        return result

    def _status_text(self) -> str:
        if self.result is None:
            return ""
        attrs = self.result.attrs
        return (
            f"{attrs['model']} network, k = {attrs['k']:.4g}, seed {attrs['seed']}: "
            f"simulated {attrs['duration']:g} ms in {self._wall_time:.3f} s wall time"
        )

    def _show(self) -> None:
        """Draw the selected variable of :attr:`result` into the existing artists."""
        if self.result is None:
            return
        da = self.result[self.variable_dropdown.value]
        values = np.asarray(da.transpose("time", "region").values)
        show_time_series(self._activity_axes, self.lines, da["time"].values, values)
        label = data_label(da)
        self._activity_axes.set_ylabel(label)
        if da.sizes["time"] >= 2:
            self.fc_image.set_data(fc(da).values)
        else:
            self.fc_image.set_data(np.full(self.fc_image.get_array().shape, np.nan))
        self._view.redraw(layout_key=(label, tick_layout_key(self._activity_axes)))

    # -- display and clean-up -----------------------------------------------------------
    def close(self) -> None:
        """Close the widgets and the figure (the explorer stops responding)."""
        for control in self._run_controls():
            control.unobserve(self._on_change, names="value")
        self._view.close()
        self.widget.close()

    def __repr__(self) -> str:
        return f"Explorer({self.network!r})"


def explore(
    net: Network,
    *,
    duration: Any = 1000.0,
    dt: Any = 0.1,
    sample_every: Any = 1.0,
    transient: Any = 0.0,
    monitors: Sequence[str] | None = None,
    seed: int = 0,
    method: str = "euler",
) -> Explorer:
    """Explore a network interactively: sliders for its parameters, live plots of its activity.

    Builds the controls (``k``; the conduction speed if the network has delays; every
    scalar model parameter, over the range given in its metadata; the ``sigma`` of every
    noise process; the seed; the variable to show; a "run on every change" box and a Run
    button), runs the network once and shows the activity of every region, its FC and
    the structural weights.  Leave the returned :class:`Explorer` as the last expression
    of a notebook cell to display it.

    Changing ``k``, a model parameter, a noise intensity or the seed reuses the compiled
    simulation (milliseconds per run); changing the speed changes the delays in steps and
    compiles once per new speed.

    Parameters
    ----------
    net
        The :class:`wbxr.Network` to start from.
    duration, dt, sample_every, transient
        As in :func:`wbxr.simulate` (quantities, or numbers in ms); fixed for the
        explorer's lifetime.
    monitors
        State variables to record and offer in the "show" menu (default: all).
    seed
        Initial seed (editable in the explorer).
    method
        Integration method, as in :func:`wbxr.simulate`.

    Returns
    -------
    Explorer
        Holds ``.network``, ``.result``, ``.widget``, ``.figure`` and the controls.

    Raises
    ------
    TypeError
        If ``net`` is not a :class:`wbxr.Network`.
    ValueError
        If ``monitors`` names something that is not a state variable.

    Examples
    --------
    >>> import brainunit as u
    >>> import wbxr
    >>> from wbxr.widgets import explore
    >>> net = wbxr.Network(wbxr.models.Hopf(a=0.2, w=0.3), wbxr.load_dataset("example_connectome"),
    ...                    speed=10 * u.mm / u.ms, k=0.5)
    >>> ex = explore(net, duration=50.0)
    >>> type(ex.widget).__name__, dict(ex.result.sizes)
    ('VBox', {'time': 50, 'region': 8})
    >>> ex.k_slider.value = 0.1                     # runs again, same compiled program
    >>> ex.result.attrs["k"], ex.network.k
    (0.1, 0.1)
    """
    return Explorer(
        net,
        duration=duration,
        dt=dt,
        sample_every=sample_every,
        transient=transient,
        monitors=monitors,
        seed=seed,
        method=method,
    )
