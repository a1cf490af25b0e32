"""aeutils: the library learners import in the course "Through the Bottleneck".

Chapters import modules, one style everywhere::

    from aeutils import data, losses, metrics, models, train, viz
    train.fit(model, train_set.images, epochs=10)
    viz.plot_reconstructions(test_set.images[:8], {"my model": model})

Modules, by topic (one guess finds a name):

- :mod:`aeutils.data`: IDX files, Fashion-MNIST and MNIST, splits.
- :mod:`aeutils.models`: the models several chapters reuse (PCA,
  MLPAutoencoder, FeatureAutoencoder, VariationalAutoencoder, MLPClassifier)
  and count_parameters. A model only one chapter uses lives in that chapter.
- :mod:`aeutils.losses`: reconstruction loss (mse_loss), the ELBO and its
  terms (reparameterize, kl_per_dimension, negative_elbo, bernoulli_entropy),
  the form of a loss function's result (loss_terms).
- :mod:`aeutils.train` (subpackage): ``loop`` (fit, fit_classifier,
  evaluate, History, seed_everything) and ``devices`` (predict and the
  DEVICE RULE): ``fit`` leaves the model on its device (CUDA when present);
  every function that takes a model or an encoder/decoder callable (a
  module, ``model.encode``, a functools.partial) sends inputs to that
  module's device (:func:`aeutils.train.device_of`) and returns CPU results.
- :mod:`aeutils.metrics`: per-image MSE, PSNR, explained variance, angles,
  sparse-autoencoder measures, the Fréchet distance.
- :mod:`aeutils.corrupt`: corruptions for denoising.
- :mod:`aeutils.latent`: codes: decoding, interpolation, sensitivity
  (Jacobians), sparsity statistics.
- :mod:`aeutils.probes`: linear and k-NN probes on codes (scikit-learn).
- :mod:`aeutils.anomaly`: one-class splits, scores, thresholds, the detector.
- :mod:`aeutils.codec`: codes as files (quantiser, packed and LZMA bytes).
- :mod:`aeutils.diffusion`: noise schedule, time embedding, sampler.
- :mod:`aeutils.viz` (subpackage): ``figures``, ``images``, ``latent``,
  ``curves``, ``anomaly``, ``interactive``; all re-exported (``viz.plot_...``).
- :mod:`aeutils.checkpoints`: train a model once per machine, then load it.
- :mod:`aeutils.results`: record_result (chapters call it); the closing
  page's table and contract are course tooling (``course.results``).
- :mod:`aeutils.validation` (subpackage): ``numbers``, ``tensors`` (arrays,
  images, labels), ``objects``: the input checks every public function uses
  (``validate_*``; they raise ``ValueError``/``TypeError``).
- :mod:`aeutils.exercises` (subpackage): ``feedback`` and one module of
  exercise checks per chapter (``check_*``; they return feedback).

The course's own tooling (student edition, grader, instructor tables, Colab
cells) is the separate top-level package ``course``; aeutils never imports it.
"""

__version__ = "0.1.0"
