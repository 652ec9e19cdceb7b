"""Every registered widget's public card on a phone, walked from the registry: what a
stranger sees on tapping a widget's link in a chat — the group, the title, the line on
who sees what, and "your name → join" — fits the screen and passes axe-core."""
import pytest
from sqlalchemy import select

from grouptools.core.groups import service as groups
from grouptools.core.models import Person
from grouptools.core.people import service as people
from grouptools.core.widgets import registered_widgets
from grouptools.extensions import db
from tests.e2e.test_layout import LANGUAGES, assert_fits_a_phone

pytestmark = pytest.mark.browser


def _sample_pages(app):
    """(kind key, title, page path) of one sample of every kind, in a new group."""
    samples = []
    with app.app_context():
        owner, _ = people.create_person("群主")
        group = groups.create_group(owner, name="周末羽毛球群")
        owner = db.session.scalar(select(Person).where(Person.id == owner.id))
        for kind in registered_widgets(app):
            widget = kind.sample(owner, group)
            with app.test_request_context():
                samples.append((kind.key, widget.title, kind.page(widget)))
    return samples


@pytest.mark.parametrize("accept_language, lang", LANGUAGES)
def test_each_widgets_public_card_on_a_phone(app, phone, accept_language, lang):
    for key, title, path in _sample_pages(app):
        stranger = phone(accept_language)
        assert stranger.open(path).status == 200
        assert_fits_a_phone(stranger)
        assert stranger.page.locator("h1").inner_text() == title
        assert stranger.page.locator("#f-your_name").is_visible()
        stranger.screenshot(f"stranger-{key}-{lang}")
