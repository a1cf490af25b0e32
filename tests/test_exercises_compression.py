"""The per-component quantiser check accepts the reference and names mistakes."""

from __future__ import annotations

import torch

from aeutils import exercises


def reference(codes, low, high, bits):
    step = (high - low) / (2**bits - 1)
    symbols = torch.round((codes - low) / step).clamp(0, 2**bits - 1)
    return low + symbols * step


def test_reference_passes():
    assert exercises.check_component_quantiser(reference).passed


def test_library_quantiser_passes():
    from aeutils.codec import ComponentQuantiser

    def with_library(codes, low, high, bits):
        return ComponentQuantiser(low=low, high=high, bits=bits).round_trip(codes)

    assert exercises.check_component_quantiser(with_library).passed


def test_one_shared_range_is_named():
    def shared(codes, low, high, bits):
        return reference(codes, low.min(), high.max(), bits)

    feedback = exercises.check_component_quantiser(shared)
    assert not feedback.passed and "share one range" in str(feedback)


def test_too_many_steps_is_named():
    def off_by_one(codes, low, high, bits):
        step = (high - low) / 2**bits
        symbols = torch.round((codes - low) / step).clamp(0, 2**bits - 1)
        return low + symbols * step

    feedback = exercises.check_component_quantiser(off_by_one)
    assert not feedback.passed and "2**bits - 1" in str(feedback)


def test_missing_clip_and_symbols_are_named():
    def no_clip(codes, low, high, bits):
        step = (high - low) / (2**bits - 1)
        return low + torch.round((codes - low) / step) * step

    def symbols(codes, low, high, bits):
        step = (high - low) / (2**bits - 1)
        return torch.round((codes - low) / step).clamp(0, 2**bits - 1)

    assert "clipped" in str(exercises.check_component_quantiser(no_clip))
    assert "symbols" in str(exercises.check_component_quantiser(symbols))
