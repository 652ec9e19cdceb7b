"""Deleting a group leaves nothing of it behind (docs/security.md#deleting-a-group): a group
holding every registered kind of widget, with responses and pictures, is deleted, and
then every table the app knows (db.metadata) is walked: no row that pointed at the group,
at its members or at its widgets — by a foreign key, through any chain of them — is
left, and its pictures are no longer served."""
from datetime import datetime, timedelta, timezone

from sqlalchemy import select, tuple_

from grouptools.core.models import Group, Image
from grouptools.core.widgets import registered_widgets
from grouptools.extensions import db
from tests.poll.conftest import upload_picture


def test_a_deleted_group_leaves_no_row_and_no_picture(app, group_with):
    gid, owner, people = group_with(members=["甲", "乙"])
    now = datetime.now(timezone.utc)
    member = people["甲"][0]
    picture = upload_picture(owner, gid)
    poll = owner.post(f"/api/v1/groups/{gid}/polls", json={
        "title": "春游", "options": [{"text": "爬山"}, {"image_id": picture}]}).get_json()
    assert member.post(f"/api/v1/polls/{poll['id']}/votes", json={
        "option_ids": [poll["options"][1]["id"]]}).status_code == 201
    secret = owner.post(f"/api/v1/groups/{gid}/polls", json={
        "title": "选班长", "anonymous": True,
        "options": [{"text": "甲"}, {"text": "乙"}]}).get_json()
    assert member.post(f"/api/v1/polls/{secret['id']}/votes", json={
        "option_ids": [secret["options"][0]["id"]]}).status_code == 201
    relay = owner.post(f"/api/v1/groups/{gid}/relays", json={
        "title": "羽毛球", "capacity": 4,
        "fields": [{"key": "phone", "label": "手机", "type": "phone", "private": True}],
    }).get_json()
    assert member.post(f"/api/v1/relays/{relay['id']}/entries", json={
        "values": {"phone": "13800138000"}}).status_code == 201
    notice_picture = upload_picture(owner, gid, colour=(10, 120, 40))
    notice = owner.post(f"/api/v1/groups/{gid}/notices", json={
        "title": "周六集合", "body": "东门", "image_ids": [notice_picture],
        "audience_member_ids": [people["甲"][1]]}).get_json()
    assert member.post(f"/api/v1/notices/{notice['id']}/confirm", json={}).status_code in (200, 201)
    habit = owner.post(f"/api/v1/groups/{gid}/habits", json={
        "title": "跑步", "proof": "photo"}).get_json()
    proof = upload_picture(member, gid, colour=(30, 30, 200))
    assert member.post(f"/api/v1/habits/{habit['id']}/checkins", json={
        "image_ids": [proof]}).status_code == 201
    event = owner.post(f"/api/v1/groups/{gid}/events", json={
        "title": "读书会", "starts_at": (now - timedelta(hours=1)).isoformat(),
        "ends_at": (now + timedelta(hours=2)).isoformat()}).get_json()
    code = owner.get(f"/api/v1/events/{event['id']}/code").get_json()["code"]
    assert member.post(f"/api/v1/events/{event['id']}/signin", json={"code": code}).status_code == 201
    assert owner.call("PUT", f"/api/v1/groups/{gid}/card-settings", json={
        "fields": [{"key": "name", "required": True}]}).status_code == 200
    assert member.call("PUT", f"/api/v1/groups/{gid}/cards/me",
                       json={"values": {"name": "小甲"}}).status_code in (200, 201)
    assert member.get(f"/images/{proof}").status_code == 200

    with app.app_context():
        group_id = db.session.scalar(select(Group.id).where(Group.public_id == gid))
        belonging = rows_belonging_to(group_id)
        kinds = {kind.model.__tablename__ for kind in registered_widgets()}
        # Every kind has a widget here, and responses and pictures are among the rows.
        assert kinds <= {table for table, rows in belonging.items() if rows}
        for table in ("poll_vote", "poll_participation", "relay_entry", "notice_receipt", "checkin", "checkin_image",
                      "event_signin", "card", "image", "membership"):
            assert belonging.get(table), table
        assert len(belonging["image"]) == 3

    assert owner.delete(f"/api/v1/groups/{gid}").status_code == 204

    with app.app_context():
        left = {}
        for name, keys in belonging.items():
            table = db.metadata.tables[name]
            key = list(table.primary_key.columns)
            still = db.session.execute(select(*key).where(
                tuple_(*key).in_(list(keys)))).all() if keys else []
            if still:
                left[name] = still
        assert left == {}, f"rows of the deleted group are left: {left}"
        for table in db.metadata.tables.values():
            if "group_id" in table.c:
                assert db.session.execute(select(table.c.group_id).where(
                    table.c.group_id == group_id)).first() is None, table.name
        assert db.session.scalar(select(Image.id).where(Image.group_id == group_id)) is None
    for image in (picture, notice_picture, proof):
        assert owner.get(f"/images/{image}").status_code == 404
        assert owner.get(f"/images/{image}/thumb").status_code == 404


def test_every_id_column_is_a_foreign_key(app):
    """What makes the walk above complete: a column naming another row (`…_id`) is a
    foreign key the database keeps, so no row can name a deleted group or widget
    unnoticed. Public ids are the row's own."""
    loose = [f"{table.name}.{column.name}" for table in db.metadata.tables.values()
             for column in table.c
             if column.name.endswith("_id") and column.name != "public_id"
             and not column.foreign_keys]
    assert loose == []


def rows_belonging_to(group_id):
    """{table name: {primary key tuple}} of every row that points at the group, directly
    or through a chain of foreign keys (a vote → its option → its poll → the group)."""
    group = Group.__table__
    found = {group.name: {(group_id,)}}
    changed = True
    while changed:
        changed = False
        for table in db.metadata.tables.values():
            key = list(table.primary_key.columns)
            for fk in table.foreign_keys:
                target = fk.column.table
                if target.name not in found or not found[target.name]:
                    continue
                if len(target.primary_key.columns) != 1 or not fk.column.primary_key:
                    continue
                ids = [row[0] for row in found[target.name]]
                rows = {tuple(row) for row in db.session.execute(
                    select(*key).where(fk.parent.in_(ids))).all()}
                known = found.setdefault(table.name, set())
                if not rows <= known:
                    known |= rows
                    changed = True
    return found
