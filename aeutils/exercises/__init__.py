"""Checks for the coding exercises, with feedback that says what is wrong.

Each ``check_*`` function runs the student's answer on small test data,
compares it with a reference and, when it differs, recognises the usual
mistakes (forgetting to centre, an off-by-one, radians instead of degrees...)
to say which one it is. It never raises for a wrong answer: it returns a
:class:`Feedback`, which displays as a green or red box in a notebook.

The checks live in one module per chapter, named by its topic (``pca``,
``linear_autoencoder``, ``deep_autoencoder``, ``convolutional_autoencoder``,
``denoising``, ``sparse_contractive``, ``codes_as_features``, ``compression``,
``anomaly_images``, ``anomaly_tables_sensors``,
``sparse_autoencoders_interpretability``, ``variational_autoencoder``,
``latent_diffusion``);
:class:`Feedback` and the helpers they share are in :mod:`feedback`. All
checks are re-exported here: ``exercises.check_pca_reconstruction``.
"""

from .feedback import Feedback
from .pca import check_components_for_variance, check_pca_reconstruction
from .linear_autoencoder import check_principal_angles, check_tied_autoencoder
from .deep_autoencoder import check_mlp_parameter_count
from .convolutional_autoencoder import check_conv_output_size
from .denoising import check_masking_noise, check_psnr
from .sparse_contractive import check_kl_sparsity_penalty
from .anomaly_images import check_anomaly_scores, check_validation_threshold
from .anomaly_tables_sensors import check_fault_channel
from .variational_autoencoder import check_kl_divergence, check_reparameterize
from .sparse_autoencoders_interpretability import check_class_entropy
from .latent_diffusion import check_add_noise
from .codes_as_features import check_self_retrieval
from .compression import check_component_quantiser

__all__ = [
    "Feedback",
    "check_add_noise",
    "check_anomaly_scores",
    "check_class_entropy",
    "check_component_quantiser",
    "check_components_for_variance",
    "check_conv_output_size",
    "check_fault_channel",
    "check_mlp_parameter_count",
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
