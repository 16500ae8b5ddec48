"""wbxr.models.Hopf: equations, parameters, pytree behaviour."""

import brainunit as u
import jax
import jax.numpy as jnp
import numpy as np
import pytest

from wbxr.models import Hopf
from wbxr.noise import White


def numpy_hopf(x, y, ix, iy, a, w, beta):
    r2 = x**2 + y**2
    return (a - beta * r2) * x - w * y + ix, (a - beta * r2) * y + w * x + iy


def test_dfun_matches_the_equations():
    rng = np.random.default_rng(0)
    state, inputs = rng.normal(size=(2, 2, 5))
    a, w, beta = rng.normal(size=5), 0.7, 1.5
    model = Hopf(a=a, w=w, beta=beta)
    got = np.asarray(Hopf.dfun(jnp.asarray(state), jnp.asarray(inputs), model))
    np.testing.assert_allclose(got, numpy_hopf(*state, *inputs, a, w, beta), rtol=1e-6)


def test_jacobian_at_origin_has_eigenvalues_a_plus_minus_iw():
    model = Hopf(a=-0.3, w=0.8)
    jac = jax.jacfwd(lambda s: Hopf.dfun(s.reshape(2, 1), jnp.zeros((2, 1)), model).ravel())(jnp.zeros(2))
    eig = np.sort_complex(np.linalg.eigvals(np.asarray(jac)))
    np.testing.assert_allclose(eig, [-0.3 - 0.8j, -0.3 + 0.8j], atol=1e-6)


def test_defaults_and_metadata():
    model = Hopf()
    assert model.parameters() == {"a": 0.25, "w": 0.2, "beta": 1.0}
    assert Hopf.state_variables == ("x", "y") and Hopf.default_coupled_var == "x"
    assert model.describe()["parameters"]["w"] == {"value": 0.2, "unit": "rad/ms"}


def test_quantities_are_converted_to_the_parameter_units():
    model = Hopf(a=200 * u.Hz, w=0.3 * u.kHz)
    assert model.a == pytest.approx(0.2) and model.w == pytest.approx(0.3)
    with pytest.raises(ValueError, match=r"Hopf.a=.* expected a quantity convertible to 1/ms"):
        Hopf(a=0.2 * u.mm)


@pytest.mark.parametrize(
    "kwargs, error, match",
    [
        ({"a": "fast"}, TypeError, "Hopf.a must be a number"),
        ({"a": np.ones((2, 2))}, ValueError, r"Hopf.a must be a scalar or a 1-D array"),
        ({"w": np.nan}, ValueError, "Hopf.w must be finite"),
        ({"noise": {"z": White(0.1)}}, ValueError, "noise=...\\) has key 'z'"),
        ({"noise": {"x": 0.1}}, TypeError, "must be a wbxr.noise process"),
        ({"noise": [White(0.1)]}, TypeError, "must be a dict"),
    ],
)
def test_bad_parameters_are_rejected(kwargs, error, match):
    with pytest.raises(error, match=match):
        Hopf(**kwargs)


def test_is_a_pytree_of_its_parameters_and_noise():
    model = Hopf(a=0.1, w=np.arange(3.0), noise={"y": White(0.5)})
    leaves, treedef = jax.tree_util.tree_flatten(model)
    assert leaves[0] == 0.1 and leaves[2] == 1.0 and leaves[3] == 0.5
    doubled = jax.tree_util.tree_unflatten(treedef, [jnp.asarray(v) * 2 for v in leaves])
    assert float(doubled.a) == pytest.approx(0.2) and float(doubled.noise["y"].sigma) == 1.0
    grad = jax.grad(lambda m: jnp.sum(Hopf.dfun(jnp.ones((2, 3)), jnp.zeros((2, 3)), m)))(
        jax.tree_util.tree_map(jnp.asarray, model))
    np.testing.assert_allclose(float(grad.a), 6.0)  # d/da sum((a - r2) x + (a - r2) y) = sum(x + y)


def test_replace_and_repr():
    model = Hopf(a=0.1)
    assert model.replace(a=0.3).a == 0.3 and model.a == 0.1
    assert repr(Hopf(a=0.1, noise={"x": White(0.02)})) == (
        "Hopf(a=0.1, w=0.2, beta=1.0, noise={'x': White(sigma=0.02)})")
