"""Runs in pieces: simulate(initial=previous) and chunk_duration equal the one-shot run bit for bit."""

import numpy as np
import pytest
import xarray as xr

import wbxr
from wbxr.monitors import Bold, LeadField, TemporalAverage


@pytest.fixture(scope="module")
def conn():
    return wbxr.load_dataset("example_connectome")


@pytest.fixture(scope="module")
def net(conn):
    """Delays, white noise on y and Ornstein-Uhlenbeck input noise on x: every carried state."""
    model = wbxr.models.Hopf(
        a=-0.05, w=0.3,
        noise={"x": wbxr.noise.OU(sigma=0.05, tau=5.0), "y": wbxr.noise.White(sigma=0.03)},
    )
    return wbxr.Network(model, conn, speed=10.0, k=0.3)


MONITORS = ["x", "y", Bold("x", tr=40.0), TemporalAverage("y", period=7.5), LeadField("x", np.ones((2, 8)), period=2.5)]


def assert_same(part, whole):
    for name in part.data_vars:
        if name.startswith("final_"):
            continue
        time_dim = part[name].dims[0]
        expected = whole[name].sel({time_dim: part[time_dim].values})
        np.testing.assert_array_equal(part[name].values, expected.values, err_msg=name)


@pytest.mark.parametrize("method", ["euler", "heun"])
def test_a_continued_run_equals_the_longer_run(net, method):
    """The hand-over at 100 ms falls inside a BOLD period (40 ms) and an average (7.5 ms).

    The continuation (60 ms, Euler) is the program of the chunks of
    ``test_chunks_equal_one_shot_...``: one compilation fewer.
    """
    kw = {"dt": 0.1, "sample_every": 0.5, "method": method, "monitors": MONITORS, "seed": 11}
    whole = wbxr.simulate(net, duration=160.0, **kw)
    first = wbxr.simulate(net, duration=100.0, keep_state=True, **kw)
    rest = wbxr.simulate(net, duration=60.0, initial=first, **kw)
    assert rest.time.values[0] == 100.5 and rest.time.values[-1] == 160.0
    assert rest.time_bold.values.tolist() == [120.0, 160.0]
    assert rest.time_y_average.size == 8  # 105, 112.5, ..., 157.5: the first straddles the hand-over
    assert_same(first, whole)
    assert_same(rest, whole)
    assert first.attrs["final_step"] == 1000


def test_a_continuation_reads_its_seed_from_the_previous_run_and_survives_netcdf(net, tmp_path):
    """40 ms pieces: the programs of ``test_chunked_runs_reuse_their_compilation``'s chunks."""
    kw = {"dt": 0.1, "monitors": ["x", Bold("x", tr=20.0)]}
    whole = wbxr.simulate(net, duration=80.0, seed=5, **kw)
    first = wbxr.simulate(net, duration=40.0, seed=5, keep_state=True, **kw)
    first.to_netcdf(tmp_path / "first.nc")
    with xr.open_dataset(tmp_path / "first.nc") as reopened:
        rest = wbxr.simulate(net, duration=40.0, initial=reopened.load(), **kw)
    assert rest.attrs["seed"] == 5
    assert_same(rest, whole)


def test_chunks_equal_one_shot_with_a_transient_across_chunks_and_a_short_last_chunk(net):
    kw = {"duration": 330.0, "dt": 0.1, "sample_every": 0.5, "transient": 130.0, "monitors": MONITORS, "seed": 2}
    whole = wbxr.simulate(net, **kw)
    chunked = wbxr.simulate(net, chunk_duration=60.0, **kw)
    for name in whole.data_vars:
        assert chunked[name].dims == whole[name].dims
        np.testing.assert_array_equal(chunked[name].values, whole[name].values, err_msg=name)
    for dim in whole.dims:
        np.testing.assert_array_equal(chunked[dim].values, whole[dim].values)


def test_chunked_runs_reuse_their_compilation(net, compile_count):
    kw = {"duration": 200.0, "dt": 0.1, "chunk_duration": 40.0, "monitors": ["x", Bold("x", tr=20.0)]}
    wbxr.simulate(net, seed=0, **kw)
    with compile_count() as counter:
        wbxr.simulate(net.replace(k=0.1), seed=1, **kw)
    assert counter.count == 0


def test_a_continued_run_may_change_parameters(net):
    """Continuing is a state hand-over: a new k applies from the first new step."""
    first = wbxr.simulate(net, duration=10.0, dt=0.1, keep_state=True, seed=1)
    same = wbxr.simulate(net, duration=10.0, dt=0.1, initial=first)
    other = wbxr.simulate(net.replace(k=2.0), duration=10.0, dt=0.1, initial=first)
    np.testing.assert_array_equal(same.x.values[0] != other.x.values[0], True)
    np.testing.assert_allclose(same.x.values[0], other.x.values[0], atol=0.05)


@pytest.mark.parametrize(
    "change, match",
    [
        ({"keep_state": False}, "keep_state=True"),
        ({"dt": 0.05, "duration": 10.0}, "same dt"),
        ({"sample_every": 0.3, "first_duration": 10.0}, "not a multiple of sample_every"),
    ],
)
def test_bad_continuations_raise(net, change, match):
    first = wbxr.simulate(net, duration=change.pop("first_duration", 10.0), dt=0.1,
                          keep_state=change.pop("keep_state", True))
    kw = {"duration": 9.0, "dt": 0.1, **change}
    with pytest.raises(ValueError, match=match):
        wbxr.simulate(net, initial=first, **kw)


def test_a_continuation_must_be_of_the_same_model(net, conn):
    first = wbxr.simulate(net, duration=10.0, dt=0.1, keep_state=True)
    other = wbxr.Network(wbxr.models.WilsonCowan(), conn, speed=10.0, k=0.1)
    with pytest.raises(ValueError, match="model='Hopf'"):
        wbxr.simulate(other, duration=10.0, dt=0.1, initial=first)
    with pytest.raises(TypeError, match="earlier simulate"):
        wbxr.simulate(net, duration=10.0, dt=0.1, initial={"x": 1.0})


def test_chunk_duration_is_checked(net):
    with pytest.raises(ValueError, match="chunk_duration=0.25 ms must be a whole multiple of sample_every"):
        wbxr.simulate(net, duration=10.0, dt=0.1, sample_every=0.5, chunk_duration=0.25)
    with pytest.raises(ValueError, match="chunk_duration must be > 0"):
        wbxr.simulate(net, duration=10.0, dt=0.1, chunk_duration=-1.0)


def test_a_continuation_from_an_odd_step_count_keeps_the_history_aligned(net):
    """7 steps, then 252: alone, the second run would take blocks of 28 steps, which cannot
    start at step 7 (the buffer's blocks start at multiples of their length; from the
    second block on, delayed inputs were read from the wrong columns).  It takes blocks of
    7, as the whole run of 259 = 7 x 37 steps does.
    """
    kw = {"dt": 0.1, "monitors": ["x"], "seed": 3}
    whole = wbxr.simulate(net, duration=25.9, **kw)
    first = wbxr.simulate(net, duration=0.7, keep_state=True, **kw)
    rest = wbxr.simulate(net, duration=25.2, initial=first, **kw)
    assert first.attrs["final_step"] == 7 and rest.time.size == 252
    assert_same(rest, whole)
