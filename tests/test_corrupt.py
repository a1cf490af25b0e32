"""aeutils.corrupt: reproducibility, statistics, clipping and bad input."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from aeutils import corrupt

FUNCTIONS = {
    "gaussian": (corrupt.corrupt_gaussian, {"sigma": 0.3}),
    "mask": (corrupt.corrupt_mask, {"p": 0.5}),
    "patches": (corrupt.corrupt_patches, {"patch_size": 8}),
}


def gen(seed: int = 0) -> torch.Generator:
    return torch.Generator().manual_seed(seed)


@pytest.fixture
def images() -> torch.Tensor:
    return torch.rand(16, 1, 28, 28, generator=gen(123))


@pytest.mark.parametrize("kind", FUNCTIONS)
def test_seeded_reproducible_new_tensor_same_shape(kind, images):
    fn, kwargs = FUNCTIONS[kind]
    original = images.clone()
    a = fn(images, **kwargs, generator=gen(1))
    b = fn(images, **kwargs, generator=gen(1))
    c = fn(images, **kwargs, generator=gen(2))
    torch.testing.assert_close(a, b, rtol=0, atol=0)
    assert not torch.equal(a, c)
    assert a.shape == images.shape and a.dtype == images.dtype
    assert a.data_ptr() != images.data_ptr()
    torch.testing.assert_close(images, original, rtol=0, atol=0)
    assert 0.0 <= float(a.min()) and float(a.max()) <= 1.0


@pytest.mark.parametrize("kind", FUNCTIONS)
def test_global_generator_when_none(kind, images):
    fn, kwargs = FUNCTIONS[kind]
    torch.manual_seed(5)
    a = fn(images, **kwargs)
    torch.manual_seed(5)
    b = fn(images, **kwargs)
    torch.testing.assert_close(a, b, rtol=0, atol=0)


@pytest.mark.parametrize("kind", FUNCTIONS)
def test_accepts_numpy_and_float64(kind, images):
    # Like every aeutils function, images arrive as float32 tensors.
    fn, kwargs = FUNCTIONS[kind]
    out = fn(images.double().numpy(), **kwargs, generator=gen())
    assert isinstance(out, torch.Tensor) and out.dtype == torch.float32
    assert out.shape == images.shape


def test_gaussian_noise_statistics():
    # Mid-grey images: clipping at sigma = 0.1 is a > 5 sigma event.
    x = torch.full((64, 1, 28, 28), 0.5)
    noise = corrupt.corrupt_gaussian(x, sigma=0.1, generator=gen()) - x
    assert abs(float(noise.mean())) < 2e-3
    assert float(noise.std()) == pytest.approx(0.1, rel=0.02)
    # Independent across pixels: neighbouring pixels are uncorrelated.
    flat = noise.flatten()
    corr = np.corrcoef(flat[:-1].numpy(), flat[1:].numpy())[0, 1]
    assert abs(corr) < 0.02


def test_gaussian_clips_to_unit_interval():
    x = torch.cat([torch.zeros(8, 1, 28, 28), torch.ones(8, 1, 28, 28)])
    out = corrupt.corrupt_gaussian(x, sigma=0.5, generator=gen())
    assert float(out.min()) == 0.0 and float(out.max()) == 1.0
    # About half the black pixels are pushed below 0 and clipped back to 0.
    assert float((out[:8] == 0).float().mean()) == pytest.approx(0.5, abs=0.03)
    assert float((out[8:] == 1).float().mean()) == pytest.approx(0.5, abs=0.03)


def test_gaussian_sigma_zero_is_a_copy(images):
    out = corrupt.corrupt_gaussian(images, sigma=0, generator=gen())
    torch.testing.assert_close(out, images, rtol=0, atol=0)


@pytest.mark.parametrize("p", [0.1, 0.25, 0.5, 0.9])
def test_mask_fraction_close_to_p(p):
    x = torch.ones(64, 1, 28, 28)
    out = corrupt.corrupt_mask(x, p=p, generator=gen())
    zeroed = float((out == 0).float().mean())
    # 50 176 Bernoulli draws: standard error <= 0.0023.
    assert zeroed == pytest.approx(p, abs=0.012)
    # Pixels that survive keep their value exactly.
    assert set(out.unique().tolist()) <= {0.0, 1.0}


def test_mask_extremes(images):
    torch.testing.assert_close(
        corrupt.corrupt_mask(images, p=0.0, generator=gen()), images
    )
    assert float(corrupt.corrupt_mask(images, p=1.0).abs().max()) == 0.0


def test_mask_differs_per_image():
    x = torch.ones(8, 1, 28, 28)
    masks = corrupt.corrupt_mask(x, p=0.5, generator=gen()) == 0
    for i in range(1, 8):
        assert not torch.equal(masks[0], masks[i])


def test_patches_zero_one_square_per_image():
    x = torch.ones(32, 3, 28, 28)
    out = corrupt.corrupt_patches(x, patch_size=7, generator=gen())
    zeroed = out == 0
    # All channels masked alike; exactly 7 * 7 pixels per image.
    assert torch.equal(zeroed, zeroed[:, :1].expand_as(zeroed))
    per_image = zeroed[:, 0]
    assert per_image.flatten(1).sum(1).tolist() == [49] * 32
    for mask in per_image:
        rows = mask.any(1).nonzero().flatten()
        cols = mask.any(0).nonzero().flatten()
        assert len(rows) == 7 and len(cols) == 7
        assert int(rows[-1] - rows[0]) == 6 and int(cols[-1] - cols[0]) == 6
    positions = {tuple(m.nonzero()[0].tolist()) for m in per_image}
    assert len(positions) > 16  # different positions per image


def test_patches_cover_the_whole_image_uniformly():
    x = torch.ones(4000, 1, 10, 10)
    out = corrupt.corrupt_patches(x, patch_size=1, generator=gen())
    hits = (out == 0).float().sum(0)[0]  # each pixel: expected 40
    assert float(hits.min()) > 15 and float(hits.max()) < 70
    full = corrupt.corrupt_patches(x[:3], patch_size=10, generator=gen())
    assert float(full.max()) == 0.0


def test_patches_rectangular_images():
    x = torch.ones(50, 1, 6, 20)
    out = corrupt.corrupt_patches(x, patch_size=6, generator=gen())
    assert (out == 0).flatten(1).sum(1).tolist() == [36] * 50


@pytest.mark.parametrize(
    ("fn", "kwargs", "error", "match"),
    [
        (corrupt.corrupt_gaussian, {"sigma": -0.1}, ValueError, "sigma must be zero or positive"),
        (corrupt.corrupt_gaussian, {"sigma": float("nan")}, ValueError,
         "finite"),
        (corrupt.corrupt_gaussian, {"sigma": "0.3"}, TypeError, "real"),
        (corrupt.corrupt_gaussian, {"sigma": True}, TypeError, "real"),
        (corrupt.corrupt_mask, {"p": -0.01}, ValueError, r"\[0, 1\]"),
        (corrupt.corrupt_mask, {"p": 1.5}, ValueError, r"\[0, 1\]"),
        (corrupt.corrupt_mask, {"p": 50}, ValueError, "percentage"),
        (corrupt.corrupt_mask, {"p": None}, TypeError, "real"),
        (corrupt.corrupt_patches, {"patch_size": 29}, ValueError,
         "larger than the images"),
        (corrupt.corrupt_patches, {"patch_size": 0}, ValueError,
         "at least 1"),
        (corrupt.corrupt_patches, {"patch_size": 4.0}, TypeError, "int"),
    ],
)
def test_bad_parameters(fn, kwargs, error, match, images):
    with pytest.raises(error, match=match):
        fn(images, **kwargs)


@pytest.mark.parametrize("kind", FUNCTIONS)
@pytest.mark.parametrize(
    ("bad", "error", "match"),
    [
        (torch.rand(28, 28), ValueError, r"\(N, C, H, W\)"),
        (torch.rand(2, 1, 28, 28) * 255, ValueError, r"\[0, 1\]"),
        (torch.zeros(2, 1, 28, 28, dtype=torch.uint8), ValueError, "8-bit"),
        ([[0.5]], TypeError, "torch.Tensor or numpy"),
        (torch.full((1, 1, 28, 28), float("nan")), ValueError, "NaN"),
    ],
)
def test_bad_images(kind, bad, error, match):
    fn, kwargs = FUNCTIONS[kind]
    with pytest.raises(error, match=match):
        fn(bad, **kwargs)


@pytest.mark.parametrize("kind", FUNCTIONS)
def test_bad_generator(kind, images):
    fn, kwargs = FUNCTIONS[kind]
    with pytest.raises(TypeError, match="torch.Generator"):
        fn(images, **kwargs, generator=0)


def test_keyword_only(images):
    with pytest.raises(TypeError):
        corrupt.corrupt_gaussian(images, 0.3)  # type: ignore[misc]
    with pytest.raises(TypeError):
        corrupt.corrupt_mask(images, 0.5)  # type: ignore[misc]
    with pytest.raises(TypeError):
        corrupt.corrupt_patches(images, 8)  # type: ignore[misc]


@pytest.mark.skipif(not torch.cuda.is_available(), reason="needs a GPU")
@pytest.mark.parametrize("kind", FUNCTIONS)
def test_cpu_generator_drives_gpu_images(kind, images):
    fn, kwargs = FUNCTIONS[kind]
    on_gpu = fn(images.cuda(), **kwargs, generator=gen(3))
    on_cpu = fn(images, **kwargs, generator=gen(3))
    assert on_gpu.device.type == "cuda"
    torch.testing.assert_close(on_gpu.cpu(), on_cpu)
    gpu_gen = torch.Generator(device="cuda").manual_seed(3)
    assert fn(images.cuda(), **kwargs, generator=gpu_gen).device.type == "cuda"
