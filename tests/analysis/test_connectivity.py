"""Tests for wbxr.analysis.connectivity: fc and select_variable."""

import dask.array
import numpy as np
import pytest
import xarray as xr

from wbxr.analysis import fc, select_variable

REGIONS = ["A", "B", "C", "D"]


def make_simulation(values, regions=None, dt=0.1, extra_coords=None, dims=("time", "region")):
    """A simulation Dataset following the package's conventions, with variable ``x``."""
    values = np.asarray(values, dtype=float)
    n_time, n_regions = values.shape[-2:]
    regions = regions if regions is not None else [f"R{i}" for i in range(n_regions)]
    coords = {
        "time": ("time", np.arange(n_time) * dt, {"units": "ms", "long_name": "time"}),
        "region": regions,
        **(extra_coords or {}),
    }
    return xr.Dataset(
        {"x": (dims, values, {"units": "1", "long_name": "x"})},
        coords=coords,
        attrs={"model": "Hopf", "coupled_var": "x", "dt": dt, "k": 0.5},
    )


def test_fc_matches_numpy_corrcoef_on_random_data():
    rng = np.random.default_rng(42)
    values = rng.standard_normal((500, 4)) @ rng.standard_normal((4, 4))  # correlated columns
    result = fc(make_simulation(values, REGIONS))
    expected = np.corrcoef(values, rowvar=False)
    assert result.shape == (4, 4)
    np.testing.assert_allclose(result.values, expected, rtol=1e-12, atol=1e-12)
    # the mixing above makes off-diagonal correlations clearly non-zero
    assert np.abs(expected[~np.eye(4, dtype=bool)]).max() > 0.3


def test_fc_of_constructed_signals_has_known_values():
    rng = np.random.default_rng(0)
    n = 20_000
    x1 = rng.standard_normal(n)
    independent = rng.standard_normal(n)
    values = np.stack([x1, x1, -x1, 3.0 * x1 + 7.0, independent], axis=1)
    result = fc(make_simulation(values, ["x1", "same", "negated", "affine", "independent"]))

    assert result.sel(region_i="x1", region_j="same").item() == pytest.approx(1.0, abs=1e-12)
    assert result.sel(region_i="x1", region_j="negated").item() == pytest.approx(-1.0, abs=1e-12)
    assert result.sel(region_i="x1", region_j="affine").item() == pytest.approx(1.0, abs=1e-12)
    assert abs(result.sel(region_i="x1", region_j="independent").item()) < 0.05
    np.testing.assert_allclose(np.diag(result.values), 1.0, atol=1e-12)
    np.testing.assert_allclose(result.values, result.values.T, atol=1e-15)


def test_fc_of_sinusoids_with_quarter_period_shift_is_zero():
    t = np.linspace(0, 2 * np.pi, 1000, endpoint=False)
    values = np.stack([np.sin(t), np.cos(t), np.sin(t + np.pi / 3)], axis=1)
    result = fc(make_simulation(values))
    assert result.values[0, 1] == pytest.approx(0.0, abs=1e-12)
    assert result.values[0, 2] == pytest.approx(np.cos(np.pi / 3), abs=1e-12)


def test_fc_zero_variance_region_gives_nan_row_and_column():
    rng = np.random.default_rng(1)
    values = rng.standard_normal((100, 3))
    values[:, 1] = 0.1  # constant; its floating mean need not be exactly 0.1
    result = fc(make_simulation(values, ["A", "flat", "C"]))
    assert np.isnan(result.sel(region_i="flat")).all()
    assert np.isnan(result.sel(region_j="flat")).all()
    kept = result.sel(region_i=["A", "C"], region_j=["A", "C"]).values
    np.testing.assert_allclose(kept, np.corrcoef(values[:, [0, 2]], rowvar=False), atol=1e-12)


def test_fc_result_coords_attrs_and_dims():
    rng = np.random.default_rng(2)
    result = fc(make_simulation(rng.standard_normal((50, 4)), REGIONS))
    assert result.dims == ("region_i", "region_j")
    assert result["region_i"].values.tolist() == REGIONS
    assert result["region_j"].values.tolist() == REGIONS
    assert result.attrs == {
        "long_name": "functional connectivity",
        "units": "1",
        "description": "Pearson correlation over time",
    }
    assert result.dtype == np.float64
    assert "time" not in result.coords


def test_fc_keeps_extra_dims_and_equals_per_member_results():
    rng = np.random.default_rng(3)
    values = rng.standard_normal((2, 3, 80, 4))
    sim = make_simulation(
        values,
        REGIONS,
        extra_coords={"seed": [10, 11], "k": [0.1, 0.2, 0.3]},
        dims=("seed", "k", "time", "region"),
    )
    result = fc(sim)
    assert result.dims == ("seed", "k", "region_i", "region_j")
    assert result["seed"].values.tolist() == [10, 11]
    np.testing.assert_allclose(result["k"].values, [0.1, 0.2, 0.3])
    for i, seed in enumerate([10, 11]):
        for j, k in enumerate([0.1, 0.2, 0.3]):
            member = fc(sim.sel(seed=seed, k=k))
            np.testing.assert_allclose(result.sel(seed=seed, k=k).values, member.values, atol=1e-14)
            np.testing.assert_allclose(member.values, np.corrcoef(values[i, j], rowvar=False), atol=1e-12)


def test_fc_accepts_time_dim_not_last_but_one():
    rng = np.random.default_rng(4)
    values = rng.standard_normal((60, 3))
    da = make_simulation(values)["x"].transpose("region", "time")
    np.testing.assert_allclose(fc(da).values, np.corrcoef(values, rowvar=False), atol=1e-12)


def test_fc_of_dask_input_is_lazy_and_equals_eager():
    rng = np.random.default_rng(5)
    values = rng.standard_normal((3, 120, 4))
    sim = make_simulation(values, REGIONS, extra_coords={"seed": [0, 1, 2]}, dims=("seed", "time", "region"))
    eager = fc(sim)
    # time split across chunks too: fc must merge it into one chunk itself
    lazy = fc(sim.chunk({"seed": 1, "time": 50}))
    assert isinstance(lazy.data, dask.array.Array)
    assert lazy.chunks[0] == (1, 1, 1)
    xr.testing.assert_allclose(lazy.compute(), eager)
    assert lazy.attrs == eager.attrs


def test_fc_on_dataarray_equals_fc_on_dataset():
    rng = np.random.default_rng(6)
    sim = make_simulation(rng.standard_normal((40, 3)))
    xr.testing.assert_identical(fc(sim), fc(sim["x"]))


def test_fc_with_custom_dim():
    rng = np.random.default_rng(7)
    values = rng.standard_normal((40, 3))
    da = xr.DataArray(values, dims=("sample", "region"), coords={"region": ["A", "B", "C"]})
    np.testing.assert_allclose(fc(da, dim="sample").values, np.corrcoef(values, rowvar=False), atol=1e-12)


def test_select_variable_prefers_coupled_var_then_first_suitable():
    dims = ("time", "region")
    coords = {"time": [0.0, 0.1], "region": ["A", "B"]}
    ds = xr.Dataset(
        {
            "summary": ("region", [1.0, 2.0]),  # no time dim: never chosen by the rule
            "x": (dims, np.zeros((2, 2))),
            "y": (dims, np.ones((2, 2))),
        },
        coords=coords,
    )
    assert select_variable(ds).name == "x"
    assert select_variable(ds.assign_attrs(coupled_var="y")).name == "y"
    # a coupled_var that is not monitored falls back to the first suitable variable
    assert select_variable(ds.assign_attrs(coupled_var="z")).name == "x"
    assert select_variable(ds, "summary").name == "summary"


def test_fc_uses_the_selection_rule_and_var():
    rng = np.random.default_rng(8)
    x = rng.standard_normal((100, 2))
    y = np.stack([x[:, 0], -x[:, 0]], axis=1)
    ds = xr.Dataset(
        {"x": (("time", "region"), x), "y": (("time", "region"), y)},
        coords={"time": np.arange(100) * 0.1, "region": ["A", "B"]},
        attrs={"coupled_var": "y"},
    )
    assert fc(ds).values[0, 1] == pytest.approx(-1.0)
    assert fc(ds, "x").values[0, 1] == pytest.approx(np.corrcoef(x, rowvar=False)[0, 1])


def test_select_variable_errors():
    ds = xr.Dataset({"x": (("time", "region"), np.zeros((2, 2)))})
    with pytest.raises(ValueError, match=r"var='nope'.*\['x'\]"):
        select_variable(ds, "nope")
    connectome = xr.Dataset({"weights": (("target", "source"), np.eye(2))})
    with pytest.raises(ValueError, match="no data variable with dims.*weights"):
        select_variable(connectome)
    with pytest.raises(TypeError, match="DataArray"):
        select_variable(ds["x"])


def test_fc_errors():
    missing_region = xr.DataArray(np.zeros((5, 2)), dims=("time", "node"))
    with pytest.raises(ValueError, match=r"no 'region' dimension.*\('time', 'node'\)"):
        fc(missing_region)
    missing_time = xr.DataArray(np.zeros((5, 2)), dims=("t", "region"))
    with pytest.raises(ValueError, match=r"no 'time' dimension.*\('t', 'region'\)"):
        fc(missing_time)
    with pytest.raises(ValueError, match="no data variable"):
        fc(xr.Dataset({"weights": (("target", "source"), np.eye(2))}))
    with pytest.raises(ValueError, match="at least 2 samples"):
        fc(xr.DataArray(np.zeros((1, 2)), dims=("time", "region")))
    with pytest.raises(ValueError, match="var='x'.*only used with a Dataset"):
        fc(xr.DataArray(np.zeros((3, 2)), dims=("time", "region")), "x")
    with pytest.raises(TypeError, match="ndarray"):
        fc(np.zeros((3, 2)))
