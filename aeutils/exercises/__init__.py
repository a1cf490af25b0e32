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
from .ch03_deep import check_mlp_halves
from .ch04_denoising import check_masking_noise, check_psnr
from .ch05_sparse import check_kl_sparsity_penalty
from .ch06_anomaly import check_anomaly_scores, check_validation_threshold
from .ch07_vae import check_kl_divergence, check_reparameterize
from .codes_as_features import check_self_retrieval
from .compression import check_component_quantiser

__all__ = [
    "Feedback",
    "check_anomaly_scores",
    "check_component_quantiser",
    "check_components_for_variance",
    "check_mlp_halves",
    "check_masking_noise",
    "check_kl_sparsity_penalty",
    "check_pca_reconstruction",
    "check_principal_angles",
    "check_psnr",
    "check_kl_divergence",
    "check_reparameterize",
    "check_self_retrieval",
    "check_tied_autoencoder",
    "check_validation_threshold",
]
