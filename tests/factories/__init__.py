"""factory_boy factories, one module per app; import them from here (`from tests.factories import ...`)."""

from tests.factories.profiles import *  # noqa: F403
