"""The member cards' blueprints, apart from their routes.

- `blp` (API) and `bp` (pages): the folder as a widget of the kit — created, read,
  changed, closed, deleted and shared like every widget (`/api/v1/card-folders/<fid>`,
  `/f/<fid>` with the kit's qr.png, poster.png, close … beneath it).
- `cards_api` and `pages`: what is about the group's cards — the settings, my card, the
  folder's list, search and exports (`/api/v1/groups/<gid>/card…`, `/g/<gid>/cards…`)
  and one card (`/api/v1/cards/<cid>`, `/c/<cid>`) — whose access is the group's and
  the card's own (a public card is anyone's to read).
Route modules import them from here, so nothing imports in a circle."""
from flask import Blueprint as PageBlueprint
from flask import g, request

from grouptools.core.database import SAFE_METHODS
from grouptools.core.http import Blueprint
from grouptools.core.identity import require_person

blp = Blueprint("card_folders", __name__, url_prefix="/api/v1", description="Card folders",
                needs_person=True)
bp = PageBlueprint("card_folder_pages", __name__, template_folder="templates")
cards_api = Blueprint("cards", __name__, url_prefix="/api/v1", description="Member cards")
pages = PageBlueprint("card_pages", __name__, template_folder="templates")

# A public card is read by anyone; every other route needs someone, refused before a
# body is read, as `needs_person` does for the other widgets' APIs (core.http): a GET's
# asker is read when the route asks, with what it is about (card.loading), and refused
# at the latest before answering.
PUBLIC_API_ENDPOINTS = ("cards.get_card", "cards.card_vcf")


@cards_api.before_request
def _refuse_nobody():
    if request.endpoint in PUBLIC_API_ENDPOINTS:
        return
    if request.method in SAFE_METHODS and (g.get("cookie_unread") or g.get("token_unread")):
        g.person_needed = True
        return
    require_person()
