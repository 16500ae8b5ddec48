"""Structural connectomes as :class:`xarray.Dataset` objects.

A connectome is a Dataset with this layout (the rest of wbxr relies on it):

``weights``
    float64, dims ``("target", "source")``.  ``weights[i, j]`` is the weight of the
    connection from region ``j`` to region ``i``, so the input to region ``i`` is
    ``sum_j weights[i, j] * x[j]``.  Negative (inhibitory) weights are allowed.
``distances`` (optional)
    float64 tract lengths in millimetres, dims ``("target", "source")``.
``centres`` (optional)
    float64 region centres in millimetres, dims ``("region", "axis")`` with
    ``axis = ["x", "y", "z"]``.
coordinates ``target``, ``source`` (and ``region``)
    The region labels, as strings.
attributes
    ``name``, ``description`` and ``n_regions``.

Build one with :func:`connectome` and check a Dataset built by hand or read from disk
with :func:`validate_connectome`.
"""

from __future__ import annotations

from typing import Any

import brainunit as u
import numpy as np
import xarray as xr

from wbxr._units import DISTANCE_UNIT, DISTANCE_UNIT_NAME, to_magnitude

__all__ = ["connectome", "validate_connectome"]

CONNECTION_DIMS = ("target", "source")
CENTRE_DIMS = ("region", "axis")
AXES = ("x", "y", "z")

WEIGHTS_ATTRS = {"long_name": "coupling weight", "units": "1"}
DISTANCES_ATTRS = {"long_name": "tract length", "units": DISTANCE_UNIT_NAME}
CENTRES_ATTRS = {"long_name": "region centre", "units": DISTANCE_UNIT_NAME}


def connectome(
    weights: Any,
    distances: Any = None,
    labels: Any = None,
    *,
    centres: Any = None,
    name: str = "connectome",
    description: str = "",
) -> xr.Dataset:
    """Build a connectome Dataset from a weight matrix and optional tract lengths.

    All inputs are checked before anything is built; see the module docstring for
    the layout of the result.

    Parameters
    ----------
    weights
        Square ``(N, N)`` matrix of real, finite coupling weights (array, nested list
        or :class:`xarray.DataArray`).  ``weights[i, j]`` is the connection ``j -> i``.
    distances
        Optional ``(N, N)`` matrix of finite, non-negative tract lengths: a brainunit
        quantity (``D * u.mm``, ``D * u.cm`` ...) or a bare array taken to be in mm.
    labels
        ``N`` unique region names, converted to ``str``.  Defaults to the labels of
        the first dimension of ``weights`` when it is a DataArray with a coordinate
        there, otherwise to ``R0``, ``R1``, ...
    centres
        Optional ``(N, 3)`` region centres (x, y, z): a brainunit quantity or a bare
        array taken to be in mm.
    name, description
        Stored in the Dataset attributes.

    Returns
    -------
    xarray.Dataset
        The connectome.

    Raises
    ------
    TypeError
        If an input is not real-valued numeric data, or ``name``/``description`` are
        not strings.
    ValueError
        If a shape is wrong, a value is NaN/Inf, a distance is negative, or the
        labels have the wrong length or are not unique.

    Examples
    --------
    >>> import numpy as np
    >>> import brainunit as u
    >>> W = np.array([[0.0, 0.5], [0.2, 0.0]])
    >>> conn = connectome(W, distances=np.array([[0, 3], [3, 0]]) * u.cm, labels=["V1", "M1"])
    >>> conn["weights"].dims
    ('target', 'source')
    >>> [str(label) for label in conn["source"].values]
    ['V1', 'M1']
    >>> conn["distances"].attrs["units"], conn["distances"].values.tolist()
    ('mm', [[0.0, 30.0], [30.0, 0.0]])
    >>> conn.attrs["n_regions"]
    2
    """
    if labels is None and isinstance(weights, xr.DataArray):
        first_dim = weights.dims[0] if weights.dims else None
        if first_dim is not None and first_dim in weights.coords:
            labels = weights.coords[first_dim].values

    weights_values = _check_weights(weights, "weights")
    n_regions = weights_values.shape[0]
    distances_values = None
    if distances is not None:
        distances_values = _check_distances(distances, "distances", n_regions)
    if labels is None:
        label_values = np.array([f"R{index}" for index in range(n_regions)])
    else:
        label_values = _check_labels(labels, "labels", n_regions)
    centres_values = None
    if centres is not None:
        centres_values = _check_centres(centres, "centres", n_regions)
    for attr_name, attr_value in (("name", name), ("description", description)):
        if not isinstance(attr_value, str):
            raise TypeError(f"{attr_name} must be a str, got {attr_value!r}")

    return _build(
        weights_values,
        distances_values,
        label_values,
        centres_values,
        attrs={"name": name, "description": description},
    )


def validate_connectome(conn: xr.Dataset, name: str = "conn") -> xr.Dataset:
    """Check that ``conn`` follows the connectome layout and return a normalised copy.

    Use this on a connectome built by hand or read from disk.  The copy has float64
    values, labels as ``str``, the standard ``long_name``/``units`` attributes and an
    ``n_regions`` attribute; other variables and attributes are kept.

    Parameters
    ----------
    conn
        The Dataset to check.
    name
        How ``conn`` is called in error messages.

    Returns
    -------
    xarray.Dataset
        A normalised copy of ``conn``; ``conn`` itself is not modified.

    Raises
    ------
    TypeError
        If ``conn`` is not a Dataset or holds non-numeric values.
    ValueError
        If a variable is missing, has the wrong dims, shape or units, the
        ``target``/``source`` labels differ, or a value is invalid (see
        :func:`connectome`).

    Examples
    --------
    >>> import numpy as np
    >>> import xarray as xr
    >>> labels = ["A", "B", "C"]
    >>> hand_made = xr.Dataset(
    ...     {"weights": (("target", "source"), np.eye(3, dtype="float32"))},
    ...     coords={"target": labels, "source": labels},
    ... )
    >>> conn = validate_connectome(hand_made)
    >>> conn["weights"].dtype, conn.attrs["n_regions"]
    (dtype('float64'), 3)
    >>> validate_connectome(hand_made.rename(source="from"))
    Traceback (most recent call last):
    ...
    ValueError: conn['weights'] must have dims ('target', 'source'), got ('target', 'from')
    """
    if not isinstance(conn, xr.Dataset):
        raise TypeError(f"{name} must be an xarray.Dataset, got {type(conn).__name__}")
    if "weights" not in conn.data_vars:
        raise ValueError(
            f"{name} must have a 'weights' data variable, "
            f"found data variables {sorted(map(str, conn.data_vars))}"
        )

    weights_name = f"{name}['weights']"
    _check_dims(conn["weights"], weights_name, CONNECTION_DIMS)
    for dim in CONNECTION_DIMS:
        if dim not in conn.coords:
            raise ValueError(
                f"{weights_name} must have a {dim!r} coordinate holding the region labels"
            )
    weights_values = _check_weights(conn["weights"].values, weights_name)
    n_regions = weights_values.shape[0]
    label_values = _check_labels(conn["target"].values, f"{name}['target']", n_regions)
    source_labels = _label_strings(conn["source"].values)
    if source_labels.tolist() != label_values.tolist():
        raise ValueError(
            f"{name}['target'] and {name}['source'] must hold the same region labels in "
            f"the same order, got target={label_values.tolist()} and "
            f"source={source_labels.tolist()}"
        )

    normalised = conn.assign_coords(target=label_values, source=label_values)
    normalised["weights"] = (
        CONNECTION_DIMS,
        weights_values,
        conn["weights"].attrs | WEIGHTS_ATTRS,
    )

    if "distances" in conn.data_vars:
        distances_name = f"{name}['distances']"
        _check_dims(conn["distances"], distances_name, CONNECTION_DIMS)
        _check_units_attr(conn["distances"], distances_name)
        distances_values = _check_distances(conn["distances"].values, distances_name, n_regions)
        normalised["distances"] = (
            CONNECTION_DIMS,
            distances_values,
            conn["distances"].attrs | DISTANCES_ATTRS,
        )

    if "centres" in conn.data_vars:
        centres_name = f"{name}['centres']"
        _check_dims(conn["centres"], centres_name, CENTRE_DIMS)
        _check_units_attr(conn["centres"], centres_name)
        centres_values = _check_centres(conn["centres"].values, centres_name, n_regions)
        for coord, expected in (("region", label_values.tolist()), ("axis", list(AXES))):
            if coord in conn.coords and _label_strings(conn[coord].values).tolist() != expected:
                raise ValueError(
                    f"{name}[{coord!r}] must be {expected}, "
                    f"got {_label_strings(conn[coord].values).tolist()}"
                )
        normalised = normalised.assign_coords(region=label_values, axis=list(AXES))
        normalised["centres"] = (
            CENTRE_DIMS,
            centres_values,
            conn["centres"].attrs | CENTRES_ATTRS,
        )

    recorded_n_regions = conn.attrs.get("n_regions", n_regions)
    if np.ndim(recorded_n_regions) != 0 or recorded_n_regions != n_regions:
        raise ValueError(
            f"{name}.attrs['n_regions']={recorded_n_regions!r} does not match the "
            f"{n_regions} regions in {weights_name}"
        )
    normalised.attrs = {"name": "connectome", "description": ""} | conn.attrs
    normalised.attrs["n_regions"] = n_regions
    return normalised


def _build(
    weights: np.ndarray,
    distances: np.ndarray | None,
    labels: np.ndarray,
    centres: np.ndarray | None,
    attrs: dict[str, Any],
) -> xr.Dataset:
    """Assemble the Dataset from already-checked arrays."""
    data_vars = {"weights": (CONNECTION_DIMS, weights, dict(WEIGHTS_ATTRS))}
    coords: dict[str, Any] = {"target": labels, "source": labels}
    if distances is not None:
        data_vars["distances"] = (CONNECTION_DIMS, distances, dict(DISTANCES_ATTRS))
    if centres is not None:
        data_vars["centres"] = (CENTRE_DIMS, centres, dict(CENTRES_ATTRS))
        coords["region"] = labels
        coords["axis"] = list(AXES)
    dataset_attrs = dict(attrs)
    dataset_attrs["n_regions"] = int(weights.shape[0])
    return xr.Dataset(data_vars, coords=coords, attrs=dataset_attrs)


def _check_units_attr(variable: xr.DataArray, name: str) -> None:
    """Refuse a length variable whose ``units`` attribute is not mm (do not guess)."""
    units = variable.attrs.get("units", DISTANCE_UNIT_NAME)
    if units != DISTANCE_UNIT_NAME:
        raise ValueError(
            f"{name} must be in {DISTANCE_UNIT_NAME}, got attrs['units']={units!r}; "
            f"convert the values to {DISTANCE_UNIT_NAME} and set units={DISTANCE_UNIT_NAME!r}"
        )


def _check_dims(variable: xr.DataArray, name: str, expected: tuple[str, ...]) -> None:
    if tuple(variable.dims) != expected:
        raise ValueError(f"{name} must have dims {expected}, got {tuple(variable.dims)}")


def _real_array(value: Any, name: str) -> np.ndarray:
    """``value`` as a float64 array; TypeError unless it holds real numbers."""
    if isinstance(value, xr.DataArray):
        value = value.values
    if isinstance(value, u.Quantity):
        if not value.is_unitless:
            raise TypeError(
                f"{name} must be dimensionless numbers, got a quantity in {u.get_unit(value)}"
            )
        value = u.get_mantissa(value)
    try:
        array = np.asarray(value)
    except ValueError as exc:  # ragged nested lists
        raise ValueError(f"{name} must be a rectangular array of numbers: {exc}") from exc
    is_real_number = (
        array.dtype != object
        and np.issubdtype(array.dtype, np.number)
        and not np.issubdtype(array.dtype, np.complexfloating)
    )
    if not is_real_number:
        raise TypeError(f"{name} must hold real numbers, got an array of dtype {array.dtype}")
    return array.astype(np.float64)


def _check_finite(values: np.ndarray, name: str) -> None:
    bad = ~np.isfinite(values)
    if bad.any():
        first_index = tuple(int(i) for i in np.argwhere(bad)[0])
        raise ValueError(
            f"{name} must be finite, found {int(bad.sum())} NaN/Inf entries "
            f"(first at index {first_index}: {values[first_index]})"
        )


def _check_weights(weights: Any, name: str) -> np.ndarray:
    values = _real_array(weights, name)
    if values.ndim != 2 or values.shape[0] != values.shape[1]:
        raise ValueError(f"{name} must be a square (N, N) matrix, got shape {values.shape}")
    if values.shape[0] < 1:
        raise ValueError(f"{name} must have at least one region, got shape {values.shape}")
    _check_finite(values, name)
    return values


def _check_distances(distances: Any, name: str, n_regions: int) -> np.ndarray:
    if isinstance(distances, xr.DataArray):
        distances = distances.values
    values = to_magnitude(distances, DISTANCE_UNIT, name, DISTANCE_UNIT_NAME).astype(np.float64)
    expected_shape = (n_regions, n_regions)
    if values.shape != expected_shape:
        raise ValueError(
            f"{name} must have the same shape as weights {expected_shape}, got shape {values.shape}"
        )
    _check_finite(values, name)
    if (values < 0).any():
        most_negative_index = tuple(int(i) for i in np.unravel_index(values.argmin(), values.shape))
        raise ValueError(
            f"{name} must be non-negative tract lengths, got {values[most_negative_index]} "
            f"{DISTANCE_UNIT_NAME} at index {most_negative_index} (the most negative value)"
        )
    return values


def _check_centres(centres: Any, name: str, n_regions: int) -> np.ndarray:
    if isinstance(centres, xr.DataArray):
        centres = centres.values
    values = to_magnitude(centres, DISTANCE_UNIT, name, DISTANCE_UNIT_NAME).astype(np.float64)
    if values.shape != (n_regions, len(AXES)):
        raise ValueError(
            f"{name} must have shape (N, 3) = ({n_regions}, 3) (x, y, z per region), "
            f"got shape {values.shape}"
        )
    _check_finite(values, name)
    return values


def _label_strings(labels: Any) -> np.ndarray:
    """Labels as a 1-D numpy str array (bytes are decoded as UTF-8)."""
    array = np.asarray(labels)
    if array.ndim != 1:
        raise ValueError(
            f"labels must be a 1-D sequence of region names, got {labels!r} "
            f"with shape {array.shape}"
        )
    return np.array(
        [label.decode("utf-8") if isinstance(label, bytes) else str(label) for label in array],
        dtype=str,
    )


def _check_labels(labels: Any, name: str, n_regions: int) -> np.ndarray:
    array = np.asarray(labels)
    if array.ndim != 1:
        raise ValueError(
            f"{name} must be a 1-D sequence of {n_regions} region names, got {labels!r}"
        )
    strings = _label_strings(array)
    if len(strings) != n_regions:
        raise ValueError(
            f"{name} must have one label per region: got {len(strings)} labels, "
            f"expected {n_regions}"
        )
    unique, counts = np.unique(strings, return_counts=True)
    duplicates = unique[counts > 1].tolist()
    if duplicates:
        raise ValueError(f"{name} must be unique, got duplicates {duplicates}")
    return strings
