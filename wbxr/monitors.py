r"""Observation models computed inside the simulation loop.

A monitor turns the simulated state into what an instrument records, while the
simulation runs, so that only its output is kept.  Pass monitors to
:func:`wbxr.simulate` next to the names of state variables::

    wbxr.simulate(net, duration=600 * u.s, dt=0.1 * u.ms,
                  monitors=[wbxr.monitors.Bold("x", tr=720 * u.ms)])

records a 10-minute BOLD scan without ever storing the 6 million neural samples.

Every monitor reads one state variable at the simulation's sampling period
``sample_every`` (default: every step) and writes a value every ``period``, a whole
multiple of ``sample_every``, at the absolute times :math:`t = e \cdot \mathrm{period}`
(:math:`e = 1, 2, \dots`) after the transient.  Each monitor gets its own time
dimension, ``time_<name>`` (``time_bold``, ``time_eeg``, ...), in the same Dataset.

* :class:`Subsample` - the variable itself every ``period``;
* :class:`TemporalAverage` - its mean over each ``period``;
* :class:`Bold` - the Balloon-Windkessel haemodynamic model integrated on every sample
  and sampled every repetition time (Friston et al. 2000; Stephan et al. 2007);
* :class:`LeadField` - EEG/MEG sensors: a gain matrix (sensor x region) times the
  variable, optionally averaged over each ``period``.

The state of a monitor (the balloon's, a running sum) is part of the simulation's state,
so a run continued with ``simulate(..., initial=previous)`` or done in chunks with
``chunk_duration`` gives the same numbers as the one-shot run.
"""

from __future__ import annotations

import abc
import dataclasses
import math
from typing import Any

import jax
import jax.numpy as jnp
import numpy as np
import xarray as xr

from ._units import time_ms
from .analysis.hemodynamics import (
    MAX_STEP_MS,
    _balloon_derivative,
    _bold_observation,
    _constants_vector,
    balloon_constants,
)

__all__ = ["Monitor", "Subsample", "TemporalAverage", "Bold", "LeadField"]


def _check_variable(variable: Any, monitor: str) -> str:
    if not isinstance(variable, str) or not variable:
        raise TypeError(f"{monitor}: variable must be the name of a state variable, got {variable!r}")
    return variable


def _check_name(name: Any, monitor: str) -> str:
    if not isinstance(name, str) or not name.isidentifier():
        raise ValueError(f"{monitor}: name must be a Python identifier, got {name!r}")
    return name


def _period_ms(period: Any, monitor: str) -> float:
    value = time_ms(period, f"{monitor}.period")
    if value <= 0:
        raise ValueError(f"{monitor}.period must be > 0, got {value:g} ms")
    return value


@dataclasses.dataclass(frozen=True)
class Monitor(abc.ABC):
    """An observation computed inside the loop from one state variable.

    Subclasses define the monitor's running state and what it emits; all of it is pure
    JAX on arrays whose trailing axis holds the ensemble members.  Array-valued settings
    (a lead field) are excluded from equality so that changing them never recompiles.
    """

    variable: str
    name: str

    #: Period of the output in ms (None: the sampling period of the run).
    def period_ms(self) -> float | None:
        return getattr(self, "period", None)

    # -- static description ---------------------------------------------------------
    def output_size(self, n_regions: int) -> int:
        """Values emitted per member: one per region unless the monitor says otherwise."""
        return n_regions

    def output_dim(self) -> str:
        return "region"

    def output_coords(self, region_labels: np.ndarray) -> dict[str, Any]:
        return {"region": region_labels}

    def attrs(self, variable_attrs: dict[str, str]) -> dict[str, str]:
        return dict(variable_attrs)

    # -- the computation ------------------------------------------------------------
    def data(self, dtype: Any) -> Any:
        """Arrays the computation reads (traced: changing them never recompiles)."""
        return ()

    def init(self, data: Any, n_regions: int, n_members: int, dtype: Any) -> Any:
        """The running state at the start of a run (a pytree of arrays)."""
        return jnp.zeros((n_regions, n_members), dtype)

    @abc.abstractmethod
    def update(self, carry: Any, data: Any, x: jax.Array, sample_ms: float) -> Any:
        """Take in the sample ``x`` ``(N, M)`` of the variable."""

    @abc.abstractmethod
    def read(self, carry: Any, data: Any, period: int) -> jax.Array:
        """The value emitted now ``(output_size, M)`` (``period`` in samples)."""

    def reset(self, carry: Any) -> Any:
        """The running state after an emission."""
        return carry


@dataclasses.dataclass(frozen=True, init=False)
class Subsample(Monitor):
    """The state variable every ``period`` (a whole multiple of the sampling period).

    Examples
    --------
    >>> import wbxr
    >>> net = wbxr.Network(wbxr.models.Hopf(), wbxr.load_dataset("example_connectome"), k=0.1)
    >>> ds = wbxr.simulate(net, duration=10.0, dt=0.1, monitors=[wbxr.monitors.Subsample("x", period=2.5)])
    >>> ds.x_subsample.dims, ds.time_x_subsample.values.tolist()
    (('time_x_subsample', 'region'), [2.5, 5.0, 7.5, 10.0])
    """

    period: float

    def __init__(self, variable: str, period: Any, *, name: str | None = None) -> None:
        variable = _check_variable(variable, "Subsample")
        object.__setattr__(self, "variable", variable)
        object.__setattr__(self, "name", _check_name(name or f"{variable}_subsample", "Subsample"))
        object.__setattr__(self, "period", _period_ms(period, "Subsample"))

    def update(self, carry, data, x, sample_ms):
        return x

    def read(self, carry, data, period):
        return carry


@dataclasses.dataclass(frozen=True, init=False)
class TemporalAverage(Monitor):
    r"""The mean of the state variable over each ``period``.

    The value at :math:`t_e = e\,T` is :math:`\frac{1}{p}\sum_{s=1}^{p} x(t_e - (p-s)\,h)`,
    the mean of the ``p = T / h`` samples of the window :math:`(t_e - T, t_e]` (``h`` the
    sampling period).

    Examples
    --------
    >>> import wbxr
    >>> net = wbxr.Network(wbxr.models.Hopf(), wbxr.load_dataset("example_connectome"), k=0.1)
    >>> ds = wbxr.simulate(net, duration=10.0, dt=0.1, monitors=["x", wbxr.monitors.TemporalAverage("x", period=5.0)])
    >>> bool(abs(ds.x_average[0] - ds.x.sel(time=slice(0.05, 5.0)).mean("time")).max() < 1e-6)
    True
    """

    period: float

    def __init__(self, variable: str, period: Any, *, name: str | None = None) -> None:
        variable = _check_variable(variable, "TemporalAverage")
        object.__setattr__(self, "variable", variable)
        object.__setattr__(self, "name", _check_name(name or f"{variable}_average", "TemporalAverage"))
        object.__setattr__(self, "period", _period_ms(period, "TemporalAverage"))

    def update(self, carry, data, x, sample_ms):
        return carry + x

    def read(self, carry, data, period):
        return carry / period

    def reset(self, carry):
        return jnp.zeros_like(carry)

    def attrs(self, variable_attrs):
        return {**variable_attrs, "long_name": f"{variable_attrs.get('long_name', self.variable)}, temporal average"}


@dataclasses.dataclass(frozen=True, init=False)
class Bold(Monitor):
    r"""BOLD fMRI: the Balloon-Windkessel model driven by a state variable, every TR.

    Each region's neural activity :math:`z` (the variable times ``scale``, read as a rate
    in 1/s) drives the vasodilatory signal :math:`s`, blood inflow :math:`f`, venous volume
    :math:`v` and deoxyhaemoglobin :math:`q` (Friston et al. 2000):

    .. math::

        \dot s = z - \kappa s - \gamma (f - 1), \quad \dot f = s, \quad
        \tau \dot v = f - v^{1/\alpha}, \quad
        \tau \dot q = \frac{f}{E_0}\bigl[1 - (1 - E_0)^{1/f}\bigr] - v^{1/\alpha} \frac{q}{v},

    integrated with RK4 on every sample of the simulation (substeps when the sampling
    period exceeds 10 ms; the sample at the end of each interval is held over it), from
    rest at :math:`t = 0` - so the transient also warms up the haemodynamics.  The signal

    .. math:: y = V_0 \bigl[k_1 (1 - q) + k_2 (1 - q/v) + k_3 (1 - v)\bigr]

    is recorded every repetition time ``tr`` on the dimension ``time_bold``.  The
    constants are those of :func:`wbxr.analysis.balloon_constants`: ``"balloon"``
    (Stephan et al. 2007 priors, Obata et al. 2004 coefficients) or ``"balloon_classic"``
    (Friston et al. 2000 with the Buxton et al. 1998 coefficients).  The same equations,
    as post-processing of a recorded time series, are :func:`wbxr.analysis.bold`.

    Parameters
    ----------
    variable
        The state variable that drives blood flow.
    tr
        Repetition time (quantity or ms), a whole multiple of the sampling period;
        default 720 ms (the Human Connectome Project's).
    model, params
        Balloon variant and replacements of its parameters (see
        :func:`wbxr.analysis.balloon_constants`).
    scale
        Factor from the variable to the drive in 1/s (the input's scale matters: see
        :mod:`wbxr.analysis.hemodynamics`).
    name
        Name of the output variable (default ``"bold"``).

    References
    ----------
    Friston, Mechelli, Turner & Price (2000) NeuroImage 12:466-477.
    Stephan, Weiskopf, Drysdale, Robinson & Friston (2007) NeuroImage 38:387-401.

    Examples
    --------
    >>> import wbxr
    >>> net = wbxr.Network(wbxr.models.Hopf(a=0.1), wbxr.load_dataset("example_connectome"), k=0.1)
    >>> ds = wbxr.simulate(net, duration=4000.0, dt=0.5, monitors=[wbxr.monitors.Bold("x", tr=1000.0)])
    >>> ds.bold.dims, ds.time_bold.values.tolist(), ds.bold.attrs["units"]
    (('time_bold', 'region'), [1000.0, 2000.0, 3000.0, 4000.0], '1')
    """

    period: float
    model: str
    constants: tuple[float, ...]
    scale: float

    def __init__(
        self,
        variable: str,
        tr: Any = 720.0,
        *,
        model: str = "balloon",
        params: dict[str, float] | None = None,
        scale: float = 1.0,
        name: str = "bold",
    ) -> None:
        object.__setattr__(self, "variable", _check_variable(variable, "Bold"))
        object.__setattr__(self, "name", _check_name(name, "Bold"))
        object.__setattr__(self, "period", _period_ms(tr, "Bold.tr"))
        object.__setattr__(self, "model", model)
        constants = balloon_constants(model, params)
        object.__setattr__(self, "constants", tuple(float(c) for c in _constants_vector(constants)))
        scale = float(scale)
        if not math.isfinite(scale) or scale == 0:
            raise ValueError(f"Bold.scale must be a finite non-zero number, got {scale!r}")
        object.__setattr__(self, "scale", scale)

    def data(self, dtype):
        return jnp.asarray(self.constants, dtype)

    def init(self, data, n_regions, n_members, dtype):
        return jnp.zeros((4, n_regions, n_members), dtype)  # deviations from rest

    def update(self, carry, data, x, sample_ms):
        n_substeps = max(1, math.ceil(sample_ms / MAX_STEP_MS - 1e-9))
        h = sample_ms / 1000.0 / n_substeps
        drive = self.scale * x

        def rk4(_, state):
            k1 = _balloon_derivative(state, drive, data)
            k2 = _balloon_derivative(state + 0.5 * h * k1, drive, data)
            k3 = _balloon_derivative(state + 0.5 * h * k2, drive, data)
            k4 = _balloon_derivative(state + h * k3, drive, data)
            return state + (h / 6.0) * (k1 + 2.0 * k2 + 2.0 * k3 + k4)

        return jax.lax.fori_loop(0, n_substeps, rk4, carry)

    def read(self, carry, data, period):
        return _bold_observation(carry, data)

    def attrs(self, variable_attrs):
        return {
            "long_name": "BOLD signal change",
            "units": "1",
            "balloon_model": self.model,
            "driven_by": self.variable,
            "scale": self.scale,
        }


@dataclasses.dataclass(frozen=True, init=False)
class LeadField(Monitor):
    r"""EEG/MEG sensors: a lead field (gain) matrix applied to a state variable.

    The signal of sensor :math:`s` is :math:`y_s = \sum_i G_{si}\, x_i` (Nunez &
    Srinivasan 2006), averaged over each ``period`` when one is given (TVB's EEG
    monitor does the same).

    Parameters
    ----------
    variable
        The state variable the sources carry (e.g. a pyramidal potential).
    gain
        ``(n_sensors, n_regions)`` array, or a DataArray with dims ``("sensor",
        "region")`` whose ``sensor`` coordinate labels the sensors.
    sensors
        Sensor labels when ``gain`` is a plain array (default ``s0, s1, ...``).
    period
        Output period (quantity or ms); None records every sample.
    units
        CF units of the output (default ``"1"``).
    name
        Name of the output variable (default ``"eeg"``); its sensor dimension is
        ``sensor`` and its time dimension ``time_<name>``.

    Examples
    --------
    >>> import numpy as np, wbxr
    >>> net = wbxr.Network(wbxr.models.Hopf(), wbxr.load_dataset("example_connectome"), k=0.1)
    >>> gain = np.ones((2, 8)) / 8
    >>> ds = wbxr.simulate(net, duration=10.0, dt=0.1, monitors=["x", wbxr.monitors.LeadField("x", gain, period=1.0)])
    >>> ds.eeg.dims, ds.eeg.sizes["sensor"]
    (('time_eeg', 'sensor'), 2)
    """

    period: float | None
    sensors: tuple[str, ...]
    units: str
    gain: np.ndarray = dataclasses.field(compare=False, hash=False, repr=False)

    def __init__(
        self,
        variable: str,
        gain: Any,
        *,
        sensors: Any = None,
        period: Any = None,
        units: str = "1",
        name: str = "eeg",
    ) -> None:
        object.__setattr__(self, "variable", _check_variable(variable, "LeadField"))
        object.__setattr__(self, "name", _check_name(name, "LeadField"))
        if isinstance(gain, xr.DataArray):
            if set(gain.dims) != {"sensor", "region"}:
                raise ValueError(f"LeadField: a gain DataArray must have dims ('sensor', 'region'), got {gain.dims}")
            if sensors is None and "sensor" in gain.coords:
                sensors = gain["sensor"].values
            gain = gain.transpose("sensor", "region").values
        matrix = np.asarray(gain, dtype=float)
        if matrix.ndim != 2 or 0 in matrix.shape:
            raise ValueError(f"LeadField: gain must be a non-empty (n_sensors, n_regions) matrix, got shape {matrix.shape}")
        if not np.all(np.isfinite(matrix)):
            raise ValueError("LeadField: gain must be finite")
        if sensors is None:
            sensors = [f"s{i}" for i in range(matrix.shape[0])]
        sensors = tuple(str(s) for s in np.asarray(sensors).ravel())
        if len(sensors) != matrix.shape[0]:
            raise ValueError(f"LeadField: {len(sensors)} sensor labels for a gain with {matrix.shape[0]} rows")
        object.__setattr__(self, "gain", matrix)
        object.__setattr__(self, "sensors", sensors)
        object.__setattr__(self, "period", None if period is None else _period_ms(period, "LeadField"))
        object.__setattr__(self, "units", str(units))

    def output_size(self, n_regions):
        if self.gain.shape[1] != n_regions:
            raise ValueError(
                f"LeadField {self.name!r}: gain has {self.gain.shape[1]} columns but the network has {n_regions} regions"
            )
        return self.gain.shape[0]

    def output_dim(self):
        return "sensor"

    def output_coords(self, region_labels):
        return {"sensor": np.asarray(self.sensors, dtype=str)}

    def data(self, dtype):
        return jnp.asarray(self.gain, dtype)

    def update(self, carry, data, x, sample_ms):
        return carry + x

    def read(self, carry, data, period):
        return data @ (carry / period)

    def reset(self, carry):
        return jnp.zeros_like(carry)

    def attrs(self, variable_attrs):
        return {"long_name": f"{self.name.upper()} sensor signal", "units": self.units, "source_variable": self.variable}
