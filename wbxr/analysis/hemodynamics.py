r"""BOLD signals from neural activity, as post-processing of a simulation.

Two observation models:

* :func:`bold` / :func:`balloon_windkessel`: the nonlinear Balloon-Windkessel model
  (Buxton et al. 1998; Friston et al. 2000) integrated over the input time series;
* :func:`hrf_convolve`: convolution with a haemodynamic response function (HRF):
  a gamma, Glover's double gamma, or the first-order Volterra kernel of the
  Balloon-Windkessel model (its linearisation about rest).

The input is the neural activity that drives blood flow (an excitatory rate, the
``x`` of an oscillator, ...), taken as a rate in 1/s.  **Its scale matters** for the
Balloon model: a sustained input :math:`u` raises the blood inflow to
:math:`f = 1 + u/\gamma` at steady state, so inputs of order 0.1-1 give
physiological responses, while firing rates of tens of Hz saturate the
nonlinearities and strongly negative inputs (flow below 0) make the model undefined
(NaN).  Rescale or demean the activity first when needed.  Both models start from
rest (no input before the first sample), so the first ~20 s of output are a
transient to discard.

Every function takes and returns xarray objects, keeps leading ensemble dims
(``seed``, ``k``, ...) and stays lazy on dask-backed input.
"""

from __future__ import annotations

import functools
import json
import math
from collections.abc import Mapping
from typing import Any

import jax
import jax.numpy as jnp
import numpy as np
import scipy.signal
import scipy.stats
import xarray as xr

from wbxr.analysis._core import (
    as_signal,
    duration_ms,
    one_chunk,
    sampling_step_ms,
    time_coord_attrs,
)

#: Largest integration step of the Balloon-Windkessel ODE (ms); coarser data get RK4 substeps.
MAX_STEP_MS = 10.0

#: Primitive parameters of each Balloon-Windkessel variant (rates in 1/s, times in s).
BALLOON_MODELS: dict[str, dict[str, float]] = {
    # Stephan et al. (2007) priors as in SPM's DCM, revised BOLD coefficients of
    # Obata et al. (2004): k1 = 4.3 theta0 E0 TE, k2 = epsilon r0 E0 TE, k3 = 1 - epsilon.
    "balloon": {
        "kappa": 0.64,
        "gamma": 0.32,
        "tau": 2.0,
        "alpha": 0.32,
        "E0": 0.4,
        "V0": 0.04,
        "epsilon": 1.0,
        "theta0": 40.3,
        "r0": 25.0,
        "TE": 0.04,
    },
    # Friston et al. (2000) parameters with the classic coefficients of Buxton et al.
    # (1998): k1 = 7 E0, k2 = 2, k3 = 2 E0 - 0.2 (as used by Deco et al.).
    "balloon_classic": {
        "kappa": 0.65,
        "gamma": 0.41,
        "tau": 0.98,
        "alpha": 0.32,
        "E0": 0.34,
        "V0": 0.02,
    },
}

HRF_KERNELS = ("gamma", "double_gamma", "volterra")

_STATE_ATTRS = {
    "s": {"long_name": "vasodilatory signal", "units": "1/s"},
    "f": {"long_name": "normalised blood inflow", "units": "1"},
    "v": {"long_name": "normalised venous volume", "units": "1"},
    "q": {"long_name": "normalised deoxyhaemoglobin content", "units": "1"},
    "bold": {"long_name": "BOLD signal change", "units": "1"},
}


def balloon_constants(model: str = "balloon", params: Mapping[str, float] | None = None) -> dict[str, float]:
    """Parameters of a Balloon-Windkessel variant, with the BOLD coefficients k1, k2, k3.

    Parameters
    ----------
    model
        ``"balloon"`` (Stephan et al. 2007 with the revised coefficients of Obata et
        al. 2004) or ``"balloon_classic"`` (Friston et al. 2000 with the coefficients of
        Buxton et al. 1998); see :data:`BALLOON_MODELS`.
    params
        Replacements for any of the model's primitive parameters (rates in 1/s,
        times in s); the coefficients are recomputed from them.

    Returns
    -------
    dict
        ``kappa, gamma, tau, alpha, E0, V0, k1, k2, k3`` (and the primitives).

    Raises
    ------
    ValueError
        For an unknown model or parameter name, or a non-finite value.

    Examples
    --------
    >>> c = balloon_constants("balloon")
    >>> round(c["k1"], 5), c["k2"], c["k3"]
    (2.77264, 0.4, 0.0)
    >>> balloon_constants("balloon_classic", {"E0": 0.5})["k1"]
    3.5
    """
    if model not in BALLOON_MODELS:
        raise ValueError(f"model={model!r} is not one of {sorted(BALLOON_MODELS)}")
    constants = dict(BALLOON_MODELS[model])
    for name, value in (params or {}).items():
        if name not in constants:
            raise ValueError(f"params has unknown parameter {name!r} for model={model!r}; known: {sorted(constants)}")
        value = float(value)
        if not math.isfinite(value):
            raise ValueError(f"params[{name!r}] must be finite, got {value!r}")
        constants[name] = value
    E0 = constants["E0"]
    if model == "balloon":
        constants["k1"] = 4.3 * constants["theta0"] * E0 * constants["TE"]
        constants["k2"] = constants["epsilon"] * constants["r0"] * E0 * constants["TE"]
        constants["k3"] = 1.0 - constants["epsilon"]
    else:
        constants["k1"] = 7.0 * E0
        constants["k2"] = 2.0
        constants["k3"] = 2.0 * E0 - 0.2
    return constants


def _constants_vector(constants: Mapping[str, float]) -> np.ndarray:
    names = ("kappa", "gamma", "tau", "alpha", "E0", "V0", "k1", "k2", "k3")
    return np.array([constants[name] for name in names])


# ---------------------------------------------------------------------------------
# The ODE, in deviations from rest (s, f - 1, v - 1, q - 1), which keeps single
# precision accurate for the small changes that make up the BOLD signal.


def _balloon_derivative(state: jax.Array, drive: jax.Array, c: jax.Array) -> jax.Array:
    kappa, gamma, tau, alpha, E0 = c[0], c[1], c[2], c[3], c[4]
    s, f_dev, v_dev, q_dev = state[0], state[1], state[2], state[3]
    outflow_dev = jnp.expm1(jnp.log1p(v_dev) / alpha)  # v^(1/alpha) - 1
    # f E(f) / E0 - 1 with E(f) = 1 - (1 - E0)^(1/f), written without cancellation
    extraction_exponent = -jnp.log1p(-E0) * f_dev / (1.0 + f_dev)
    oxygen_dev = f_dev - (1.0 - E0) * (1.0 + f_dev) * jnp.expm1(extraction_exponent) / E0
    # v^(1/alpha) q / v - 1
    washout_dev = (outflow_dev + q_dev + outflow_dev * q_dev - v_dev) / (1.0 + v_dev)
    return jnp.stack(
        [
            drive - kappa * s - gamma * f_dev,
            s,
            (f_dev - outflow_dev) / tau,
            (oxygen_dev - washout_dev) / tau,
        ]
    )


def _bold_observation(state: jax.Array, c: jax.Array) -> jax.Array:
    V0, k1, k2, k3 = c[5], c[6], c[7], c[8]
    v_dev, q_dev = state[2], state[3]
    return V0 * (-k1 * q_dev + k2 * (v_dev - q_dev) / (1.0 + v_dev) - k3 * v_dev)


@functools.partial(jax.jit, static_argnames=("n_substeps", "with_states"))
def _integrate_balloon(
    drive: jax.Array, step_s: jax.Array, c: jax.Array, n_substeps: int, with_states: bool
) -> jax.Array:
    """RK4 over ``drive`` of shape ``(T, M)`` held constant over each sample.

    Returns the BOLD signal ``(T, M)`` at the sample times (the state at ``t_i`` has
    seen the inputs before ``t_i``), or the states and BOLD ``(T, 5, M)``.
    """
    h = step_s / n_substeps

    def rk4(state: jax.Array, x: jax.Array) -> jax.Array:
        k1 = _balloon_derivative(state, x, c)
        k2 = _balloon_derivative(state + 0.5 * h * k1, x, c)
        k3 = _balloon_derivative(state + 0.5 * h * k2, x, c)
        k4 = _balloon_derivative(state + h * k3, x, c)
        return state + (h / 6.0) * (k1 + 2.0 * k2 + 2.0 * k3 + k4)

    def sample(state: jax.Array, x: jax.Array) -> tuple[jax.Array, jax.Array]:
        y = _bold_observation(state, c)
        out = jnp.concatenate([state, y[None]], axis=0) if with_states else y
        state = jax.lax.fori_loop(0, n_substeps, lambda _, st: rk4(st, x), state)
        return state, out

    rest = jnp.zeros((4, drive.shape[1]), dtype=drive.dtype)
    _, outputs = jax.lax.scan(sample, rest, drive)
    return outputs


def _run_balloon(values: np.ndarray, step_ms: float, constants: np.ndarray, with_states: bool) -> np.ndarray:
    """``(..., T)`` float input -> ``(..., T)`` BOLD, or ``(..., 5, T)`` states and BOLD."""
    values = np.asarray(values)
    leading, n_time = values.shape[:-1], values.shape[-1]
    dtype = jax.dtypes.canonicalize_dtype(jnp.float64)
    drive = jnp.asarray(values.reshape(-1, n_time).T, dtype=dtype)
    n_substeps = max(1, math.ceil(step_ms / MAX_STEP_MS - 1e-9))
    out = _integrate_balloon(
        drive, jnp.asarray(step_ms / 1000.0, dtype=dtype), jnp.asarray(constants, dtype=dtype), n_substeps, with_states
    )
    out = np.asarray(out, dtype=np.float64)
    if with_states:  # (T, 5, M) -> (..., 5, T)
        return np.transpose(out, (2, 1, 0)).reshape(*leading, 5, n_time)
    return out.T.reshape(*leading, n_time)


# ---------------------------------------------------------------------------------
# Sampling every TR


def _tr_grid(data: xr.DataArray, tr: Any, dim: str, step_ms: float) -> tuple[np.ndarray, np.ndarray]:
    """Fractional sample positions of the TR grid and their times (in the coordinate's units)."""
    tr_ms = duration_ms(tr, "tr")
    if tr_ms < step_ms * (1 - 1e-9):
        raise ValueError(f"tr={tr!r} ({tr_ms:g} ms) is shorter than the data's sampling step {step_ms:g} ms")
    n_time = data.sizes[dim]
    span_ms = (n_time - 1) * step_ms
    if tr_ms > span_ms * (1 + 1e-9):
        raise ValueError(f"tr={tr!r} ({tr_ms:g} ms) is longer than the series ({span_ms:g} ms along {dim!r})")
    ratio = tr_ms / step_ms
    n_samples = int(math.floor(span_ms / tr_ms + 1e-9)) + 1
    positions = np.arange(n_samples) * ratio
    rounded = np.round(positions)
    positions = np.where(np.abs(positions - rounded) < 1e-6, rounded, positions)
    times = np.asarray(data[dim].values, dtype=np.float64)
    coordinate_step = (times[-1] - times[0]) / (n_time - 1)
    return positions, times[0] + positions * coordinate_step


def _sample_at(values: np.ndarray, positions: np.ndarray) -> np.ndarray:
    """Linear interpolation of ``(..., T)`` at fractional sample ``positions``."""
    lower = np.minimum(np.floor(positions).astype(int), values.shape[-1] - 1)
    upper = np.minimum(lower + 1, values.shape[-1] - 1)
    weight = positions - lower
    return (1.0 - weight) * values[..., lower] + weight * values[..., upper]


def _bold_kernel(values: np.ndarray, step_ms: float, constants: np.ndarray, positions: np.ndarray) -> np.ndarray:
    return _sample_at(_run_balloon(values, step_ms, constants, with_states=False), positions)


def _bold_attrs(data: xr.DataArray, description: str, tr_ms: float | None, extra: Mapping[str, Any]) -> dict[str, Any]:
    attrs = {
        "long_name": "BOLD signal change",
        "units": "1",
        "description": description,
        "input": str(data.attrs.get("long_name") or data.name or "signal"),
        **extra,
    }
    if tr_ms is not None:
        attrs["tr_ms"] = tr_ms
    return attrs


def balloon_windkessel(
    data: xr.DataArray | xr.Dataset,
    *,
    model: str = "balloon",
    params: Mapping[str, float] | None = None,
    var: str | None = None,
    dim: str = "time",
) -> xr.Dataset:
    r"""The Balloon-Windkessel haemodynamic states and BOLD signal at every input sample.

    The neural input :math:`x(t)` (a rate in 1/s) drives a vasodilatory signal
    :math:`s`, blood inflow :math:`f`, venous volume :math:`v` and deoxyhaemoglobin
    content :math:`q` (the last three normalised to 1 at rest); time in seconds:

    .. math::

        \dot s &= x - \kappa s - \gamma (f - 1) \\
        \dot f &= s \\
        \tau \dot v &= f - v^{1/\alpha} \\
        \tau \dot q &= \frac{f}{E_0}\bigl(1 - (1 - E_0)^{1/f}\bigr) - v^{1/\alpha} \frac{q}{v} \\
        y &= V_0 \bigl[k_1 (1 - q) + k_2 (1 - q/v) + k_3 (1 - v)\bigr]

    (Buxton et al. 1998; Friston et al. 2000).  ``model="balloon"`` uses the priors of
    Stephan et al. (2007) (:math:`\kappa = 0.64`, :math:`\gamma = 0.32` s\ :sup:`-1`,
    :math:`\tau = 2` s, :math:`\alpha = 0.32`, :math:`E_0 = 0.4`, :math:`V_0 = 0.04`) with
    the coefficients of Obata et al. (2004), :math:`k_1 = 4.3\,\vartheta_0 E_0 T_E`,
    :math:`k_2 = \varepsilon r_0 E_0 T_E`, :math:`k_3 = 1 - \varepsilon`
    (:math:`\vartheta_0 = 40.3` s\ :sup:`-1`, :math:`r_0 = 25` s\ :sup:`-1`,
    :math:`T_E = 0.04` s, :math:`\varepsilon = 1`); its impulse response peaks about
    4.5 s after the impulse.  ``model="balloon_classic"`` uses Friston et al. (2000)
    (:math:`\kappa = 0.65`, :math:`\gamma = 0.41`, :math:`\tau = 0.98`, :math:`E_0 = 0.34`,
    :math:`V_0 = 0.02`) with :math:`k_1 = 7E_0`, :math:`k_2 = 2`, :math:`k_3 = 2E_0 - 0.2`
    (peak at about 3 s).

    The system starts at rest (:math:`s = 0`, :math:`f = v = q = 1`) at the first
    sample and is integrated with the classical Runge-Kutta method, the input held
    constant over each sampling interval; intervals longer than 10 ms are split into
    equal substeps.  It is computed with JAX in its default precision (float32 unless
    ``jax_enable_x64``), on deviations from rest so that single precision stays accurate.

    **The input's scale matters**: a sustained input :math:`u` gives the steady state
    :math:`f = 1 + u/\gamma`, :math:`v = f^{\alpha}`,
    :math:`q = v\,(1 - (1 - E_0)^{1/f}) / E_0`; inputs far beyond 1 saturate the
    response and inputs that push :math:`f` below 0 give NaN.

    Parameters
    ----------
    data
        Neural activity with a ``dim`` coordinate in ms, or a simulation Dataset
        (variable chosen by :func:`wbxr.analysis.select_variable`).  Other dims pass through.
    model
        ``"balloon"`` or ``"balloon_classic"`` (see above and :data:`BALLOON_MODELS`).
    params
        Replacements for the model's parameters (see :func:`balloon_constants`).
    var
        Data variable to use when ``data`` is a Dataset.
    dim
        The time dimension.

    Returns
    -------
    xarray.Dataset
        Variables ``s``, ``f``, ``v``, ``q`` and ``bold`` (the fractional signal change
        :math:`y`) with the input's dims and coords, each with ``long_name`` and
        ``units``; attrs ``model``, ``constants`` (a JSON string) and ``dt_ms``.  Lazy
        for dask input.

    Raises
    ------
    ValueError
        If ``data`` lacks ``dim`` or its coordinate, or for an unknown model or parameter.

    References
    ----------
    Buxton, R. B., Wong, E. C. & Frank, L. R. (1998). Dynamics of blood flow and
    oxygenation changes during brain activation: the balloon model. *Magnetic Resonance
    in Medicine* 39, 855-864.
    Friston, K. J., Mechelli, A., Turner, R. & Price, C. J. (2000). Nonlinear responses
    in fMRI: the Balloon model, Volterra kernels, and other hemodynamics. *NeuroImage* 12,
    466-477.
    Obata, T. et al. (2004). Discrepancies between BOLD and flow dynamics in primary and
    supplementary motor areas. *NeuroImage* 21, 144-153.
    Stephan, K. E., Weiskopf, N., Drysdale, P. M., Robinson, P. A. & Friston, K. J.
    (2007). Comparing hemodynamic models with DCM. *NeuroImage* 38, 387-401.

    Examples
    --------
    >>> import numpy as np
    >>> import xarray as xr
    >>> t = np.arange(0.0, 60_000.0, 10.0)                # 60 s sampled every 10 ms
    >>> x = xr.DataArray(np.full((t.size, 1), 0.32), dims=("time", "region"), coords={"time": t})
    >>> states = balloon_windkessel(x)
    >>> sorted(states.data_vars)
    ['bold', 'f', 'q', 's', 'v']
    >>> round(float(states.f[-1, 0]), 3)     # steady state 1 + u / gamma = 1 + 0.32 / 0.32
    2.0
    """
    data = as_signal(data, var, dim, need_region=False)
    step_ms = sampling_step_ms(data, dim)
    constants = balloon_constants(model, params)
    original_dims = data.dims
    data = one_chunk(data, (dim,))
    states = xr.apply_ufunc(
        _run_balloon,
        data,
        kwargs={"step_ms": step_ms, "constants": _constants_vector(constants), "with_states": True},
        input_core_dims=[[dim]],
        output_core_dims=[["balloon_state", dim]],
        dask="parallelized",
        output_dtypes=[np.float64],
        dask_gufunc_kwargs={"output_sizes": {"balloon_state": 5}},
    )
    result = xr.Dataset(
        attrs={"model": model, "constants": json.dumps(constants, sort_keys=True), "dt_ms": step_ms}
    )
    for index, name in enumerate(("s", "f", "v", "q", "bold")):
        variable = states.isel(balloon_state=index).transpose(*original_dims)
        if name in ("f", "v", "q"):
            variable = variable + 1.0
        result[name] = variable.assign_attrs(_STATE_ATTRS[name])
    return result


def bold(
    data: xr.DataArray | xr.Dataset,
    *,
    tr: Any = 720.0,
    model: str = "balloon",
    params: Mapping[str, float] | None = None,
    var: str | None = None,
    dim: str = "time",
) -> xr.DataArray:
    r"""Simulated BOLD signal from neural activity, sampled every TR.

    Integrates the Balloon-Windkessel model of :func:`balloon_windkessel` over the
    whole input at the data's own sampling step (RK4; substeps when the step is longer
    than 10 ms) and samples the BOLD signal

    .. math::

        y = V_0 \bigl[k_1 (1 - q) + k_2 (1 - q/v) + k_3 (1 - v)\bigr]

    at :math:`t_0, t_0 + \mathrm{TR}, t_0 + 2\,\mathrm{TR}, \dots` (:math:`t_0` the first
    input time; linear interpolation when TR is not a whole number of samples).  The
    model starts at rest at :math:`t_0`, so the first ~20 s are a transient, and the
    input's scale matters (see :func:`balloon_windkessel`).

    Parameters
    ----------
    data
        Neural activity (e.g. an excitatory rate or an oscillator's ``x``) with a
        ``dim`` coordinate in ms, or a simulation Dataset (variable chosen by
        :func:`wbxr.analysis.select_variable`).  Other dims pass through.
    tr
        Repetition time: a brainunit time quantity or a number in ms (default 720 ms,
        as in the Human Connectome Project).
    model
        ``"balloon"`` (Stephan et al. 2007 / Obata et al. 2004) or ``"balloon_classic"``
        (Friston et al. 2000).
    params
        Replacements for the model's parameters (see :func:`balloon_constants`).
    var
        Data variable to use when ``data`` is a Dataset.
    dim
        The time dimension.

    Returns
    -------
    xarray.DataArray
        The input's dims with ``dim`` resampled every TR (coordinate in the input's
        time units, ms).  Named ``"bold"``, attrs ``long_name="BOLD signal change"``,
        ``units="1"`` (fraction of the baseline signal), ``model``, ``tr_ms``.  Lazy for
        dask input.

    Raises
    ------
    ValueError
        If ``data`` lacks ``dim`` or its coordinate, ``tr`` is shorter than the sampling
        step or longer than the series, or for an unknown model or parameter.

    References
    ----------
    Friston, K. J., Mechelli, A., Turner, R. & Price, C. J. (2000). Nonlinear responses
    in fMRI: the Balloon model, Volterra kernels, and other hemodynamics. *NeuroImage* 12,
    466-477.
    Stephan, K. E. et al. (2007). Comparing hemodynamic models with DCM. *NeuroImage* 38,
    387-401.

    Examples
    --------
    >>> import brainunit as u
    >>> import numpy as np
    >>> import xarray as xr
    >>> t = np.arange(0.0, 30_000.0, 1.0)                 # 30 s at 1 kHz
    >>> pulse = np.where((t >= 1000) & (t < 1100), 1.0, 0.0)   # 100 ms of activity at 1 s
    >>> x = xr.DataArray(pulse[:, None], dims=("time", "region"), coords={"time": t})
    >>> y = bold(x, tr=500 * u.ms)
    >>> y.sizes["time"], float(y.time[1]), y.attrs["units"]
    (60, 500.0, '1')
    >>> float(y.time[y.argmax("time")].squeeze()) - 1000.0      # peak ~4.5 s after the pulse
    4500.0
    """
    data = as_signal(data, var, dim, need_region=False)
    step_ms = sampling_step_ms(data, dim)
    constants = balloon_constants(model, params)
    positions, grid = _tr_grid(data, tr, dim, step_ms)
    tr_ms = duration_ms(tr, "tr")
    original_dims = data.dims
    data = one_chunk(data, (dim,))
    result = xr.apply_ufunc(
        _bold_kernel,
        data,
        kwargs={"step_ms": step_ms, "constants": _constants_vector(constants), "positions": positions},
        input_core_dims=[[dim]],
        output_core_dims=[[dim]],
        exclude_dims={dim},
        dask="parallelized",
        output_dtypes=[np.float64],
        dask_gufunc_kwargs={"output_sizes": {dim: len(grid)}},
    )
    result = result.assign_coords({dim: (dim, grid, time_coord_attrs(data, dim))}).transpose(*original_dims)
    result.name = "bold"
    result.attrs = _bold_attrs(
        data, "Balloon-Windkessel model integrated over the input, sampled every TR", tr_ms, {"model": model}
    )
    return result


# ---------------------------------------------------------------------------------
# HRF kernels


_GLOVER = {"a1": 6.0, "a2": 12.0, "b1": 0.9, "b2": 0.9, "c": 0.35}


def _gamma_cdf(t_s: np.ndarray) -> np.ndarray:
    """Integral of the gamma HRF (shape 6, scale 1 s; peak at 5 s) from 0 to ``t_s``."""
    return scipy.stats.gamma.cdf(t_s, a=6.0, scale=1.0)


def _double_gamma_cdf(t_s: np.ndarray) -> np.ndarray:
    r"""Integral of Glover's double gamma from 0 to ``t_s``.

    :math:`(t/d)^a e^{-(t - d)/b}` with :math:`d = ab` equals
    :math:`A\,\mathrm{Gamma}(t; a + 1, b)` with :math:`A = \Gamma(a + 1)\, b\, e^{a} / a^{a}`.
    """
    a1, a2, b1, b2, c = (_GLOVER[k] for k in ("a1", "a2", "b1", "b2", "c"))

    def area(a: float, b: float) -> float:
        return math.exp(math.lgamma(a + 1.0) + a - a * math.log(a)) * b

    return area(a1, b1) * scipy.stats.gamma.cdf(t_s, a=a1 + 1.0, scale=b1) - c * area(
        a2, b2
    ) * scipy.stats.gamma.cdf(t_s, a=a2 + 1.0, scale=b2)


def _linearised_balloon(constants: Mapping[str, float]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``A, B, C`` of the Balloon-Windkessel model linearised about rest (states s, f-1, v-1, q-1)."""
    kappa, gamma, tau, alpha, E0 = (constants[k] for k in ("kappa", "gamma", "tau", "alpha", "E0"))
    V0, k1, k2, k3 = (constants[k] for k in ("V0", "k1", "k2", "k3"))
    oxygen_slope = 1.0 + (1.0 - E0) * math.log(1.0 - E0) / E0  # d/df [f E(f) / E0] at f = 1
    A = np.array(
        [
            [-kappa, -gamma, 0.0, 0.0],
            [1.0, 0.0, 0.0, 0.0],
            [0.0, 1.0 / tau, -1.0 / (alpha * tau), 0.0],
            [0.0, oxygen_slope / tau, -(1.0 / alpha - 1.0) / tau, -1.0 / tau],
        ]
    )
    B = np.array([1.0, 0.0, 0.0, 0.0])
    C = V0 * np.array([0.0, 0.0, k2 - k3, -(k1 + k2)])
    return A, B, C


def _volterra_cdf(t_s: np.ndarray, constants: Mapping[str, float]) -> np.ndarray:
    r"""Integral of the first-order Volterra kernel :math:`C e^{At} B` from 0 to ``t_s``."""
    A, B, C = _linearised_balloon(constants)
    eigenvalues, eigenvectors = np.linalg.eig(A)
    left = C @ eigenvectors
    right = np.linalg.solve(eigenvectors, B)
    growth = np.expm1(np.multiply.outer(t_s, eigenvalues)) / eigenvalues
    return np.real(growth @ (left * right))


def _kernel_weights(kernel: str, step_s: float, length_s: float, constants: Mapping[str, float]) -> np.ndarray:
    """Weights ``w_k`` (k = 0..L) with ``y_i = sum_k w_k x_{i-k}``, exact for input held over each step."""
    n_lags = max(1, math.ceil(length_s / step_s - 1e-9))
    edges = np.arange(n_lags + 1) * step_s
    if kernel == "gamma":
        cumulative = _gamma_cdf(edges)
    elif kernel == "double_gamma":
        cumulative = _double_gamma_cdf(edges)
    else:
        cumulative = _volterra_cdf(edges, constants)
    weights = np.concatenate([[0.0], np.diff(cumulative)])  # x_i acts only after t_i
    if kernel != "volterra":
        weights = weights / weights.sum()
    return weights


def _check_kernel(kernel: str) -> None:
    if kernel not in HRF_KERNELS:
        raise ValueError(f"kernel={kernel!r} is not one of {HRF_KERNELS}")


def hrf_kernel(
    kernel: str = "double_gamma",
    *,
    dt: Any = 1.0,
    length: Any = 32_000.0,
    model: str = "balloon",
    params: Mapping[str, float] | None = None,
) -> xr.DataArray:
    r"""A haemodynamic response function sampled on a lag grid.

    * ``"gamma"``: :math:`h(t) = t^{5} e^{-t} / \Gamma(6)` (:math:`t` in s), the
      positive lobe of the canonical HRF (Friston et al. 1998), peak at 5 s;
    * ``"double_gamma"``: Glover (1999),
      :math:`h(t) = (t/d_1)^{a_1} e^{-(t - d_1)/b_1} - c\,(t/d_2)^{a_2} e^{-(t - d_2)/b_2}`
      with :math:`a_1 = 6`, :math:`a_2 = 12`, :math:`b_1 = b_2 = 0.9` s,
      :math:`c = 0.35`, :math:`d_i = a_i b_i`: a peak at about 5.2 s and an undershoot
      around 12 s;
    * ``"volterra"``: the first-order Volterra kernel of the Balloon-Windkessel model
      (Friston et al. 2000), i.e. the impulse response of its linearisation about rest,
      :math:`h(t) = C e^{A t} B`, in BOLD fraction per (input x second).

    The gamma kernels are scaled to unit area, so that convolving with them keeps the
    input's units and a constant input is reproduced once the kernel has filled.

    Parameters
    ----------
    kernel
        ``"gamma"``, ``"double_gamma"`` or ``"volterra"``.
    dt
        Lag step (quantity or ms).
    length
        Kernel length (quantity or ms), default 32 s.
    model, params
        The Balloon-Windkessel variant of the ``"volterra"`` kernel (see :func:`bold`).

    Returns
    -------
    xarray.DataArray
        :math:`h` at lags ``0, dt, ..., length`` (dim and coordinate ``lag`` in ms), in
        1/s, named ``"hrf"``.

    References
    ----------
    Glover, G. H. (1999). Deconvolution of impulse response in event-related BOLD fMRI.
    *NeuroImage* 9, 416-429.
    Friston, K. J. et al. (1998). Event-related fMRI: characterizing differential
    responses. *NeuroImage* 7, 30-40.
    Friston, K. J., Mechelli, A., Turner, R. & Price, C. J. (2000). Nonlinear responses in
    fMRI: the Balloon model, Volterra kernels, and other hemodynamics. *NeuroImage* 12,
    466-477.

    Examples
    --------
    >>> float(hrf_kernel("double_gamma", dt=100.0).idxmax())
    5200.0
    >>> float(hrf_kernel("gamma", dt=100.0).idxmax())
    5000.0
    """
    _check_kernel(kernel)
    step_ms = duration_ms(dt, "dt")
    length_ms = duration_ms(length, "length")
    constants = balloon_constants(model, params)
    lags_ms = np.arange(int(math.floor(length_ms / step_ms + 1e-9)) + 1) * step_ms
    t_s = lags_ms / 1000.0
    if kernel == "gamma":
        values = scipy.stats.gamma.pdf(t_s, a=6.0, scale=1.0)
    elif kernel == "double_gamma":
        g = _GLOVER
        d1, d2 = g["a1"] * g["b1"], g["a2"] * g["b2"]
        values = (t_s / d1) ** g["a1"] * np.exp(-(t_s - d1) / g["b1"]) - g["c"] * (t_s / d2) ** g["a2"] * np.exp(
            -(t_s - d2) / g["b2"]
        )
        values = values / (_double_gamma_cdf(np.array([np.inf]))[0])
    else:
        A, B, C = _linearised_balloon(constants)
        eigenvalues, eigenvectors = np.linalg.eig(A)
        weights = (C @ eigenvectors) * np.linalg.solve(eigenvectors, B)
        values = np.real(np.exp(np.multiply.outer(t_s, eigenvalues)) @ weights)
    return xr.DataArray(
        values,
        dims="lag",
        coords={"lag": ("lag", lags_ms, {"units": "ms", "long_name": "lag"})},
        name="hrf",
        attrs={"long_name": f"haemodynamic response function ({kernel})", "units": "1/s", "kernel": kernel},
    )


def _convolve_kernel(values: np.ndarray, weights: np.ndarray, positions: np.ndarray) -> np.ndarray:
    values = np.asarray(values, dtype=np.float64)
    n_time = values.shape[-1]
    shape = (1,) * (values.ndim - 1) + (len(weights),)
    convolved = scipy.signal.oaconvolve(values, weights.reshape(shape), axes=-1)[..., :n_time]
    return _sample_at(convolved, positions)


def hrf_convolve(
    data: xr.DataArray | xr.Dataset,
    kernel: str = "double_gamma",
    *,
    tr: Any = 720.0,
    length: Any = 32_000.0,
    model: str = "balloon",
    params: Mapping[str, float] | None = None,
    var: str | None = None,
    dim: str = "time",
) -> xr.DataArray:
    r"""BOLD signal as neural activity convolved with a haemodynamic response function.

    .. math::

        y(t) = \int_0^{L} h(\tau)\, x(t - \tau)\, d\tau

    with :math:`h` from :func:`hrf_kernel` (``"gamma"``, Glover's ``"double_gamma"`` or
    the ``"volterra"`` kernel of the Balloon-Windkessel model), truncated at
    :math:`L` = ``length`` and sampled every TR like :func:`bold`.  The input is taken as
    held constant over each sampling interval and zero before the first sample, and the
    kernel is integrated exactly over each interval.  A linear model: for small inputs
    the ``"volterra"`` kernel reproduces :func:`bold` (Friston et al. 2000); the
    Balloon model's nonlinearities (saturation, refractoriness) appear for larger ones.

    Parameters
    ----------
    data
        Neural activity with a ``dim`` coordinate in ms, or a simulation Dataset
        (variable chosen by :func:`wbxr.analysis.select_variable`).  Other dims pass through.
    kernel
        ``"gamma"``, ``"double_gamma"`` or ``"volterra"``.
    tr
        Repetition time (quantity or ms), default 720 ms.
    length
        Kernel length (quantity or ms), default 32 s.
    model, params
        The Balloon-Windkessel variant of the ``"volterra"`` kernel (see :func:`bold`).
    var
        Data variable to use when ``data`` is a Dataset.
    dim
        The time dimension.

    Returns
    -------
    xarray.DataArray
        As :func:`bold`: ``dim`` resampled every TR, named ``"bold"``.  The gamma
        kernels have unit area, so the result keeps the input's ``units``; the
        ``"volterra"`` result is a BOLD fraction (``units="1"``).  Lazy for dask input.

    Raises
    ------
    ValueError
        For an unknown kernel, or as :func:`bold`.

    References
    ----------
    Glover, G. H. (1999). Deconvolution of impulse response in event-related BOLD fMRI.
    *NeuroImage* 9, 416-429.
    Friston, K. J., Mechelli, A., Turner, R. & Price, C. J. (2000). Nonlinear responses in
    fMRI: the Balloon model, Volterra kernels, and other hemodynamics. *NeuroImage* 12,
    466-477.

    Examples
    --------
    >>> import numpy as np
    >>> import xarray as xr
    >>> t = np.arange(0.0, 60_000.0, 10.0)
    >>> x = xr.DataArray(np.ones((t.size, 1)), dims=("time", "region"), coords={"time": t},
    ...                  attrs={"units": "Hz"})
    >>> y = hrf_convolve(x, "double_gamma", tr=1000.0)
    >>> y.sizes["time"], round(float(y[-1, 0]), 6), y.attrs["units"]   # constant input comes back
    (60, 1.0, 'Hz')
    """
    _check_kernel(kernel)
    data = as_signal(data, var, dim, need_region=False)
    step_ms = sampling_step_ms(data, dim)
    length_ms = duration_ms(length, "length")
    constants = balloon_constants(model, params)
    positions, grid = _tr_grid(data, tr, dim, step_ms)
    tr_ms = duration_ms(tr, "tr")
    weights = _kernel_weights(kernel, step_ms / 1000.0, length_ms / 1000.0, constants)
    original_dims = data.dims
    data = one_chunk(data, (dim,))
    result = xr.apply_ufunc(
        _convolve_kernel,
        data,
        kwargs={"weights": weights, "positions": positions},
        input_core_dims=[[dim]],
        output_core_dims=[[dim]],
        exclude_dims={dim},
        dask="parallelized",
        output_dtypes=[np.float64],
        dask_gufunc_kwargs={"output_sizes": {dim: len(grid)}},
    )
    result = result.assign_coords({dim: (dim, grid, time_coord_attrs(data, dim))}).transpose(*original_dims)
    result.name = "bold"
    extra: dict[str, Any] = {"kernel": kernel, "kernel_length_ms": length_ms}
    if kernel == "volterra":
        extra["model"] = model
    result.attrs = _bold_attrs(data, f"neural input convolved with the {kernel} HRF, sampled every TR", tr_ms, extra)
    if kernel != "volterra":
        result.attrs["units"] = str(data.attrs.get("units", "1"))
        result.attrs["long_name"] = f"HRF-convolved {result.attrs['input']}"
    return result
