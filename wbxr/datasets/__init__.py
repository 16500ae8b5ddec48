"""Small example datasets shipped with wbxr.

Each dataset is a netCDF3 file inside this package, registered below with a one-line
description.  :func:`load_dataset` reads it fully into memory, closes the file and
checks it with :func:`wbxr.connectome.validate_connectome`.

Examples
--------
>>> from wbxr.datasets import list_datasets, load_dataset
>>> "example_connectome" in list_datasets()
True
>>> conn = load_dataset("example_connectome")
>>> conn["weights"].dims, conn.attrs["n_regions"]
(('target', 'source'), 8)
"""

from __future__ import annotations

from importlib import resources

import xarray as xr

from wbxr.connectome import validate_connectome

__all__ = ["list_datasets", "load_dataset"]

# name -> (file name inside this package, one-line description)
_REGISTRY: dict[str, tuple[str, str]] = {
    "example_connectome": (
        "example_connectome.nc",
        "8-region toy connectome on a ring of radius 40 mm (weights, distances, centres)",
    ),
}


def list_datasets() -> dict[str, str]:
    """Return the bundled datasets as ``{name: one-line description}``.

    Examples
    --------
    >>> for name, description in list_datasets().items():
    ...     print(name)
    example_connectome
    """
    return {name: description for name, (_, description) in _REGISTRY.items()}


def load_dataset(name: str) -> xr.Dataset:
    """Load a bundled dataset into memory.

    Every call reads the file again, so the returned Dataset can be modified freely
    without affecting later loads.

    Parameters
    ----------
    name
        One of the names returned by :func:`list_datasets`.

    Returns
    -------
    xarray.Dataset
        The validated connectome, with region labels as ``str``.

    Raises
    ------
    ValueError
        If ``name`` is not a bundled dataset.

    Examples
    --------
    >>> conn = load_dataset("example_connectome")
    >>> [str(label) for label in conn["target"].values]
    ['R0', 'R1', 'R2', 'R3', 'R4', 'R5', 'R6', 'R7']
    >>> conn["distances"].attrs["units"]
    'mm'
    """
    if not isinstance(name, str) or name not in _REGISTRY:
        raise ValueError(
            f"unknown dataset name={name!r}, expected one of {sorted(_REGISTRY)}"
        )
    file_name, _ = _REGISTRY[name]
    resource = resources.files(__name__) / file_name
    with resources.as_file(resource) as path, xr.open_dataset(path, engine="scipy") as stored:
        in_memory = stored.load()
    return validate_connectome(in_memory, name=name)
