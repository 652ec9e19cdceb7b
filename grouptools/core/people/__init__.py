"""People: created by typing a name, known by a cookie or a token."""
from grouptools.core.people.api import blp  # noqa: F401  (the API, with its routes)
