"""The rules about people: create by name, rename, a photo avatar, tokens, the personal
sign-in link, sign out everywhere. (A manager's one-time link moves a membership, not a person: core.groups.moves.)"""
import secrets

from flask import current_app
from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy import delete, select

from grouptools.core.database import commit_or_conflict
from grouptools.core.models import Image, Person, PersonAvatar, hash_secret
from grouptools.core.uploads import store_image
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


def set_avatar(person, data):
    """Keep `data` (a picture's bytes, checked and normalised as every upload is:
    core.uploads) as the person's photo avatar; the photo it replaces is deleted.
    Raises the upload's own errors (413, 415, 422); 409 when two arrive at once."""
    image = store_image(person, data)
    row = db.session.get(PersonAvatar, person.id)
    if row is None:
        db.session.add(PersonAvatar(person_id=person.id, image_id=image.id))
    else:
        old, row.image_id = row.image_id, image.id
        db.session.flush()
        db.session.execute(delete(Image).where(Image.id == old))
    commit_or_conflict()
    db.session.expire(person, ["avatar_image_public_id"])
    return person


def remove_avatar(person):
    """Back to the initials: the photo is deleted. Removing none changes nothing."""
    row = db.session.get(PersonAvatar, person.id)
    if row is not None:
        # Deleting the picture deletes the avatar row with it (ON DELETE CASCADE).
        db.session.execute(delete(Image).where(Image.id == row.image_id))
        db.session.expunge(row)
    db.session.commit()
    db.session.expire(person, ["avatar_image_public_id"])
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

