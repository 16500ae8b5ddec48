"""wbxr.ensemble: members equal solo runs, layout, laziness, sweeps, reductions, failures, memory, errors."""

import math
import sys
import tracemalloc

import brainunit as u
import dask.array as da
import numpy as np
import pytest
import xarray as xr
from hypothesis import given, settings
from hypothesis import strategies as st

import wbxr
from wbxr.ensemble import block_shape
from wbxr.monitors import Bold, LeadField, TemporalAverage


@pytest.fixture(scope="module")
def conn():
    return wbxr.load_dataset("example_connectome")


def noisy_net(conn, **kwargs):
    noise = wbxr.noise.White(sigma=0.05)
    model = wbxr.models.Hopf(a=-0.05, w=0.3, noise={"x": noise, "y": noise})
    return wbxr.Network(model, conn, speed=kwargs.pop("speed", 10.0), k=kwargs.pop("k", 0.3), **kwargs)


RUN = {"duration": 40.0, "dt": 0.1, "sample_every": 0.5, "transient": 5.0}


@pytest.mark.parametrize("chunk_size", [1, 4, 16])
def test_every_member_equals_its_solo_run(conn, chunk_size):
    """Same noise, same equations: equal to float32 rounding (simulate runs one unpadded member)."""
    net = noisy_net(conn)
    ens = wbxr.ensemble(net, seeds=[3, 7, 11], sweep={"k": [0.0, 0.4]}, chunk_size=chunk_size, **RUN)
    ens = ens.compute()
    for seed in (3, 7, 11):
        for k in (0.0, 0.4):
            solo = wbxr.simulate(net.replace(k=k), seed=seed, **RUN)
            member = ens.sel(seed=seed, k=k)
            np.testing.assert_allclose(member.x.values, solo.x.values, rtol=1e-5, atol=1e-6)
            np.testing.assert_allclose(member.y.values, solo.y.values, rtol=1e-5, atol=1e-6)


def test_an_ensemble_built_in_float64_computes_in_float64_outside_the_context(conn, x64):
    """Dask's worker threads do not see JAX's thread-local x64 context: the chunks run in the
    precision the ensemble was built in, and its members equal their float64 solo runs."""
    net = noisy_net(conn)
    with x64():
        lazy = wbxr.ensemble(net, seeds=[3, 7], **RUN)
        solo = wbxr.simulate(net, seed=7, **RUN)
    assert lazy.x.dtype == np.float64
    ens = lazy.compute()  # outside the context, in dask's threads
    assert ens.x.dtype == solo.x.dtype == np.float64
    np.testing.assert_allclose(ens.x.sel(seed=7).values, solo.x.values, rtol=0, atol=1e-12)
    assert ens.x.sel(seed=3).values.std() > 0.01


def test_chunking_does_not_change_the_numbers(conn):
    net = noisy_net(conn)
    """Bit for bit: alone, in chunks of any size (padded to 4, 8 and 16 members), and again."""
    runs = [wbxr.ensemble(net, seeds=range(10), chunk_size=size, **RUN).x.values for size in (1, 2, 3, 5, 10)]
    for other in runs[1:]:
        np.testing.assert_array_equal(runs[0], other)
    alone = wbxr.ensemble(net, seeds=[4], **RUN).x.values[0]
    np.testing.assert_array_equal(alone, runs[0][4])



def test_a_few_short_edges_are_summed_step_by_step_in_every_chunk():
    """6 regions whose delays are 11-25 steps but for one pair of 2: blocks of 10 steps with
    the pair summed step by step, bit for bit in chunks padded to 4 and 8, equal to simulate
    and to a speed sweep's member (speed sweeps gather every edge, here in blocks of 2)."""
    rng = np.random.default_rng(0)
    weights = rng.uniform(0.1, 1.0, (6, 6))
    distances = rng.uniform(11.0, 25.0, (6, 6))
    distances = (distances + distances.T) / 2
    distances[0, 3] = distances[3, 0] = 2.0
    np.fill_diagonal(weights, 0.0)
    np.fill_diagonal(distances, 0.0)
    net = noisy_net(wbxr.connectome(weights, distances))
    assert net.min_delay(0.1) == 2 and net.block_delay(0.1) >= 11
    runs = [wbxr.ensemble(net, seeds=range(5), chunk_size=size, **RUN).x.values for size in (1, 5)]
    np.testing.assert_array_equal(runs[0], runs[1])
    solo = wbxr.simulate(net, seed=3, **RUN)
    np.testing.assert_allclose(runs[0][3], solo.x.values, rtol=1e-5, atol=1e-6)
    swept = wbxr.ensemble(net, seeds=[3], sweep={"speed": [10.0, 20.0]}, **RUN).x.compute()
    np.testing.assert_allclose(runs[0][3], swept.isel(seed=0, speed=0).values, rtol=1e-5, atol=1e-6)
    assert np.abs(runs[0]).max() > 0.05

def test_layout_coordinates_and_laziness(conn):
    ens = wbxr.ensemble(noisy_net(conn), seeds=range(2), sweep={"k": np.linspace(0, 0.5, 3), "a": [-0.1, 0.0]},
                        monitors=["x"], **RUN)
    assert ens.x.dims == ("seed", "k", "a", "time", "region")
    assert ens.x.shape == (2, 3, 2, 70, 8)
    assert isinstance(ens.x.data, da.Array)  # nothing has run yet
    assert ens.seed.attrs["standard_name"] == "realization"
    assert ens.k.attrs["units"] == "1" and ens.a.attrs["units"] == "1/ms"
    np.testing.assert_allclose(ens.time.values, 5.5 + 0.5 * np.arange(70))
    assert ens.x.attrs["units"] == "1" and ens.attrs["swept"] == "k,a"
    fc = ens.wb.fc().mean("seed")
    assert isinstance(fc.data, da.Array) and fc.dims == ("k", "a", "region_i", "region_j")
    fc = fc.compute()
    np.testing.assert_allclose(np.diagonal(fc.values, axis1=-2, axis2=-1), 1.0, atol=1e-5)


def test_model_parameter_and_speed_sweeps_match_solo_runs(conn):
    net = noisy_net(conn)
    ens = wbxr.ensemble(net, seeds=[1], sweep={"speed": np.array([5.0, 10.0]) * u.mm / u.ms, "w": [0.2, 0.4]}, **RUN).compute()
    assert ens.x.dims == ("seed", "speed", "w", "time", "region")
    for speed in (5.0, 10.0):
        for w in (0.2, 0.4):
            solo = wbxr.simulate(net.replace(speed=speed, model=net.model.replace(w=w)), seed=1, **RUN)
            np.testing.assert_allclose(ens.x.sel(seed=1, speed=speed, w=w).values, solo.x.values,
                                       rtol=1e-5, atol=1e-6)


def test_all_chunks_share_one_compilation(conn, compile_count):
    net = noisy_net(conn)
    with compile_count() as counter:
        wbxr.ensemble(net, duration=31.0, dt=0.1, seeds=range(5), sweep={"k": [0.1, 0.2]},
                      chunk_size=3).compute()
    counter.require_names()
    assert sum("run_members" in name for name in counter.names) == 1


def test_a_blow_up_is_reported_per_member_and_spares_the_others(conn):
    model = wbxr.models.Hopf(a=1.0, w=0.0, beta=-1.0)  # explodes for any x0 != 0
    net = wbxr.Network(model, wbxr.connectome(np.zeros((2, 2))), k=0.0)
    ens = wbxr.ensemble(net, duration=20.0, dt=0.01, seeds=[0], sweep={"beta": [1.0, -1.0]},
                        initial_state={"x": 1.0, "y": 0.0}).compute()
    assert np.isnan(ens.nonfinite_time.sel(beta=1.0)).all()
    blow_up = float(ens.nonfinite_time.sel(beta=-1.0, seed=0))
    assert np.log(2) / 2 < blow_up < np.log(2) / 2 + 1.0  # analytic blow-up time ln(2)/2
    assert np.isfinite(ens.x.sel(beta=1.0)).all()
    np.testing.assert_allclose(float(ens.x.sel(beta=1.0, seed=0)[-1, 0]), 1.0, rtol=1e-3)  # r -> sqrt(a/beta)


@pytest.mark.parametrize(
    "kwargs, error, match",
    [
        ({"seeds": []}, ValueError, "seeds must not be empty"),
        ({"seeds": [1, 1]}, ValueError, "seeds must be distinct"),
        ({"seeds": 4}, TypeError, r"seeds must be a list of integers such as range\(4\)"),
        ({"seeds": [-1]}, TypeError, "seeds must be a non-negative integer"),
        ({"sweep": {"gain": [1, 2]}}, ValueError, "sweep has key 'gain'"),
        ({"sweep": {"k": []}}, ValueError, r"sweep\['k'\] must be a non-empty"),
        ({"sweep": {"speed": [0.0]}}, ValueError, r"sweep\['speed'\] must be > 0"),
        ({"sweep": {"a": [np.nan]}}, ValueError, "Hopf.a must be finite"),
        ({"sweep": [("k", 1)]}, TypeError, "sweep must be a dict"),
        ({"chunk_size": 0}, ValueError, "chunk_size must be a positive integer"),
        ({"reduce": "fcd"}, ValueError, "reduce=.fcd. is not one of"),
        ({"reduce": "fc+fcd"}, ValueError, "reduce='fc\\+fcd' needs fcd_window and fcd_step"),
        ({"reduce": "fc", "fcd_window": 5.0}, ValueError, "fcd_window and fcd_step are only used"),
        ({"reduce": "fc+fcd", "fcd_window": 500.0, "fcd_step": 1.0}, ValueError, "is longer than the series"),
        ({"reduce": lambda member: member.x.values}, TypeError, "reduce must return a Dataset or a non-empty dict"),
        ({"reduce": lambda member: {"m": member.x.values}}, TypeError, "return an xarray.DataArray"),
        ({"reduce": lambda member: {"seed": member.x.mean()}}, ValueError, "the names \\['seed'\\] are taken"),
        ({"chunk_size": True}, ValueError, "chunk_size must be a positive integer"),
        ({"dt": -1.0}, ValueError, "dt must be > 0"),
    ],
)
def test_bad_arguments(conn, kwargs, error, match):
    arguments = {"duration": 10.0, "dt": 0.1, **kwargs}
    with pytest.raises(error, match=match):
        wbxr.ensemble(noisy_net(conn), **arguments)


def test_reduce_fc_inside_the_loop_equals_fc_of_the_time_series(conn):
    net = noisy_net(conn)
    kwargs = dict(seeds=[2, 5], sweep={"k": [0.1, 0.6]}, chunk_size=3, **RUN)
    reduced = wbxr.ensemble(net, reduce="fc", **kwargs)
    assert reduced.fc_x.dims == ("seed", "k", "region_i", "region_j")
    assert "time" not in reduced.dims and reduced.attrs["reduce"] == "fc"
    full = wbxr.ensemble(net, **kwargs)
    expected = wbxr.analysis.fc(full.x).compute()
    np.testing.assert_allclose(reduced.fc_x.values, expected.values, atol=2e-5)
    assert list(reduced.region_i.values) == list(expected.region_i.values)
    np.testing.assert_allclose(np.diagonal(reduced.fc_y.values, axis1=-2, axis2=-1), 1.0, atol=1e-5)


def test_reduce_fc_of_a_constant_region_is_nan(conn):
    model = wbxr.models.Hopf(a=-1.0, w=0.0, beta=0.0, noise={"x": wbxr.noise.White(np.r_[0.1, 0.0])})
    net = wbxr.Network(model, wbxr.connectome(np.zeros((2, 2))), k=0.0)
    fc = wbxr.ensemble(net, duration=20.0, dt=0.1, seeds=[0], monitors=["x"], reduce="fc",
                       initial_state={"x": 0.0, "y": 0.0}).fc_x.values[0]
    assert fc[0, 0] == pytest.approx(1.0) and np.isnan(fc[1, 1]) and np.isnan(fc[0, 1])


def test_a_dask_distributed_cluster_gives_the_same_numbers(conn):
    """A worker process (spawned, not forked) compiles and runs the chunks, two at a time: same
    bits, BOLD included.  One worker: a second would only repeat the start-up and compilation
    (10 s -> 5 s on 2 cores)."""
    distributed = pytest.importorskip("dask.distributed")
    ens = wbxr.ensemble(noisy_net(conn), seeds=range(4), sweep={"k": [0.1, 0.3]}, chunk_size=3,
                        monitors=["x", Bold("x", tr=2.5)], **RUN)
    local = ens.compute(scheduler="threads")
    with distributed.LocalCluster(n_workers=1, threads_per_worker=2, processes=True,
                                  dashboard_address=None) as cluster, distributed.Client(cluster):
        remote = ens.compute()
    for name in ("x", "bold"):
        np.testing.assert_array_equal(remote[name].values, local[name].values)


def test_reduce_fc_and_fcd_equal_the_analysis_functions_on_each_member(conn):
    net = noisy_net(conn)
    kwargs = dict(seeds=[2, 5], sweep={"k": [0.1, 0.6]}, chunk_size=3, **RUN)
    window, step = 10 * u.ms, 5.0
    reduced = wbxr.ensemble(net, reduce="fc+fcd", fcd_window=window, fcd_step=step, **kwargs)
    assert reduced.fcd_x.dims == ("seed", "k", "window_i", "window_j")
    assert reduced.fc_y.dims == ("seed", "k", "region_i", "region_j") and "time" not in reduced.dims
    assert reduced.attrs["reduce"] == "fc+fcd" and reduced.attrs["fcd_window"] == 10.0
    reduced = reduced.compute()
    full = wbxr.ensemble(net, **kwargs).compute()  # the same chunks: the same numbers
    for seed in (2, 5):
        for k in (0.1, 0.6):
            member = full.sel(seed=seed, k=k)
            for name in ("x", "y"):
                expected_fcd = wbxr.analysis.fcd(member[name], window, step)
                got = reduced[f"fcd_{name}"].sel(seed=seed, k=k)
                np.testing.assert_array_equal(got.values, expected_fcd.values)
                np.testing.assert_array_equal(got.window_i.values, expected_fcd.window_i.values)
                expected_fc = wbxr.analysis.fc(member[name])
                np.testing.assert_array_equal(reduced[f"fc_{name}"].sel(seed=seed, k=k).values, expected_fc.values)
    assert reduced.fcd_x.attrs["window_ms"] == 10.0 and reduced.fcd_x.attrs["step_samples"] == 10


def test_reduce_with_a_function_of_the_member(conn):
    net = noisy_net(conn)
    kwargs = dict(seeds=[1, 4], sweep={"k": [0.0, 0.3, 0.6]}, chunk_size=4, **RUN)

    def summary(member):
        return {
            "power": (member.x**2).mean("time"),  # dims ("region",), keeps the region labels
            "seen_k": member.k * 1,  # the member's swept value, as a scalar coordinate
            "seen_seed": member.seed.astype(float),
            "n_samples": member.sizes["time"],  # an integer: stored as a float
        }

    reduced = wbxr.ensemble(net, reduce=summary, **kwargs)
    assert reduced.power.dims == ("seed", "k", "region") and reduced.seen_k.dims == ("seed", "k")
    assert list(reduced.region.values) == list(conn.target.values)
    assert reduced.attrs["reduce"] == "summary" and reduced.n_samples.dtype == np.float64
    reduced = reduced.compute()
    full = wbxr.ensemble(net, **kwargs).compute()
    np.testing.assert_array_equal(reduced.power.values, (full.x**2).mean("time").values)
    np.testing.assert_array_equal(reduced.seen_k.values, np.broadcast_to([0.0, 0.3, 0.6], (2, 3)))
    np.testing.assert_array_equal(reduced.seen_seed.values, [[1.0] * 3, [4.0] * 3])
    assert (reduced.n_samples == 70).all()


def test_reduce_function_must_give_the_same_shapes_for_every_member(conn):
    calls = []

    def varying(member):
        calls.append(None)
        n = 3 if len(calls) == 1 else 4  # the placeholder member (first call) gets 3
        return {"head": member.x.isel(time=slice(0, n))}

    ens = wbxr.ensemble(noisy_net(conn), seeds=[0], reduce=varying, **RUN)
    with pytest.raises(ValueError, match=r"reduce returned 'head' with dims \('time', 'region'\) and shape \(4, 8\) "
                                         r"for the member seed=0, but .* \(3, 8\) for the placeholder"):
        ens.compute(scheduler="synchronous")


def test_a_sweep_where_large_k_blows_up_reports_those_members_and_keeps_the_others(conn):
    net = noisy_net(conn)
    ks = [0.2, 30.0, 0.5, 60.0]  # Euler with k * in-strength * dt > 2 diverges
    ens = wbxr.ensemble(net, seeds=[3, 7], sweep={"k": ks}, chunk_size=3, **RUN)
    with pytest.warns(wbxr.NonFiniteMemberWarning) as record:
        result = ens.compute(scheduler="synchronous")
    messages = " ".join(str(w.message) for w in record)
    for seed in (3, 7):
        for k in (30, 60):
            assert f"seed={seed}, k={k} at t=" in messages
    assert "k=0.2" not in messages and "k=0.5" not in messages
    table = wbxr.failed_members(result)
    assert list(table.columns) == ["seed", "k", "nonfinite_time"]
    assert sorted(zip(table.seed, table.k)) == [(3, 30.0), (3, 60.0), (7, 30.0), (7, 60.0)]
    assert (table.nonfinite_time > 0).all() and (table.nonfinite_time <= RUN["duration"]).all()
    for seed in (3, 7):
        for k in (0.2, 0.5):  # the others are whole and equal their solo runs
            solo = wbxr.simulate(net.replace(k=k), seed=seed, **RUN)
            np.testing.assert_allclose(result.x.sel(seed=seed, k=k).values, solo.x.values, rtol=1e-5, atol=1e-6)
    assert wbxr.failed_members(result.sel(k=[0.2, 0.5])).empty


def test_a_reduce_function_is_not_called_for_members_that_blew_up(conn):
    calls = []

    def peak(member):
        calls.append(float(member.k))
        assert np.isfinite(member.x.values).all()
        return {"peak": abs(member.x).max()}

    ens = wbxr.ensemble(noisy_net(conn), seeds=[0], sweep={"k": [0.2, 60.0]}, reduce=peak, **RUN)
    assert calls == [0.2]  # the placeholder member, with the first member's coordinates
    calls.clear()
    with pytest.warns(wbxr.NonFiniteMemberWarning, match="seed=0, k=60"):
        result = ens.compute(scheduler="synchronous")
    assert calls == [0.2]
    assert np.isfinite(result.peak.sel(k=0.2)).all() and np.isnan(result.peak.sel(k=60.0)).all()


@settings(max_examples=200, deadline=None)
@given(
    shape=st.lists(st.integers(1, 12), min_size=1, max_size=4),
    chunk_size=st.integers(1, 40),
    with_speed=st.booleans(),
)
def test_chunks_are_regular_blocks_of_at_most_chunk_size_members(shape, chunk_size, with_speed):
    first_free = 1 if with_speed and len(shape) > 1 else 0
    block = block_shape(shape, chunk_size, first_free)
    assert len(block) == len(shape)
    assert math.prod(block) <= chunk_size
    assert all(1 <= b <= n for b, n in zip(block, shape))
    assert all(b == 1 for b in block[:first_free])  # one speed per chunk
    # Only one axis is split; the ones after it are whole, the ones before it are 1.
    partial = [i for i, (b, n) in enumerate(zip(block, shape)) if b < n and b > 1]
    assert len(partial) <= 1
    if partial:
        assert all(block[i] == shape[i] for i in range(partial[0] + 1, len(shape)))
    # No larger block of this form fits: the next whole or partial axis would exceed it.
    split = max([i for i, (b, n) in enumerate(zip(block, shape)) if b < n], default=-1)
    if split >= first_free:
        assert math.prod(block) // block[split] * (block[split] + 1) > chunk_size


def test_the_dask_chunks_are_the_member_chunks(conn):
    ens = wbxr.ensemble(noisy_net(conn), seeds=range(4), sweep={"k": np.linspace(0, 1, 10)},
                        chunk_size=16, **RUN)
    assert ens.chunksizes["seed"] == (1, 1, 1, 1) and ens.chunksizes["k"] == (10,)
    ens = wbxr.ensemble(noisy_net(conn), seeds=range(1), sweep={"k": np.linspace(0, 1, 40)},
                        chunk_size=16, reduce="fc", **RUN)
    assert ens.chunksizes["k"] == (16, 16, 8)
    ens = wbxr.ensemble(noisy_net(conn), seeds=range(3), sweep={"speed": [5.0, 10.0], "a": [-0.1, 0.0]},
                        chunk_size=16, reduce="fc", **RUN)
    assert ens.chunksizes["speed"] == (1, 1) and ens.chunksizes["seed"] == (3,)
    assert ens.fc_x.data.npartitions == 2  # one chunk per speed: 3 seeds x 2 values of a each


def test_peak_memory_of_a_reduced_sweep_is_bounded_by_the_chunk(conn):
    """64 members reduced to FC + FCD, 8 per chunk: the time series exist one chunk at a time.

    tracemalloc sees every numpy allocation: the series of the whole sweep would show
    (they do with ``reduce=None``), while one chunk's series (and its float64 copies in
    wbxr.analysis) stay under the bound; the result itself is held up to twice (the
    chunks' pieces and the concatenated arrays).
    """
    net = noisy_net(conn)
    run = {"duration": 100.0, "dt": 0.1, "sample_every": 0.1, "monitors": ["x"]}
    ens = wbxr.ensemble(net, seeds=range(8), sweep={"k": np.linspace(0.0, 0.5, 8)}, chunk_size=8,
                        reduce="fc+fcd", fcd_window=20.0, fcd_step=10.0, **run)
    members, n_time, n_regions = 64, 1000, 8
    chunk_series = 8 * n_time * n_regions * 4  # 8 members of float32 samples
    all_series = members // 8 * chunk_series
    result_bytes = ens.nbytes
    ens.isel(seed=[0]).compute(scheduler="synchronous")  # compile outside the measurement
    tracemalloc.start()
    try:
        ens.compute(scheduler="synchronous")
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    bound = 2 * chunk_series + 2 * result_bytes  # a chunk's series (+ copies), the result twice
    assert all_series > 2 * bound  # holding the sweep's series would break the bound
    assert peak < bound


@given(n_members=st.integers(1, 10_000), n_cores=st.integers(1, 64))
def test_the_default_chunk_is_a_power_of_two_that_gives_every_core_work(n_members, n_cores):
    from wbxr.ensemble import DEFAULT_CHUNK_SIZE, default_chunk_size

    size = default_chunk_size(n_members, n_cores, platform="cpu")
    assert size & (size - 1) == 0 and 1 <= size <= DEFAULT_CHUNK_SIZE
    per_core = -(-n_members // n_cores)
    assert size <= per_core  # no core is left without a chunk for lack of members
    assert size == DEFAULT_CHUNK_SIZE or 2 * size > per_core  # the largest such


@given(n_members=st.integers(1, 10_000), platform=st.sampled_from(["gpu", "cuda", "rocm", "tpu"]))
def test_on_an_accelerator_the_default_chunk_holds_every_member_up_to_a_cap(n_members, platform):
    from wbxr.ensemble import ACCELERATOR_CHUNK_SIZE, default_chunk_size

    size = default_chunk_size(n_members, n_cores=2, platform=platform)
    assert size == min(n_members, ACCELERATOR_CHUNK_SIZE) and ACCELERATOR_CHUNK_SIZE >= 1000


@given(n_members=st.integers(1, 10_000), member_bytes=st.integers(1, 2**34))
def test_on_an_accelerator_the_default_chunk_fits_its_memory_budget(n_members, member_bytes):
    from wbxr.ensemble import ACCELERATOR_CHUNK_BYTES, ACCELERATOR_CHUNK_SIZE, default_chunk_size

    size = default_chunk_size(n_members, platform="gpu", member_bytes=member_bytes)
    assert 1 <= size <= min(n_members, ACCELERATOR_CHUNK_SIZE)
    assert size == 1 or size * member_bytes <= ACCELERATOR_CHUNK_BYTES  # one member always runs
    assert size == min(n_members, ACCELERATOR_CHUNK_SIZE) or (size + 1) * member_bytes > ACCELERATOR_CHUNK_BYTES


def test_the_ensemble_sizes_its_default_chunk_by_what_a_member_holds(conn, monkeypatch):
    """A member's series (and outputs) set the GPU chunk; an in-loop FC holds only N x N."""
    module = sys.modules["wbxr.ensemble"]
    asked = []
    original = module.default_chunk_size
    monkeypatch.setattr(module, "default_chunk_size", lambda n, **kw: asked.append(kw) or original(n, **kw))
    net = noisy_net(conn)
    wbxr.ensemble(net, seeds=range(3), monitors=["x"], **RUN)
    wbxr.ensemble(net, seeds=range(3), monitors=["x"], reduce="fc", **RUN)
    series, output = 80, 70  # samples: 40 ms every 0.5 ms while running; after the 5 ms transient
    # twice (kernel buffer and transposed copy) 4 bytes x 8 regions x samples, or an 8 x 8 FC
    assert asked == [{"member_bytes": 2 * 4 * 8 * (series + output)}, {"member_bytes": 2 * 4 * 8 * 8}]


def test_the_default_chunk_follows_jax_default_backend():
    import jax

    from wbxr.ensemble import default_chunk_size

    expected = 8 if jax.default_backend() == "cpu" else 64
    assert default_chunk_size(64, n_cores=2) == default_chunk_size(64, n_cores=2, platform=jax.default_backend()) == expected


# -- in-loop monitors (wbxr.monitors) ------------------------------------------------------

GAIN = np.arange(16.0).reshape(2, 8) / 8
MONITORS = ["x", Bold("x", tr=2.5), TemporalAverage("y", period=5.0),
            LeadField("x", GAIN, sensors=["Fz", "Cz"], period=1.0)]


def test_in_loop_monitors_of_every_member_equal_its_solo_run(conn):
    """Dims, coordinates, attributes as simulate gives them; numbers to float32 rounding."""
    net = noisy_net(conn)
    ens = wbxr.ensemble(net, seeds=[3, 7], sweep={"k": [0.0, 0.4]}, monitors=MONITORS, chunk_size=3, **RUN)
    assert ens.bold.dims == ("seed", "k", "time_bold", "region")
    assert ens.y_average.dims == ("seed", "k", "time_y_average", "region")
    assert ens.eeg.dims == ("seed", "k", "time_eeg", "sensor") and list(ens.sensor.values) == ["Fz", "Cz"]
    assert isinstance(ens.bold.data, da.Array) and ens.chunksizes["time_bold"] == (14,)
    ens = ens.compute()
    for seed in (3, 7):
        for k in (0.0, 0.4):
            solo = wbxr.simulate(net.replace(k=k), seed=seed, monitors=MONITORS, **RUN)
            member = ens.sel(seed=seed, k=k)
            assert set(member.data_vars) == set(solo.data_vars) | {"nonfinite_time"}
            for name in solo.data_vars:
                expected = solo[name]
                assert member[name].dims == expected.dims and member[name].attrs == expected.attrs
                for dim in expected.dims:
                    np.testing.assert_array_equal(member[dim].values, expected[dim].values)
                    assert member[dim].attrs == expected[dim].attrs
                scale = float(abs(expected).max())
                assert scale > 0
                np.testing.assert_allclose(member[name].values, expected.values, rtol=1e-5, atol=1e-5 * scale)


def test_chunking_does_not_change_in_loop_monitor_numbers(conn):
    """A BOLD-only ensemble: bit for bit alone and in chunks of any size; no neural series at all."""
    net = noisy_net(conn)
    bold = Bold("x", tr=2.5)
    runs = [wbxr.ensemble(net, seeds=range(6), monitors=[bold], chunk_size=size, **RUN) for size in (1, 3)]
    assert list(runs[0].data_vars) == ["bold", "nonfinite_time"] and "time" not in runs[0].dims
    runs = [run.bold.values for run in runs]
    for other in runs[1:]:
        np.testing.assert_array_equal(runs[0], other)
    alone = wbxr.ensemble(net, seeds=[4], monitors=[bold], **RUN).bold.values[0]
    np.testing.assert_array_equal(alone, runs[0][4])
    assert np.abs(alone).max() > 0


BOLD_RUN = {"duration": 3000.0, "dt": 0.5, "transient": 500.0, "sample_every": 1.0}
BOLD = Bold("x", tr=100.0)


@pytest.fixture(scope="module")
def bold_sweep(conn):
    """A BOLD-only sweep (one member blows up at k = 60) and its series."""
    kwargs = dict(seeds=[2, 5], sweep={"k": [0.1, 0.6, 60.0]}, monitors=[BOLD], chunk_size=3, **BOLD_RUN)
    with pytest.warns(wbxr.NonFiniteMemberWarning, match="k=60"):
        full = wbxr.ensemble(noisy_net(conn), **kwargs).compute(scheduler="synchronous")
    return kwargs, full


def test_reduce_fc_of_an_in_loop_monitor_is_the_fc_of_its_series(conn, bold_sweep):
    """fc_bold: wbxr.analysis.fc of each member's BOLD (as simulate gives it), NaN if it blew up."""
    net = noisy_net(conn)
    kwargs, full = bold_sweep
    reduced = wbxr.ensemble(net, reduce="fc", **kwargs)
    assert list(reduced.data_vars) == ["fc_bold", "nonfinite_time"]
    assert reduced.fc_bold.dims == ("seed", "k", "region_i", "region_j") and "time_bold" not in reduced.dims
    assert reduced.fc_bold.attrs["long_name"] == "functional connectivity of bold"
    with pytest.warns(wbxr.NonFiniteMemberWarning):
        reduced = reduced.compute(scheduler="synchronous")
    np.testing.assert_array_equal(reduced.nonfinite_time.values, full.nonfinite_time.values)
    assert sorted(wbxr.failed_members(reduced).k) == [60.0, 60.0]
    assert np.isnan(reduced.fc_bold.sel(k=60.0)).all()
    finite = full.sel(k=[0.1, 0.6])
    expected = wbxr.analysis.fc(finite.bold, dim="time_bold")  # the same chunks: the same series
    np.testing.assert_allclose(reduced.fc_bold.sel(k=[0.1, 0.6]).values, expected.values, rtol=0, atol=1e-12)
    for seed in (2, 5):
        for k in (0.1, 0.6):
            solo = wbxr.simulate(net.replace(k=k), seed=seed, monitors=[BOLD], **BOLD_RUN)
            solo_fc = wbxr.analysis.fc(solo.bold, dim="time_bold")
            got = reduced.fc_bold.sel(seed=seed, k=k)
            np.testing.assert_allclose(got.values, solo_fc.values, atol=1e-4)
            assert list(got.region_i.values) == list(solo_fc.region_i.values)
            off_diagonal = got.values[~np.eye(8, dtype=bool)]
            assert off_diagonal.std() > 0.01  # real structure, not a degenerate all-ones matrix
    # with a state variable too: its FC is accumulated in the loop, BOLD's from its series
    both = wbxr.ensemble(net, reduce="fc", **{**kwargs, "monitors": ["x", BOLD]})
    assert list(both.data_vars) == ["fc_x", "fc_bold", "nonfinite_time"]


def test_reduce_fc_and_fcd_of_an_in_loop_monitor(conn, bold_sweep):
    kwargs, full = bold_sweep
    window, step = 1000.0, 500.0  # 10 and 5 TRs
    reduced = wbxr.ensemble(noisy_net(conn), reduce="fc+fcd", fcd_window=window, fcd_step=step, **kwargs)
    assert reduced.fcd_bold.dims == ("seed", "k", "window_i", "window_j")
    with pytest.warns(wbxr.NonFiniteMemberWarning):
        reduced = reduced.compute(scheduler="synchronous")
    member = full.sel(seed=5, k=0.6)
    expected = wbxr.analysis.fcd(member.bold, window, step, dim="time_bold")
    np.testing.assert_array_equal(reduced.fcd_bold.sel(seed=5, k=0.6).values, expected.values)
    np.testing.assert_array_equal(reduced.window_i.values, expected.window_i.values)
    np.testing.assert_array_equal(reduced.fc_bold.sel(seed=5, k=0.6).values,
                                  wbxr.analysis.fc(member.bold, dim="time_bold").values)


def test_a_reduce_function_sees_the_in_loop_monitors_as_simulate_returns_them(conn, bold_sweep):
    net = noisy_net(conn)
    kwargs, full = bold_sweep
    seen = {}

    def summary(member):
        seen[(int(member.seed), float(member.k))] = member
        return {"bold_mean": member.bold.mean("time_bold"), "n_bold": member.sizes["time_bold"]}

    reduced = wbxr.ensemble(net, reduce=summary, **kwargs)
    assert reduced.bold_mean.dims == ("seed", "k", "region")
    with pytest.warns(wbxr.NonFiniteMemberWarning):
        reduced = reduced.compute(scheduler="synchronous")
    finite = full.sel(k=[0.1, 0.6])
    np.testing.assert_array_equal(reduced.bold_mean.sel(k=[0.1, 0.6]).values, finite.bold.mean("time_bold").values)
    assert (reduced.n_bold.sel(k=[0.1, 0.6]) == 25).all() and np.isnan(reduced.n_bold.sel(k=60.0)).all()
    member = seen[(5, 0.6)]
    solo = wbxr.simulate(net.replace(k=0.6), seed=5, monitors=[BOLD], **BOLD_RUN)
    assert list(member.data_vars) == list(solo.data_vars) == ["bold"]
    assert member.bold.dims == solo.bold.dims and member.bold.attrs == solo.bold.attrs
    xr.testing.assert_identical(member.time_bold.drop_vars(["seed", "k"]), solo.time_bold)
    np.testing.assert_allclose(member.bold.values, solo.bold.values, rtol=1e-4, atol=1e-4 * float(abs(solo.bold).max()))


@pytest.mark.parametrize(
    "kwargs, match",
    [
        ({"monitors": [LeadField("x", GAIN)], "reduce": "fc"}, "the monitor 'eeg' records the dim 'sensor'"),
        ({"monitors": [Bold("x", tr=6.0)], "reduce": "fc"}, "needs at least 2 outputs of the monitor 'bold'"),
        ({"monitors": [Bold("x", tr=2.0, name="k")], "sweep": {"k": [0.1]}}, "named 'k', a name the ensemble"),
    ],
)
def test_bad_monitor_arguments(conn, kwargs, match):
    with pytest.raises(ValueError, match=match):
        wbxr.ensemble(noisy_net(conn), duration=10.0, dt=0.1, **kwargs)


def _largest_array_bytes(jaxpr) -> int:
    """The largest value anywhere in a program (scan and cond bodies included)."""
    sizes = [v.aval.size * v.aval.dtype.itemsize for eqn in jaxpr.eqns for v in eqn.outvars if hasattr(v.aval, "size")]
    for eqn in jaxpr.eqns:
        for value in eqn.params.values():
            for item in value if isinstance(value, (tuple, list)) else [value]:
                inner = getattr(item, "jaxpr", item)
                if hasattr(inner, "eqns"):
                    sizes.append(_largest_array_bytes(inner))
    return max(sizes, default=0)


def _chunk_program_largest_array(net, duration, monitors, n_members):
    """The largest array of the compiled call that runs a chunk of an ensemble."""
    import jax
    import jax.numpy as jnp

    from wbxr.network import stack_members
    from wbxr.simulate import _monitor_plan, plan_schedule, prepare_run, run_members

    spec = prepare_run(net, duration, 0.1, 0.0, None, monitors, "euler", None, in_loop_monitors=True)
    schedule, block = plan_schedule(spec.n_samples, spec.steps_per_sample, spec.max_block(net.min_delay(0.1), n_members), 0)
    plan, params = net.discretize(spec.dt, "euler", block, spec.dtype)
    plans = tuple(_monitor_plan(m, p, spec.n_samples, 0, spec) for m, p in zip(spec.observers, spec.observer_periods))
    program = jax.make_jaxpr(
        lambda *args: run_members(*args, plan=plan, schedule=schedule, monitor_indices=spec.monitor_indices,
                                  monitor_plans=plans)
    )(stack_members([params] * n_members), jnp.arange(n_members, dtype=jnp.uint32),
      jnp.asarray(spec.initial_values, spec.dtype), jnp.asarray(spec.given_initial),
      tuple(m.data(spec.dtype) for m in spec.observers))
    return _largest_array_bytes(program.jaxpr)


def test_a_bold_only_sweep_never_holds_neural_time_series(conn):
    """Memory bounded by the BOLD outputs: in the compiled call and in the result's assembly.

    The largest array of the chunk's program does not grow with the duration (a raw
    monitor's does), and numpy's peak while computing the sweep is far below one chunk's
    neural samples.
    """
    net = noisy_net(conn)
    bold = Bold("x", tr=100.0)
    short, long = (_chunk_program_largest_array(net, duration, [bold], 8) for duration in (1000.0, 4000.0))
    raw_short, raw_long = (_chunk_program_largest_array(net, duration, ["x"], 8) for duration in (1000.0, 4000.0))
    # 4x the duration: the recorded series grows 4x, BOLD's largest array not at all (its
    # size varies only with how the steps divide into blocks and chunks)
    assert long <= 1.25 * short and raw_long > 3 * raw_short
    assert long < raw_short  # and BOLD's largest array is below even the shorter run's series

    n_time, n_regions = 20_000, 8
    ens = wbxr.ensemble(net, duration=2000.0, dt=0.1, seeds=range(4), sweep={"k": [0.1, 0.2, 0.3, 0.4]},
                        monitors=[bold], chunk_size=8)
    assert ens.bold.shape == (4, 4, 20, 8)
    chunk_series = 8 * n_time * n_regions * 4  # 8 members of float32 samples
    ens.isel(seed=[0]).compute(scheduler="synchronous")  # compile outside the measurement
    tracemalloc.start()
    try:
        result = ens.compute(scheduler="synchronous")
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < chunk_series / 10  # the sweep's series would be members // 8 = 2 chunks
    assert np.isfinite(result.bold).all() and np.abs(result.bold).max() > 0
