"""Checks for the coding exercises, with feedback that says what is wrong.

Each ``check_*`` function runs the student's answer on small test data,
compares it with a reference and, when it differs, recognises the usual
mistakes (forgetting to centre, an off-by-one, radians instead of degrees...)
to say which one it is. It never raises for a wrong answer: it returns a
:class:`Feedback`, which displays as a green or red box in a notebook.

The checks live in one module per chapter (``ch01_pca``, ``ch02_linear``,
...) and are all available from here: ``exercises.check_pca_reconstruction``.
"""

from ._core import Feedback
from .ch01_pca import check_components_for_variance, check_pca_reconstruction
from .ch02_linear import check_principal_angles, check_tied_autoencoder
from .ch03_deep import check_mlp_parameter_count
from .convolutional_autoencoder import check_conv_output_size
from .ch04_denoising import check_masking_noise, check_psnr
from .ch05_sparse import check_kl_sparsity_penalty
from .ch06_anomaly import check_anomaly_scores, check_validation_threshold
from .ch07_vae import check_kl_divergence, check_reparameterize

__all__ = [
    "Feedback",
    "check_anomaly_scores",
    "check_components_for_variance",
    "check_conv_output_size",
    "check_mlp_parameter_count",
    "check_masking_noise",
    "check_kl_sparsity_penalty",
    "check_pca_reconstruction",
    "check_principal_angles",
    "check_psnr",
    "check_kl_divergence",
    "check_reparameterize",
    "check_tied_autoencoder",
    "check_validation_threshold",
]
