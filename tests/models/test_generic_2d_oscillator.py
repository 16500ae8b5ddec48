"""wbxr.models.Generic2dOscillator: equations, fixed points, excitable vs oscillatory configurations."""

import numpy as np
import pytest
from _model_testing import evaluate, jacobian, run_uncoupled, sorted_eigenvalues

from wbxr.models import Generic2dOscillator

DEFAULTS = {"tau": 1.0, "I_ext": 0.0, "a": -2.0, "b": -10.0, "c": 0.0, "d": 0.02, "e": 3.0, "f": 1.0, "g": 0.0,
                "alpha": 1.0, "beta": 1.0, "gamma": 1.0}


def numpy_g2d(V, W, iV, iW, p):
    dV = p["d"] * p["tau"] * (p["alpha"] * W - p["f"] * V**3 + p["e"] * V**2 + p["g"] * V
                              + p["gamma"] * p["I_ext"] + p["gamma"] * iV)
    dW = p["d"] / p["tau"] * (p["a"] + p["b"] * V + p["c"] * V**2 - p["beta"] * W + iW)
    return dV, dW


def fixed_point(p):
    """W = (a + bV + cV^2)/beta on the W nullcline; solve the V nullcline (one real root here)."""
    k = p["alpha"] / p["beta"]
    roots = np.roots([-p["f"], p["e"] + k * p["c"], p["g"] + k * p["b"], k * p["a"] + p["gamma"] * p["I_ext"]])
    V = roots[np.abs(roots.imag) < 1e-9].real
    assert V.size == 1
    V = float(V[0])
    return V, (p["a"] + p["b"] * V + p["c"] * V**2) / p["beta"]


def analytic_jacobian(V, p):
    return np.array([
        [p["d"] * p["tau"] * (-3 * p["f"] * V**2 + 2 * p["e"] * V + p["g"]), p["d"] * p["tau"] * p["alpha"]],
        [p["d"] / p["tau"] * (p["b"] + 2 * p["c"] * V), -p["d"] * p["beta"] / p["tau"]],
    ])


def test_dfun_matches_the_equations_with_per_region_parameters(x64):
    rng = np.random.default_rng(2)
    state, inputs = rng.normal(size=(2, 2, 5))
    p = dict(DEFAULTS, a=rng.uniform(-3, 3, 5), tau=1.5, c=-1.0, g=0.5, gamma=-1.0, I_ext=0.2)
    with x64():
        got = np.asarray(evaluate(Generic2dOscillator(**p), state, inputs))
    np.testing.assert_allclose(got, numpy_g2d(*state, *inputs, p), rtol=1e-12)


@pytest.mark.parametrize("a, stable, hz", [(-2.0, True, None), (2.0, False, None), (-0.5, True, 10.0)])
def test_fixed_point_stability_and_frequency(x64, a, stable, hz):
    p = dict(DEFAULTS, a=a)
    V, W = fixed_point(p)
    with x64():
        model = Generic2dOscillator(a=a)
        np.testing.assert_allclose(np.asarray(evaluate(model, np.array([[V], [W]]), np.zeros((2, 1)))), 0.0, atol=1e-12)
        jac = jacobian(model, np.array([V, W]))
    np.testing.assert_allclose(jac, analytic_jacobian(V, p), atol=1e-12)
    eig = sorted_eigenvalues(jac)
    assert np.all(eig.real < 0) == stable
    assert np.all(eig.imag != 0)                       # a focus in all three configurations
    if hz is not None:                                 # Sanz-Leon et al. 2013: about 10 Hz
        assert abs(eig[0].imag) * 1000 / (2 * np.pi) == pytest.approx(hz, abs=0.1)


def test_default_is_excitable_and_a_equal_2_oscillates():
    ds = run_uncoupled(Generic2dOscillator(a=[-2.0, 2.0]), duration=1500.0, dt=0.1, n_regions=2,
                       initial_state={"V": 1.0, "W": 0.0})
    late = ds.V.values[ds.time.values > 1000]
    np.testing.assert_allclose(late[-1, 0], fixed_point(DEFAULTS)[0], atol=1e-4)
    assert np.ptp(late[:, 0]) < 1e-3
    assert np.ptp(late[:, 1]) > 1.0
