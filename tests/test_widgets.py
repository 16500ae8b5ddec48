"""Tests for wbxr.widgets, headless: set a control's value, check the callback's effect."""

import json

import brainunit as u
import ipywidgets
import jax
import matplotlib
import matplotlib.pyplot as plt
import numpy as np
import pytest

import wbxr
import wbxr.widgets
from wbxr.analysis import fc
from wbxr.widgets import Explorer, explore

DURATION = 100.0  # ms


@pytest.fixture(scope="module")
def conn():
    return wbxr.load_dataset("example_connectome")


def hopf_network(conn, **model_options):
    model = wbxr.models.Hopf(a=0.2, w=0.3, **model_options)
    return wbxr.Network(model, conn, speed=10 * u.mm / u.ms, coupled_var="x", k=0.5)


@pytest.fixture
def explorer(conn):
    ex = explore(hopf_network(conn), duration=DURATION)
    yield ex
    ex.close()


@pytest.fixture
def noisy_explorer(conn):
    noise = {"x": wbxr.noise.White(sigma=0.02), "y": wbxr.noise.White(sigma=0.02)}
    ex = explore(hopf_network(conn, noise=noise), duration=DURATION)
    yield ex
    ex.close()


def kernel_compilations(names):
    """The compilations of the simulation kernel (``_run`` / ``run_members``)."""
    return [name for name in names if "run" in name]


def assert_plots_show(ex, var):
    """The existing artists hold ``ex.result[var]`` and its FC."""
    da = ex.result[var]
    assert len(ex.lines) == da.sizes["region"]
    for region, line in enumerate(ex.lines):
        np.testing.assert_array_equal(line.get_xdata(), da["time"].values)
        np.testing.assert_array_equal(line.get_ydata(), da.isel(region=region).values)
    np.testing.assert_array_equal(ex.fc_image.get_array(), fc(da).values)
    low, high = ex.lines[0].axes.get_ylim()
    assert low <= float(da.min()) and float(da.max()) <= high


def model_parameter(ds, name):
    return json.loads(ds.attrs["model_parameters"])[name]["value"]


# -- construction ---------------------------------------------------------------------------
def test_explore_builds_controls_and_runs_once(explorer, conn):
    ex = explorer
    assert isinstance(ex, Explorer)
    assert isinstance(ex.widget, ipywidgets.VBox)
    assert dict(ex.result.sizes) == {"time": 100, "region": 8}
    assert ex.last_error is None
    assert ex.result.attrs["k"] == 0.5 and ex.result.attrs["speed"] == 10.0
    assert (ex.k_slider.value, ex.k_slider.min, ex.k_slider.max) == (0.5, 0.0, 2.0)
    assert ex.speed_slider.value == 10.0
    assert list(ex.parameter_sliders) == ["a", "w", "beta"]
    a = ex.parameter_sliders["a"]
    assert (a.value, a.min, a.max) == (0.2, -1.0, 1.0)  # the range in Hopf's metadata
    assert ex.noise_sliders == {}
    assert ex.fixed_label.value == ""
    sliders = [ex.k_slider, ex.speed_slider, *ex.parameter_sliders.values()]
    assert all(not slider.continuous_update for slider in sliders)
    assert ex.variable_dropdown.options == ("x", "y") and ex.variable_dropdown.value == "x"
    assert ex.seed_text.value == 0 and ex.auto_checkbox.value is True
    assert "simulated 100 ms" in ex.status.value
    assert_plots_show(ex, "x")
    assert ex.fc_image.get_clim() == (-1.0, 1.0)
    np.testing.assert_array_equal(ex.weights_image.get_array(), conn.weights.values)
    assert isinstance(ex.figure_widget, ipywidgets.Image)
    assert ex.figure_widget.value[:8] == b"\x89PNG\r\n\x1a\n"
    assert ex.figure_widget in ex.widget.children
    assert ex.network.k == 0.5 and "Explorer(Network(" in repr(ex)


def test_noise_sliders_one_per_process(noisy_explorer):
    sliders = noisy_explorer.noise_sliders
    assert list(sliders) == ["x", "y"]
    assert (sliders["x"].value, sliders["x"].min, sliders["x"].max) == (0.02, 0.0, 1.0)


def test_network_without_delays_has_no_speed_slider(conn):
    ex = explore(wbxr.Network(wbxr.models.Hopf(), conn, k=0.5), duration=DURATION)
    assert ex.speed_slider is None
    assert ex.k_slider in ex.widget.children[0].children[0].children
    assert "speed" not in ex.result.attrs


def test_per_region_parameters_are_skipped_and_named(conn):
    a = np.linspace(-0.1, 0.2, 8)
    ex = explore(wbxr.Network(wbxr.models.Hopf(a=a, w=0.3), conn, k=0.5), duration=DURATION)
    assert "a" not in ex.parameter_sliders and "w" in ex.parameter_sliders
    assert "a" in ex.fixed_label.value
    ex.parameter_sliders["w"].value = 0.4
    np.testing.assert_allclose(model_parameter(ex.result, "a"), a)
    assert model_parameter(ex.result, "w") == 0.4


def test_monitors_set_the_variable_menu(conn):
    ex = explore(hopf_network(conn), duration=DURATION, monitors=["y"])
    assert ex.variable_dropdown.options == ("y",) and ex.variable_dropdown.value == "y"
    assert list(ex.result.data_vars) == ["y"]
    assert_plots_show(ex, "y")


def test_bad_arguments_raise(conn):
    with pytest.raises(TypeError, match="wbxr.Network"):
        explore(conn)
    with pytest.raises(ValueError, match="monitors"):
        explore(hopf_network(conn), monitors=["v"])


# -- controls -> runs -----------------------------------------------------------------------
def test_k_slider_reruns_in_place_without_recompiling(explorer, compile_count):
    ex = explorer
    figure, lines, before = ex.figure, list(ex.lines), ex.result
    png = ex.figure_widget.value
    with compile_count() as compiled:
        ex.k_slider.value = 0.2
    assert kernel_compilations(compiled.names) == []
    assert ex.result.attrs["k"] == 0.2 and ex.network.k == 0.2
    assert not np.array_equal(ex.result.x.values, before.x.values)
    assert ex.figure is figure and ex.lines == lines
    assert plt.get_fignums() == []  # nothing was drawn through pyplot
    assert_plots_show(ex, "x")
    assert ex.figure_widget.value != png


def test_model_parameter_slider_changes_the_model(explorer, compile_count):
    ex = explorer
    before = ex.result
    with compile_count() as compiled:
        ex.parameter_sliders["w"].value = 0.45
    assert kernel_compilations(compiled.names) == []
    assert model_parameter(ex.result, "w") == 0.45 and ex.network.model.w == 0.45
    assert model_parameter(ex.result, "a") == 0.2
    assert not np.array_equal(ex.result.x.values, before.x.values)
    assert_plots_show(ex, "x")


def test_noise_slider_changes_sigma(noisy_explorer, compile_count):
    ex = noisy_explorer
    before = ex.result
    with compile_count() as compiled:
        ex.noise_sliders["x"].value = 0.1
    assert kernel_compilations(compiled.names) == []
    noise = json.loads(ex.result.attrs["noise"])
    assert noise["x"] == {"process": "White", "sigma": 0.1}
    assert noise["y"]["sigma"] == 0.02
    assert isinstance(ex.network.model.noise["x"], wbxr.noise.White)
    assert not np.array_equal(ex.result.x.values, before.x.values)
    assert_plots_show(ex, "x")


def test_seed_changes_the_realisation(noisy_explorer, compile_count):
    ex = noisy_explorer
    first = ex.result
    with compile_count() as compiled:
        ex.seed_text.value = 3
        third = ex.result
        ex.seed_text.value = 0
    assert kernel_compilations(compiled.names) == []
    assert third.attrs["seed"] == 3
    assert not np.array_equal(third.x.values, first.x.values)
    assert ex.result.identical(first)  # same seed, same numbers


def test_all_traced_controls_share_one_compilation(noisy_explorer, compile_count):
    ex = noisy_explorer
    with compile_count() as compiled:
        ex.k_slider.value = 1.0
        ex.parameter_sliders["a"].value = -0.05
        ex.parameter_sliders["beta"].value = 2.0
        ex.noise_sliders["y"].value = 0.05
        ex.seed_text.value = 7
    assert kernel_compilations(compiled.names) == []
    attrs = ex.result.attrs
    assert (attrs["k"], attrs["seed"]) == (1.0, 7)
    assert model_parameter(ex.result, "a") == -0.05 and model_parameter(ex.result, "beta") == 2.0
    assert json.loads(attrs["noise"])["y"]["sigma"] == 0.05


def test_speed_slider_changes_delays_and_recompiles(explorer, compile_count):
    ex = explorer
    with compile_count() as compiled:
        ex.speed_slider.value = 3.0  # 80 mm now takes ~27 ms: a new delay buffer
    assert ex.result.attrs["speed"] == 3.0 and ex.network.speed == 3.0
    # The documented exception, and the check that the kernel's compilations are seen.
    compiled.require_names()
    assert len(kernel_compilations(compiled.names)) == 1
    assert_plots_show(ex, "x")


# -- auto, button, menu ---------------------------------------------------------------------
def test_auto_off_runs_only_on_button_click(explorer):
    ex = explorer
    before = ex.result
    ex.auto_checkbox.value = False
    ex.k_slider.value = 0.1
    ex.parameter_sliders["a"].value = 0.3
    assert ex.result is before
    assert "press Run" in ex.status.value
    ex.run_button.click()
    assert ex.result is not before
    assert ex.result.attrs["k"] == 0.1 and model_parameter(ex.result, "a") == 0.3
    assert_plots_show(ex, "x")


def test_turning_auto_on_runs_pending_changes(explorer):
    ex = explorer
    ex.auto_checkbox.value = False
    ex.k_slider.value = 0.3
    assert ex.result.attrs["k"] == 0.5
    ex.auto_checkbox.value = True
    assert ex.result.attrs["k"] == 0.3


def test_dropdown_switches_the_variable_without_running(explorer):
    ex = explorer
    result = ex.result
    ex.variable_dropdown.value = "y"
    assert ex.result is result
    assert_plots_show(ex, "y")
    assert ex.lines[0].axes.get_ylabel().startswith("y")
    ex.k_slider.value = 0.25  # a new run keeps showing y
    assert_plots_show(ex, "y")


# -- errors ---------------------------------------------------------------------------------
def test_blow_up_is_shown_not_raised(explorer):
    ex = explorer
    ex.parameter_sliders["beta"].value = 0.0  # no saturation ...
    good = ex.result
    ydata = ex.lines[0].get_ydata().copy()
    ex.parameter_sliders["a"].value = 1.0  # ... and fast growth: overflow within 100 ms
    assert isinstance(ex.last_error, wbxr.NonFiniteStateError)
    assert "NonFiniteStateError" in ex.status.value and "blew up" in ex.status.value
    assert ex.result is good  # the plots keep the last good run
    np.testing.assert_array_equal(ex.lines[0].get_ydata(), ydata)
    assert ex.network.model.a == 1.0
    ex.parameter_sliders["a"].value = 0.2
    assert ex.last_error is None and ex.result is not good
    assert "simulated" in ex.status.value


def test_invalid_seed_is_shown_not_raised(explorer):
    explorer.seed_text.value = -1
    assert isinstance(explorer.last_error, TypeError)
    assert "seed must be a non-negative integer" in explorer.status.value
    assert explorer.result.attrs["seed"] == 0


def test_failing_first_run_still_builds_the_explorer(conn):
    ex = explore(hopf_network(conn), duration=100.05)  # not a whole number of samples
    assert ex.result is None
    assert isinstance(ex.last_error, ValueError)
    assert "ValueError" in ex.status.value and "100.05" in ex.status.value
    assert all(line.get_xdata().size == 0 for line in ex.lines)


# -- display, speed -------------------------------------------------------------------------
def test_displays_as_its_widget(explorer):
    bundle = explorer._repr_mimebundle_()
    assert bundle["application/vnd.jupyter.widget-view+json"]["model_id"] == explorer.widget.model_id


def test_one_compilation_for_a_second_across_slider_moves(conn, compile_count):
    """The example network, 1 s simulated: built once, then every traced control reuses it."""
    jax.clear_caches()  # whatever ran before, building the explorer compiles the kernel
    with compile_count() as compiled:
        ex = explore(hopf_network(conn), duration=1000.0)
        for k in (0.4, 0.3, 1.2):
            ex.k_slider.value = k
        ex.parameter_sliders["w"].value = 0.35
        ex.parameter_sliders["beta"].value = 1.5
        ex.seed_text.value = 2
    compiled.require_names()
    assert len(kernel_compilations(compiled.names)) == 1
    assert ex.result.sizes["time"] == 1000 and ex.result.attrs["k"] == 1.2
    assert model_parameter(ex.result, "beta") == 1.5 and ex.result.attrs["seed"] == 2


def test_ipympl_backend_puts_the_canvas_in_the_widget(conn):
    pytest.importorskip("ipympl")
    previous = matplotlib.get_backend()
    plt.switch_backend("module://ipympl.backend_nbagg")
    try:
        ex = explore(hopf_network(conn), duration=DURATION)
        assert ex.figure_widget is ex.figure.canvas
        assert ex.figure_widget in ex.widget.children
        figure = ex.figure
        ex.k_slider.value = 0.2
        assert ex.figure is figure and plt.get_fignums() == [figure.number]
        assert_plots_show(ex, "x")
        ex.close()
        assert plt.get_fignums() == []
    finally:
        plt.switch_backend(previous)


def assert_everything_inside_the_figure(figure):
    """No label or tick label is cut off by the kept layout."""
    renderer = figure.canvas.get_renderer()
    drawn = [ax.get_tightbbox(renderer) for ax in figure.axes]  # pixels, labels included
    page = figure.bbox
    assert min(b.x0 for b in drawn) >= page.x0 - 1 and min(b.y0 for b in drawn) >= page.y0 - 1
    assert max(b.x1 for b in drawn) <= page.x1 + 1 and max(b.y1 for b in drawn) <= page.y1 + 1


def test_layout_is_kept_between_runs_and_redone_for_new_labels(explorer):
    ex = explorer
    positions = [ax.get_position().bounds for ax in ex.figure.axes]
    ex.k_slider.value = 0.45  # same labels: the layout of the first draw is kept
    assert [ax.get_position().bounds for ax in ex.figure.axes] == positions
    ex.parameter_sliders["beta"].value = 0.0  # no saturation: y grows by decades,
    ex.parameter_sliders["a"].value = 0.6  # wider tick labels
    assert ex.last_error is None
    assert [ax.get_position().bounds for ax in ex.figure.axes] != positions
    assert_everything_inside_the_figure(ex.figure)
