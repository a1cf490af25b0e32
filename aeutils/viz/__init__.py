"""Figures, readable at the book's column width (``viz.plot_...``).

Modules: :mod:`~aeutils.viz.figures` (shared set-up), ``images``,
``latent``, ``curves``, ``anomaly`` and ``interactive`` (sliders that also
work in the static book); every public name is re-exported here.
"""

from .anomaly import *  # noqa: F403
from .anomaly import __all__ as _anomaly
from .curves import *  # noqa: F403
from .curves import __all__ as _curves
from .figures import *  # noqa: F403
from .figures import __all__ as _figures
from .images import *  # noqa: F403
from .images import __all__ as _images
from .interactive import *  # noqa: F403
from .interactive import __all__ as _interactive
from .latent import *  # noqa: F403
from .latent import __all__ as _latent

__all__ = [*_figures, *_images, *_latent, *_curves, *_anomaly, *_interactive]
