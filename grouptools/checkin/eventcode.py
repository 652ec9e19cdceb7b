"""The rotating code of an event's display: a fresh code every SLOT_SECONDS, each
accepted for two slots (its own and the next, ACCEPTED_SLOTS × SLOT_SECONDS = 40 s).

A code is an HMAC of the slot's number under the event's secret, cut to CODE_DIGITS
digits: the server works it out again to check one, so codes are never stored. The short
life is the point: a photo of the screen forwarded to someone at home expires before it
is of any use, and the sign-in rate limit keeps guessing 6 digits hopeless."""
import hashlib
import hmac
from datetime import datetime, timezone

from grouptools.core.timeutil import utcnow

SLOT_SECONDS = 20
ACCEPTED_SLOTS = 2
CODE_DIGITS = 6


def _slot(now):
    return int(now.timestamp()) // SLOT_SECONDS


def _code_of_slot(event, slot):
    digest = hmac.new(event.code_secret.encode(), str(slot).encode(), hashlib.sha256).digest()
    return str(int.from_bytes(digest[:8], "big") % 10 ** CODE_DIGITS).zfill(CODE_DIGITS)


def current_code(event, now=None):
    """(the code to show now, when it stops being accepted)."""
    slot = _slot(now or utcnow())
    expires = datetime.fromtimestamp((slot + ACCEPTED_SLOTS) * SLOT_SECONDS, timezone.utc)
    return _code_of_slot(event, slot), expires


def code_accepted(event, code, now=None):
    """Whether `code` is the code of this slot or of the one before."""
    if not isinstance(code, str):
        return False
    slot = _slot(now or utcnow())
    # Every candidate is compared, in constant time, whatever matched first.
    matches = [hmac.compare_digest(code.encode(), _code_of_slot(event, slot - back).encode())
               for back in range(ACCEPTED_SLOTS)]
    return any(matches)


def seconds_to_next_code(now=None):
    """How long the code shown now stays the one to show (the display's refresh)."""
    now = now or utcnow()
    return SLOT_SECONDS - int(now.timestamp()) % SLOT_SECONDS
