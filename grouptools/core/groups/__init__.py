"""Groups: create, settings, joining, roster and roles."""
from grouptools.core.groups.api import blp  # noqa: F401  (the API, with its routes)
