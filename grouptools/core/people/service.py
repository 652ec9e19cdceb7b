"""The rules about people: create by name, rename, tokens, sign-in links, sign out everywhere."""
import secrets

from flask import current_app
from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy import select, update

from grouptools.core.models import Person, SigninLink, hash_secret
from grouptools.core.timeutil import utcnow
from grouptools.extensions import db


def new_token():
    return secrets.token_urlsafe(32)


def create_person(name):
    """A new person and their API token; the token is shown only this once."""
    token = new_token()
    person = Person(name=name, token_hash=hash_secret(token))
    db.session.add(person)
    db.session.commit()
    return person, token


def rename_person(person, name):
    person.name = name
    db.session.commit()
    return person


def rotate_token(person):
    """A fresh token; the old one stops working at once."""
    token = new_token()
    person.token_hash = hash_secret(token)
    db.session.commit()
    return token


def sign_out_everywhere(person):
    """End every session, the API token and the personal sign-in link; a fresh token.

    Sessions carry the person's session version; bumping it makes every cookie issued
    before now count for nobody (the caller re-signs the current browser in)."""
    token = new_token()
    person.token_hash = hash_secret(token)
    person.session_version += 1
    db.session.commit()
    return token


def _signin_serializer():
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt="personal-signin-link")


def personal_signin_token(person):
    """The secret in the person's own sign-in link: stable until they sign out everywhere."""
    return _signin_serializer().dumps([person.public_id, person.session_version])


def person_from_signin_token(token):
    """The person a personal sign-in link belongs to, or None if it is stale or forged."""
    try:
        public_id, version = _signin_serializer().loads(token)
    except (BadSignature, ValueError, TypeError):
        return None
    person = db.session.scalar(select(Person).where(Person.public_id == public_id))
    if person is None or person.session_version != version:
        return None
    return person


def pending_signin_link(secret):
    """The person a one-time link would sign in, without using it up (for the confirm page)."""
    link = db.session.scalar(select(SigninLink).where(SigninLink.secret_hash == hash_secret(secret)))
    if link is None or link.used_at is not None or link.expires_at <= utcnow():
        return None
    return db.session.get(Person, link.person_id)


def redeem_signin_link(secret):
    """The person a one-time link was issued for, marking it used; None if used or expired.

    The conditional UPDATE lets exactly one of two simultaneous taps win."""
    now = utcnow()
    link = db.session.scalar(select(SigninLink).where(SigninLink.secret_hash == hash_secret(secret)))
    if link is None:
        return None
    claimed = db.session.execute(
        update(SigninLink)
        .where(SigninLink.id == link.id, SigninLink.used_at.is_(None), SigninLink.expires_at > now)
        .values(used_at=now)
    ).rowcount
    db.session.commit()
    return db.session.get(Person, link.person_id) if claimed == 1 else None
