"""The poster of a group's member cards (grouptools/card/poster.py): what a card asks
for and who sees the cards — field names, never anyone's values."""
from grouptools.card.kind import sample_folder
from grouptools.core.models import Group, Person
from grouptools.extensions import db
from tests.kinds import poster_facts_of


def test_the_fields_asked_for_and_who_sees_the_cards(app, group_with):
    gid, owner, _ = group_with()
    with app.app_context():
        folder = sample_folder(Person.query.filter_by(public_id=owner.id).one(),
                               Group.query.filter_by(public_id=gid).one())
        fid = folder.public_id
        db.session.commit()
    facts = [text for text, _ in poster_facts_of(app, "card", fid, "zh_Hans")]
    assert facts[0].startswith("需填写：") and "13812345678" not in "".join(facts)
    assert facts[1] == "群成员可互相查看名片"
