"""core.loaders.load_group: a group, its asker and their membership in one statement,
refused as load_widget refuses (401 for a bad token or nobody where someone is needed,
before 404 for an unknown id)."""
import pytest
from sqlalchemy import func, select

from grouptools.core.access import Action
from grouptools.core.errors import NotFound
from grouptools.core.loaders import load_group
from grouptools.core.models import Group, Membership
from tests.conftest import bearer, csrf_headers, statements_run
from tests.core.test_identity import _browser_signed_in_as

ROSTER = (select(func.count()).where(Membership.group_id == Group.id).correlate(Group)
          .scalar_subquery(),)
UNKNOWN = "AAAAAAAAAA"


def _load(app, headers, gid, **kwargs):
    """load_group in a GET carrying `headers`, after the app's own before_request (who
    is asking): (what it returned as plain values, or the HTTP status it refused with;
    the statements it ran)."""
    with app.test_request_context(f"/g/{gid}", headers=headers):
        app.preprocess_request()
        with statements_run(app) as seen:
            try:
                group, person, membership, values = load_group(gid, **kwargs)
            except NotFound:
                return 404, seen
            except Exception as error:  # the refusals are HTTP errors (401)
                code = getattr(error, "code", None) or getattr(error, "status", None)
                if code is None:
                    raise
                return code, seen
            return (group.public_id, person and person.name,
                    membership and membership.status, values), seen


def _cookie(browser, app):
    return {"Cookie": f"{app.config['SESSION_COOKIE_NAME']}="
                      f"{browser.get_cookie(app.config['SESSION_COOKIE_NAME']).value}"}


def test_the_asker_by_token_and_their_membership_in_one_statement(app, group_with):
    gid, owner, people = group_with(members=["甲"])
    member = people["甲"][0]
    answer, seen = _load(app, bearer(member.token), gid, also=ROSTER)
    assert answer == (gid, "甲", "active", (2,))
    assert len([s for s in seen if s.lstrip().upper().startswith("SELECT")]) == 1
    assert _load(app, bearer(member.token), UNKNOWN)[0] == 404
    assert _load(app, bearer("not-a-token-anyone-has"), gid)[0] == 401
    assert _load(app, bearer("not-a-token-anyone-has"), UNKNOWN)[0] == 401


def test_a_stranger_and_nobody(app, group_with, user):
    gid, _, _ = group_with()
    stranger = user("路人")
    assert _load(app, bearer(stranger.token), gid)[0] == (gid, "路人", None, ())
    assert _load(app, {}, gid)[0] == (gid, None, None, ())
    assert _load(app, {}, gid, action=Action.VIEW_GROUP)[0] == 401
    assert _load(app, {}, UNKNOWN)[0] == 404
    assert _load(app, {}, UNKNOWN, action=Action.VIEW_GROUP)[0] == 401


def test_a_cookie_ended_everywhere_is_nobody(app, group_with):
    gid, _, people = group_with(members=["甲"])
    member = people["甲"][0]
    lost_phone, laptop = _browser_signed_in_as(app, member), _browser_signed_in_as(app, member)
    answer, seen = _load(app, _cookie(lost_phone, app), gid, also=ROSTER)
    assert answer == (gid, "甲", "active", (2,))
    assert len([s for s in seen if s.lstrip().upper().startswith("SELECT")]) == 1
    assert laptop.post("/api/v1/me/signout-everywhere",
                       headers=csrf_headers(laptop)).status_code == 200
    assert _load(app, _cookie(lost_phone, app), gid)[0] == (gid, None, None, ())
    assert _load(app, _cookie(lost_phone, app), gid, action=Action.VIEW_GROUP)[0] == 401
    assert _load(app, _cookie(laptop, app), gid, action=Action.VIEW_GROUP)[0] == (
        gid, "甲", "active", ())


@pytest.mark.parametrize("action", [Action.VIEW_PUBLIC_CARD, Action.VIEW_GROUP])
def test_an_asker_read_already_is_not_read_again(app, group_with, action):
    gid, owner, _ = group_with()
    with app.test_request_context(f"/g/{gid}", headers=bearer(owner.token)):
        app.preprocess_request()
        from grouptools.core.identity import current_person
        current_person()
        with statements_run(app) as seen:
            group, person, membership, _ = load_group(gid, action=action)
        assert (person.name, membership.role) == ("群主", "owner")
        assert len(seen) == 1


def test_a_get_that_needs_someone_is_refused_by_its_answer_at_the_latest(app, group_with):
    from grouptools.core.identity import refuse_nobody_by_the_answer, refuse_unread_asker
    gid, owner, _ = group_with()
    for headers, status in ((bearer("not-a-token-anyone-has"), 401), ({}, None),
                            (bearer(owner.token), 200)):
        with app.test_request_context(f"/g/{gid}", headers=headers):
            app.preprocess_request()
            try:
                with statements_run(app) as seen:
                    refuse_nobody_by_the_answer()
            except Exception as error:  # nobody at all: refused at once
                assert headers == {} and getattr(error, "code", None) == 401
                continue
            assert seen == []  # a token is read when the route asks, not here
            answer = refuse_unread_asker(app.response_class("the route's answer"))
            assert answer.status_code == status
