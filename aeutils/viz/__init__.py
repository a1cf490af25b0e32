"""Figures readable at the book's column width: ``viz.plot_...`` re-exports
every public name of ``figures`` (shared set-up), ``images``, ``latent``,
``curves``, ``anomaly`` and ``interactive`` (sliders for the static book)."""

from . import anomaly, curves, figures, images, interactive, latent
from .anomaly import *  # noqa: F403
from .curves import *  # noqa: F403
from .figures import *  # noqa: F403
from .images import *  # noqa: F403
from .interactive import *  # noqa: F403
from .latent import *  # noqa: F403

_MODULES = (figures, images, latent, curves, anomaly, interactive)
__all__ = [name for module in _MODULES for name in module.__all__]
