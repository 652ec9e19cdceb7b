"""grouptools: group widgets shared into any chat as a link or a QR code."""
from pathlib import Path

from flask import Flask, render_template
from werkzeug.middleware.proxy_fix import ProxyFix

from grouptools.config import INSTANCE_DIR, Config
from grouptools.core.pagetranslation import PageEnvironment

MIGRATIONS_DIR = Path(__file__).resolve().parent.parent / "migrations"


def create_app(config=None):
    app = Flask(__name__, instance_path=str(INSTANCE_DIR), instance_relative_config=False)
    # Before anything builds app.jinja_env: pages compiled once per language.
    app.jinja_environment = PageEnvironment
    app.config.from_object(Config)
    if config:
        app.config.update(config)
    Config.finalise(app.config)
    hops = app.config.get("PROXY_HOPS") or (1 if app.config.get("PROXY_FIX") else 0)
    if hops:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops,
                                x_prefix=hops)

    _init_extensions(app)
    _register_blueprints(app)
    _register_pages(app)
    _register_cli(app)
    warning = Config.shared_ratelimit_warning(app.config)
    if warning:
        app.logger.warning(warning)
    return app


def _init_extensions(app):
    from grouptools.core import (
        assets,
        conditional,
        database,
        errors,
        http,
        i18n,
        identity,
        migrate,
        plaintext,
        ratelimits,
        security,
        urlpatterns,
    )
    from grouptools.extensions import babel, csrf, db, limiter

    # First: after_request hooks run in reverse order, so compression runs last, on the
    # finished answer.
    assets.init_app(app)
    http.init_app(app)
    db.init_app(app)
    database.init_app(app, db)
    # Flask-Migrate (and alembic) imported only for `flask db` and readiness.
    migrate.init_app(app, db, MIGRATIONS_DIR)
    babel.init_app(app, locale_selector=i18n.select_locale)
    i18n.init_app(app)
    urlpatterns.init_app(app)
    plaintext.init_app(app)
    csrf.init_app(app)
    # Identity before the limiter: limits are per person where there is one.
    identity.init_app(app)
    ratelimits.init_app(app)
    limiter.init_app(app)
    app.extensions["grouptools_api"] = errors.GroupToolsApi(app)
    errors.init_app(app)
    conditional.init_app(app)
    security.init_app(app)


def _register_blueprints(app):
    from grouptools import card, checkin, notice, poll, relay
    from grouptools.core.groups.api import blp as groups_blp
    from grouptools.core.groups.views import bp as group_pages
    from grouptools.core.people.api import blp as people_blp
    from grouptools.core.people.views import bp as people_pages
    from grouptools.core.uploads import blp as images_api
    from grouptools.core.uploads import bp as image_pages
    from grouptools.core.uploads import init_app as init_uploads
    from grouptools.core.widgetpages import init_app as init_widget_pages

    api = app.extensions["grouptools_api"]
    api.register_blueprint(people_blp)
    api.register_blueprint(groups_blp)
    api.register_blueprint(images_api)
    app.register_blueprint(image_pages)
    init_uploads(app)
    app.register_blueprint(people_pages)
    app.register_blueprint(group_pages)
    # Each widget registers its API, its pages and its line on the group page.
    for widget in (poll, relay, notice, checkin, card):
        widget.init_app(app, api)
    init_widget_pages(app)


def _register_pages(app):
    from grouptools.core import appicons
    from grouptools.extensions import limiter

    appicons.init_app(app)

    @app.route("/healthz")
    @limiter.exempt
    def healthz():
        return "ok", 200, {"Content-Type": "text/plain; charset=utf-8", "Cache-Control": "no-store"}

    @app.route("/readyz")
    @limiter.exempt
    def readyz():
        """The database answers and is at the newest migration (docs/deploy.md#health-checks);
        503 with the reason otherwise, so a load balancer sends no traffic here yet."""
        from grouptools.core.health import readiness

        ready, reason = readiness()
        return reason, 200 if ready else 503, {"Content-Type": "text/plain; charset=utf-8",
                                                 "Cache-Control": "no-store"}

    @app.route("/")
    def home():
        from grouptools.core.identity import current_person
        from grouptools.core.people.views import my_group_items

        person = current_person()
        if person is None:
            return render_template("home.html")
        return render_template("home.html", my_groups=my_group_items(person))


def _register_cli(app):
    from grouptools.cli import cli

    app.cli.add_command(cli)
