"""wbxr.ensemble: members equal solo runs, layout, laziness, sweeps, failures, errors."""

import brainunit as u
import dask.array as da
import numpy as np
import pytest

import wbxr


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
    """Same noise, same equations: equal to float32 rounding (bit-identical for chunks of 1)."""
    net = noisy_net(conn)
    ens = wbxr.ensemble(net, seeds=[3, 7, 11], sweep={"k": [0.0, 0.4]}, chunk_size=chunk_size, **RUN)
    ens = ens.compute()
    for seed in (3, 7, 11):
        for k in (0.0, 0.4):
            solo = wbxr.simulate(net.replace(k=k), seed=seed, **RUN)
            member = ens.sel(seed=seed, k=k)
            if chunk_size == 1:
                np.testing.assert_array_equal(member.x.values, solo.x.values)
            np.testing.assert_allclose(member.x.values, solo.x.values, rtol=1e-5, atol=1e-6)
            np.testing.assert_allclose(member.y.values, solo.y.values, rtol=1e-5, atol=1e-6)


def test_chunking_does_not_change_the_numbers(conn):
    net = noisy_net(conn)
    runs = [wbxr.ensemble(net, seeds=range(5), chunk_size=size, **RUN).x.values for size in (2, 5)]
    np.testing.assert_allclose(runs[0], runs[1], rtol=1e-5, atol=1e-6)
    again = wbxr.ensemble(net, seeds=range(5), chunk_size=2, **RUN).x.values
    np.testing.assert_array_equal(runs[0], again)  # deterministic


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
    """Worker processes (spawned, not forked) each compile and run chunks: same bits."""
    distributed = pytest.importorskip("dask.distributed")
    ens = wbxr.ensemble(noisy_net(conn), seeds=range(4), sweep={"k": [0.1, 0.3]}, chunk_size=3, **RUN)
    local = ens.x.compute(scheduler="threads")
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                  dashboard_address=None) as cluster, distributed.Client(cluster):
        remote = ens.x.compute()
    np.testing.assert_array_equal(remote.values, local.values)
