"""Chapter 3's exercise check accepts the reference and names typical mistakes."""

from __future__ import annotations

from torch import nn

from aeutils import exercises


def reference(latent_dim):
    encoder = nn.Sequential(
        nn.Flatten(), nn.Linear(784, 64), nn.ReLU(), nn.Linear(64, latent_dim)
    )
    decoder = nn.Sequential(
        nn.Linear(latent_dim, 64), nn.ReLU(), nn.Linear(64, 784),
        nn.Sigmoid(), nn.Unflatten(1, (1, 28, 28)),
    )
    return encoder, decoder


def test_reference_passes():
    feedback = exercises.check_mlp_halves(reference)
    assert feedback.passed, feedback


def test_missing_sigmoid_is_named():
    def build(latent_dim):
        encoder, _ = reference(latent_dim)
        decoder = nn.Sequential(
            nn.Linear(latent_dim, 64), nn.ReLU(), nn.Linear(64, 784),
            nn.Unflatten(1, (1, 28, 28)),
        )
        return encoder, decoder

    feedback = exercises.check_mlp_halves(build)
    assert not feedback.passed
    assert "Sigmoid" in str(feedback)


def test_fixed_bottleneck_is_named():
    def build(latent_dim):
        return reference(32)[0], reference(latent_dim)[1]

    feedback = exercises.check_mlp_halves(build)
    assert not feedback.passed
    assert "ignores the bottleneck size" in str(feedback)


def test_linear_encoder_is_named():
    def build(latent_dim):
        encoder = nn.Sequential(
            nn.Flatten(), nn.Linear(784, 64), nn.Linear(64, latent_dim)
        )
        return encoder, reference(latent_dim)[1]

    feedback = exercises.check_mlp_halves(build)
    assert not feedback.passed
    assert "affine" in str(feedback)


def test_stub_and_wrong_return_do_not_raise():
    def stub(latent_dim):
        raise NotImplementedError

    assert "Not implemented" in str(exercises.check_mlp_halves(stub))
    single = exercises.check_mlp_halves(lambda k: nn.Linear(784, k))
    assert not single.passed and "pair" in str(single)
