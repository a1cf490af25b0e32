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
from .ch07_vae import check_kl_divergence, check_reparameterize

__all__ = [
    "Feedback",
    "check_components_for_variance",
    "check_kl_divergence",
    "check_pca_reconstruction",
    "check_principal_angles",
    "check_reparameterize",
    "check_tied_autoencoder",
]
