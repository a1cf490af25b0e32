"""Property-based tests (Hypothesis) of the validation layer and the
public functions.

Any array (shape, dtype, NaN/inf placement, empty) goes into each public
function; the call must either return a result of the documented shape and
dtype, or raise ``ValueError``/``TypeError``: never another exception, and
never NaN out of finite input.
"""

from __future__ import annotations

import json
import math
import tempfile
from pathlib import Path

import numpy as np
import pytest
import torch
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp
from torch import nn

from aeutils import (
    anomaly,
    corrupt,
    latent,
    losses,
    metrics,
    probes,
    results,
    viz,
)
from aeutils.models import PCA
from aeutils.train import evaluate, fit, predict
from aeutils.validation import validate_batch, validate_images, validate_matrix

DTYPES = [
    np.float16,
    np.float32,
    np.float64,
    np.int8,
    np.int64,
    np.uint8,
    np.bool_,
]
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
    """Arrays of any listed dtype with NaN, inf, huge and in-range values
    mixed in."""
    dtype = draw(st.sampled_from(DTYPES))
    shape = draw(
        hnp.array_shapes(
            min_dims=min_dims, max_dims=max_dims, min_side=0, max_side=max_side
        )
    )
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
    return bool(
        tensor.is_floating_point()
        and tensor.numel()
        and torch.isfinite(tensor.double()).all()
    )


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
    for check in (
        lambda: validate_images(x),
        lambda: validate_batch(x, name="x"),
    ):
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
    assert (
        result.ndim == 2
        and result.dtype == torch.float32
        and torch.isfinite(result).all()
    )


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
    assert (
        evaluate(nn.Identity(), x) == {"loss": 0.0}
        if _finite_float(x)
        else True
    )


@SLOW
@given(arrays(min_dims=3, max_dims=5, max_side=3))
def test_image_plots(x):
    for draw in (
        lambda: viz.plot_image_grid(x),
        lambda: viz.plot_reconstructions(x, {"same": x}),
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
    labels = (
        np.arange(len(codes)) % 2
        if hasattr(codes, "__len__") and np.ndim(codes)
        else np.zeros(0, int)
    )
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


# ------------------------------------------------- losses (issue 19)
@FAST
@given(
    rows=st.integers(1, 6),
    k=st.integers(1, 5),
    mean=st.floats(-50, 50),
    log_var=st.floats(-20, 20),
)
def test_posterior_helpers_are_finite_and_shaped_for_valid_input(
    rows, k, mean, log_var
):
    from aeutils import losses

    mu, lv = torch.full((rows, k), mean), torch.full((rows, k), log_var)
    for result in (
        losses.reparameterize(mu, lv),
        losses.kl_per_dimension(mu, lv),
    ):
        assert result.shape == (rows, k) and torch.isfinite(result).all()


@FAST
@given(
    mean_shape=st.lists(st.integers(0, 4), min_size=1, max_size=3),
    var_shape=st.lists(st.integers(0, 4), min_size=1, max_size=3),
    bad=st.sampled_from([None, float("nan"), float("inf")]),
)
def test_posterior_helpers_refuse_invalid_input_naming_the_argument(
    mean_shape, var_shape, bad
):
    from aeutils import losses

    mu, lv = torch.zeros(mean_shape), torch.zeros(var_shape)
    if bad is not None and lv.numel():
        lv.view(-1)[0] = bad
    valid = mean_shape == var_shape and mu.numel() > 0 and bad is None
    for function in (losses.reparameterize, losses.kl_per_dimension):
        if valid:
            assert function(mu, lv).shape == mu.shape
            continue
        with pytest.raises(CLEAN, match="mean|log_var"):
            function(mu, lv)


# ------------------------------------------ newer modules (issue 19)
# Small and deterministic: these run in the unit suite.
FEW = settings(
    max_examples=20, deadline=None, derandomize=True,
    suppress_health_check=[HealthCheck.too_slow],
)  # fmt: skip
#: Invalid scalars for a number argument: each must get a clear error.
BAD_NUMBERS = [float("nan"), float("inf"), -float("inf"), True, "0.1",
               None, [0.1]]  # fmt: skip


@st.composite
def images(draw, *, max_n=4, max_side=5):
    """Valid images: (N, C, H, W) float32 in [0, 1]."""
    shape = (
        draw(st.integers(1, max_n)), draw(st.integers(1, 2)),
        draw(st.integers(2, max_side)), draw(st.integers(2, max_side)),
    )  # fmt: skip
    values = hnp.arrays(np.float32, shape,
                        elements=st.floats(0, 1, width=32))  # fmt: skip
    return torch.from_numpy(draw(values))


@st.composite
def broken_images(draw):
    """Invalid images: a NaN or inf somewhere, values outside [0, 1], the
    channel axis missing, nothing in the batch, or bool pixels."""
    x = draw(images())
    kind = draw(
        st.sampled_from(
            ["nan", "inf", "x255", "minus", "no channel", "empty", "bool"]
        )
    )
    if kind in ("nan", "inf"):
        index = draw(st.integers(0, x.numel() - 1))
        x.view(-1)[index] = float(kind)
        return x
    return {
        "x255": lambda: x * 255 + 1, "minus": lambda: x - 1.5,
        "no channel": lambda: x[:, 0], "empty": lambda: x[:0],
        "bool": lambda: x > 0.5,
    }[kind]()  # fmt: skip


def _names(error: BaseException, *names: str) -> None:
    """The error is a clear one and its message names the argument."""
    assert isinstance(error, CLEAN), repr(error)
    assert any(name in str(error) for name in names), str(error)


def _raises_naming(call, *names: str) -> None:
    with pytest.raises(CLEAN) as info:
        call()
    _names(info.value, *names)


class TinyVAE(nn.Module):
    """encode -> (mean, log_var), decode_logits: the negative_elbo API."""

    def __init__(self, shape, k=2):
        super().__init__()
        self.shape, self.k = shape, k
        size = int(np.prod(shape))
        self.encoder = nn.Linear(size, 2 * k)
        self.decoder = nn.Linear(k, size)

    def encode(self, x):
        h = self.encoder(x.flatten(1))
        return h[:, : self.k], h[:, self.k :]

    def decode_logits(self, z):
        return self.decoder(z).view(-1, *self.shape)


@FEW
@given(x=images(), beta=st.floats(0, 10))
def test_negative_elbo_is_finite_for_valid_input(x, beta):
    torch.manual_seed(0)
    terms = losses.negative_elbo(TinyVAE(x.shape[1:]), x, beta=beta)
    assert set(terms) == {"loss", "reconstruction", "kl"}
    for value in terms.values():
        assert value.shape == () and torch.isfinite(value)
    assert terms["kl"] >= 0 and terms["reconstruction"] >= 0
    entropy = losses.bernoulli_entropy(x)
    assert entropy.shape == (len(x),) and torch.isfinite(entropy).all()
    assert (entropy >= 0).all()


@FEW
@given(x=broken_images())
def test_negative_elbo_refuses_broken_images_naming_them(x):
    model = TinyVAE((1, 4, 4))
    _raises_naming(lambda: losses.negative_elbo(model, x), "images")
    _raises_naming(lambda: losses.bernoulli_entropy(x), "images")


@pytest.mark.parametrize("beta", [*BAD_NUMBERS, -1.0])
def test_negative_elbo_refuses_a_bad_beta_naming_it(beta):
    x = torch.rand(2, 1, 4, 4)
    _raises_naming(
        lambda: losses.negative_elbo(TinyVAE((1, 4, 4)), x, beta=beta), "beta"
    )


def test_negative_elbo_accepts_numpy_scalars():
    x = torch.rand(2, 1, 4, 4)
    terms = losses.negative_elbo(TinyVAE((1, 4, 4)), x, beta=np.float32(0.5))
    assert torch.isfinite(terms["loss"])


@pytest.mark.parametrize("mean", [np.zeros((2, 2)), [[0.0, 0.0]], "mean"])
def test_posterior_helpers_refuse_non_tensors_naming_them(mean):
    log_var = torch.zeros(2, 2)
    _raises_naming(lambda: losses.reparameterize(mean, log_var), "mean")
    _raises_naming(lambda: losses.kl_per_dimension(mean, log_var), "mean")


def _linear_encoder(k: int):
    torch.manual_seed(0)
    return nn.Sequential(nn.Flatten(), nn.LazyLinear(k))


@FEW
@given(x=images(), k=st.integers(1, 4), sigma=st.floats(1e-4, 10))
def test_sensitivity_and_jacobian_are_finite_and_per_image(x, k, sigma):
    encoder = _linear_encoder(k)
    encoder(x)  # materialise the lazy layer
    ratios = latent.code_sensitivity(encoder, x, sigma=sigma)
    norms = latent.jacobian_norm(encoder, x)
    for result in (ratios, norms):
        assert result.shape == (len(x),) and torch.isfinite(result).all()
        assert (result >= 0).all()
    # A linear encoder's Jacobian is its weight, the same for every image.
    weight = encoder[1].weight.detach().norm()
    assert torch.allclose(norms, weight.expand(len(x)), rtol=1e-4)


@FEW
@given(x=broken_images())
def test_sensitivity_and_jacobian_refuse_broken_images(x):
    encoder = nn.Flatten()
    _raises_naming(lambda: latent.code_sensitivity(encoder, x), "images")
    _raises_naming(lambda: latent.jacobian_norm(encoder, x), "images")


@pytest.mark.parametrize("sigma", [*BAD_NUMBERS, 0.0, -1.0])
def test_sensitivity_refuses_a_bad_sigma_naming_it(sigma):
    x = torch.rand(2, 1, 4, 4)
    _raises_naming(
        lambda: latent.code_sensitivity(nn.Flatten(), x, sigma=sigma),
        "sigma")  # fmt: skip


@pytest.mark.parametrize("where", ["code_sensitivity", "jacobian_norm"])
def test_an_encoder_returning_nan_gets_a_clear_error(where):
    def encode(x):
        return x.flatten(1) * float("nan")

    x = torch.rand(2, 1, 4, 4)
    _raises_naming(lambda: getattr(latent, where)(encode, x), "encode")


def test_sensitivity_of_an_encoder_returning_a_tuple_works_or_names_it():
    """``VariationalAutoencoder.encode`` returns (mean, log_var): measure
    the mean, or say that ``encode`` must return codes."""
    model = TinyVAE((1, 4, 4))
    x = torch.rand(2, 1, 4, 4)
    try:
        ratios = latent.code_sensitivity(model.encode, x)
    except Exception as error:  # noqa: BLE001 (the test reads its type)
        _names(error, "encode")
    else:
        assert ratios.shape == (2,) and torch.isfinite(ratios).all()


@FEW
@given(
    codes=hnp.arrays(np.float32, hnp.array_shapes(min_dims=2, max_dims=2,
                                                  max_side=6),
                     elements=st.floats(-5, 5, width=32)),
    threshold=st.floats(0, 0.99),
)  # fmt: skip
def test_activation_stats_are_fractions_shaped_per_image_and_unit(
    codes, threshold
):
    stats = latent.activation_stats(codes, relative_threshold=threshold)
    n, k = codes.shape
    assert stats.active_per_image.shape == (n,)
    assert stats.unit_frequency.shape == (k,)
    assert 0.0 <= stats.active_fraction <= 1.0
    assert 0 <= stats.dead_units <= k
    for fractions in (stats.active_per_image, stats.unit_frequency):
        assert ((fractions >= 0) & (fractions <= 1)).all()


@FEW
@given(
    codes=hnp.arrays(np.float32, st.sampled_from([(4, 3), (5,), (2, 2, 2)]),
                     elements=st.floats(allow_nan=True, allow_infinity=True,
                                        width=32)),
)  # fmt: skip
def test_activation_stats_refuse_bad_codes_naming_them(codes):
    if codes.ndim == 2 and np.isfinite(codes).all():
        return  # valid: covered above
    _raises_naming(lambda: latent.activation_stats(codes), "codes")


@pytest.mark.parametrize("threshold", [*BAD_NUMBERS, -0.1, 1.5])
def test_activation_stats_refuse_a_bad_threshold_naming_it(threshold):
    codes = torch.rand(4, 3)
    _raises_naming(
        lambda: latent.activation_stats(codes, relative_threshold=threshold),
        "relative_threshold",
    )


@pytest.mark.parametrize(
    "units",
    [
        [0.5, 1.7],
        [True, False],
        ["a"],
        [],
        [7],
        [-1],
    ],
)
def test_top_activating_refuses_bad_units_naming_them(units):
    codes = torch.rand(6, 3)
    _raises_naming(lambda: latent.top_activating(codes, units=units, k=2),
                   "units")  # fmt: skip


@FEW
@given(
    scores=hnp.arrays(np.float64, st.integers(20, 60),
                      elements=st.floats(-1e3, 1e3)),
    target_fpr=st.floats(0.05, 0.5),
)  # fmt: skip
def test_thresholds_are_finite_and_inside_the_scores(scores, target_fpr):
    threshold = anomaly.threshold_from_normal(scores, target_fpr=target_fpr)
    assert math.isfinite(threshold)
    assert scores.min() <= threshold <= scores.max()
    labels = np.arange(len(scores)) % 2
    summary = anomaly.threshold_summary(labels, scores, threshold)
    for rate in (summary.precision, summary.recall,
                 summary.false_positive_rate):  # fmt: skip
        assert 0.0 <= rate <= 1.0
    assert summary.confusion.shape == (2, 2)
    assert summary.confusion.sum() == len(scores)


@FEW
@given(
    scores=hnp.arrays(np.float64, st.sampled_from([(30,), (5, 6), (0,)]),
                      elements=st.floats(allow_nan=True,
                                         allow_infinity=True)),
)  # fmt: skip
def test_thresholds_refuse_bad_scores_naming_them(scores):
    if scores.ndim == 1 and len(scores) and np.isfinite(scores).all():
        return  # valid: covered above
    _raises_naming(lambda: anomaly.threshold_from_normal(scores),
                   "val_scores")  # fmt: skip


@pytest.mark.parametrize("target_fpr", [*BAD_NUMBERS, 0.0, 1.0, -0.1])
def test_thresholds_refuse_a_bad_rate_naming_it(target_fpr):
    scores = np.linspace(0, 1, 100)
    _raises_naming(
        lambda: anomaly.threshold_from_normal(scores, target_fpr=target_fpr),
        "target_fpr",
    )


@pytest.mark.parametrize("threshold", BAD_NUMBERS)
def test_threshold_summary_refuses_a_bad_threshold_naming_it(threshold):
    labels, scores = np.arange(10) % 2, np.linspace(0, 1, 10)
    _raises_naming(
        lambda: anomaly.threshold_summary(labels, scores, threshold),
        "threshold")  # fmt: skip


@pytest.mark.parametrize("rate", [np.float32(0.05), torch.tensor(0.05)])
def test_thresholds_accept_numpy_and_0d_tensor_rates(rate):
    scores = np.linspace(0, 1, 100)
    threshold = anomaly.threshold_from_normal(scores, target_fpr=rate)
    assert threshold == pytest.approx(0.95, abs=0.01)


@FEW
@given(x=images(), sigma=st.floats(0, 2), p=st.floats(0, 1),
       data=st.data())  # fmt: skip
def test_corruptions_keep_shape_dtype_and_range(x, sigma, p, data):
    side = data.draw(st.integers(1, min(x.shape[2:])))
    generator = torch.Generator().manual_seed(0)
    for noisy in (
        corrupt.corrupt_gaussian(x, sigma=sigma, generator=generator),
        corrupt.corrupt_mask(x, p=p, generator=generator),
        corrupt.corrupt_patches(x, patch_size=side, generator=generator),
    ):
        assert noisy.shape == x.shape and noisy.dtype == x.dtype
        assert torch.isfinite(noisy).all()
        assert ((noisy >= 0) & (noisy <= 1)).all()


@FEW
@given(x=broken_images())
def test_corruptions_refuse_broken_images_naming_them(x):
    for call in (
        lambda: corrupt.corrupt_gaussian(x, sigma=0.1),
        lambda: corrupt.corrupt_mask(x, p=0.1),
        lambda: corrupt.corrupt_patches(x, patch_size=1),
    ):
        _raises_naming(call, "images")


@pytest.mark.parametrize("bad", [*BAD_NUMBERS, -1.0])
def test_corruptions_refuse_bad_strengths_naming_them(bad):
    x = torch.rand(2, 1, 4, 4)
    _raises_naming(lambda: corrupt.corrupt_gaussian(x, sigma=bad), "sigma")
    _raises_naming(lambda: corrupt.corrupt_mask(x, p=bad), "p ", "p=")
    if bad is not None and not isinstance(bad, float):
        _raises_naming(lambda: corrupt.corrupt_patches(x, patch_size=bad),
                       "patch_size")  # fmt: skip


@FEW
@given(
    chapter=st.from_regex(r"\A[0-9]{2}_[a-z]{1,8}\Z"),
    model=st.text(st.characters(min_codepoint=65, max_codepoint=122),
                  min_size=1, max_size=10),
    test_mse=st.floats(0, 10),
    latent_dim=st.integers(1, 512),
    probe_accuracy=st.floats(0, 1),
    numpy=st.booleans(),
)  # fmt: skip
def test_record_result_stores_what_it_returns(
    chapter, model, test_mse, latent_dim, probe_accuracy, numpy
):
    if numpy:  # NumPy scalars are numbers too
        test_mse, latent_dim = np.float32(test_mse), np.int64(latent_dim)
    with (
        tempfile.TemporaryDirectory() as folder,
        pytest.MonkeyPatch.context() as patch,
    ):
        patch.setenv(results.ENV_VAR, folder)
        row = results.record_result(
            chapter, model, test_mse=test_mse, latent_dim=latent_dim,
            probe_accuracy=probe_accuracy,
        )  # fmt: skip
        stored = json.loads((Path(folder) / f"{chapter}.json").read_text())
    assert stored == [row]
    assert row["latent_dim"] == int(latent_dim)
    assert all(
        math.isfinite(row[key])
        for key in ("test_mse", "latent_dim", "probe_accuracy")
    )


@pytest.mark.parametrize(
    "metric, value",
    [(name, bad) for name in ("test_mse", "latent_dim", "probe_accuracy",
                              "parameters", "train_seconds")
     for bad in BAD_NUMBERS[:5]]
    + [("test_mse", -0.5), ("latent_dim", 0), ("latent_dim", -3),
       ("latent_dim", 2.7), ("probe_accuracy", 1.7), ("parameters", -10),
       ("train_seconds", -1)],
)  # fmt: skip
def test_record_result_refuses_bad_metrics_naming_them(
    metric, value, tmp_path, monkeypatch
):
    monkeypatch.setenv(results.ENV_VAR, str(tmp_path))
    _raises_naming(
        lambda: results.record_result("01_pca", "m", **{metric: value}),
        metric)  # fmt: skip
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    "chapter",
    [
        "",
        None,
        3,
        "../escaped",
        "a/b",
        "ABSOLUTE",
        "..",
    ],
)
def test_record_result_refuses_a_chapter_that_is_not_a_plain_id(
    chapter, tmp_path, monkeypatch
):
    folder = tmp_path / "results"
    monkeypatch.setenv(results.ENV_VAR, str(folder))
    if chapter == "ABSOLUTE":  # an absolute path, inside tmp_path
        chapter = str(tmp_path / "outside")
    _raises_naming(
        lambda: results.record_result(chapter, "m", test_mse=0.1), "chapter"
    )
    written = [p for p in tmp_path.rglob("*") if p.is_file()]
    assert written == []


def test_record_result_on_a_corrupt_results_file_names_the_file(
    tmp_path, monkeypatch
):
    monkeypatch.setenv(results.ENV_VAR, str(tmp_path))
    (tmp_path / "01_pca.json").write_text("{corrupt")
    _raises_naming(
        lambda: results.record_result("01_pca", "m", test_mse=0.1),
        "01_pca.json")  # fmt: skip
