"""Helpers shared by the node-model tests (not a test module)."""

from __future__ import annotations

import jax
import jax.numpy as jnp
import numpy as np

import wbxr


def field_at(model, point, inputs=None):
    """``dfun`` of one region at ``point`` (a 1-D array of the state variables)."""
    point = jnp.asarray(point)
    n = point.shape[0]
    inputs = jnp.zeros((n, 1), point.dtype) if inputs is None else jnp.asarray(inputs).reshape(n, 1)
    return type(model).dfun(point.reshape(n, 1), inputs, model).ravel()


@jax.jit
def evaluate(model, state, inputs):
    """``dfun`` compiled once per model type and shape (cheaper than op-by-op dispatch)."""
    return type(model).dfun(state, inputs, model)


@jax.jit
def _jacobian(model, point):
    return jax.jacfwd(lambda s: field_at(model, s))(point)


def jacobian(model, point):
    """The Jacobian of one region's vector field at ``point``, by forward-mode autodiff."""
    return np.asarray(_jacobian(model, jnp.asarray(point)))


def sort_values(values):
    """Complex numbers sorted by real part, then imaginary part."""
    values = np.asarray(values, dtype=complex)
    return values[np.lexsort((values.imag, values.real))]


def sorted_eigenvalues(matrix):
    """Eigenvalues sorted by real part, then imaginary part."""
    return sort_values(np.linalg.eigvals(np.asarray(matrix, dtype=float)))


def numerical_jacobian(f, x, eps=1e-6):
    """Central-difference Jacobian of a numpy function ``f`` at ``x`` (float64)."""
    x = np.asarray(x, dtype=float)
    columns = []
    for k in range(x.size):
        step = np.zeros_like(x)
        step[k] = eps
        columns.append((np.asarray(f(x + step)) - np.asarray(f(x - step))) / (2 * eps))
    return np.stack(columns, axis=1)


def cheap_schedule(duration, dt, every=1):
    """``(duration, sample_every)`` close to the request whose compiled loop stays small.

    ``simulate`` puts up to ``min delay`` steps in a block (one gather of delayed inputs;
    unrolled on accelerators); the block length is a divisor of the number of samples
    (sampling every step) or of the steps per sample (sampling every ``every > 10`` steps).
    Numbers coprime with 2, 3, 5 and 7 give blocks of one step, the smallest program.
    """
    if every == 1:
        n = int(np.ceil(duration / dt - 1e-9))
        while np.gcd(n, 210) != 1:
            n += 1
        return n * dt, dt
    if every <= 10 or np.gcd(every, 210) != 1:
        raise ValueError("every must be 1 or a number > 10 coprime with 210 (11, 13, 17, ...)")
    n = int(np.ceil(duration / (every * dt) - 1e-9))
    return n * every * dt, every * dt


def run_uncoupled(model, duration, dt, *, n_regions=1, every=1, method="euler",
                  initial_state=None, seed=0, monitors=None):
    """Simulate ``n_regions`` unconnected copies of a node (per-region parameters allowed).

    The duration is rounded up (see :func:`cheap_schedule`); samples every ``every`` steps.
    """
    net = wbxr.Network(model, wbxr.connectome(np.zeros((n_regions, n_regions))), k=0.0)
    duration, sample_every = cheap_schedule(duration, dt, every)
    return wbxr.simulate(net, duration=duration, dt=dt, sample_every=sample_every, method=method,
                         initial_state=initial_state, seed=seed, monitors=monitors)


def upward_crossings(x, level):
    """Indices where ``x`` crosses ``level`` from below."""
    x = np.asarray(x)
    return np.flatnonzero((x[:-1] < level) & (x[1:] >= level))


def crossing_times(t, x, level):
    """Times where ``x`` crosses ``level`` upwards, linearly interpolated between samples."""
    t, x = np.asarray(t), np.asarray(x)
    i = upward_crossings(x, level)
    return t[i] + (level - x[i]) * (t[i + 1] - t[i]) / (x[i + 1] - x[i])


def find_fixed_points(f, starts, tol=1e-9):
    """Distinct roots of the numpy vector field ``f`` reached by ``scipy.optimize.fsolve`` from ``starts``."""
    from scipy.optimize import fsolve

    roots = []
    for start in starts:
        root, info, converged, _ = fsolve(f, np.asarray(start, dtype=float), full_output=True, xtol=1e-13)
        if converged == 1 and np.abs(f(root)).max() < tol and not any(np.allclose(root, r, atol=1e-6) for r in roots):
            roots.append(root)
    return sorted(roots, key=lambda r: tuple(r))


def oscillation_frequency_hz(t_ms, x):
    """Mean frequency (Hz) of the upward crossings of ``x`` through its mean."""
    times = crossing_times(t_ms, x, float(np.mean(x)))
    return 1000.0 / float(np.mean(np.diff(times)))
