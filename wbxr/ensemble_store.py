"""Write an ensemble to a zarr store chunk by chunk, and resume an interrupted write.

:func:`save_ensemble` writes each chunk of a lazy :func:`wbxr.ensemble` result into its
own region of a zarr store (the chunks of the store are the ensemble's chunks, so writes
never overlap) and, once a chunk is written, sets the chunk's members in the store's
boolean variable ``completed``.  Run again on the same store after an interruption
(a killed job, a crash, an error in a custom reduction) it computes only the chunks not
marked completed.  A member is marked only after all of its variables are written, so a
chunk interrupted midway is simply written again.
"""

from __future__ import annotations

import contextlib
import itertools
import os
from collections.abc import Mapping
from typing import Any

import dask
import numpy as np
import xarray as xr

__all__ = ["save_ensemble"]

#: The store's variable marking the members whose chunk has been written.
COMPLETED = "completed"
#: Attributes that may differ between the run that started a store and the one resuming it.
_VOLATILE_ATTRS = ("wbxr_version", "jax_version")


def _member_dims(result: xr.Dataset) -> tuple[str, ...]:
    if not isinstance(result, xr.Dataset) or "nonfinite_time" not in result or "swept" not in result.attrs:
        raise TypeError(f"result must be a Dataset returned by wbxr.ensemble, got {type(result).__name__}")
    swept = [name for name in result.attrs["swept"].split(",") if name]
    return ("seed", *swept)


def _comparable_attrs(attrs: Mapping[str, Any]) -> dict[str, Any]:
    def plain(value: Any) -> Any:
        return value.item() if isinstance(value, np.generic) else value

    return {key: plain(value) for key, value in attrs.items() if key not in _VOLATILE_ATTRS}


def _check_same_ensemble(result: xr.Dataset, stored: xr.Dataset, store: Any) -> None:
    """The store must have been started by the same ensemble (same grid, variables, settings)."""
    problems = []
    expected = set(result.data_vars) | {COMPLETED}
    if set(stored.data_vars) != expected:
        problems.append(f"variables {sorted(stored.data_vars)} instead of {sorted(expected)}")
    for name in result.data_vars:
        if name in stored and (stored[name].dims != result[name].dims or stored[name].shape != result[name].shape):
            problems.append(f"{name!r} has dims {dict(stored[name].sizes)} instead of {dict(result[name].sizes)}")
    for name, coord in result.coords.items():
        if name not in stored.coords or not np.array_equal(stored[name].values, coord.values):
            problems.append(f"coordinate {name!r} differs")
    if _comparable_attrs(stored.attrs) != _comparable_attrs(result.attrs):
        differing = sorted(
            key
            for key in set(_comparable_attrs(stored.attrs)) | set(_comparable_attrs(result.attrs))
            if _comparable_attrs(stored.attrs).get(key) != _comparable_attrs(result.attrs).get(key)
        )
        problems.append(f"attributes {differing} differ")
    if problems:
        raise ValueError(
            f"store={store!r} holds a different ensemble ({'; '.join(problems)}); write to a new "
            "store or delete this one"
        )


def _store_exists(store: Any) -> bool:
    if isinstance(store, (str, os.PathLike)):
        return os.path.exists(store)
    return True  # a zarr store object: try to open it


def _open_stored(store: Any) -> xr.Dataset | None:
    if not _store_exists(store):
        return None
    try:
        stored = xr.open_zarr(store)
    except (FileNotFoundError, KeyError):
        return None
    if COMPLETED not in stored:
        raise ValueError(
            f"store={store!r} exists but was not written by wbxr.save_ensemble (it has no "
            f"{COMPLETED!r} variable); choose a new store"
        )
    return stored


def _mark_completed(_written: Any, store: Any, region: dict[str, slice], dims: tuple[str, ...]) -> bool:
    """Set the members of one written chunk in the store's ``completed`` variable."""
    shape = tuple(part.stop - part.start for part in region.values())
    marks = xr.Dataset({COMPLETED: (dims, np.ones(shape, dtype=bool))})
    marks.to_zarr(store, region=region)
    return True


def _default_client() -> Any:
    """The active ``dask.distributed`` client, or None."""
    try:
        from distributed import default_client
    except ImportError:  # pragma: no cover - distributed is a dependency
        return None
    try:
        return default_client()
    except ValueError:
        return None


def _compute(tasks: list, progress: bool) -> None:
    client = _default_client()
    if client is not None:
        futures = client.compute(tasks)
        if progress:
            from distributed import progress as show_progress

            show_progress(futures)
        client.gather(futures)
        return
    from dask.diagnostics import ProgressBar

    with ProgressBar() if progress else contextlib.nullcontext():
        dask.compute(*tasks)


def save_ensemble(result: xr.Dataset, store: Any, *, progress: bool = False) -> xr.Dataset:
    """Write a lazy ensemble to a zarr store chunk by chunk; resume an interrupted write.

    The first call creates the store (dims, coordinates, attributes, and the boolean
    variable ``completed`` over the member dims, all False) and then computes and writes
    the chunks, several at a time, marking each chunk's members completed once written.
    A later call with the same ensemble and store skips the completed chunks, so a sweep
    interrupted halfway resumes where it stopped and a finished store is not recomputed.
    Memory holds a few chunks at a time, never the whole ensemble.

    Parameters
    ----------
    result
        A lazy Dataset from :func:`wbxr.ensemble` (any ``reduce``, in-loop monitors
        such as BOLD included: each keeps its own time dim, stored whole per chunk).
    store
        Path of the zarr store (a directory) or a zarr store object.  An existing store
        must have been started by the same ensemble (same seeds, swept values,
        variables and settings), else a ValueError is raised.
    progress
        Show a progress bar: :class:`dask.diagnostics.ProgressBar` with dask's local
        schedulers (text on stdout), :func:`distributed.progress` when a
        ``dask.distributed`` client is active (a widget in notebooks).

    Returns
    -------
    xarray.Dataset
        The store, opened lazily with :func:`xarray.open_zarr`.

    Raises
    ------
    TypeError
        If ``result`` is not an ensemble Dataset.
    ValueError
        If ``store`` exists but holds something else.

    Examples
    --------
    >>> import os, tempfile
    >>> import wbxr
    >>> net = wbxr.Network(wbxr.models.Hopf(a=-0.1, noise={"x": wbxr.noise.White(0.05)}),
    ...                    wbxr.load_dataset("example_connectome"), k=0.2)
    >>> ens = wbxr.ensemble(net, duration=50.0, dt=0.1, seeds=range(4), sweep={"k": [0.0, 0.5]},
    ...                     reduce="fc", chunk_size=2)
    >>> folder = tempfile.TemporaryDirectory()
    >>> path = os.path.join(folder.name, "sweep.zarr")
    >>> stored = wbxr.save_ensemble(ens, path)
    >>> stored.fc_x.dims, bool(stored.completed.all())
    (('seed', 'k', 'region_i', 'region_j'), True)
    >>> stored = wbxr.save_ensemble(ens, path)  # already complete: nothing is recomputed
    >>> folder.cleanup()
    """
    dims = _member_dims(result)
    for name, variable in result.data_vars.items():
        if tuple(variable.dims[: len(dims)]) != dims:
            raise TypeError(f"result[{name!r}] has dims {variable.dims}, expected {dims} first")
    chunks = result.chunksizes
    grid = [chunks[dim] if dim in chunks else (result.sizes[dim],) for dim in dims]
    shape = tuple(result.sizes[dim] for dim in dims)
    stored = _open_stored(store)
    if stored is None:
        completed = xr.Variable(dims, np.zeros(shape, dtype=bool),
                                attrs={"long_name": "member written to the store"})
        template = result.assign({COMPLETED: completed})
        # Labels as variable-length strings: zarr v3 has no specification for fixed-width ones.
        template = template.assign_coords(
            {name: coord.astype(object) for name, coord in template.coords.items() if coord.dtype.kind == "U"}
        )
        encoding = {COMPLETED: {"chunks": tuple(sizes[0] for sizes in grid)}}
        template.to_zarr(store, mode="w-", compute=False, encoding=encoding)
        xr.Dataset({COMPLETED: completed}).to_zarr(store, region={dim: slice(None) for dim in dims})
        done = np.zeros(shape, dtype=bool)
    else:
        _check_same_ensemble(result, stored, store)
        done = stored[COMPLETED].values
    data = result.drop_vars(list(result.coords))
    tasks = []
    for chunk_index in itertools.product(*(range(len(sizes)) for sizes in grid)):
        region = {
            dim: slice(sum(sizes[:i]), sum(sizes[: i + 1])) for dim, sizes, i in zip(dims, grid, chunk_index)
        }
        if done[tuple(region.values())].all():
            continue
        written = data.isel(region).to_zarr(store, region=region, compute=False)
        tasks.append(dask.delayed(_mark_completed)(written, store, region, dims))
    if tasks:
        _compute(tasks, progress)
    return xr.open_zarr(store)
