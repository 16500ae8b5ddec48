"""Unit-test fixtures; strict rank promotion catches silent broadcasting in wbxr's code."""

import jax
import matplotlib
import pytest

matplotlib.use("Agg")
jax.config.update("jax_numpy_rank_promotion", "raise")


class CompileCounter:
    """Counts XLA backend compilations (via jax.monitoring) while active."""

    def __init__(self) -> None:
        self.names: list[str] = []
        self.active = False

    @property
    def count(self) -> int:
        return len(self.names)

    def require_names(self) -> None:
        """Skip a test that identifies compiled functions by name where JAX gives none."""
        if "?" in self.names:
            pytest.skip("this JAX version does not report the names of compiled functions")

    def __call__(self, event: str, duration: float, **kwargs) -> None:
        if self.active and event == "/jax/core/compile/backend_compile_duration":
            self.names.append(str(kwargs.get("fun_name", "?")))


_COUNTER = CompileCounter()
jax.monitoring.register_event_duration_secs_listener(_COUNTER)


@pytest.fixture
def compile_count():
    """``with compile_count() as c: ...`` then ``c.count`` is the compilations inside."""

    class _Scope:
        def __enter__(self):
            _COUNTER.names = []
            _COUNTER.active = True
            return _COUNTER

        def __exit__(self, *exc):
            _COUNTER.active = False
            return False

    return _Scope


@pytest.fixture
def x64():
    """``with x64(): ...`` runs JAX in float64 (for tight reference comparisons)."""
    from wbxr.random import _x64  # JAX's context manager, on older JAX too

    return _x64
