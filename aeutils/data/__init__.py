"""Data: IDX files (:mod:`~aeutils.data.idx`), Fashion-MNIST and MNIST
(:mod:`~aeutils.data.datasets`) and splits (:mod:`~aeutils.data.splits`),
all re-exported here: chapters call ``data.load_splits(...)``."""

from .datasets import *  # noqa: F403
from .datasets import __all__ as _datasets
from .idx import *  # noqa: F403
from .idx import __all__ as _idx
from .splits import *  # noqa: F403
from .splits import __all__ as _splits

__all__ = [*_idx, *_datasets, *_splits]
