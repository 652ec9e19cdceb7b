"""What a newcomer trips on when creating and voting: options that say the same thing,
the secret ballot's results waiting for the close (and why), a vote tapped twice."""
import re

import pytest

from tests.poll.conftest import OPTIONS, upload_picture
from tests.core.groups.test_views import csrf_of
from tests.poll.test_views import (  # noqa: F401  (fixtures)
    EN,
    ZH,
    create,
    created_pid,
    join,
    option_ids,
    owner_phone,
    text_poll,
)

BOTH = [(ZH, "zh"), (EN, "en")]
SAME_AS_1 = {"zh": "与选项 1 相同。", "en": "The same as option 1."}
COUNTED = {"zh": "你的投票已计入。", "en": "Your vote was counted."}
UNCHANGED = {"zh": "没有变化", "en": "unchanged"}
SECRET_RECEIVED = {"zh": "你的无记名投票已收到", "en": "your secret vote was received"}

# --- options that say the same ----------------------------------------------------------

@pytest.mark.parametrize("headers, lang", BOTH)
def test_options_equal_but_for_case_width_and_spaces_are_422(group_with, headers, lang):
    gid, owner, _ = group_with()
    response = owner.post(f"/api/v1/groups/{gid}/polls", headers=headers, json={
        "title": "分组", "options": [{"text": "A 组"}, {"text": "B组"}, {"text": "ａ組"},
                                     {"text": "a　组"}]})
    assert response.status_code == 422
    errors = response.get_json()["errors"]["json"]["options"]
    assert set(errors) == {"3"} and errors["3"]["text"] == [SAME_AS_1[lang]]


def test_the_same_text_beside_different_pictures_is_fine(group_with):
    gid, owner, _ = group_with()
    red, blue = upload_picture(owner, gid), upload_picture(owner, gid, (0, 0, 200))
    response = owner.post(f"/api/v1/groups/{gid}/polls", json={
        "title": "哪件", "options": [{"text": "款式", "image_id": red},
                                     {"text": "款式", "image_id": blue}]})
    assert response.status_code == 201


@pytest.mark.parametrize("headers, lang", BOTH)
def test_the_page_marks_the_repeated_option(owner_phone, headers, lang):
    phone, gid = owner_phone
    response = create(phone, gid, option=["植物园", "动物园", " 植物园 "], headers=headers)
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert re.search(r'id="f-option-2"[^>]*aria-invalid="true"', html)
    assert SAME_AS_1[lang] in html


# --- secret ballots: results after the close, and why -------------------------------------

def test_a_secret_ballot_shows_results_after_closing_by_default(group_with):
    gid, owner, _ = group_with()
    response = owner.post(f"/api/v1/groups/{gid}/polls",
                          json={"title": "评优", "options": OPTIONS, "anonymous": True})
    assert response.get_json()["results_visibility"] == "after_close"


def test_the_form_explains_why_when_secret_is_ticked(owner_phone):
    phone, gid = owner_phone
    html = phone.get(f"/g/{gid}/polls/new", headers=EN).get_data(as_text=True)
    why = "in a small group, counts that move with each vote would tell who chose what"
    # Hidden until "secret" is ticked (the stylesheet's :has, or poll.js) …
    assert re.search(r'id="secret-why" data-secret-only>', html) and why in html
    # … and shown on a form sent back with "secret" ticked (no JavaScript).
    again = create(phone, gid, title="", anonymous="1", headers=EN).get_data(as_text=True)
    assert re.search(r'id="secret-why">', again)
    zh = phone.get(f"/g/{gid}/polls/new", headers=ZH).get_data(as_text=True)
    assert "票数随每一票变化" in zh


# --- a vote tapped twice ------------------------------------------------------------------

@pytest.mark.parametrize("headers, lang", BOTH)
def test_a_first_vote_tapped_twice_says_counted_both_times(text_poll, headers, lang):
    _, member, _, pid = text_poll
    page = member.get(f"/p/{pid}")
    token, ids = csrf_of(page), option_ids(page.get_data(as_text=True))
    for _ in range(2):
        sent = member.post(f"/p/{pid}/vote", headers=headers,
                           data={"csrf_token": token, "option_ids": ids[1:2]})
        assert sent.status_code == 303
        shown = member.get(f"/p/{pid}", headers=headers).get_data(as_text=True)
        assert COUNTED[lang] in shown and UNCHANGED[lang] not in shown


@pytest.mark.parametrize("headers, lang", BOTH)
def test_a_secret_vote_tapped_twice_says_it_was_received(app, owner_phone, headers, lang):
    phone, gid = owner_phone
    pid = created_pid(create(phone, gid, anonymous="1"))
    member = join(app, gid, "小红爸爸")
    page = member.get(f"/p/{pid}")
    token, ids = csrf_of(page), option_ids(page.get_data(as_text=True))
    for _ in range(2):
        sent = member.post(f"/p/{pid}/vote", headers=headers,
                           data={"csrf_token": token, "option_ids": ids[:1]})
        assert sent.status_code == 303
    shown = member.get(f"/p/{pid}", headers=headers).get_data(as_text=True)
    assert SECRET_RECEIVED[lang] in shown
    assert phone.get(f"/api/v1/polls/{pid}").get_json()["voter_count"] == 1
