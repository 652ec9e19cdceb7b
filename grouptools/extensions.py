"""Extensions, created once here and bound to an app in create_app.

The flask-smorest Api is the exception: it holds one OpenAPI document per app, so
create_app makes one for each app (see grouptools.core.errors.GroupToolsApi)."""
from flask_babel import Babel
from flask_compress import Compress
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_sqlalchemy import SQLAlchemy
from flask_wtf.csrf import CSRFProtect
from sqlalchemy import MetaData
from sqlalchemy.orm import DeclarativeBase


# Named constraints from the first migration on, so later migrations can drop them.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


def rate_limit_key():
    """Per person where there is one; per address otherwise. The public id, never reused
    as an integer key may be once rows are deleted, so no one inherits a spent budget."""
    from flask import current_app

    person = current_app.extensions["grouptools.asker"]()  # core.identity.current_person
    return f"person:{person.public_id}" if person is not None else f"ip:{get_remote_address()}"


db = SQLAlchemy(model_class=Base)
babel = Babel()
compress = Compress()
csrf = CSRFProtect()
limiter = Limiter(key_func=rate_limit_key)
