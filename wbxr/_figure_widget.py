"""What the interactive explorers share: a figure created once and shown in a widget,
and the helpers that draw into its existing artists.

Both :class:`wbxr.widgets.Explorer` (a network, simulated on every change) and
:class:`wbxr.result_explorer.ResultExplorer` (a finished result, browsed) build their
figure once with :class:`FigureView` and then only change its artists' data.
"""

from __future__ import annotations

import html
import io
from collections.abc import Hashable, Sequence
from typing import Any

import ipywidgets as widgets
import matplotlib
import matplotlib.image
import numpy as np
import xarray as xr
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.image import AxesImage
from matplotlib.lines import Line2D
from matplotlib.ticker import MaxNLocator, ScalarFormatter

#: Width of the control descriptions, so that the controls line up.
DESCRIPTION_WIDTH = "120px"
#: Most regions for which tick labels and a legend are drawn.
MAX_LABELLED_REGIONS = 16
MAX_LEGEND_ENTRIES = 8


def ipympl_active() -> bool:
    """Whether matplotlib's current backend is ipympl (``%matplotlib widget``)."""
    backend = str(matplotlib.get_backend()).lower()
    return "ipympl" in backend or backend == "widget"


class FigureView:
    """A matplotlib figure, created once, and the widget that shows it.

    Under ipympl (``%matplotlib widget``) the widget is the figure's own canvas;
    otherwise the figure is drawn with Agg and :meth:`redraw` sends it to an
    :class:`ipywidgets.Image` as a PNG.

    Attributes
    ----------
    figure : matplotlib.figure.Figure
        The figure (constrained layout).
    widget : ipywidgets.DOMWidget
        The ipympl canvas, or the :class:`ipywidgets.Image` holding the PNG.
    as_png : bool
        True when the figure is shown as a PNG.
    """

    def __init__(self, figsize: tuple[float, float], dpi: int) -> None:
        self.as_png = not ipympl_active()
        if self.as_png:
            figure = Figure(figsize=figsize, dpi=dpi, layout="constrained")
            FigureCanvasAgg(figure)
            self.widget: widgets.DOMWidget = widgets.Image(format="png", layout=widgets.Layout(max_width="100%"))
        else:
            import matplotlib.pyplot as plt

            with plt.ioff():
                figure = plt.figure(figsize=figsize, layout="constrained")
            self.widget = figure.canvas
        self.figure: Figure = figure
        self._laid_out = False
        self._layout_key: Hashable = None

    def redraw(self, layout_key: Hashable = None) -> None:
        """Draw the figure's current artists where the user sees them.

        The constrained layout (margins fitted to the labels) takes half the time of a
        draw, so it is computed at the first draw and again only when ``layout_key``
        differs from the previous call's: pass something that changes whenever labels
        or tick labels change size (see :func:`tick_layout_key`).
        """
        figure = self.figure
        if not self._laid_out or layout_key != self._layout_key:
            figure.set_layout_engine("constrained")
            figure.get_layout_engine().execute(figure)
            figure.set_layout_engine("none")  # keep the positions just computed
            self._laid_out, self._layout_key = True, layout_key
        figure.canvas.draw_idle()
        if self.as_png:
            # Agg: draw_idle() has drawn the figure; send its pixels to the browser.
            buffer = io.BytesIO()
            pixels = np.asarray(figure.canvas.buffer_rgba())
            matplotlib.image.imsave(buffer, pixels, format="png", pil_kwargs={"compress_level": 1})
            self.widget.value = buffer.getvalue()

    def close(self) -> None:
        """Release the figure (pyplot keeps a reference to an ipympl figure)."""
        if not self.as_png:
            import matplotlib.pyplot as plt

            plt.close(self.figure)


def data_label(da: xr.DataArray) -> str:
    """``long_name [units]`` of a variable (the name if it has no ``long_name``)."""
    long_name = da.attrs.get("long_name") or str(da.name)
    units = da.attrs.get("units")
    return f"{long_name} [{units}]" if units and units != "1" else str(long_name)


def region_ticks(ax: Axes, labels: Sequence[str]) -> None:
    """Label the rows and columns of a region-by-region image (none when there are many)."""
    if len(labels) > MAX_LABELLED_REGIONS:
        for axis in (ax.xaxis, ax.yaxis):  # region numbers instead of labels
            axis.set_major_locator(MaxNLocator(integer=True))
            axis.set_major_formatter(ScalarFormatter())
        return
    ticks = np.arange(len(labels))
    ax.set_xticks(ticks, labels, rotation=90, fontsize="x-small")
    ax.set_yticks(ticks, labels, fontsize="x-small")


def region_lines(ax: Axes, labels: Sequence[str]) -> list[Line2D]:
    """One empty line per region, with a legend outside the axes for a few regions."""
    lines = [ax.plot([], [], linewidth=0.8, label=label)[0] for label in labels]
    if len(labels) <= MAX_LEGEND_ENTRIES:
        ax.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0), fontsize="xx-small", frameon=False)
    return lines


def show_time_series(ax: Axes, lines: Sequence[Line2D], times: np.ndarray, values: np.ndarray) -> None:
    """Put column ``c`` of ``values`` (time, line) into ``lines[c]`` and fit the axes to them."""
    for column, line in enumerate(lines):
        line.set_data(times, values[:, column])
    if times.size > 1:
        ax.set_xlim(times[0], times[-1])
    finite = values[np.isfinite(values)]
    if finite.size:
        low, high = float(np.min(finite)), float(np.max(finite))
        pad = 0.05 * (high - low) if high > low else max(1e-6, 0.05 * abs(high))
        ax.set_ylim(low - pad, high + pad)


def tick_layout_key(ax: Axes) -> tuple[float, float]:
    """What decides the width of the y tick labels of ``ax``: the sign and decade of its limits."""
    low, high = ax.get_ylim()
    magnitude = max(abs(low), abs(high), 1e-300)
    return (float(np.sign(low)), float(np.floor(np.log10(magnitude))))


def show_matrix(image: AxesImage, matrix: np.ndarray) -> None:
    """Show ``matrix`` in an existing image, one cell per entry, whatever its new shape."""
    rows, cols = matrix.shape
    image.set_data(matrix)
    image.set_extent((-0.5, cols - 0.5, rows - 0.5, -0.5))


def error_html(error: Exception) -> str:
    """An error as a red status line: its type and message."""
    return f'<span style="color:#b00020"><b>{type(error).__name__}</b>: {html.escape(str(error))}</span>'


class ShowsWidget:
    """Mixin: an object with a ``widget`` attribute displays as that widget in Jupyter."""

    widget: widgets.Widget

    def _repr_mimebundle_(self, **kwargs: Any) -> dict[str, Any] | None:
        return self.widget._repr_mimebundle_(**kwargs)

    def _ipython_display_(self) -> None:
        from IPython.display import display

        display(self.widget)
