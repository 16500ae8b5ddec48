"""wbxr.noise: the OU process's exact update and stationary statistics, white increments."""

import brainunit as u
import jax
import jax.numpy as jnp
import numpy as np
import pytest

from wbxr.noise import OU, Brownian, Coloured, Multiplicative, White, blue, pink, violet


def ou_path(process, n_steps, n_paths, dt, seed=0):
    key = jax.random.key(seed)
    start = process.stationary_sample(jax.random.normal(key, (n_paths,)))

    def step(eta, k):
        eta = process.advance(eta, jax.random.normal(k, (n_paths,)), dt)
        return eta, eta

    _, path = jax.lax.scan(step, start, jax.random.split(jax.random.fold_in(key, 1), n_steps))
    return np.asarray(path)


def test_ou_is_stationary_with_std_sigma_and_mean_mu():
    path = ou_path(OU(sigma=0.3, tau=5.0, mean=1.5), n_steps=4000, n_paths=200, dt=0.5)
    assert path.std() == pytest.approx(0.3, rel=0.02)
    assert path.mean() == pytest.approx(1.5, abs=0.01)
    assert path[:100].std() == pytest.approx(0.3, rel=0.05)  # no warm-up: starts stationary


def test_ou_autocorrelation_decays_with_tau_for_any_step():
    tau = 20.0
    for dt in (0.1, 5.0):  # the exact update is right even for coarse steps
        path = ou_path(OU(sigma=1.0, tau=tau * u.ms), n_steps=6000, n_paths=100, dt=dt)
        lag = int(round(tau / dt))
        centred = path - path.mean()
        corr = (centred[lag:] * centred[:-lag]).mean() / centred.var()
        assert corr == pytest.approx(np.exp(-1.0), abs=0.03)


def test_white_increment_scales_with_sqrt_dt():
    noise = White(sigma=np.array([0.1, 0.2]))
    np.testing.assert_allclose(np.asarray(noise.state_increment(jnp.ones(2), 0.04)), [0.02, 0.04], rtol=1e-6)


@pytest.mark.parametrize(
    "make, match",
    [
        (lambda: OU(sigma=-0.1), "OU.sigma must be >= 0"),
        (lambda: OU(tau=0.0), "OU.tau must be > 0"),
        (lambda: OU(tau=5 * u.mm), "OU.tau"),
        (lambda: White(sigma=np.nan), "White.sigma must be finite"),
        (lambda: White(sigma=np.ones((2, 2))), "White.sigma must be a scalar or a 1-D array"),
    ],
)
def test_bad_parameters(make, match):
    with pytest.raises(ValueError, match=match):
        make()


def test_describe_is_json_safe():
    assert OU(sigma=0.1, tau=50 * u.ms).describe() == {"process": "OU", "sigma": 0.1, "tau": 50.0, "mean": 0.0}
    assert White(np.array([0.1, 0.2])).describe() == {"process": "White", "sigma": [0.1, 0.2]}


# --- coloured and Brownian input noise ---------------------------------------------------
def input_path(process, n_steps, n_paths, dt, seed=0):
    """The input a process delivers at the end of each step, ``(n_steps, n_paths)``."""
    key = jax.random.key(seed)
    state = process.initial_state(jax.random.normal(key, process.state_shape(n_paths)))

    def step(state, k):
        draws = jax.random.normal(k, (process.normals_per_step, n_paths))
        draws = draws[0] if process.normals_per_step == 1 and state.ndim == 1 else draws
        state = process.advance(state, draws, dt)
        return state, process.input_value(state, dt)

    _, path = jax.lax.scan(step, state, jax.random.split(jax.random.fold_in(key, 1), n_steps))
    return np.asarray(path, dtype=float)


def welch_psd(x, fs, segment):
    """One-sided Welch PSD (Hann window, half-overlapping segments) of the columns of x."""
    window = np.hanning(segment)
    starts = range(0, x.shape[0] - segment + 1, segment // 2)
    spectra = [
        np.abs(np.fft.rfft(window[:, None] * (x[s : s + segment] - x[s : s + segment].mean(0)), axis=0)) ** 2
        for s in starts
    ]
    psd = np.mean(spectra, axis=0).mean(axis=1) * 2.0 / (fs * (window**2).sum())
    return np.fft.rfftfreq(segment, 1.0 / fs), psd


def loglog_slope(freqs, psd, low, high):
    band = (freqs >= low) & (freqs <= high)
    return np.polyfit(np.log(freqs[band]), np.log(psd[band]), 1)[0]


@pytest.mark.parametrize("beta", [-2.0, -1.0, 1.0])
def test_coloured_noise_has_spectral_slope_beta_over_its_band(beta):
    """Welch PSD of the simulated input, log-log fit over the stated band [f_min, f_max]."""
    dt = 0.25  # ms: Nyquist 2 kHz, above 3 * f_max
    process = Coloured(sigma=0.3, beta=beta, f_min=2.0 * u.Hz, f_max=200.0 * u.Hz)
    path = input_path(process, n_steps=2**16, n_paths=16, dt=dt)
    freqs, psd = welch_psd(path, fs=1000.0 / dt, segment=2**13)  # 0.5 Hz resolution
    assert -loglog_slope(freqs, psd, 2.0, 200.0) == pytest.approx(beta, abs=0.2)


def test_brownian_noise_has_slope_2_and_variance_growing_as_sigma_squared_t():
    dt, sigma = 0.5, 0.2
    path = input_path(Brownian(sigma=sigma), n_steps=2**14, n_paths=400, dt=dt)
    freqs, psd = welch_psd(path[:, :32], fs=1000.0 / dt, segment=2**12)
    assert -loglog_slope(freqs, psd, 2.0, 200.0) == pytest.approx(2.0, abs=0.2)
    times = dt * np.arange(1, path.shape[0] + 1)
    variance_slope = np.polyfit(times, (path**2).mean(axis=1), 1)[0]  # starts at 0
    assert variance_slope == pytest.approx(sigma**2, rel=0.1)


@pytest.mark.parametrize("beta", [-2.0, -1.0, 0.0, 0.5, 1.0, 1.8])
def test_coloured_noise_has_std_sigma_from_the_start(beta):
    process = Coloured(sigma=0.3, beta=beta, f_min=5.0, f_max=100.0)
    path = input_path(process, n_steps=4000, n_paths=64, dt=0.05)
    assert path.std() == pytest.approx(0.3, rel=0.06)
    assert path[:200].std() == pytest.approx(0.3, rel=0.12)  # no warm-up needed
    assert abs(path.mean()) < 0.05


def test_coloured_noise_std_and_spectrum_do_not_depend_on_the_step():
    """A continuous-time process: halving dt leaves the low-band power unchanged."""
    process = Coloured(sigma=1.0, beta=1.0, f_min=2.0, f_max=50.0)
    powers = []
    for dt, n_steps in ((0.5, 2**14), (0.25, 2**15)):
        path = input_path(process, n_steps=n_steps, n_paths=32, dt=dt, seed=3)
        freqs, psd = welch_psd(path, fs=1000.0 / dt, segment=int(4000 / dt))
        band = (freqs >= 2.0) & (freqs <= 50.0)
        powers.append(psd[band].mean())
        assert path.std() == pytest.approx(1.0, rel=0.08)
    assert powers[0] == pytest.approx(powers[1], rel=0.1)


def test_coloured_components_span_the_band_with_a_margin():
    process = Coloured(sigma=1.0, beta=1.0, f_min=0.1 * u.Hz, f_max=0.1 * u.kHz)
    tau = np.asarray(process.time_constants()).ravel()
    assert process.n_components == len(tau) == 9  # 2 per decade over 0.033 .. 300 Hz
    corners_hz = 1000.0 / (2 * np.pi * tau)
    np.testing.assert_allclose(corners_hz[[0, -1]], [300.0, 0.1 / 3], rtol=1e-5)
    assert np.all(np.diff(tau) > 0)
    variances = np.asarray(process.amplitudes(process.time_constants())) ** 2
    assert variances.sum() == pytest.approx(1.0, rel=1e-5)


def test_named_colours():
    assert (pink(0.1).beta, blue(0.1).beta, violet(0.1).beta) == (1.0, -1.0, -2.0)
    assert violet(0.1).n_components == 1
    assert pink(0.2, f_min=1.0, f_max=10.0).f_max == 10.0


@pytest.mark.parametrize(
    "make, error, match",
    [
        (lambda: Coloured(beta=2.0), ValueError, "Brownian"),
        (lambda: Coloured(beta=-2.5), ValueError, r"Coloured.beta must be in \[-2, 2\)"),
        (lambda: Coloured(beta="pink"), TypeError, "Coloured.beta must be a number"),
        (lambda: Coloured(f_min=10.0, f_max=5.0), ValueError, "f_max must be above f_min"),
        (lambda: Coloured(f_min=0.0), ValueError, "Coloured.f_min must be > 0"),
        (lambda: Coloured(f_max=5 * u.ms), ValueError, "Coloured.f_max"),
        (lambda: Coloured(sigma=-1.0), ValueError, "Coloured.sigma must be >= 0"),
        (lambda: Brownian(sigma=-1.0), ValueError, "Brownian.sigma must be >= 0"),
        (lambda: Multiplicative(sigma=0.1, g=3.0), TypeError, "Multiplicative.g must be a function"),
    ],
)
def test_bad_parameters_of_the_new_processes(make, error, match):
    with pytest.raises(error, match=match):
        make()


def test_describe_and_repr_of_the_new_processes():
    assert Coloured(0.1, beta=-1.0, f_min=1.0, f_max=10.0).describe() == {
        "process": "Coloured", "sigma": 0.1, "beta": -1.0, "f_min": 1.0, "f_max": 10.0, "n_components": 5.0,
    }
    assert repr(Brownian(0.1)) == "Brownian(sigma=0.1, start=0.0)"
    assert Multiplicative(0.1, g=jnp.tanh).describe() == {"process": "Multiplicative", "sigma": 0.1, "g": "tanh"}


def test_noise_processes_are_pytrees_that_keep_their_static_fields():
    process = Coloured(0.1, beta=-1.0, f_min=1.0, f_max=10.0)
    leaves, tree = jax.tree_util.tree_flatten(process)
    assert leaves == [0.1, 1.0, 10.0]
    rebuilt = jax.tree_util.tree_unflatten(tree, [jnp.asarray(v) for v in leaves])
    assert (rebuilt.beta, rebuilt.n_components) == (-1.0, 5)
    noise = Multiplicative(0.1, g=jnp.sqrt)
    assert jax.tree_util.tree_map(lambda v: v, noise).g is jnp.sqrt


# --- the processes inside a simulation -----------------------------------------------------
import wbxr  # noqa: E402


def unconnected(n_regions):
    """n_regions independent copies of a node: zero weights, no delays."""
    return wbxr.connectome(np.zeros((n_regions, n_regions)))


@pytest.mark.parametrize(
    "method, log_drift",
    [("euler", -0.1 - 0.04 / 2), ("heun", -0.1)],  # Itô: mu - sigma^2 / 2; Stratonovich: mu
)
def test_geometric_brownian_motion_is_ito_with_euler_and_stratonovich_with_heun(method, log_drift):
    """dx = mu x dt + sigma x dW with mu = -1/tau: log x(t) is normal with variance sigma^2 t."""
    tau, sigma, duration = 10.0, 0.2, 20.0
    model = wbxr.models.LinearRate(tau=tau, noise={"x": wbxr.noise.Multiplicative(sigma=sigma)})
    net = wbxr.Network(model, unconnected(4000), coupling="additive", k=0.0)  # var(log x) to 10 %: 4.5 SE
    ds = wbxr.simulate(net, duration=duration, dt=0.01, sample_every=duration, method=method,
                       initial_state={"x": 1.0}, seed=11)
    log_x = np.log(ds.x.values[-1])
    assert log_x.mean() == pytest.approx(log_drift * duration, abs=0.05)  # -2.4 against -2.0
    assert log_x.var() == pytest.approx(sigma**2 * duration, rel=0.1)
    if method == "euler":  # the Itô mean: E[x(t)] = x0 exp(mu t)
        assert ds.x.values[-1].mean() == pytest.approx(np.exp(-duration / tau), rel=0.06)


def test_multiplicative_noise_vanishes_where_its_amplitude_does():
    """g(x) = x: a variable started at 0 stays at 0 (additive noise would move it)."""
    model = wbxr.models.LinearRate(noise={"x": wbxr.noise.Multiplicative(sigma=0.5)})
    net = wbxr.Network(model, unconnected(4), coupling="additive", k=0.0)
    for method in ("euler", "heun", "rk4"):
        ds = wbxr.simulate(net, duration=5.0, dt=0.1, method=method, initial_state={"x": 0.0})
        assert np.all(ds.x.values == 0.0)


@pytest.mark.parametrize("method", ["euler", "heun"])
def test_coloured_input_noise_in_a_network_matches_the_standalone_process(method):
    """LinearRate with tau -> small follows its input: x ~ eta, so std(x) ~ sigma."""
    noise = wbxr.noise.pink(0.2, f_min=2.0, f_max=50.0)
    model = wbxr.models.LinearRate(tau=0.2, noise={"x": noise})
    net = wbxr.Network(model, unconnected(64), coupling="additive", k=0.0)
    ds = wbxr.simulate(net, duration=2000.0, dt=0.1, sample_every=1.0, transient=10.0, method=method)
    assert float(ds.x.std()) == pytest.approx(0.2, rel=0.1)
    freqs, psd = welch_psd(ds.x.values, fs=1000.0, segment=1024)
    assert -loglog_slope(freqs, psd, 2.0, 50.0) == pytest.approx(1.0, abs=0.2)


def test_brownian_input_drives_a_pure_integrator_like_a_random_walk():
    """A slow LinearRate integrates Brownian input: x(t) = eta(t) / tau after a while."""
    model = wbxr.models.LinearRate(tau=1.0, noise={"x": wbxr.noise.Brownian(sigma=0.1)})
    net = wbxr.Network(model, unconnected(2000), coupling="additive", k=0.0)
    ds = wbxr.simulate(net, duration=100.0, dt=0.1, sample_every=10.0, initial_state={"x": 0.0})
    variance = ds.x.var("region").values
    # x lags eta by about tau: Var x(t) ~ sigma^2 (t - 1.5 tau) for t >> tau
    expected = 0.1**2 * (ds.time.values - 1.5)
    np.testing.assert_allclose(variance[[4, 9]], expected[[4, 9]], rtol=0.1)  # t = 50, 100 ms


def test_changing_noise_amplitudes_never_recompiles(compile_count):
    conn = unconnected(3)

    def run(pink_sigma, mult_sigma, brown_sigma):
        model = wbxr.models.Hopf(noise={
            "x": wbxr.noise.pink(pink_sigma, f_min=1.0, f_max=100.0),
            "y": wbxr.noise.Multiplicative(mult_sigma),
        })
        wbxr.simulate(wbxr.Network(model, conn, k=0.1), duration=5.0, dt=0.1)
        other = wbxr.models.LinearRate(noise={"x": wbxr.noise.Brownian(brown_sigma)})
        wbxr.simulate(wbxr.Network(other, conn, k=0.1), duration=5.0, dt=0.1)

    run(0.1, 0.1, 0.1)
    with compile_count() as counter:
        run(0.3, np.array([0.1, 0.2, 0.3]), 0.05)
    assert counter.count == 0


def test_a_member_gets_the_same_coloured_and_multiplicative_noise_alone_and_in_an_ensemble():
    model = wbxr.models.Hopf(a=-0.1, noise={
        "x": wbxr.noise.blue(0.1, f_min=5.0, f_max=200.0),
        "y": wbxr.noise.Multiplicative(0.05),
    })
    net = wbxr.Network(model, wbxr.load_dataset("example_connectome"), speed=10.0, k=0.2)
    run = dict(duration=20.0, dt=0.1, method="heun")
    ens = wbxr.ensemble(net, seeds=[3, 4], sweep={"k": [0.2, 0.4]}, chunk_size=4, **run).compute()
    alone = wbxr.simulate(net.replace(k=0.4), seed=4, **run)
    # the same numbers up to float32 rounding (bit for bit only with chunk_size=1)
    np.testing.assert_allclose(ens.x.sel(seed=4, k=0.4).values, alone.x.values, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(ens.y.sel(seed=4, k=0.4).values, alone.y.values, rtol=1e-5, atol=1e-6)
    assert not np.array_equal(ens.x.sel(seed=3, k=0.4).values, alone.x.values)


def test_a_band_above_the_step_s_nyquist_frequency_is_rejected_before_compiling():
    model = wbxr.models.Hopf(noise={"x": wbxr.noise.pink(0.1, f_max=200.0)})
    net = wbxr.Network(model, unconnected(2), k=0.0)
    with pytest.raises(ValueError, match=r"the noise on 'x': 3 \* f_max = 600 Hz must be below .* 500 Hz"):
        wbxr.simulate(net, duration=10.0, dt=1.0)
