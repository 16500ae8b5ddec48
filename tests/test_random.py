"""wbxr.random: Threefry bits identical to JAX's, Box-Muller pairs, well-behaved standard normals."""

import contextlib

import jax
import jax.numpy as jnp
import numpy as np
import pytest
from scipy import stats

from wbxr import random as wbxr_random
from wbxr.random import box_muller_radius, threefry2x32, turn_cos_sin

# compiled once per shape: called op by op, the unrolled hash takes seconds
normals_for_steps = jax.jit(wbxr_random.normals_for_steps, static_argnums=(2, 3, 4))


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
    # the two draws of a Box-Muller pair are independent, their squares too
    even, odd = z[:, :, 0::2].ravel(), z[:, :, 1::2].ravel()
    assert abs(np.corrcoef(even, odd)[0, 1]) < 0.01 and abs(np.corrcoef(even**2, odd**2)[0, 1]) < 0.01


def test_a_step_draw_depends_only_on_key_and_step():
    keys = jnp.asarray([[7, 8], [9, 10]], dtype=jnp.uint32)
    whole = normals_for_steps(keys, jnp.uint32(100), 30, (3, 5), jnp.float32)
    part = normals_for_steps(keys, jnp.uint32(117), 4, (3, 5), jnp.float32)
    np.testing.assert_array_equal(np.asarray(whole[17:21]), np.asarray(part))
    alone = normals_for_steps(keys[1:], jnp.uint32(100), 30, (3, 5), jnp.float32)
    np.testing.assert_array_equal(np.asarray(whole[..., 1:]), np.asarray(alone))


def reference_normals(key, first_step, n_steps, size):
    """The draws of one member in float64 numpy: JAX's Threefry bits, then Box-Muller."""
    from jax.extend.random import threefry_2x32

    n_pairs = (size + 1) // 2
    steps = np.repeat(np.arange(first_step, first_step + n_steps, dtype=np.uint32), n_pairs)
    pairs = np.tile(np.arange(n_pairs, dtype=np.uint32), n_steps)
    bits = np.asarray(threefry_2x32(jnp.asarray(key, jnp.uint32), jnp.asarray(np.concatenate([steps, pairs]))))
    radius_bits, angle_bits = bits[: steps.size].astype(np.float64), bits[steps.size :]
    uniform = (np.floor(radius_bits / 2**9) + 0.5) / 2**23
    quadrant = angle_bits >> 30
    offset = (angle_bits >> 7) & (2**23 - 1)
    angle = quadrant * np.pi / 2 + ((offset + 0.5) / 2**23 - 0.5) * np.pi / 2
    radius = np.sqrt(-2 * np.log(uniform))
    z = np.stack([radius * np.cos(angle), radius * np.sin(angle)], axis=-1)
    return z.reshape(n_steps, 2 * n_pairs)[:, :size]


@pytest.mark.parametrize("size, first_step", [(16, 0), (7, 123_456)])
def test_normals_are_box_muller_pairs_of_the_threefry_words(size, first_step):
    keys = jnp.asarray([[3, 9], [2**31 + 5, 17]], dtype=jnp.uint32)
    z = np.asarray(normals_for_steps(keys, jnp.uint32(first_step), 5, (size,), jnp.float32))
    for member in range(2):
        expected = reference_normals(np.asarray(keys[member]), first_step, 5, size)
        np.testing.assert_allclose(z[..., member], expected, rtol=1e-5, atol=2e-6)


def test_an_odd_count_of_draws_is_the_even_count_without_its_last():
    keys = jnp.asarray([[1, 5]], dtype=jnp.uint32)
    odd = normals_for_steps(keys, jnp.uint32(40), 6, (3, 3), jnp.float32)
    even = normals_for_steps(keys, jnp.uint32(40), 6, (10,), jnp.float32)
    np.testing.assert_array_equal(np.asarray(odd).reshape(6, 9), np.asarray(even)[:, :9, 0])


def test_extreme_bits_give_finite_radii():
    radius = np.asarray(box_muller_radius(jnp.asarray([0, 2**31, 2**32 - 1], dtype=jnp.uint32)))
    np.testing.assert_allclose(radius, np.sqrt(-2 * np.log([2.0**-24, 0.5 + 2.0**-24, 1 - 2.0**-24])), rtol=1e-6)


def test_radius_matches_numpy_for_every_uniform():
    """All 2**23 uniforms the draws can take: u = (b + 1/2) 2**-23."""
    top = np.arange(2**23, dtype=np.uint32)
    ours = np.asarray(box_muller_radius(jnp.asarray(top << 9)), np.float64)
    exact = np.sqrt(-2 * np.log((top + 0.5) / 2**23))
    assert np.abs(ours - exact).max() < 2e-6
    assert np.all(np.diff(ours) <= 0)  # monotone


def test_cosine_and_sine_match_numpy_for_every_angle_offset():
    """All 2**23 offsets within a quadrant, the quadrants taken in turn."""
    offset = np.arange(2**23, dtype=np.uint32)
    quadrant = offset % 4
    cos, sin = (np.asarray(v, np.float64) for v in turn_cos_sin(jnp.asarray((quadrant << 30) | (offset << 7))))
    angle = quadrant * np.pi / 2 + ((offset + 0.5) / 2**23 - 0.5) * np.pi / 2
    assert np.abs(cos - np.cos(angle)).max() < 2e-7
    assert np.abs(sin - np.sin(angle)).max() < 2e-7
    assert np.abs(cos**2 + sin**2 - 1).max() < 5e-7


# Keys for a run's initial state: the numbers of jax.random, from the unrolled hash.
seed_keys = jax.jit(wbxr_random.seed_keys, static_argnums=1)
uniform = jax.jit(wbxr_random.uniform, static_argnums=(1, 2, 3, 4))
normal = jax.jit(wbxr_random.normal, static_argnums=(1, 2))


def test_seed_keys_and_fold_in_are_jax_randoms():
    seeds = np.asarray([0, 1, 12345, 2**32 - 1], np.uint32)
    words = np.asarray(seed_keys(seeds, 5))
    assert words.shape == (4, 5, 2) and words.dtype == np.uint32
    for seed, ours in zip(seeds, words):
        np.testing.assert_array_equal(ours, jax.random.key_data(jax.random.split(jax.random.key(seed), 5)))
    folded = np.asarray(jax.jit(wbxr_random.fold_in, static_argnums=1)(words[:, 1], 3))
    for seed, ours in zip(seeds, folded):
        key = jax.random.split(jax.random.key(seed), 5)[1]
        np.testing.assert_array_equal(ours, jax.random.key_data(jax.random.fold_in(key, 3)))


@pytest.mark.parametrize("shape", [(1,), (2, 8), (3, 5, 7)])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_uniform_and_normal_are_jax_randoms_bit_for_bit(shape, dtype, x64):
    with x64() if dtype == np.float64 else contextlib.nullcontext():
        keys = jax.random.split(jax.random.key(2024), 3)
        words = jax.random.key_data(keys)
        ours_uniform = np.asarray(uniform(words, shape, dtype, -0.5, 2.0))
        ours_normal = np.asarray(normal(words, shape, dtype))
        assert ours_uniform.dtype == ours_normal.dtype == dtype
        for key, u, z in zip(keys, ours_uniform, ours_normal):
            np.testing.assert_array_equal(u, jax.random.uniform(key, shape, dtype, -0.5, 2.0))
            np.testing.assert_array_equal(z, jax.random.normal(key, shape, dtype))


def test_uniform_checks_dtype_and_size():
    words = np.zeros((1, 2), np.uint32)
    with pytest.raises(TypeError, match="dtype must be float32 or float64, got int32"):
        wbxr_random.uniform(words, (2,), np.int32)
    with pytest.raises(ValueError, match=r"shape=\(65536, 65536\) has 4294967296 elements"):
        wbxr_random.uniform(words, (2**16, 2**16), np.float32)
    with pytest.raises(TypeError, match="dtype=float64 needs JAX's 64-bit mode"):
        wbxr_random.normal(words, (2,), np.float64)
