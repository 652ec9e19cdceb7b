"""The check-in package's blueprints, apart from their routes: for habits `blp` the JSON
API (/api/v1, api.py) and `bp` the pages (/h/<hid>, views.py); for event sign-ins, a
second widget kind, `event_blp` (eventapi.py) and `event_bp` (/e/<eid>, eventviews.py) —
each kind its own pair, so the kit's routes and endpoints (core.widgetpages) never meet.
Route modules import them from here and the package's __init__ imports the route
modules, so nothing imports in a circle."""
from flask import Blueprint as PageBlueprint

from grouptools.core.http import Blueprint

blp = Blueprint("checkins", __name__, url_prefix="/api/v1", description="Check-ins",
                needs_person=True)
bp = PageBlueprint("checkin_pages", __name__, template_folder="templates")
event_blp = Blueprint("events", __name__, url_prefix="/api/v1", description="Event sign-ins",
                      needs_person=True)
event_bp = PageBlueprint("event_pages", __name__, template_folder="templates")
