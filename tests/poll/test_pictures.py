"""Poll pictures: what a stranger of an open group sees before joining (option texts and
pictures, through the kit's public items), and each picture's own page with the vote."""
import re

from tests.poll.conftest import upload_picture
from tests.poll.test_views import EN, ZH

CAPTIONS = ["红色款", "蓝色款", "绿色款"]


def picture_poll(group_with, join_policy="open", multiple=False, members=("甲",)):
    """(owner, member 甲, pid, [picture ids], [option ids]) of a three-picture poll."""
    gid, owner, people = group_with(members=members, join_policy=join_policy)
    pictures = [upload_picture(owner, gid, colour) for colour in
                ((200, 0, 0), (0, 0, 200), (0, 160, 0))]
    body = {"title": "班服选哪款", "multiple": multiple,
            "options": [{"image_id": i, "text": t} for i, t in zip(pictures, CAPTIONS)]
            + [{"text": "都不喜欢"}]}
    created = owner.post(f"/api/v1/groups/{gid}/polls", json=body).get_json()
    return owner, people["甲"][0], created["id"], pictures, [o["id"] for o in created["options"]]


# --- what a stranger sees -------------------------------------------------------------

def test_a_stranger_of_an_open_group_sees_what_will_be_voted_on(app, group_with):
    _, _, pid, pictures, _ = picture_poll(group_with)
    stranger = app.test_client()
    html = stranger.get(f"/p/{pid}", headers=ZH).get_data(as_text=True)
    assert 'aria-label="成员从以下选项中选择"' in html
    for caption in CAPTIONS + ["都不喜欢"]:
        assert f'class="public-item-text">{caption}<' in html
    assert f'src="/images/{pictures[0]}/thumb" alt="红色款"' in html
    assert 'name="your_name"' in html and 'name="option_ids"' not in html
    # The pictures are served to strangers: an open group shows them to anyone.
    assert stranger.get(f"/images/{pictures[1]}/thumb").status_code == 200
    assert stranger.get(f"/images/{pictures[1]}").status_code == 200


def test_a_group_that_approves_its_members_shows_strangers_no_options(app, group_with):
    _, _, pid, pictures, _ = picture_poll(group_with, join_policy="approval")
    stranger = app.test_client()
    html = stranger.get(f"/p/{pid}", headers=EN).get_data(as_text=True)
    assert "public-item" not in html and "红色款" not in html
    assert stranger.get(f"/images/{pictures[0]}/thumb").status_code == 404


def test_a_picture_no_poll_shows_stays_members_only(app, group_with):
    gid, owner, _ = group_with(join_policy="open")
    loose = upload_picture(owner, gid)
    assert app.test_client().get(f"/images/{loose}").status_code == 404
    assert owner.get(f"/images/{loose}").status_code == 200


def test_strangers_get_no_poll_through_the_api(group_with, user):
    _, _, pid, _, _ = picture_poll(group_with)
    assert user("路人").get(f"/api/v1/polls/{pid}").status_code == 404


# --- a picture's own page -----------------------------------------------------------------

def test_each_picture_has_a_page_with_its_neighbours_and_the_vote(group_with):
    _, member, pid, pictures, options = picture_poll(group_with)
    poll_page = member.get(f"/p/{pid}", headers=EN).get_data(as_text=True)
    # Without JavaScript a tap on a picture opens its page.
    assert f'href="/p/{pid}/o/{options[0]}" data-viewer-src="/images/{pictures[0]}"' in poll_page
    page = member.get(f"/p/{pid}/o/{options[1]}", headers=EN)
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "Picture 2 of 3" in html
    assert f'src="/images/{pictures[1]}" alt="蓝色款"' in html
    assert f'href="/p/{pid}/o/{options[0]}" rel="prev"' in html
    assert f'href="/p/{pid}/o/{options[2]}" rel="next"' in html
    assert "Vote for “蓝色款”" in html
    zh = member.get(f"/p/{pid}/o/{options[2]}", headers=ZH).get_data(as_text=True)
    assert "第 3 张，共 3 张" in zh and 'rel="next"' not in zh and "投给“绿色款”" in zh


def test_voting_from_a_picture_page(group_with):
    _, member, pid, _, options = picture_poll(group_with)
    page = member.get(f"/p/{pid}/o/{options[1]}", headers=EN).get_data(as_text=True)
    button = re.search(r'name="option_ids" value="([\w-]{10})"', page)
    assert button and button.group(1) == options[1]
    sent = member.call("POST", f"/p/{pid}/vote", headers=EN, data={"option_ids": options[1]})
    assert sent.status_code == 303
    assert member.get(f"/api/v1/polls/{pid}").get_json()["my_vote"] == [options[1]]
    after = member.get(f"/p/{pid}/o/{options[1]}", headers=EN).get_data(as_text=True)
    assert "You voted for this." in after and 'name="option_ids"' not in after


def test_multiple_choice_pictures_lead_back_to_the_poll_to_choose(group_with):
    _, member, pid, _, options = picture_poll(group_with, multiple=True)
    html = member.get(f"/p/{pid}/o/{options[0]}", headers=EN).get_data(as_text=True)
    assert f'href="/p/{pid}#o-{options[0]}">Choose on the poll<' in html
    assert 'name="option_ids"' not in html


def test_picture_pages_of_text_options_unknown_ids_and_strangers(app, group_with):
    _, member, pid, _, options = picture_poll(group_with)
    assert member.get(f"/p/{pid}/o/{options[3]}").status_code == 404  # text only
    assert member.get(f"/p/{pid}/o/nosuchopti").status_code == 404
    stranger = app.test_client().get(f"/p/{pid}/o/{options[0]}", headers=EN)
    html = stranger.get_data(as_text=True)
    assert stranger.status_code == 200 and 'name="your_name"' in html
    assert not re.search(r'name="option_ids"', html)
