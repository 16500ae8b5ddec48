"""Read and write structural connectomes.

:func:`read_connectome` turns a file on disk into a connectome Dataset (see
:mod:`wbxr.connectome` for the layout) and :func:`save_connectome` writes one as
netCDF.  Supported formats (chosen from the suffix unless ``format=`` is given):

``"tvb"``  (a ``.zip`` file or a folder)
    The Virtual Brain connectivity: ``weights.txt``, optional ``tract_lengths.txt``
    (mm), ``centres.txt`` (lines ``label x y z``), ``hemispheres.txt``,
    ``cortical.txt`` and ``areas.txt`` (one value per region).  TVB computes the
    coupling of region ``i`` as ``sum_j weights[i, j] * x[j]`` (rows are targets,
    columns sources), the same convention as wbxr, so the matrices are used as they
    are; pass ``transpose=True`` for files stored ``[source, target]``.
``"mat"``  (``.mat``)
    MATLAB file read with :func:`scipy.io.loadmat`; the matrices are found by name.
``"csv"``, ``"tsv"``, ``"txt"``  (``.csv``, ``.tsv``/``.tab``, ``.txt``/``.dat``)
    A delimited matrix (comma, tab or whitespace), optionally with a header row
    and/or an index column of region labels.
``"npz"``  (``.npz``)
    NumPy archive with arrays ``weights`` and optional ``distances``/``labels``/
    ``centres``.
``"netcdf"``  (``.nc``, ``.nc4``, ``.cdf``, ``.netcdf``)
    A connectome written by :func:`save_connectome`.

Files are never unpickled, files over :data:`MAX_FILE_BYTES` are refused before
reading, and matrix shapes are checked before arrays are built.  Every result is
checked by :func:`wbxr.connectome.validate_connectome` and carries the provenance
attributes ``source`` (the path read) and ``format``.
"""

from __future__ import annotations

import csv
import io as _stdio
import os
import zipfile
from pathlib import Path
from typing import Any

import numpy as np
import xarray as xr

from wbxr.connectome import connectome, validate_connectome

__all__ = ["MAX_FILE_BYTES", "read_connectome", "save_connectome"]

#: Largest file (or uncompressed archive member) that will be read, in bytes.
MAX_FILE_BYTES = 1_000_000_000

FORMATS = ("tvb", "mat", "csv", "tsv", "txt", "npz", "netcdf")
_SUFFIX_FORMATS = {
    ".zip": "tvb",
    ".mat": "mat",
    ".csv": "csv",
    ".tsv": "tsv",
    ".tab": "tsv",
    ".txt": "txt",
    ".dat": "txt",
    ".npz": "npz",
    ".nc": "netcdf",
    ".nc4": "netcdf",
    ".cdf": "netcdf",
    ".netcdf": "netcdf",
}
_DELIMITERS = {"csv": ",", "tsv": "\t", "txt": None}

MAT_WEIGHTS_KEYS = ("weights", "SC", "W", "Cnorm", "C", "connectivity", "sc")
MAT_DISTANCES_KEYS = (
    "distances",
    "tract_lengths",
    "lengths",
    "Dmat",
    "D",
    "fiber_lengths",
)
MAT_LABELS_KEYS = ("labels", "region_labels", "names", "region_names", "roi_names")


def read_connectome(
    path: str | os.PathLike,
    *,
    format: str | None = None,
    name: str | None = None,
    distances: Any = None,
    transpose: bool = False,
    header: bool | None = None,
    index_col: bool | None = None,
    weights_key: str | None = None,
    distances_key: str | None = None,
    labels_key: str | None = None,
) -> xr.Dataset:
    """Read a connectome from a file.

    Parameters
    ----------
    path
        The file (or, for TVB, a folder) to read.
    format
        One of ``"tvb"``, ``"mat"``, ``"csv"``, ``"tsv"``, ``"txt"``, ``"npz"``,
        ``"netcdf"``; by default chosen from the suffix (a folder is ``"tvb"``).
    name
        ``attrs["name"]`` of the result; defaults to the stored name (netCDF) or the
        file name without suffix.
    distances
        Tract lengths in mm from another source: the path of a delimited matrix file
        (csv/tsv/txt, header and index column detected as for ``path``) or an array.
        Refused when ``path`` already holds distances.
    transpose
        Transpose the weights and distances after reading, for files stored as
        ``[source, target]`` (wbxr and TVB use ``[target, source]``).
    header, index_col
        Delimited files only: whether the first row / first column holds region
        labels.  ``None`` (default) detects it: a row or column with a non-numeric
        cell is taken to hold labels.
    weights_key, distances_key, labels_key
        ``.mat`` files only: the variable names to use.  By default the first of
        :data:`MAT_WEIGHTS_KEYS`, :data:`MAT_DISTANCES_KEYS` and
        :data:`MAT_LABELS_KEYS` present in the file is used (distances and labels are
        optional).

    Returns
    -------
    xarray.Dataset
        The validated connectome with ``attrs["source"]`` (the path) and
        ``attrs["format"]``.

    Raises
    ------
    FileNotFoundError
        If ``path`` does not exist.
    ValueError
        If the format is unknown, the file is larger than :data:`MAX_FILE_BYTES`,
        malformed (ragged rows, non-numeric cells, non-square matrix, NaN, negative
        distances, label count mismatch ...) or lacks the weights.
    TypeError
        If a stored array is not numeric (or not text, for labels).

    Examples
    --------
    >>> import tempfile, pathlib
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (folder / "w.csv").write_text("label,V1,M1\\nV1,0,0.5\\nM1,0.2,0\\n")
    >>> _ = (folder / "d.csv").write_text("0,30\\n30,0\\n")
    >>> conn = read_connectome(folder / "w.csv", distances=folder / "d.csv")
    >>> [str(label) for label in conn["target"].values], conn["weights"].values.tolist()
    (['V1', 'M1'], [[0.0, 0.5], [0.2, 0.0]])
    >>> conn["distances"].values.tolist(), conn.attrs["format"], conn.attrs["name"]
    ([[0.0, 30.0], [30.0, 0.0]], 'csv', 'w')
    >>> _ = (folder / "bad.csv").write_text("0,1\\n1\\n")
    >>> read_connectome(folder / "bad.csv")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    ValueError: ...bad.csv': ragged rows: row 2 has 1 cells, expected 2
    """
    path = Path(path)
    if not path.exists():
        raise FileNotFoundError(f"no such file or folder: {str(path)!r}")
    fmt = _resolve_format(path, format)
    if fmt != "tvb" or not path.is_dir():
        _check_size(path)
    if name is not None and not isinstance(name, str):
        raise TypeError(f"name must be a str, got {name!r}")
    if fmt == "tvb":
        parts = _read_tvb(path)
    elif fmt == "mat":
        parts = _read_mat(path, weights_key, distances_key, labels_key)
    elif fmt in _DELIMITERS:
        weights, labels = _read_delimited(path, _DELIMITERS[fmt], header, index_col)
        parts = {"weights": weights, "labels": labels}
    elif fmt == "npz":
        parts = _read_npz(path)
    else:
        parts = _read_netcdf(path)

    if distances is not None:
        if parts.get("distances") is not None:
            raise ValueError(
                f"{str(path)!r} already holds distances; do not pass distances= as well"
            )
        if isinstance(distances, (str, os.PathLike)):
            parts["distances"] = _read_distances_file(
                Path(distances), parts.get("labels")
            )
        else:
            parts["distances"] = distances
    if transpose:
        for key in ("weights", "distances"):
            if parts.get(key) is not None:
                parts[key] = np.asarray(parts[key]).T

    stored_attrs = parts.pop("attrs", {})
    extra = parts.pop("extra", {})
    if name is None:
        name = str(stored_attrs.get("name", path.stem if path.suffix else path.name))
    description = str(stored_attrs.get("description", ""))
    try:
        conn = connectome(
            parts["weights"],
            distances=parts.get("distances"),
            labels=parts.get("labels"),
            centres=parts.get("centres"),
            name=name,
            description=description,
        )
    except (ValueError, TypeError) as exc:
        raise type(exc)(f"{str(path)!r}: {exc}") from exc
    labels = conn["target"].values
    for var_name, values in extra.items():
        values = np.asarray(values)
        if values.shape != (len(labels),):
            raise ValueError(
                f"{str(path)!r}: {var_name} must have one value per region "
                f"({len(labels)}), got shape {values.shape}"
            )
        conn[var_name] = ("region", values)
    if extra:
        conn = conn.assign_coords(region=labels)
    attrs = {k: v for k, v in stored_attrs.items() if k not in ("name", "description")}
    conn.attrs.update(attrs)
    if fmt == "netcdf" and "source" in stored_attrs and "original_source" not in attrs:
        conn.attrs["original_source"] = stored_attrs["source"]
        conn.attrs["original_format"] = stored_attrs.get("format", "")
    conn.attrs["source"] = str(path)
    conn.attrs["format"] = fmt
    return validate_connectome(conn, name=str(path))


def save_connectome(conn: xr.Dataset, path: str | os.PathLike) -> Path:
    """Write a connectome to a netCDF3 file (``engine="scipy"``, no netCDF4 needed).

    The connectome is validated first.  Its attributes are kept and
    ``saved_with`` (the wbxr version) is added, so reading the file back with
    :func:`read_connectome` gives the same variables, coordinates and attributes,
    apart from ``source``/``format`` (set to the netCDF file; an earlier ``source``
    and ``format`` are kept as ``original_source``/``original_format``).

    Parameters
    ----------
    conn
        The connectome.
    path
        The file to write (overwritten if it exists).

    Returns
    -------
    pathlib.Path
        ``path``.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> import numpy as np
    >>> from wbxr.connectome import connectome
    >>> conn = connectome(np.array([[0.0, 1.0], [0.5, 0.0]]), labels=["A", "B"], name="toy")
    >>> path = save_connectome(conn, pathlib.Path(tempfile.mkdtemp()) / "toy.nc")
    >>> back = read_connectome(path)
    >>> back["weights"].equals(conn["weights"]), back.attrs["name"], back.attrs["format"]
    (True, 'toy', 'netcdf')
    """
    from wbxr import __version__

    path = Path(path)
    checked = validate_connectome(conn)
    checked.attrs = {
        k: v
        for k, v in checked.attrs.items()
        if v is not None and not isinstance(v, dict)
    }
    checked.attrs["saved_with"] = f"wbxr {__version__}"
    for var in checked.variables.values():
        if var.dtype == bool:
            var.attrs.pop("dtype", None)
    checked.to_netcdf(path, engine="scipy")
    return path


# ----------------------------------------------------------------------------- helpers


def _resolve_format(path: Path, format: str | None) -> str:
    if format is not None:
        if format not in FORMATS:
            raise ValueError(
                f"unknown format={format!r}, expected one of {list(FORMATS)}"
            )
        return format
    if path.is_dir():
        return "tvb"
    suffix = path.suffix.lower()
    if suffix not in _SUFFIX_FORMATS:
        raise ValueError(
            f"cannot tell the format of {str(path)!r} from its suffix {suffix!r}; pass "
            f"format= one of {list(FORMATS)} (known suffixes: {sorted(_SUFFIX_FORMATS)})"
        )
    return _SUFFIX_FORMATS[suffix]


def _check_size(path: Path, size: int | None = None, what: str | None = None) -> None:
    size = path.stat().st_size if size is None else size
    if size > MAX_FILE_BYTES:
        raise ValueError(
            f"{what or repr(str(path))} is {size} bytes, larger than the "
            f"{MAX_FILE_BYTES}-byte limit (wbxr.io.MAX_FILE_BYTES); refusing to read it"
        )


def _decode(data: bytes, where: str) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ValueError(f"{where}: not UTF-8 text ({exc})") from exc


def _is_number(cell: str) -> bool:
    try:
        float(cell)
    except ValueError:
        return False
    return True


def _split_rows(text: str, delimiter: str | None, where: str) -> list[list[str]]:
    if "\x00" in text:
        raise ValueError(f"{where}: contains NUL characters, not a text matrix")
    if delimiter is None:
        rows = [line.split() for line in text.splitlines()]
    else:
        try:
            rows = list(
                csv.reader(_stdio.StringIO(text, newline=""), delimiter=delimiter)
            )
        except csv.Error as exc:
            raise ValueError(
                f"{where}: malformed {delimiter!r}-delimited text: {exc}"
            ) from exc
        rows = [[cell.strip() for cell in row] for row in rows]
    return [row for row in rows if any(cell != "" for cell in row)]


def _parse_matrix(
    text: str,
    delimiter: str | None,
    where: str,
    header: bool | None,
    index_col: bool | None,
) -> tuple[np.ndarray, list[str] | None]:
    """Parse a delimited square matrix with optional label row/column."""
    rows = _split_rows(text, delimiter, where)
    if not rows:
        raise ValueError(f"{where}: no data (the file is empty)")
    if header is None:
        header = any(cell != "" and not _is_number(cell) for cell in rows[0])
    header_row = rows[0] if header else None
    data_rows = rows[1:] if header else rows
    if not data_rows:
        raise ValueError(f"{where}: no data rows after the header row")
    if index_col is None:
        index_col = any(row and not _is_number(row[0]) for row in data_rows)
    n_cells = len(data_rows[0])
    for number, row in enumerate(data_rows, start=2 if header else 1):
        if len(row) != n_cells:
            raise ValueError(
                f"{where}: ragged rows: row {number} has {len(row)} cells, expected {n_cells}"
            )
    n_cols = n_cells - (1 if index_col else 0)
    if n_cols != len(data_rows):
        raise ValueError(
            f"{where}: the matrix must be square, got {len(data_rows)} rows and "
            f"{n_cols} columns"
        )
    row_labels = [row[0] for row in data_rows] if index_col else None
    col_labels = None
    if header_row is not None:
        cells = header_row
        if len(cells) == n_cols + 1:
            cells = cells[1:]  # corner cell above the index column
        if len(cells) != n_cols:
            raise ValueError(
                f"{where}: label count mismatch: the header row has {len(header_row)} "
                f"labels for a {n_cols} x {n_cols} matrix"
            )
        col_labels = cells
    if row_labels is not None and col_labels is not None and row_labels != col_labels:
        raise ValueError(
            f"{where}: the header row labels {col_labels} differ from the index column "
            f"labels {row_labels}"
        )
    values = np.empty((n_cols, n_cols), dtype=np.float64)
    start = 1 if index_col else 0
    first_row = 2 if header else 1
    for i, row in enumerate(data_rows):
        for j, cell in enumerate(row[start:]):
            try:
                values[i, j] = float(cell)
            except ValueError:
                raise ValueError(
                    f"{where}: non-numeric cell {cell!r} at row {i + first_row}, "
                    f"column {j + start + 1}"
                ) from None
    return values, col_labels if col_labels is not None else row_labels


def _read_delimited(
    path: Path, delimiter: str | None, header: bool | None, index_col: bool | None
) -> tuple[np.ndarray, list[str] | None]:
    where = repr(str(path))
    return _parse_matrix(
        _decode(path.read_bytes(), where), delimiter, where, header, index_col
    )


def _read_distances_file(path: Path, labels: Any) -> np.ndarray:
    if not path.exists():
        raise FileNotFoundError(f"no such distances file: {str(path)!r}")
    _check_size(path)
    fmt = _resolve_format(path, None)
    if fmt not in _DELIMITERS:
        raise ValueError(
            f"distances file {str(path)!r} must be csv, tsv or txt, got format {fmt!r}"
        )
    values, dist_labels = _read_delimited(path, _DELIMITERS[fmt], None, None)
    if (
        dist_labels is not None
        and labels is not None
        and list(dist_labels) != list(labels)
    ):
        raise ValueError(
            f"{str(path)!r}: distance labels {list(dist_labels)} differ from the weight "
            f"labels {list(labels)}"
        )
    return values


# --------------------------------------------------------------------------------- TVB

_TVB_FILES = ("weights", "tract_lengths", "centres", "hemispheres", "cortical", "areas")


def _read_tvb(path: Path) -> dict[str, Any]:
    where = repr(str(path))
    texts: dict[str, str] = {}
    if path.is_dir():
        for stem in _TVB_FILES:
            member = path / f"{stem}.txt"
            if member.is_file():
                _check_size(member)
                texts[stem] = _decode(member.read_bytes(), repr(str(member)))
    else:
        try:
            archive = zipfile.ZipFile(path)
        except (zipfile.BadZipFile, OSError) as exc:
            raise ValueError(f"{where}: not a readable zip file ({exc})") from exc
        with archive:
            found: dict[str, zipfile.ZipInfo] = {}
            for info in archive.infolist():
                base = info.filename.rsplit("/", 1)[-1]
                stem = base[:-4] if base.endswith(".txt") else None
                if stem in _TVB_FILES and not info.is_dir():
                    if stem in found:
                        raise ValueError(
                            f"{where}: more than one {base} in the archive "
                            f"({found[stem].filename}, {info.filename})"
                        )
                    found[stem] = info
            total = 0
            for stem, info in found.items():
                total += info.file_size
                _check_size(path, total, f"{where} (uncompressed {info.filename})")
            for stem, info in found.items():
                texts[stem] = _decode(archive.read(info), f"{where}:{info.filename}")
    if "weights" not in texts:
        raise ValueError(f"{where}: no weights.txt found in the TVB connectivity")
    weights, _ = _parse_matrix(
        texts["weights"], None, f"{where}:weights.txt", False, False
    )
    parts: dict[str, Any] = {"weights": weights, "extra": {}}
    n = weights.shape[0]
    if "tract_lengths" in texts:
        parts["distances"], _ = _parse_matrix(
            texts["tract_lengths"], None, f"{where}:tract_lengths.txt", False, False
        )
    if "centres" in texts:
        rows = _split_rows(texts["centres"], None, f"{where}:centres.txt")
        labels, centres = [], []
        for number, row in enumerate(rows, start=1):
            if len(row) != 4:
                raise ValueError(
                    f"{where}:centres.txt: row {number} must be 'label x y z', got {row}"
                )
            labels.append(row[0])
            try:
                centres.append([float(cell) for cell in row[1:]])
            except ValueError:
                raise ValueError(
                    f"{where}:centres.txt: non-numeric coordinate in row {number}: {row}"
                ) from None
        if len(labels) != n:
            raise ValueError(
                f"{where}: label count mismatch: centres.txt has {len(labels)} regions, "
                f"weights.txt has {n}"
            )
        parts["labels"] = labels
        parts["centres"] = np.array(centres, dtype=np.float64)
    for stem, kind in (("hemispheres", bool), ("cortical", bool), ("areas", float)):
        if stem in texts:
            parts["extra"][stem] = _parse_vector(
                texts[stem], f"{where}:{stem}.txt", kind, n
            )
    return parts


def _parse_vector(text: str, where: str, kind: type, n: int) -> np.ndarray:
    cells = text.split()
    if len(cells) != n:
        raise ValueError(
            f"{where}: expected {n} values (one per region), got {len(cells)}"
        )
    out = []
    for cell in cells:
        if kind is bool and cell.lower() in ("true", "false"):
            out.append(cell.lower() == "true")
            continue
        try:
            value = float(cell)
        except ValueError:
            raise ValueError(f"{where}: non-numeric value {cell!r}") from None
        if kind is bool and value not in (0.0, 1.0):
            raise ValueError(f"{where}: expected 0/1 flags, got {cell!r}")
        out.append(bool(value) if kind is bool else value)
    values = np.array(out, dtype=kind)
    if kind is float and not np.isfinite(values).all():
        raise ValueError(f"{where}: values must be finite")
    return values


# --------------------------------------------------------------------------------- MAT


def _read_mat(
    path: Path,
    weights_key: str | None,
    distances_key: str | None,
    labels_key: str | None,
) -> dict[str, Any]:
    import scipy.io

    where = repr(str(path))
    try:
        listing = {
            entry[0]: (tuple(entry[1]), entry[2]) for entry in scipy.io.whosmat(path)
        }
    except Exception as exc:  # scipy raises several types for corrupt files
        raise ValueError(f"{where}: not a readable MATLAB file ({exc})") from exc

    def pick(
        explicit: str | None, defaults: tuple[str, ...], required: bool, what: str
    ):
        if explicit is not None:
            if explicit not in listing:
                raise ValueError(
                    f"{where}: no variable {explicit!r} for the {what}; "
                    f"variables found: {sorted(listing)}"
                )
            return explicit
        for key in defaults:
            if key in listing:
                return key
        if required:
            raise ValueError(
                f"{where}: none of the {what} names {list(defaults)} found; variables "
                f"found: {sorted(listing)} (pass {what}_key=)"
            )
        return None

    keys = {
        "weights": pick(weights_key, MAT_WEIGHTS_KEYS, True, "weights"),
        "distances": pick(distances_key, MAT_DISTANCES_KEYS, False, "distances"),
        "labels": pick(labels_key, MAT_LABELS_KEYS, False, "labels"),
    }
    for role in ("weights", "distances"):
        key = keys[role]
        if key is None:
            continue
        shape, cls = listing[key]
        if len(shape) != 2 or shape[0] != shape[1]:
            raise ValueError(
                f"{where}: {role} {key!r} must be a square matrix, got shape {shape}"
            )
        if cls in ("cell", "struct", "object", "char", "sparse", "function_handle"):
            raise TypeError(
                f"{where}: {role} {key!r} must be a numeric matrix, got MATLAB {cls}"
            )
    wanted = [key for key in keys.values() if key is not None]
    data = scipy.io.loadmat(path, variable_names=wanted)
    parts: dict[str, Any] = {}
    for role in ("weights", "distances"):
        key = keys[role]
        if key is not None:
            array = np.asarray(data[key])
            if array.dtype.hasobject or not np.issubdtype(array.dtype, np.number):
                raise TypeError(
                    f"{where}: {role} {key!r} must be numeric, got dtype {array.dtype}"
                )
            parts[role] = array
    if keys["labels"] is not None:
        parts["labels"] = _mat_labels(
            data[keys["labels"]], f"{where}: labels {keys['labels']!r}"
        )
    return parts


def _mat_labels(raw: Any, where: str) -> list[str]:
    array = np.asarray(raw)
    if array.dtype.kind == "U":
        if array.ndim == 0:
            return [str(array)]
        return [str(item).rstrip() for item in array.reshape(-1)]
    if array.dtype == object:  # a cell array: accept only plain strings inside
        labels = []
        for item in array.reshape(-1):
            item = np.asarray(item)
            if item.dtype.kind != "U" or item.size > 1:
                raise TypeError(
                    f"{where} must be strings, found an element of dtype {item.dtype}"
                )
            labels.append(str(item.reshape(-1)[0]).rstrip() if item.size else "")
        return labels
    raise TypeError(
        f"{where} must be a char matrix or cell array of strings, got {array.dtype}"
    )


# --------------------------------------------------------------------------------- NPZ


def _read_npz(path: Path) -> dict[str, Any]:
    where = repr(str(path))
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as exc:
        raise ValueError(f"{where}: not a readable .npz file ({exc})") from exc
    with archive:
        total = 0
        for info in archive.infolist():
            total += info.file_size
            _check_size(path, total, f"{where} (uncompressed {info.filename})")
            if not info.filename.endswith(".npy"):
                continue
            key = info.filename[:-4]
            try:
                with archive.open(info) as handle:
                    version = np.lib.format.read_magic(handle)
                    if version == (1, 0):
                        shape, _, dtype = np.lib.format.read_array_header_1_0(handle)
                    else:
                        shape, _, dtype = np.lib.format.read_array_header_2_0(handle)
            except Exception as exc:
                raise ValueError(
                    f"{where}: array {key!r} has a corrupt header ({exc})"
                ) from exc
            if dtype.hasobject:
                raise TypeError(
                    f"{where}: array {key!r} holds Python objects; refusing to load it"
                )
            if key in ("weights", "distances") and (
                len(shape) != 2 or shape[0] != shape[1]
            ):
                raise ValueError(
                    f"{where}: {key} must be a square matrix, got shape {shape}"
                )
    try:
        with np.load(path, allow_pickle=False) as npz:
            if "weights" not in npz.files:
                raise ValueError(
                    f"{where}: no 'weights' array; arrays found: {sorted(npz.files)}"
                )
            parts = {
                key: npz[key]
                for key in ("weights", "distances", "labels", "centres")
                if key in npz.files
            }
    except (zipfile.BadZipFile, OSError) as exc:
        raise ValueError(f"{where}: not a readable .npz file ({exc})") from exc
    for key in ("weights", "distances", "centres"):
        if key in parts and not np.issubdtype(parts[key].dtype, np.number):
            raise TypeError(
                f"{where}: {key} must be numeric, got dtype {parts[key].dtype}"
            )
    return parts


# ------------------------------------------------------------------------------ netCDF


def _read_netcdf(path: Path) -> dict[str, Any]:
    where = repr(str(path))
    try:
        with xr.open_dataset(path) as stored:
            ds = stored.load()
    except (OSError, ValueError, TypeError) as exc:
        raise ValueError(f"{where}: not a readable netCDF file ({exc})") from exc
    ds = validate_connectome(ds, name=str(path))
    parts: dict[str, Any] = {
        "weights": ds["weights"].values,
        "labels": ds["target"].values,
    }
    if "distances" in ds:
        parts["distances"] = ds["distances"].values
    if "centres" in ds:
        parts["centres"] = ds["centres"].values
    extra = {}
    for var_name, var in ds.data_vars.items():
        if var_name in ("weights", "distances", "centres"):
            continue
        if var.dims != ("region",):
            raise ValueError(
                f"{where}: unsupported extra variable {var_name!r} with dims {var.dims}"
            )
        extra[str(var_name)] = var.values
    parts["extra"] = extra
    parts["attrs"] = dict(ds.attrs)
    parts["attrs"].pop("n_regions", None)
    return parts
