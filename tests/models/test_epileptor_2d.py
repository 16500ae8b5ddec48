"""wbxr.models.Epileptor2D: equations, the critical x0, recurrent seizures."""

import numpy as np
import pytest
from _model_testing import (
    crossing_times,
    evaluate,
    jacobian,
    run_uncoupled,
    sorted_eigenvalues,
)
from scipy.integrate import solve_ivp

from wbxr.models import Epileptor2D

P = {"x0": -1.6, "Iext": 3.1, "r": 0.00035, "s": 4.0, "K_vf": 0.0, "K_s": 1.0, "tt": 1.0}


def numpy_epileptor2d(x1, z, i1, iz, p):
    """Proix et al. (2014), eq. 2, with the permittivity coupling term -K_s * input."""
    dx1 = -x1**3 - 2 * x1**2 + 1 - z + p["Iext"] + p["K_vf"] * i1
    dz = p["r"] * (p["s"] * (x1 - p["x0"]) - z - p["K_s"] * i1) + iz
    return np.array([p["tt"] * dx1, p["tt"] * dz])


def test_dfun_matches_the_equations_with_per_region_parameters(x64):
    rng = np.random.default_rng(10)
    x1, z = rng.uniform(-2, 1, 6), rng.uniform(2, 5, 6)
    i1, iz = rng.normal(size=(2, 6))
    p = dict(P, x0=rng.uniform(-3, -1, 6), K_vf=0.7, K_s=1.5, tt=2.0)
    with x64():
        got = np.asarray(evaluate(Epileptor2D(**p), np.stack([x1, z]), np.stack([i1, iz])))
    np.testing.assert_allclose(got, numpy_epileptor2d(x1, z, i1, iz, p), rtol=1e-12, atol=1e-16)


def test_diffusive_input_is_proix_permittivity_coupling(x64):
    """Input I = sum_j K_ij (x1_j - x1_i) lowers z: neighbours in seizure push a node towards one."""
    x1, z = np.array([-1.5]), np.array([3.0])
    with x64():
        quiet = np.asarray(evaluate(Epileptor2D(), np.stack([x1, z]), np.zeros((2, 1))))
        pushed = np.asarray(evaluate(Epileptor2D(K_s=2.0), np.stack([x1, z]), np.array([[1.2], [0.0]])))
    assert pushed[0, 0] == quiet[0, 0]                   # K_vf = 0: no fast coupling
    assert pushed[1, 0] - quiet[1, 0] == pytest.approx(-P["r"] * 2.0 * 1.2, rel=1e-12)


def critical_x0(Iext=3.1, s=4.0):
    """x0 at which the fixed point reaches the fold of the cubic (x1 = -4/3)."""
    x1 = -4 / 3
    z = -x1**3 - 2 * x1**2 + 1 + Iext
    return x1 - z / s


@pytest.mark.parametrize("x0, stable", [(-2.5, True), (-2.1, True), (-2.0, False), (-1.6, False)])
def test_fixed_point_is_stable_only_below_the_critical_x0(x64, x0, stable):
    x0c = critical_x0()
    assert x0c == pytest.approx(-2.0620, abs=1e-4)
    assert (x0 < x0c) == stable
    p = dict(P, x0=x0)
    roots = np.roots([-1.0, -2.0, -p["s"], 1 + p["Iext"] + p["s"] * x0])   # x1 with z = s (x1 - x0)
    x1 = float(roots[np.abs(roots.imag) < 1e-9].real[0])
    z = p["s"] * (x1 - x0)
    analytic = np.array([[-3 * x1**2 - 4 * x1, -1.0], [p["r"] * p["s"], -p["r"]]])
    with x64():
        jac = jacobian(Epileptor2D(x0=x0), np.array([x1, z]))
    np.testing.assert_allclose(jac, analytic, atol=1e-12)
    assert np.all(sorted_eigenvalues(jac).real < 0) == stable


def test_seizures_recur_above_the_critical_x0_only():
    start = {"x1": -1.6, "z": 3.0}
    ds = run_uncoupled(Epileptor2D(x0=[-1.6, -2.5]), duration=20000.0, dt=0.1, n_regions=2, every=11,
                       method="heun", initial_state=start)
    t = ds.time.values
    onsets = crossing_times(t, ds.x1.values[:, 0], -0.5)
    assert 11 <= onsets.size <= 13
    intervals = np.diff(onsets)
    sol = solve_ivp(lambda _, s: numpy_epileptor2d(*s, 0, 0, P), (0, 8000), [-1.6, 3.0], method="LSODA",
                    rtol=1e-9, atol=1e-11, dense_output=True)
    tt = np.arange(0, 8000, 0.5)
    reference = np.diff(crossing_times(tt, sol.sol(tt)[0], -0.5))
    assert intervals.mean() == pytest.approx(reference.mean(), rel=2e-3)
    assert intervals.std() < 0.01 * intervals.mean()
    assert crossing_times(t, ds.x1.values[:, 1], -0.5).size == 0
    assert ds.x1.values[-1, 1] < -1.5                    # resting on the interictal branch
