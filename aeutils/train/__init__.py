"""Training and applying models, and the device rule.

:mod:`~aeutils.train.loop` trains (:func:`fit`, :func:`fit_classifier`) and
evaluates; :mod:`~aeutils.train.history` holds what a run recorded;
:mod:`~aeutils.train.predict` applies a model in batches;
:mod:`~aeutils.train.devices` states the DEVICE RULE (:func:`device_of`).
Chapters call the names re-exported here: ``train.fit(...)``.
"""

from .devices import *  # noqa: F403
from .devices import __all__ as _devices
from .history import *  # noqa: F403
from .history import __all__ as _history
from .loop import *  # noqa: F403
from .loop import __all__ as _loop
from .predict import *  # noqa: F403
from .predict import __all__ as _predict

__all__ = [*_history, *_loop, *_predict, *_devices]
