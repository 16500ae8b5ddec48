"""Tests for wbxr.analysis.dynamics: windowed_fc, fcd, fcd_values."""

import brainunit as u
import numpy as np
import pytest
import xarray as xr

from wbxr.analysis import fcd, fcd_values, windowed_fc
from _analysis_series import make_series


def switching_signal(n_time=4000, seed=0):
    """Six regions whose correlation structure switches halfway.

    First half: regions {0, 1, 2} share one source and {3, 4, 5} another.
    Second half: the pairs {0, 3}, {1, 4}, {2, 5} share a source each.
    """
    rng = np.random.default_rng(seed)
    half = n_time // 2
    values = 0.5 * rng.standard_normal((n_time, 6))
    first = rng.standard_normal((half, 2))
    values[:half, :3] += first[:, [0]]
    values[:half, 3:] += first[:, [1]]
    second = rng.standard_normal((n_time - half, 3))
    values[half:, :3] += second
    values[half:, 3:] += second
    return values


def reference_fcd(values, n_window, n_step):
    """FCD written out with numpy: corrcoef per window, upper triangles, corrcoef between them."""
    starts = range(0, values.shape[0] - n_window + 1, n_step)
    rows, cols = np.triu_indices(values.shape[1], k=1)
    upper = [np.corrcoef(values[s : s + n_window], rowvar=False)[rows, cols] for s in starts]
    return np.corrcoef(np.array(upper)), list(starts)


def test_fcd_of_a_switching_signal_has_two_blocks():
    values = switching_signal()
    x = make_series(values, dt=1.0, t0=100.0)
    result = fcd(x, window=400 * u.ms, step=200 * u.ms)
    expected, starts = reference_fcd(values, 400, 200)
    assert result.dims == ("window_i", "window_j")
    assert result.shape == (19, 19)
    np.testing.assert_allclose(result.values, expected, atol=1e-12)

    first = [i for i, s in enumerate(starts) if s + 400 <= 2000]
    second = [i for i, s in enumerate(starts) if s >= 2000]
    assert len(first) == 9 and len(second) == 9

    def off_diagonal_mean(block_a, block_b):
        sub = result.values[np.ix_(block_a, block_b)]
        if block_a == block_b:
            sub = sub[~np.eye(len(block_a), dtype=bool)]
        return sub.mean()

    assert off_diagonal_mean(first, first) > 0.8
    assert off_diagonal_mean(second, second) > 0.8
    # the two patterns share no strongly correlated pair: dissimilar (here even anti-correlated)
    cross = result.values[np.ix_(first, second)]
    assert cross.max() < 0.2
    assert cross.mean() < 0.0

    # window centres in ms: the mean of the first and last sample time of each window
    np.testing.assert_allclose(result.window_i.values, 100.0 + np.array(starts) + 199.5)
    np.testing.assert_array_equal(result.window_i.values, result.window_j.values)
    assert result.window_i.attrs["units"] == "ms"
    assert result.name == "fcd"
    assert result.attrs["long_name"] == "functional connectivity dynamics"
    assert result.attrs["units"] == "1"
    assert (result.attrs["window_ms"], result.attrs["step_ms"]) == (400.0, 200.0)


def test_fcd_accepts_numbers_in_ms_and_other_time_units():
    x = make_series(switching_signal(2000, seed=1), dt=0.5)
    in_ms = fcd(x, 300.0, 100.0)
    xr.testing.assert_identical(in_ms, fcd(x, 0.3 * u.second, 0.1 * u.second))
    # 300 ms at 0.5 ms per sample is 600 samples
    assert in_ms.attrs["window_samples"] == 600
    assert in_ms.attrs["step_samples"] == 200


def test_windowed_fc_matches_numpy_per_window():
    values = switching_signal(1000, seed=2)
    x = make_series(values, regions=list("ABCDEF"))
    result = windowed_fc(x, window=250.0, step=125.0)
    assert result.dims == ("window", "region_i", "region_j")
    assert result.region_i.values.tolist() == list("ABCDEF")
    assert result.sizes["window"] == 7
    for w, start in enumerate(range(0, 751, 125)):
        np.testing.assert_allclose(
            result.isel(window=w).values, np.corrcoef(values[start : start + 250], rowvar=False), atol=1e-12
        )
    np.testing.assert_allclose(result.window.values, np.arange(0, 751, 125) + 124.5)


def test_fcd_values_is_the_upper_triangle():
    result = fcd(make_series(switching_signal(2000, seed=3)), 400.0, 100.0)
    n = result.sizes["window_i"]
    values = fcd_values(result)
    rows, cols = np.triu_indices(n, k=1)
    np.testing.assert_array_equal(values.values, result.values[rows, cols])
    assert values.dims == ("pair",)
    assert values.sizes["pair"] == n * (n - 1) // 2
    assert values.attrs["long_name"] == "FCD values"
    # offset 4 drops the pairs of overlapping windows (400 ms windows, 100 ms step)
    rows, cols = np.triu_indices(n, k=4)
    np.testing.assert_array_equal(fcd_values(result, offset=4).values, result.values[rows, cols])


def test_fcd_and_fcd_values_keep_extra_dims():
    a, b = switching_signal(1200, seed=4), switching_signal(1200, seed=5)
    x = make_series(np.stack([a, b]), extra_coords={"seed": [3, 7]})
    result = fcd(x, 300.0, 150.0)
    assert result.dims == ("seed", "window_i", "window_j")
    for i, values in enumerate((a, b)):
        np.testing.assert_allclose(result.isel(seed=i).values, reference_fcd(values, 300, 150)[0], atol=1e-12)
    assert fcd_values(result).dims == ("seed", "pair")


def test_fcd_on_a_dataset_uses_the_selection_rule():
    values = switching_signal(1000, seed=6)
    ds = xr.Dataset({"x": make_series(values), "y": make_series(values[::-1].copy())}, attrs={"coupled_var": "y"})
    xr.testing.assert_identical(fcd(ds, 200.0, 100.0), fcd(ds["y"], 200.0, 100.0))
    xr.testing.assert_identical(fcd(ds, 200.0, 100.0, var="x"), fcd(ds["x"], 200.0, 100.0))


def test_fcd_errors():
    x = make_series(np.random.default_rng(7).standard_normal((500, 3)), dt=1.0)
    with pytest.raises(ValueError, match=r"window=600.0 \(600 ms, 600 samples\) is longer than the series \(500"):
        fcd(x, 600.0, 100.0)
    with pytest.raises(ValueError, match="window=.*longer than the series"):
        windowed_fc(x, 1 * u.second, 100 * u.ms)
    with pytest.raises(ValueError, match="window=1.0 is 1 ms, shorter than 2 samples"):
        fcd(x, 1.0, 1.0)
    with pytest.raises(ValueError, match="step=0.2 .* shorter than the sampling step"):
        fcd(x, 100.0, 0.2)
    with pytest.raises(ValueError, match="window must be a positive duration"):
        fcd(x, -100.0, 10.0)
    with pytest.raises(ValueError, match="window=.*expected a quantity convertible to ms"):
        fcd(x, 100 * u.mm, 10.0)
    with pytest.raises(ValueError, match=r"data has no 'time' dimension"):
        fcd(x.rename(time="t"), 100.0, 10.0)
    with pytest.raises(ValueError, match=r"data has no 'region' dimension"):
        fcd(x.isel(region=0), 100.0, 10.0)
    with pytest.raises(ValueError, match="fcd_matrix has no 'window_i' dimension"):
        fcd_values(x)
    with pytest.raises(ValueError, match="offset must be a positive integer"):
        fcd_values(fcd(x, 100.0, 50.0), offset=0)
