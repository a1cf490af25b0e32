"""Data: reading IDX files, loading Fashion-MNIST and MNIST, splits.

- :mod:`aeutils.data.idx`: one IDX file, read and verified (:func:`read_idx`).
- :mod:`aeutils.data.datasets`: finding, downloading and loading datasets
  (:func:`load_fashion_mnist`, :class:`ImageDataset`...).
- :mod:`aeutils.data.splits`: :func:`train_val_split` and :func:`load_splits`.

Chapters call the names re-exported here: ``data.load_splits(...)``.
"""

from .datasets import *  # noqa: F403
from .datasets import __all__ as _datasets
from .idx import *  # noqa: F403
from .idx import __all__ as _idx
from .splits import *  # noqa: F403
from .splits import __all__ as _splits

__all__ = [*_idx, *_datasets, *_splits]
