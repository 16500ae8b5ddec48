"""Analyses of simulation results: every function takes and returns xarray objects."""

from wbxr.analysis.connectivity import fc, select_variable

__all__ = ["fc", "select_variable"]
