"""Tests for wbxr.viz (Agg backend; figures are closed after each test)."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
import xarray as xr  # noqa: E402

from wbxr.analysis import fc  # noqa: E402
from wbxr.viz import (  # noqa: E402
    plot,
    plot_connectivity,
    plot_connectome,
    plot_functional_connectivity,
    plot_timeseries,
)

REGIONS = ["lh_V1", "rh_V1", "lh_M1"]


@pytest.fixture
def simulation():
    rng = np.random.default_rng(0)
    n_time = 200
    values = rng.standard_normal((n_time, 3))
    return xr.Dataset(
        {
            "x": (("time", "region"), values, {"units": "1", "long_name": "x"}),
            "rE": (("time", "region"), 5 + values, {"units": "Hz", "long_name": "excitatory rate"}),
        },
        coords={
            "time": ("time", np.arange(n_time) * 0.1, {"units": "ms", "long_name": "time"}),
            "region": REGIONS,
        },
        attrs={"model": "Hopf", "coupled_var": "rE", "dt": 0.1},
    )


@pytest.fixture
def connectome():
    weights = np.array([[0.0, 0.4, 0.1], [0.4, 0.0, 0.7], [0.1, 0.7, 0.0]])
    distances = np.array([[0.0, 80.0, 30.0], [80.0, 0.0, 45.0], [30.0, 45.0, 0.0]])
    dims = ("target", "source")
    return xr.Dataset(
        {
            "weights": (dims, weights, {"long_name": "coupling weight", "units": "1"}),
            "distances": (dims, distances, {"long_name": "tract length", "units": "mm"}),
        },
        coords={"target": REGIONS, "source": REGIONS},
    )


def tick_texts(labels):
    return [label.get_text() for label in labels]


def test_plot_connectivity_dataarray_labels_and_colorbar(connectome):
    ax = plot_connectivity(connectome["weights"], title="W")
    assert isinstance(ax, plt.Axes)
    assert tick_texts(ax.get_xticklabels()) == REGIONS
    assert tick_texts(ax.get_yticklabels()) == REGIONS
    assert (ax.get_xlabel(), ax.get_ylabel()) == ("source", "target")
    assert ax.get_title() == "W"
    mesh = ax.collections[0]
    assert mesh.colorbar.ax.get_ylabel() == "coupling weight"
    np.testing.assert_allclose(mesh.get_array().reshape(3, 3), connectome["weights"].values)


def test_plot_connectivity_numpy_with_labels_draws_into_given_ax():
    _, given_ax = plt.subplots()
    matrix = np.arange(9.0).reshape(3, 3)
    ax = plot_connectivity(matrix, labels=["a", "b", "c"], ax=given_ax, cbar_label="w")
    assert ax is given_ax
    assert tick_texts(ax.get_xticklabels()) == ["a", "b", "c"]
    assert (ax.get_xlabel(), ax.get_ylabel()) == ("source", "target")
    assert ax.collections[0].colorbar.ax.get_ylabel() == "w"
    assert ax.collections[0].get_clim() == (0.0, 8.0)


def test_plot_connectivity_errors(connectome):
    with pytest.raises(ValueError, match=r"square.*\(2, 3\)"):
        plot_connectivity(np.zeros((2, 3)))
    with pytest.raises(ValueError, match="labels has 2 entries.*3"):
        plot_connectivity(np.zeros((3, 3)), labels=["a", "b"])
    ensemble = xr.concat([connectome["weights"]] * 2, dim="subject")
    with pytest.raises(ValueError, match=r"isel\(subject=0\)"):
        plot_connectivity(ensemble)


def test_plot_connectome_two_panels_with_distances(connectome):
    axes = plot_connectome(connectome)
    assert len(axes) == 2
    assert [ax.get_title() for ax in axes] == ["structural weights", "distances (mm)"]
    assert axes[1].collections[0].colorbar.ax.get_ylabel() == "tract length [mm]"
    assert tick_texts(axes[1].get_xticklabels()) == REGIONS
    assert axes[1].collections[0].get_clim() == (0.0, 80.0)


def test_plot_connectome_one_panel_without_distances(connectome):
    axes = plot_connectome(connectome.drop_vars("distances"))
    assert len(axes) == 1
    assert axes[0].get_title() == "structural weights"
    assert len(axes[0].figure.axes) == 2  # the panel and its colour bar


def test_plot_connectome_uses_given_axes_and_validates(connectome):
    _, given = plt.subplots(1, 2)
    axes = plot_connectome(connectome, axes=given)
    assert list(axes) == list(given)
    _, single = plt.subplots()
    with pytest.raises(ValueError, match="need 2"):
        plot_connectome(connectome, axes=single)
    with pytest.raises(TypeError, match="weights"):
        plot_connectome(connectome.drop_vars("weights"))


def test_plot_timeseries_dataarray_lines_labels_and_units(simulation):
    ax = plot_timeseries(simulation["x"])
    lines = ax.get_lines()
    assert len(lines) == 3
    assert [line.get_label() for line in lines] == REGIONS
    assert ax.get_xlabel() == "time [ms]"
    assert ax.get_ylabel() == "x"
    np.testing.assert_allclose(lines[1].get_xdata(), simulation["time"].values)
    np.testing.assert_allclose(lines[1].get_ydata(), simulation["x"].values[:, 1])
    assert tick_texts(ax.get_legend().get_texts()) == REGIONS


def test_plot_timeseries_dataset_uses_selection_rule_and_var(simulation):
    ax = plot_timeseries(simulation)  # coupled_var is rE
    assert ax.get_ylabel() == "excitatory rate [Hz]"
    np.testing.assert_allclose(ax.get_lines()[0].get_ydata(), simulation["rE"].values[:, 0])
    ax = plot_timeseries(simulation, var="x")
    assert ax.get_ylabel() == "x"


def test_plot_timeseries_offset_and_region_first_order(simulation):
    ax = plot_timeseries(simulation["x"].transpose("region", "time"), offset=2.5)
    for i, line in enumerate(ax.get_lines()):
        np.testing.assert_allclose(line.get_ydata(), simulation["x"].values[:, i] + 2.5 * i)


def test_plot_timeseries_numpy_array_with_ts():
    values = np.arange(12.0).reshape(4, 3)
    ts = np.array([0.0, 0.5, 1.0, 1.5])
    ax = plot_timeseries(values, ts, labels=["a", "b", "c"])
    assert ax.get_xlabel() == "time [ms]"
    assert [line.get_label() for line in ax.get_lines()] == ["a", "b", "c"]
    np.testing.assert_allclose(ax.get_lines()[2].get_xdata(), ts)
    np.testing.assert_allclose(ax.get_lines()[2].get_ydata(), values[:, 2])
    ax = plot_timeseries(values)
    assert ax.get_xlabel() == "time step"
    assert [line.get_label() for line in ax.get_lines()] == ["0", "1", "2"]


def test_plot_timeseries_legend_only_for_few_regions():
    many = xr.DataArray(np.zeros((5, 17)), dims=("time", "region"))
    ax = plot_timeseries(many)
    assert len(ax.get_lines()) == 17
    assert ax.get_legend() is None


def test_plot_timeseries_errors(simulation):
    with pytest.raises(ValueError, match="ts has 3 samples.*200"):
        plot_timeseries(simulation["x"].values, ts=np.arange(3))
    with pytest.raises(ValueError, match="ts is only used with a plain array"):
        plot_timeseries(simulation["x"], ts=np.arange(200))
    with pytest.raises(ValueError, match="var='x' is only used with a Dataset"):
        plot_timeseries(simulation["x"], var="x")
    with pytest.raises(ValueError, match=r"\(T, N\) array"):
        plot_timeseries(np.zeros((2, 3, 4)))


def test_plot_functional_connectivity_from_simulation(simulation):
    ax = plot_functional_connectivity(simulation["x"])
    mesh = ax.collections[0]
    assert mesh.get_clim() == (-1.0, 1.0)
    assert mesh.colorbar.ax.get_ylabel() == "Pearson r"
    assert tick_texts(ax.get_xticklabels()) == REGIONS
    assert tick_texts(ax.get_yticklabels()) == REGIONS
    assert (ax.get_xlabel(), ax.get_ylabel()) == ("region", "region")
    expected = np.corrcoef(simulation["x"].values, rowvar=False)
    np.testing.assert_allclose(mesh.get_array().reshape(3, 3), expected, atol=1e-12)
    assert mesh.get_cmap().name == "RdBu_r"


def test_plot_functional_connectivity_of_fc_dataarray_plots_it_directly(simulation):
    matrix = fc(simulation, "x")
    ax = plot_functional_connectivity(matrix, vmin=-0.5, vmax=0.5, cmap="coolwarm")
    mesh = ax.collections[0]
    assert mesh.get_clim() == (-0.5, 0.5)
    np.testing.assert_allclose(mesh.get_array().reshape(3, 3), matrix.values)


def test_plot_functional_connectivity_numpy_time_series_and_matrix():
    rng = np.random.default_rng(1)
    values = rng.standard_normal((100, 4))
    expected = np.corrcoef(values, rowvar=False)
    from_series = plot_functional_connectivity(values).collections[0].get_array().reshape(4, 4)
    np.testing.assert_allclose(from_series, expected, atol=1e-12)
    from_matrix = plot_functional_connectivity(expected).collections[0].get_array().reshape(4, 4)
    np.testing.assert_allclose(from_matrix, expected)
    # a square array that is not an FC matrix is a (T, N) series with T == N
    square_series = rng.standard_normal((4, 4))
    drawn = plot_functional_connectivity(square_series).collections[0].get_array().reshape(4, 4)
    np.testing.assert_allclose(drawn, np.corrcoef(square_series, rowvar=False), atol=1e-12)


@pytest.mark.parametrize("function", [plot_timeseries, plot_functional_connectivity])
def test_plotting_an_ensemble_asks_for_one_member(simulation, function):
    ensemble = xr.concat([simulation, simulation], dim="seed")
    with pytest.raises(ValueError, match=r"extra dims \('seed',\).*isel\(seed=0\)"):
        function(ensemble["x"])
    with pytest.raises(ValueError, match=r"isel\(seed=0\)"):
        function(ensemble)


def test_plotting_an_fc_ensemble_asks_for_one_member(simulation):
    ensemble = fc(xr.concat([simulation, simulation], dim="seed"))
    with pytest.raises(ValueError, match=r"extra dims \('seed',\).*isel\(seed=0\)"):
        plot_functional_connectivity(ensemble)


def test_plot_dispatches_on_the_kind_of_object(simulation, connectome):
    assert [ax.get_title() for ax in plot(connectome)] == ["structural weights", "distances (mm)"]
    assert len(plot(simulation).get_lines()) == 3
    assert plot(fc(simulation)).collections[0].colorbar.ax.get_ylabel() == "Pearson r"
    assert plot(connectome["distances"]).collections[0].colorbar.ax.get_ylabel() == "tract length [mm]"
    with pytest.raises(ValueError, match="cannot tell what to plot"):
        plot(xr.DataArray(np.zeros(3), dims="region"))
    with pytest.raises(TypeError, match="ndarray"):
        plot(np.zeros((3, 3)))


# --- FCD, power spectra and BOLD ---------------------------------------------------------------

from wbxr.analysis import bold, fcd, psd  # noqa: E402
from wbxr.viz import plot_bold, plot_fcd, plot_psd  # noqa: E402


@pytest.fixture
def rhythm():
    """Three regions, 4 s at 1 kHz: 10 Hz, 20 Hz and noise."""
    rng = np.random.default_rng(5)
    t = np.arange(4000.0)
    values = np.stack(
        [np.sin(2 * np.pi * 10 * t / 1000), 0.5 * np.sin(2 * np.pi * 20 * t / 1000), rng.standard_normal(t.size)],
        axis=1,
    )
    return xr.DataArray(
        0.3 + 0.1 * values,
        dims=("time", "region"),
        coords={"time": ("time", t, {"units": "ms", "long_name": "time"}), "region": REGIONS},
        name="rE",
        attrs={"units": "1", "long_name": "excitatory rate"},
    )


def test_plot_fcd_draws_the_matrix_on_a_time_grid(rhythm):
    matrix = fcd(rhythm, 500.0, 250.0)
    ax = plot_fcd(matrix)
    image = ax.images[0]
    np.testing.assert_array_equal(image.get_array(), matrix.values)
    centres = matrix.window_i.values
    # pixel edges half a step around the first and last window centre; time runs downwards
    assert image.get_extent() == pytest.approx([centres[0] - 125, centres[-1] + 125, centres[-1] + 125, centres[0] - 125])
    assert ax.get_xlabel() == ax.get_ylabel() == "window centre time [ms]"
    assert image.colorbar.ax.get_ylabel() == "FCD (Pearson r)"
    assert image.get_clim()[1] == 1.0
    # from a time series, with window and step
    from_series = plot_fcd(rhythm, window=500.0, step=250.0)
    np.testing.assert_array_equal(from_series.images[0].get_array(), matrix.values)


def test_plot_fcd_errors(rhythm):
    with pytest.raises(ValueError, match="window and step are needed"):
        plot_fcd(rhythm)
    ensemble = fcd(xr.concat([rhythm, rhythm], dim="seed"), 500.0, 250.0)
    with pytest.raises(ValueError, match=r"isel\(seed=0\)"):
        plot_fcd(ensemble)
    with pytest.raises(ValueError, match=r"isel\(seed=0\)"):
        plot_fcd(xr.concat([rhythm, rhythm], dim="seed"), window=500.0, step=250.0)


def test_plot_psd_one_line_per_region(rhythm):
    spectrum = psd(rhythm, nperseg=1000)
    ax = plot_psd(spectrum, fmax=60.0)
    lines = ax.get_lines()
    assert [line.get_label() for line in lines] == REGIONS
    shown = spectrum.sel(frequency=slice(0, 60))
    np.testing.assert_allclose(lines[1].get_xdata(), shown.frequency.values)
    np.testing.assert_allclose(lines[1].get_ydata(), shown.sel(region="rh_V1").values)
    assert lines[1].get_xdata()[-1] == 60.0
    assert ax.get_yscale() == "log"
    assert ax.get_xlim() == (0.0, 60.0)
    assert ax.get_xlabel() == "frequency [Hz]"
    assert ax.get_ylabel() == "power spectral density of excitatory rate [1/Hz]"
    # the 10 and 20 Hz rhythms peak where they should
    assert lines[0].get_xdata()[np.argmax(lines[0].get_ydata())] == 10.0
    assert lines[1].get_xdata()[np.argmax(lines[1].get_ydata())] == 20.0
    # a time series is turned into a spectrum first
    from_series = plot_psd(rhythm, nperseg=1000, log=False)
    np.testing.assert_allclose(from_series.get_lines()[2].get_ydata(), spectrum.values[:, 2])
    assert from_series.get_yscale() == "linear"


def test_plot_bold_in_seconds(rhythm):
    y = bold(rhythm, tr=500.0)
    ax = plot_bold(y)
    lines = ax.get_lines()
    assert [line.get_label() for line in lines] == REGIONS
    np.testing.assert_allclose(lines[0].get_xdata(), y.time.values / 1000.0)
    np.testing.assert_allclose(lines[0].get_ydata(), y.values[:, 0])
    assert ax.get_xlabel() == "time [s]"
    assert ax.get_ylabel() == "BOLD signal change"
    assert ax.get_title() == "BOLD"
    # neural activity is turned into BOLD first
    computed = plot_bold(rhythm, tr=500.0).get_lines()
    np.testing.assert_allclose(computed[2].get_ydata(), y.values[:, 2])
    with pytest.raises(ValueError, match=r"isel\(seed=0\)"):
        plot_bold(xr.concat([y, y], dim="seed"))


def test_plot_dispatches_fcd_and_psd(rhythm):
    assert len(plot(fcd(rhythm, 500.0, 250.0)).images) == 1
    assert len(plot(psd(rhythm)).get_lines()) == 3


# --- brain plot --------------------------------------------------------------------------------

import importlib.util  # noqa: E402

import matplotlib.colors  # noqa: E402

import wbxr  # noqa: E402,F401  (registers the .wb accessor)
from wbxr.viz import HEMISPHERE_COLOURS, brain, plot_brain, strongest_edges  # noqa: E402

SIX = ["L.a", "L.b", "L.c", "R.a", "R.b", "R.c"]


@pytest.fixture
def six_regions():
    """Six regions with distinct centres and distinct pair strengths 1..15 (pair order)."""
    rng = np.random.default_rng(3)
    centres = rng.uniform(-60, 60, size=(6, 3))
    centres[:3, 0] = -np.abs(centres[:3, 0]) - 1
    centres[3:, 0] = np.abs(centres[3:, 0]) + 1
    weights = np.zeros((6, 6))
    rows, cols = np.triu_indices(6, k=1)
    weights[rows, cols] = rng.permutation(np.arange(1.0, 16.0))
    weights = weights + weights.T
    return wbxr.connectome(weights, labels=SIX, centres=centres, name="six")


def _edges_and_nodes(ax):
    edges = [c for c in ax.collections if c.get_label() == "edges"]
    nodes = [c for c in ax.collections if c.get_label() == "regions"]
    assert len(edges) == len(nodes) == 1
    return edges[0], nodes[0]


@pytest.mark.parametrize(("view", "columns"), [("axial", [0, 1]), ("sagittal", [1, 2]), ("coronal", [0, 2])])
def test_plot_brain_nodes_are_projected_centres(six_regions, view, columns):
    ax = plot_brain(six_regions, view=view)
    _, nodes = _edges_and_nodes(ax)
    np.testing.assert_array_equal(nodes.get_offsets(), six_regions["centres"].values[:, columns])
    assert ax.get_title() == view
    assert ax.get_xlabel().startswith("xyz"[columns[0]] + " [mm]")
    assert ax.get_ylabel().startswith("xyz"[columns[1]] + " [mm]")


@pytest.mark.parametrize(("fraction", "expected"), [(0.0, 0), (0.2, 3), (0.21, 4), (0.5, 8), (1.0, 15)])
def test_plot_brain_draws_the_top_fraction_of_edges(six_regions, fraction, expected):
    ax = plot_brain(six_regions, edge_fraction=fraction)
    edges, _ = _edges_and_nodes(ax)
    segments = edges.get_segments()
    assert len(segments) == expected  # ceil(fraction * 15)
    weights = six_regions["weights"].values
    centres = six_regions["centres"].values[:, :2]
    # reference: the `expected` largest pair weights, independently
    rows, cols = np.triu_indices(6, k=1)
    top = np.sort(weights[rows, cols])[::-1][:expected]
    drawn = []
    for segment in segments:
        i = int(np.argmin(np.linalg.norm(centres - segment[0], axis=1)))
        j = int(np.argmin(np.linalg.norm(centres - segment[1], axis=1)))
        np.testing.assert_array_equal(segment, centres[[i, j]])
        drawn.append(weights[i, j])
    assert sorted(drawn, reverse=True) == top.tolist()
    if expected:
        # drawn weakest first; width and opacity grow linearly with weight
        assert drawn == sorted(drawn)
        relative = np.array(drawn) / max(drawn)
        np.testing.assert_allclose(edges.get_linewidths(), 0.5 + 2.5 * relative)
        np.testing.assert_allclose(edges.get_colors()[:, 3], 0.15 + 0.75 * relative)


def test_strongest_edges_directed_zero_and_ties():
    w = np.array([[0.0, 0.0, -4.0], [2.0, 0.0, 0.0], [1.0, 0.0, 0.0]])
    rows, cols, strength = strongest_edges(w, 1.0)  # pair (1,2) has no weight: not drawn
    assert rows.tolist() == [0, 0] and cols.tolist() == [2, 1] and strength.tolist() == [4.0, 2.0]
    rows, cols, _ = strongest_edges(np.ones((4, 4)), 0.5)  # ties: pair order
    assert list(zip(rows.tolist(), cols.tolist())) == [(0, 1), (0, 2), (0, 3)]


def test_plot_brain_hemisphere_colours_and_node_sizes(six_regions):
    _, nodes = _edges_and_nodes(plot_brain(six_regions, node_size=25.0))
    left, right = (matplotlib.colors.to_rgba(HEMISPHERE_COLOURS[side]) for side in ("left", "right"))
    np.testing.assert_allclose(nodes.get_facecolors(), [left] * 3 + [right] * 3)
    np.testing.assert_array_equal(nodes.get_sizes(), np.full(6, 25.0))
    # a hemisphere coordinate wins over the sign of x
    flipped = six_regions.assign_coords(hemisphere=("region", ["R", "R", "R", "L", "L", "midline"]))
    _, nodes = _edges_and_nodes(plot_brain(flipped))
    grey = matplotlib.colors.to_rgba(HEMISPHERE_COLOURS["midline"])
    np.testing.assert_allclose(nodes.get_facecolors(), [right] * 3 + [left] * 2 + [grey])
    # strength sizes: 10 .. 100 in proportion to the region strength
    strength = six_regions["weights"].values.sum(axis=1)
    np.testing.assert_allclose(nodes.get_sizes(), 10 + 90 * strength / strength.max())


def test_plot_brain_all_views_accessor_and_alias(six_regions):
    axes = six_regions.wb.plot.brain(view="all", labels=True)
    assert [ax.get_title() for ax in axes] == ["axial", "sagittal", "coronal"]
    assert [text.get_text() for text in axes[1].texts] == SIX
    np.testing.assert_array_equal(
        _edges_and_nodes(axes[2])[1].get_offsets(), six_regions["centres"].values[:, [0, 2]]
    )
    assert brain is plot_brain
    _, given = plt.subplots()
    assert brain(six_regions, ax=given) is given


def test_plot_brain_errors(six_regions):
    with pytest.raises(ValueError, match="no 'centres'"):
        plot_brain(six_regions.drop_vars("centres"))
    with pytest.raises(TypeError, match="connectome xarray.Dataset"):
        plot_brain(six_regions["weights"])
    with pytest.raises(ValueError, match=r"view='top' is not one of \['axial', 'sagittal', 'coronal', 'all'\]"):
        plot_brain(six_regions, view="top")
    for bad in (-0.1, 1.5, True, "half"):
        with pytest.raises(ValueError, match="edge_fraction=.* between 0 and 1"):
            plot_brain(six_regions, edge_fraction=bad)
    with pytest.raises(ValueError, match="node_size='big'"):
        plot_brain(six_regions, node_size="big")
    with pytest.raises(ValueError, match="backend='plotly'"):
        plot_brain(six_regions, backend="plotly")
    _, single = plt.subplots()
    with pytest.raises(ValueError, match="ax has 1 Axes, view='all' needs 3"):
        plot_brain(six_regions, ax=single, view="all")


@pytest.mark.skipif(importlib.util.find_spec("tvboptim") is None, reason="dk84 needs tvboptim: pip install 'wbxr[data]'")
def test_plot_brain_of_the_real_connectome():
    conn = wbxr.load_dataset("dk84")
    edges, nodes = _edges_and_nodes(conn.wb.plot.brain(edge_fraction=0.05))
    assert len(edges.get_segments()) == 175  # ceil(0.05 * 84 * 83 / 2)
    assert nodes.get_offsets().shape == (84, 2)
    left = np.asarray(nodes.get_offsets())[:42, 0]
    assert (left < 0).all()


def test_plot_brain_nilearn_glass_brain(six_regions):
    pytest.importorskip("nilearn")
    display = plot_brain(six_regions, backend="nilearn", edge_fraction=0.2)
    assert type(display).__module__.startswith("nilearn")
    display.close()


def test_plot_brain_nilearn_missing_says_how_to_install(six_regions, monkeypatch):
    import builtins

    real_import = builtins.__import__

    def no_nilearn(name, *args, **kwargs):
        if name == "nilearn" or name.startswith("nilearn."):
            raise ImportError("no nilearn here")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_nilearn)
    with pytest.raises(ModuleNotFoundError, match=r"needs nilearn \(pip install nilearn\)"):
        plot_brain(six_regions, backend="nilearn")


from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402
from hypothesis.extra.numpy import arrays  # noqa: E402


@settings(max_examples=60, deadline=None)
@given(
    weights=arrays(np.float64, (5, 5), elements=st.sampled_from([0.0, -2.0, 0.5, 1.0, 3.0])),
    fraction=st.floats(0.0, 1.0),
)
def test_strongest_edges_keeps_the_strongest_pairs(weights, fraction):
    rows, cols, strength = strongest_edges(weights, fraction)
    pairs = [(i, j) for i in range(5) for j in range(i + 1, 5)]
    reference = {(i, j): max(abs(weights[i, j]), abs(weights[j, i])) for i, j in pairs}
    nonzero = sum(value > 0 for value in reference.values())
    assert len(rows) == min(int(np.ceil(round(fraction * 10, 9))), nonzero)
    kept = set(zip(rows.tolist(), cols.tolist()))
    assert all(i < j for i, j in kept)
    np.testing.assert_array_equal(strength, [reference[pair] for pair in zip(rows.tolist(), cols.tolist())])
    assert list(strength) == sorted(strength, reverse=True) and (strength > 0).all()
    left_out = [value for pair, value in reference.items() if pair not in kept]
    assert not left_out or not len(strength) or max(left_out) <= strength.min()


def test_strongest_edges_at_the_rounding_boundary():
    """Hypothesis found a fraction whose product with the 10 pairs lies within 1e-9 of 0."""
    weights = np.full((5, 5), -2.0)
    assert len(strongest_edges(weights, 8.2e-11)[0]) == 1  # 8.2e-10 rounds to 1e-9: one pair
    assert len(strongest_edges(weights, 1e-11)[0]) == 0  # 1e-10 rounds to 0
    assert len(strongest_edges(weights, 0.3)[0]) == 3  # 0.3 * 10 = 3.0000000000000004
    assert len(strongest_edges(weights, 0.31)[0]) == 4


def test_strongest_edges_errors():
    with pytest.raises(ValueError, match=r"square \(N, N\).*\(2, 3\)"):
        strongest_edges(np.zeros((2, 3)), 0.5)
    with pytest.raises(ValueError, match="edge_fraction=2 must be a number between 0 and 1"):
        strongest_edges(np.zeros((3, 3)), 2)
