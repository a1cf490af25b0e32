"""aeutils: the helper package of the course "Through the Bottleneck".

Modules, by topic:

- :mod:`aeutils.data`: Fashion-MNIST (offline-first, checksummed) and MNIST.
  Reading and verifying single IDX files is in :mod:`aeutils._idx` (re-exported).
- :mod:`aeutils.models`: the PCA baseline and small model utilities.
- :mod:`aeutils.train`: one training loop for every chapter.
- :mod:`aeutils.metrics`: per-image MSE, PSNR, explained variance, principal angles.
- :mod:`aeutils.corrupt`: corruptions for denoising (noise, masked pixels, patches).
- :mod:`aeutils.viz`: figures (image grids, reconstructions, latent maps, curves);
  the curve and bar figures are in :mod:`aeutils.viz_curves` and the shared figure
  class and helpers in :mod:`aeutils._figures` (both re-exported by ``viz``).
- :mod:`aeutils.sparse`: activation statistics of sparse codes (active units, top images).
- :mod:`aeutils.robustness`: how far codes move under small input changes (Jacobians).
- :mod:`aeutils.anomaly`: one-class splits, anomaly scores, thresholds from normal data, ROC/PR
  and error-map figures; the figures are in :mod:`aeutils.anomaly_plots` and the score checks
  and thresholds in :mod:`aeutils._anomaly_thresholds` (both re-exported by ``anomaly``).
- :mod:`aeutils.diffusion`: a DDPM in a latent space (noise schedule, loss, denoiser, sampler).
- :mod:`aeutils.widgets`: interactive figures that also work in the static book.
- :mod:`aeutils.exercises`: checks for the coding exercises.
"""

__version__ = "0.1.0"
