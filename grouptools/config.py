"""Settings read from GROUPTOOLS_* environment variables (README.md, "Configuration")."""
import os
import secrets
from datetime import timedelta
from pathlib import Path

INSTANCE_DIR = Path(os.environ.get("GROUPTOOLS_INSTANCE_DIR", Path.cwd() / "instance"))


def _flag(name, default):
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() not in {"0", "false", "no", "off", ""}


def _list(name):
    """A comma-separated setting as a list, or None when unset or empty."""
    items = [item.strip() for item in os.environ.get(name, "").split(",") if item.strip()]
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


def _whole_number(name, default):
    value = os.environ.get(name, "").strip()
    if not value:
        return default
    if not value.isdigit():
        raise RuntimeError(f"{name} must be a whole number, not {value!r}")
    return int(value)


class Config:
    ENV_NAME = os.environ.get("GROUPTOOLS_ENV", "development")
    SQLALCHEMY_DATABASE_URI = os.environ.get(
        "GROUPTOOLS_DATABASE_URL", f"sqlite:///{INSTANCE_DIR / 'grouptools.db'}"
    )
    SECRET_KEY = os.environ.get("GROUPTOOLS_SECRET_KEY")
    BASE_URL = os.environ.get("GROUPTOOLS_BASE_URL", "").rstrip("/") or None
    # Flask refuses (400) a request whose Host is not listed: links are never built
    # from a Host an outsider chose.
    TRUSTED_HOSTS = _list("GROUPTOOLS_TRUSTED_HOSTS")
    PROXY_FIX = _flag("GROUPTOOLS_PROXY_FIX", False)
    FONT = os.environ.get("GROUPTOOLS_FONT")

    RATELIMIT_ENABLED = _flag("GROUPTOOLS_RATELIMIT_ENABLED", True)
    RATELIMIT_STORAGE_URI = os.environ.get("GROUPTOOLS_RATELIMIT_STORAGE_URL", "memory://")
    RATELIMIT_HEADERS_ENABLED = True

    # Small by default; the upload route raises it for itself (core.http.allow_large_body).
    MAX_CONTENT_LENGTH = 1024 * 1024
    # Pictures (core.uploads): the megapixels one request may have decoded, all its
    # pictures together (never less than one picture's 40).
    UPLOAD_PIXEL_BUDGET = _whole_number("GROUPTOOLS_UPLOAD_PIXEL_BUDGET", 150) * 1_000_000
    # Each action's limit (core.ratelimits) from GROUPTOOLS_RATELIMIT_<ACTION>: filled in
    # by create_app, which refuses a value Flask-Limiter cannot read.

    SESSION_COOKIE_NAME = "gt_session"
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = (BASE_URL or "").startswith("https://")
    PERMANENT_SESSION_LIFETIME = timedelta(days=365)

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
