"""Figures of connectomes, simulated time series, functional connectivity (and its
dynamics), power spectra and BOLD signals.

Every function draws with matplotlib/seaborn into the ``ax`` it is given (or a new
figure when ``ax`` is None), returns the Axes (or an array of Axes) and never calls
``plt.show()``.  Axis and colour-bar labels are written as ``long_name [units]`` from
the xarray attrs when they are there.

Plots show a single simulation: an ensemble (extra dims such as ``seed`` or ``k``)
raises a ValueError asking to select one member first, e.g. ``data.isel(seed=0)``.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import matplotlib.collections
import matplotlib.colors
import matplotlib.lines
import matplotlib.pyplot as plt
import numpy as np
import seaborn as sns
import xarray as xr
from matplotlib.axes import Axes

from wbxr.analysis import bold, fc, fcd, psd, select_variable

_CONNECTOME_DIMS = ("target", "source")
_FC_DIMS = ("region_i", "region_j")
_FCD_DIMS = ("window_i", "window_j")
_PSD_DIMS = ("frequency", "region")
_TIMESERIES_DIMS = ("time", "region")
_MAX_LEGEND_ENTRIES = 16


def _label_from_attrs(obj: Any, default: str | None = None) -> str | None:
    """``"long_name [units]"`` from ``obj.attrs`` (no brackets for dimensionless ``"1"``).

    Falls back to the object's name, then ``default``.
    """
    attrs = getattr(obj, "attrs", {})
    long_name = attrs.get("long_name") or getattr(obj, "name", None) or default
    if long_name is None:
        return None
    units = attrs.get("units")
    return f"{long_name} [{units}]" if units and units != "1" else str(long_name)


def _require_single_member(da: xr.DataArray, expected_dims: Sequence[str], argument: str) -> None:
    """Raise a ValueError naming the dims beyond ``expected_dims`` (an ensemble)."""
    extra = tuple(d for d in da.dims if d not in expected_dims)
    if extra:
        example = ", ".join(f"{d}=0" for d in extra)
        raise ValueError(
            f"{argument} has extra dims {extra} besides {tuple(expected_dims)}; plots show "
            f"one simulation, so select one member first, e.g. {argument}.isel({example})"
        )
    missing = tuple(d for d in expected_dims if d not in da.dims)
    if missing:
        raise ValueError(f"{argument} must have dims {tuple(expected_dims)}; it has {da.dims}")


def _new_axes_if_none(ax: Axes | None, figsize: tuple[float, float]) -> Axes:
    if ax is None:
        _, ax = plt.subplots(figsize=figsize)
    return ax


def _check_labels(labels: Sequence[Any], n: int, argument: str = "labels") -> list[str]:
    labels = [str(label) for label in labels]
    if len(labels) != n:
        raise ValueError(f"{argument} has {len(labels)} entries, expected one per region ({n})")
    return labels


def _heatmap(
    values: np.ndarray,
    labels: Sequence[str],
    ax: Axes | None,
    *,
    cmap: str,
    cbar_label: str | None,
    xlabel: str,
    ylabel: str,
    title: str | None = None,
    vmin: float | None = None,
    vmax: float | None = None,
    center: float | None = None,
) -> Axes:
    ax = _new_axes_if_none(ax, (6.0, 5.0))
    sns.heatmap(
        values,
        ax=ax,
        cmap=cmap,
        vmin=vmin,
        vmax=vmax,
        center=center,
        square=True,
        xticklabels=list(labels),
        yticklabels=list(labels),
        cbar_kws={"label": cbar_label} if cbar_label else {},
    )
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    if title is not None:
        ax.set_title(title)
    return ax


def plot_connectivity(
    matrix: np.ndarray | xr.DataArray | xr.Dataset,
    labels: Sequence[Any] | None = None,
    ax: Axes | None = None,
    *,
    title: str | None = None,
    cmap: str = "viridis",
    cbar_label: str | None = None,
) -> Axes:
    """Draw a square matrix (e.g. connectome weights, W[i, j] = weight of j -> i) as a heatmap.

    Parameters
    ----------
    matrix
        A square ``(N, N)`` array, a 2-D DataArray, or a connectome Dataset (its
        ``weights`` are drawn).  A DataArray supplies the tick labels from the
        coordinates of its two dims, the axis labels from the dim names
        (``"source"`` on x and ``"target"`` on y for a connectome), and the colour-bar
        label from its ``long_name [units]`` attrs.  A plain array is taken to be a
        connectome: x is labelled ``"source"``, y ``"target"``.
    labels
        Region labels for both axes; overrides the DataArray's coordinates.
    ax
        Axes to draw into; a new figure is created when None.
    title
        Axes title.
    cmap
        Matplotlib colour map name.
    cbar_label
        Colour-bar label; overrides the one taken from the attrs.

    Returns
    -------
    matplotlib.axes.Axes

    Raises
    ------
    ValueError
        If the matrix is not 2-D and square (an ensemble must be reduced to one
        member first), or ``labels`` does not have one entry per row.
    TypeError
        If a Dataset has no ``weights`` variable.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> import numpy as np
    >>> import xarray as xr
    >>> regions = ["A", "B", "C"]
    >>> weights = xr.DataArray(
    ...     np.array([[0.0, 1.0, 0.5], [1.0, 0.0, 0.2], [0.5, 0.2, 0.0]]),
    ...     dims=("target", "source"),
    ...     coords={"target": regions, "source": regions},
    ...     attrs={"long_name": "coupling weight", "units": "1"},
    ... )
    >>> ax = plot_connectivity(weights)
    >>> ax.get_xlabel(), ax.get_ylabel()
    ('source', 'target')
    >>> [tick.get_text() for tick in ax.get_xticklabels()]
    ['A', 'B', 'C']
    >>> ax.collections[0].colorbar.ax.get_ylabel()
    'coupling weight'
    """
    if isinstance(matrix, xr.Dataset):
        if "weights" not in matrix.data_vars:
            raise TypeError(
                "matrix is a Dataset without a 'weights' variable; pass a DataArray or "
                f"array instead (data variables: {list(matrix.data_vars)})"
            )
        matrix = matrix["weights"]
    if isinstance(matrix, xr.DataArray):
        if matrix.ndim != 2:
            extra = ", ".join(f"{d}=0" for d in matrix.dims[:-2]) or "..."
            raise ValueError(
                f"matrix must be 2-D, got dims {matrix.dims}; select one member first, "
                f"e.g. matrix.isel({extra})"
            )
        y_dim, x_dim = matrix.dims
        if labels is None:
            labels = matrix[y_dim].values if y_dim in matrix.coords else range(matrix.shape[0])
        xlabel, ylabel = str(x_dim), str(y_dim)
        if cbar_label is None:
            cbar_label = _label_from_attrs(matrix)
        values = np.asarray(matrix.values, dtype=float)
    else:
        values = np.asarray(matrix, dtype=float)
        xlabel, ylabel = "source", "target"
    if values.ndim != 2 or values.shape[0] != values.shape[1]:
        raise ValueError(f"matrix must be square (N, N), got shape {values.shape}")
    if labels is None:
        labels = range(values.shape[0])
    labels = _check_labels(labels, values.shape[0])
    return _heatmap(
        values, labels, ax, cmap=cmap, cbar_label=cbar_label, xlabel=xlabel, ylabel=ylabel, title=title
    )


def plot_connectome(conn: xr.Dataset, axes: Sequence[Axes] | np.ndarray | None = None) -> np.ndarray:
    """Draw a connectome's weights and, when present, its tract lengths side by side.

    Parameters
    ----------
    conn
        Connectome Dataset with ``weights`` (and optionally ``distances``), dims
        ``("target", "source")``.
    axes
        One Axes per panel (two with distances, one without); a new figure is created
        when None.

    Returns
    -------
    numpy.ndarray
        The Axes, one per panel: titled ``"structural weights"`` and
        ``"distances (mm)"``.

    Raises
    ------
    TypeError
        If ``conn`` is not a Dataset with a ``weights`` variable.
    ValueError
        If fewer ``axes`` than panels are given, or the matrices are not 2-D.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> import numpy as np
    >>> import xarray as xr
    >>> regions = ["A", "B"]
    >>> dims = ("target", "source")
    >>> conn = xr.Dataset(
    ...     {"weights": (dims, [[0.0, 1.0], [1.0, 0.0]], {"long_name": "coupling weight", "units": "1"}),
    ...      "distances": (dims, [[0.0, 40.0], [40.0, 0.0]], {"long_name": "tract length", "units": "mm"})},
    ...     coords={"target": regions, "source": regions},
    ... )
    >>> [ax.get_title() for ax in plot_connectome(conn)]
    ['structural weights', 'distances (mm)']
    >>> len(plot_connectome(conn.drop_vars("distances")))
    1
    """
    if not isinstance(conn, xr.Dataset) or "weights" not in conn.data_vars:
        raise TypeError(
            "conn must be a connectome xarray.Dataset with a 'weights' variable, "
            f"got {type(conn).__name__}"
            + (f" with data variables {list(conn.data_vars)}" if isinstance(conn, xr.Dataset) else "")
        )
    has_distances = "distances" in conn.data_vars
    n_panels = 2 if has_distances else 1
    if axes is None:
        _, axes_grid = plt.subplots(1, n_panels, figsize=(5.5 * n_panels, 4.5), squeeze=False)
        axes = axes_grid[0]
    else:
        axes = np.atleast_1d(np.asarray(axes, dtype=object)).ravel()
        if len(axes) < n_panels:
            panels = "weights and distances" if has_distances else "weights"
            raise ValueError(f"axes has {len(axes)} Axes, need {n_panels} ({panels})")
    plot_connectivity(conn["weights"], ax=axes[0], title="structural weights", cmap="viridis")
    if has_distances:
        plot_connectivity(conn["distances"], ax=axes[1], title="distances (mm)", cmap="magma")
    return axes


def plot_timeseries(
    data: xr.DataArray | xr.Dataset | np.ndarray,
    ts: np.ndarray | None = None,
    labels: Sequence[Any] | None = None,
    ax: Axes | None = None,
    *,
    var: str | None = None,
    offset: float | None = None,
) -> Axes:
    """Draw one line per region of a simulated time series.

    Parameters
    ----------
    data
        A ``(time, region)`` DataArray (its time coordinate, in ms, goes on the x axis),
        a simulation Dataset (variable chosen by
        :func:`wbxr.analysis.select_variable`), or a plain ``(T, N)`` array.
    ts
        Times in ms for a plain array (default: the sample index).  Not used with
        xarray input, which carries its own time coordinate.
    labels
        One label per region; default: the ``region`` coordinate (or ``0 .. N-1``).
    ax
        Axes to draw into; a new figure is created when None.
    var
        Data variable to plot when ``data`` is a Dataset.
    offset
        Vertical shift between consecutive regions (region ``i`` is drawn at
        ``x_i(t) + i * offset``); None or 0 overlays them.

    Returns
    -------
    matplotlib.axes.Axes
        With one line per region, labelled with the region labels (a legend is
        drawn for at most 16 regions).

    Raises
    ------
    ValueError
        If the data has extra (ensemble) dims, lacks ``time``/``region``, a plain array
        is not 1-D/2-D, ``ts`` or ``labels`` have the wrong length, ``ts`` is given with
        xarray input or ``var`` with non-Dataset input.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> import numpy as np
    >>> import xarray as xr
    >>> t = np.arange(0.0, 10.0, 0.1)
    >>> x = xr.DataArray(
    ...     np.stack([np.sin(t), np.cos(t)], axis=1),
    ...     dims=("time", "region"),
    ...     coords={"time": ("time", t, {"long_name": "time", "units": "ms"}), "region": ["A", "B"]},
    ...     name="x",
    ...     attrs={"long_name": "x", "units": "1"},
    ... )
    >>> ax = plot_timeseries(x)
    >>> ax.get_xlabel(), ax.get_ylabel()
    ('time [ms]', 'x')
    >>> [line.get_label() for line in ax.get_lines()]
    ['A', 'B']
    """
    if var is not None and not isinstance(data, xr.Dataset):
        raise ValueError(f"var={var!r} is only used with a Dataset; got {type(data).__name__}")
    if isinstance(data, xr.Dataset):
        data = select_variable(data, var)
    if isinstance(data, xr.DataArray):
        if ts is not None:
            raise ValueError("ts is only used with a plain array; a DataArray carries its own time coordinate")
        _require_single_member(data, _TIMESERIES_DIMS, "data")
        data = data.transpose(*_TIMESERIES_DIMS)
        values = np.asarray(data.values, dtype=float)
        if "time" in data.coords:
            times = np.asarray(data["time"].values)
            xlabel = _label_from_attrs(data["time"], "time")
        else:
            times = np.arange(values.shape[0])
            xlabel = "time step"
        ylabel = _label_from_attrs(data) or ""
        if labels is None and "region" in data.coords:
            labels = data["region"].values
    else:
        values = np.asarray(data, dtype=float)
        if values.ndim == 1:
            values = values[:, None]
        if values.ndim != 2:
            raise ValueError(f"data must be a (T, N) array, got shape {values.shape}")
        if ts is None:
            times = np.arange(values.shape[0])
            xlabel = "time step"
        else:
            times = np.asarray(ts, dtype=float).ravel()
            if times.shape[0] != values.shape[0]:
                raise ValueError(
                    f"ts has {times.shape[0]} samples but data has {values.shape[0]} time steps"
                )
            xlabel = "time [ms]"
        ylabel = ""
    n_regions = values.shape[1]
    labels = _check_labels(range(n_regions) if labels is None else labels, n_regions)
    step = 0.0 if offset is None else float(offset)

    ax = _new_axes_if_none(ax, (8.0, 4.0))
    for i, label in enumerate(labels):
        ax.plot(times, values[:, i] + i * step, label=label, linewidth=1.0)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    if n_regions <= _MAX_LEGEND_ENTRIES:
        ax.legend(loc="upper right", fontsize="small")
    return ax


def _looks_like_fc_matrix(values: np.ndarray) -> bool:
    """True for a square, symmetric array with a unit (or NaN) diagonal."""
    if values.ndim != 2 or values.shape[0] != values.shape[1]:
        return False
    diagonal = np.diagonal(values)
    unit_diagonal = np.all(np.isnan(diagonal) | np.isclose(diagonal, 1.0))
    return bool(unit_diagonal and np.allclose(values, values.T, equal_nan=True))


def plot_functional_connectivity(
    data: xr.DataArray | xr.Dataset | np.ndarray,
    labels: Sequence[Any] | None = None,
    ax: Axes | None = None,
    *,
    vmin: float = -1,
    vmax: float = 1,
    cmap: str = "RdBu_r",
) -> Axes:
    r"""Draw functional connectivity as a diverging heatmap centred at 0.

    Time series are first turned into FC with :func:`wbxr.analysis.fc` (Pearson
    correlation between regions over time,
    :math:`r_{ij} = \mathrm{cov}(x_i, x_j) / (\sigma_i \sigma_j)`).

    Parameters
    ----------
    data
        One of: an FC DataArray with dims ``("region_i", "region_j")``; a
        ``(time, region)`` DataArray or a simulation Dataset (FC is computed); a
        plain array, which is taken as an FC matrix when it is square, symmetric
        and has a unit diagonal, and as a ``(T, N)`` time series otherwise.
    labels
        Region labels; default: the ``region_i`` / ``region`` coordinate (or ``0 .. N-1``).
    ax
        Axes to draw into; a new figure is created when None.
    vmin, vmax
        Colour limits.
    cmap
        Diverging matplotlib colour map name.

    Returns
    -------
    matplotlib.axes.Axes
        With a colour bar labelled ``"Pearson r"``; both axes are labelled ``"region"``.

    Raises
    ------
    ValueError
        If the data has extra (ensemble) dims, or neither time/region nor
        region_i/region_j dims, or ``labels`` has the wrong length.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> import numpy as np
    >>> import xarray as xr
    >>> rng = np.random.default_rng(0)
    >>> sim = xr.Dataset(
    ...     {"x": (("time", "region"), rng.standard_normal((200, 3)))},
    ...     coords={"time": np.arange(200) * 0.1, "region": ["A", "B", "C"]},
    ... )
    >>> ax = plot_functional_connectivity(sim)
    >>> ax.collections[0].get_clim()
    (-1.0, 1.0)
    >>> [tick.get_text() for tick in ax.get_yticklabels()]
    ['A', 'B', 'C']
    """
    if isinstance(data, xr.Dataset):
        data = select_variable(data)
    if isinstance(data, xr.DataArray):
        if set(_FC_DIMS) <= set(data.dims):
            _require_single_member(data, _FC_DIMS, "data")
            matrix = data.transpose(*_FC_DIMS)
        elif "time" in data.dims:
            _require_single_member(data, _TIMESERIES_DIMS, "data")
            matrix = fc(data)
        else:
            raise ValueError(
                f"data must have dims ('time', 'region') or {_FC_DIMS}; it has {data.dims}"
            )
        values = np.asarray(matrix.values, dtype=float)
        if labels is None and "region_i" in matrix.coords:
            labels = matrix["region_i"].values
    else:
        values = np.asarray(data, dtype=float)
        if values.ndim != 2:
            raise ValueError(
                f"data must be a (T, N) time series or an (N, N) FC array, got shape {values.shape}"
            )
        if not _looks_like_fc_matrix(values):
            values = fc(xr.DataArray(values, dims=_TIMESERIES_DIMS)).values
    n_regions = values.shape[0]
    labels = _check_labels(range(n_regions) if labels is None else labels, n_regions)
    # A range symmetric about 0 already puts 0 at the middle of the diverging map;
    # seaborn's ``center`` is only needed to re-centre an asymmetric range.
    center = None if vmin == -vmax else 0.0
    return _heatmap(
        values,
        labels,
        ax,
        cmap=cmap,
        cbar_label="Pearson r",
        xlabel="region",
        ylabel="region",
        vmin=vmin,
        vmax=vmax,
        center=center,
    )


def plot(data: xr.Dataset | xr.DataArray, **kwargs: Any) -> Axes | np.ndarray:
    """Draw the figure that suits ``data``: connectome, FC heatmap or time series.

    Dispatch: a Dataset with ``weights`` of dims ``("target", "source")`` ->
    :func:`plot_connectome`; a DataArray with dims ``("region_i", "region_j")`` ->
    :func:`plot_functional_connectivity`; a DataArray with dims
    ``("window_i", "window_j")`` -> :func:`plot_fcd`; a DataArray with dims
    ``("frequency", "region")`` -> :func:`plot_psd`; a DataArray with dims
    ``("target", "source")`` -> :func:`plot_connectivity`; anything with ``time`` and
    ``region`` dims -> :func:`plot_timeseries`.  This is what ``obj.wb.plot()`` calls.

    Parameters
    ----------
    data
        The xarray object to draw.
    **kwargs
        Passed on to the chosen plot function.

    Returns
    -------
    matplotlib.axes.Axes or numpy.ndarray
        Whatever the chosen plot function returns.

    Raises
    ------
    TypeError
        If ``data`` is not an xarray object.
    ValueError
        If ``data`` matches none of the cases above.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> import numpy as np
    >>> import xarray as xr
    >>> sim = xr.Dataset(
    ...     {"x": (("time", "region"), np.random.default_rng(1).standard_normal((50, 2)))},
    ...     coords={"time": np.arange(50) * 0.1, "region": ["A", "B"]},
    ... )
    >>> len(plot(sim).get_lines())
    2
    """
    if isinstance(data, xr.Dataset):
        if "weights" in data.data_vars and set(_CONNECTOME_DIMS) <= set(data["weights"].dims):
            return plot_connectome(data, **kwargs)
        if any({"time", "region"} <= set(da.dims) for da in data.data_vars.values()):
            return plot_timeseries(data, **kwargs)
        dims_by_var = {name: da.dims for name, da in data.data_vars.items()}
        raise ValueError(
            "cannot tell what to plot: expected a connectome Dataset ('weights' with dims "
            f"('target', 'source')) or a simulation (a variable with dims ('time', 'region')); "
            f"got data variables {dims_by_var}"
        )
    if isinstance(data, xr.DataArray):
        dims = set(data.dims)
        if set(_FC_DIMS) <= dims:
            return plot_functional_connectivity(data, **kwargs)
        if set(_FCD_DIMS) <= dims:
            return plot_fcd(data, **kwargs)
        if set(_PSD_DIMS) <= dims:
            return plot_psd(data, **kwargs)
        if set(_CONNECTOME_DIMS) <= dims:
            return plot_connectivity(data, **kwargs)
        if {"time", "region"} <= dims:
            return plot_timeseries(data, **kwargs)
        raise ValueError(
            f"cannot tell what to plot for a DataArray with dims {data.dims}; expected "
            f"{_FC_DIMS}, {_FCD_DIMS}, {_PSD_DIMS}, {_CONNECTOME_DIMS} or ('time', 'region')"
        )
    raise TypeError(f"data must be an xarray Dataset or DataArray, got {type(data).__name__}")


def _time_series_input(data: xr.DataArray | xr.Dataset, var: str | None) -> xr.DataArray:
    """One member's ``(time, region)`` series from a DataArray or simulation Dataset."""
    if var is not None and not isinstance(data, xr.Dataset):
        raise ValueError(f"var={var!r} is only used with a Dataset; got {type(data).__name__}")
    if isinstance(data, xr.Dataset):
        data = select_variable(data, var)
    if not isinstance(data, xr.DataArray):
        raise TypeError(f"data must be an xarray DataArray or Dataset, got {type(data).__name__}")
    _require_single_member(data, _TIMESERIES_DIMS, "data")
    return data


def plot_fcd(
    data: xr.DataArray | xr.Dataset,
    ax: Axes | None = None,
    *,
    window: Any = None,
    step: Any = None,
    var: str | None = None,
    cmap: str = "viridis",
    vmin: float | None = None,
    vmax: float | None = 1.0,
) -> Axes:
    r"""Draw a functional connectivity dynamics (FCD) matrix, time against time.

    Entry :math:`(w, w')` is the correlation between the FC patterns of windows
    :math:`w` and :math:`w'` (see :func:`wbxr.analysis.fcd`); both axes show the window
    centre times, so blocks along the diagonal are epochs of stable FC.

    Parameters
    ----------
    data
        An FCD DataArray with dims ``("window_i", "window_j")``, or a ``(time, region)``
        DataArray / simulation Dataset, whose FCD is computed with ``window`` and ``step``.
    ax
        Axes to draw into; a new figure is created when None.
    window, step
        Window length and step (quantities or ms) when ``data`` is a time series.
    var
        Data variable to use when ``data`` is a Dataset.
    cmap
        Matplotlib colour map name.
    vmin, vmax
        Colour limits (default: data minimum to 1).

    Returns
    -------
    matplotlib.axes.Axes
        With one image (``ax.images[0]``) whose colour bar is labelled ``"FCD (Pearson r)"``;
        the axes are labelled from the window coordinate (``"window centre time [ms]"``).

    Raises
    ------
    ValueError
        If the data has extra (ensemble) dims, or a time series comes without
        ``window`` and ``step``.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> import numpy as np
    >>> import xarray as xr
    >>> x = xr.DataArray(np.random.default_rng(0).standard_normal((2000, 4)), dims=("time", "region"),
    ...                  coords={"time": ("time", np.arange(2000.0), {"units": "ms"})})
    >>> ax = plot_fcd(x, window=400.0, step=200.0)
    >>> ax.images[0].get_array().shape, ax.get_xlabel()
    ((9, 9), 'window centre time [ms]')
    """
    if isinstance(data, xr.DataArray) and set(_FCD_DIMS) <= set(data.dims):
        _require_single_member(data, _FCD_DIMS, "data")
        matrix = data.transpose(*_FCD_DIMS)
    else:
        if window is None or step is None:
            raise ValueError("window and step are needed to compute the FCD of a time series")
        matrix = fcd(_time_series_input(data, var), window, step)
    values = np.asarray(matrix.values, dtype=float)
    centres = np.asarray(matrix["window_i"].values, dtype=float) if "window_i" in matrix.coords else np.arange(len(values))
    half = 0.5 * (centres[1] - centres[0]) if len(centres) > 1 else 0.5
    extent = (centres[0] - half, centres[-1] + half, centres[-1] + half, centres[0] - half)
    ax = _new_axes_if_none(ax, (6.0, 5.0))
    image = ax.imshow(values, cmap=cmap, vmin=vmin, vmax=vmax, extent=extent, interpolation="nearest")
    ax.figure.colorbar(image, ax=ax, label="FCD (Pearson r)")
    label = _label_from_attrs(matrix["window_i"], "window") if "window_i" in matrix.coords else "window"
    ax.set_xlabel(label)
    ax.set_ylabel(label)
    ax.set_title("functional connectivity dynamics")
    return ax


def plot_psd(
    data: xr.DataArray | xr.Dataset,
    ax: Axes | None = None,
    *,
    nperseg: int | None = None,
    var: str | None = None,
    log: bool = True,
    fmax: float | None = None,
    labels: Sequence[Any] | None = None,
) -> Axes:
    """Draw one power spectrum per region (Welch, see :func:`wbxr.analysis.psd`).

    Parameters
    ----------
    data
        A spectrum with dims ``("frequency", "region")`` (from :func:`wbxr.analysis.psd`),
        or a ``(time, region)`` DataArray / simulation Dataset whose spectrum is computed.
    ax
        Axes to draw into; a new figure is created when None.
    nperseg
        Welch segment length in samples, when the spectrum is computed.
    var
        Data variable to use when ``data`` is a Dataset.
    log
        Logarithmic power axis.
    fmax
        Highest frequency drawn, in Hz (default: Nyquist).
    labels
        One label per region; default: the ``region`` coordinate.

    Returns
    -------
    matplotlib.axes.Axes
        One line per region (x: frequency in Hz, y: power), legend for at most 16 regions.

    Raises
    ------
    ValueError
        If the data has extra (ensemble) dims or lacks the expected dims.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> import numpy as np
    >>> import xarray as xr
    >>> t = np.arange(0.0, 2000.0)
    >>> x = xr.DataArray(np.sin(2 * np.pi * 10 * t / 1000)[:, None], dims=("time", "region"),
    ...                  coords={"time": t, "region": ["A"]})
    >>> ax = plot_psd(x, fmax=50.0)
    >>> ax.get_xlabel(), [line.get_label() for line in ax.get_lines()]
    ('frequency [Hz]', ['A'])
    """
    if isinstance(data, xr.DataArray) and "frequency" in data.dims:
        _require_single_member(data, _PSD_DIMS, "data")
        spectrum = data
    else:
        spectrum = psd(_time_series_input(data, var), nperseg=nperseg)
    spectrum = spectrum.transpose(*_PSD_DIMS)
    values = np.asarray(spectrum.values, dtype=float)
    frequencies = np.asarray(spectrum["frequency"].values, dtype=float)
    if labels is None:
        labels = spectrum["region"].values if "region" in spectrum.coords else range(values.shape[1])
    labels = _check_labels(labels, values.shape[1])
    if fmax is not None:  # draw only up to fmax, so that the power axis fits what is shown
        shown = frequencies <= float(fmax)
        frequencies, values = frequencies[shown], values[shown]
    ax = _new_axes_if_none(ax, (7.0, 4.0))
    for i, label in enumerate(labels):
        ax.plot(frequencies, values[:, i], label=label, linewidth=1.0)
    if log:
        ax.set_yscale("log")
    if fmax is not None:
        ax.set_xlim(0.0, float(fmax))
    ax.set_xlabel(_label_from_attrs(spectrum["frequency"], "frequency") or "frequency")
    ax.set_ylabel(_label_from_attrs(spectrum, "power spectral density") or "")
    if values.shape[1] <= _MAX_LEGEND_ENTRIES:
        ax.legend(loc="upper right", fontsize="small")
    return ax


def plot_bold(
    data: xr.DataArray | xr.Dataset,
    ax: Axes | None = None,
    *,
    tr: Any = 720.0,
    model: str = "balloon",
    var: str | None = None,
    offset: float | None = None,
) -> Axes:
    """Draw BOLD signals, one line per region, against time in seconds.

    Parameters
    ----------
    data
        A BOLD DataArray (named ``"bold"``, from :func:`wbxr.analysis.bold` or
        :func:`wbxr.analysis.hrf_convolve`) or a Dataset with a ``bold`` variable
        (:func:`wbxr.analysis.balloon_windkessel`), drawn as they are; or neural
        activity (a ``(time, region)`` DataArray or simulation Dataset), whose BOLD
        signal is computed with :func:`wbxr.analysis.bold`.
    ax
        Axes to draw into; a new figure is created when None.
    tr, model
        Repetition time (quantity or ms) and haemodynamic model, when BOLD is computed.
    var
        Data variable to use when ``data`` is a Dataset of neural activity.
    offset
        Vertical shift between consecutive regions (see :func:`plot_timeseries`).

    Returns
    -------
    matplotlib.axes.Axes
        As :func:`plot_timeseries`, with time in s and the title ``"BOLD"``.

    Raises
    ------
    ValueError
        If the data has extra (ensemble) dims.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> import numpy as np
    >>> import xarray as xr
    >>> t = np.arange(0.0, 20_000.0, 10.0)
    >>> x = xr.DataArray(np.full((t.size, 2), 0.2), dims=("time", "region"),
    ...                  coords={"time": ("time", t, {"units": "ms"}), "region": ["A", "B"]})
    >>> ax = plot_bold(x, tr=1000.0)
    >>> ax.get_xlabel(), len(ax.get_lines()[0].get_xdata())
    ('time [s]', 20)
    """
    if isinstance(data, xr.Dataset) and var is None and "bold" in data.data_vars:
        signal = data["bold"]
    elif isinstance(data, xr.DataArray) and data.name == "bold":
        if var is not None:
            raise ValueError(f"var={var!r} is only used with a Dataset; got a DataArray")
        signal = data
    else:
        signal = bold(_time_series_input(data, var), tr=tr, model=model)
    _require_single_member(signal, _TIMESERIES_DIMS, "data")
    time = signal["time"]
    factor = 1000.0 if str(time.attrs.get("units", "ms")) == "ms" else 1.0
    seconds = signal.assign_coords(
        time=("time", np.asarray(time.values, dtype=float) / factor, {"long_name": "time", "units": "s"})
    )
    ax = plot_timeseries(seconds, ax=ax, offset=offset)
    ax.set_title("BOLD")
    return ax


# --- brain-shaped connectome plot -------------------------------------------------------------

# view -> (horizontal axis, vertical axis) of the centres' (x, y, z); MNI/RAS: x left -> right,
# y posterior -> anterior, z inferior -> superior
BRAIN_VIEWS: dict[str, tuple[int, int]] = {"axial": (0, 1), "sagittal": (1, 2), "coronal": (0, 2)}
_AXIS_LABELS = (
    "x [mm] (left → right)",
    "y [mm] (posterior → anterior)",
    "z [mm] (inferior → superior)",
)
HEMISPHERE_COLOURS = {"left": "tab:blue", "right": "tab:red", "midline": "0.5"}
_NILEARN_DISPLAY_MODES = {"axial": "z", "sagittal": "x", "coronal": "y", "all": "ortho"}


def _region_hemispheres(conn: xr.Dataset, centres: np.ndarray) -> list[str]:
    """``"left"``/``"right"``/``"midline"`` per region: the ``hemisphere`` coordinate
    (values starting with L/l or R/r) when there is one, else the sign of x."""
    if "hemisphere" in conn.coords and conn["hemisphere"].dims == ("region",):
        names = {"l": "left", "r": "right"}
        return [names.get(str(value)[:1].lower(), "midline") for value in conn["hemisphere"].values]
    return ["left" if x < 0 else "right" if x > 0 else "midline" for x in centres[:, 0]]


def strongest_edges(weights: np.ndarray, fraction: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    r"""The strongest region pairs of a connectome, strongest first.

    A pair :math:`i < j` has strength :math:`s_{ij} = \max(|W_{ij}|, |W_{ji}|)`; of the
    :math:`N(N-1)/2` pairs the :math:`\lceil f \, N(N-1)/2 \rceil` strongest with
    :math:`s_{ij} > 0` are kept (ties broken by pair order), the product rounded to 9
    decimals before the ceiling so that float rounding does not add a pair
    (:math:`0.3 \times 10` keeps 3).

    Parameters
    ----------
    weights
        ``(N, N)`` weight matrix.
    fraction
        :math:`f`, between 0 and 1.

    Returns
    -------
    tuple of numpy.ndarray
        Row indices ``i``, column indices ``j`` (``i < j``) and strengths ``s_ij``.

    Raises
    ------
    ValueError
        If ``weights`` is not square or ``fraction`` is not between 0 and 1.

    Examples
    --------
    >>> w = np.array([[0.0, 3.0, 1.0], [0.0, 0.0, 2.0], [0.0, 0.0, 0.0]])
    >>> [array.tolist() for array in strongest_edges(w, 0.5)]
    [[0, 1], [1, 2], [3.0, 2.0]]
    """
    magnitude = np.abs(np.asarray(weights, dtype=float))
    if magnitude.ndim != 2 or magnitude.shape[0] != magnitude.shape[1]:
        raise ValueError(f"weights must be a square (N, N) matrix, got shape {magnitude.shape}")
    if isinstance(fraction, bool) or not isinstance(fraction, (int, float)) or not 0 <= fraction <= 1:
        raise ValueError(f"edge_fraction={fraction!r} must be a number between 0 and 1")
    rows, cols = np.triu_indices(magnitude.shape[0], k=1)
    strength = np.maximum(magnitude[rows, cols], magnitude[cols, rows])
    n_kept = min(math.ceil(round(fraction * rows.size, 9)), int(np.count_nonzero(strength)))
    order = np.argsort(-strength, kind="stable")[:n_kept]
    return rows[order], cols[order], strength[order]


def _brain_inputs(conn: xr.Dataset, edge_fraction: float, view: str) -> tuple[np.ndarray, np.ndarray, list[str]]:
    if not isinstance(conn, xr.Dataset) or "weights" not in conn.data_vars:
        raise TypeError(
            "conn must be a connectome xarray.Dataset with 'weights' and 'centres', "
            f"got {type(conn).__name__}"
        )
    if "centres" not in conn.data_vars:
        raise ValueError(
            "conn has no 'centres' variable (region centres in mm, dims ('region', 'axis')); "
            "a brain plot needs them, e.g. wbxr.load_dataset('dk84') has them"
        )
    if view not in BRAIN_VIEWS and view != "all":
        raise ValueError(f"view={view!r} is not one of {[*BRAIN_VIEWS, 'all']}")
    if isinstance(edge_fraction, bool) or not isinstance(edge_fraction, (int, float)) or not 0 <= edge_fraction <= 1:
        raise ValueError(f"edge_fraction={edge_fraction!r} must be a number between 0 and 1")
    weights = conn["weights"].transpose("target", "source").values
    centres = conn["centres"].transpose("region", "axis").values
    labels = [str(label) for label in conn["target"].values]
    return np.asarray(weights, dtype=float), np.asarray(centres, dtype=float), labels


def _node_sizes(weights: np.ndarray, node_size: float | str) -> np.ndarray:
    n_regions = weights.shape[0]
    if isinstance(node_size, str):
        if node_size != "strength":
            raise ValueError(f"node_size={node_size!r} must be a number or 'strength'")
        strength = (np.abs(weights).sum(axis=0) + np.abs(weights).sum(axis=1)) / 2
        top = strength.max()
        return 10.0 + 90.0 * (strength / top if top > 0 else np.zeros(n_regions))
    if not np.isfinite(node_size) or node_size < 0:
        raise ValueError(f"node_size={node_size!r} must be a non-negative number or 'strength'")
    return np.full(n_regions, float(node_size))


def plot_brain(
    conn: xr.Dataset,
    ax: Axes | Sequence[Axes] | None = None,
    *,
    view: str = "axial",
    edge_fraction: float = 0.05,
    node_size: float | str = "strength",
    labels: bool = False,
    edge_color: str = "0.15",
    backend: str = "matplotlib",
) -> Any:
    r"""Draw a connectome in brain space: nodes at the region centres, edges by weight.

    The centres (MNI/RAS mm: x left to right, y posterior to anterior, z inferior to
    superior) are projected onto a plane: ``"axial"`` (x, y; seen from above),
    ``"sagittal"`` (y, z; seen from the left) or ``"coronal"`` (x, z; seen from behind).
    Nodes are coloured by hemisphere (``hemisphere`` coordinate, else the sign of x;
    :data:`HEMISPHERE_COLOURS`).  Only the strongest fraction :math:`f` of region pairs
    is drawn (see :func:`strongest_edges`); an edge of strength :math:`s` has line width
    :math:`0.5 + 2.5\, s / s_{\max}` points and opacity :math:`0.15 + 0.75\, s / s_{\max}`,
    and stronger edges are drawn on top.

    Parameters
    ----------
    conn
        Connectome Dataset with ``weights`` and ``centres`` (e.g. ``load_dataset("dk84")``).
    ax
        Axes to draw into (three Axes for ``view="all"``); a new figure when None.
    view
        ``"axial"``, ``"sagittal"``, ``"coronal"`` or ``"all"`` (the three side by side).
    edge_fraction
        :math:`f`, the fraction of the :math:`N(N-1)/2` region pairs to draw.
    node_size
        Marker area in points², or ``"strength"``: 10 to 100 in proportion to each
        region's strength :math:`\tfrac12 \sum_j (|W_{ij}| + |W_{ji}|)`.
    labels
        Write each region's label next to its node.
    edge_color
        Matplotlib colour of the edges.
    backend
        ``"matplotlib"``, or ``"nilearn"`` for nilearn's glass brain
        (:func:`nilearn.plotting.plot_connectome`; needs nilearn, and MNI centres), with
        the same nodes, colours and edges.

    Returns
    -------
    matplotlib.axes.Axes, numpy.ndarray or nilearn display
        One Axes (or three for ``view="all"``) holding a ``LineCollection`` labelled
        ``"edges"`` and a ``PathCollection`` labelled ``"regions"``; with
        ``backend="nilearn"`` nilearn's display object.

    Raises
    ------
    TypeError
        If ``conn`` is not a connectome Dataset.
    ValueError
        If ``conn`` has no centres, ``view``, ``edge_fraction``, ``node_size`` or
        ``backend`` is invalid, or fewer than three Axes are given for ``view="all"``.
    ModuleNotFoundError
        For ``backend="nilearn"`` without nilearn installed.

    References
    ----------
    Abraham, A. et al. (2014). Machine learning for neuroimaging with scikit-learn.
    *Frontiers in Neuroinformatics* 8, 14 (nilearn).

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> import wbxr
    >>> conn = wbxr.load_dataset("example_connectome")
    >>> ax = plot_brain(conn, edge_fraction=0.25)
    >>> edges, nodes = ax.collections
    >>> len(edges.get_segments()), nodes.get_offsets().shape   # ceil(0.25 * 28) = 7 edges
    (7, (8, 2))
    >>> [ax.get_title() for ax in plot_brain(conn, view="all")]
    ['axial', 'sagittal', 'coronal']
    """
    if backend not in ("matplotlib", "nilearn"):
        raise ValueError(f"backend={backend!r} must be 'matplotlib' or 'nilearn'")
    weights, centres, region_labels = _brain_inputs(conn, edge_fraction, view)
    sizes = _node_sizes(weights, node_size)
    colours = [HEMISPHERE_COLOURS[side] for side in _region_hemispheres(conn, centres)]
    rows, cols, strength = strongest_edges(weights, edge_fraction)
    relative = strength / strength.max() if strength.size else strength
    if backend == "nilearn":
        return _nilearn_brain(centres, rows, cols, strength, colours, sizes, ax, view, conn.attrs.get("name"))

    views = list(BRAIN_VIEWS) if view == "all" else [view]
    if ax is None:
        _, axes_grid = plt.subplots(1, len(views), figsize=(4.5 * len(views), 4.5), squeeze=False)
        axes = list(axes_grid[0])
    else:
        axes = list(np.atleast_1d(np.asarray(ax, dtype=object)).ravel())
        if len(axes) < len(views):
            raise ValueError(f"ax has {len(axes)} Axes, view={view!r} needs {len(views)}")
    draw_order = np.argsort(relative, kind="stable")  # weakest first, strongest on top
    edge_rgba = np.tile(matplotlib.colors.to_rgba(edge_color), (strength.size, 1))
    edge_rgba[:, 3] = 0.15 + 0.75 * relative
    for panel, name in zip(axes, views):
        h, v = BRAIN_VIEWS[name]
        projected = centres[:, [h, v]]
        segments = np.stack([projected[rows], projected[cols]], axis=1)[draw_order]
        edges = matplotlib.collections.LineCollection(
            segments.reshape(-1, 2, 2),
            colors=edge_rgba[draw_order],
            linewidths=(0.5 + 2.5 * relative)[draw_order],
            zorder=1,
            label="edges",
        )
        panel.add_collection(edges)
        panel.scatter(
            projected[:, 0], projected[:, 1], s=sizes, c=colours, edgecolors="white",
            linewidths=0.5, zorder=2, label="regions",
        )
        if labels:
            for label, (x, y) in zip(region_labels, projected):
                panel.annotate(label, (x, y), fontsize=6, xytext=(2, 2), textcoords="offset points")
        panel.set_xlabel(_AXIS_LABELS[h])
        panel.set_ylabel(_AXIS_LABELS[v])
        panel.set_title(name)
        panel.set_aspect("equal", adjustable="datalim")
        panel.autoscale_view()
    handles = [
        matplotlib.lines.Line2D([], [], marker="o", linestyle="", color=colour, label=side)
        for side, colour in HEMISPHERE_COLOURS.items()
        if colour in colours
    ]
    axes[0].legend(handles=handles, loc="lower right", fontsize="small", frameon=False)
    return np.asarray(axes, dtype=object) if view == "all" else axes[0]


def _nilearn_brain(
    centres: np.ndarray,
    rows: np.ndarray,
    cols: np.ndarray,
    strength: np.ndarray,
    colours: list[str],
    sizes: np.ndarray,
    ax: Any,
    view: str,
    title: str | None,
) -> Any:
    try:
        from nilearn import plotting as nilearn_plotting
    except ImportError as error:
        raise ModuleNotFoundError(
            "backend='nilearn' needs nilearn (pip install nilearn); "
            "backend='matplotlib' draws the same nodes and edges without it",
            name="nilearn",
        ) from error
    adjacency = np.zeros((centres.shape[0], centres.shape[0]))
    adjacency[rows, cols] = adjacency[cols, rows] = strength
    return nilearn_plotting.plot_connectome(
        adjacency,
        centres,
        node_color=colours,
        node_size=sizes,
        display_mode=_NILEARN_DISPLAY_MODES[view],
        axes=ax,
        title=title,
        edge_cmap="Greys",
        edge_vmin=0.0,
        edge_vmax=float(strength.max()) if strength.size else 1.0,
        colorbar=False,
    )


brain = plot_brain
"""Alias of :func:`plot_brain`: ``wbxr.viz.brain(conn)``."""
