"""Tests for the ``.wb`` accessor: each method matches the public function it delegates to."""

import importlib
import warnings

import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402
import pytest  # noqa: E402
import xarray as xr  # noqa: E402

import wbxr.accessor  # noqa: E402  (registers .wb)
from wbxr.analysis import fc, select_variable  # noqa: E402
from wbxr.viz import (  # noqa: E402
    plot_connectivity,
    plot_connectome,
    plot_functional_connectivity,
    plot_timeseries,
)

REGIONS = ["A", "B", "C"]


@pytest.fixture
def simulation():
    rng = np.random.default_rng(0)
    x = rng.standard_normal((2, 150, 3))
    return xr.Dataset(
        {
            "x": (("seed", "time", "region"), x, {"units": "1", "long_name": "x"}),
            "y": (("seed", "time", "region"), x**2, {"units": "1", "long_name": "y"}),
        },
        coords={
            "seed": [0, 1],
            "time": ("time", np.arange(150) * 0.1, {"units": "ms", "long_name": "time"}),
            "region": REGIONS,
        },
        attrs={"model": "Hopf", "coupled_var": "y"},
    )


@pytest.fixture
def connectome():
    dims = ("target", "source")
    return xr.Dataset(
        {
            "weights": (dims, [[0.0, 1.0, 0.2], [1.0, 0.0, 0.5], [0.2, 0.5, 0.0]],
                        {"long_name": "coupling weight", "units": "1"}),
            "distances": (dims, [[0.0, 10.0, 20.0], [10.0, 0.0, 30.0], [20.0, 30.0, 0.0]],
                          {"long_name": "tract length", "units": "mm"}),
        },
        coords={"target": REGIONS, "source": REGIONS},
    )


def heatmap_values(ax):
    mesh = ax.collections[0]
    return np.asarray(mesh.get_array()).reshape(len(ax.get_yticks()), len(ax.get_xticks()))


def line_data(ax):
    return [(line.get_label(), line.get_xdata(), line.get_ydata()) for line in ax.get_lines()]


def assert_same_lines(ax_a, ax_b):
    lines_a, lines_b = line_data(ax_a), line_data(ax_b)
    assert len(lines_a) == len(lines_b) > 0
    for (label_a, x_a, y_a), (label_b, x_b, y_b) in zip(lines_a, lines_b):
        assert label_a == label_b
        np.testing.assert_array_equal(x_a, x_b)
        np.testing.assert_array_equal(y_a, y_b)


def test_accessor_is_registered_on_both_types(simulation):
    assert isinstance(simulation.wb, wbxr.accessor.WbDatasetAccessor)
    assert isinstance(simulation["x"].wb, wbxr.accessor.WbDataArrayAccessor)


def test_dataset_fc_matches_function(simulation):
    xr.testing.assert_identical(simulation.wb.fc(), fc(simulation))
    xr.testing.assert_identical(simulation.wb.fc("x"), fc(simulation, "x"))
    # and the selection rule really picked the coupled variable y, not x
    assert not np.allclose(simulation.wb.fc().values, simulation.wb.fc("x").values)
    assert simulation.wb.fc().dims == ("seed", "region_i", "region_j")


def test_dataarray_fc_matches_function(simulation):
    xr.testing.assert_identical(simulation["x"].wb.fc(), fc(simulation["x"]))
    renamed = simulation["x"].rename(time="sample")
    xr.testing.assert_identical(renamed.wb.fc(dim="sample"), fc(renamed, dim="sample"))


def test_dataset_select_variable_matches_function(simulation):
    xr.testing.assert_identical(simulation.wb.select_variable(), select_variable(simulation))
    assert simulation.wb.select_variable().name == "y"


def test_plot_timeseries_matches_function(simulation):
    member = simulation.isel(seed=0)
    assert_same_lines(member.wb.plot.timeseries(var="x"), plot_timeseries(member, var="x"))
    assert_same_lines(member["x"].wb.plot.timeseries(offset=1.0), plot_timeseries(member["x"], offset=1.0))


def test_plot_fc_matches_function(simulation):
    member = simulation.isel(seed=0)
    ax_accessor = member["x"].wb.plot.fc()
    ax_function = plot_functional_connectivity(member["x"])
    np.testing.assert_array_equal(heatmap_values(ax_accessor), heatmap_values(ax_function))
    assert [t.get_text() for t in ax_accessor.get_xticklabels()] == REGIONS


def test_plot_connectivity_and_connectome_match_functions(connectome):
    ax_accessor = connectome["weights"].wb.plot.connectivity(title="W")
    ax_function = plot_connectivity(connectome["weights"], title="W")
    np.testing.assert_array_equal(heatmap_values(ax_accessor), heatmap_values(ax_function))
    assert ax_accessor.get_title() == "W"
    # on a connectome Dataset, connectivity draws its weights
    np.testing.assert_array_equal(
        heatmap_values(connectome.wb.plot.connectivity()), connectome["weights"].values
    )
    titles = [ax.get_title() for ax in connectome.wb.plot.connectome()]
    assert titles == [ax.get_title() for ax in plot_connectome(connectome)]


def test_plot_call_dispatches_connectome(connectome):
    axes = connectome.wb.plot()
    assert [ax.get_title() for ax in axes] == ["structural weights", "distances (mm)"]
    np.testing.assert_array_equal(heatmap_values(axes[1]), connectome["distances"].values)
    assert len(connectome.drop_vars("distances").wb.plot()) == 1


def test_plot_call_dispatches_simulation(simulation):
    member = simulation.isel(seed=0)
    ax = member.wb.plot()
    assert_same_lines(ax, plot_timeseries(member))
    assert ax.get_ylabel() == "y"
    assert_same_lines(member["x"].wb.plot(), plot_timeseries(member["x"]))


def test_plot_call_dispatches_fc(simulation):
    matrix = simulation.isel(seed=0).wb.fc("x")
    ax = matrix.wb.plot()
    assert ax.collections[0].colorbar.ax.get_ylabel() == "Pearson r"
    assert ax.collections[0].get_clim() == (-1.0, 1.0)
    np.testing.assert_array_equal(heatmap_values(ax), matrix.values)


def test_plot_of_an_ensemble_asks_for_one_member(simulation):
    with pytest.raises(ValueError, match=r"isel\(seed=0\)"):
        simulation.wb.plot()


def test_reloading_the_module_does_not_warn():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        reloaded = importlib.reload(wbxr.accessor)
    assert xr.Dataset.wb is reloaded.WbDatasetAccessor
    assert xr.DataArray.wb is reloaded.WbDataArrayAccessor


# --- analyses and plots added with the observation models ------------------------------------

from wbxr import analysis  # noqa: E402
from wbxr.viz import plot_bold, plot_fcd, plot_psd  # noqa: E402


@pytest.fixture
def rhythms():
    """Two seeds of four noisy 10 Hz rhythms, 3 s at 1 kHz, variables rE (coupled) and rI."""
    rng = np.random.default_rng(1)
    t = np.arange(3000.0)
    phases = rng.uniform(0, 2 * np.pi, (2, 1, 4))
    r_e = 0.4 + 0.2 * np.sin(2 * np.pi * 10 * t[None, :, None] / 1000 + phases) + 0.05 * rng.standard_normal((2, 3000, 4))
    dims = ("seed", "time", "region")
    return xr.Dataset(
        {
            "rE": (dims, r_e, {"units": "1", "long_name": "excitatory rate"}),
            "rI": (dims, 0.5 * r_e[:, ::-1], {"units": "1", "long_name": "inhibitory rate"}),
        },
        coords={
            "seed": [0, 1],
            "time": ("time", t, {"units": "ms", "long_name": "time"}),
            "region": ["A", "B", "C", "D"],
        },
        attrs={"coupled_var": "rE"},
    )


# (method, positional args, keyword args); the function of the same name in wbxr.analysis
DATASET_ANALYSES = [
    ("fc", (), {"band": (5.0, 20.0)}),
    ("fc", ("rI",), {"band": (5.0, 20.0)}),
    ("bandpass", (5.0, 20.0), {"order": 2}),
    ("bandpass", (5.0, 20.0), {"var": "rI"}),
    ("global_signal", (), {}),
    ("windowed_fc", (500.0, 250.0), {}),
    ("fcd", (500.0, 250.0), {}),
    ("fcd", (500.0, 250.0), {"var": "rI"}),
    ("psd", (), {"nperseg": 500}),
    ("dominant_frequency", (), {"nperseg": 500}),
    ("kuramoto_order", (), {"band": (8.0, 12.0)}),
    ("metastability", (), {}),
    ("phase_locking_value", (), {"var": "rI"}),
    ("bold", (), {"tr": 500.0}),
    ("bold", (), {"tr": 250.0, "model": "balloon_classic", "params": {"tau": 1.5}}),
    ("balloon_windkessel", (), {}),
    ("hrf_convolve", ("gamma",), {"tr": 500.0}),
    ("hrf_convolve", (), {"tr": 500.0, "var": "rI", "length": 10_000.0}),
]


@pytest.mark.parametrize(("method", "args", "kwargs"), DATASET_ANALYSES)
def test_dataset_analysis_methods_match_functions(rhythms, method, args, kwargs):
    expected = getattr(analysis, method)(rhythms, *args, **kwargs)
    xr.testing.assert_identical(getattr(rhythms.wb, method)(*args, **kwargs), expected)


def test_dataset_methods_use_the_selection_rule(rhythms):
    # rE is the coupled variable; var="rI" really picks the other one
    assert not np.allclose(rhythms.wb.fcd(500.0, 250.0).values, rhythms.wb.fcd(500.0, 250.0, var="rI").values)
    xr.testing.assert_identical(rhythms.wb.bold(tr=500.0), analysis.bold(rhythms["rE"], tr=500.0))


DATAARRAY_ANALYSES = [
    ("fc", (), {"band": (5.0, 20.0)}),
    ("bandpass", (5.0, None), {}),
    ("global_signal", (), {}),
    ("windowed_fc", (500.0, 250.0), {}),
    ("fcd", (500.0, 250.0), {}),
    ("psd", (), {"nperseg": 300}),
    ("dominant_frequency", (), {}),
    ("kuramoto_order", (), {}),
    ("metastability", (), {"band": (8.0, 12.0)}),
    ("phase_locking_value", (), {}),
    ("bold", (), {"tr": 720.0}),
    ("balloon_windkessel", (), {"model": "balloon_classic"}),
    ("hrf_convolve", ("volterra",), {"tr": 500.0}),
]


@pytest.mark.parametrize(("method", "args", "kwargs"), DATAARRAY_ANALYSES)
def test_dataarray_analysis_methods_match_functions(rhythms, method, args, kwargs):
    x = rhythms["rI"]
    expected = getattr(analysis, method)(x, *args, **kwargs)
    xr.testing.assert_identical(getattr(x.wb, method)(*args, **kwargs), expected)


def test_dataarray_methods_on_results_match_functions(rhythms):
    matrix = rhythms.wb.fcd(500.0, 250.0)
    xr.testing.assert_identical(matrix.wb.fcd_values(offset=2), analysis.fcd_values(matrix, offset=2))
    other = rhythms.isel(seed=0).wb.fcd(400.0, 200.0)
    xr.testing.assert_identical(matrix.wb.fcd_ks(other), analysis.fcd_ks(matrix, other))
    fc_all, fc_first = rhythms.wb.fc(), rhythms.isel(seed=0).wb.fc("rI")
    xr.testing.assert_identical(fc_all.wb.fc_similarity(fc_first), analysis.fc_similarity(fc_all, fc_first))
    assert fc_all.wb.fc_similarity(fc_first).dims == ("seed",)
    spectrum = rhythms["rE"].wb.psd(nperseg=1000)
    xr.testing.assert_identical(spectrum.wb.dominant_frequency(), analysis.dominant_frequency(spectrum))
    r = rhythms.wb.kuramoto_order()
    xr.testing.assert_identical(r.wb.metastability(), analysis.metastability(r))


def test_plot_fcd_psd_bold_match_functions(rhythms):
    member = rhythms.isel(seed=0)
    ax_accessor = member.wb.plot.fcd(window=500.0, step=250.0)
    ax_function = plot_fcd(member, window=500.0, step=250.0)
    np.testing.assert_array_equal(ax_accessor.images[0].get_array(), ax_function.images[0].get_array())
    matrix = member.wb.fcd(500.0, 250.0)
    np.testing.assert_array_equal(matrix.wb.plot.fcd().images[0].get_array(), matrix.values)
    assert_same_lines(member.wb.plot.psd(nperseg=500), plot_psd(member, nperseg=500))
    assert_same_lines(member["rI"].wb.plot.psd(), plot_psd(member["rI"]))
    assert_same_lines(member.wb.plot.bold(tr=500.0), plot_bold(member, tr=500.0))
    y = member.wb.bold(tr=500.0)
    assert_same_lines(y.wb.plot.bold(), plot_bold(y))


def test_plot_call_dispatches_fcd_and_psd(rhythms):
    member = rhythms.isel(seed=0)
    matrix = member.wb.fcd(500.0, 250.0)
    np.testing.assert_array_equal(matrix.wb.plot().images[0].get_array(), matrix.values)
    spectrum = member.wb.psd(nperseg=500)
    assert_same_lines(spectrum.wb.plot(), plot_psd(spectrum))
