"""Tests for wbxr.io: reading and writing connectomes."""

from __future__ import annotations

import zipfile

import numpy as np
import pytest
import scipy.io
import xarray as xr
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import wbxr.io as wio
from wbxr.connectome import connectome
from wbxr.io import read_connectome, save_connectome

RNG = np.random.default_rng(0)
N = 4
W = RNG.random((N, N))
D = RNG.random((N, N)) * 100
LABELS = ["lh_V1", "lh_M1", "rh_V1", "rh_M1"]
CENTRES = RNG.normal(size=(N, 3)) * 40


def _labels(ds):
    return [str(x) for x in ds["target"].values]


def _matrix_text(matrix, sep=",", labels=None, corner=True):
    lines = []
    if labels is not None:
        lines.append(sep.join((["label"] if corner else []) + labels))
    for i, row in enumerate(matrix):
        cells = [f"{v:.17g}" for v in row]
        if labels is not None and corner:
            cells = [labels[i]] + cells
        lines.append(sep.join(cells))
    return "\n".join(lines) + "\n"


def _tvb_files():
    files = {
        "weights.txt": _matrix_text(W, sep=" "),
        "tract_lengths.txt": _matrix_text(D, sep=" "),
        "centres.txt": "".join(
            f"{lab} {x:.17g} {y:.17g} {z:.17g}\n"
            for lab, (x, y, z) in zip(LABELS, CENTRES)
        ),
        "hemispheres.txt": "0\n0\n1\n1\n",
        "cortical.txt": "1\n1\n1\n0\n",
        "areas.txt": "1.5\n2.5\n3.5\n4.5\n",
    }
    return files


def _check_full(ds, distances=True, labels=True):
    np.testing.assert_array_equal(ds["weights"].values, W)
    if distances:
        np.testing.assert_array_equal(ds["distances"].values, D)
    if labels:
        assert _labels(ds) == LABELS


# ------------------------------------------------------------------------------ TVB


def test_tvb_zip(tmp_path):
    path = tmp_path / "conn76.zip"
    with zipfile.ZipFile(path, "w") as archive:
        for name, text in _tvb_files().items():
            archive.writestr(f"connectivity/{name}", text)
    ds = read_connectome(path)
    _check_full(ds)
    np.testing.assert_array_equal(ds["centres"].values, CENTRES)
    assert ds["hemispheres"].values.tolist() == [False, False, True, True]
    assert ds["cortical"].values.tolist() == [True, True, True, False]
    assert ds["areas"].values.tolist() == [1.5, 2.5, 3.5, 4.5]
    assert ds.attrs["source"] == str(path) and ds.attrs["format"] == "tvb"
    assert ds.attrs["name"] == "conn76"


def test_tvb_folder_and_transpose(tmp_path):
    folder = tmp_path / "tvb"
    folder.mkdir()
    for name in ("weights.txt", "tract_lengths.txt", "centres.txt"):
        (folder / name).write_text(_tvb_files()[name])
    ds = read_connectome(folder)
    _check_full(ds)
    assert "hemispheres" not in ds
    ds_t = read_connectome(folder, transpose=True)
    np.testing.assert_array_equal(ds_t["weights"].values, W.T)
    np.testing.assert_array_equal(ds_t["distances"].values, D.T)


def test_tvb_errors(tmp_path):
    path = tmp_path / "nothing.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("readme.txt", "hi")
    with pytest.raises(ValueError, match="no weights.txt"):
        read_connectome(path)
    path = tmp_path / "mismatch.zip"
    files = _tvb_files()
    files["centres.txt"] = "A 0 0 0\nB 1 1 1\n"
    with zipfile.ZipFile(path, "w") as archive:
        for name, text in files.items():
            archive.writestr(name, text)
    with pytest.raises(ValueError, match="label count mismatch"):
        read_connectome(path)
    bad = tmp_path / "bad.zip"
    bad.write_text("not a zip")
    with pytest.raises(ValueError, match="not a readable zip"):
        read_connectome(bad)


# ------------------------------------------------------------------------------ MAT


def test_mat_default_and_explicit_keys(tmp_path):
    path = tmp_path / "sc.mat"
    scipy.io.savemat(
        path, {"SC": W, "Dmat": D, "labels": np.array(LABELS, dtype=object)}
    )
    ds = read_connectome(path)
    _check_full(ds)
    assert ds.attrs["format"] == "mat"
    path2 = tmp_path / "custom.mat"
    scipy.io.savemat(
        path2, {"mine": W, "len": D, "names": np.array(["a", "b", "c", "d"])}
    )
    ds2 = read_connectome(path2, weights_key="mine", distances_key="len")
    _check_full(ds2, labels=False)
    assert _labels(ds2) == ["a", "b", "c", "d"]


def test_mat_errors(tmp_path):
    path = tmp_path / "x.mat"
    scipy.io.savemat(path, {"foo": W, "bar": D})
    with pytest.raises(ValueError, match=r"variables found: \['bar', 'foo'\]"):
        read_connectome(path)
    with pytest.raises(ValueError, match="no variable 'nope'"):
        read_connectome(path, weights_key="nope")
    path = tmp_path / "rect.mat"
    scipy.io.savemat(path, {"SC": np.ones((2, 3))})
    with pytest.raises(ValueError, match="square"):
        read_connectome(path)
    path = tmp_path / "cell.mat"
    scipy.io.savemat(path, {"SC": np.array([[W, W], [W, W]], dtype=object)[:, :, 0, 0]})
    with pytest.raises((TypeError, ValueError)):
        read_connectome(path)
    path = tmp_path / "corrupt.mat"
    path.write_bytes(b"garbage" * 20)
    with pytest.raises(ValueError, match="corrupt.mat"):
        read_connectome(path)


# ------------------------------------------------------------------------------ CSV


@pytest.mark.parametrize("corner", [True, False])
def test_csv_with_header(tmp_path, corner):
    path = tmp_path / "w.csv"
    path.write_text(_matrix_text(W, labels=LABELS, corner=corner))
    ds = read_connectome(path)
    _check_full(ds, distances=False)
    assert ds.attrs["format"] == "csv" and ds.attrs["source"] == str(path)


def test_csv_without_header_and_distances_file(tmp_path):
    (tmp_path / "w.csv").write_text(_matrix_text(W))
    (tmp_path / "d.csv").write_text(_matrix_text(D))
    ds = read_connectome(tmp_path / "w.csv", distances=tmp_path / "d.csv")
    _check_full(ds, labels=False)
    assert _labels(ds) == ["R0", "R1", "R2", "R3"]
    ds2 = read_connectome(tmp_path / "w.csv", distances=D)
    np.testing.assert_array_equal(ds2["distances"].values, D)


def test_tsv_and_txt(tmp_path):
    (tmp_path / "w.tsv").write_text(_matrix_text(W, sep="\t", labels=LABELS))
    _check_full(read_connectome(tmp_path / "w.tsv"), distances=False)
    (tmp_path / "w.txt").write_text(_matrix_text(W, sep="  "))
    np.testing.assert_array_equal(
        read_connectome(tmp_path / "w.txt")["weights"].values, W
    )
    (tmp_path / "w.weird").write_text(_matrix_text(W))
    np.testing.assert_array_equal(
        read_connectome(tmp_path / "w.weird", format="csv")["weights"].values, W
    )


@pytest.mark.parametrize(
    ("text", "match"),
    [
        ("0,1\n1\n", "ragged rows"),
        ("0,1\n1,abc\n", "non-numeric cell 'abc' at row 2, column 2"),
        ("0,1,2\n1,0,2\n", "square"),
        ("0,nan\n1,0\n", "NaN"),
        ("a,b,c,d\n0,1\n1,0\n", "label count mismatch"),
        ("a,b\nx,0,1\ny,1,0\n", "differ from the index column"),
        ("a,a\n0,1\n1,0\n", "unique"),
        ("", "empty"),
        ("a,b\n", "no data rows"),
    ],
)
def test_csv_errors(tmp_path, text, match):
    path = tmp_path / "bad.csv"
    path.write_text(text)
    with pytest.raises(ValueError, match=match) as info:
        read_connectome(path)
    assert "bad.csv" in str(info.value)


def test_negative_distances_and_conflicts(tmp_path):
    (tmp_path / "w.csv").write_text(_matrix_text(W))
    (tmp_path / "d.csv").write_text(_matrix_text(-D))
    with pytest.raises(ValueError, match="non-negative"):
        read_connectome(tmp_path / "w.csv", distances=tmp_path / "d.csv")
    (tmp_path / "d2.csv").write_text(_matrix_text(D, labels=["a", "b", "c", "d"]))
    (tmp_path / "w2.csv").write_text(_matrix_text(W, labels=LABELS))
    with pytest.raises(ValueError, match="differ from the weight labels"):
        read_connectome(tmp_path / "w2.csv", distances=tmp_path / "d2.csv")
    np.savez(tmp_path / "c.npz", weights=W, distances=D)
    with pytest.raises(ValueError, match="already holds distances"):
        read_connectome(tmp_path / "c.npz", distances=D)


# ------------------------------------------------------------------------------ NPZ


def test_npz(tmp_path):
    path = tmp_path / "c.npz"
    np.savez(path, weights=W, distances=D, labels=np.array(LABELS), centres=CENTRES)
    ds = read_connectome(path)
    _check_full(ds)
    np.testing.assert_array_equal(ds["centres"].values, CENTRES)
    assert ds.attrs["format"] == "npz"


def test_npz_errors(tmp_path):
    path = tmp_path / "obj.npz"
    np.savez(path, weights=np.array([[1, None], [None, 1]], dtype=object))
    with pytest.raises(TypeError, match="Python objects"):
        read_connectome(path)
    path = tmp_path / "now.npz"
    np.savez(path, other=W)
    with pytest.raises(
        ValueError, match=r"no 'weights' array; arrays found: \['other'\]"
    ):
        read_connectome(path)
    path = tmp_path / "rect.npz"
    np.savez(path, weights=np.ones((2, 3)))
    with pytest.raises(ValueError, match="square"):
        read_connectome(path)
    path = tmp_path / "labels.npz"
    np.savez(path, weights=W, labels=np.array(["a", "b"]))
    with pytest.raises(ValueError, match="one label per region"):
        read_connectome(path)


# --------------------------------------------------------------------------- netCDF


def test_netcdf_round_trip(tmp_path):
    conn = connectome(
        W, distances=D, labels=LABELS, centres=CENTRES, name="toy", description="a toy"
    )
    path = save_connectome(conn, tmp_path / "toy.nc")
    back = read_connectome(path)
    xr.testing.assert_identical(back.drop_attrs(), conn.drop_attrs())
    assert back.attrs["name"] == "toy" and back.attrs["description"] == "a toy"
    assert back.attrs["source"] == str(path) and back.attrs["format"] == "netcdf"
    assert back.attrs["saved_with"].startswith("wbxr ")
    # a second save/read keeps everything, and remembers the earlier source
    again = read_connectome(save_connectome(back, tmp_path / "again.nc"))
    xr.testing.assert_identical(again.drop_attrs(), conn.drop_attrs())
    assert again.attrs["original_source"] == str(path)


def test_netcdf_round_trip_tvb_extras(tmp_path):
    path = tmp_path / "c.zip"
    with zipfile.ZipFile(path, "w") as archive:
        for name, text in _tvb_files().items():
            archive.writestr(name, text)
    conn = read_connectome(path)
    back = read_connectome(save_connectome(conn, tmp_path / "c.nc"))
    xr.testing.assert_identical(back.drop_attrs(), conn.drop_attrs())
    assert back.attrs["original_format"] == "tvb"


# ---------------------------------------------------------------------- misc errors


def test_unknown_format_and_missing(tmp_path):
    (tmp_path / "x.xyz").write_text("1")
    with pytest.raises(ValueError, match="cannot tell the format"):
        read_connectome(tmp_path / "x.xyz")
    with pytest.raises(ValueError, match="unknown format"):
        read_connectome(tmp_path / "x.xyz", format="excel")
    with pytest.raises(FileNotFoundError):
        read_connectome(tmp_path / "missing.csv")


def test_size_limit(tmp_path, monkeypatch):
    path = tmp_path / "w.csv"
    path.write_text(_matrix_text(W))
    monkeypatch.setattr(wio, "MAX_FILE_BYTES", 10)
    with pytest.raises(ValueError, match="larger than the 10-byte limit"):
        read_connectome(path)


# ----------------------------------------------------------------------- properties

square = st.integers(1, 6).flatmap(
    lambda n: hnp.arrays(
        np.float64,
        (n, n),
        elements=st.floats(
            0, 1e300, allow_nan=False, allow_infinity=False, allow_subnormal=True
        ),
    )
)


@settings(
    max_examples=50,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(matrix=square)
def test_property_round_trip(tmp_path, matrix):
    matrix = matrix + 0.0  # normalise -0.0
    csv_path = tmp_path / "m.csv"
    csv_path.write_text(_matrix_text(matrix))
    np.testing.assert_array_equal(read_connectome(csv_path)["weights"].values, matrix)
    npz_path = tmp_path / "m.npz"
    np.savez(npz_path, weights=matrix, distances=matrix)
    ds = read_connectome(npz_path)
    assert np.array_equal(ds["weights"].values, matrix)
    assert np.array_equal(ds["distances"].values, matrix)


@settings(
    max_examples=200,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(
    text=st.text(alphabet=st.characters(), max_size=200)
    | st.text(",\n 0123456789.e-abNn", max_size=60)
)
def test_property_garbage_csv_only_value_error(tmp_path, text):
    path = tmp_path / "g.csv"
    path.write_bytes(text.encode("utf-8", "surrogatepass"))
    try:
        ds = read_connectome(path)
    except ValueError:
        return
    assert ds["weights"].ndim == 2
