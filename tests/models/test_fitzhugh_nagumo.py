"""wbxr.models.FitzHughNagumo: equations, fixed point, excitable and oscillatory regimes."""

import numpy as np
import pytest
from _model_testing import (
    crossing_times,
    evaluate,
    jacobian,
    run_uncoupled,
    sorted_eigenvalues,
    upward_crossings,
)
from scipy.integrate import solve_ivp

from wbxr.models import FitzHughNagumo


def numpy_fhn(v, w, iv, iw, a, b, eps, I_ext, tau):
    return (v - v**3 / 3 - w + I_ext + iv) / tau, (eps * (v + a - b * w) + iw) / tau


def fixed_point(a=0.7, b=0.8, I_ext=0.0):
    roots = np.roots([-1 / 3, 0.0, 1 - 1 / b, I_ext - a / b])
    v = roots[np.abs(roots.imag) < 1e-9].real
    assert v.size == 1
    return float(v[0]), float((v[0] + a) / b)


def test_dfun_matches_the_equations_with_per_region_parameters(x64):
    rng = np.random.default_rng(0)
    state, inputs = rng.normal(size=(2, 2, 5))
    eps, tau = rng.uniform(0.01, 0.3, 5), rng.uniform(0.5, 5, 5)
    with x64():
        model = FitzHughNagumo(eps=eps, tau=tau, I_ext=0.3, a=0.6)
        got = np.asarray(evaluate(model, state, inputs))
    np.testing.assert_allclose(got, numpy_fhn(*state, *inputs, 0.6, 0.8, eps, 0.3, tau), rtol=1e-12)


@pytest.mark.parametrize("I_ext, stable", [(0.0, True), (0.5, False)])
def test_fixed_point_and_its_stability(x64, I_ext, stable):
    v, w = fixed_point(I_ext=I_ext)
    if I_ext == 0.0:
        assert (v, w) == pytest.approx((-1.19941, -0.62426), abs=1e-5)
    eps, b, tau = 0.08, 0.8, 2.0
    with x64():
        model = FitzHughNagumo(I_ext=I_ext, tau=tau)
        jac = jacobian(model, np.array([v, w]))
    analytic = np.array([[1 - v**2, -1.0], [eps, -eps * b]]) / tau
    np.testing.assert_allclose(jac, analytic, atol=1e-12)
    eig = sorted_eigenvalues(jac)
    np.testing.assert_allclose(eig, sorted_eigenvalues(analytic), atol=1e-12)
    assert np.all(eig.real < 0) == stable


def reference_period(I_ext):
    """Period of the limit cycle from scipy's adaptive integrator (time unit 1 ms)."""
    sol = solve_ivp(lambda t, s: numpy_fhn(*s, 0, 0, 0.7, 0.8, 0.08, I_ext, 1.0), (0, 300), [0.0, 0.0],
                    method="DOP853", rtol=1e-10, atol=1e-10, dense_output=True)
    t = np.arange(0, 300, 0.01)
    return np.diff(crossing_times(t, sol.sol(t)[0], 0.0))[-3:].mean()


def test_excitable_and_oscillatory_regimes():
    """Regions 0-1: excitable (sub- and supra-threshold kick); region 2: limit cycle."""
    v_rest, w_rest = fixed_point()
    ds = run_uncoupled(
        FitzHughNagumo(I_ext=[0.0, 0.0, 0.5]), duration=600.0, dt=0.05, n_regions=3, method="rk4",
        initial_state={"v": [v_rest + 0.2, v_rest + 1.0, 0.0], "w": [w_rest, w_rest, 0.0]},
    )
    v = ds.v.values
    sub, supra, osc = v[:, 0], v[:, 1], v[:, 2]
    assert sub.max() < v_rest + 0.21           # decays without a spike
    assert supra.max() > 1.5                   # one full spike ...
    assert len(upward_crossings(supra, 0.0)) == 1
    np.testing.assert_allclose([sub[-1], supra[-1]], v_rest, atol=1e-3)   # ... then rest
    late = osc[ds.time.values > 200]
    assert np.ptp(late) > 3.5                  # relaxation oscillation between the outer branches
    period = np.diff(crossing_times(ds.time.values, osc, 0.0))[-3:].mean()
    assert period == pytest.approx(reference_period(0.5), rel=1e-3)
    assert period == pytest.approx(39.5, abs=0.3)
