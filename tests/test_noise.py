"""wbxr.noise: the OU process's exact update and stationary statistics, white increments."""

import brainunit as u
import jax
import jax.numpy as jnp
import numpy as np
import pytest

from wbxr.noise import OU, White


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
