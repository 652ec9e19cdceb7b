"""The rules about people: create by name, rename, rotate the API token."""
import secrets

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
