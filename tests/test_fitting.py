"""Tests of wbxr.fitting: gradients against finite differences, recovery of known
parameters, batched gradient-free search, the differentiable measures against numpy/scipy
references, and argument validation."""

import jax
import jax.numpy as jnp
import numpy as np
import optax
import pytest
import scipy.signal
import scipy.stats
import xarray as xr
from hypothesis import given, settings
from hypothesis import strategies as st

import wbxr
from wbxr.fitting import losses, problem as fit_problem
from wbxr.fitting.optimize import setup_fit
from wbxr.fitting.parameters import select
from wbxr.fitting.transforms import Transform, check_bounds

CONN = wbxr.load_dataset("example_connectome")
K_TRUE, A_TRUE = 0.3, -0.2


def noisy_hopf(k=K_TRUE, a=A_TRUE, speed=10.0):
    model = wbxr.models.Hopf(a=a, w=0.3, noise={"x": wbxr.noise.White(0.05), "y": wbxr.noise.White(0.05)})
    return wbxr.Network(model, CONN, speed=speed, k=k)


def target_fc(net, duration, dt, transient, seeds):
    ens = wbxr.ensemble(net, duration=duration, dt=dt, transient=transient, seeds=seeds, monitors=["x"], reduce="fc")
    return ens.fc_x.mean("seed").compute()


# -- gradients ---------------------------------------------------------------------------
@pytest.mark.parametrize("integrator", ["heun"])  # euler: the test below
def test_gradient_matches_central_differences(x64, integrator):
    """d loss / d(k, a, noise sigma, one weight) through the noisy, delayed run equals central
    differences: the normals are fixed by the seeds, so the loss is smooth in sigma too."""
    net = noisy_hopf(speed=100.0)  # delays of 3 to 8 steps: short blocks, quick to compile
    target = target_fc(net, 60.0, 0.1, 10.0, [7])
    with x64():
        start = net.replace(k=0.4, model=net.model.replace(a=-0.15))
        setup = setup_fit(start, target, params=["k", "a", "noise.x.sigma", "weights"], duration=60.0, dt=0.1,
                          transient=10.0, loss="fc_mse", seeds=[0, 1], integrator=integrator)
        assert setup.u0.dtype == jnp.float64
        assert start.min_delay(0.1) == 3  # the run reads delayed inputs
        (value, _), gradient = fit_problem.value_and_grad(setup.u0, setup.data, setup.problem)
        weight_index = 3 + 5  # the sixth existing connection
        for index in (0, 1, 2, weight_index):
            h = 1e-5 * max(1.0, abs(float(setup.u0[index])))
            # the same compiled function gives the loss at the shifted points
            plus = fit_problem.value_and_grad(setup.u0.at[index].add(h), setup.data, setup.problem)[0][0]
            minus = fit_problem.value_and_grad(setup.u0.at[index].add(-h), setup.data, setup.problem)[0][0]
            reference = float((plus - minus) / (2 * h))
            assert abs(reference) > 1e-6  # the derivative is not trivially zero
            assert float(gradient[index]) == pytest.approx(reference, rel=1e-4)
        assert float(value) > 0


def test_fitted_weights_rebuild_the_discretised_network():
    """Putting the network's own weights in gives back exactly the discretised parameters."""
    net = noisy_hopf()
    target = target_fc(net, 40.0, 0.5, 0.0, [0])
    setup = setup_fit(net, target, params=["weights"], duration=40.0, dt=0.5)
    rebuilt = fit_problem.step_params(setup.u0, setup.data, setup.problem)
    base = setup.data.base
    np.testing.assert_allclose(rebuilt.edges.weight, base.edges.weight, rtol=1e-6)
    np.testing.assert_allclose(rebuilt.instantaneous.row_sum, base.instantaneous.row_sum, rtol=1e-6)
    np.testing.assert_allclose(rebuilt.instantaneous.self_weight, base.instantaneous.self_weight, atol=0)
    # the weights of absent connections (padding of the delayed-edge list) stay zero
    doubled = fit_problem.step_params(setup.u0 + 5.0, setup.data, setup.problem)
    assert np.all(np.asarray(doubled.edges.weight)[~np.asarray(setup.data.delayed_valid)] == 0)



def short_pair_hopf():
    """The example network with regions 0 and 1 moved 2 mm apart: 2 of its 56 edges have a
    delay of 2 steps, the others 31 or more, so the two are summed step by step."""
    distances = CONN.distances.values.copy()
    distances[0, 1] = distances[1, 0] = 2.0
    conn = wbxr.connectome(CONN.weights.values, distances, labels=list(CONN.target.values))
    net = noisy_hopf(k=0.4, a=-0.15).replace(conn=conn)
    assert net.min_delay(0.1) == 2 and net.block_delay(0.1) >= 30
    return net


@pytest.mark.parametrize("integrator", ["euler"])  # heun: the test above
def test_gradient_through_edges_summed_step_by_step_matches_central_differences(x64, integrator):
    net = short_pair_hopf()
    target = target_fc(noisy_hopf(), 60.0, 0.1, 10.0, [7])
    with x64():
        setup = setup_fit(net, target, params=["k", "weights"], duration=60.0, dt=0.1, transient=10.0,
                          loss="fc_mse", seeds=[0], integrator=integrator)
        assert setup.data.base.short is not None and setup.data.base.short.delay.tolist() == [2, 2]
        rows, cols = np.asarray(setup.data.weight_rows), np.asarray(setup.data.weight_cols)
        short_index = 1 + int(np.flatnonzero((rows == 0) & (cols == 1))[0])  # u = (k, weights...)
        (_, _), gradient = fit_problem.value_and_grad(setup.u0, setup.data, setup.problem)
        for index in (0, short_index):
            h = 1e-5 * max(1.0, abs(float(setup.u0[index])))
            plus = fit_problem.value_and_grad(setup.u0.at[index].add(h), setup.data, setup.problem)[0][0]
            minus = fit_problem.value_and_grad(setup.u0.at[index].add(-h), setup.data, setup.problem)[0][0]
            reference = float((plus - minus) / (2 * h))
            assert abs(reference) > 1e-7
            assert float(gradient[index]) == pytest.approx(reference, rel=1e-4)


def test_fitted_weights_reach_the_edges_summed_step_by_step():
    net = short_pair_hopf()
    target = target_fc(noisy_hopf(), 40.0, 0.1, 0.0, [0])
    setup = setup_fit(net, target, params=["weights"], duration=40.0, dt=0.1)
    base = setup.data.base
    rebuilt = fit_problem.step_params(setup.u0, setup.data, setup.problem)
    np.testing.assert_allclose(rebuilt.short.weight, base.short.weight, rtol=1e-6)
    np.testing.assert_allclose(rebuilt.edges.weight, base.edges.weight, rtol=1e-6)
    assert np.all(np.asarray(base.edges.delay)[np.asarray(setup.data.delayed_valid)] >= 30)

def test_speed_and_piecewise_constant_losses_are_rejected_for_gradients():
    net = noisy_hopf()
    target = target_fc(net, 40.0, 0.5, 0.0, [0])
    with pytest.raises(ValueError, match="params contains 'speed'.*whole numbers of steps"):
        wbxr.fit(net, target, params=["k", "speed"], duration=20.0, dt=0.1)
    with pytest.raises(ValueError, match="loss='fcd_ks' is piecewise constant"):
        wbxr.fit(net, target, params=["k"], duration=20.0, dt=0.1, loss="fcd_ks")


# -- recovery ------------------------------------------------------------------------------
def test_gradient_fit_recovers_k_and_a_from_fc():
    """From a start 50 % away, k and a of the noise-driven Hopf network come back within 5 %."""
    net = noisy_hopf()
    seeds = range(4)
    target = target_fc(net, 600.0, 0.5, 100.0, seeds)
    start = net.replace(k=1.5 * K_TRUE, model=net.model.replace(a=1.5 * A_TRUE))
    result = wbxr.fit(start, target, params=["k", "a"], duration=600.0, dt=0.5, transient=100.0, seeds=seeds,
                      loss="fc_mse", optimizer=optax.adam(0.02), steps=50)
    assert float(result.parameters.k) == pytest.approx(K_TRUE, rel=0.05)
    assert float(result.parameters.a) == pytest.approx(A_TRUE, rel=0.05)
    assert float(result.prediction.fc_similarity) >= 0.95
    assert result.network.k == pytest.approx(float(result.parameters.k))
    assert result.network.model.a == pytest.approx(float(result.parameters.a))
    assert result.parameters.a.attrs["units"] == "1/ms"
    history = result.history
    assert history.sizes["iteration"] == 51 and history.loss[-1] < 0.1 * history.loss[0]
    # the loss at the best values is what the history recorded there
    assert result.loss == pytest.approx(float(history.loss.min()))


def test_second_fit_with_other_values_does_not_recompile(compile_count):
    net = noisy_hopf()
    target = target_fc(net, 40.0, 0.5, 0.0, [0])
    kwargs = dict(params=["k", "a"], duration=40.0, dt=0.5, steps=1)
    wbxr.fit(net.replace(k=0.4), target, **kwargs)
    with compile_count() as counter:
        wbxr.fit(net.replace(k=0.2, model=net.model.replace(a=-0.3)), target * 0.9 + 0.1 * np.eye(8), **kwargs)
    counter.require_names()
    assert not [name for name in counter.names if "value_and_grad" in name or "run_members" in name]


def test_region_order_of_the_target_does_not_matter():
    net = noisy_hopf()
    target = target_fc(net, 40.0, 0.5, 0.0, [0])
    order = list(reversed(net.labels))
    shuffled = target.sel(region_i=order, region_j=order)
    kwargs = dict(params=["k", "a"], duration=40.0, dt=0.5, steps=1)  # compiled as in the test above
    first = wbxr.fit(net.replace(k=0.5), target, **kwargs)
    second = wbxr.fit(net.replace(k=0.5), shuffled, **kwargs)
    np.testing.assert_allclose(first.history.loss, second.history.loss, rtol=1e-6)


def test_per_region_parameter_and_weights_are_fitted_with_their_shapes():
    net = noisy_hopf()
    target = target_fc(net, 40.0, 0.5, 0.0, [0])
    start = net.replace(model=net.model.replace(a=np.full(8, -0.25)))
    result = wbxr.fit(start, target, params=["a", "weights"], duration=40.0, dt=0.5, steps=3,
                      optimizer=optax.adam(0.05))
    assert result.parameters.a.dims == ("region",) and result.history.a.dims == ("iteration", "region")
    fitted = result.network.weights
    assert np.all(fitted >= 0)
    np.testing.assert_array_equal(fitted == 0, net.weights == 0)  # the wiring is kept
    assert not np.allclose(fitted, net.weights)  # and the weights moved
    np.testing.assert_allclose(result.parameters.weights.values, fitted)


# -- masks: some regions, some connections --------------------------------------------------
def test_mask_fits_only_the_selected_regions_and_connections():
    """Unselected regions and connections keep their values bit for bit; the selected ones move."""
    net = noisy_hopf()
    target = target_fc(net, 40.0, 0.5, 0.0, [0])
    a_start = np.array([-0.25, -0.15, -0.3, -0.21, -0.19, -0.22, -0.18, -0.26])  # held per region
    start = net.replace(model=net.model.replace(a=a_start))
    regions = np.array([True, False, True, False, False, True, False, False])
    rows, cols = np.nonzero(net.weights)
    edges = np.zeros((8, 8), bool)
    edges[rows[:10], cols[:10]] = True  # the first ten connections
    free = wbxr.fitting.mask(start, k=True, a=regions, weights=edges)
    result = wbxr.fit(start, target, params=free, duration=40.0, dt=0.5, steps=3, optimizer=optax.adam(0.05))
    a_fit = result.parameters.a.values
    np.testing.assert_array_equal(a_fit[~regions], a_start[~regions])  # bit-identical
    assert np.all(np.abs(a_fit[regions] - a_start[regions]) > 1e-3)
    np.testing.assert_array_equal(result.network.model.a, a_fit)
    assert result.parameters.a.attrs["fitted_regions"] == "R0, R2, R5"
    history = result.history.a.values  # (iteration, region): the fixed regions never move
    np.testing.assert_array_equal(history[:, ~regions], np.broadcast_to(a_start[~regions], (4, 5)))
    weights = result.network.weights
    np.testing.assert_array_equal(weights[~edges], net.weights[~edges])  # incl. absent connections
    assert np.all(np.abs(weights[edges] - net.weights[edges]) > 1e-3)
    assert result.parameters.weights.attrs["fitted_connections"] == 10
    assert float(result.parameters.k) != net.k


def test_mask_of_a_scalar_parameter_fits_it_per_region():
    """A region mask on a parameter the network holds as one value: the others stay that value."""
    net = noisy_hopf()
    target = target_fc(net, 40.0, 0.5, 0.0, [0])
    labels = list(reversed(net.labels))  # a DataArray mask is aligned by label
    regions = xr.DataArray([label in ("R1", "R6") for label in labels], dims="region", coords={"region": labels})
    result = wbxr.fit(net.replace(model=net.model.replace(a=-0.25)), target, params={"a": regions},
                      duration=40.0, dt=0.5, steps=3, optimizer=optax.adam(0.05))
    a_fit = result.parameters.a.values
    assert a_fit.shape == (8,) and result.parameters.a.attrs["fitted_regions"] == "R1, R6"
    np.testing.assert_array_equal(np.delete(a_fit, [1, 6]), np.full(6, -0.25))
    assert a_fit[1] > -0.25 and a_fit[6] > -0.25  # towards the true -0.2


def test_mask_and_names_give_the_same_fit():
    net = noisy_hopf()
    target = target_fc(net, 40.0, 0.5, 0.0, [0])
    kwargs = dict(duration=40.0, dt=0.5, steps=1)  # compiled as in test_second_fit...
    by_name = wbxr.fit(net.replace(k=0.4), target, params=["k", "a"], **kwargs)
    by_mask = wbxr.fit(net.replace(k=0.4), target, params=wbxr.fitting.mask(net, k=True, a=True), **kwargs)
    np.testing.assert_array_equal(by_name.history.loss, by_mask.history.loss)
    np.testing.assert_array_equal(by_name.history.k, by_mask.history.k)


def test_select_reads_names_nested_and_dotted_masks():
    net = noisy_hopf()
    nested = select(net, {"noise": {"x": {"sigma": True}, "y": {"sigma": False}}, "k": False})
    dotted = select(net, {"noise.x.sigma": True})
    assert [(s.name, s.kind, s.entries) for s in nested] == [("noise.x.sigma", "noise", None)]
    assert [(s.name, s.entries) for s in dotted] == [("noise.x.sigma", None)]
    # every region of a per-region parameter is the whole parameter; of a scalar, per region
    per_region = net.replace(model=net.model.replace(a=np.full(8, -0.2)))
    assert select(per_region, {"a": np.ones(8, bool)})[0].entries is None
    np.testing.assert_array_equal(select(net, {"a": np.ones(8, bool)})[0].entries, np.arange(8))
    # all connections selected is the whole of "weights"
    assert select(net, {"weights": net.weights > 0})[0].entries is None
    template = wbxr.fitting.mask(net)
    assert set(template) == {"k", "a", "w", "beta", "weights", "noise"}
    assert not any(jax.tree_util.tree_leaves(template))
    freed = jax.tree_util.tree_map(lambda _: True, template)  # a pytree of booleans
    assert {s.name for s in select(net, freed)} == {"k", "a", "w", "beta", "weights", "noise.x.sigma", "noise.y.sigma"}


# -- noise parameters -----------------------------------------------------------------------
def test_noise_parameters_enter_the_traced_processes():
    """OU sigma (per region, some regions free) and tau: put into the discretised model's noise."""
    model = wbxr.models.Hopf(a=-0.2, w=0.3, noise={"x": wbxr.noise.White(0.05),
                                                   "y": wbxr.noise.OU(sigma=np.linspace(0.1, 0.2, 8), tau=5.0)})
    net = wbxr.Network(model, CONN, speed=10.0, k=0.3)
    target = xr.DataArray(np.eye(8), dims=("region_i", "region_j"),
                          coords={"region_i": net.labels, "region_j": net.labels})
    free = wbxr.fitting.mask(net, noise={"y": {"sigma": np.arange(8) >= 6, "tau": True}})
    setup = setup_fit(net, target, params=free, duration=40.0, dt=0.5)
    assert [(slot.name, slot.shape, slot.transform.lower) for slot in setup.problem.slots] == [
        ("noise.y.sigma", (2,), 0.0), ("noise.y.tau", (), 0.0)]
    same = fit_problem.step_params(setup.u0, setup.data, setup.problem).model.noise
    np.testing.assert_allclose(same["y"].sigma, np.linspace(0.1, 0.2, 8), rtol=1e-6)
    np.testing.assert_allclose(same["y"].tau, np.full(8, 5.0), rtol=1e-6)
    moved = fit_problem.step_params(setup.u0 + 1.0, setup.data, setup.problem).model.noise
    np.testing.assert_array_equal(moved["y"].sigma[:6], setup.data.base.model.noise["y"].sigma[:6])
    assert np.all(np.asarray(moved["y"].sigma[6:]) > np.asarray(same["y"].sigma[6:]))
    assert float(moved["y"].tau[0]) > 5.5 and moved["x"] is setup.data.base.model.noise["x"]
    assert setup.data.base.model.noise["y"].tau.shape == (8,)  # the base is left as it was


def test_gradient_fit_recovers_the_noise_intensity_from_a_spectrum():
    """sigma of the white noise on x and y, from 50 % above, comes back within 5 % (shared seed)."""
    net = noisy_hopf()
    series = wbxr.ensemble(net, duration=200.0, dt=0.5, seeds=[3], monitors=["x"]).x.isel(seed=0).compute()
    noise = {var: wbxr.noise.White(0.075) for var in ("x", "y")}
    start = net.replace(model=net.model.replace(noise=noise))
    result = wbxr.fit(start, series, params=["noise.x.sigma", "noise.y.sigma"], loss="psd",
                      loss_options={"nperseg": 64}, duration=200.0, dt=0.5, seeds=[3],
                      optimizer=optax.adam(0.05), steps=40)
    for var in ("x", "y"):
        sigma = result.parameters[f"noise.{var}.sigma"]
        assert float(sigma) == pytest.approx(0.05, rel=0.05)
        assert sigma.attrs["transform"] == "0 + softplus(u)"  # kept non-negative
        assert result.network.model.noise[var].sigma == pytest.approx(float(sigma))
    assert result.history.loss[-1] < 0.01 * result.history.loss[0]


# -- gradient-free search -----------------------------------------------------------------
def test_population_batch_equals_one_by_one():
    net = noisy_hopf()
    target = target_fc(net, 40.0, 0.5, 0.0, [0])
    setup = setup_fit(net, target, params=["k", "a"], duration=40.0, dt=0.5, seeds=[0, 1], method="cma-es")
    population = jnp.stack([setup.u0, setup.u0 + 0.1, setup.u0 - jnp.asarray([0.1, 0.05])])
    batch = fit_problem.batch_losses(population, setup.data, setup.problem)
    single = [float(fit_problem.evaluate(u, setup.data, setup.problem)[0]) for u in population]
    np.testing.assert_allclose(batch, single, rtol=1e-5)
    assert len(set(np.round(single, 8))) == 3


def test_cma_es_recovers_k_and_a():
    net = noisy_hopf()
    seeds = range(2)
    target = target_fc(net, 300.0, 0.5, 50.0, seeds)
    start = net.replace(k=1.5 * K_TRUE, model=net.model.replace(a=1.5 * A_TRUE))
    result = wbxr.fit(start, target, params=["k", "a"], duration=300.0, dt=0.5, transient=50.0, seeds=seeds,
                      loss="fc_mse", method="cma-es", steps=25, bounds={"k": (0.0, 1.0), "a": (-1.0, 0.0)},
                      options={"popsize": 8, "sigma0": 0.5})
    assert float(result.parameters.k) == pytest.approx(K_TRUE, rel=0.05)
    assert float(result.parameters.a) == pytest.approx(A_TRUE, rel=0.05)
    assert {"loss", "loss_mean", "sigma", "k", "a"} <= set(result.history.data_vars)
    assert np.all(np.diff(np.minimum.accumulate(result.history.loss.values)) <= 0)


def test_grid_search_finds_the_true_k():
    net = noisy_hopf()
    target = target_fc(net, 200.0, 0.5, 50.0, [0])
    values = [0.1, 0.2, 0.3, 0.4, 0.5]
    result = wbxr.fit(net.replace(k=0.1), target, params=["k"], duration=200.0, dt=0.5, transient=50.0,
                      method="grid", grid={"k": values}, loss="fc_mse")
    assert float(result.parameters.k) == pytest.approx(K_TRUE)
    np.testing.assert_allclose(result.history.k, values)
    assert int(np.argmin(result.history.loss.values)) == 2 and float(result.history.loss.min()) < 1e-10


@pytest.mark.parametrize("loss, loss_options", [("timeseries", None), ("psd", {"nperseg": 64}),
                                                 ("fcd_ks", {"window": 40.0, "step": 10.0})])
def test_time_series_losses_are_zero_at_the_true_k(loss, loss_options):
    """A time-series target from the same seed: every time-series loss is minimal (0) at the true k."""
    net = noisy_hopf()
    series = wbxr.ensemble(net, duration=200.0, dt=0.5, seeds=[5], monitors=["x"]).x.isel(seed=0).compute()
    values = [0.2, 0.3, 0.4]
    result = wbxr.fit(net.replace(k=0.2), series, params=["k"], duration=200.0, dt=0.5, seeds=[5], loss=loss,
                      loss_options=loss_options, method="grid", grid={"k": values})
    losses_by_k = result.history.loss.values
    assert int(np.argmin(losses_by_k)) == 1 and losses_by_k[1] < 0.2 * losses_by_k[[0, 2]].min()
    if loss == "fcd_ks":  # float32 simulation vs float64 target FCD: one value may tie differently
        n_windows = len(range(0, 400 - 80 + 1, 20))  # 400 samples, windows of 80, steps of 20
        assert losses_by_k[1] <= 2.0 / (n_windows * (n_windows - 1) / 2)
    else:
        assert losses_by_k[1] < 1e-6
    assert float(result.parameters.k) == pytest.approx(K_TRUE)
    assert result.prediction.x.dims == ("seed", "time", "region")
    np.testing.assert_allclose(result.prediction.x.isel(seed=0), series, atol=1e-5)


def test_grid_batches_through_dask_give_the_same_losses(monkeypatch):
    from wbxr.fitting import optimize

    net = noisy_hopf()
    target = target_fc(net, 40.0, 0.5, 0.0, [0])
    kwargs = dict(params=["k", "a"], duration=40.0, dt=0.5, method="grid", loss="fc_mse",
                  grid={"k": [0.2, 0.3, 0.4], "a": [-0.25, -0.2]})
    whole = wbxr.fit(net, target, **kwargs)
    monkeypatch.setattr(optimize, "GRID_BATCH", 4)  # 6 points: two batches, the second padded
    batched = wbxr.fit(net, target, **kwargs)
    np.testing.assert_allclose(batched.history.loss, whole.history.loss, rtol=1e-5)
    assert int(np.argmin(whole.history.loss.values)) == 3  # k = 0.3, a = -0.2
    np.testing.assert_allclose(whole.history.k, [0.2, 0.2, 0.3, 0.3, 0.4, 0.4], rtol=1e-6)


# -- the differentiable measures against numpy / scipy ----------------------------------------
def test_measures_match_references():
    rng = np.random.default_rng(1)
    series = rng.standard_normal((600, 5)).cumsum(axis=0) * 0.1 + rng.standard_normal((600, 5))
    np.testing.assert_allclose(losses.pearson_fc(jnp.asarray(series)), np.corrcoef(series.T), atol=1e-5)
    _, reference = scipy.signal.welch(series, fs=1000.0 / 2.0, nperseg=128, axis=0)
    np.testing.assert_allclose(losses.welch_psd(jnp.asarray(series), 128, 2.0), reference, rtol=1e-4)
    a, b = rng.standard_normal(50), rng.standard_normal(70) + 0.3
    assert float(losses.ks_distance(jnp.asarray(a), jnp.asarray(b))) == pytest.approx(
        scipy.stats.ks_2samp(a, b).statistic, abs=1e-6)
    data = xr.DataArray(series, dims=("time", "region"), coords={"time": np.arange(600) * 2.0})
    fcd_reference = wbxr.analysis.fcd_values(wbxr.analysis.fcd(data, window=200.0, step=40.0)).values
    starts = tuple(range(0, 600 - 100 + 1, 20))
    np.testing.assert_allclose(losses.fcd_values(jnp.asarray(series), starts, 100), fcd_reference, atol=1e-5)
    fc_a, fc_b = np.corrcoef(series[:300].T), np.corrcoef(series[300:].T)
    labels = {"region_i": list("ABCDE"), "region_j": list("ABCDE")}
    similarity = wbxr.analysis.fc_similarity(xr.DataArray(fc_a, dims=tuple(labels), coords=labels),
                                             xr.DataArray(fc_b, dims=tuple(labels), coords=labels))
    assert float(losses.fc_correlation_loss(jnp.asarray(fc_a), jnp.asarray(fc_b))) == pytest.approx(
        1 - float(similarity), abs=1e-6)


@settings(max_examples=60, deadline=None)
@given(
    low=st.floats(-50, 50),
    width=st.floats(1e-2, 100),
    fraction=st.floats(0.01, 0.99),
    sides=st.sampled_from(["both", "lower", "upper", "none"]),
)
def test_transform_round_trips_inside_its_bounds(low, width, fraction, sides):
    upper = low + width
    transform = {"both": Transform(low, upper), "lower": Transform(low, None),
                 "upper": Transform(None, upper), "none": Transform()}[sides]
    value = low + fraction * width
    assert transform.contains(value)
    assert not transform.contains(np.inf)
    u = transform.inverse(value)
    back = float(transform.forward(jnp.asarray(u, jnp.float32)))
    assert back == pytest.approx(value, abs=1e-4 * (1 + abs(value) + width))
    assert float(transform.forward(jnp.asarray(u + 0.1, jnp.float32))) > back  # increasing


@given(st.one_of(st.text(), st.integers(), st.tuples(st.floats(), st.floats(), st.floats())))
def test_check_bounds_rejects_anything_but_a_pair(value):
    with pytest.raises(ValueError, match=r"bounds\['k'\]"):
        check_bounds("k", value)


# -- validation before compiling --------------------------------------------------------------
@pytest.fixture(scope="module")
def small_target():
    return target_fc(noisy_hopf(), 40.0, 0.5, 0.0, [0])


@pytest.mark.parametrize(
    "changes, error, message",
    [
        ({"params": ["k", "nope"]}, ValueError, "params contains 'nope'"),
        ({"params": []}, ValueError, "at least one"),
        ({"params": "k"}, TypeError, "list of parameter names"),
        ({"params": ["k", "k"]}, ValueError, "duplicates"),
        ({"bounds": {"k": (0.0, 0.1)}}, ValueError, "starting value of 'k'"),
        ({"bounds": {"a": (0.0, 1.0)}}, ValueError, "not in params"),
        ({"bounds": {"weights": (-1.0, None)}, "params": ["weights"]}, ValueError, "must be >= 0"),
        ({"loss": "fc_max"}, ValueError, "loss='fc_max' is not one of"),
        ({"loss": "psd"}, ValueError, "needs a time series target"),
        ({"seeds": 3}, TypeError, "range\\(3\\)"),
        ({"seeds": [1, 1]}, ValueError, "distinct"),
        ({"steps": 0}, ValueError, "steps must be a positive integer"),
        ({"optimizer": "adam"}, TypeError, "optax GradientTransformation"),
        ({"method": "cma-es", "optimizer": optax.sgd(0.1)}, ValueError, "optimizer is used by"),
        ({"method": "newton"}, ValueError, "method='newton'"),
        ({"method": "grid", "grid": {"a": [0.1]}}, ValueError, "exactly the fitted parameters"),
        ({"method": "grid", "grid": {"k": [0.1]}, "params": ["k", "weights"]}, ValueError, "cannot fit 'weights'"),
        ({"method": "cma-es", "options": {"popsize": 1}}, ValueError, "popsize"),
        ({"var": "z"}, ValueError, "var='z'"),
        ({"duration": -1.0}, ValueError, "duration"),
        ({"loss_options": {"nperseg": 4}}, ValueError, "loss_options has keys"),
        # masks and noise parameters
        ({"params": {"k": np.ones(8, bool)}}, ValueError, r"params\['k'\] must be True or False"),
        ({"params": {"a": np.ones(3, bool)}}, ValueError, r"params\['a'\] must be .* shape \(8,\).* got shape \(3,\)"),
        ({"params": {"a": np.ones(8)}}, TypeError, r"params\['a'\] must be True, False or a boolean array"),
        ({"params": {"a": None}}, TypeError, r"params\['a'\]"),
        ({"params": {"k": False, "a": np.zeros(8, bool)}}, ValueError, "selects nothing"),
        ({"params": {"weights": np.eye(8, dtype=bool)}}, ValueError, "do not exist.*R0 <- R0"),
        ({"params": {"speed": True}}, ValueError, "params contains 'speed'"),
        ({"params": {"a": xr.DataArray(np.ones(8, bool), dims="region", coords={"region": list("ABCDEFGH")})}},
         ValueError, "labels .* do not match"),
        ({"params": ["noise.z.sigma"]}, ValueError, "no noise on 'z'"),
        ({"params": ["noise.x.tau"]}, ValueError, r"has the parameters \['sigma'\]"),
        ({"params": {"noise": {"x": {"sigma": True}}, "noise.x.sigma": True}}, ValueError, "twice"),
        ({"params": {"noise": {"x": True}}}, TypeError, r"params\['noise'\]\['x'\] must map"),
        ({"params": ["noise.x.sigma"], "bounds": {"noise.x.sigma": (-1.0, None)}}, ValueError, "non-negative"),
        ({"params": [0]}, TypeError, "parameter names"),
    ],
)
def test_bad_arguments_are_rejected_before_compiling(small_target, compile_count, changes, error, message):
    kwargs = dict(params=["k"], duration=20.0, dt=0.5, steps=2)
    kwargs.update(changes)
    with compile_count() as counter, pytest.raises(error, match=message):
        wbxr.fit(noisy_hopf(), small_target, **kwargs)
    assert counter.count == 0


def test_target_labels_must_match_the_connectome(small_target):
    renamed = small_target.assign_coords(region_i=["X"] + list(small_target.region_i.values[1:]),
                                         region_j=["X"] + list(small_target.region_j.values[1:]))
    first = str(small_target.region_i.values[0])
    with pytest.raises(ValueError, match=rf"missing from the target: \['{first}'\]; not in the connectome: \['X'\]"):
        wbxr.fit(noisy_hopf(), renamed, params=["k"], duration=20.0, dt=0.5)
    with pytest.raises(ValueError, match="dims"):
        wbxr.fit(noisy_hopf(), small_target.rename(region_i="a"), params=["k"], duration=20.0, dt=0.5)
