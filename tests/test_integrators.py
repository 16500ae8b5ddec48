"""wbxr.integrators: convergence orders on a known ODE and the shared noise increment."""

import numpy as np
import pytest

from wbxr.integrators import STEPPERS


def solve(method, dt, t_end=2.0):
    """z' = -z + cos(t) from z(0) = 1, with theta giving the stage time."""
    field_at = lambda t: (lambda z, theta: -z + np.cos(t + theta * dt))
    z = np.float64(1.0)
    t = 0.0
    for _ in range(int(round(t_end / dt))):
        z = STEPPERS[method](field_at(t), z, dt, None)
        t += dt
    exact = 0.5 * (np.cos(t_end) + np.sin(t_end)) + 0.5 * np.exp(-t_end)
    return abs(float(z) - exact)


@pytest.mark.parametrize("method, order", [("euler", 1), ("heun", 2), ("rk4", 4)])
def test_convergence_order(method, order):
    errors = [solve(method, dt) for dt in (0.1, 0.05)]
    assert np.log2(errors[0] / errors[1]) == pytest.approx(order, abs=0.15)


@pytest.mark.parametrize("method", ["euler", "heun", "rk4"])
def test_noise_increment_is_added_once(method):
    """With a zero field the step is exactly the increment."""
    zero_field = lambda z, theta: 0.0 * z
    assert float(STEPPERS[method](zero_field, np.float64(1.0), 0.1, 0.25)) == pytest.approx(1.25)


def test_stochastic_heun_uses_the_increment_in_the_predictor():
    """z' = -z: predictor z + dt(-z) + dW, corrector average of the slopes, plus dW."""
    field = lambda z, theta: -z
    z, dt, dw = 1.0, 0.1, 0.3
    predicted = z - dt * z + dw
    expected = z + dt / 2 * (-z - predicted) + dw
    assert float(STEPPERS["heun"](field, np.float64(z), dt, dw)) == pytest.approx(expected)


# --- multiplicative noise: a function of the stage state ---------------------------------
def test_multiplicative_noise_is_evaluated_at_the_start_for_euler_and_rk4():
    """Itô: the increment uses g(z_n); with a zero field the step is z + g(z) dW."""
    zero_field = lambda z, theta: 0.0 * z
    g_dw = lambda z: 0.3 * z**2  # g(z) = z^2, dW = 0.3
    for method in ("euler", "rk4"):
        assert float(STEPPERS[method](zero_field, np.float64(2.0), 0.1, g_dw)) == pytest.approx(2.0 + 1.2)


def test_stochastic_heun_averages_the_amplitude_over_start_and_predictor():
    """Stratonovich: z + dt/2 (f(z) + f(p)) + (g(z) + g(p)) dW / 2 with p = z + dt f(z) + g(z) dW."""
    field = lambda z, theta: -z
    g = lambda z: z**2
    z, dt, dw = 1.5, 0.1, 0.3
    predicted = z - dt * z + g(z) * dw
    expected = z + dt / 2 * (-z - predicted) + 0.5 * (g(z) + g(predicted)) * dw
    actual = STEPPERS["heun"](field, np.float64(z), dt, lambda state: g(state) * dw)
    assert float(actual) == pytest.approx(expected, rel=1e-12)


@pytest.mark.parametrize("method", ["euler", "heun", "rk4"])
def test_a_constant_amplitude_gives_the_additive_step_bit_for_bit(method):
    field = lambda z, theta: np.sin(z) + theta
    z = np.float64(0.7)
    additive = STEPPERS[method](field, z, 0.05, np.float64(0.013))
    as_function = STEPPERS[method](field, z, 0.05, lambda state: np.float64(0.013))
    assert additive == as_function


def test_heun_converges_to_the_stratonovich_solution_of_linear_multiplicative_noise():
    """dz = a z dt + b z o dW has z(T) = z0 exp(a T + b W_T) (Kloeden & Platen 1992, 4.4)."""
    rng = np.random.default_rng(0)
    a, b, T, n = -0.5, 0.8, 1.0, 2000
    dt = T / n
    dw = rng.normal(0.0, np.sqrt(dt), (n, 500))
    z = np.ones(500)
    for step in dw:
        z = STEPPERS["heun"](lambda state, theta: a * state, z, dt, lambda state, step=step: b * state * step)
    exact = np.exp(a * T + b * dw.sum(axis=0))
    assert np.max(np.abs(z - exact) / exact) < 0.01
