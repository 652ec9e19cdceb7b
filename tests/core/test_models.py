"""Rows keep public ids and aware UTC times on both databases."""
import re
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from grouptools.core.models import Person, new_public_id
from grouptools.core.people import service
from grouptools.extensions import db


def test_public_ids_are_ten_url_safe_characters():
    ids = {new_public_id() for _ in range(2000)}
    assert len(ids) == 2000
    assert all(re.fullmatch(r"[A-Za-z0-9_-]{10}", i) for i in ids)


def test_datetimes_come_back_timezone_aware_utc(app_ctx):
    person, _ = service.create_person("赵六")
    shanghai_evening = datetime(2026, 12, 1, 20, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
    person.created_at = shanghai_evening
    public_id = person.public_id
    db.session.commit()
    db.session.expunge_all()

    again = db.session.scalar(select(Person).where(Person.public_id == public_id))
    assert again.created_at.tzinfo is not None
    assert again.created_at.utcoffset() == timedelta(0)
    assert again.created_at == shanghai_evening
    assert again.created_at.hour == 12
    assert abs(again.updated_at - datetime.now(timezone.utc)) < timedelta(minutes=1)


def test_aware_times_compare_in_sql(app_ctx):
    service.create_person("早")
    cutoff = datetime.now(timezone.utc) - timedelta(hours=1)
    found = db.session.scalars(select(Person).where(Person.created_at > cutoff)).all()
    assert [p.name for p in found] == ["早"]


def test_naive_datetimes_are_refused(app_ctx):
    person, _ = service.create_person("钱七")
    person.created_at = datetime(2026, 12, 1, 20, 0)
    with pytest.raises(Exception, match="naive"):
        db.session.commit()
    db.session.rollback()
