"""The check-in widget's two blueprints, apart from their routes: `blp` the JSON API
(/api/v1, api.py), `bp` the pages (/h/<hid>, views.py). Route modules import them from
here and the package's __init__ imports the route modules, so nothing imports in a circle."""
from flask import Blueprint as PageBlueprint

from grouptools.core.http import Blueprint

blp = Blueprint("checkins", __name__, url_prefix="/api/v1", description="Check-ins",
                needs_person=True)
bp = PageBlueprint("checkin_pages", __name__, template_folder="templates")
