"""wbxr.models.MontbrioPazoRoxin: equations, the three fixed points, bistability."""

import numpy as np
import pytest
from _model_testing import (
    evaluate,
    jacobian,
    run_uncoupled,
    sort_values,
    sorted_eigenvalues,
)

from wbxr.models import MontbrioPazoRoxin


def numpy_mpr(r, V, ir, iV, tau, Delta, eta, J, I_ext):
    dr = (Delta / (np.pi * tau) + 2 * r * V) / tau
    dV = (V**2 + eta + J * tau * r - (np.pi * tau * r) ** 2 + I_ext + ir + iV) / tau
    return dr, dV


def fixed_points(tau=10.0, Delta=1.0, eta=-5.0, J=15.0):
    """Positive roots u = tau r of Delta^2 + 4 pi^2 eta u^2 + 4 pi^2 J u^3 - 4 pi^4 u^4 = 0."""
    roots = np.roots([-4 * np.pi**4, 4 * np.pi**2 * J, 4 * np.pi**2 * eta, 0.0, Delta**2])
    u = np.sort(roots[(np.abs(roots.imag) < 1e-9) & (roots.real > 0)].real)
    return [(ui / tau, -Delta / (2 * np.pi * ui)) for ui in u]


def test_dfun_matches_the_equations_with_per_region_parameters(x64):
    rng = np.random.default_rng(5)
    r, V = rng.uniform(0, 0.2, 5), rng.normal(size=5)
    ir, iV = rng.normal(size=(2, 5))
    eta, tau = rng.uniform(-8, 2, 5), 8.0
    with x64():
        model = MontbrioPazoRoxin(eta=eta, tau=tau, J=12.0, I_ext=0.7)
        got = np.asarray(evaluate(model, np.stack([r, V]), np.stack([ir, iV])))
    np.testing.assert_allclose(got, numpy_mpr(r, V, ir, iV, tau, 1.0, eta, 12.0, 0.7), rtol=1e-12)


def test_standard_parameters_give_node_saddle_and_focus(x64):
    tau = 10.0
    points = fixed_points(tau)
    assert len(points) == 3
    np.testing.assert_allclose([tau * r for r, _ in points], [0.081134, 0.472980, 1.030597], atol=1e-6)
    kinds = []
    for r, V in points:
        analytic = sort_values([(2 * V + s * np.sqrt(complex(2 * r * (15 * tau - 2 * np.pi**2 * tau**2 * r)))) / tau
                                for s in (-1, 1)])
        with x64():
            model = MontbrioPazoRoxin()
            np.testing.assert_allclose(np.asarray(evaluate(model, np.array([[r], [V]]), np.zeros((2, 1)))), 0.0, atol=1e-12)
            eig = sorted_eigenvalues(jacobian(model, np.array([r, V])))
        np.testing.assert_allclose(eig, analytic, atol=1e-10)
        kinds.append("focus" if np.any(eig.imag != 0) else ("node" if np.all(eig.real < 0) else "saddle"))
        if kinds[-1] == "focus":
            assert np.all(eig.real < 0)
            assert abs(eig[0].imag) * tau == pytest.approx(3.3186, abs=1e-3)
    assert kinds == ["node", "saddle", "focus"]


def test_bistability_two_initial_conditions_two_stable_states():
    ds = run_uncoupled(MontbrioPazoRoxin(), duration=400.0, dt=0.05, n_regions=2, every=11,
                       initial_state={"r": [0.005, 0.1], "V": [-2.0, 0.0]})
    low, _, high = fixed_points()
    np.testing.assert_allclose([ds.r.values[-1, 0], ds.V.values[-1, 0]], low, rtol=1e-4)
    np.testing.assert_allclose([ds.r.values[-1, 1], ds.V.values[-1, 1]], high, rtol=1e-4)
