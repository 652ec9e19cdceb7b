"""Every registered widget's share poster, as a phone in a chat gets it: the picture
its link preview names, in the reader's language, 1080 wide, whose QR code leads back
to the widget. Each poster is saved beside the screenshots (poster-<kind>-<lang>.png)
for a person to look at: Chinese glyphs, not boxes."""
import io

import pytest
from PIL import Image

from tests.core.test_share import zbar
from tests.e2e.conftest import SCREENSHOTS
from tests.e2e.test_layout import LANGUAGES
from tests.e2e.test_widget_cards import _sample_pages

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("accept_language, lang", LANGUAGES)
def test_each_widgets_poster_in_both_languages(app, phone, live_server, accept_language, lang,
                                               tmp_path):
    SCREENSHOTS.mkdir(exist_ok=True)
    for key, title, path in _sample_pages(app):
        reader = phone(accept_language)
        assert reader.open(path).status == 200
        poster_url = reader.page.locator('meta[property="og:image"]').get_attribute("content")
        assert poster_url == f"{live_server}{path}/poster.png"
        poster = reader.page.request.get(poster_url)
        assert poster.status == 200 and poster.headers["content-type"] == "image/png"
        data = poster.body()
        assert Image.open(io.BytesIO(data)).width == 1080
        link = reader.page.locator('meta[property="og:url"]').get_attribute("content")
        assert zbar(data, tmp_path, f"{key}.png") == [link]
        (SCREENSHOTS / f"poster-{key}-{lang}.png").write_bytes(data)
