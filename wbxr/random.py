r"""Counter-based standard normal draws: the noise of step ``n`` from (key, n) alone.

The noise of a simulation must not depend on how its steps are grouped, chunked or
batched, so every draw is a pure function of the member's key, the step number and the
position in the step's array: the *counter-based* design of Random123 (Salmon et al.
2011).  The hash is Threefry-2x32 with 20 rounds, the same function as JAX's default PRNG
(:func:`jax.extend.random.threefry_2x32` gives identical bits, see the tests).  It is
written out here unrolled because JAX lowers its own version to a rolled loop on the CPU,
which made drawing the noise the most expensive part of a simulation (about 20 ns per
number against about 2 ns unrolled).

Draw ``j`` of step ``n`` is the first output word of the hash of the counter ``(n, j)``
under the member's key.  Uniform numbers take its top 23 bits, :math:`u = 2\,(b + \tfrac12)/2^{23} - 1
\in (-1, 1)`, and normals are :math:`\sqrt2\,\operatorname{erf}^{-1}(u)`, as in
:func:`jax.random.normal`.

References
----------
Salmon, J. K., Moraes, M. A., Dror, R. O. & Shaw, D. E. (2011). Parallel random numbers:
as easy as 1, 2, 3. *Proceedings of SC11*, 16:1-16:12.
"""

from __future__ import annotations

import jax
import jax.numpy as jnp
import numpy as np

__all__ = ["threefry2x32", "normals_for_steps"]

_ROTATIONS = ((13, 15, 26, 6), (17, 29, 16, 24))
_PARITY = np.uint32(0x1BD11BDA)


def _rotate_left(value: jax.Array, distance: int) -> jax.Array:
    return (value << np.uint32(distance)) | (value >> np.uint32(32 - distance))


def threefry2x32(
    key0: jax.Array, key1: jax.Array, count0: jax.Array, count1: jax.Array
) -> tuple[jax.Array, jax.Array]:
    """Threefry-2x32-20 of the counter ``(count0, count1)`` under the key ``(key0, key1)``.

    All arguments are uint32 arrays that broadcast together; returns two uint32 arrays.

    Examples
    --------
    >>> import numpy as np
    >>> zero = jnp.zeros((), jnp.uint32)
    >>> out = threefry2x32(zero, zero, zero, zero)
    >>> [hex(int(word)) for word in out]   # the known-answer vector of Salmon et al.
    ['0x6b200159', '0x99ba4efe']
    """
    keys = (key0, key1, key0 ^ key1 ^ _PARITY)
    x0 = count0 + keys[0]
    x1 = count1 + keys[1]
    for group in range(5):
        for distance in _ROTATIONS[group % 2]:
            x0 = x0 + x1
            x1 = _rotate_left(x1, distance) ^ x0
        x0 = x0 + keys[(group + 1) % 3]
        x1 = x1 + keys[(group + 2) % 3] + np.uint32(group + 1)
    return x0, x1


def _normal_from_bits(bits: jax.Array, dtype) -> jax.Array:
    top = (bits >> np.uint32(9)).astype(jnp.float32)
    uniform = (top + 0.5) * np.float32(2.0 / 2**23) - 1.0  # in (-1, 1), never +-1
    return (np.float32(np.sqrt(2.0)) * jax.lax.erf_inv(uniform)).astype(dtype)


def normals_for_steps(
    key_words: jax.Array, first_step: jax.Array, n_steps: int, shape: tuple[int, ...], dtype
) -> jax.Array:
    """Standard normals for steps ``first_step .. first_step + n_steps - 1`` of every member.

    Parameters
    ----------
    key_words
        ``(n_members, 2)`` uint32 key of each member (e.g. ``jax.random.key_data``).
    first_step
        The first step number (the counter's first word).
    n_steps
        How many steps to draw for.
    shape
        The shape of one step's draws, e.g. ``(n_noisy_variables, n_regions)``.

    Returns
    -------
    ``(n_steps, *shape, n_members)``: entry ``[s, ..., m]`` depends only on member ``m``'s
    key, the step ``first_step + s`` and the position in ``shape``.

    Examples
    --------
    >>> import jax.numpy as jnp
    >>> keys = jnp.asarray([[0, 1], [0, 2]], dtype=jnp.uint32)
    >>> z = normals_for_steps(keys, jnp.uint32(10), 3, (2, 4), jnp.float32)
    >>> z.shape
    (3, 2, 4, 2)
    >>> bool((normals_for_steps(keys, jnp.uint32(11), 2, (2, 4), jnp.float32) == z[1:]).all())
    True
    """
    size = int(np.prod(shape))
    n_members = key_words.shape[0]
    steps = jnp.asarray(first_step, jnp.uint32) + jnp.arange(n_steps, dtype=jnp.uint32)
    key0 = key_words[:, 0].astype(jnp.uint32)[None, None, :]
    key1 = key_words[:, 1].astype(jnp.uint32)[None, None, :]
    count0 = steps[:, None, None]
    count1 = jnp.arange(size, dtype=jnp.uint32)[None, :, None]
    if n_members == 1:
        # The same numbers from flat arrays: XLA vectorises a trailing axis of length 1
        # badly (about 6x slower for a handful of regions).
        count0 = jnp.broadcast_to(count0, (n_steps, size, 1)).reshape(-1)
        count1 = jnp.broadcast_to(count1, (n_steps, size, 1)).reshape(-1)
        key0, key1 = key0.reshape(()), key1.reshape(())
    # One hash per number, its first word only: splitting both words between two halves
    # of the output needs a concatenation, which XLA's CPU emitter does not vectorise.
    bits, _ = threefry2x32(key0, key1, count0, count1)
    normals = _normal_from_bits(bits, dtype)
    if n_members == 1:  # computed flat, not fused into consumers shaped (..., 1)
        normals = jax.lax.optimization_barrier(normals)
    return normals.reshape(n_steps, *shape, n_members)
