"""Training and applying models, and the device rule.

:mod:`~aeutils.train.loop` trains (:func:`fit`, :func:`fit_classifier`),
evaluates and records a run (:class:`History`);
:mod:`~aeutils.train.devices` states the DEVICE RULE (:func:`device_of`)
and applies a model in batches on its device (:func:`predict`).
Chapters call the names re-exported here: ``train.fit(...)``.
"""

from .devices import *  # noqa: F403
from .devices import __all__ as _devices
from .loop import *  # noqa: F403
from .loop import __all__ as _loop

__all__ = [*_loop, *_devices]
