"""The access log masks every secret a URL or a header can carry."""
from grouptools.core.accesslog import redact


def test_sign_in_and_ticket_secrets_are_masked_wherever_they_appear():
    assert redact("POST /signin/WyJhYiJd.sig HTTP/1.1") == "POST /signin/[redacted] HTTP/1.1"
    assert redact("GET /signin/once/s3cr3t?x=1 HTTP/1.1") == "GET /signin/once/[redacted]?x=1 HTTP/1.1"
    assert (redact("https://g.example.org/r/AbCdEfGhIj/tickets/t1ck3t/qr.png")
            == "https://g.example.org/r/AbCdEfGhIj/tickets/[redacted]/qr.png")
    assert redact("GET /r/AbCdEfGhIj HTTP/1.1") == "GET /r/AbCdEfGhIj HTTP/1.1"
    assert redact(None) is None
