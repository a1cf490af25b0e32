"""The convolution-size check accepts the formula and names typical mistakes."""

from __future__ import annotations

from aeutils import exercises


def reference(size, kernel, stride=1, padding=0):
    return (size + 2 * padding - kernel) // stride + 1


def test_reference_passes():
    feedback = exercises.check_conv_output_size(reference)
    assert feedback.passed, feedback


def test_missing_plus_one_is_named():
    feedback = exercises.check_conv_output_size(
        lambda n, k, s=1, p=0: (n + 2 * p - k) // s
    )
    assert not feedback.passed
    assert "Off by one" in str(feedback)


def test_padding_on_one_side_is_named():
    feedback = exercises.check_conv_output_size(
        lambda n, k, s=1, p=0: (n + p - k) // s + 1
    )
    assert not feedback.passed
    assert "both sides" in str(feedback)


def test_rounding_up_is_named():
    feedback = exercises.check_conv_output_size(
        lambda n, k, s=1, p=0: -(-(n + 2 * p - k) // s) + 1
    )
    assert not feedback.passed
    assert "round the division down" in str(feedback)


def test_missing_padding_is_named():
    feedback = exercises.check_conv_output_size(lambda n, k, s=1, p=0: (n - k) // s + 1)
    assert not feedback.passed
    assert "padding is missing" in str(feedback)


def test_true_division_is_named():
    # Right on the chapter's layers, where the division is exact, then a float.
    feedback = exercises.check_conv_output_size(
        lambda n, k, s=1, p=0: (n + 2 * p - k) / s + 1
    )
    assert not feedback.passed
    assert "//" in str(feedback)


def test_hard_coded_answer_fails():
    feedback = exercises.check_conv_output_size(lambda n, k, s=1, p=0: n // 2)
    assert not feedback.passed


def test_stub_and_crash_are_reported_not_raised():
    def stub(size, kernel, stride=1, padding=0):
        raise NotImplementedError

    assert "Not implemented" in str(exercises.check_conv_output_size(stub))
    crash = exercises.check_conv_output_size(lambda n, k, s=1, p=0: {}["size"])
    assert not crash.passed and "KeyError" in str(crash)
    text = exercises.check_conv_output_size(lambda n, k, s=1, p=0: "14")
    assert not text.passed and "whole number" in str(text)
