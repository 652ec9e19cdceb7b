"""The access log masks every secret a URL or a header can carry: core's sign-in links,
and whatever secret links the registered widgets name."""
import pytest
import requests
from gunicorn.config import Config

from grouptools.core.accesslog import RedactingLogger, app_secret_paths, redact
from grouptools.core.widgets import register_widget
from tests.kinds import stand_in_kind


@pytest.fixture(scope="module")
def secret_paths(app):
    """What a gunicorn worker serving this app masks."""
    return app_secret_paths(app)


def test_sign_in_and_ticket_secrets_are_masked_wherever_they_appear(secret_paths):
    def masked(text):
        return redact(text, secret_paths)

    assert masked("POST /signin/WyJhYiJd.sig HTTP/1.1") == "POST /signin/[redacted] HTTP/1.1"
    assert masked("GET /signin/once/s3cr3t?x=1 HTTP/1.1") == "GET /signin/once/[redacted]?x=1 HTTP/1.1"
    assert (masked("https://g.example.org/r/AbCdEfGhIj/tickets/t1ck3t/qr.png")
            == "https://g.example.org/r/AbCdEfGhIj/tickets/[redacted]/qr.png")
    assert masked("GET /r/AbCdEfGhIj HTTP/1.1") == "GET /r/AbCdEfGhIj HTTP/1.1"
    assert masked(None) is None


def test_percent_encoded_secret_paths_are_masked_after_decoding(secret_paths):
    """The server decodes `%74` to `t` before routing, so `/r/…/%74ickets/<secret>`
    answers like the plain path: the log decodes before matching."""
    def masked(text):
        return redact(text, secret_paths)

    assert (masked("GET /r/AbCdEfGhIj/%74ickets/t1ck3t HTTP/1.1")
            == "GET /r/AbCdEfGhIj/tickets/[redacted] HTTP/1.1")
    assert masked("GET /%73ignin/WyJhYiJd.sig HTTP/1.1") == "GET /signin/[redacted] HTTP/1.1"
    assert (masked("POST /signin/%6Fnce/s3cr3t HTTP/1.1")
            == "POST /signin/once/[redacted] HTTP/1.1")
    assert (masked("GET /r/AbCdEfGhIj%2Ftickets%2Ft1ck3t/qr.png HTTP/1.1")
            == "GET /r/AbCdEfGhIj/tickets/[redacted]/qr.png HTTP/1.1")
    assert masked("GET /signin//s3cr3t HTTP/1.1") == "GET /signin//[redacted] HTTP/1.1"
    assert masked("https://g.example.org/%73ignin/once/s3cr3t") == \
        "https://g.example.org/signin/once/[redacted]"
    # Nothing secret: logged as sent; a decoded newline never reaches the log raw.
    assert masked("GET /p/AbCdEfGhIj?q=%E4%BD%A0 HTTP/1.1") == "GET /p/AbCdEfGhIj?q=%E4%BD%A0 HTTP/1.1"
    assert "\n" not in masked("GET /%73ignin/s3cr3t?x=%0Afake HTTP/1.1")
    assert "s3cr3t" not in masked("GET /%73ignin/s3cr3t?x=%0Afake HTTP/1.1")


def test_core_alone_knows_only_its_own_secret_paths():
    """Ticket links are relay's to declare: without the registry, core masks sign-in only."""
    assert redact("GET /signin/s3cr3t HTTP/1.1") == "GET /signin/[redacted] HTTP/1.1"
    assert redact("GET /r/AbCdEfGhIj/tickets/t1ck3t HTTP/1.1") == \
        "GET /r/AbCdEfGhIj/tickets/t1ck3t HTTP/1.1"


def test_a_new_widgets_secret_path_is_masked_once_it_registers(make_app):
    """A widget names its secret links in its registration; core needs no change."""
    app = make_app()
    # A kind no real widget uses (member cards are "card" at /c/ now).
    register_widget(app, stand_in_kind(key="keyring", label="钥匙", lister=lambda group, person: [],
                                    secret_paths=(r"/k/+[A-Za-z0-9_-]{10}/+keys/+",)))
    logger = RedactingLogger(Config())
    line = "GET /k/AbCdEfGhIj/%6Beys/k3y-s3cr3t HTTP/1.1"
    assert "k3y-s3cr3t" in redact(line, logger.secret_paths)  # before the worker knows the app
    logger.use_app(app)
    assert redact(line, logger.secret_paths) == "GET /k/AbCdEfGhIj/keys/[redacted] HTTP/1.1"
    assert "t1ck3t" not in redact("GET /r/AbCdEfGhIj/tickets/t1ck3t HTTP/1.1", logger.secret_paths)
    assert "s3cr3t" not in redact("GET /signin/s3cr3t HTTP/1.1", logger.secret_paths)


def test_a_real_server_masks_ticket_links_it_learned_from_the_relay_widget(live_server):
    """Each gunicorn worker reads the widgets' secret paths from the app it serves."""
    secret = "n0t-a-real-t1ck3t"
    for path in (f"/r/AbCdEfGhIj/tickets/{secret}", f"/r/AbCdEfGhIj/%74ickets/{secret}/qr.png"):
        assert requests.get(f"{live_server}{path}", timeout=10).status_code == 404
    log = live_server.read_log()
    assert "/r/AbCdEfGhIj/tickets/[redacted]" in log
    assert secret not in log
