"""wbxr.models.ThresholdLinear: equations, fixed points above and below threshold."""

import numpy as np
import pytest
from _model_testing import evaluate, jacobian

from wbxr.models import ThresholdLinear


def numpy_tl(r, i, tau, gain, theta, w, I_0):
    return (-r + gain * np.maximum(w * r + I_0 + i - theta, 0.0)) / tau


def test_dfun_matches_the_equations_with_per_region_parameters(x64):
    rng = np.random.default_rng(14)
    r, inputs = rng.uniform(0, 2, (1, 8)), rng.normal(size=(1, 8))
    theta = rng.uniform(-1, 2, 8)
    with x64():
        got = np.asarray(evaluate(ThresholdLinear(theta=theta, w=0.4, gain=1.5, I_0=0.8), r, inputs))
    expected = numpy_tl(r, inputs, 10.0, 1.5, theta, 0.4, 0.8)
    assert (expected * 10 + r == 0).any() and (expected * 10 + r > 0).any()   # both sides of threshold
    np.testing.assert_allclose(got, expected, rtol=1e-14)


@pytest.mark.parametrize("I_0, theta, r_star, eig", [
    (2.0, 0.5, 1.5 * 1.5 / (1 - 1.5 * 0.4), (1.5 * 0.4 - 1) / 10.0),   # above threshold
    (0.5, 1.0, 0.0, -1 / 10.0),                                       # below threshold
])
def test_fixed_point_and_eigenvalue(x64, I_0, theta, r_star, eig):
    model = ThresholdLinear(I_0=I_0, theta=theta, w=0.4, gain=1.5)
    with x64():
        jac = jacobian(model, np.array([r_star]))
        rate = np.asarray(evaluate(model, np.array([[r_star]]), np.zeros((1, 1))))
    assert float(rate[0, 0]) == pytest.approx(0.0, abs=1e-14)
    assert jac[0, 0] == pytest.approx(eig, rel=1e-12)
