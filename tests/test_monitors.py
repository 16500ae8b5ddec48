"""wbxr.monitors: in-loop observation models against numpy computations on the raw samples."""

import numpy as np
import pytest
import xarray as xr

import wbxr
from wbxr.analysis import balloon_constants
from wbxr.monitors import Bold, LeadField, Subsample, TemporalAverage

@pytest.fixture(scope="module")
def conn():
    return wbxr.load_dataset("example_connectome")

@pytest.fixture(scope="module")
def net(conn):
    noise = wbxr.noise.White(sigma=0.05)
    model = wbxr.models.Hopf(a=-0.05, w=0.3, noise={"x": noise, "y": noise})
    return wbxr.Network(model, conn, speed=10.0, k=0.3)

RUN = {"duration": 300.0, "dt": 0.1, "sample_every": 0.5, "seed": 3}

def window_mean(ds, times, period):
    """Mean of the raw samples in each window (t - period, t]."""
    t = ds.time.values
    return np.stack([ds.x.values[(t > s - period + 1e-9) & (t <= s + 1e-9)].mean(0) for s in times])

def test_temporal_average_subsample_and_lead_field_equal_numpy_on_the_raw_samples(net):
    gain = np.random.default_rng(0).normal(size=(3, 8))
    monitors = ["x", "y", TemporalAverage("x", period=7.0), Subsample("y", period=5.0),
                LeadField("x", gain, sensors=["Fz", "Cz", "Pz"], period=3.0, units="uV")]
    ds = wbxr.simulate(net, monitors=monitors, **RUN)
    times = ds.time_x_average.values
    np.testing.assert_allclose(times, 7.0 * np.arange(1, 43))
    np.testing.assert_allclose(ds.x_average.values, window_mean(ds, times, 7.0), rtol=1e-5, atol=1e-6)
    np.testing.assert_array_equal(ds.y_subsample.values, ds.y.sel(time=ds.time_y_subsample).values)
    assert ds.time_y_subsample.values.tolist()[:3] == [5.0, 10.0, 15.0]
    eeg_times = ds.time_eeg.values
    expected = window_mean(ds, eeg_times, 3.0) @ gain.T
    np.testing.assert_allclose(ds.eeg.values, expected, rtol=1e-4, atol=1e-5)
    assert ds.eeg.dims == ("time_eeg", "sensor") and ds.sensor.values.tolist() == ["Fz", "Cz", "Pz"]
    assert ds.eeg.attrs["units"] == "uV" and ds.time_eeg.attrs["units"] == "ms"

def test_outputs_after_the_transient_only(net):
    ds = wbxr.simulate(net, monitors=["x", TemporalAverage("x", period=10.0)], transient=25.0, **RUN)
    assert ds.time_x_average.values[0] == 30.0 and ds.time_x_average.values[-1] == 300.0
    # the window of 30 ms reaches into the transient: samples the result does not keep
    full = wbxr.simulate(net, monitors=["x"], **RUN)
    np.testing.assert_allclose(ds.x_average.values, window_mean(full, ds.time_x_average.values, 10.0), rtol=1e-5, atol=1e-6)

def test_lead_field_from_a_labelled_data_array_and_every_sample(net):
    gain = xr.DataArray(np.ones((2, 8)) / 8, dims=("sensor", "region"), coords={"sensor": ["M1", "M2"]})
    ds = wbxr.simulate(net, monitors=["x", LeadField("x", gain.T, name="meg")], **RUN)
    np.testing.assert_array_equal(ds.time_meg.values, ds.time.values)
    np.testing.assert_allclose(ds.meg.sel(sensor="M1").values, ds.x.mean("region").values, rtol=1e-5, atol=1e-6)

def test_bold_equals_the_post_processing_balloon_model(net):
    """In the loop the sample at the end of an interval drives it; post-processing holds the one at its start."""
    ds = wbxr.simulate(net, monitors=["x", Bold("x", tr=50.0)], **RUN)
    offline = wbxr.analysis.bold(ds.x, tr=0.5).transpose("time", "region").values
    sample_numbers = np.round(ds.time_bold.values / 0.5).astype(int)[:-1]
    scale = np.abs(ds.bold.values).max()
    assert scale > 1e-7
    np.testing.assert_allclose(ds.bold.values[:-1], offline[sample_numbers], rtol=0, atol=1e-4 * scale)
    assert ds.bold.attrs["long_name"] == "BOLD signal change" and ds.bold.attrs["units"] == "1"

def test_bold_of_a_constant_drive_reaches_the_balloon_steady_state(conn):
    """Steady state: f = 1 + z/gamma, v = f^alpha, q = v E(f)/E0, y = V0[k1(1-q) + k2(1-q/v) + k3(1-v)]."""
    drive = np.linspace(0.05, 0.4, 8)
    model = wbxr.models.Kuramoto(omega=0.0)  # theta stays where it starts: a constant drive
    net = wbxr.Network(model, conn, coupling="kuramoto", k=0.0)
    ds = wbxr.simulate(net, duration=60_000.0, dt=1.0, initial_state={"theta": drive},
                       monitors=[Bold("theta", tr=60_000.0, model="balloon_classic")])
    c = balloon_constants("balloon_classic")
    f = 1 + drive / c["gamma"]
    v = f ** c["alpha"]
    q = v * (1 - (1 - c["E0"]) ** (1 / f)) / c["E0"]
    y = c["V0"] * (c["k1"] * (1 - q) + c["k2"] * (1 - q / v) + c["k3"] * (1 - v))
    np.testing.assert_allclose(ds.bold.values[0], y, rtol=2e-3)

def test_monitor_state_is_traced_not_compiled(net, compile_count):
    """A new gain matrix or balloon parameter reuses the compiled loop."""
    gain = np.ones((2, 8))
    wbxr.simulate(net, monitors=[LeadField("x", gain), Bold("x", tr=50.0)], **RUN)
    with compile_count() as counter:
        wbxr.simulate(net, monitors=[LeadField("x", 2 * gain), Bold("x", tr=50.0)], **RUN)
    assert counter.count == 0

@pytest.mark.parametrize(
    "monitors, error, match",
    [
        (["x", TemporalAverage("x", period=0.7)], ValueError, "whole multiple of sample_every"),
        ([TemporalAverage("z", period=1.0)], ValueError, "not a state variable"),
        (["x", Subsample("x", period=1.0, name="x")], ValueError, "more than once"),
        ([LeadField("x", np.ones((2, 5)))], ValueError, "5 columns but the network has 8 regions"),
    ],
)
def test_bad_monitors_raise_before_compiling(net, compile_count, monitors, error, match):
    with compile_count() as counter, pytest.raises(error, match=match):
        wbxr.simulate(net, monitors=monitors, **RUN)
    assert counter.count == 0

@pytest.mark.parametrize(
    "make, error, match",
    [
        (lambda: TemporalAverage("x", period=-1.0), ValueError, "period must be > 0"),
        (lambda: TemporalAverage(3, period=1.0), TypeError, "name of a state variable"),
        (lambda: Bold("x", scale=0.0), ValueError, "finite non-zero"),
        (lambda: Bold("x", model="nope"), ValueError, "not one of"),
        (lambda: LeadField("x", np.ones(3)), ValueError, "n_sensors, n_regions"),
        (lambda: LeadField("x", np.full((2, 8), np.nan)), ValueError, "finite"),
        (lambda: LeadField("x", np.ones((2, 8)), sensors=["a"]), ValueError, "1 sensor labels"),
        (lambda: Subsample("x", period=1.0, name="not valid"), ValueError, "identifier"),
    ],
)
def test_bad_monitor_arguments(make, error, match):
    with pytest.raises(error, match=match):
        make()

def test_a_caller_without_in_loop_monitors_names_the_ones_that_have_them(net):
    from wbxr.simulate import prepare_run

    with pytest.raises(ValueError, match="in-loop monitors are supported by wbxr.simulate and wbxr.ensemble"):
        prepare_run(net, 10.0, 0.1, 0.0, None, [Bold("x")], "euler", None)


def test_bold_only_keeps_no_neural_samples(net):
    ds = wbxr.simulate(net, duration=3000.0, dt=0.5, monitors=[Bold("x", tr=500.0)])
    assert list(ds.data_vars) == ["bold"] and ds.bold.shape == (6, 8) and "time" not in ds.dims
