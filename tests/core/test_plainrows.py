"""Plain rows (core.plainrows): the one light read of an answer alone on a connection of
its own, and in the request's transaction once it has one."""
from sqlalchemy import bindparam, select

from grouptools.core.models import Person
from grouptools.core.plainrows import first_plain_row
from grouptools.extensions import db

_NAME = select(Person.name).where(Person.public_id == bindparam("public_id"))


def test_the_first_read_of_a_request_finds_what_is_committed(app, make_person):
    public_id, _ = make_person("张三")
    with app.test_request_context():
        assert first_plain_row(_NAME, {"public_id": public_id}) == ("张三",)
        assert first_plain_row(_NAME, {"public_id": "nobody0000"}) is None
        assert not db.session().in_transaction()  # nothing was begun for it


def test_once_the_request_changed_something_it_reads_its_own_change(app, make_person):
    public_id, _ = make_person("张三")
    with app.test_request_context():
        row = db.session.scalar(select(Person).where(Person.public_id == public_id))
        row.name = "李四"  # not flushed yet
        assert first_plain_row(_NAME, {"public_id": public_id}) == ("李四",)
        db.session.rollback()
        assert first_plain_row(_NAME, {"public_id": public_id}) == ("张三",)
