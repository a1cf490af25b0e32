"""Codec: per-component quantiser, real byte streams, Pillow files, break-even."""

from __future__ import annotations

import lzma

import numpy as np
import pytest
import torch

from aeutils import codec

SCALES = torch.tensor([8.0, 1.0, 0.1])


def _codes(n: int = 2000, seed: int = 0) -> torch.Tensor:
    generator = torch.Generator().manual_seed(seed)
    return torch.randn(n, 3, generator=generator) * SCALES


def test_each_component_gets_its_own_range():
    quantiser = codec.ComponentQuantiser.fit(_codes(), bits=4)
    width = quantiser.high - quantiser.low
    # The ranges follow each component's spread, not one shared range.
    ratio = width / SCALES
    assert torch.allclose(ratio, ratio[0].expand(3), rtol=0.15)
    assert quantiser.table_bytes == 12
    # The central 99.8 %: 0.1 % of the values fall below low, 0.1 % above.
    below = (_codes() < quantiser.low).float().mean(dim=0)
    assert torch.allclose(below, torch.full((3,), 0.001), atol=0.001)


def test_round_trip_error_is_at_most_half_a_step_inside_the_range():
    codes = _codes()
    quantiser = codec.ComponentQuantiser.fit(codes, bits=6)
    symbols = quantiser.quantise(codes)
    assert symbols.dtype == torch.int64
    assert int(symbols.min()) == 0 and int(symbols.max()) == 63
    step = (quantiser.high - quantiser.low) / 63
    inside = (codes >= quantiser.low) & (codes <= quantiser.high)
    error = (quantiser.round_trip(codes) - codes).abs()[inside]
    step = step.expand_as(codes)[inside]
    # float16-rounded ranges may cut a value by a hair: allow 1 % of a step.
    assert (error <= 0.51 * step).all()


def test_more_bits_means_smaller_error():
    codes = _codes()
    errors = [
        float((codec.ComponentQuantiser.fit(codes, bits=b).round_trip(codes)
               - codes).pow(2).mean())
        for b in (2, 4, 8)
    ]  # fmt: skip
    assert errors[0] > 4 * errors[1] > 16 * errors[2]


def test_out_of_range_codes_are_clipped_to_the_end_levels():
    quantiser = codec.ComponentQuantiser.fit(_codes(), bits=3)
    far = torch.tensor([[1e3, -1e3, 0.0]])
    symbols = quantiser.quantise(far)
    assert symbols[0, 0] == 7 and symbols[0, 1] == 0
    assert torch.allclose(quantiser.dequantise(symbols)[0, :2],
                          torch.stack([quantiser.high[0], quantiser.low[1]]))


def test_quantiser_validates_its_input():
    with pytest.raises(ValueError, match="bits must be between 1 and 16"):
        codec.ComponentQuantiser.fit(_codes(), bits=17)
    with pytest.raises(ValueError, match="single\nvalue|single value"):
        codec.ComponentQuantiser.fit(torch.ones(10, 2), bits=4)
    quantiser = codec.ComponentQuantiser.fit(_codes(), bits=4)
    with pytest.raises(ValueError, match="3 columns"):
        quantiser.quantise(torch.zeros(5, 4))
    with pytest.raises(TypeError, match="integer tensor"):
        quantiser.dequantise(torch.zeros(5, 3))
    with pytest.raises(ValueError, match=r"shape \(N, 3\)"):
        quantiser.dequantise(torch.zeros(5, 4, dtype=torch.long))
    with pytest.raises(ValueError, match=r"\[0, 15\]"):
        quantiser.dequantise(torch.full((5, 3), 16))


def test_packed_bytes_is_a_fixed_length_stream():
    symbols = torch.tensor([[1, 2, 3], [0, 7, 5]])
    stream = codec.packed_bytes(symbols, bits=3)
    assert len(stream) == 3  # 18 bits -> 3 bytes
    bits = np.unpackbits(np.frombuffer(stream, np.uint8))[:18]
    values = bits.reshape(6, 3) @ np.array([4, 2, 1])
    assert values.tolist() == [1, 2, 3, 0, 7, 5]
    with pytest.raises(ValueError, match=r"\[0, 3\]"):
        codec.packed_bytes(symbols, bits=2)


def test_lzma_bytes_decompress_to_the_symbols_component_by_component():
    symbols = codec.ComponentQuantiser.fit(_codes(), bits=8).quantise(_codes())
    stream = lzma.decompress(codec.lzma_bytes(symbols, bits=8))
    back = np.frombuffer(stream, np.uint8).reshape(3, -1).T
    assert np.array_equal(back, symbols.numpy())
    predictable = torch.zeros(2000, 3, dtype=torch.long)
    assert len(codec.lzma_bytes(predictable, bits=8)) < 200
    with pytest.raises(TypeError, match="integer"):
        codec.lzma_bytes(torch.zeros(4, 3), bits=8)


def test_pillow_codec_counts_real_file_bytes():
    images = torch.rand(3, 1, 28, 28, generator=torch.Generator().manual_seed(0))
    sizes, decoded = codec.pillow_codec(images, format="JPEG", quality=50)
    assert sizes.shape == (3,) and (sizes > 100).all()  # headers alone
    assert decoded.shape == images.shape
    assert 0 <= float(decoded.min()) and float(decoded.max()) <= 1
    high, _ = codec.pillow_codec(images, format="WebP", quality=95)
    low, _ = codec.pillow_codec(images, format="WebP", quality=5)
    assert high.mean() > low.mean()
    with pytest.raises(ValueError, match="'JPEG' or 'WebP'"):
        codec.pillow_codec(images, format="PNG", quality=50)
    with pytest.raises(ValueError, match=r"0\.\.100"):
        codec.pillow_codec(images, format="JPEG", quality=101)
    with pytest.raises(ValueError, match="grey"):
        codec.pillow_codec(torch.rand(2, 3, 8, 8), format="JPEG", quality=5)


def test_break_even_is_the_first_image_count_that_saves_bytes():
    n = codec.break_even_images(1000, codec_bytes=10, baseline_bytes=110)
    assert n == 11  # 10 images tie at 1100 bytes; the 11th saves
    assert 1000 + n * 10 < n * 110 and 1000 + (n - 1) * 10 >= (n - 1) * 110
    with pytest.raises(ValueError, match="never breaks even"):
        codec.break_even_images(1000, codec_bytes=50, baseline_bytes=40)
