"""wbxr._units: quantities and bare numbers at the API edge."""

import brainunit as u
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from wbxr._units import TIME_UNIT, region_values, time_ms, to_magnitude

finite = st.floats(-1e6, 1e6, allow_nan=False)


@given(finite)
def test_bare_numbers_are_taken_in_the_default_unit(value):
    assert time_ms(value, "t") == value


@given(finite)
def test_seconds_become_milliseconds(value):
    assert time_ms(value * u.second, "t") == pytest.approx(value * 1000.0, rel=1e-6, abs=1e-9)


@given(st.one_of(st.text(), st.booleans(), st.none()))
def test_non_numbers_are_type_errors_naming_the_argument(value):
    with pytest.raises(TypeError, match="duration"):
        time_ms(value, "duration")


def test_wrong_dimension_is_a_value_error():
    with pytest.raises(ValueError, match=r"dt=.* has units of mm, expected a quantity convertible to ms"):
        time_ms(3 * u.mm, "dt")


def test_arrays_and_bounds():
    np.testing.assert_array_equal(to_magnitude([1, 2], TIME_UNIT, "x", "ms"), [1.0, 2.0])
    with pytest.raises(TypeError, match="real-valued"):
        to_magnitude([1 + 2j], TIME_UNIT, "x", "ms")
    with pytest.raises(ValueError, match="must be > 0"):
        region_values([1.0, 0.0], "tau", unit=TIME_UNIT, unit_name="ms", bound=">0")
    with pytest.raises(ValueError, match="single number"):
        time_ms([1.0, 2.0], "dt")
    with pytest.raises(ValueError, match="finite"):
        time_ms(np.nan, "dt")


@given(st.one_of(st.floats(allow_nan=True, allow_infinity=True), st.integers(-(10**12), 10**12)))
def test_python_numbers_and_numpy_scalars_agree(value):
    """Plain ``float``/``int`` take a shortcut; it must give what the general path gives."""
    if np.isfinite(value):
        assert time_ms(value, "t") == time_ms(np.float64(value), "t") == float(value)
    else:
        for same_value in (value, np.float64(value)):
            with pytest.raises(ValueError, match="t must be finite"):
                time_ms(same_value, "t")
