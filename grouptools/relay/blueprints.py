"""The relay's two blueprints, apart from their routes: `blp` the JSON API (/api/v1,
api.py), `bp` the pages (views.py, manage.py, tickets.py). Route modules import them from
here and the package's __init__ imports the route modules, so nothing imports in a circle."""
from flask import Blueprint as PageBlueprint

from grouptools.core.http import Blueprint

blp = Blueprint("relays", __name__, url_prefix="/api/v1", description="Relay sign-ups",
                needs_person=True)
bp = PageBlueprint("relay_pages", __name__, template_folder="templates")
