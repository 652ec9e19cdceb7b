"""Pieces every page shows (the header, the static links, a share sheet) are rendered
once per language and values (core.i18n.fragment): a reader still sees their own
language, and a changed value shows at once."""
from markupsafe import Markup

from grouptools.core.i18n import fragment


def test_each_reader_sees_the_header_and_share_sheet_in_their_language(group_with):
    gid, owner, _ = group_with()
    for _ in range(2):  # the second time from what was kept
        chinese = owner.get(f"/g/{gid}?lang=zh_Hans").get_data(as_text=True)
        english = owner.get(f"/g/{gid}?lang=en").get_data(as_text=True)
        assert "跳到正文" in chinese and "邀请成员" in chinese and "二维码和海报" in chinese
        assert "Skip to content" in english and "QR code and poster" in english
        assert "跳到正文" not in english and "Skip to content" not in chinese


def test_a_renamed_group_shows_its_new_name_in_its_link_preview_and_share_sheet(group_with):
    gid, owner, _ = group_with()
    assert 'property="og:title" content="跑步群"' in owner.get(f"/g/{gid}").get_data(as_text=True)
    owner.patch(f"/api/v1/groups/{gid}", json={"name": "夜跑群", "join_policy": "approval"})
    page = owner.get(f"/g/{gid}").get_data(as_text=True)
    assert 'property="og:title" content="夜跑群"' in page and "跑步群" not in page
    # The share sheet's line follows the join policy.
    assert "organisers approve whoever asks to join" in owner.get(
        f"/g/{gid}?lang=en").get_data(as_text=True)


def test_the_me_link_is_marked_current_on_me_only(group_with):
    gid, owner, _ = group_with()
    assert 'aria-current="page"' in owner.get("/me").get_data(as_text=True)
    assert 'aria-current="page"' not in owner.get(f"/g/{gid}").get_data(as_text=True)


def test_text_and_markup_of_the_same_characters_are_two_fragments(app):
    with app.test_request_context("/?lang=en"):
        values = {"qr_png": "/q.png", "qr_svg": "/q.svg", "poster": "/p.png"}
        escaped = fragment("_share_sheet.html", intro="<b>x</b>", link="l", **values)
        trusted = fragment("_share_sheet.html", intro=Markup("<b>x</b>"), link="l", **values)
    assert "&lt;b&gt;x&lt;/b&gt;" in escaped and "<b>x</b>" not in escaped
    assert "<b>x</b>" in trusted
