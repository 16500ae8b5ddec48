r"""Counter-based standard normal draws: the noise of step ``n`` from (key, n) alone.

The noise of a simulation must not depend on how its steps are grouped, chunked or
batched, so every draw is a pure function of the member's key, the step number and the
position in the step's array: the *counter-based* design of Random123 (Salmon et al.
2011).  The hash is Threefry-2x32 with 20 rounds, the same function as JAX's default PRNG
(:func:`jax.extend.random.threefry_2x32` gives identical bits, see the tests).  It is
written out here unrolled because JAX lowers its own version to a rolled loop on the CPU,
which made drawing the noise the most expensive part of a simulation (about 20 ns per
number against about 2 ns unrolled).

Draws come in Box-Muller pairs (Box & Muller 1958): draws :math:`2p` and :math:`2p + 1` of
step ``n`` are :math:`r\cos\theta` and :math:`r\sin\theta`, the radius
:math:`r = \sqrt{-2\ln u}` from the first word of the hash of the counter ``(n, p)`` and the
angle :math:`\theta` from its second word, so one hash, one logarithm and one square root
give two normals.  The angle's cosine and sine are polynomials in an angle of at most
:math:`\pi/4`, rotated by the quadrant (:func:`turn_cos_sin`).  On the CPU this draws a normal in about
3 ns, against 5-7 ns for one hash and an inverse error function per normal (the method of
:func:`jax.random.normal`).

A run's keys and initial state come from the same unrolled hash (:func:`seed_keys`,
:func:`uniform`, :func:`normal`): the numbers of ``jax.random.split``, ``uniform`` and
``normal`` bit for bit, without the rolled loops of JAX's own Threefry on the CPU: a 1 ms
run of 8 regions took 110 microseconds with them and 80 without, and XLA compiled T1's
program (80 regions) in 1.35 s with them and 0.9 s without.

References
----------
Box, G. E. P. & Muller, M. E. (1958). A note on the generation of random normal deviates.
*The Annals of Mathematical Statistics* 29(2), 610-611.

Salmon, J. K., Moraes, M. A., Dror, R. O. & Shaw, D. E. (2011). Parallel random numbers:
as easy as 1, 2, 3. *Proceedings of SC11*, 16:1-16:12.
"""

from __future__ import annotations

from typing import Any

import jax
import jax.numpy as jnp
import numpy as np

__all__ = [
    "box_muller_radius",
    "fold_in",
    "normal",
    "normals_for_steps",
    "seed_keys",
    "threefry2x32",
    "turn_cos_sin",
    "uniform",
]

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


def seed_keys(seeds: jax.Array, n_keys: int) -> jax.Array:
    """The key words of ``jax.random.split(jax.random.key(seed), n_keys)`` for each seed.

    The same bits as JAX's default PRNG (Threefry, with ``jax_threefry_partitionable``, the
    default since JAX 0.5): the seed's key is ``(0, seed)`` and its ``i``-th subkey the hash
    of the counter ``(0, i)``.  Here the hash is unrolled (:func:`threefry2x32`); JAX's own
    runs as a loop of 5 iterations on the CPU, whose operations cost more to launch than
    the few numbers a run's initial state needs.

    Parameters
    ----------
    seeds
        ``(n_members,)`` uint32 seeds.
    n_keys
        How many keys to derive from each seed.

    Returns
    -------
    ``(n_members, n_keys, 2)`` uint32 key words (what ``jax.random.key_data`` gives).

    Examples
    --------
    >>> import jax, jax.numpy as jnp
    >>> words = seed_keys(jnp.asarray([7], jnp.uint32), 3)
    >>> bool((words[0] == jax.random.key_data(jax.random.split(jax.random.key(7), 3))).all())
    True
    """
    seeds = jnp.asarray(seeds, jnp.uint32)[:, None]
    index = jnp.arange(n_keys, dtype=jnp.uint32)[None, :]
    return jnp.stack(threefry2x32(jnp.zeros_like(seeds), seeds, jnp.zeros_like(index), index), axis=-1)


def fold_in(key_words: jax.Array, data: int) -> jax.Array:
    """The key words of ``jax.random.fold_in(key, data)`` for keys ``(..., 2)``.

    Examples
    --------
    >>> import jax, jax.numpy as jnp
    >>> key = jax.random.key(3)
    >>> words = fold_in(jax.random.key_data(key)[None], 5)
    >>> bool((words[0] == jax.random.key_data(jax.random.fold_in(key, 5))).all())
    True
    """
    key_words = jnp.asarray(key_words, jnp.uint32)
    zero, data = jnp.zeros((), jnp.uint32), jnp.asarray(data, jnp.uint32)
    return jnp.stack(threefry2x32(key_words[..., 0], key_words[..., 1], zero, data), axis=-1)


def _random_bits(key_words: jax.Array, shape: tuple[int, ...], bit_width: int) -> jax.Array:
    """``(n_keys, *shape)`` random bits of each key: the hash of each element's flat index."""
    size = int(np.prod(shape))
    if size >= 2**32:
        raise ValueError(f"shape={shape} has {size} elements; at most 2**32 - 1 are supported")
    key_words = jnp.asarray(key_words, jnp.uint32)
    index = jnp.arange(size, dtype=jnp.uint32).reshape(1, *shape)
    expand = (slice(None),) + (None,) * len(shape)
    high, low = threefry2x32(
        key_words[:, 0][expand], key_words[:, 1][expand], jnp.zeros_like(index), index
    )
    if bit_width == 32:
        return high ^ low
    return (high.astype(jnp.uint64) << np.uint64(32)) | low.astype(jnp.uint64)


def uniform(
    key_words: jax.Array, shape: tuple[int, ...], dtype: Any, minval: float = 0.0, maxval: float = 1.0
) -> jax.Array:
    r"""``jax.random.uniform(key, shape, dtype, minval, maxval)`` for each key ``(n_keys, 2)``.

    The random bits fill the mantissa of a number in :math:`[1, 2)`, which minus one is
    uniform on :math:`[0, 1)`, then scaled to ``[minval, maxval)``: the same operations,
    and so the same numbers, as JAX's (float32 or, with 64-bit types enabled, float64).

    Returns
    -------
    ``(n_keys, *shape)`` array of ``dtype``.

    Examples
    --------
    >>> import jax, jax.numpy as jnp
    >>> key = jax.random.key(0)
    >>> ours = uniform(jax.random.key_data(key)[None], (2, 3), jnp.float32)[0]
    >>> bool((ours == jax.random.uniform(key, (2, 3), jnp.float32)).all())
    True
    """
    dtype = np.dtype(dtype)
    if dtype not in (np.float32, np.float64):
        raise TypeError(f"dtype must be float32 or float64, got {dtype}")
    if jax.dtypes.canonicalize_dtype(dtype) != dtype:
        raise TypeError(f"dtype={dtype} needs JAX's 64-bit mode (jax_enable_x64), which is off")
    finfo = np.finfo(dtype)
    bits = _random_bits(key_words, shape, finfo.bits)
    unsigned = bits.dtype.type
    mantissa = (bits >> unsigned(finfo.bits - finfo.nmant)) | np.array(1.0, dtype).view(unsigned)
    floats = jax.lax.bitcast_convert_type(mantissa, dtype) - dtype.type(1.0)
    low, high = dtype.type(minval), dtype.type(maxval)
    return jnp.maximum(low, floats * (high - low) + low)


def normal(key_words: jax.Array, shape: tuple[int, ...], dtype: Any) -> jax.Array:
    r"""``jax.random.normal(key, shape, dtype)`` for each key ``(n_keys, 2)``.

    :math:`\sqrt2\,\operatorname{erf}^{-1}(u)` of a uniform :math:`u` on
    :math:`(-1, 1)` (:func:`uniform`), as JAX draws it; returns ``(n_keys, *shape)``.

    Examples
    --------
    >>> import jax, jax.numpy as jnp
    >>> keys = jax.random.split(jax.random.key(1), 2)
    >>> draws = normal(jax.random.key_data(keys), (4,), jnp.float32)
    >>> [bool((row == jax.random.normal(key, (4,), jnp.float32)).all()) for row, key in zip(draws, keys)]
    [True, True]
    """
    dtype = np.dtype(dtype)
    low = np.nextafter(dtype.type(-1.0), dtype.type(0.0))
    return dtype.type(np.sqrt(2)) * jax.lax.erf_inv(uniform(key_words, shape, dtype, low, 1.0))


# Taylor coefficients of sin(a)/a and cos(a) in a^2, highest power first: on |a| <= pi/4
# the first neglected terms are below 4e-9 and 3e-8.
_SIN = (1.0 / 362880.0, -1.0 / 5040.0, 1.0 / 120.0, -1.0 / 6.0, 1.0)
_COS = (-1.0 / 3628800.0, 1.0 / 40320.0, -1.0 / 720.0, 1.0 / 24.0, -0.5, 1.0)


def _horner(coefficients: tuple[float, ...], x: jax.Array) -> jax.Array:
    total = jnp.full_like(x, coefficients[0])
    for coefficient in coefficients[1:]:
        total = total * x + np.float32(coefficient)
    return total


def box_muller_radius(bits: jax.Array) -> jax.Array:
    r"""The radius :math:`\sqrt{-2\ln u}` of a uniform :math:`u` from the top 23 bits of ``bits``.

    :math:`u = (b + \tfrac12)\,2^{-23} \in (0, 1)` for the top bits :math:`b`, exact in
    float32, so the radius is finite: at most :math:`\sqrt{48 \ln 2} = 5.77`.

    Examples
    --------
    >>> import jax.numpy as jnp
    >>> r = box_muller_radius(jnp.asarray([0, 2**31, 2**32 - 1], jnp.uint32))
    >>> [round(float(v), 4) for v in r]
    [5.7681, 1.1774, 0.0003]
    """
    uniform = ((bits >> np.uint32(9)).astype(jnp.float32) + 0.5) * np.float32(2.0**-23)
    return jnp.sqrt(-2.0 * jnp.log(uniform))


def turn_cos_sin(bits: jax.Array) -> tuple[jax.Array, jax.Array]:
    r"""Cosine and sine of a uniform angle :math:`\theta` read off ``bits`` (uint32).

    The top 2 bits give the quadrant :math:`q`, the next 23 the offset
    :math:`a = \bigl((f + \tfrac12)\,2^{-23} - \tfrac12\bigr)\tfrac\pi2 \in (-\tfrac\pi4, \tfrac\pi4)`:
    :math:`\theta = q\,\tfrac\pi2 + a`, uniform on the circle.  :math:`\cos a` and
    :math:`\sin a` are their Taylor polynomials (10th and 9th degree), rotated by the
    quadrant: no range reduction (with :func:`jax.numpy.cos` and :func:`jax.numpy.sin`, whose
    range reduction this skips, the draws cost three times as much).

    Examples
    --------
    >>> import jax.numpy as jnp
    >>> bits = jnp.asarray([0, 2**30 + 2**29, 2**31 + 2**29], jnp.uint32)  # -pi/4, pi/2, pi
    >>> c, s = turn_cos_sin(bits)
    >>> [round(float(v), 6) + 0.0 for v in c], [round(float(v), 6) + 0.0 for v in s]
    ([0.707107, 0.0, -1.0], [-0.707107, 1.0, 0.0])
    """
    quadrant = bits >> np.uint32(30)
    offset = ((bits >> np.uint32(7)) & np.uint32(2**23 - 1)).astype(jnp.float32)
    a = ((offset + 0.5) * np.float32(2.0**-23) - 0.5) * np.float32(np.pi / 2)
    a2 = a * a
    cos, sin = _horner(_COS, a2), a * _horner(_SIN, a2)
    odd = (quadrant & np.uint32(1)) == 1  # a quarter turn swaps them (and a sign)
    cos, sin = jnp.where(odd, sin, cos), jnp.where(odd, cos, sin)
    cos = jnp.where((quadrant == 1) | (quadrant == 2), -cos, cos)
    sin = jnp.where(quadrant >= 2, -sin, sin)
    return cos, sin


def _x64(enabled: bool = True) -> Any:
    """JAX's context manager for 64-bit types on (or off) in this thread
    (``jax.experimental.enable_x64`` in older JAX)."""
    enable_x64 = getattr(jax, "enable_x64", None)
    if enable_x64 is None:  # pragma: no cover - older JAX
        from jax.experimental import enable_x64
    return enable_x64(enabled)


def _interleave(even: jax.Array, odd: jax.Array) -> jax.Array:
    """``stack([even, odd], -1)``, materialised as one 64-bit word per pair.

    Each word is computed in one go, so the hash, the radius and the angle it shares are
    computed once: stacking the float32 halves directly evaluates them once per half (XLA
    fuses the whole generator into each element of the stack), 2x slower on the CPU.
    """
    words = jnp.stack([jax.lax.bitcast_convert_type(v, jnp.uint32) for v in (even, odd)], axis=-1)
    with _x64():  # no 64-bit constants in here: they would be lowered as 32-bit ones
        packed = jax.lax.optimization_barrier(jax.lax.bitcast_convert_type(words, jnp.uint64))
        return jax.lax.bitcast_convert_type(packed, jnp.float32)


def normals_for_steps(
    key_words: jax.Array, first_step: jax.Array, n_steps: int, shape: tuple[int, ...], dtype
) -> jax.Array:
    r"""Standard normals for steps ``first_step .. first_step + n_steps - 1`` of every member.

    Draws :math:`2p` and :math:`2p + 1` of step :math:`n` are one Box-Muller pair: the
    two words :math:`(b_0, b_1)` of the hash of the counter :math:`(n, p)` under the
    member's key give :math:`z_{2p} = r\cos\theta` and :math:`z_{2p+1} = r\sin\theta` with
    :math:`r = \sqrt{-2\ln u(b_0)}` (:func:`box_muller_radius`) and :math:`\theta` uniform
    from :math:`b_1` (:func:`turn_cos_sin`).  The draws are counted over ``shape``
    flattened (C order); of an odd count, the last pair's sine is not used.

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

    References
    ----------
    Box, G. E. P. & Muller, M. E. (1958). A note on the generation of random normal
    deviates. *The Annals of Mathematical Statistics* 29(2), 610-611.

    Examples
    --------
    >>> import jax, jax.numpy as jnp
    >>> draw = jax.jit(normals_for_steps, static_argnums=(2, 3, 4))
    >>> keys = jnp.asarray([[0, 1], [0, 2]], dtype=jnp.uint32)
    >>> z = draw(keys, jnp.uint32(10), 3, (2, 4), jnp.float32)
    >>> z.shape
    (3, 2, 4, 2)
    >>> bool((draw(keys, jnp.uint32(11), 2, (2, 4), jnp.float32) == z[1:]).all())
    True
    """
    size = int(np.prod(shape))
    n_pairs = (size + 1) // 2
    n_members = key_words.shape[0]
    steps = jnp.asarray(first_step, jnp.uint32) + jnp.arange(n_steps, dtype=jnp.uint32)
    key0 = key_words[:, 0].astype(jnp.uint32)[None, None, :]
    key1 = key_words[:, 1].astype(jnp.uint32)[None, None, :]
    count0 = steps[:, None, None]
    count1 = jnp.arange(n_pairs, dtype=jnp.uint32)[None, :, None]
    if n_members == 1:
        # The same numbers from flat arrays: XLA vectorises a trailing axis of length 1
        # badly (about 6x slower for a handful of regions).
        count0 = jnp.broadcast_to(count0, (n_steps, n_pairs, 1)).reshape(-1)
        count1 = jnp.broadcast_to(count1, (n_steps, n_pairs, 1)).reshape(-1)
        key0, key1 = key0.reshape(()), key1.reshape(())
    radius_bits, angle_bits = threefry2x32(key0, key1, count0, count1)
    radius = box_muller_radius(radius_bits)
    cos, sin = turn_cos_sin(angle_bits)
    pairs = _interleave(radius * cos, radius * sin).reshape(n_steps, n_pairs, n_members, 2)
    if n_members > 1:  # (a transpose of a trailing axis of length 1 costs a copy)
        pairs = jnp.swapaxes(pairs, 2, 3)
    normals = pairs.reshape(n_steps, 2 * n_pairs, n_members)[:, :size]
    return normals.astype(dtype).reshape(n_steps, *shape, n_members)
