"""Chapter 3's exercise check accepts the right formula and names typical mistakes."""

from __future__ import annotations

from aeutils import exercises


def reference(hidden, latent_dim, input_size=784):
    encoder = input_size * hidden + hidden + hidden * latent_dim + latent_dim
    decoder = latent_dim * hidden + hidden + hidden * input_size + input_size
    return encoder + decoder


def test_reference_passes():
    feedback = exercises.check_mlp_parameter_count(reference)
    assert feedback.passed, feedback


def test_weights_without_biases_are_named():
    def weights_only(hidden, latent_dim, input_size=784):
        return 2 * (input_size * hidden + hidden * latent_dim)

    feedback = exercises.check_mlp_parameter_count(weights_only)
    assert not feedback.passed
    assert "bias" in str(feedback)


def test_encoder_only_is_named():
    def half(hidden, latent_dim, input_size=784):
        return input_size * hidden + hidden + hidden * latent_dim + latent_dim

    feedback = exercises.check_mlp_parameter_count(half)
    assert not feedback.passed
    assert "encoder and the decoder" in str(feedback)


def test_missing_output_bias_is_named():
    feedback = exercises.check_mlp_parameter_count(
        lambda h, k, d=784: reference(h, k, d) - d
    )
    assert not feedback.passed
    assert "One bias vector is missing" in str(feedback)


def test_tied_weights_are_named():
    def tied(hidden, latent_dim, input_size=784):
        return (
            input_size * hidden
            + hidden * latent_dim
            + 2 * hidden
            + latent_dim
            + input_size
        )

    feedback = exercises.check_mlp_parameter_count(tied)
    assert not feedback.passed
    assert "tied" in str(feedback)


def test_a_formula_that_hard_codes_the_input_size_fails():
    feedback = exercises.check_mlp_parameter_count(
        lambda h, k, d=784: reference(h, k, 784)
    )
    assert not feedback.passed
    assert "input_size=64" in str(feedback)


def test_stub_float_and_crash_are_reported_not_raised():
    def stub(hidden, latent_dim, input_size=784):
        raise NotImplementedError

    assert "Not implemented" in str(exercises.check_mlp_parameter_count(stub))
    as_float = exercises.check_mlp_parameter_count(
        lambda h, k, d=784: float(reference(h, k, d))
    )
    assert not as_float.passed and "whole number" in str(as_float)
    crash = exercises.check_mlp_parameter_count(lambda h, k, d=784: 1 / 0)
    assert not crash.passed and "ZeroDivisionError" in str(crash)
