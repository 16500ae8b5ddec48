"""Every analysis keeps extra (ensemble) dims, stays lazy on dask input and equals the eager result."""

import dask
import dask.array
import numpy as np
import pytest
import xarray as xr

from wbxr.analysis import (
    balloon_windkessel,
    bandpass,
    bold,
    dominant_frequency,
    fc,
    fc_similarity,
    fcd,
    fcd_ks,
    fcd_values,
    global_signal,
    hrf_convolve,
    kuramoto_order,
    metastability,
    phase_locking_value,
    psd,
    windowed_fc,
)
from _analysis_series import make_series

SEEDS = [0, 1, 2]


@pytest.fixture
def ensemble():
    """A simulation-like Dataset with dims (seed, time, region): noisy 10 Hz rhythms, 3 s at 1 kHz."""
    rng = np.random.default_rng(0)
    t = np.arange(3000.0)
    phases = rng.uniform(0, 2 * np.pi, (len(SEEDS), 1, 4))
    values = 0.5 + 0.3 * np.sin(2 * np.pi * 10 * t[None, :, None] / 1000 + phases)
    values = values + 0.1 * rng.standard_normal(values.shape)
    x = make_series(values, extra_coords={"seed": SEEDS}, name="rE", units="1")
    return xr.Dataset({"rE": x}, attrs={"coupled_var": "rE"})


# name -> function of a Dataset with a seed dim
ANALYSES = {
    "bandpass": lambda d: bandpass(d, 5.0, 20.0),
    "global_signal": global_signal,
    "fc_band": lambda d: fc(d, band=(5.0, 20.0)),
    "windowed_fc": lambda d: windowed_fc(d, 500.0, 250.0),
    "fcd": lambda d: fcd(d, 500.0, 250.0),
    "fcd_values": lambda d: fcd_values(fcd(d, 500.0, 250.0)),
    "psd": lambda d: psd(d, nperseg=500),
    "dominant_frequency": lambda d: dominant_frequency(d, nperseg=500),
    "kuramoto_order": lambda d: kuramoto_order(d, band=(8.0, 12.0)),
    "metastability": metastability,
    "phase_locking_value": phase_locking_value,
    "bold": lambda d: bold(d, tr=100.0),
    "hrf_gamma": lambda d: hrf_convolve(d, "gamma", tr=100.0),
    "hrf_double_gamma": lambda d: hrf_convolve(d, "double_gamma", tr=100.0),
    "hrf_volterra": lambda d: hrf_convolve(d, "volterra", tr=100.0),
    "balloon_windkessel": lambda d: balloon_windkessel(d).bold,
    "fc_similarity": lambda d: fc_similarity(fc(d), fc(d.isel(seed=0))),
    "fcd_ks": lambda d: fcd_ks(fcd(d, 500.0, 250.0), fcd(d.isel(seed=0), 400.0, 200.0)),
}
# analyses with one input, whose members can be computed one by one
PER_MEMBER = [name for name in ANALYSES if name not in ("fc_similarity", "fcd_ks")]


class CountingScheduler:
    """A dask scheduler that counts how often it is asked to compute."""

    def __init__(self):
        self.calls = 0

    def __call__(self, dsk, keys, **kwargs):
        self.calls += 1
        return dask.get(dsk, keys, **kwargs)


@pytest.mark.parametrize("name", list(ANALYSES))
def test_lazy_on_dask_and_equal_to_eager(ensemble, name):
    analysis = ANALYSES[name]
    eager = analysis(ensemble)
    counter = CountingScheduler()
    with dask.config.set(scheduler=counter):
        lazy = analysis(ensemble.chunk({"seed": 1}))
    assert counter.calls == 0, f"{name} computed something while building the graph"
    assert isinstance(lazy.data, dask.array.Array)
    assert lazy.dims == eager.dims
    assert lazy.dims[0] == "seed"
    assert lazy.chunks[0] == (1, 1, 1)
    xr.testing.assert_allclose(lazy.compute(), eager, rtol=1e-12, atol=1e-14)
    assert lazy.attrs == eager.attrs
    assert lazy.name == eager.name


@pytest.mark.parametrize("name", PER_MEMBER)
def test_extra_dims_pass_through(ensemble, name):
    analysis = ANALYSES[name]
    result = analysis(ensemble)
    assert result["seed"].values.tolist() == SEEDS
    for seed in SEEDS:
        member = analysis(ensemble.sel(seed=seed))
        assert "seed" not in member.dims
        xr.testing.assert_allclose(result.sel(seed=seed), member, rtol=1e-12, atol=1e-14)


def test_balloon_windkessel_dataset_is_lazy(ensemble):
    lazy = balloon_windkessel(ensemble.chunk({"seed": 1}))
    for name in ("s", "f", "v", "q", "bold"):
        assert isinstance(lazy[name].data, dask.array.Array)
        assert lazy[name].dims == ("seed", "time", "region")
    xr.testing.assert_allclose(lazy.compute(), balloon_windkessel(ensemble))


def test_analyses_of_a_wbxr_ensemble():
    """The real thing: a lazy wbxr.ensemble with seed and k dims."""
    import wbxr

    net = wbxr.Network(
        wbxr.models.Hopf(a=0.1, w=0.06, noise={"x": wbxr.noise.White(0.05)}),
        wbxr.load_dataset("example_connectome"),
        speed=10.0,
        k=0.2,
    )
    ens = wbxr.ensemble(net, duration=2000.0, dt=0.1, seeds=range(2), sweep={"k": [0.0, 0.4]}, sample_every=1.0)
    assert isinstance(ens.x.data, dask.array.Array)
    frequency = dominant_frequency(ens, nperseg=1000)
    y = bold(ens, tr=500.0)
    matrix = fcd(ens, 500.0, 250.0)
    assert frequency.dims == ("seed", "k", "region")
    assert y.dims == ("seed", "k", "time", "region")
    assert matrix.dims == ("seed", "k", "window_i", "window_j")
    assert all(isinstance(r.data, dask.array.Array) for r in (frequency, y, matrix))
    # uncoupled Hopf oscillators with w = 0.06 rad/ms run at w / (2 pi) = 9.5 Hz
    uncoupled = frequency.sel(k=0.0).values
    assert np.median(uncoupled) == pytest.approx(0.06 / (2 * np.pi) * 1000, abs=1.0)
    member = ens.isel(seed=1, k=1).compute()
    xr.testing.assert_allclose(matrix.isel(seed=1, k=1).compute(), fcd(member, 500.0, 250.0), atol=1e-12)
