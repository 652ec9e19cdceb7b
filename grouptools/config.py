"""Settings read from GROUPTOOLS_* environment variables.

Every setting is declared once in SETTINGS (name, default, meaning); the app reads them
through `value()`, and tools/config_reference.py writes docs/configuration.md from the
same list (tests/test_configuration.py keeps the two, and every name used in the code,
in step)."""
import os
import secrets
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path


@dataclass(frozen=True)
class Setting:
    name: str
    default: object  # the value when unset (a callable is called); None: unset
    meaning: str
    shown: str | None = None  # the default as the reference shows it, when not `default`


SETTINGS = (
    Setting("GROUPTOOLS_ENV", "development",
            "`development` or `production`. Production refuses to start without "
            "`GROUPTOOLS_SECRET_KEY`, and without `GROUPTOOLS_BASE_URL` or "
            "`GROUPTOOLS_TRUSTED_HOSTS` (docs/security.md#production-settings)."),
    Setting("GROUPTOOLS_INSTANCE_DIR", lambda: Path.cwd() / "instance",
            "Where the embedded SQLite database and the development secret key live.",
            shown="`./instance`"),
    Setting("GROUPTOOLS_DATABASE_URL", None,
            "SQLAlchemy URL of the database: SQLite "
            "(`sqlite:////srv/grouptools/instance/grouptools.db`) or PostgreSQL "
            "(`postgresql+psycopg://user:password@host/db`, needs the `postgres` extra).",
            shown="`sqlite:///<instance>/grouptools.db`"),
    Setting("GROUPTOOLS_SECRET_KEY", None,
            "Signs sessions, sign-in links and CSRF tokens; every app server of one site "
            "needs the same one. Generated into the instance folder in development; "
            "**required** in production.",
            shown="generated in development"),
    Setting("GROUPTOOLS_BASE_URL", None,
            "The public address, e.g. `https://groups.example.org`: absolute links (sign-in "
            "links, QR codes, posters, `url` fields) are built from it, never from the "
            "request's Host. `https://` also makes cookies Secure and adds HSTS."),
    Setting("GROUPTOOLS_TRUSTED_HOSTS", None,
            "Comma-separated host names the server answers to (`groups.example.org`; a "
            "leading dot allows subdomains); any other Host gets 400."),
    Setting("GROUPTOOLS_PROXY_HOPS", None,
            "How many reverse proxies in front of the app add `X-Forwarded-For`, "
            "`-Proto`, `-Host` and `-Prefix`; the app trusts that many values of each "
            "(client address, HTTPS, host). `0` trusts none. Behind one nginx: `1`.",
            shown="`1` when `GROUPTOOLS_PROXY_FIX` is on, else `0`"),
    Setting("GROUPTOOLS_PROXY_FIX", "0",
            "`1` trusts one proxy's `X-Forwarded-*` headers (the same as "
            "`GROUPTOOLS_PROXY_HOPS=1`, which wins when both are set)."),
    Setting("GROUPTOOLS_FONT", None,
            "A CJK font for generated pictures, `path` or `path:index` for a collection; "
            "else fontconfig, else known paths (`flask --app wsgi grouptools doctor` says "
            "which face is used).",
            shown="found by fontconfig"),
    Setting("GROUPTOOLS_RATELIMIT_ENABLED", "1",
            "Rate limits on; `0` or `false` turns them off (test and benchmark runs)."),
    Setting("GROUPTOOLS_RATELIMIT_STORAGE_URL", "memory://",
            "Where rate-limit counters live. `memory://` counts per gunicorn worker and "
            "per app server; share them with Redis, e.g. `redis://localhost:6379/0` "
            "(install the `redis` extra)."),
    Setting("GROUPTOOLS_RATELIMIT_<ACTION>", None,
            "One action's limit in Flask-Limiter's syntax, e.g. "
            "`GROUPTOOLS_RATELIMIT_SIGN_UP=\"30 per minute\"`; the actions and their "
            "defaults are listed below. A value it cannot read stops the start.",
            shown="per action, below"),
    Setting("GROUPTOOLS_UPLOAD_RATE_LIMIT", None,
            "The older name of `GROUPTOOLS_RATELIMIT_UPLOAD`, still honoured."),
    Setting("GROUPTOOLS_UPLOAD_PIXEL_BUDGET", "150",
            "Megapixels one request may have decoded, all its pictures together (never "
            "less than one picture's 40); docs/security.md#uploads."),
)
DECLARED = {setting.name: setting for setting in SETTINGS}


def value(name, environ=None):
    """The setting's value from the environment, else its declared default.

    Only declared names may be read: a KeyError here means SETTINGS lacks an entry."""
    setting = DECLARED[name]
    found = (os.environ if environ is None else environ).get(name)
    if found is not None:
        return found
    return setting.default() if callable(setting.default) else setting.default


INSTANCE_DIR = Path(value("GROUPTOOLS_INSTANCE_DIR"))


def _flag(name):
    found = value(name)
    return found is not None and found.strip().lower() not in {"0", "false", "no", "off", ""}


def _list(name):
    """A comma-separated setting as a list, or None when unset or empty."""
    items = [item.strip() for item in (value(name) or "").split(",") if item.strip()]
    return items or None


def development_secret_key(instance_dir=None):
    """Return the instance's development secret key, creating it once.

    `make run` calls this before gunicorn starts so that every worker reads the same
    key; the create-then-link dance keeps it right even if two processes race."""
    instance_dir = Path(instance_dir or INSTANCE_DIR)
    instance_dir.mkdir(parents=True, exist_ok=True)
    path = instance_dir / "secret_key"
    if not path.exists():
        tmp = instance_dir / f".secret_key.{os.getpid()}"
        tmp.write_text(secrets.token_urlsafe(48))
        tmp.chmod(0o600)
        try:
            os.link(tmp, path)
        except FileExistsError:
            pass
        finally:
            tmp.unlink()
    return path.read_text().strip()


def _whole_number(name):
    """A whole-number setting; set but empty counts as unset."""
    found = (value(name) or "").strip() or str(DECLARED[name].default or "")
    if not found.isdigit():
        raise RuntimeError(f"{name} must be a whole number, not {found!r}")
    return int(found)


def proxy_hops():
    """How many proxies' X-Forwarded-* values to trust: GROUPTOOLS_PROXY_HOPS, else 1
    when the older GROUPTOOLS_PROXY_FIX is on."""
    if (value("GROUPTOOLS_PROXY_HOPS") or "").strip():
        return _whole_number("GROUPTOOLS_PROXY_HOPS")
    return 1 if _flag("GROUPTOOLS_PROXY_FIX") else 0


class Config:
    ENV_NAME = value("GROUPTOOLS_ENV")
    SQLALCHEMY_DATABASE_URI = (value("GROUPTOOLS_DATABASE_URL")
                               or f"sqlite:///{INSTANCE_DIR / 'grouptools.db'}")
    SECRET_KEY = value("GROUPTOOLS_SECRET_KEY")
    BASE_URL = (value("GROUPTOOLS_BASE_URL") or "").rstrip("/") or None
    # Flask refuses (400) a request whose Host is not listed: links are never built
    # from a Host an outsider chose.
    TRUSTED_HOSTS = _list("GROUPTOOLS_TRUSTED_HOSTS")
    # Proxies in front whose X-Forwarded-* headers are believed (0: none).
    PROXY_HOPS = proxy_hops()
    FONT = value("GROUPTOOLS_FONT")

    RATELIMIT_ENABLED = _flag("GROUPTOOLS_RATELIMIT_ENABLED")
    RATELIMIT_STORAGE_URI = value("GROUPTOOLS_RATELIMIT_STORAGE_URL")
    RATELIMIT_HEADERS_ENABLED = True

    # Small by default; the upload route raises it for itself (core.http.allow_large_body).
    MAX_CONTENT_LENGTH = 1024 * 1024
    # Pictures (core.uploads): the megapixels one request may have decoded, all its
    # pictures together (never less than one picture's 40).
    UPLOAD_PIXEL_BUDGET = _whole_number("GROUPTOOLS_UPLOAD_PIXEL_BUDGET") * 1_000_000
    # Each action's limit (core.ratelimits) from GROUPTOOLS_RATELIMIT_<ACTION>: filled in
    # by create_app, which refuses a value Flask-Limiter cannot read.

    SESSION_COOKIE_NAME = "gt_session"
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = (BASE_URL or "").startswith("https://")
    PERMANENT_SESSION_LIFETIME = timedelta(days=365)
    # The cookie is signed again (its year restarted) once a day, not on every answer:
    # core.identity.keep_session_fresh. Re-signing it cost every page and 304 about 0.5 ms.
    SESSION_REFRESH_EACH_REQUEST = False

    # Bearer calls skip CSRF; cookie writes are checked in core.identity.
    WTF_CSRF_CHECK_DEFAULT = False
    # People open a chat link and act the next morning: the token lives as long as the session.
    WTF_CSRF_TIME_LIMIT = None
    WTF_CSRF_HEADERS = ["X-CSRFToken", "X-CSRF-Token"]

    BABEL_DEFAULT_LOCALE = "en"
    BABEL_DEFAULT_TIMEZONE = "UTC"
    LANGUAGES = ("zh_Hans", "en")

    API_TITLE = "grouptools"
    API_VERSION = "v1"
    OPENAPI_VERSION = "3.0.3"
    OPENAPI_URL_PREFIX = "/api/v1"
    OPENAPI_JSON_PATH = "openapi.json"
    # No Swagger UI or ReDoc: they load from a CDN, which the CSP forbids.
    OPENAPI_SWAGGER_UI_PATH = None
    OPENAPI_REDOC_PATH = None
    OPENAPI_RAPIDOC_PATH = None

    JSON_SORT_KEYS = False

    @classmethod
    def finalise(cls, config):
        """Fill what depends on other settings; refuse to run production without a key,
        or with links that the Host header of any request would decide."""
        production = config.get("ENV_NAME") == "production"
        if not config.get("SECRET_KEY"):
            if production and not config.get("TESTING"):
                raise RuntimeError("GROUPTOOLS_SECRET_KEY is required in production")
            config["SECRET_KEY"] = development_secret_key()
        if production and not config.get("BASE_URL") and not config.get("TRUSTED_HOSTS"):
            raise RuntimeError(
                "GROUPTOOLS_BASE_URL (or GROUPTOOLS_TRUSTED_HOSTS) is required in production: "
                "without either, the Host header of each request decides the links in "
                "sign-in links, link previews and QR codes. Set GROUPTOOLS_BASE_URL to the "
                "public address, e.g. https://groups.example.org")
        if (config.get("BASE_URL") or "").startswith("https://"):
            config["SESSION_COOKIE_SECURE"] = True

    @staticmethod
    def shared_ratelimit_warning(config):
        """What to tell a production operator whose rate limits are counted per process."""
        if (config.get("ENV_NAME") != "production" or not config.get("RATELIMIT_ENABLED")
                or not str(config.get("RATELIMIT_STORAGE_URI", "")).startswith("memory://")):
            return None
        return ("rate limits are counted in memory (GROUPTOOLS_RATELIMIT_STORAGE_URL=memory://): "
                "each gunicorn worker and each app server counts on its own, so the real limit "
                "is the configured one times the number of workers. Share the counters, e.g. "
                "GROUPTOOLS_RATELIMIT_STORAGE_URL=redis://localhost:6379/0")
