"""Fitting network models to data: gradients through the delayed simulation, CMA-ES, grids.

:func:`fit` adjusts the global coupling ``k``, node-model parameters (one value or one per
region), noise parameters and connection weights so that the network reproduces a target
FC, FCD, spectrum or time series; it returns a :class:`FitResult`.

* :mod:`wbxr.fitting.optimize`: :func:`fit`, :class:`FitResult`, the search methods;
* :mod:`wbxr.fitting.parameters`: what is free -- names (``"k"``, ``"a"``, ``"weights"``,
  ``"noise.x.sigma"``) or a mask (:func:`mask`) that frees some regions or connections;
* :mod:`wbxr.fitting.problem`: the compiled objective (parameters -> simulation -> loss);
* :mod:`wbxr.fitting.losses`: differentiable FC, FCD, Welch PSD and the losses;
* :mod:`wbxr.fitting.transforms`: bounds as smooth changes of variable;
* :mod:`wbxr.fitting.targets`: targets aligned to the connectome by region label.
"""

from wbxr.fitting.optimize import FitResult, fit
from wbxr.fitting.parameters import mask

__all__ = ["FitResult", "fit", "mask"]
