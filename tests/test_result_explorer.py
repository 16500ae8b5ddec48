"""Tests for wbxr.result_explorer, headless: set a control's value, compare what is drawn
with the selection and its FC/FCD computed here with plain numpy."""

import brainunit as u
import ipywidgets
import matplotlib.pyplot as plt
import numpy as np
import pytest
import xarray as xr

import wbxr
from wbxr.result_explorer import ResultExplorer, explore_result

LABELS = [f"R{i}" for i in range(6)]
SAMPLE_MS = 0.5


# -- independent references -------------------------------------------------------------------
def reference_fc(x):
    """Pearson correlation between the columns of a (time, region) array."""
    return np.corrcoef(x, rowvar=False)


def reference_fcd(x, n_window, n_step):
    """Correlation between the upper triangles (no diagonal) of sliding-window FCs."""
    starts = range(0, x.shape[0] - n_window + 1, n_step)
    rows, cols = np.triu_indices(x.shape[1], k=1)
    patterns = np.array([reference_fc(x[s : s + n_window])[rows, cols] for s in starts])
    return np.corrcoef(patterns)


def in_window(times, start, end):
    return (times >= start - SAMPLE_MS / 2) & (times <= end + SAMPLE_MS / 2)


# -- data -------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def signals():
    """400 samples of 6 correlated random walks (x) and their squares (y), time in ms."""
    rng = np.random.default_rng(42)
    mixing = rng.standard_normal((6, 6))
    x = np.cumsum(rng.standard_normal((400, 6)), axis=0) @ mixing
    times = 10.0 + SAMPLE_MS * np.arange(400)
    return xr.Dataset(
        {
            "x": (("time", "region"), x, {"long_name": "activity", "units": "mV"}),
            "y": (("time", "region"), x**2, {"long_name": "power"}),
            "label": ((), "not a time series"),
        },
        coords={"time": ("time", times, {"units": "ms"}), "region": LABELS},
        attrs={"coupled_var": "y"},
    )


@pytest.fixture
def explorer(signals):
    plt.close("all")  # the tests check that the explorer leaves nothing in pyplot
    ex = explore_result(signals, var="x", fcd_window=20.0, fcd_step=5.0)
    yield ex
    ex.close()


def drawn_lines(ex):
    return [line for line in ex.lines if line.get_visible()]


def assert_draws(ex, x, times, regions):
    """The visible lines, the FC image and the FCD image show ``x[:, regions]`` at ``times``."""
    expected = x[:, regions]
    lines = drawn_lines(ex)
    assert [line.get_label() for line in lines] == [LABELS[i] for i in regions]
    for column, line in enumerate(lines):
        np.testing.assert_array_equal(line.get_xdata(), times)
        np.testing.assert_array_equal(line.get_ydata(), expected[:, column])
    np.testing.assert_allclose(ex.fc_image.get_array(), reference_fc(expected), rtol=1e-12, atol=1e-12)
    n_window = round(ex.fcd_window_slider.value / SAMPLE_MS)
    n_step = round(ex.fcd_step_slider.value / SAMPLE_MS)
    np.testing.assert_allclose(
        ex.fcd_image.get_array(), reference_fcd(expected, n_window, n_step), rtol=1e-10, atol=1e-12
    )
    low, high = lines[0].axes.get_ylim()
    assert low <= expected.min() and expected.max() <= high


# -- construction -----------------------------------------------------------------------------
def test_starts_with_everything_selected(explorer, signals):
    ex = explorer
    assert isinstance(ex, ResultExplorer) and isinstance(ex.widget, ipywidgets.VBox)
    assert ex.variable_dropdown.options == ("x", "y") and ex.variable_dropdown.value == "x"
    assert ex.member_sliders == {}
    assert ex.region_select.value == tuple(range(6))
    assert ex.window_slider.value == (10.0, 209.5) and ex.window_slider.step == SAMPLE_MS
    assert (ex.fcd_window_slider.value, ex.fcd_step_slider.value) == (20.0, 5.0)
    x = signals.x.values
    assert_draws(ex, x, signals.time.values, list(range(6)))
    assert ex.fcd.shape == (37, 37)  # (400 - 40) / 10 + 1 windows
    np.testing.assert_array_equal(ex.fcd["window_i"].values[:2], [19.75, 24.75])
    assert ex.fcd_image.get_extent() == [17.25, 202.25, 202.25, 17.25]  # window centres in ms
    assert ex.lines[0].axes.get_ylabel() == "activity [mV]"
    assert "6 of 6 regions" in ex.status.value and "37 windows of 20 ms every 5 ms" in ex.status.value
    assert ex.figure_widget.value[:8] == b"\x89PNG\r\n\x1a\n"
    assert plt.get_fignums() == []  # drawn with Agg, nothing left in pyplot


def test_default_variable_and_fcd_windows(signals):
    ex = explore_result(signals)
    assert ex.variable_dropdown.value == "y"  # the coupled variable, as select_variable picks
    span = 399 * SAMPLE_MS
    assert ex.fcd_window_slider.value == pytest.approx(0.2 * span)
    assert ex.fcd_step_slider.value == pytest.approx(0.1 * span)


# -- controls -> drawing ----------------------------------------------------------------------
def test_regions_and_window_select_what_is_drawn(explorer, signals):
    ex = explorer
    figure, lines, fc_image, fcd_image = ex.figure, list(ex.lines), ex.fc_image, ex.fcd_image
    png = ex.figure_widget.value
    ex.region_select.value = (4, 1, 3)
    ex.window_slider.value = (60.0, 120.0)
    mask = in_window(signals.time.values, 60.0, 120.0)
    assert mask.sum() == 121
    assert_draws(ex, signals.x.values[mask], signals.time.values[mask], [1, 3, 4])
    assert dict(ex.selection.sizes) == {"time": 121, "region": 3}
    assert ex.selection.region.values.tolist() == ["R1", "R3", "R4"]
    assert ex.fc.dims == ("region_i", "region_j") and ex.fcd.shape == (9, 9)
    assert [t.get_text() for t in ex.fc_image.axes.get_xticklabels()] == ["R1", "R3", "R4"]
    assert ex.fc_image.get_extent() == [-0.5, 2.5, 2.5, -0.5]
    assert ex.lines[0].axes.get_xlim() == (60.0, 120.0)
    assert (ex.figure, ex.lines, ex.fc_image, ex.fcd_image) == (figure, lines, fc_image, fcd_image)
    assert ex.figure_widget.value != png
    assert "3 of 6 regions" in ex.status.value and "60-120 ms (121 samples)" in ex.status.value


def test_variable_and_fcd_controls(explorer, signals):
    ex = explorer
    ex.variable_dropdown.value = "y"
    ex.fcd_window_slider.value = 40.0
    ex.fcd_step_slider.value = 20.0
    assert_draws(ex, signals.y.values, signals.time.values, list(range(6)))
    assert ex.fcd.shape == (9, 9)
    assert ex.lines[0].axes.get_ylabel() == "power"


def test_fcd_window_longer_than_the_time_window_leaves_fc(explorer, signals):
    ex = explorer
    ex.window_slider.value = (20.0, 25.0)  # 11 samples, FCD windows of 40
    assert ex.last_error is None and ex.fcd is None
    assert np.isnan(np.ma.getdata(ex.fcd_image.get_array())).all()
    mask = in_window(signals.time.values, 20.0, 25.0)
    np.testing.assert_allclose(ex.fc_image.get_array(), reference_fc(signals.x.values[mask]), atol=1e-12)
    assert "no FCD" in ex.status.value and "longer than the series" in ex.status.value


def test_nothing_to_show_is_reported_and_keeps_the_plots(explorer):
    ex = explorer
    ex.region_select.value = (0, 2)
    shown = ex.selection
    fc = ex.fc_image.get_array().copy()
    ex.region_select.value = ()
    assert isinstance(ex.last_error, ValueError) and "no region selected" in ex.status.value
    assert ex.selection is shown
    np.testing.assert_array_equal(ex.fc_image.get_array(), fc)
    ex.region_select.value = (0, 1)
    ex.window_slider.value = (100.0, 100.0)
    assert isinstance(ex.last_error, ValueError) and "holds 1 sample(s)" in ex.status.value
    ex.window_slider.value = (100.0, 110.0)
    assert ex.last_error is None and ex.selection.sizes["time"] == 21


# -- ensembles --------------------------------------------------------------------------------
def test_synthetic_ensemble_member_sliders(signals):
    rng = np.random.default_rng(1)
    values = rng.standard_normal((2, 3, 400, 6))  # (seed, k, time, region)
    ens = xr.Dataset(
        {"x": (("seed", "k", "time", "region"), values)},
        coords={"seed": [3, 7], "k": [0.0, 0.25, 0.5], "time": signals.time.values, "region": LABELS},
    )
    ex = explore_result(ens, fcd_window=50.0, fcd_step=25.0)
    assert list(ex.member_sliders) == ["seed", "k"]
    assert ex.member_sliders["seed"].options == (("3", 0), ("7", 1))
    assert [label for label, _ in ex.member_sliders["k"].options] == ["0", "0.25", "0.5"]
    assert_draws(ex, values[0, 0], signals.time.values, list(range(6)))
    ex.member_sliders["seed"].value = 1
    ex.member_sliders["k"].value = 2
    ex.region_select.value = (0, 2, 5)
    assert_draws(ex, values[1, 2], signals.time.values, [0, 2, 5])
    assert "seed = 7 · k = 0.5" in ex.status.value


def test_ensemble_result_and_accessor(compile_count):
    conn = wbxr.load_dataset("example_connectome")
    noise = {"x": wbxr.noise.White(sigma=0.05)}
    net = wbxr.Network(wbxr.models.Hopf(a=-0.05, w=0.3, noise=noise), conn, coupled_var="x", k=0.5)
    ens = wbxr.ensemble(net, duration=200 * u.ms, dt=0.1 * u.ms, sample_every=1 * u.ms, seeds=[0, 1])
    ex = ens.wb.explore(fcd_window=50.0, fcd_step=25.0)
    assert isinstance(ex, ResultExplorer) and list(ex.member_sliders) == ["seed"]
    member = ens.x.isel(seed=1).values  # computed independently of the explorer
    with compile_count() as compiled:
        ex.member_sliders["seed"].value = 1
        ex.window_slider.value = (100.0, 150.0)
    assert compiled.count == 0  # browsing never compiles
    lines = drawn_lines(ex)
    times = ens.time.values
    mask = (times >= 100.0 - 0.5) & (times <= 150.0 + 0.5)
    np.testing.assert_array_equal(lines[2].get_ydata(), member[mask, 2])
    np.testing.assert_allclose(ex.fc_image.get_array(), reference_fc(member[mask]), atol=1e-12)
    da_ex = ens.x.isel(seed=0).wb.explore()
    assert da_ex.variable_dropdown.options == ("x",) and da_ex.member_sliders == {}


# -- bad input --------------------------------------------------------------------------------
def test_bad_arguments_raise(signals):
    with pytest.raises(TypeError, match="xarray Dataset"):
        explore_result(signals.x.values)
    with pytest.raises(ValueError, match="var='label' must have 'time' and 'region' dims"):
        explore_result(signals, var="label")
    with pytest.raises(ValueError, match="var='z' is not a data variable"):
        explore_result(signals, var="z")
    with pytest.raises(ValueError, match="fcd_window=500.0 .* longer than the result"):
        explore_result(signals, fcd_window=500.0)
    with pytest.raises(ValueError, match="fcd_step must be a positive duration"):
        explore_result(signals, fcd_step=-1.0)
    with pytest.raises(ValueError, match="no 'time' coordinate"):
        explore_result(signals.drop_vars("time"))
