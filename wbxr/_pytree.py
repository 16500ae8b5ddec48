"""Register frozen dataclasses as JAX pytrees without re-running their validation."""

from __future__ import annotations

from collections.abc import Sequence

import jax


def register_dataclass_pytree(
    cls: type, leaf_fields: Sequence[str], static_fields: Sequence[str] = ()
) -> type:
    """Make instances of the frozen dataclass ``cls`` pytrees whose leaves are ``leaf_fields``.

    ``static_fields`` travel in the tree structure instead (they must be hashable): they
    are part of what a compiled program is specialised on, like a function or a choice of
    method, and changing them recompiles.

    Unflattening builds the instance with ``object.__new__`` and sets the fields directly,
    so ``__init__``/``__post_init__`` validation runs only when users construct objects,
    never on traced values inside ``jit``, ``vmap`` or ``grad``.
    """
    names = tuple(leaf_fields)
    statics = tuple(static_fields)

    def flatten(obj):
        return tuple(getattr(obj, n) for n in names), tuple(getattr(obj, n) for n in statics)

    def flatten_with_keys(obj):
        children = tuple((jax.tree_util.GetAttrKey(n), getattr(obj, n)) for n in names)
        return children, tuple(getattr(obj, n) for n in statics)

    def unflatten(static_values, children):
        obj = object.__new__(cls)
        for n, value in zip(names, children):
            object.__setattr__(obj, n, value)
        for n, value in zip(statics, static_values):
            object.__setattr__(obj, n, value)
        return obj

    jax.tree_util.register_pytree_with_keys(cls, flatten_with_keys, unflatten, flatten)
    return cls
