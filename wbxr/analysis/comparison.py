"""Goodness of fit between connectivity results: FC similarity and the FCD KS distance.

Used to compare a simulation with data (or two simulations).  Leading dims of either
input (``seed``, ``k``, ...) broadcast against each other; dask input stays lazy.
"""

from __future__ import annotations

import numpy as np
import scipy.stats
import xarray as xr

from wbxr.analysis._core import one_chunk
from wbxr.analysis.connectivity import FC_DIMS
from wbxr.analysis.dynamics import FCD_DIMS, PAIR_DIM, fcd_values


def _upper_triangle_correlation(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Pearson correlation of the strict upper triangles of ``(..., N, N)`` matrices."""
    a = np.asarray(a, dtype=np.float64)
    b = np.asarray(b, dtype=np.float64)
    rows, cols = np.triu_indices(a.shape[-1], k=1)
    u, v = np.broadcast_arrays(a[..., rows, cols], b[..., rows, cols])
    u = u - u.mean(axis=-1, keepdims=True)
    v = v - v.mean(axis=-1, keepdims=True)
    with np.errstate(divide="ignore", invalid="ignore"):
        r = (u * v).sum(axis=-1) / np.sqrt((u * u).sum(axis=-1) * (v * v).sum(axis=-1))
    return np.clip(r, -1.0, 1.0)


def _check_fc(matrix: xr.DataArray, argument: str) -> None:
    if not isinstance(matrix, xr.DataArray):
        raise TypeError(f"{argument} must be an xarray DataArray, got {type(matrix).__name__}")
    for name in FC_DIMS:
        if name not in matrix.dims:
            raise ValueError(f"{argument} has no {name!r} dimension; its dims are {matrix.dims}")
    if matrix.sizes["region_i"] != matrix.sizes["region_j"]:
        raise ValueError(f"{argument} must be square, got sizes {dict(matrix.sizes)}")


def _labels(matrix: xr.DataArray) -> list | None:
    if "region_i" not in matrix.coords:
        return None
    labels = matrix["region_i"].values.tolist()
    if "region_j" in matrix.coords and matrix["region_j"].values.tolist() != labels:
        raise ValueError("an FC matrix must have the same labels, in the same order, on region_i and region_j")
    return labels


def fc_similarity(fc_a: xr.DataArray, fc_b: xr.DataArray) -> xr.DataArray:
    r"""Similarity of two FC matrices: Pearson correlation of their upper triangles.

    With :math:`\mathbf{a}, \mathbf{b}` the :math:`N(N-1)/2` entries above the
    diagonal of the two matrices,

    .. math::

        r = \frac{\sum_k (a_k - \bar a)(b_k - \bar b)}
                 {\sqrt{\sum_k (a_k - \bar a)^2}\,\sqrt{\sum_k (b_k - \bar b)^2}},

    the standard fit of simulated to empirical FC (Honey et al. 2009; Deco et al. 2013).
    Regions are matched by label: when both matrices carry ``region_i`` labels,
    ``fc_b`` is reordered to ``fc_a``'s order; otherwise they are matched by position.
    Any NaN entry makes the result NaN.

    Parameters
    ----------
    fc_a, fc_b
        FC matrices with dims ``(..., "region_i", "region_j")`` (e.g. from
        :func:`wbxr.analysis.fc`); other dims broadcast (an ensemble against one
        empirical matrix gives one value per member).

    Returns
    -------
    xarray.DataArray
        The broadcast leading dims (a scalar for two single matrices), named
        ``"fc_similarity"``, attrs ``long_name="FC similarity"``, ``units="1"``.
        Lazy for dask input.

    Raises
    ------
    ValueError
        If either lacks the FC dims or is not square, the sizes differ, or both carry
        region labels and the labels differ (the message lists the differences).

    References
    ----------
    Honey, C. J. et al. (2009). Predicting human resting-state functional connectivity
    from structural connectivity. *PNAS* 106, 2035-2040.

    Examples
    --------
    >>> import xarray as xr
    >>> labels = ["A", "B", "C"]
    >>> a = xr.DataArray([[1, .5, .1], [.5, 1, .3], [.1, .3, 1]], dims=("region_i", "region_j"),
    ...                  coords={"region_i": labels, "region_j": labels})
    >>> round(float(fc_similarity(a, a)), 6)
    1.0
    >>> b = a.sel(region_i=["C", "B", "A"], region_j=["C", "B", "A"])   # same matrix, reordered
    >>> round(float(fc_similarity(a, b)), 6)
    1.0
    """
    _check_fc(fc_a, "fc_a")
    _check_fc(fc_b, "fc_b")
    labels_a, labels_b = _labels(fc_a), _labels(fc_b)
    if labels_a is not None and labels_b is not None:
        if labels_a != labels_b:
            only_a = [label for label in labels_a if label not in labels_b]
            only_b = [label for label in labels_b if label not in labels_a]
            if only_a or only_b or len(labels_a) != len(labels_b):
                raise ValueError(
                    "fc_a and fc_b have different region labels: "
                    f"only in fc_a: {only_a}, only in fc_b: {only_b}"
                )
            fc_b = fc_b.sel(region_i=labels_a, region_j=labels_a)
    else:
        if fc_a.sizes["region_i"] != fc_b.sizes["region_i"]:
            raise ValueError(
                f"fc_a has {fc_a.sizes['region_i']} regions but fc_b has {fc_b.sizes['region_i']}"
            )
        # match by position: drop any labels so xarray does not align them
        fc_a = fc_a.drop_vars([name for name in FC_DIMS if name in fc_a.coords])
        fc_b = fc_b.drop_vars([name for name in FC_DIMS if name in fc_b.coords])
    result = xr.apply_ufunc(
        _upper_triangle_correlation,
        one_chunk(fc_a, FC_DIMS),
        one_chunk(fc_b, FC_DIMS),
        input_core_dims=[list(FC_DIMS), list(FC_DIMS)],
        output_core_dims=[[]],
        dask="parallelized",
        output_dtypes=[np.float64],
    )
    result.name = "fc_similarity"
    result.attrs = {
        "long_name": "FC similarity",
        "units": "1",
        "description": "Pearson correlation between the upper triangles of two FC matrices",
    }
    return result


def _ks_statistic(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    return np.asarray(scipy.stats.ks_2samp(a, b, axis=-1).statistic, dtype=np.float64)


def _as_fcd_values(values: xr.DataArray, argument: str) -> xr.DataArray:
    if not isinstance(values, xr.DataArray):
        raise TypeError(f"{argument} must be an xarray DataArray, got {type(values).__name__}")
    if set(FCD_DIMS) <= set(values.dims):
        return fcd_values(values)
    if PAIR_DIM in values.dims:
        return values
    raise ValueError(
        f"{argument} must be an FCD matrix (dims {FCD_DIMS}) or FCD values (dim {PAIR_DIM!r}); "
        f"its dims are {values.dims}"
    )


def fcd_ks(fcd_a: xr.DataArray, fcd_b: xr.DataArray) -> xr.DataArray:
    r"""Kolmogorov-Smirnov distance between two FCD distributions.

    .. math::

        D = \sup_c \bigl|F_a(c) - F_b(c)\bigr|,

    with :math:`F_a, F_b` the empirical cumulative distributions of the FCD values
    (upper triangles, :func:`wbxr.analysis.fcd_values`); 0 for identical
    distributions, 1 for disjoint ones.  The statistic of
    :func:`scipy.stats.ks_2samp`, used to fit models to the dynamics of resting-state
    FC (Hansen et al. 2015; Deco et al. 2017).  The two inputs may have different
    numbers of windows.  A NaN value makes the result NaN.

    Parameters
    ----------
    fcd_a, fcd_b
        FCD matrices (dims ``(..., "window_i", "window_j")``, from :func:`wbxr.analysis.fcd`)
        or FCD values (dims ``(..., "pair")``); other dims broadcast.

    Returns
    -------
    xarray.DataArray
        The broadcast leading dims, named ``"fcd_ks"``, attrs
        ``long_name="FCD KS distance"``, ``units="1"``.  Lazy for dask input.

    Raises
    ------
    ValueError
        If an input has neither the FCD matrix dims nor a ``pair`` dim.

    References
    ----------
    Hansen, E. C. A. et al. (2015). Functional connectivity dynamics: modeling the
    switching behavior of the resting state. *NeuroImage* 105, 525-535.
    Deco, G. et al. (2017). The dynamics of resting fluctuations in the brain:
    metastability and its dynamical cortical core. *Scientific Reports* 7, 3095.

    Examples
    --------
    >>> import xarray as xr
    >>> a = xr.DataArray([0.1, 0.2, 0.3, 0.4], dims="pair")
    >>> b = xr.DataArray([0.35, 0.45, 0.55, 0.65, 0.75], dims="pair")
    >>> float(fcd_ks(a, b))       # at 0.4: F_a = 1, F_b = 1/5
    0.8
    >>> float(fcd_ks(a, a))
    0.0
    """
    values_a = _as_fcd_values(fcd_a, "fcd_a")
    values_b = _as_fcd_values(fcd_b, "fcd_b")
    result = xr.apply_ufunc(
        _ks_statistic,
        one_chunk(values_a, (PAIR_DIM,)),
        one_chunk(values_b, (PAIR_DIM,)),
        input_core_dims=[[PAIR_DIM], [PAIR_DIM]],
        output_core_dims=[[]],
        exclude_dims={PAIR_DIM},
        dask="parallelized",
        output_dtypes=[np.float64],
    )
    result.name = "fcd_ks"
    result.attrs = {
        "long_name": "FCD KS distance",
        "units": "1",
        "description": "two-sample Kolmogorov-Smirnov statistic between FCD value distributions",
    }
    return result
