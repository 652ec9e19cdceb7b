"""People: created by typing a name, known by a cookie or a token.

`blp` is the JSON API; its routes are in api.py, which create_app imports (the package
imports none of its modules, so none imports it back half-built); pages in views.py."""
from grouptools.core.http import Blueprint

blp = Blueprint("people", __name__, url_prefix="/api/v1", description="People and the asker")
