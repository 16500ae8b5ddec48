"""wbxr.random: Threefry bits identical to JAX's, and well-behaved standard normals."""

import jax.numpy as jnp
import numpy as np
import pytest
from scipy import special, stats

from wbxr.random import erf_inv, normals_for_steps, threefry2x32


def test_threefry_matches_jax_bit_for_bit():
    from jax.extend.random import threefry_2x32

    rng = np.random.default_rng(0)
    key = rng.integers(0, 2**32, 2, dtype=np.uint64).astype(np.uint32)
    counts = rng.integers(0, 2**32, 64, dtype=np.uint64).astype(np.uint32)
    expected = np.asarray(threefry_2x32(jnp.asarray(key), jnp.asarray(counts)))
    # JAX hashes the first half of `counts` with the second half as the counter pairs
    ours = threefry2x32(jnp.uint32(key[0]), jnp.uint32(key[1]), jnp.asarray(counts[:32]), jnp.asarray(counts[32:]))
    np.testing.assert_array_equal(np.concatenate([np.asarray(w) for w in ours]), expected)


def test_normals_are_standard_normal_and_independent():
    keys = jnp.asarray([[1, 2], [3, 4], [5, 6]], dtype=jnp.uint32)
    z = np.asarray(normals_for_steps(keys, jnp.uint32(0), 2000, (2, 50), jnp.float32))
    assert z.shape == (2000, 2, 50, 3)
    flat = z.ravel()
    assert abs(flat.mean()) < 0.01 and abs(flat.std() - 1) < 0.01
    assert stats.kstest(flat[:20000], "norm").pvalue > 1e-3
    # neighbours in step, variable, region and member are uncorrelated
    for a, b in [(z[1:], z[:-1]), (z[:, 0], z[:, 1]), (z[:, :, 1:], z[:, :, :-1]), (z[..., 0], z[..., 1])]:
        assert abs(np.corrcoef(a.ravel(), b.ravel())[0, 1]) < 0.01


def test_a_step_draw_depends_only_on_key_and_step():
    keys = jnp.asarray([[7, 8], [9, 10]], dtype=jnp.uint32)
    whole = normals_for_steps(keys, jnp.uint32(100), 30, (3, 5), jnp.float32)
    part = normals_for_steps(keys, jnp.uint32(117), 4, (3, 5), jnp.float32)
    np.testing.assert_array_equal(np.asarray(whole[17:21]), np.asarray(part))
    alone = normals_for_steps(keys[1:], jnp.uint32(100), 30, (3, 5), jnp.float32)
    np.testing.assert_array_equal(np.asarray(whole[..., 1:]), np.asarray(alone))


@pytest.mark.parametrize("dtype", [jnp.float32])
def test_extreme_bits_stay_finite(dtype):
    from wbxr.random import _normal_from_bits

    bits = jnp.asarray([0, 2**32 - 1, 2**31], dtype=jnp.uint32)
    z = np.asarray(_normal_from_bits(bits, dtype))
    assert np.all(np.isfinite(z)) and z[0] < -5 and z[1] > 5 and abs(z[2]) < 1e-3


def test_erf_inv_matches_scipy_on_the_grid_of_the_draws():
    """Every uniform the draws can take: the 2**23 grid points (b + 1/2) 2**-22 - 1, all of them."""
    top = np.arange(2**23, dtype=np.float64)
    grid = (top + 0.5) * 2.0**-22 - 1.0
    ours = np.asarray(erf_inv(jnp.asarray(grid, jnp.float32)), np.float64)
    exact = special.erfinv(grid.astype(np.float32).astype(np.float64))
    relative = np.abs(ours - exact) / np.maximum(np.abs(exact), 1e-30)
    assert relative.max() < 5e-7, relative.max()
    assert np.all(np.diff(ours) >= 0)  # monotone: the order of the uniforms is kept
    np.testing.assert_array_equal(ours[::-1], -ours)  # odd: the normals are symmetric
