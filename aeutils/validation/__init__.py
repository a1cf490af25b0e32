"""Input checks shared by every public function (scikit-learn style).

Every argument check of the learner library is a ``validate_*`` function
(exercise checks are ``check_*`` and return feedback instead). Each raises
``ValueError`` (``TypeError`` for the wrong kind of object) naming the
argument, what was received and how to fix it: :mod:`~.numbers` for
numbers, :mod:`~.tensors` for arrays, images, batches and labels,
:mod:`~.objects` for callables, modules, devices, paths. Modules import the
names re-exported here: ``from aeutils.validation import validate_real``.
"""

from .numbers import *  # noqa: F403
from .numbers import __all__ as _numbers
from .objects import *  # noqa: F403
from .objects import __all__ as _objects
from .tensors import *  # noqa: F403
from .tensors import __all__ as _tensors

__all__ = [*_numbers, *_tensors, *_objects]
