"""The access log masks every secret a URL or a header can carry."""
from grouptools.core.accesslog import redact


def test_sign_in_and_ticket_secrets_are_masked_wherever_they_appear():
    assert redact("POST /signin/WyJhYiJd.sig HTTP/1.1") == "POST /signin/[redacted] HTTP/1.1"
    assert redact("GET /signin/once/s3cr3t?x=1 HTTP/1.1") == "GET /signin/once/[redacted]?x=1 HTTP/1.1"
    assert (redact("https://g.example.org/r/AbCdEfGhIj/tickets/t1ck3t/qr.png")
            == "https://g.example.org/r/AbCdEfGhIj/tickets/[redacted]/qr.png")
    assert redact("GET /r/AbCdEfGhIj HTTP/1.1") == "GET /r/AbCdEfGhIj HTTP/1.1"
    assert redact(None) is None


def test_percent_encoded_secret_paths_are_masked_after_decoding():
    """The server decodes `%74` to `t` before routing, so `/r/…/%74ickets/<secret>`
    answers like the plain path: the log decodes before matching."""
    assert (redact("GET /r/AbCdEfGhIj/%74ickets/t1ck3t HTTP/1.1")
            == "GET /r/AbCdEfGhIj/tickets/[redacted] HTTP/1.1")
    assert redact("GET /%73ignin/WyJhYiJd.sig HTTP/1.1") == "GET /signin/[redacted] HTTP/1.1"
    assert (redact("POST /signin/%6Fnce/s3cr3t HTTP/1.1")
            == "POST /signin/once/[redacted] HTTP/1.1")
    assert (redact("GET /r/AbCdEfGhIj%2Ftickets%2Ft1ck3t/qr.png HTTP/1.1")
            == "GET /r/AbCdEfGhIj/tickets/[redacted]/qr.png HTTP/1.1")
    assert redact("GET /signin//s3cr3t HTTP/1.1") == "GET /signin//[redacted] HTTP/1.1"
    assert redact("https://g.example.org/%73ignin/once/s3cr3t") == \
        "https://g.example.org/signin/once/[redacted]"
    # Nothing secret: logged as sent; a decoded newline never reaches the log raw.
    assert redact("GET /p/AbCdEfGhIj?q=%E4%BD%A0 HTTP/1.1") == "GET /p/AbCdEfGhIj?q=%E4%BD%A0 HTTP/1.1"
    assert "\n" not in redact("GET /%73ignin/s3cr3t?x=%0Afake HTTP/1.1")
    assert "s3cr3t" not in redact("GET /%73ignin/s3cr3t?x=%0Afake HTTP/1.1")
