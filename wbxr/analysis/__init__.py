"""Analyses of simulation results: every function takes and returns xarray objects.

Functions work on one run (dims ``("time", "region")``) and on ensembles (extra
leading dims such as ``seed`` or ``k`` pass through), and stay lazy on dask-backed
input.  A simulation Dataset may be passed instead of a DataArray: the variable is
chosen by :func:`select_variable` (or named with ``var=``).

* connectivity: :func:`fc`, :func:`select_variable`
* filtering: :func:`bandpass`, :func:`global_signal`
* dynamics: :func:`windowed_fc`, :func:`fcd`, :func:`fcd_values`
* comparison: :func:`fc_similarity`, :func:`fcd_ks`
* spectra: :func:`psd`, :func:`dominant_frequency`
* synchrony: :func:`kuramoto_order`, :func:`metastability`, :func:`phase_locking_value`
* hemodynamics: :func:`bold`, :func:`balloon_windkessel`, :func:`hrf_convolve`,
  :func:`hrf_kernel`, :func:`balloon_constants`
"""

from wbxr.analysis.connectivity import fc, select_variable
from wbxr.analysis.comparison import fc_similarity, fcd_ks
from wbxr.analysis.dynamics import fcd, fcd_values, windowed_fc
from wbxr.analysis.filtering import bandpass, global_signal
from wbxr.analysis.hemodynamics import balloon_constants, balloon_windkessel, bold, hrf_convolve, hrf_kernel
from wbxr.analysis.spectra import dominant_frequency, psd
from wbxr.analysis.synchrony import kuramoto_order, metastability, phase_locking_value

__all__ = [
    "balloon_constants",
    "balloon_windkessel",
    "bandpass",
    "bold",
    "dominant_frequency",
    "fc",
    "fc_similarity",
    "fcd",
    "fcd_ks",
    "fcd_values",
    "global_signal",
    "hrf_convolve",
    "hrf_kernel",
    "kuramoto_order",
    "metastability",
    "phase_locking_value",
    "psd",
    "select_variable",
    "windowed_fc",
]
