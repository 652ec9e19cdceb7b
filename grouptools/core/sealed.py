"""Small secrets sealed with a key derived from the app's SECRET_KEY, for data that must
be unreadable to someone holding the database files but not the server's key (the
pending secret ballots of polls).

AES-256-GCM (authenticated: a changed byte is refused, not misread) with a fresh random
nonce per message; the key is HKDF-SHA256 over SECRET_KEY with a purpose label, so each
use gets its own key and SECRET_KEY itself is never used directly. Messages sealed under
a key in SECRET_KEY_FALLBACKS (Flask's setting for rotating the key) still open.

`cryptography` is imported the first time something is sealed or opened: about 7 MB
(its compiled library's pages) in a worker that never meets a secret ballot
(bench/RESULTS.md, "Footprints")."""
import os

from flask import current_app

NONCE_BYTES = 12


class SealBroken(Exception):
    """Not sealed by any key this server holds (another key, or a changed byte)."""


def _key(secret, purpose):
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.kdf.hkdf import HKDF

    material = secret.encode() if isinstance(secret, str) else bytes(secret)
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None,
                info=b"grouptools/" + purpose.encode()).derive(material)


def _keys(purpose):
    config = current_app.config
    secrets = [config["SECRET_KEY"], *(config.get("SECRET_KEY_FALLBACKS") or [])]
    return [_key(secret, purpose) for secret in secrets if secret]


def seal(purpose, plaintext, context=b""):
    """nonce + ciphertext; `context` (e.g. the row it belongs to) is authenticated, not
    stored: a sealed value copied to another row does not open there."""
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    nonce = os.urandom(NONCE_BYTES)
    return nonce + AESGCM(_keys(purpose)[0]).encrypt(nonce, plaintext, context)


def unseal(purpose, sealed, context=b""):
    from cryptography.exceptions import InvalidTag
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    nonce, ciphertext = bytes(sealed[:NONCE_BYTES]), bytes(sealed[NONCE_BYTES:])
    for key in _keys(purpose):
        try:
            return AESGCM(key).decrypt(nonce, ciphertext, context)
        except InvalidTag:
            continue
    raise SealBroken()
