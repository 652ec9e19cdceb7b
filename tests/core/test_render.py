"""Generated pictures write Simplified Chinese with Simplified glyph forms, draw emoji
instead of boxes, and wrap Chinese and English lines (avatars: test_avatars.py)."""
import pytest
from PIL import Image, ImageDraw, ImageFont

from grouptools.core import fonts, render

NOTO_CJK = "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"


pytestmark = pytest.mark.usefixtures("fresh_fonts")


def colourful_pixels(image):
    """Pixels that are clearly neither grey nor the given background: emoji colours."""
    rgb = image.convert("RGB")
    return sum(1 for r, g, b in rgb.get_flattened_data() if max(r, g, b) - min(r, g, b) > 60)


# --- Finding the font ---------------------------------------------------------------------

def test_the_simplified_chinese_face_of_the_debian_collection_is_chosen():
    regular, bold = fonts.find_cjk_font(), fonts.find_cjk_font(bold=True)
    assert regular.family == "Noto Sans CJK SC" and not regular.is_bold
    assert bold.family == "Noto Sans CJK SC" and bold.is_bold
    assert fonts.load_font(40).getname() == ("Noto Sans CJK SC", "Regular")
    assert fonts.load_font(40, bold=True).getname() == ("Noto Sans CJK SC", "Bold")


def test_a_collection_named_without_index_gets_its_sc_face_by_name(monkeypatch):
    monkeypatch.setenv("GROUPTOOLS_FONT", NOTO_CJK)
    choice = fonts.find_cjk_font()
    assert (choice.family, choice.source) == ("Noto Sans CJK SC", "GROUPTOOLS_FONT")
    # The bold face is found next to the configured regular one.
    assert fonts.find_cjk_font(bold=True).face == "Noto Sans CJK SC Bold"


def test_an_explicit_face_index_in_the_setting_is_respected(monkeypatch):
    monkeypatch.setenv("GROUPTOOLS_FONT", f"{NOTO_CJK}:0")
    assert fonts.find_cjk_font().family == "Noto Sans CJK JP"


def test_the_setting_comes_from_the_app_config(app):
    with app.app_context():
        app.config["FONT"] = f"{NOTO_CJK}:3"
        try:
            assert fonts.find_cjk_font().family == "Noto Sans CJK TC"
        finally:
            app.config["FONT"] = None


def test_a_setting_that_is_not_a_font_falls_back_to_discovery(monkeypatch, tmp_path):
    not_a_font = tmp_path / "font.ttc"
    not_a_font.write_text("hello")
    monkeypatch.setenv("GROUPTOOLS_FONT", str(not_a_font))
    assert fonts.find_cjk_font().family == "Noto Sans CJK SC"


def test_fontconfig_pointing_at_the_japanese_face_is_corrected_by_name(monkeypatch):
    monkeypatch.setattr(fonts, "_fontconfig_match", lambda pattern: (NOTO_CJK, 0))
    choice = fonts.find_cjk_font()
    assert (choice.index, choice.family) == (2, "Noto Sans CJK SC")


def test_without_fontconfig_the_known_debian_path_is_used(monkeypatch):
    monkeypatch.setattr(fonts, "_fontconfig_match", lambda pattern: None)
    regular, bold = fonts.find_cjk_font(), fonts.find_cjk_font(bold=True)
    assert (regular.family, regular.source) == ("Noto Sans CJK SC", "known path")
    assert bold.face == "Noto Sans CJK SC Bold"
    assert fonts.find_emoji_font().family == "Noto Color Emoji"


def test_the_sc_face_draws_simplified_forms_that_the_jp_face_does_not():
    # Japan draws these differently: the trap of taking a collection's index 0.
    japanese = ImageFont.truetype(NOTO_CJK, 64, index=0)
    for char in "骨直门画":
        assert fonts.glyph_pixels(char, 64) != fonts._glyph_pixels(japanese, char)


def test_chinese_text_is_not_drawn_as_missing_glyph_boxes():
    missing = fonts.missing_glyph_pixels()
    for char in "群投票周末爬山小分队":
        assert fonts.glyph_pixels(char) != missing
    assert fonts.can_draw_chinese()
    assert fonts.can_draw_chinese(bold=True)


def test_a_latin_only_font_cannot_draw_chinese(monkeypatch):
    monkeypatch.setenv("GROUPTOOLS_FONT", "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")
    assert fonts.find_cjk_font().family == "DejaVu Sans"
    assert not fonts.can_draw_chinese()


# --- Runs, emoji and missing characters ---------------------------------------------------

def test_graphemes_keep_emoji_sequences_flags_and_marks_together():
    family, flag, thumb, heart, keycap = "👨\u200d👩\u200d👧", "🇨🇳", "👍🏽", "❤️", "1️⃣"
    text = f"a{family}{flag}{thumb}{heart}{keycap}e\u0301群"
    assert render.split_graphemes(text) == ["a", family, flag, thumb, heart, keycap, "e\u0301", "群"]


def test_emoji_go_to_the_emoji_font_and_chinese_to_the_sc_face():
    runs = render.text_runs("周末爬山🏔️小分队", 40)
    assert [(run.text, run.font.getname()[0], run.emoji) for run in runs] == [
        ("周末爬山", "Noto Sans CJK SC", False),
        ("🏔️", "Noto Color Emoji", True),
        ("小分队", "Noto Sans CJK SC", False),
    ]


def test_variation_selectors_choose_the_font_and_never_reach_the_text_font():
    # Noto CJK draws U+FE0E/U+FE0F as visible boxes; they only ask for a presentation.
    runs = render.text_runs("♥\ufe0e ♥\ufe0f", 40)
    assert [(run.text, run.emoji) for run in runs] == [("♥ ", False), ("♥\ufe0f", True)]


def test_a_character_no_font_has_becomes_a_question_mark_not_a_box():
    runs = render.text_runs("ก群\ue000", 40)
    assert "".join(run.text for run in runs) == "?群?"


def test_an_emoji_is_drawn_in_colour_and_not_as_a_box():
    image = Image.new("RGB", (200, 100), "white")
    width = render.draw_text(image, (10, 10), "🎉", 48, "black")
    assert 40 < width < 70
    assert colourful_pixels(image) > 200

    box = Image.new("RGB", (200, 100), "white")
    ImageDraw.Draw(box).text((10, 10), fonts.MISSING_CODEPOINT, font=fonts.load_font(48),
                             fill="black")
    assert colourful_pixels(box) == 0


def test_text_width_counts_emoji():
    assert render.text_width("周末🎉", 40) > render.text_width("周末", 40) + 30


# --- Wrapping ------------------------------------------------------------------------------

CHINESE = ("本周六早上八点在香山公园东门集合，全程约十公里，预计下午三点结束。"
           "请穿舒适的运动鞋，自带午餐和饮用水。雨天取消，会提前在群里通知！")


@pytest.mark.parametrize("max_width", [300, 333, 360, 400, 417, 450, 500])
def test_chinese_breaks_between_characters_never_before_closing_punctuation(max_width):
    lines = render.wrap_text(CHINESE, 40, max_width)
    assert "".join(lines) == CHINESE
    for line in lines:
        assert render.text_width(line, 40) <= max_width
        assert line[0] not in "，。！？、；："


def test_english_wraps_at_spaces():
    text = "Vote for the book we read in April. Voting closes on Friday at 8 pm; bring a friend!"
    lines = render.wrap_text(text, 40, 420)
    assert len(lines) > 2
    assert " ".join(lines) == text
    assert all(render.text_width(line, 40) <= 420 for line in lines)


def test_mixed_chinese_and_english_keep_words_whole():
    lines = render.wrap_text("周六一起去 Starbucks 喝咖啡，带上你的 KeepCup 杯子", 40, 300)
    assert all(render.text_width(line, 40) <= 300 for line in lines)
    assert "Starbucks" in "".join(lines) and "KeepCup" in "".join(lines)


def test_an_overlong_url_is_cut_to_fit():
    url = "https://grouptools.example.org/g/abcdef/poll/12345?from=chat&utm=something-long"
    lines = render.wrap_text(url, 40, 300)
    assert "".join(lines) == url
    assert all(render.text_width(line, 40) <= 300 for line in lines)


def test_too_many_lines_end_with_an_ellipsis_on_a_full_last_line():
    lines = render.wrap_text(CHINESE, 40, 400, max_lines=2)
    assert len(lines) == 2
    assert lines[1].endswith("…")
    assert render.text_width(lines[1], 40) <= 400
    assert render.text_width(lines[1], 40) > 400 - 2 * 40

    # English ends on a whole word, with three dots (the CJK "…" sits mid-height).
    english = render.wrap_text("one two three four five six seven eight nine ten", 40, 300,
                               max_lines=2)
    assert english == ["one two three", "four five six..."]


def test_text_that_fits_is_left_alone():
    assert render.wrap_text("短标题", 40, 400, max_lines=1) == ["短标题"]
    assert render.wrap_text("第一行\n\n第三行", 40, 400) == ["第一行", "", "第三行"]
    assert render.wrap_text("", 40, 400) == [""]


def test_draw_paragraph_returns_the_bottom_of_its_last_line():
    image = Image.new("RGB", (500, 600), "white")
    bottom = render.draw_paragraph(image, (10, 20), CHINESE, 40, 400, "black", max_lines=3,
                                   line_spacing=1.5)
    assert bottom == 20 + 3 * 60
    assert image.crop((0, bottom + 5, 500, 600)).getextrema() == ((255, 255),) * 3
