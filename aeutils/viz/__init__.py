"""Figures, readable at the book's column width (``viz.plot_...``).

Every public name of the modules ``figures`` (shared set-up), ``images``,
``latent``, ``curves``, ``anomaly`` and ``interactive`` (sliders that also
work in the static book) is re-exported here.
"""

from . import anomaly, curves, figures, images, interactive, latent
from .anomaly import *  # noqa: F403
from .curves import *  # noqa: F403
from .figures import *  # noqa: F403
from .images import *  # noqa: F403
from .interactive import *  # noqa: F403
from .latent import *  # noqa: F403

_MODULES = (figures, images, latent, curves, anomaly, interactive)
__all__ = [name for module in _MODULES for name in module.__all__]
