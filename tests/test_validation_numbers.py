"""aeutils.validation.numbers: one scalar check accepts every real type."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from aeutils.validation import (
    validate_index,
    validate_positive_int,
    validate_real,
    validate_seed,
)

REALS = [
    0.5, 2, np.float32(0.5), np.float64(0.5), np.int64(3),
    torch.tensor(0.5), torch.tensor(3), np.array(0.25),
]


@pytest.mark.parametrize("value", REALS, ids=repr)
def test_every_real_scalar_type_is_accepted(value):
    result = validate_real(value, name="x")
    assert isinstance(result, float) and result == float(value)


@pytest.mark.parametrize(
    ("value", "error"),
    [
        (True, TypeError), (np.bool_(False), TypeError),
        (torch.tensor(True), TypeError), ("0.5", TypeError),
        (1 + 2j, TypeError), (torch.zeros(2), TypeError),
        (float("nan"), ValueError), (np.float32("inf"), ValueError),
        (torch.tensor(float("nan")), ValueError), (None, TypeError),
    ],
    ids=repr,
)
def test_bools_strings_and_nan_are_refused(value, error):
    with pytest.raises(error, match="x must be"):
        validate_real(value, name="x")


def test_a_string_is_told_to_drop_its_quotes():
    with pytest.raises(TypeError, match="without quotes"):
        validate_real("1e-3", name="lr")


@pytest.mark.parametrize(
    "value", [3, np.int64(3), np.int8(3), torch.tensor(3), np.array(3)]
)
def test_integers_of_every_type(value):
    assert validate_positive_int(value, name="n") == 3
    assert validate_seed(value) == 3
    assert validate_index(value, name="unit", size=4) == 3


@pytest.mark.parametrize(
    ("value", "error"),
    [(0, ValueError), (2.5, TypeError), (True, TypeError), ("8", TypeError),
     (torch.tensor(2.0), TypeError)],
)
def test_check_positive_int(value, error):
    with pytest.raises(error, match="epochs"):
        validate_positive_int(value, name="epochs")


@pytest.mark.parametrize(
    ("value", "error"),
    [(-1, ValueError), (2**32, ValueError), ("a", TypeError)],
)
def test_seeds_are_numpy_range_integers(value, error):
    with pytest.raises(error, match="seed must be"):
        validate_seed(value)


def test_index_bounds_name_the_range():
    with pytest.raises(ValueError, match=r"unit must be in 0\.\.3"):
        validate_index(4, name="unit", size=4)
