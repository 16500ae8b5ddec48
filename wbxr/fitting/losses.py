r"""Differentiable goodness-of-fit measures, in JAX, for :func:`wbxr.fit`.

The measures of :mod:`wbxr.analysis` work on xarray/numpy data; the ones here compute the
same quantities on JAX arrays inside the compiled fitting objective, so that they can be
differentiated and batched.  With :math:`\mathbf{s}, \mathbf{e}` the :math:`N(N-1)/2`
entries above the diagonal of the simulated and target FC matrices:

* ``"fc_corr"``: :math:`1 - \operatorname{corr}(\mathbf{s}, \mathbf{e})`, one minus the FC
  similarity of :func:`wbxr.analysis.fc_similarity` (Honey et al. 2009);
* ``"fc_mse"``: :math:`\frac{1}{P}\sum_p (s_p - e_p)^2`;
* ``"fcd_ks"``: the Kolmogorov-Smirnov distance between the FCD value distributions
  (:func:`wbxr.analysis.fcd_ks`; Hansen et al. 2015) -- piecewise constant in the
  parameters, so for gradient-free methods only;
* ``"psd"``: :math:`\frac{1}{FN}\sum_{f,i} (\log_{10} P^{s}_i(f) - \log_{10} P^{e}_i(f))^2`
  with Welch spectra as :func:`wbxr.analysis.psd` (Welch 1967);
* ``"timeseries"``: the mean squared difference of the time series.

Noise-driven runs are averaged over seeds: the FC and the spectra are averaged before the
loss, the FCD KS distance and the time-series error are averaged after it.

References
----------
Honey, C. J. et al. (2009). Predicting human resting-state functional connectivity from
structural connectivity. *PNAS* 106, 2035-2040.
Hansen, E. C. A. et al. (2015). Functional connectivity dynamics: modeling the switching
behavior of the resting state. *NeuroImage* 105, 525-535.
Welch, P. D. (1967). The use of fast Fourier transform for the estimation of power spectra.
*IEEE Transactions on Audio and Electroacoustics* 15, 70-73.
"""

from __future__ import annotations

import jax
import jax.numpy as jnp
import numpy as np

__all__ = [
    "LOSSES",
    "fc_correlation_loss",
    "fc_mse_loss",
    "fcd_values",
    "ks_distance",
    "log_psd_loss",
    "pearson_fc",
    "upper_triangle",
    "welch_psd",
    "welch_frequencies",
]

#: Built-in losses and what they compare: ``"fc"`` (computed inside the run without keeping
#: the time series) or ``"timeseries"``; and whether their gradient is informative.
LOSSES = {
    "fc_corr": {"needs": "fc", "differentiable": True},
    "fc_mse": {"needs": "fc", "differentiable": True},
    "fcd_ks": {"needs": "timeseries", "differentiable": False},
    "psd": {"needs": "timeseries", "differentiable": True},
    "timeseries": {"needs": "timeseries", "differentiable": True},
}


def upper_triangle(matrix: jax.Array) -> jax.Array:
    """The entries above the diagonal of ``(..., N, N)`` matrices, ``(..., N(N-1)/2)``.

    Examples
    --------
    >>> import jax.numpy as jnp
    >>> upper_triangle(jnp.arange(9.0).reshape(3, 3)).tolist()
    [1.0, 2.0, 5.0]
    """
    rows, cols = np.triu_indices(matrix.shape[-1], k=1)
    return matrix[..., rows, cols]


def _correlation(a: jax.Array, b: jax.Array) -> jax.Array:
    a = a - a.mean(axis=-1, keepdims=True)
    b = b - b.mean(axis=-1, keepdims=True)
    return (a * b).sum(axis=-1) / jnp.sqrt((a * a).sum(axis=-1) * (b * b).sum(axis=-1))


def pearson_fc(series: jax.Array) -> jax.Array:
    r"""Pearson FC of ``(..., T, N)`` time series: ``(..., N, N)``.

    Examples
    --------
    >>> import jax.numpy as jnp
    >>> t = jnp.linspace(0.0, 10.0, 200)
    >>> x = jnp.stack([jnp.sin(t), -2 * jnp.sin(t)], axis=1)
    >>> jnp.round(pearson_fc(x), 5).tolist()
    [[1.0, -1.0], [-1.0, 1.0]]
    """
    centred = series - series.mean(axis=-2, keepdims=True)
    covariance = jnp.swapaxes(centred, -1, -2) @ centred
    spread = jnp.sqrt(jnp.diagonal(covariance, axis1=-2, axis2=-1))
    return covariance / (spread[..., :, None] * spread[..., None, :])


def fc_correlation_loss(fc_model: jax.Array, fc_target: jax.Array) -> jax.Array:
    r""":math:`1 - \operatorname{corr}` of the upper triangles of two FC matrices.

    Examples
    --------
    >>> import jax.numpy as jnp
    >>> a = jnp.array([[1.0, 0.5, 0.1], [0.5, 1.0, 0.3], [0.1, 0.3, 1.0]])
    >>> round(float(fc_correlation_loss(a, a)), 6), round(float(fc_correlation_loss(a, 2 * a)), 6)
    (0.0, 0.0)
    """
    return 1.0 - _correlation(upper_triangle(fc_model), upper_triangle(fc_target))


def fc_mse_loss(fc_model: jax.Array, fc_target: jax.Array) -> jax.Array:
    r"""Mean squared difference of the upper triangles of two FC matrices.

    Examples
    --------
    >>> import jax.numpy as jnp
    >>> a = jnp.array([[1.0, 0.5], [0.5, 1.0]])
    >>> round(float(fc_mse_loss(a, a + 0.1)), 6)
    0.01
    """
    return jnp.mean((upper_triangle(fc_model) - upper_triangle(fc_target)) ** 2)


def fcd_values(series: jax.Array, starts: tuple[int, ...], n_window: int) -> jax.Array:
    r"""FCD values of ``(T, N)`` series: the upper triangle of the FCD matrix.

    Window :math:`w` starts at sample ``starts[w]`` and has ``n_window`` samples, as in
    :func:`wbxr.analysis.fcd`;
    :math:`\mathrm{FCD}_{ww'} = \operatorname{corr}(\mathbf{u}_w, \mathbf{u}_{w'})` with
    :math:`\mathbf{u}_w` the upper triangle of the FC of window :math:`w`.

    Examples
    --------
    >>> import numpy as np
    >>> import jax.numpy as jnp
    >>> x = jnp.asarray(np.random.default_rng(0).standard_normal((100, 4)))
    >>> fcd_values(x, starts=(0, 25, 50), n_window=50).shape      # 3 windows: 3 pairs
    (3,)
    """
    windows = jnp.stack([series[start : start + n_window] for start in starts])
    patterns = upper_triangle(pearson_fc(windows))  # (W, P)
    centred = patterns - patterns.mean(axis=-1, keepdims=True)
    unit = centred / jnp.sqrt((centred * centred).sum(axis=-1, keepdims=True))
    return upper_triangle(unit @ unit.T)


def ks_distance(a: jax.Array, b: jax.Array) -> jax.Array:
    r"""Two-sample Kolmogorov-Smirnov statistic :math:`\sup_c |F_a(c) - F_b(c)|`.

    Equals ``scipy.stats.ks_2samp(a, b).statistic``.

    Examples
    --------
    >>> import jax.numpy as jnp
    >>> float(ks_distance(jnp.array([0.1, 0.2, 0.3, 0.4]), jnp.array([0.35, 0.45, 0.55, 0.65, 0.75])))
    0.8
    """
    a, b = jnp.sort(a), jnp.sort(b)
    points = jnp.concatenate([a, b])
    cdf_a = jnp.searchsorted(a, points, side="right") / a.shape[0]
    cdf_b = jnp.searchsorted(b, points, side="right") / b.shape[0]
    return jnp.max(jnp.abs(cdf_a - cdf_b))


def welch_frequencies(nperseg: int, sample_ms: float) -> np.ndarray:
    """The frequencies (Hz) of :func:`welch_psd`.

    Examples
    --------
    >>> welch_frequencies(4, sample_ms=1.0).tolist()
    [0.0, 250.0, 500.0]
    """
    return np.fft.rfftfreq(nperseg, d=sample_ms / 1000.0)


def welch_psd(series: jax.Array, nperseg: int, sample_ms: float) -> jax.Array:
    r"""Welch power spectral density of ``(T, N)`` series, ``(F, N)``.

    Half-overlapping segments of ``nperseg`` samples, each with its mean removed and a
    periodic Hann window :math:`w`; the one-sided density
    :math:`P(f_k) = \frac{1}{M}\sum_m \frac{2 |\sum_n w_n x^{(m)}_n e^{-2\pi i k n/L}|^2}{f_s \sum_n w_n^2}`
    (not doubled at 0 and, for even ``nperseg``, at the Nyquist frequency) -- the defaults of
    :func:`scipy.signal.welch` and so of :func:`wbxr.analysis.psd`.

    Examples
    --------
    >>> import jax.numpy as jnp
    >>> t = jnp.arange(1000.0)                               # 1 s sampled every ms
    >>> x = jnp.sin(2 * jnp.pi * 0.05 * t)[:, None]          # 50 Hz
    >>> float(welch_frequencies(100, 1.0)[jnp.argmax(welch_psd(x, 100, 1.0)[:, 0])])
    50.0
    """
    n_time = series.shape[0]
    step = nperseg - nperseg // 2
    starts = range(0, n_time - nperseg + 1, step)
    segments = jnp.stack([series[start : start + nperseg] for start in starts])  # (M, L, N)
    segments = segments - segments.mean(axis=1, keepdims=True)
    window = 0.5 - 0.5 * np.cos(2.0 * np.pi * np.arange(nperseg) / nperseg)
    fs = 1000.0 / sample_ms
    spectra = jnp.abs(jnp.fft.rfft(segments * window[None, :, None], axis=1)) ** 2
    scale = np.full(nperseg // 2 + 1, 2.0 / (fs * float(np.sum(window**2))))
    scale[0] /= 2.0
    if nperseg % 2 == 0:
        scale[-1] /= 2.0
    return spectra.mean(axis=0) * scale[:, None]


def log_psd_loss(psd_model: jax.Array, psd_target: jax.Array) -> jax.Array:
    r"""Mean squared difference of :math:`\log_{10}` spectra (frequencies above 0 Hz).

    Examples
    --------
    >>> import jax.numpy as jnp
    >>> spectrum = jnp.array([[1.0], [10.0], [100.0]])
    >>> float(log_psd_loss(spectrum, 10 * spectrum))          # one decade everywhere
    1.0
    """
    return jnp.mean((jnp.log10(psd_model[1:]) - jnp.log10(psd_target[1:])) ** 2)
