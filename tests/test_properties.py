"""Property-based tests (Hypothesis) of the validation layer and the public functions.

Any array (shape, dtype, NaN/inf placement, empty) goes into each public
function; the call must either return a result of the documented shape and
dtype, or raise ``ValueError``/``TypeError``: never another exception, and
never NaN out of finite input.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp
from torch import nn

from aeutils import latent, metrics, probes, viz
from aeutils.validation import validate_batch, validate_images, validate_matrix
from aeutils.models import PCA
from aeutils.train import evaluate, fit, predict

DTYPES = [np.float16, np.float32, np.float64, np.int8, np.int64, np.uint8, np.bool_]
# derandomize: the same examples on every run, so CI results are reproducible.
FAST = settings(
    max_examples=60, deadline=None, derandomize=True,
    suppress_health_check=[HealthCheck.too_slow],
)  # fmt: skip
SLOW = settings(
    max_examples=15, deadline=None, derandomize=True,
    suppress_health_check=[HealthCheck.too_slow],
)  # fmt: skip
CLEAN = (ValueError, TypeError)


@st.composite
def arrays(draw, *, min_dims=0, max_dims=5, max_side=4):
    """Arrays of any listed dtype with NaN, inf, huge and in-range values mixed in."""
    dtype = draw(st.sampled_from(DTYPES))
    shape = draw(hnp.array_shapes(min_dims=min_dims, max_dims=max_dims, min_side=0, max_side=max_side))
    if np.issubdtype(dtype, np.floating):
        info = np.finfo(dtype)
        elements = st.one_of(
            st.floats(0, 1, width=info.bits),
            st.floats(allow_nan=True, allow_infinity=True, width=info.bits),
        )
    else:
        elements = None
    array = draw(hnp.arrays(dtype, shape, elements=elements))
    return torch.from_numpy(array) if draw(st.booleans()) else array


def _finite_float(x) -> bool:
    tensor = torch.as_tensor(x)
    return bool(tensor.is_floating_point() and tensor.numel() and torch.isfinite(tensor.double()).all())


def _no_nan(result: torch.Tensor) -> None:
    assert not torch.isnan(torch.as_tensor(result)).any()


class Scale(nn.Module):
    """One parameter; works on data of any shape."""

    def __init__(self):
        super().__init__()
        self.weight = nn.Parameter(torch.tensor(0.9))

    def forward(self, x):
        return x * self.weight


@FAST
@given(arrays())
def test_check_images_and_check_batch(x):
    for check in (lambda: validate_images(x), lambda: validate_batch(x, name="x")):
        try:
            result = check()
        except CLEAN:
            continue
        assert result.dtype == torch.float32 and result.ndim in (2, 3, 4)
        assert result.numel() > 0 and torch.isfinite(result).all()


@FAST
@given(arrays(max_dims=3))
def test_check_matrix(x):
    try:
        result = validate_matrix(x, name="m")
    except CLEAN:
        return
    assert result.ndim == 2 and result.dtype == torch.float32 and torch.isfinite(result).all()


@FAST
@given(arrays(min_dims=4, max_dims=4))
def test_metrics(x):
    try:
        mse = metrics.per_image_mse(x, x)
    except CLEAN:
        return
    assert mse.shape == (len(x),) and mse.dtype == torch.float64
    assert torch.equal(mse, torch.zeros_like(mse))
    half = torch.as_tensor(x).double() * 0.5
    assert not torch.isnan(metrics.psnr(x, half)).any()
    try:
        ratio = metrics.explained_variance(x, half)
    except CLEAN:
        return
    assert math.isfinite(ratio)


@FAST
@given(arrays(max_dims=3), arrays(max_dims=3))
def test_principal_angles(a, b):
    try:
        angles = metrics.principal_angles(a, b)
    except CLEAN:
        return
    assert angles.ndim == 1 and angles.dtype == torch.float64
    assert ((angles >= 0) & (angles <= 90)).all()


@SLOW
@given(arrays(min_dims=3, max_dims=5), st.integers(1, 3))
def test_pca(x, k):
    try:
        pca = PCA(n_components=k).fit(x)
    except CLEAN:
        return
    assert torch.isfinite(pca.explained_variance_ratio_).all()
    codes = pca.encode(x)
    assert codes.shape == (len(x), k) and codes.dtype == torch.float32
    assert pca.reconstruct(x).shape == torch.as_tensor(x).shape
    _no_nan(codes)


@SLOW
@given(arrays(min_dims=1, max_dims=5))
def test_training_loop(x):
    model = Scale()
    try:
        history = fit(model, x, epochs=1, batch_size=2, progress=False)
    except CLEAN:
        return
    except FloatingPointError:
        # fit's explained error when the loss or the weights overflow; only
        # features far outside any image's range (not rejected for (N, D)
        # data, which need not lie in [0, 1]) may get there.
        values = np.asarray(x, dtype=np.float64)
        assert not np.isfinite(values).all() or np.abs(values).max() > 1e6
        return
    assert math.isfinite(history.train_loss[0])
    assert math.isfinite(evaluate(model, x)["loss"])
    out = predict(model, x)
    assert out.shape == torch.as_tensor(x).shape and out.dtype == torch.float32


@FAST
@given(arrays(min_dims=1, max_dims=5))
def test_predict_and_evaluate_any_input(x):
    try:
        out = predict(nn.Identity(), x)
    except CLEAN:
        return
    assert out.dtype == torch.float32 and out.shape == torch.as_tensor(x).shape
    assert evaluate(nn.Identity(), x) == {"loss": 0.0} if _finite_float(x) else True


@SLOW
@given(arrays(min_dims=3, max_dims=5, max_side=3))
def test_image_plots(x):
    for draw in (
        lambda: viz.plot_image_grid(x),
        lambda: viz.plot_reconstructions(x, {"same": x}, n=1),
        lambda: viz.plot_image_rows({"row": x}),
    ):
        try:
            fig = draw()
        except CLEAN:
            continue
        assert fig.axes


@SLOW
@given(arrays(max_dims=3))
def test_plot_components(x):
    try:
        fig = viz.plot_components(x)
    except CLEAN:
        return
    assert fig.axes


@FAST
@given(arrays(max_dims=2), arrays(max_dims=2))
def test_interpolate_codes(a, b):
    try:
        codes = latent.interpolate_codes(a, b, steps=3)
    except CLEAN:
        return
    assert codes.shape == (3, torch.as_tensor(a).shape[0])
    _no_nan(codes)


@SLOW
@given(arrays(max_dims=3))
def test_probes(codes):
    labels = np.arange(len(codes)) % 2 if hasattr(codes, "__len__") and np.ndim(codes) else np.zeros(0, int)
    for probe in (probes.linear_probe, probes.knn_probe):
        try:
            result = probe(codes, labels, codes, labels)
        except CLEAN:
            continue
        assert 0.0 <= result.accuracy <= 1.0


@pytest.mark.parametrize("bad", [None, "images", [[0.5]], 3.0])
def test_non_arrays_get_a_type_error(bad):
    for call in (
        lambda: validate_images(bad),
        lambda: fit(Scale(), bad, progress=False),
        lambda: predict(nn.Identity(), bad),
        lambda: metrics.per_image_mse(bad, bad),
        lambda: viz.plot_image_grid(bad),
        lambda: PCA(n_components=1).fit(bad),
    ):
        with pytest.raises(TypeError, match="torch.Tensor or numpy.ndarray"):
            call()
