"""wbxr.simulate: sampling, determinism, compilation, provenance, errors, known dynamics."""

import json
import sys

import brainunit as u
import numpy as np
import pytest
import xarray as xr
from hypothesis import given, settings
from hypothesis import strategies as st

import wbxr
from wbxr.simulate import NonFiniteStateError, plan_schedule


@pytest.fixture(scope="module")
def conn():
    return wbxr.load_dataset("example_connectome")


@pytest.fixture(scope="module")
def hopf_net(conn):
    return wbxr.Network(wbxr.models.Hopf(a=0.2, w=0.3), conn, speed=10 * u.mm / u.ms,
                        coupling="diffusive", coupled_var="x", k=0.5)


def noisy_hopf(conn, k=0.5, sigma=0.05):
    noise = wbxr.noise.White(sigma=sigma)
    return wbxr.Network(wbxr.models.Hopf(a=-0.05, w=0.3, noise={"x": noise, "y": noise}),
                        conn, speed=10.0, k=k)


def single_region(model):
    return wbxr.Network(model, wbxr.connectome(np.zeros((1, 1))), k=0.0)


# --- sampling and time stamps ---------------------------------------------------------
def test_user_path_sampling(hopf_net):
    ds = wbxr.simulate(hopf_net, duration=300 * u.ms, dt=0.1 * u.ms, transient=50 * u.ms,
                       monitors=["x"], seed=0)
    assert list(ds.data_vars) == ["x"]
    assert ds.x.dims == ("time", "region") and ds.x.shape == (2500, 8)
    np.testing.assert_allclose(ds.time.values, 50.1 + 0.1 * np.arange(2500), atol=1e-9)
    assert ds.time.attrs["units"] == "ms"
    assert list(ds.region.values) == [f"R{i}" for i in range(8)]
    assert ds.x.attrs["units"] == "1" and ds.x.attrs["long_name"]


def test_transient_only_drops_the_first_samples(hopf_net):
    full = wbxr.simulate(hopf_net, duration=60.0, dt=0.1, seed=3)
    cut = wbxr.simulate(hopf_net, duration=60.0, dt=0.1, transient=12.34, seed=3)
    assert float(cut.time[0]) == pytest.approx(12.4)
    xr.testing.assert_equal(cut, full.sel(time=slice(12.35, None)).assign_attrs(cut.attrs))


@pytest.mark.parametrize("sample_every", [0.2, 1.0, 2.5, 7.0])
def test_sampling_period_only_subsamples_the_same_trajectory(conn, sample_every):
    """Noise of step n depends only on (seed, n): any grouping of steps gives the same run."""
    net = noisy_hopf(conn)
    fine = wbxr.simulate(net, duration=70.0, dt=0.1, seed=11)
    coarse = wbxr.simulate(net, duration=70.0, dt=0.1, seed=11, sample_every=sample_every)
    assert coarse.sizes["time"] == round(70.0 / sample_every)
    expected = fine.sel(time=coarse.time.values, method="nearest")
    np.testing.assert_allclose(coarse.x.values, expected.x.values, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(coarse.time.values, expected.time.values)


def test_schedule_groups_steps_within_the_minimum_delay():
    schedule, block = plan_schedule(10_000, 10, max_block=6, n_transient_samples=0)
    assert block == 5 and schedule.blocks_per_group == 2 and schedule.n_samples == 10_000
    schedule, block = plan_schedule(2999, 1, max_block=7, n_transient_samples=10)  # prime count
    assert block == 1 and schedule.n_samples == 2999 and schedule.n_recorded == 2989
    schedule, block = plan_schedule(100, 13, max_block=1, n_transient_samples=0)
    assert block == 1 and schedule.blocks_per_group == 13


@settings(max_examples=300, deadline=None)
@given(groups=st.integers(1, 500), draws=st.integers(0, 2_000_000), cpu=st.booleans())
def test_normals_batches_divide_the_chunk_and_on_the_cpu_stay_below_the_split(groups, draws, cpu):
    from wbxr.simulate import MAX_BATCH_NORMALS, UNSPLIT_BATCH_NORMALS, groups_per_normals_batch

    batch = groups_per_normals_batch(groups, draws, cpu=cpu)
    divisors = [d for d in range(1, groups + 1) if groups % d == 0]
    if draws == 0:
        assert batch == groups
        return
    unsplit = [d for d in divisors if d >= 2 and d * draws <= UNSPLIT_BATCH_NORMALS]
    fitting = [d for d in divisors if d * draws <= MAX_BATCH_NORMALS]
    assert batch == (max(unsplit) if cpu and unsplit else max(fitting, default=1))


def test_normals_drawn_in_small_or_large_batches_give_the_same_run(conn, monkeypatch):
    """A step's normals depend only on the member's key and the step: drawn two groups at a
    time (a small network on the CPU) or a whole chunk at a time, the run is the same."""
    simulate_module = sys.modules["wbxr.simulate"]
    chosen, choose = [], simulate_module.groups_per_normals_batch

    def spy(*args, **kwargs):
        chosen.append(choose(*args, **kwargs))
        return chosen[-1]

    monkeypatch.setattr(simulate_module, "groups_per_normals_batch", spy)
    net = noisy_hopf(conn)  # 8 regions x 2 noisy variables
    small = wbxr.simulate(net, duration=200.0, dt=0.1, sample_every=1.0, seed=5)
    monkeypatch.setattr(simulate_module, "UNSPLIT_BATCH_NORMALS", 0)
    large = wbxr.simulate(net, duration=400.0, dt=0.1, sample_every=1.0, seed=5)  # a fresh trace
    assert chosen[0] == 2 and chosen[1] > 2, chosen
    np.testing.assert_array_equal(large.x.values[:200], small.x.values)
    assert np.abs(small.x.values).max() > 0.01


def test_blocks_are_longer_where_their_steps_run_as_a_rolled_loop(conn, monkeypatch):
    """Up to 40 steps where a block's steps are rolled (the CPU, small states), 10 where they
    are unrolled (a larger state, or an accelerator); never more than the shortest delay
    allows (Euler: one more, Heun: the delay)."""
    import jax

    from wbxr.simulate import prepare_run

    net = noisy_hopf(conn)  # 8 regions, 2 variables: 16 numbers per member
    spec = prepare_run(net, 10.0, 0.1, 0.0, None, None, "euler", None)
    heun = prepare_run(net, 10.0, 0.1, 0.0, None, None, "heun", None)
    assert spec.max_block(100) == 40 and spec.max_block(100, n_members=96) == 40
    assert spec.max_block(100, n_members=97) == 10  # 1552 numbers > ROLLED_STEP_MAX_SIZE
    assert spec.max_block(33) == 34 and heun.max_block(33) == 33 and spec.max_block(None) == 40
    monkeypatch.setattr(jax, "default_backend", lambda: "gpu")
    assert spec.max_block(100) == 10 and spec.max_block(5) == 6


# --- randomness ------------------------------------------------------------------------
def test_same_seed_same_numbers_other_seed_other_numbers(conn):
    net = noisy_hopf(conn)  # 70 ms: the program of the sampling tests above
    a = wbxr.simulate(net, duration=70.0, dt=0.1, seed=1)
    b = wbxr.simulate(net, duration=70.0, dt=0.1, seed=1)
    c = wbxr.simulate(net, duration=70.0, dt=0.1, seed=2)
    np.testing.assert_array_equal(a.x.values, b.x.values)
    assert np.abs(a.x.values - c.x.values).max() > 1e-3


def test_initial_state_given_and_random(conn):
    net = wbxr.Network(wbxr.models.Hopf(a=-0.5, w=0.0, beta=0.0), conn, k=0.0)
    ds = wbxr.simulate(net, duration=0.1, dt=0.1, initial_state={"x": 2.0, "y": np.arange(8.0)})
    np.testing.assert_allclose(ds.x.values[0], 2.0 * (1 - 0.05), rtol=1e-6)  # one Euler step
    np.testing.assert_allclose(ds.y.values[0], np.arange(8.0) * (1 - 0.05), rtol=1e-6)
    random = wbxr.simulate(net, duration=0.1, dt=0.1, seed=4).x.values[0] / (1 - 0.05)
    assert np.all((random >= -0.5) & (random <= 0.5)) and np.ptp(random) > 0.1


# --- compilation ----------------------------------------------------------------------
def test_changing_values_never_recompiles(conn, compile_count):
    net = noisy_hopf(conn)
    wbxr.simulate(net, duration=70.0, dt=0.1, seed=0)  # compiled once (here or by the tests above)
    with compile_count() as counter:
        wbxr.simulate(net.replace(k=0.1), duration=70.0, dt=0.1, seed=0)
        wbxr.simulate(net, duration=70.0, dt=0.1, seed=5)
        other = wbxr.models.Hopf(a=np.linspace(-0.1, 0.1, 8), w=0.4, beta=2.0,
                                 noise={"x": wbxr.noise.White(0.01), "y": wbxr.noise.White(0.2)})
        wbxr.simulate(net.replace(model=other), duration=70.0, dt=0.1, seed=0)
        wbxr.simulate(net, duration=70.0, dt=0.1, initial_state={"x": 0.3, "y": 0.0}, seed=0)
        conn2 = conn.copy(deep=True)
        conn2["weights"] = conn2.weights * 1.5
        wbxr.simulate(net.replace(conn=conn2), duration=70.0, dt=0.1, seed=0)
    assert counter.count == 0


def test_changing_the_run_shape_does_recompile(conn, compile_count):
    """Guards the counter itself: a new duration is a new program."""
    net = noisy_hopf(conn)
    wbxr.simulate(net, duration=70.0, dt=0.1)
    with compile_count() as counter:
        wbxr.simulate(net, duration=73.0, dt=0.1)
    assert counter.count >= 1


# --- provenance and I/O ----------------------------------------------------------------
def test_attrs_record_the_run(hopf_net):
    ds = wbxr.simulate(hopf_net, duration=30 * u.ms, dt=0.1 * u.ms, seed=7, method="heun")
    attrs = ds.attrs
    assert attrs["model"] == "Hopf" and attrs["coupling"] == "diffusive"
    assert attrs["coupled_var"] == "x" and attrs["k"] == 0.5 and attrs["speed"] == 10.0
    assert attrs["dt"] == 0.1 and attrs["duration"] == 30.0 and attrs["seed"] == 7
    assert attrs["method"] == "heun" and attrs["precision"] == "float32"
    assert attrs["wbxr_version"] == wbxr.__version__ and attrs["jax_version"]
    params = json.loads(attrs["model_parameters"])
    assert params["a"] == {"value": 0.2, "unit": "1/ms"} and params["w"]["value"] == 0.3
    assert json.loads(attrs["attribute_units"])["speed"] == "mm/ms"


def test_results_reuse_a_frame_but_own_their_attributes(conn):
    """Runs of one network fill a copy of a remembered frame: each result equals one built
    afresh (by an unpickled copy of the network, which remembers nothing), and what a user
    changes in one result does not reach the next."""
    import pickle

    net = noisy_hopf(conn)
    monitors = ["x", wbxr.monitors.TemporalAverage("y", period=2.0)]
    first = wbxr.simulate(net, 40.0, 0.1, sample_every=0.5, monitors=monitors, seed=1)
    first.attrs["note"] = "mine"
    first.x.attrs["units"] = "changed"
    first.y_average.attrs["long_name"] = "changed"
    second = wbxr.simulate(net, 40.0, 0.1, sample_every=0.5, monitors=monitors, seed=2)
    fresh = pickle.loads(pickle.dumps(net))
    assert not fresh._memory
    xr.testing.assert_identical(second, wbxr.simulate(fresh, 40.0, 0.1, sample_every=0.5, monitors=monitors, seed=2))
    assert second.attrs["seed"] == 2 and first.attrs["seed"] == 1 and "note" not in second.attrs
    assert second.x.attrs["units"] == "1" and second.y_average.attrs["long_name"] != "changed"
    assert not np.array_equal(first.x.values, second.x.values)
    # a continued run's times follow on from the first (another frame)
    head = wbxr.simulate(net, 20.0, 0.1, sample_every=0.5, seed=1, keep_state=True)
    tail = wbxr.simulate(net, 20.0, 0.1, sample_every=0.5, initial=head)
    assert float(tail.time[0]) == 20.5 and float(head.time[0]) == 0.5


def test_long_results_build_their_own_frame(conn, monkeypatch):
    monkeypatch.setattr(sys.modules["wbxr.simulate"], "MAX_REMEMBERED_SAMPLES", 150)
    net = noisy_hopf(conn)

    def frames():
        return sum(key[0] == "result frame" for key in net._memory)

    short = wbxr.simulate(net, 15.0, 0.1, seed=1)  # 150 samples: remembered
    assert frames() == 1
    long = wbxr.simulate(net, 15.1, 0.1, seed=1)  # 151 samples: not remembered
    assert frames() == 1
    head = long.isel(time=slice(150))
    xr.testing.assert_allclose(head, short, rtol=1e-5, atol=1e-6)  # (blocks of 1 step, not 30)
    xr.testing.assert_identical(head.coords.to_dataset().drop_attrs(deep=False), short.coords.to_dataset().drop_attrs(deep=False))
    assert head.x.attrs == short.x.attrs
    assert long.attrs["duration"] == 15.1 and long.attrs["seed"] == 1


@pytest.mark.parametrize("engine", ["scipy", "netcdf4"])
def test_netcdf_round_trip(hopf_net, tmp_path, engine):
    pytest.importorskip("netCDF4" if engine == "netcdf4" else "scipy")
    ds = wbxr.simulate(hopf_net, duration=60.0, dt=0.1, transient=12.34)  # the transient test's program
    path = tmp_path / "run.nc"
    ds.to_netcdf(path, engine=engine)
    with xr.open_dataset(path, engine=engine) as back:
        xr.testing.assert_identical(back.load(), ds)


# --- errors, all raised before anything is compiled ---------------------------------
@pytest.mark.parametrize(
    "kwargs, error, match",
    [
        ({"dt": 0.0}, ValueError, "dt must be > 0"),
        ({"dt": -0.1}, ValueError, "dt must be > 0"),
        ({"dt": 0.1 * u.mm}, ValueError, "dt"),
        ({"dt": "0.1"}, TypeError, "dt"),
        ({"duration": 0.0}, ValueError, "duration must be > 0"),
        ({"duration": 10.05}, ValueError, "duration=10.05 ms must be a whole multiple of dt"),
        ({"transient": 10.0}, ValueError, "transient=10 ms must be >= 0 and < duration"),
        ({"transient": -1.0}, ValueError, "transient"),
        ({"sample_every": 0.25}, ValueError, "sample_every=0.25 ms must be a whole multiple of dt"),
        ({"sample_every": 3.0}, ValueError, "duration=10 ms must be a whole multiple of sample_every"),
        ({"monitors": ["z"]}, ValueError, "monitors contains 'z'"),
        ({"method": "leapfrog"}, ValueError, "method='leapfrog'"),
        ({"seed": -1}, TypeError, "seed"),
        ({"seed": 1.5}, TypeError, "seed"),
        ({"initial_state": {"q": 1.0}}, ValueError, "initial_state has key 'q'"),
        ({"initial_state": {"x": np.ones(3)}}, ValueError, r"initial_state\['x'\] must be a scalar or have shape \(8,\)"),
        ({"initial_state": {"x": np.nan}}, ValueError, "finite"),
    ],
)
def test_bad_arguments_raise_before_compiling(hopf_net, compile_count, kwargs, error, match):
    arguments = {"duration": 10.0, "dt": 0.1, **kwargs}
    with compile_count() as counter, pytest.raises(error, match=match):
        wbxr.simulate(hopf_net, **arguments)
    assert not [name for name in counter.names if "_run" in name]  # the simulation never compiled


def test_net_must_be_a_network():
    with pytest.raises(TypeError, match="net must be a wbxr.Network"):
        wbxr.simulate("network", duration=1.0, dt=0.1)


def test_blow_up_reports_the_first_time():
    explosive = single_region(wbxr.models.Hopf(a=1.0, w=0.0, beta=-1.0))  # r' = r + r^3
    # r(t) = 1/sqrt((1 + 1/r0^2) e^{-2t} - 1) reaches infinity at t* = ln(1 + 1/r0^2)/2
    with pytest.raises(NonFiniteStateError) as info:
        wbxr.simulate(explosive, duration=100.0, dt=0.01, initial_state={"x": 1.0, "y": 0.0})
    blow_up = np.log(2.0) / 2
    assert blow_up < info.value.time < blow_up + 1.0
    assert "first NaN/Inf at t =" in str(info.value)


# --- known dynamics --------------------------------------------------------------------
@pytest.mark.parametrize("a", [0.2, -0.1])
def test_single_hopf_radius_follows_the_analytic_solution(a):
    """r' = a r - beta r^3 has r(t)^2 = a / (beta + (a / r0^2 - beta) e^{-2 a t})."""
    beta, r0 = 2.0, 0.1
    node = single_region(wbxr.models.Hopf(a=a, w=0.3, beta=beta))
    ds = wbxr.simulate(node, duration=100.0, dt=0.05, sample_every=0.5, method="rk4",
                       initial_state={"x": r0, "y": 0.0})
    t = ds.time.values
    radius = np.hypot(ds.x.values[:, 0], ds.y.values[:, 0])
    expected = np.sqrt(a / (beta + (a / r0**2 - beta) * np.exp(-2 * a * t)))
    np.testing.assert_allclose(radius, expected, rtol=2e-4, atol=1e-6)
    if a > 0:
        assert radius[-1] == pytest.approx(np.sqrt(a / beta), rel=1e-4)
    else:
        assert radius[-1] < 1e-4


def test_single_hopf_rotates_at_angular_frequency_w():
    node = single_region(wbxr.models.Hopf(a=0.2, w=0.3))
    ds = wbxr.simulate(node, duration=200.0, dt=0.05, method="rk4", transient=50.0,
                       initial_state={"x": 0.4, "y": 0.0})
    phase = np.unwrap(np.arctan2(ds.y.values[:, 0], ds.x.values[:, 0]))
    slope = np.polyfit(ds.time.values, phase, 1)[0]
    assert slope == pytest.approx(0.3, rel=1e-5)


def test_white_noise_gives_the_discrete_stationary_variance():
    """x' = a x + sigma xi: Euler-Maruyama is AR(1) with var sigma^2 dt / (1 - (1 + a dt)^2)."""
    a, sigma, dt, n = -0.5, 0.2, 0.1, 64
    model = wbxr.models.Hopf(a=a, w=0.0, beta=0.0, noise={"x": wbxr.noise.White(sigma)})
    net = wbxr.Network(model, wbxr.connectome(np.zeros((n, n))), k=0.0)
    ds = wbxr.simulate(net, duration=2000.0, dt=dt, transient=20.0, sample_every=1.0,
                       initial_state={"x": 0.0, "y": 0.0}, seed=1)
    expected = sigma**2 * dt / (1 - (1 + a * dt) ** 2)
    assert float(ds.x.var()) == pytest.approx(expected, rel=0.03)
    assert float(np.abs(ds.y).max()) == 0.0  # y carries no noise and no drive
    np.testing.assert_allclose(float(ds.x.mean()), 0.0, atol=0.01)


def test_ou_input_enters_where_the_model_puts_its_input():
    """An OU process with sigma = 0 is a constant input: mean 1 on rE is P_E = 1."""
    conn = wbxr.load_dataset("example_connectome")
    driven = wbxr.models.WilsonCowan(P_E=1.0)
    ou = wbxr.models.WilsonCowan(noise={"rE": wbxr.noise.OU(sigma=0.0, tau=5.0, mean=1.0)})
    runs = [wbxr.simulate(wbxr.Network(m, conn, speed=5.0, k=0.2), duration=40.0, dt=0.1,
                          method="heun", seed=2) for m in (driven, ou)]
    np.testing.assert_allclose(runs[0].rE.values, runs[1].rE.values, rtol=1e-5, atol=1e-7)
    hopf = single_region(wbxr.models.Hopf(a=-1.0, w=0.0, beta=0.0,
                                          noise={"x": wbxr.noise.OU(sigma=0.0, tau=5.0, mean=0.5)}))
    ds = wbxr.simulate(hopf, duration=30.0, dt=0.1)  # x' = -x + 0.5 -> 0.5
    assert float(ds.x[-1, 0]) == pytest.approx(0.5, rel=1e-5)


def test_ou_noise_on_a_fast_linear_node_has_the_filtered_variance():
    """x' = -x/tau_x + eta with eta OU(sigma, tau): var x = sigma^2 tau_x^2 tau / (tau + tau_x)."""
    n, sigma, tau, tau_x = 64, 0.3, 20.0, 1.0
    model = wbxr.models.Hopf(a=-1.0 / tau_x, w=0.0, beta=0.0,
                             noise={"x": wbxr.noise.OU(sigma=sigma, tau=tau * u.ms)})
    net = wbxr.Network(model, wbxr.connectome(np.zeros((n, n))), k=0.0)
    ds = wbxr.simulate(net, duration=4000.0, dt=0.05, sample_every=1.0, transient=10.0,
                       method="heun", seed=3)
    expected = sigma**2 * tau_x**2 * tau / (tau + tau_x)
    assert float(ds.x.var()) == pytest.approx(expected, rel=0.06)


def test_per_region_parameters_act_per_region():
    conn = wbxr.connectome(np.zeros((3, 3)))
    model = wbxr.models.Hopf(a=np.array([-0.5, -0.1, 0.0]), w=0.0, beta=0.0)
    ds = wbxr.simulate(wbxr.Network(model, conn, k=0.0), duration=10.0, dt=0.01, method="rk4",
                       initial_state={"x": 1.0, "y": 0.0})
    np.testing.assert_allclose(ds.x.values[-1], np.exp(np.array([-0.5, -0.1, 0.0]) * 10.0), rtol=1e-5)


# --- the GPU code path, traced on the CPU ------------------------------------------------
@pytest.mark.parametrize("method", ["euler", "rk4"])  # rk4 reads the step's end, as heun does
def test_rolled_and_unrolled_steps_read_the_same_delayed_inputs(conn, monkeypatch, method):
    """A rolled loop of steps reads the block's delayed sums region-major, unrolled steps
    time-major; schemes that evaluate the field at a step's end also read the next step's."""
    net = noisy_hopf(conn)
    rolled = wbxr.simulate(net, duration=60.0, dt=0.1, seed=2, method=method)
    monkeypatch.setattr(sys.modules["wbxr.network"], "ROLLED_STEP_MAX_SIZE", 0)
    unrolled = wbxr.simulate(net, duration=62.0, dt=0.1, seed=2, method=method)  # a fresh trace
    np.testing.assert_allclose(unrolled.x.values[:600], rolled.x.values, rtol=0, atol=2e-6)
    assert np.abs(rolled.x.values).max() > 0.01


@pytest.mark.parametrize("sample_every", [0.3, 5.0])  # samples within a block; blocks per sample
def test_steps_writing_their_history_and_samples_give_the_numbers_of_blocks_written_after(
    conn, monkeypatch, sample_every
):
    """8 regions, 2 variables: XLA compiles a rolled block whose steps write the history
    ring and the samples themselves into one kernel, so the steps do; written after each
    block instead, the run is the same."""
    network = sys.modules["wbxr.network"]
    asked, ask = [], network.steps_fit_one_kernel
    monkeypatch.setattr(network, "steps_fit_one_kernel", lambda *args: asked.append(ask(*args)) or asked[-1])
    net = noisy_hopf(conn)
    in_loop = wbxr.simulate(net, duration=60.0, dt=0.1, seed=2, sample_every=sample_every, transient=0.9)
    assert asked == [True]
    monkeypatch.setattr(network, "steps_fit_one_kernel", lambda *args: False)
    after = wbxr.simulate(net, duration=90.0, dt=0.1, seed=2, sample_every=sample_every, transient=0.9)
    n = in_loop.sizes["time"]
    np.testing.assert_array_equal(after.time.values[:n], in_loop.time.values)
    for var in ("x", "y"):
        np.testing.assert_allclose(after[var].values[:n], in_loop[var].values, rtol=0, atol=1e-7)
    assert np.abs(in_loop.x.values).max() > 0.01


def test_only_small_states_ask_xla_whether_steps_fit_one_kernel():
    """Above ONE_KERNEL_MAX_STATE_BYTES a step cannot fit XLA's 1 kB: nothing is compiled."""
    network = sys.modules["wbxr.network"]
    n_members = network.ONE_KERNEL_MAX_STATE_BYTES // (4 * 2 * 8) + 1
    carry = network.NetworkState(np.zeros((2, 8, n_members), np.float32), {}, None, np.int32(0))
    assert not network.steps_fit_one_kernel(None, (None, carry, None, None, None), 1)


def test_the_accelerator_code_path_gives_the_cpu_numbers(conn, monkeypatch):
    """On a GPU, groups of steps and the steps of a block are unrolled (the CPU runs a block's
    steps as a rolled loop) and one member's delayed inputs are summed by a matrix product;
    traced here as if on a GPU, both give the CPU path's numbers."""
    import jax

    net = noisy_hopf(conn)
    unrolls, scan = [], jax.lax.scan

    def spy(*args, **kwargs):
        unrolls.append(kwargs.get("unroll", 1))
        return scan(*args, **kwargs)

    monkeypatch.setattr(jax.lax, "scan", spy)
    on_cpu = wbxr.simulate(net, duration=120.0, dt=0.1, seed=4)
    assert unrolls and all(u == 1 and u is not True for u in unrolls)
    unrolls.clear()
    # 97 members x 8 regions x 2 variables > ROLLED_STEP_MAX_SIZE: unrolled on the CPU too
    assert 2 * 8 * 96 <= sys.modules["wbxr.network"].ROLLED_STEP_MAX_SIZE < 2 * 8 * 97
    wbxr.ensemble(net, 2.0, 0.1, seeds=range(97), chunk_size=97).compute(scheduler="synchronous")
    assert any(u is True for u in unrolls)
    unrolls.clear()
    monkeypatch.setattr(jax, "default_backend", lambda: "gpu")
    traced_as_gpu = wbxr.simulate(net, duration=124.0, dt=0.1, seed=4)  # another shape: a fresh trace
    assert max(unrolls) == sys.modules["wbxr.simulate"].ACCELERATOR_GROUP_UNROLL > 1
    assert any(u is True for u in unrolls)  # the block's steps
    np.testing.assert_allclose(traced_as_gpu.x.values[:1200], on_cpu.x.values, rtol=0, atol=2e-6)
    assert np.abs(on_cpu.x.values).max() > 0.01
