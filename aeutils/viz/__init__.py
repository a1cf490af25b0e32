"""Figures, sized to be readable at the book's column width.

One module per kind of figure; every public name is re-exported here, so
chapters call ``viz.plot_reconstructions(...)``, ``viz.plot_roc_pr(...)``:

- :mod:`aeutils.viz.figures`: :class:`NotebookFigure`, :func:`figure_to_png`
  and the helpers the other modules share;
- :mod:`aeutils.viz.images`: image grids, reconstructions, components, rows;
- :mod:`aeutils.viz.latent`: codes scattered by class, decoded latent grids,
  traversals (encoder/decoder callables, on their module's device);
- :mod:`aeutils.viz.curves`: loss curves, explained variance, per-component bars;
- :mod:`aeutils.viz.anomaly`: score histograms, ROC/PR, thresholds, error maps;
- :mod:`aeutils.viz.interactive`: figures with sliders that also work in the
  static book (:func:`interactive_figure`).
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
