"""Chapter 3 (deep autoencoders): checks for the coding exercises."""

from __future__ import annotations

import numbers
from collections.abc import Callable

from ..models import MLPAutoencoder, count_parameters
from .feedback import Feedback, run_answer

__all__ = ["check_mlp_parameter_count"]

#: (hidden, latent_dim, input_size) tried by the check; the last two are
#: shapes the chapter never shows, so a formula that hard-codes 784, 256 or
#: 32 fails.
_SHAPES = ((256, 32, 784), (64, 2, 784), (100, 7, 64), (9, 3, 16))


def _count(hidden: int, latent_dim: int, input_size: int) -> int:
    side = int(input_size**0.5)
    model = MLPAutoencoder(
        latent_dim=latent_dim, hidden_dims=(hidden,), image_shape=(1, side, side)
    )
    return count_parameters(model)


def _diagnose(answer: int, hidden: int, latent_dim: int, input_size: int) -> str:
    """Name the usual mistake behind a wrong count, if it is one of them."""
    weights = 2 * (input_size * hidden + hidden * latent_dim)
    biases = 2 * hidden + latent_dim + input_size
    encoder = input_size * hidden + hidden + hidden * latent_dim + latent_dim
    if answer == weights:
        return (
            "You counted the weight matrices only: every nn.Linear also has "
            "one bias per output."
        )
    if answer in (encoder, weights + biases - encoder):
        return "That is one half of the model: count the encoder and the decoder."
    if (
        answer == weights + biases - latent_dim
        or answer == weights + biases - input_size
    ):
        return (
            "One bias vector is missing: the code layer has latent_dim biases "
            "and the output layer input_size biases."
        )
    if answer == weights + 2 * hidden:
        return (
            "Only the hidden layers' biases are counted: the code and output "
            "layers have biases too."
        )
    if answer == weights // 2 + biases:
        return (
            "The weights are counted once for both sides, as if the decoder reused "
            "the encoder's matrices (tied weights); MLPAutoencoder has its own decoder weights."
        )
    return (
        "List the four nn.Linear layers (input_size -> hidden -> latent_dim -> "
        "hidden -> input_size) and add inputs x outputs + outputs for each."
    )


def check_mlp_parameter_count(count: Callable[..., int]) -> Feedback:
    """Check ``count(hidden, latent_dim, input_size)`` against the real model.

    The answer must equal :func:`aeutils.models.count_parameters` of an
    :class:`aeutils.models.MLPAutoencoder` with one hidden layer of
    ``hidden`` units on each side, for shapes including some the chapter
    does not show.
    """
    exercise = "parameters of an MLP autoencoder"
    for hidden, latent_dim, input_size in _SHAPES:
        answer, failure = run_answer(exercise, count, hidden, latent_dim, input_size)
        if failure is not None:
            return failure
        shape = f"hidden={hidden}, latent_dim={latent_dim}, input_size={input_size}"
        if isinstance(answer, bool) or not isinstance(answer, numbers.Integral):
            message = (
                f"Return a whole number of parameters, got {answer!r} "
                f"({type(answer).__name__}) for {shape}."
            )
            return Feedback(exercise, False, [message])
        expected = _count(hidden, latent_dim, input_size)
        if int(answer) != expected:
            message = (
                f"For {shape} the model has {expected:,} parameters, your "
                f"formula gives {int(answer):,}."
            )
            hint = _diagnose(int(answer), hidden, latent_dim, input_size)
            return Feedback(exercise, False, [message, hint])
    message = (
        "The formula matches count_parameters for every shape tried, "
        "including ones the chapter does not show."
    )
    return Feedback(exercise, True, [message])
