"""wbxr.save_ensemble: zarr streaming chunk by chunk, resume without recomputation, progress."""

import threading

import dask
import numpy as np
import pytest
import xarray as xr
from dask.callbacks import Callback
from dask.sizeof import sizeof

import wbxr

pytest.importorskip("zarr")


@pytest.fixture(scope="module")
def net():
    noise = wbxr.noise.White(sigma=0.05)
    model = wbxr.models.Hopf(a=-0.05, w=0.3, noise={"x": noise, "y": noise})
    return wbxr.Network(model, wbxr.load_dataset("example_connectome"), speed=10.0, k=0.3)


RUN = {"duration": 30.0, "dt": 0.1, "sample_every": 0.5}


class HeldBytes(Callback):
    """The most bytes of task results that dask's local scheduler held at once."""

    def __init__(self):
        super().__init__()
        self.peak = 0

    def _posttask(self, key, result, dsk, state, id):
        self.peak = max(self.peak, sum(sizeof(value) for value in state["cache"].values()))


class CountingReduction:
    """A per-member reduction that counts its calls and can fail after some of them."""

    def __init__(self):
        self.calls = []
        self.fail_after = None
        self.lock = threading.Lock()

    def __call__(self, member):
        seed = int(member.seed)
        with self.lock:
            self.calls.append((seed, float(member.k)))
            if self.fail_after is not None and len(self.calls) > self.fail_after:
                raise RuntimeError(f"interrupted at seed {seed}")
        return {"x_var": member.x.var("time"), "x_mean": member.x.mean()}


def test_save_writes_every_chunk_and_marks_the_members_completed(net, tmp_path):
    ens = wbxr.ensemble(net, seeds=range(3), sweep={"k": [0.0, 0.2, 0.4]}, chunk_size=2, **RUN)
    stored = wbxr.save_ensemble(ens, tmp_path / "run.zarr")
    assert bool(stored.completed.all()) and stored.completed.dims == ("seed", "k")
    expected = ens.compute()
    for name in ("x", "y", "nonfinite_time"):
        np.testing.assert_array_equal(stored[name].values, expected[name].values)
    xr.testing.assert_identical(stored.drop_vars("completed").time, expected.time)
    assert stored.x.attrs == expected.x.attrs and stored.attrs["swept"] == "k"
    assert stored.x.encoding["chunks"] == (1, 2, 60, 8)  # the ensemble's chunks: 2 k values


def test_in_loop_monitors_round_trip_through_the_store(net, tmp_path):
    """BOLD and a lead field (its own time dims, a sensor dim with string labels) are stored and resumed."""
    gain = np.ones((2, 8)) / 8
    monitors = [wbxr.monitors.Bold("x", tr=2.5), wbxr.monitors.LeadField("x", gain, sensors=["Fz", "Cz"], period=1.0)]
    ens = wbxr.ensemble(net, seeds=range(2), sweep={"k": [0.0, 0.4]}, monitors=monitors, chunk_size=2, **RUN)
    stored = wbxr.save_ensemble(ens, tmp_path / "bold.zarr")
    assert bool(stored.completed.all()) and "time" not in stored.dims
    expected = ens.compute()
    for name in ("bold", "eeg", "nonfinite_time"):
        np.testing.assert_array_equal(stored[name].values, expected[name].values)
        assert stored[name].dims == expected[name].dims and stored[name].attrs == expected[name].attrs
    for coord in ("time_bold", "time_eeg"):
        xr.testing.assert_identical(stored[coord], expected[coord])
    assert list(stored.sensor.values) == ["Fz", "Cz"]
    assert stored.bold.encoding["chunks"] == (1, 2, 12, 8)  # one chunk per seed, all of time_bold
    again = wbxr.save_ensemble(ens, tmp_path / "bold.zarr")  # the same ensemble: accepted, nothing to do
    np.testing.assert_array_equal(again.bold.values, expected.bold.values)


def test_an_interrupted_sweep_resumes_without_recomputing_finished_chunks(net, tmp_path):
    reduction = CountingReduction()
    kwargs = dict(seeds=range(4), sweep={"k": [0.1, 0.3]}, chunk_size=2, reduce=reduction, **RUN)
    ens = wbxr.ensemble(net, **kwargs)  # chunks: one seed (two k values) each
    assert reduction.calls == [(0, 0.1)]  # the placeholder member has the first member's coords
    reduction.calls.clear()
    reduction.fail_after = 4  # the third chunk fails
    # Synchronous: chunk after chunk, and none left running in the background after the error.
    with pytest.raises(RuntimeError, match="interrupted at seed"), dask.config.set(scheduler="synchronous"):
        wbxr.save_ensemble(ens, tmp_path / "sweep.zarr")
    failed_seed = reduction.calls[-1][0]
    partial = xr.open_zarr(tmp_path / "sweep.zarr")
    finished = {seed for seed in range(4) if bool(partial.completed.sel(seed=seed).all())}
    assert len(finished) == 2 and failed_seed not in finished
    assert finished == {seed for seed, _ in reduction.calls[:4]}
    # A chunk is marked completed as a whole or not at all.
    assert all(bool(partial.completed.sel(seed=s).all()) or not partial.completed.sel(seed=s).any()
               for s in range(4))

    reduction.calls.clear()
    reduction.fail_after = None
    resumed = wbxr.save_ensemble(ens, tmp_path / "sweep.zarr")
    assert sorted({seed for seed, _ in reduction.calls}) == sorted(set(range(4)) - finished)
    assert len(reduction.calls) == 2 * (4 - len(finished))  # each unfinished member once

    whole_ensemble = wbxr.ensemble(net, **kwargs)
    reduction.calls.clear()
    whole = wbxr.save_ensemble(whole_ensemble, tmp_path / "whole.zarr")
    assert len(reduction.calls) == 8
    for name in ("x_var", "x_mean", "nonfinite_time", "completed"):
        np.testing.assert_array_equal(resumed[name].values, whole[name].values)

    reduction.calls.clear()
    wbxr.save_ensemble(ens, tmp_path / "sweep.zarr")  # complete: nothing runs
    assert reduction.calls == []


def test_resume_refuses_a_store_of_another_ensemble(net, tmp_path):
    wbxr.save_ensemble(wbxr.ensemble(net, seeds=range(2), reduce="fc", **RUN), tmp_path / "a.zarr")
    other = wbxr.ensemble(net, seeds=range(3), reduce="fc", **RUN)
    with pytest.raises(ValueError, match="holds a different ensemble.*coordinate 'seed' differs"):
        wbxr.save_ensemble(other, tmp_path / "a.zarr")
    other = wbxr.ensemble(net.replace(k=0.5), seeds=range(2), reduce="fc", **RUN)
    with pytest.raises(ValueError, match=r"attributes \['k'\] differ"):
        wbxr.save_ensemble(other, tmp_path / "a.zarr")
    xr.Dataset({"v": ("t", [1.0])}).to_zarr(tmp_path / "foreign.zarr")
    with pytest.raises(ValueError, match="not written by wbxr.save_ensemble"):
        wbxr.save_ensemble(other, tmp_path / "foreign.zarr")
    with pytest.raises(TypeError, match="result must be a Dataset returned by wbxr.ensemble"):
        wbxr.save_ensemble(xr.Dataset(), tmp_path / "b.zarr")


@pytest.fixture
def synchronous():
    with dask.config.set(scheduler="synchronous"):
        yield


def test_to_zarr_streams_chunk_by_chunk(net, tmp_path, synchronous):
    """to_zarr and save_ensemble hold one chunk at a time, not the ensemble (16 chunks)."""
    ens = wbxr.ensemble(net, seeds=range(16), chunk_size=1, monitors=["x"], **RUN)
    chunk_bytes = ens.x.isel(seed=0).nbytes
    for write in (lambda: ens.to_zarr(tmp_path / "plain.zarr"),
                  lambda: wbxr.save_ensemble(ens, tmp_path / "saved.zarr")):
        held = HeldBytes()
        with held:
            write()
        assert 0 < held.peak <= 2 * chunk_bytes
    assert ens.x.nbytes == 16 * chunk_bytes
    np.testing.assert_array_equal(xr.open_zarr(tmp_path / "plain.zarr").x.values, ens.x.values)
    np.testing.assert_array_equal(xr.open_zarr(tmp_path / "saved.zarr").x.values, ens.x.values)


def test_progress_bar_on_the_local_scheduler(net, tmp_path, capsys):
    ens = wbxr.ensemble(net, seeds=range(2), reduce="fc", chunk_size=1, **RUN)
    wbxr.save_ensemble(ens, tmp_path / "p.zarr", progress=True)
    assert "100% Completed" in capsys.readouterr().out
    wbxr.save_ensemble(ens, tmp_path / "q.zarr")
    assert capsys.readouterr().out == ""  # no progress unless asked


def test_progress_bar_on_a_distributed_client(net, tmp_path, capsys):
    distributed = pytest.importorskip("distributed")
    ens = wbxr.ensemble(net, seeds=range(2), reduce="fc", chunk_size=1, **RUN)
    with distributed.LocalCluster(n_workers=1, threads_per_worker=2, processes=False,
                                  dashboard_address=None) as cluster, distributed.Client(cluster):
        stored = wbxr.save_ensemble(ens, tmp_path / "d.zarr", progress=True)
        out = capsys.readouterr().out
    assert "100% Completed" in out
    np.testing.assert_array_equal(stored.fc_x.values, ens.fc_x.compute(scheduler="threads").values)
