"""factory_boy factories, one module per app; import them from here (`from tests.factories import ...`)."""

from tests.factories.matching import *  # noqa: F403
from tests.factories.meetings import *  # noqa: F403
from tests.factories.profiles import *  # noqa: F403
