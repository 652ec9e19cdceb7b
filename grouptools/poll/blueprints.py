"""The poll's two blueprints, apart from their routes: `blp` the JSON API (/api/v1,
api.py), `bp` the pages (views.py, manage.py, sharing.py). Route modules import them from
here and the package's __init__ imports the route modules, so nothing imports in a circle."""
from flask import Blueprint as PageBlueprint

from grouptools.core import avatarrow
from grouptools.core.http import Blueprint

blp = Blueprint("polls", __name__, url_prefix="/api/v1", description="Polls",
                needs_person=True)
bp = PageBlueprint("poll_pages", __name__, template_folder="templates")
avatarrow.register(bp)
