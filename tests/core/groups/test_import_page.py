"""The import page and `flask grouptools import-group`: what a person (or whoever runs
the server) sees when a group arrives from another server."""
import io

from sqlalchemy import select

from grouptools.core.models import Group, Membership
from grouptools.extensions import db
from tests.core.groups.test_transfer import build_group
from tests.core.groups.test_views import ZH, browser_owner, count, csrf_of  # noqa: F401
from tests.core.groups.transfer_helpers import export_zip, stored_counts
from tests.test_pages import assert_csp_clean


def post_file(phone, data, name="group.zip", headers=None):
    page = phone.get("/groups/import", headers=headers or {})
    assert page.status_code == 200
    return phone.post("/groups/import", headers=headers or {}, content_type="multipart/form-data",
                      data={"csrf_token": csrf_of(page), "file": (io.BytesIO(data), name)})


def test_the_page_imports_a_group_and_leads_to_it(app, browser_owner, group_with):
    phone, _ = browser_owner
    gid, owner, _ = build_group(group_with)
    answer = post_file(phone, export_zip(owner, gid))
    assert answer.status_code == 303
    new_gid = answer.headers["Location"].rsplit("/", 1)[1]
    page = phone.get(f"/g/{new_gid}", headers=ZH)
    assert page.status_code == 200 and "选班服颜色" in page.get_data(as_text=True)
    members = phone.get(f"/g/{new_gid}/members").get_data(as_text=True)
    # The manager sees whose place waits to be handed out, and a link for each one.
    assert members.count("Imported: hand out with a sign-in link") == 3


def test_a_refused_file_comes_back_on_the_form_with_the_field_marked(app, browser_owner):
    phone, _ = browser_owner
    before = stored_counts(app)
    answer = post_file(phone, b"not a zip", headers=ZH)
    assert answer.status_code == 422
    html = answer.get_data(as_text=True)
    assert 'aria-invalid="true"' in html and "field-invalid" in html
    assert "损坏" in html  # the refusal, in the reader's language
    assert_csp_clean(html)
    assert stored_counts(app) == before


def test_the_page_asks_for_a_file(browser_owner):
    phone, _ = browser_owner
    page = phone.get("/groups/import")
    answer = phone.post("/groups/import", data={"csrf_token": csrf_of(page)},
                        content_type="multipart/form-data")
    assert answer.status_code == 422 and 'aria-invalid="true"' in answer.get_data(as_text=True)


def test_the_command_line_imports_a_file_for_a_new_owner(app, group_with, tmp_path):
    gid, owner, _ = build_group(group_with)
    path = tmp_path / "group.zip"
    path.write_bytes(export_zip(owner, gid))
    result = app.test_cli_runner().invoke(args=["grouptools", "import-group", str(path)])
    assert result.exit_code == 0, result.output
    assert "imported '跑步群'" in result.output and "/signin/" in result.output
    again = app.test_cli_runner().invoke(args=["grouptools", "import-group", str(path)])
    assert again.exit_code == 0
    with app.app_context():
        assert db.session.scalar(select(db.func.count()).select_from(Group)) == 3
        owners = db.session.scalars(select(Membership).where(Membership.role == "owner")).all()
        assert len(owners) == 3 and not any(m.placeholder for m in owners)


def test_the_command_line_says_what_is_wrong_and_stores_nothing(app, tmp_path, user):
    owner = user("群主")
    path = tmp_path / "broken.zip"
    path.write_bytes(b"PK\x03\x04 broken")
    before = stored_counts(app)
    result = app.test_cli_runner().invoke(
        args=["grouptools", "import-group", str(path), "--owner", owner.id])
    assert result.exit_code != 0 and "damaged or incomplete" in result.output
    assert stored_counts(app) == before
