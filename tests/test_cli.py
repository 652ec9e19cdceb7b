"""`flask grouptools doctor` tells whoever runs the server what pictures will be drawn
with, and fails loudly when Chinese would come out as boxes."""
import pytest

from grouptools import create_app
from tests.conftest import SECRET_KEY

DEJAVU = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"
NOTO_CJK = "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"


@pytest.fixture(autouse=True)
def no_font_setting_from_the_environment(monkeypatch):
    monkeypatch.delenv("GROUPTOOLS_FONT", raising=False)


def doctor(app):
    return app.test_cli_runner().invoke(args=["grouptools", "doctor"])


def other_app(tmp_path, **config):
    return create_app({
        "TESTING": True,
        "SECRET_KEY": SECRET_KEY,
        "RATELIMIT_ENABLED": False,
        "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'doctor.db'}",
        **config,
    })


def test_doctor_reports_the_database_the_sc_face_and_that_chinese_draws(app):
    result = doctor(app)
    assert result.exit_code == 0, result.output
    dialect = app.config["SQLALCHEMY_DATABASE_URI"].split(":", 1)[0]
    assert f"database: {dialect}:" in result.output
    assert "connects: yes" in result.output
    assert "NotoSansCJK-Regular.ttc (face 2: Noto Sans CJK SC Regular" in result.output
    assert "NotoSansCJK-Bold.ttc (face 2: Noto Sans CJK SC Bold" in result.output
    assert "emoji font: " in result.output and "Noto Color Emoji" in result.output
    assert "draws Chinese (群投票): yes" in result.output
    assert "does not say Simplified Chinese" not in result.output


def test_doctor_warns_when_the_face_is_not_the_simplified_chinese_one(tmp_path):
    result = doctor(other_app(tmp_path, FONT=f"{NOTO_CJK}:0"))  # the JP face
    assert result.exit_code == 0, result.output
    assert "Noto Sans CJK JP Regular; found by GROUPTOOLS_FONT" in result.output
    assert "its name does not say Simplified Chinese (SC)" in result.output


def test_doctor_fails_when_the_font_cannot_draw_chinese(tmp_path):
    result = doctor(other_app(tmp_path, FONT=DEJAVU))
    assert result.exit_code == 1
    assert "font: " + DEJAVU in result.output
    assert "draws Chinese (群投票): NO" in result.output
    assert "fonts-noto-cjk" in result.output


def test_doctor_says_when_the_font_setting_cannot_be_opened(tmp_path):
    result = doctor(other_app(tmp_path, FONT=str(tmp_path / "missing.ttc")))
    assert result.exit_code == 0, result.output
    assert "missing.ttc cannot be opened as a font" in result.output
    assert "Noto Sans CJK SC Regular; found by fontconfig" in result.output


def test_doctor_hides_the_database_password_and_fails_when_it_cannot_connect(tmp_path):
    # Nothing listens on port 1: the connection is refused at once.
    url = "postgresql+psycopg://gt:s3cret-pw@127.0.0.1:1/nothing"
    app = other_app(tmp_path, SQLALCHEMY_DATABASE_URI=url)
    result = doctor(app)
    assert result.exit_code == 1
    assert "database: postgresql+psycopg://gt:***@127.0.0.1:1/nothing" in result.output
    assert "connects: NO" in result.output
    assert "s3cret-pw" not in result.output
