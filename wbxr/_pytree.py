"""Register frozen dataclasses as JAX pytrees without re-running their validation."""

from __future__ import annotations

from collections.abc import Sequence

import jax


def register_dataclass_pytree(cls: type, leaf_fields: Sequence[str]) -> type:
    """Make instances of the frozen dataclass ``cls`` pytrees whose leaves are ``leaf_fields``.

    Unflattening builds the instance with ``object.__new__`` and sets the fields directly,
    so ``__init__``/``__post_init__`` validation runs only when users construct objects,
    never on traced values inside ``jit``, ``vmap`` or ``grad``.
    """
    names = tuple(leaf_fields)

    def flatten(obj):
        return tuple(getattr(obj, n) for n in names), None

    def flatten_with_keys(obj):
        return tuple((jax.tree_util.GetAttrKey(n), getattr(obj, n)) for n in names), None

    def unflatten(_, children):
        obj = object.__new__(cls)
        for n, value in zip(names, children):
            object.__setattr__(obj, n, value)
        return obj

    jax.tree_util.register_pytree_with_keys(cls, flatten_with_keys, unflatten, flatten)
    return cls
