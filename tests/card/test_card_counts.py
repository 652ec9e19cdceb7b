"""The folder's totals come from counts kept by the card writes, less the cards of members
who have gone: whatever happens to cards and members, the folder's total, the group
page's line and the folder's state say what counting the cards would."""
from sqlalchemy import select

from grouptools.card.models import Card, CardFolder
from grouptools.core.models import Membership
from grouptools.extensions import db

EN = {"Accept-Language": "en"}


def counted(app, world):
    """(cards of active members, of them complete), counted afresh."""
    with app.app_context():
        rows = db.session.execute(
            select(Card.complete).join(Membership, Membership.id == Card.owner_membership_id)
            .join(CardFolder, CardFolder.id == Card.folder_id)
            .where(Membership.status == "active", CardFolder.group_id == Membership.group_id)
        ).all()
        db.session.remove()
    ours = [complete for (complete,) in rows]
    return len(ours), sum(1 for complete in ours if complete)


def assert_shown(app, world, cards, complete, members):
    assert counted(app, world) == (cards, complete)
    listed = world.folder()
    assert listed.headers["X-Total-Count"] == str(cards)
    line = world.owner.get(f"/g/{world.gid}", headers=EN).get_data(as_text=True)
    assert f"{complete}/{members} cards complete" in line
    folder_id = world.owner.get(f"{world.base}/card-settings").get_json()["folder_id"]
    state = world.owner.get(f"/api/v1/card-folders/{folder_id}").get_json()
    assert (state["complete_count"], state["member_count"]) == (complete, members)


def test_saving_and_settings_changes_move_the_counts(app, make_cards):
    name_only = [{"key": "name", "required": True}, {"key": "phone"}, {"key": "city"}]
    world = make_cards(settings={"fields": name_only, "display_name_format": "{name}"})
    assert_shown(app, world, 0, 0, 3)
    world.fill("甲", name="张三")
    assert_shown(app, world, 1, 1, 3)
    world.fill("乙", name="李四", phone="13912345678")
    assert_shown(app, world, 2, 2, 3)
    # A new required field makes every card lacking it incomplete …
    with_phone = [{"key": "name", "required": True}, {"key": "phone", "required": True},
                  {"key": "city"}]
    assert world.settings(fields=with_phone, display_name_format="{name}").status_code == 200
    assert_shown(app, world, 2, 1, 3)
    # … filling it in completes the card again, and a save that changes nothing else
    # moves nothing.
    world.fill("甲", name="张三", phone="13812345678")
    world.fill("甲", name="张三", phone="13812345678", city="北京")
    assert_shown(app, world, 2, 2, 3)
    world.fill("群主", name="群主", phone="13712345678")
    assert_shown(app, world, 3, 3, 3)
    assert world.settings(fields=name_only, display_name_format="{name}").status_code == 200
    assert_shown(app, world, 3, 3, 3)


def test_a_departed_members_card_leaves_the_counts_and_comes_back_with_them(app, make_cards):
    world = make_cards(members=("甲", "乙", "丙"))
    for name, phone in (("甲", "13812345678"), ("乙", "13912345678"), ("丙", "13712345678")):
        world.fill(name, name=name, phone=phone)
    assert_shown(app, world, 3, 3, 4)
    world.remove("甲")
    assert_shown(app, world, 2, 2, 3)
    leaver = world.member("乙")
    assert leaver.delete(f"{world.base}/members/me").status_code == 204
    assert_shown(app, world, 1, 1, 2)
    # Restored by a manager: the card is back in the folder, and in its counts.
    assert world.owner.patch(f"{world.base}/members/{world.member_id('甲')}",
                             json={"status": "active"}).status_code == 200
    assert_shown(app, world, 2, 2, 3)


def test_an_imported_folder_counts_its_own_cards(app, make_cards, user):
    from tests.core.groups.transfer_helpers import export_zip, import_zip, read_zip

    world = make_cards()
    world.fill("甲", name="张三", phone="13812345678")
    world.fill("乙", name="李四", phone="13912345678")
    data = export_zip(world.owner, world.gid)
    folder = next(w for w in read_zip(data)[0]["widgets"] if w["kind"] == "card")["data"]
    assert "card_count" not in folder and "complete_count" not in folder  # kept, not carried
    importer = user("新群主")
    gid = import_zip(importer, data).get_json()["id"]
    with app.app_context():
        from grouptools.core.models import Group
        group = db.session.scalar(select(Group).where(Group.public_id == gid))
        folder = db.session.scalar(select(CardFolder).where(CardFolder.group_id == group.id))
        assert (folder.card_count, folder.complete_count) == (2, 2)
        db.session.remove()
