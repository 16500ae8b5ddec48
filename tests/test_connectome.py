"""Tests for wbxr.connectome: layout, unit conversion and input validation."""

from __future__ import annotations

import io
import re

import brainunit as u
import numpy as np
import pytest
import xarray as xr
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from wbxr.connectome import connectome, validate_connectome

W3 = np.array([[0.0, 0.5, -0.25], [0.2, 0.0, 1.5], [0.0, 3.0, 0.0]])
D3 = np.array([[0.0, 10.0, 20.0], [10.0, 0.0, 15.0], [20.0, 15.0, 0.0]])
CENTRES3 = np.array([[0.0, 0.0, 0.0], [10.0, 0.0, 0.0], [0.0, 20.0, 5.0]])


def make_conn(**kwargs) -> xr.Dataset:
    kwargs.setdefault("distances", D3)
    kwargs.setdefault("labels", ["A", "B", "C"])
    return connectome(W3, **kwargs)


# --------------------------------------------------------------------------- layout


def test_layout_dims_coords_and_dtypes():
    conn = make_conn(centres=CENTRES3, name="toy", description="three regions")
    assert conn["weights"].dims == ("target", "source")
    assert conn["distances"].dims == ("target", "source")
    assert conn["centres"].dims == ("region", "axis")
    assert conn["weights"].dtype == np.float64
    assert conn["distances"].dtype == np.float64
    assert conn["centres"].dtype == np.float64
    assert conn["target"].values.tolist() == ["A", "B", "C"]
    assert conn["source"].values.tolist() == ["A", "B", "C"]
    assert conn["region"].values.tolist() == ["A", "B", "C"]
    assert conn["axis"].values.tolist() == ["x", "y", "z"]
    np.testing.assert_array_equal(conn["weights"].values, W3)
    np.testing.assert_array_equal(conn["distances"].values, D3)
    np.testing.assert_array_equal(conn["centres"].values, CENTRES3)
    # W[i, j] is the connection j -> i: target B receives 1.5 from source C.
    assert conn["weights"].sel(target="B", source="C").item() == 1.5
    assert conn["weights"].sel(target="C", source="B").item() == 3.0


def test_attrs():
    conn = make_conn(centres=CENTRES3, name="toy", description="three regions")
    assert conn["weights"].attrs == {"long_name": "coupling weight", "units": "1"}
    assert conn["distances"].attrs == {"long_name": "tract length", "units": "mm"}
    assert conn["centres"].attrs == {"long_name": "region centre", "units": "mm"}
    assert conn.attrs == {"name": "toy", "description": "three regions", "n_regions": 3}
    assert type(conn.attrs["n_regions"]) is int


def test_defaults_without_optional_inputs():
    conn = connectome([[1, 2], [3, 4]])
    assert set(conn.data_vars) == {"weights"}
    assert conn["target"].values.tolist() == ["R0", "R1"]
    assert conn["weights"].dtype == np.float64
    assert conn.attrs == {"name": "connectome", "description": "", "n_regions": 2}


def test_single_region():
    conn = connectome([[0.5]], distances=[[0.0]])
    assert conn.sizes == {"target": 1, "source": 1}
    assert conn["weights"].item() == 0.5


def test_labels_converted_to_str():
    conn = connectome(np.zeros((3, 3)), labels=[1, 2, 3])
    assert conn["target"].values.tolist() == ["1", "2", "3"]
    assert isinstance(conn["target"].values[0], str)


def test_labels_taken_from_dataarray():
    weights = xr.DataArray(W3, dims=("to", "from"), coords={"to": ["V1", "V2", "M1"]})
    conn = connectome(weights)
    assert conn["target"].values.tolist() == ["V1", "V2", "M1"]
    assert conn["source"].values.tolist() == ["V1", "V2", "M1"]
    np.testing.assert_array_equal(conn["weights"].values, W3)


def test_explicit_labels_win_over_dataarray_coords():
    weights = xr.DataArray(W3, dims=("to", "from"), coords={"to": ["V1", "V2", "M1"]})
    assert connectome(weights, labels=["a", "b", "c"])["target"].values.tolist() == ["a", "b", "c"]


def test_dataarray_distances_accepted():
    distances = xr.DataArray(D3, dims=("target", "source"))
    np.testing.assert_array_equal(connectome(W3, distances)["distances"].values, D3)


@pytest.mark.parametrize(
    ("unit", "factor"), [(u.mm, 1.0), (u.cm, 10.0), (u.meter, 1000.0)]
)
def test_distance_quantities_converted_to_mm(unit, factor):
    conn = connectome(W3, distances=D3 * unit)
    np.testing.assert_allclose(conn["distances"].values, D3 * factor, rtol=1e-12)
    assert conn["distances"].attrs["units"] == "mm"


def test_centres_quantity_converted_to_mm():
    conn = connectome(W3, centres=CENTRES3 * u.cm)
    np.testing.assert_allclose(conn["centres"].values, CENTRES3 * 10.0, rtol=1e-12)


def test_distances_with_wrong_dimension_rejected():
    with pytest.raises(ValueError, match=r"(?s)^distances=.*has units of ms, expected a quantity convertible to mm"):
        connectome(W3, distances=D3 * u.ms)


def test_netcdf_round_trip_is_identical(tmp_path):
    conn = make_conn(centres=CENTRES3, name="toy", description="three regions")
    path = tmp_path / "conn.nc"
    conn.to_netcdf(path, engine="scipy")
    with xr.open_dataset(path, engine="scipy") as stored:
        reloaded = validate_connectome(stored.load())
    xr.testing.assert_identical(reloaded, conn)
    assert reloaded["target"].values.dtype.kind == "U"


# ----------------------------------------------------------- connectome() errors


@pytest.mark.parametrize(
    "weights",
    [
        [["a", "b"], ["c", "d"]],
        np.array([[1 + 1j, 0], [0, 0]]),
        np.array([[None, 1.0], [1.0, 0.0]], dtype=object),
        np.ones((2, 2), dtype=bool),
        np.ones((2, 2)) * u.mV,
    ],
    ids=["str", "complex", "object", "bool", "quantity"],
)
def test_non_numeric_weights_raise_type_error(weights):
    with pytest.raises(TypeError, match=r"^weights must"):
        connectome(weights)


def test_non_square_weights():
    with pytest.raises(
        ValueError, match=r"weights must be a square \(N, N\) matrix, got shape \(3, 4\)"
    ):
        connectome(np.zeros((3, 4)))


@pytest.mark.parametrize("shape", [(3,), (2, 2, 2), ()])
def test_weights_not_2d(shape):
    with pytest.raises(ValueError, match=rf"weights must be a square .*got shape {re.escape(str(shape))}"):
        connectome(np.zeros(shape))


def test_empty_weights():
    with pytest.raises(ValueError, match=r"weights must have at least one region, got shape \(0, 0\)"):
        connectome(np.zeros((0, 0)))


def test_ragged_weights():
    with pytest.raises(ValueError, match=r"weights must be a rectangular array"):
        connectome([[1.0, 2.0], [3.0]])


def test_non_finite_weights_report_count_and_first_index():
    weights = np.zeros((3, 3))
    weights[1, 2] = np.nan
    weights[2, 0] = np.inf
    with pytest.raises(
        ValueError,
        match=r"weights must be finite, found 2 NaN/Inf entries \(first at index \(1, 2\): nan\)",
    ):
        connectome(weights)


def test_negative_weights_allowed():
    conn = connectome([[0.0, -1.0], [-2.5, 0.0]])
    assert conn["weights"].values.min() == -2.5


def test_distances_shape_mismatch():
    with pytest.raises(
        ValueError, match=r"distances must have the same shape as weights \(3, 3\), got shape \(2, 2\)"
    ):
        connectome(W3, distances=np.zeros((2, 2)))


def test_distances_non_finite():
    distances = D3.copy()
    distances[0, 2] = np.inf
    with pytest.raises(ValueError, match=r"distances must be finite, found 1 NaN/Inf .*\(0, 2\)"):
        connectome(W3, distances=distances)


def test_negative_distances_report_most_negative_value_and_index():
    distances = D3.copy()
    distances[0, 1] = -1.0
    distances[2, 1] = -7.5
    with pytest.raises(
        ValueError, match=r"distances must be non-negative.*-7\.5 mm at index \(2, 1\)"
    ):
        connectome(W3, distances=distances)


def test_non_numeric_distances():
    with pytest.raises(TypeError, match=r"^distances"):
        connectome(W3, distances=[["a"] * 3] * 3)


def test_labels_wrong_length():
    with pytest.raises(ValueError, match=r"labels must have one label per region: got 2 labels, expected 3"):
        connectome(W3, labels=["A", "B"])


def test_labels_duplicates_reported():
    with pytest.raises(ValueError, match=r"labels must be unique, got duplicates \['A'\]"):
        connectome(W3, labels=["A", "B", "A"])


def test_labels_duplicates_after_str_conversion():
    with pytest.raises(ValueError, match=r"labels must be unique, got duplicates \['1'\]"):
        connectome(W3, labels=[1, "1", 2])


def test_labels_single_string_rejected():
    with pytest.raises(ValueError, match=r"labels must be a 1-D sequence of 3 region names"):
        connectome(W3, labels="ABC")


def test_centres_wrong_shape():
    with pytest.raises(ValueError, match=r"centres must have shape \(N, 3\) = \(3, 3\).*got shape \(3, 2\)"):
        connectome(W3, centres=np.zeros((3, 2)))


def test_centres_non_finite():
    centres = CENTRES3.copy()
    centres[1, 1] = np.nan
    with pytest.raises(ValueError, match=r"centres must be finite, found 1 NaN/Inf .*\(1, 1\)"):
        connectome(W3, centres=centres)


@pytest.mark.parametrize("argument", ["name", "description"])
def test_name_and_description_must_be_str(argument):
    with pytest.raises(TypeError, match=rf"{argument} must be a str, got 3"):
        connectome(W3, **{argument: 3})


def test_weights_checked_before_other_arguments():
    # A bad weight matrix is reported even when everything else is bad too.
    with pytest.raises(ValueError, match=r"^weights must be a square"):
        connectome(np.zeros((3, 4)), distances=-np.ones((2, 2)), labels=["A", "A"])


# --------------------------------------------------------- validate_connectome()


def test_validate_returns_normalised_copy_of_hand_built_dataset():
    hand_made = xr.Dataset(
        {
            "weights": (("target", "source"), W3.astype(np.float32)),
            "distances": (("target", "source"), D3.astype(np.int64)),
            "extra": ("target", np.arange(3)),
        },
        coords={"target": ["A", "B", "C"], "source": ["A", "B", "C"]},
        attrs={"name": "hand", "origin": "test"},
    )
    conn = validate_connectome(hand_made)
    assert conn["weights"].dtype == np.float64
    assert conn["distances"].dtype == np.float64
    np.testing.assert_array_equal(conn["weights"].values, W3.astype(np.float32).astype(np.float64))
    np.testing.assert_array_equal(conn["distances"].values, D3)
    assert conn["distances"].attrs["units"] == "mm"
    assert conn["weights"].attrs["long_name"] == "coupling weight"
    assert conn["extra"].values.tolist() == [0, 1, 2]
    assert conn.attrs == {"name": "hand", "description": "", "origin": "test", "n_regions": 3}
    # the input is left untouched
    assert hand_made["weights"].dtype == np.float32
    assert hand_made.attrs == {"name": "hand", "origin": "test"}


def test_validate_accepts_its_own_output_unchanged():
    conn = make_conn(centres=CENTRES3, name="toy")
    xr.testing.assert_identical(validate_connectome(conn), conn)


def test_validate_decodes_byte_labels():
    conn = make_conn().assign_coords(
        target=np.array([b"A", b"B", b"C"]), source=np.array([b"A", b"B", b"C"])
    )
    assert validate_connectome(conn)["target"].values.tolist() == ["A", "B", "C"]


@pytest.mark.parametrize("not_a_dataset", [W3, xr.DataArray(W3), None])
def test_validate_requires_dataset(not_a_dataset):
    with pytest.raises(TypeError, match=r"conn must be an xarray.Dataset, got"):
        validate_connectome(not_a_dataset)


def test_validate_requires_weights():
    with pytest.raises(ValueError, match=r"conn must have a 'weights' data variable, found data variables \['distances'\]"):
        validate_connectome(make_conn().drop_vars("weights"))


def test_validate_uses_given_name():
    with pytest.raises(ValueError, match=r"^my_conn\['weights'\] must have dims"):
        validate_connectome(make_conn().rename(target="to"), name="my_conn")


def test_validate_wrong_dims_order():
    conn = make_conn()
    conn["weights"] = conn["weights"].transpose("source", "target")
    with pytest.raises(
        ValueError, match=r"conn\['weights'\] must have dims \('target', 'source'\), got \('source', 'target'\)"
    ):
        validate_connectome(conn)


def test_validate_missing_label_coordinate():
    conn = make_conn().drop_vars("source")
    with pytest.raises(ValueError, match=r"conn\['weights'\] must have a 'source' coordinate"):
        validate_connectome(conn)


def test_validate_target_source_labels_differ():
    conn = make_conn().assign_coords(source=["A", "C", "B"])
    with pytest.raises(ValueError, match=r"conn\['target'\] and conn\['source'\] must hold the same region labels.*\['A', 'C', 'B'\]"):
        validate_connectome(conn)


def test_validate_non_square_weights():
    conn = xr.Dataset(
        {"weights": (("target", "source"), np.zeros((3, 4)))},
        coords={"target": list("ABC"), "source": list("ABCD")},
    )
    with pytest.raises(ValueError, match=r"conn\['weights'\] must be a square \(N, N\) matrix, got shape \(3, 4\)"):
        validate_connectome(conn)


def test_validate_non_finite_weights():
    conn = make_conn()
    conn["weights"][0, 0] = np.nan
    with pytest.raises(ValueError, match=r"conn\['weights'\] must be finite, found 1 NaN/Inf"):
        validate_connectome(conn)


def test_validate_non_numeric_weights():
    conn = make_conn()
    conn["weights"] = conn["weights"].astype(str)
    with pytest.raises(TypeError, match=r"conn\['weights'\] must hold real numbers"):
        validate_connectome(conn)


def test_validate_duplicate_labels():
    conn = make_conn().assign_coords(target=["A", "A", "B"], source=["A", "A", "B"])
    with pytest.raises(ValueError, match=r"conn\['target'\] must be unique, got duplicates \['A'\]"):
        validate_connectome(conn)


def test_validate_distances_in_other_units_rejected():
    conn = make_conn()
    conn["distances"].attrs["units"] = "cm"
    with pytest.raises(ValueError, match=r"conn\['distances'\] must be in mm, got attrs\['units'\]='cm'"):
        validate_connectome(conn)


def test_validate_distances_without_units_attr_taken_as_mm():
    conn = make_conn()
    conn["distances"].attrs = {}
    validated = validate_connectome(conn)
    np.testing.assert_array_equal(validated["distances"].values, D3)
    assert validated["distances"].attrs["units"] == "mm"


def test_validate_distances_wrong_dims():
    conn = make_conn()
    conn["distances"] = conn["distances"].transpose("source", "target")
    with pytest.raises(ValueError, match=r"conn\['distances'\] must have dims \('target', 'source'\)"):
        validate_connectome(conn)


def test_validate_negative_distances():
    conn = make_conn()
    conn["distances"][1, 0] = -2.0
    with pytest.raises(ValueError, match=r"conn\['distances'\] must be non-negative.*-2\.0 mm at index \(1, 0\)"):
        validate_connectome(conn)


def test_validate_centres_units_and_labels():
    conn = make_conn(centres=CENTRES3)
    in_cm = conn.copy(deep=True)
    in_cm["centres"].attrs["units"] = "cm"
    with pytest.raises(ValueError, match=r"conn\['centres'\] must be in mm, got attrs\['units'\]='cm'"):
        validate_connectome(in_cm)
    relabelled = conn.assign_coords(region=["C", "B", "A"])
    with pytest.raises(ValueError, match=r"conn\['region'\] must be \['A', 'B', 'C'\], got \['C', 'B', 'A'\]"):
        validate_connectome(relabelled)


def test_validate_n_regions_attr_must_match():
    conn = make_conn()
    conn.attrs["n_regions"] = 5
    with pytest.raises(ValueError, match=r"conn.attrs\['n_regions'\]=5 does not match the 3 regions"):
        validate_connectome(conn)


# ------------------------------------------------------------ property-based


def finite_floats(**kwargs):
    return st.floats(allow_nan=False, allow_infinity=False, width=64, **kwargs)


@st.composite
def square_connections(draw):
    n = draw(st.integers(min_value=1, max_value=6))
    weights = draw(hnp.arrays(np.float64, (n, n), elements=finite_floats()))
    distances = draw(hnp.arrays(np.float64, (n, n), elements=finite_floats(min_value=0.0)))
    return weights, distances


@settings(max_examples=50, deadline=None)
@given(square_connections())
def test_any_finite_square_matrix_round_trips_exactly(connection):
    weights, distances = connection
    conn = connectome(weights, distances)
    np.testing.assert_array_equal(conn["weights"].values, weights)
    np.testing.assert_array_equal(conn["distances"].values, distances)
    assert conn.attrs["n_regions"] == weights.shape[0]
    xr.testing.assert_identical(validate_connectome(conn), conn)
    netcdf_bytes = conn.to_netcdf(engine="scipy")
    with xr.open_dataset(io.BytesIO(netcdf_bytes), engine="scipy") as stored:
        reloaded = validate_connectome(stored.load())
    xr.testing.assert_identical(reloaded, conn)


@st.composite
def matrices_with_one_non_finite_entry(draw):
    n = draw(st.integers(min_value=1, max_value=6))
    matrix = draw(hnp.arrays(np.float64, (n, n), elements=finite_floats()))
    row = draw(st.integers(0, n - 1))
    column = draw(st.integers(0, n - 1))
    matrix[row, column] = draw(st.sampled_from([np.nan, np.inf, -np.inf]))
    return matrix, (row, column)


@settings(max_examples=50, deadline=None)
@given(matrices_with_one_non_finite_entry())
def test_any_non_finite_weight_rejected(case):
    weights, index = case
    with pytest.raises(ValueError, match=rf"weights must be finite, found 1 NaN/Inf entries \(first at index \({index[0]}, {index[1]}\)"):
        connectome(weights)


@settings(max_examples=50, deadline=None)
@given(matrices_with_one_non_finite_entry())
def test_any_non_finite_distance_rejected(case):
    distances, index = case
    distances = np.abs(distances)
    n = distances.shape[0]
    with pytest.raises(ValueError, match=rf"distances must be finite, found 1 NaN/Inf entries \(first at index \({index[0]}, {index[1]}\)"):
        connectome(np.zeros((n, n)), distances)


@settings(max_examples=50, deadline=None)
@given(
    hnp.array_shapes(min_dims=1, max_dims=3, min_side=0, max_side=5).filter(
        lambda shape: len(shape) != 2 or shape[0] != shape[1]
    )
)
def test_any_non_square_shape_rejected(shape):
    with pytest.raises(ValueError, match=r"weights must be a square \(N, N\) matrix, got shape"):
        connectome(np.zeros(shape))


@st.composite
def distances_with_one_negative_entry(draw):
    n = draw(st.integers(min_value=1, max_value=6))
    distances = draw(hnp.arrays(np.float64, (n, n), elements=finite_floats(min_value=0.0, max_value=1e6)))
    row = draw(st.integers(0, n - 1))
    column = draw(st.integers(0, n - 1))
    distances[row, column] = draw(finite_floats(max_value=-1e-300))
    return distances, (row, column)


@settings(max_examples=50, deadline=None)
@given(distances_with_one_negative_entry())
def test_any_negative_distance_rejected(case):
    distances, index = case
    n = distances.shape[0]
    with pytest.raises(ValueError, match=rf"distances must be non-negative.* at index \({index[0]}, {index[1]}\)"):
        connectome(np.zeros((n, n)), distances)
