"""wbxr.models.base: state bounds declared by models, overridden by users, clipped by the kernel."""

import jax
import jax.numpy as jnp
import numpy as np
import pytest

import wbxr
from wbxr.models.base import NodeModel, node_model


def unconnected(n_regions):
    return wbxr.connectome(np.zeros((n_regions, n_regions)))


def run(model, method="euler", duration=50.0, **kwargs):
    net = wbxr.Network(model, unconnected(16), coupling="additive", k=0.0)
    return wbxr.simulate(net, duration=duration, dt=0.1, method=method, **kwargs)


@pytest.mark.parametrize("method", ["euler", "heun", "rk4"])
def test_a_noisy_rate_that_would_go_negative_stays_non_negative(method):
    """x relaxes to 0 with strong noise: unbounded it goes negative, bounded it stays >= 0."""
    noise = {"x": wbxr.noise.White(sigma=0.2)}
    free = run(wbxr.models.LinearRate(noise=noise), method, initial_state={"x": 0.05})
    bounded = run(wbxr.models.LinearRate(noise=noise, bounds={"x": (0.0, None)}), method,
                  initial_state={"x": 0.05})
    assert float(free.x.min()) < -0.1
    assert float(bounded.x.min()) == 0.0
    assert float(bounded.x.max()) > 0.1  # clipped, not frozen


def test_declared_bounds_keep_gating_variables_in_the_unit_interval():
    model = wbxr.models.ReducedWongWang(noise={"S": wbxr.noise.White(sigma=0.3)})
    assert model.bounds == {"S": (0.0, 1.0)}
    ds = run(model)
    assert float(ds.S.min()) == 0.0 and float(ds.S.max()) == 1.0
    removed = run(model.replace(bounds={"S": None}))
    assert float(removed.S.min()) < 0.0 or float(removed.S.max()) > 1.0


@pytest.mark.parametrize("method", ["euler", "heun"])
def test_bounds_that_are_never_reached_change_nothing(method):
    """The same numbers to float32 rounding: the clip is another compiled program, and XLA may
    contract a multiply-add differently in it (Euler: 4e-8 after 217 of 400 samples)."""
    hopf = wbxr.models.Hopf(a=0.2, w=0.3)
    net = wbxr.Network(hopf, wbxr.load_dataset("example_connectome"), speed=10.0, k=0.3)
    free = wbxr.simulate(net, duration=40.0, dt=0.1, method=method, seed=2)
    wide = net.replace(model=hopf.replace(bounds={"x": (-100.0, 100.0), "y": (None, 50.0)}))
    bounded = wbxr.simulate(wide, duration=40.0, dt=0.1, method=method, seed=2)
    np.testing.assert_allclose(free.x.values, bounded.x.values, rtol=0, atol=1e-6)
    np.testing.assert_allclose(free.y.values, bounded.y.values, rtol=0, atol=1e-6)


def test_a_bounded_model_without_noise_is_unchanged_by_removing_its_bounds():
    """Reduced Wong-Wang's S stays inside [0, 1] by itself: the clip is then the identity."""
    model = wbxr.models.ReducedWongWang()
    net = wbxr.Network(model, wbxr.load_dataset("example_connectome"), speed=10.0, k=0.2)
    clipped = wbxr.simulate(net, duration=40.0, dt=0.1, seed=1)
    free = wbxr.simulate(net.replace(model=model.replace(bounds={"S": None})), duration=40.0, dt=0.1, seed=1)
    np.testing.assert_array_equal(clipped.S.values, free.S.values)


def test_overrides_merge_with_the_declared_bounds_and_survive_replace():
    model = wbxr.models.ReducedWongWangExcInh(bounds={"S_I": None, "S_E": (0.0, 0.8)})
    assert model.state_limits() == ((0.0, 0.8), (-np.inf, np.inf))
    assert model.replace(a_E=0.3).state_limits() == ((0.0, 0.8), (-np.inf, np.inf))
    assert wbxr.models.Hopf().state_limits() == ()
    assert wbxr.models.Hopf(bounds={"x": (None, 1)}).bounds == {"x": (-np.inf, 1.0)}
    assert wbxr.models.ReducedWongWang(bounds={"S": None}).state_limits() == ()


def test_bounds_are_static_in_the_pytree_and_parameters_stay_traced():
    model = wbxr.models.ReducedWongWang(w=0.5, bounds={"S": (0.0, 0.9)})
    leaves, tree = jax.tree_util.tree_flatten(model)
    assert 0.5 in leaves and 0.9 not in leaves
    rebuilt = jax.tree_util.tree_unflatten(tree, [jnp.asarray(v) for v in leaves])
    assert rebuilt.bounds == {"S": (0.0, 0.9)}


def test_changing_parameters_of_a_bounded_model_never_recompiles(compile_count):
    """The run of ``test_declared_bounds_...`` (compiled there when it ran before), then new values."""
    model = wbxr.models.ReducedWongWang(noise={"S": wbxr.noise.White(0.01)})
    run(model)
    with compile_count() as counter:
        run(model.replace(w=0.7, noise={"S": wbxr.noise.White(0.05)}))
    assert counter.count == 0


def test_a_model_declares_its_bounds_in_its_class():
    @node_model
    class Rate(NodeModel):
        state_variables = ("r",)
        default_coupled_var = "r"
        initial_range = {"r": (0.0, 1.0)}
        state_bounds = {"r": (0.0, None)}

        @staticmethod
        def dfun(state, inputs, p):
            return -state + inputs

    assert Rate().state_limits() == ((0.0, np.inf),)
    ds = run(Rate(noise={"r": wbxr.noise.White(0.5)}), duration=20.0)
    assert float(ds.r.min()) == 0.0


@pytest.mark.parametrize(
    "bounds, error, match",
    [
        ({"z": (0, 1)}, ValueError, r"bounds has keys \['z'\]"),
        ({"x": (1.0, 0.0)}, ValueError, r"bounds\['x'\] must have low < high"),
        ({"x": (0.0,)}, ValueError, r"bounds\['x'\] must be \(low, high\) or None"),
        ({"x": ("a", 1.0)}, TypeError, r"bounds\['x'\] must hold numbers"),
        ([("x", 0, 1)], TypeError, r"bounds=\.\.\.\) must be a dict"),
    ],
)
def test_bad_bounds_are_rejected_with_the_offending_value(bounds, error, match):
    with pytest.raises(error, match=match):
        wbxr.models.Hopf(bounds=bounds)


def test_bounds_for_an_unknown_variable_fail_at_class_definition():
    with pytest.raises(TypeError, match="state_bounds has keys"):

        @node_model
        class Broken(NodeModel):
            state_variables = ("r",)
            default_coupled_var = "r"
            initial_range = {"r": (0.0, 1.0)}
            state_bounds = {"q": (0.0, None)}
