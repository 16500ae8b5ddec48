"""Tests for wbxr.analysis.comparison: fc_similarity and fcd_ks."""

import numpy as np
import pytest
import scipy.stats
import xarray as xr

from wbxr.analysis import fc, fc_similarity, fcd, fcd_ks, fcd_values
from _analysis_series import make_series

LABELS = ["A", "B", "C", "D", "E"]


def fc_matrix(values, labels=LABELS, extra_coords=None):
    dims = (*tuple(extra_coords or {}), "region_i", "region_j")
    return xr.DataArray(
        values, dims=dims, coords={"region_i": labels, "region_j": labels, **(extra_coords or {})}, name="fc"
    )


def random_fc(rng, n=5):
    values = rng.standard_normal((200, n)) @ rng.standard_normal((n, n))
    return np.corrcoef(values, rowvar=False)


def upper(matrix):
    rows, cols = np.triu_indices(matrix.shape[-1], k=1)
    return matrix[rows, cols]


def test_fc_similarity_is_corrcoef_of_upper_triangles():
    rng = np.random.default_rng(0)
    a, b = random_fc(rng), random_fc(rng)
    result = fc_similarity(fc_matrix(a), fc_matrix(b))
    assert result.dims == ()
    assert float(result) == pytest.approx(np.corrcoef(upper(a), upper(b))[0, 1], abs=1e-12)
    assert result.name == "fc_similarity"
    assert result.attrs["units"] == "1"
    assert float(fc_similarity(fc_matrix(a), fc_matrix(a))) == pytest.approx(1.0)
    # the diagonal and the lower triangle are not used
    a_modified = a.copy()
    a_modified[np.tril_indices(5)] = 7.0
    assert float(fc_similarity(fc_matrix(a_modified), fc_matrix(b))) == pytest.approx(float(result))


def test_fc_similarity_aligns_by_region_label():
    rng = np.random.default_rng(1)
    a, b = random_fc(rng), random_fc(rng)
    order = [3, 0, 4, 2, 1]
    b_reordered = fc_matrix(b[np.ix_(order, order)], labels=[LABELS[i] for i in order])
    assert float(fc_similarity(fc_matrix(a), b_reordered)) == pytest.approx(
        np.corrcoef(upper(a), upper(b))[0, 1], abs=1e-12
    )
    # without labels on one side the matrices are matched by position
    positional = fc_similarity(fc_matrix(a), xr.DataArray(b, dims=("region_i", "region_j")))
    assert float(positional) == pytest.approx(np.corrcoef(upper(a), upper(b))[0, 1], abs=1e-12)


def test_fc_similarity_label_mismatch_is_a_clear_error():
    rng = np.random.default_rng(2)
    a = fc_matrix(random_fc(rng))
    other = fc_matrix(random_fc(rng), labels=["A", "B", "C", "D", "X"])
    with pytest.raises(ValueError, match=r"different region labels: only in fc_a: \['E'\], only in fc_b: \['X'\]"):
        fc_similarity(a, other)
    with pytest.raises(ValueError, match="fc_a has 5 regions but fc_b has 3"):
        fc_similarity(a.drop_vars(["region_i", "region_j"]), xr.DataArray(np.eye(3), dims=("region_i", "region_j")))
    with pytest.raises(ValueError, match="fc_b has no 'region_i' dimension"):
        fc_similarity(a, xr.DataArray(np.eye(5), dims=("target", "source")))


def test_fc_similarity_broadcasts_an_ensemble_against_one_matrix():
    rng = np.random.default_rng(3)
    members = np.stack([random_fc(rng) for _ in range(3)])
    empirical = random_fc(rng)
    result = fc_similarity(fc_matrix(members, extra_coords={"seed": [0, 1, 2]}), fc_matrix(empirical))
    assert result.dims == ("seed",)
    expected = [np.corrcoef(upper(m), upper(empirical))[0, 1] for m in members]
    np.testing.assert_allclose(result.values, expected, atol=1e-12)


def test_fc_similarity_of_simulated_fc():
    rng = np.random.default_rng(4)
    x = make_series(rng.standard_normal((300, 4)) @ rng.standard_normal((4, 4)))
    y = make_series(rng.standard_normal((300, 4)) @ rng.standard_normal((4, 4)))
    expected = np.corrcoef(upper(np.corrcoef(x.values, rowvar=False)), upper(np.corrcoef(y.values, rowvar=False)))
    assert float(fc_similarity(fc(x), fc(y))) == pytest.approx(expected[0, 1], abs=1e-12)


def test_fcd_ks_equals_scipy_statistic():
    rng = np.random.default_rng(5)
    x = make_series(rng.standard_normal((2000, 4)))
    y = make_series(rng.standard_normal((1500, 4)) @ rng.standard_normal((4, 4)))
    fcd_x, fcd_y = fcd(x, 200.0, 50.0), fcd(y, 200.0, 50.0)
    assert fcd_x.sizes["window_i"] != fcd_y.sizes["window_i"]  # different numbers of windows
    expected = scipy.stats.ks_2samp(upper(fcd_x.values), upper(fcd_y.values)).statistic
    result = fcd_ks(fcd_x, fcd_y)
    assert float(result) == pytest.approx(expected, abs=1e-15)
    assert 0.0 < float(result) < 1.0
    # FCD values work as well as FCD matrices
    assert float(fcd_ks(fcd_values(fcd_x), fcd_y)) == pytest.approx(expected, abs=1e-15)
    assert float(fcd_ks(fcd_x, fcd_x)) == 0.0
    assert result.name == "fcd_ks"
    assert result.attrs["long_name"] == "FCD KS distance"


def test_fcd_ks_known_values_and_broadcasting():
    a = xr.DataArray([[0.1, 0.2, 0.3], [0.7, 0.8, 0.9]], dims=("seed", "pair"), coords={"seed": [0, 1]})
    b = xr.DataArray([0.6, 0.75, 0.85, 0.95], dims="pair")
    result = fcd_ks(a, b)
    assert result.dims == ("seed",)
    expected = [scipy.stats.ks_2samp(row, b.values).statistic for row in a.values]
    np.testing.assert_allclose(result.values, expected)
    assert result.values[0] == 1.0  # disjoint distributions


def test_fcd_ks_errors():
    with pytest.raises(ValueError, match="fcd_b must be an FCD matrix"):
        fcd_ks(xr.DataArray([0.1], dims="pair"), xr.DataArray([0.1], dims="window"))
    with pytest.raises(TypeError, match="fcd_a must be an xarray DataArray"):
        fcd_ks(np.zeros(3), xr.DataArray([0.1], dims="pair"))
