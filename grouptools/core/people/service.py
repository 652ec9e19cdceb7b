"""The rules about people: create by name, rename, tokens, the personal sign-in link, sign
out everywhere. (A manager's one-time link moves a membership, not a person: core.groups.moves.)"""
import secrets

from flask import current_app
from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy import select

from grouptools.core.models import Person, hash_secret
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

