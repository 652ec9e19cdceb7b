"""Groups: create, settings, joining, roster and roles.

`blp` is the JSON API; its routes are in api.py, which create_app imports (the package
imports none of its modules, so none imports it back half-built); pages in views.py."""
from grouptools.core.http import Blueprint

blp = Blueprint("groups", __name__, url_prefix="/api/v1", description="Groups and membership")
