"""Tests for the ``.wb`` accessor: each method matches the public function it delegates to."""

import importlib
import warnings

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
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


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


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
