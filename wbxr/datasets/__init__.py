"""Connectomes and empirical data that need no download.

Two kinds of dataset are registered below, each with a description, its size and its
licence (see :func:`list_datasets`):

``example_connectome``
    An 8-region toy connectome stored in this package as netCDF3 (BSD-3-Clause, made by
    ``scripts/make_example_connectome.py``).
``dk84``
    A real human connectome: the Desikan-Killiany 84-region group average (weights,
    tract lengths, region centres in MNI space) with the group-average empirical
    resting-state BOLD FC of the same regions (:func:`load_empirical_fc`).  Its files
    are read at run time from the installed ``tvboptim`` package (EUPL-1.2), which wbxr
    does not copy; install it with ``pip install 'wbxr[data]'``.

:func:`load_dataset` builds a fresh, validated connectome Dataset (see
:func:`wbxr.connectome.validate_connectome`) on every call.

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

from collections.abc import Callable
from dataclasses import dataclass
from importlib import resources

import xarray as xr

from wbxr.connectome import validate_connectome
from wbxr.datasets import _dk84

__all__ = ["list_datasets", "load_dataset", "load_empirical_fc"]


def _load_example_connectome() -> xr.Dataset:
    resource = resources.files(__name__) / "example_connectome.nc"
    with resources.as_file(resource) as path, xr.open_dataset(path, engine="scipy") as stored:
        return stored.load()


@dataclass(frozen=True)
class _Entry:
    """A registered dataset: how to build it and what to tell about it."""

    load: Callable[[], xr.Dataset]
    description: str
    size: str
    licence: str
    load_fc: Callable[[], xr.DataArray] | None = None


_REGISTRY: dict[str, _Entry] = {
    "example_connectome": _Entry(
        load=_load_example_connectome,
        description="8-region toy connectome on a ring of radius 40 mm (weights, distances, centres)",
        size="8 regions, 2.5 kB netCDF file inside wbxr",
        licence="BSD-3-Clause (same as wbxr)",
    ),
    "dk84": _Entry(
        load=_dk84.load_connectome,
        description=_dk84.DESCRIPTION,
        size="84 regions; 0.55 MB of files read from the installed tvboptim package (pip install 'wbxr[data]')",
        licence=_dk84.LICENCE,
        load_fc=_dk84.load_fc,
    ),
}


def list_datasets() -> dict[str, str]:
    """Return the registered datasets as ``{name: "description (size; licence)"}``.

    Examples
    --------
    >>> for name, text in list_datasets().items():
    ...     print(name, "|", text[:40])
    example_connectome | 8-region toy connectome on a ring of rad
    dk84 | Desikan-Killiany 84-region human connect
    >>> "licence: EUPL-1.2" in list_datasets()["dk84"]
    True
    """
    return {
        name: f"{entry.description} ({entry.size}; licence: {entry.licence})"
        for name, entry in _REGISTRY.items()
    }


def _entry(name: str) -> _Entry:
    if not isinstance(name, str) or name not in _REGISTRY:
        raise ValueError(f"unknown dataset name={name!r}, expected one of {sorted(_REGISTRY)}")
    return _REGISTRY[name]


def load_dataset(name: str) -> xr.Dataset:
    """Load a registered connectome into memory.

    Every call reads the files again, so the returned Dataset can be modified freely
    without affecting later loads.  Provenance (``source``, ``licence``, ``citation``,
    ``processing``) is in the Dataset's attributes where the data are not wbxr's own.

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
        If ``name`` is not a registered dataset.
    ModuleNotFoundError
        If the dataset is read from a package that is not installed (the message says
        what to install).

    Examples
    --------
    >>> conn = load_dataset("example_connectome")
    >>> [str(label) for label in conn["target"].values]
    ['R0', 'R1', 'R2', 'R3', 'R4', 'R5', 'R6', 'R7']
    >>> conn["distances"].attrs["units"]
    'mm'
    >>> dk = load_dataset("dk84")                      # doctest: +SKIP
    >>> dk.attrs["n_regions"], dk["target"].values[:2].tolist()  # doctest: +SKIP
    (84, ['L.BSTS', 'L.CACG'])
    """
    return validate_connectome(_entry(name).load(), name=name)


def load_empirical_fc(name: str) -> xr.DataArray:
    """Load the empirical functional connectivity that belongs to a registered connectome.

    Parameters
    ----------
    name
        A dataset that carries empirical FC (currently ``"dk84"``).

    Returns
    -------
    xarray.DataArray
        Dims ``("region_i", "region_j")`` with the connectome's region labels as
        coordinates (the layout of :func:`wbxr.analysis.fc`, so it can be compared with
        simulated FC by :func:`wbxr.analysis.fc_similarity`), name ``"fc"``,
        ``units="1"`` and provenance attributes.

    Raises
    ------
    ValueError
        If ``name`` is unknown or has no empirical FC.
    ModuleNotFoundError
        If the package that carries the files is not installed.

    Examples
    --------
    >>> load_empirical_fc("example_connectome")
    Traceback (most recent call last):
    ...
    ValueError: dataset name='example_connectome' has no empirical FC; datasets with one: ['dk84']
    >>> fc = load_empirical_fc("dk84")                     # doctest: +SKIP
    >>> fc.dims, fc.shape                                  # doctest: +SKIP
    (('region_i', 'region_j'), (84, 84))
    """
    entry = _entry(name)
    if entry.load_fc is None:
        with_fc = sorted(key for key, value in _REGISTRY.items() if value.load_fc is not None)
        raise ValueError(f"dataset name={name!r} has no empirical FC; datasets with one: {with_fc}")
    return entry.load_fc()
