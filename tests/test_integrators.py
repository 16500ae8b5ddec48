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
