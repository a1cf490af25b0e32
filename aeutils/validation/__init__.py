"""Input checks shared by every public function (scikit-learn style).

Every argument check of the learner library is a ``validate_*`` function
(the exercise checks in :mod:`aeutils.exercises` are named ``check_*`` and
return feedback instead of raising). Each raises ``ValueError`` (or
``TypeError`` for the wrong kind of object) with a message that names the
argument, says what was received and how to fix it.

- :mod:`aeutils.validation.numbers`: one scalar check for every number.
- :mod:`aeutils.validation.tensors`: images, batches, matrices, scores.
- :mod:`aeutils.validation.labels`: class labels, binary anomaly labels.
- :mod:`aeutils.validation.objects`: callables, modules, devices, paths.

Modules import the names re-exported here: ``from aeutils.validation
import validate_real``.
"""

from .labels import *  # noqa: F403
from .labels import __all__ as _labels
from .numbers import *  # noqa: F403
from .numbers import __all__ as _numbers
from .objects import *  # noqa: F403
from .objects import __all__ as _objects
from .tensors import *  # noqa: F403
from .tensors import __all__ as _tensors

__all__ = [*_numbers, *_tensors, *_labels, *_objects]
