"""Member cards (群名片): the group's card folder with its settings (which fields, which
are required or private, the display-name format, who may open the folder), each
member's card, pre-filled from their cards in other groups, and a card shared outside
the group as a page, a vCard, a contact QR code and a business-card picture.

The folder is the widget (`kind.py`, `/f/<fid>` and `/api/v1/card-folders/<fid>`); the
group's cards live beneath the group (`/g/<gid>/cards…`, `/api/v1/groups/<gid>/card…`)
and at `/c/<cid>` (blueprints.py says which blueprint holds what). `init_app` imports
the route modules, registers the four blueprints and the card kind with core.widgets."""


def init_app(app, rest_api):
    from grouptools.card import api, views  # noqa: F401  (register the routes)
    from grouptools.card.blueprints import blp, bp, cards_api, pages
    from grouptools.card.kind import CARD
    from grouptools.core.widgets import register_widget

    rest_api.register_blueprint(blp)
    rest_api.register_blueprint(cards_api)
    app.register_blueprint(bp)
    app.register_blueprint(pages)
    register_widget(app, CARD)
