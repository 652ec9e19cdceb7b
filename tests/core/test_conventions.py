"""The shared conventions of core every widget uses: one commit/rollback convention,
one image and avatar address helper, one palette for pictures."""
import pytest
from sqlalchemy import func, select

from grouptools.core import palette
from grouptools.core.database import commit_or_conflict, unit_of_work
from grouptools.core.errors import Conflict, Invalid
from grouptools.core.links import avatar_url, image_urls
from grouptools.core.models import Person, hash_secret
from grouptools.extensions import db


def _people():
    return db.session.scalar(select(func.count()).select_from(Person))


def _duplicate_token_pair():
    db.session.add_all([Person(name="甲", token_hash=hash_secret("same")),
                        Person(name="乙", token_hash=hash_secret("same"))])


def test_a_constraint_the_database_catches_is_a_conflict_and_nothing_is_kept(app_ctx):
    before = _people()
    _duplicate_token_pair()
    with pytest.raises(Conflict):
        commit_or_conflict()
    assert _people() == before
    db.session.add(Person(name="丙", token_hash=hash_secret("other")))
    commit_or_conflict()  # the session is usable again
    assert _people() == before + 1


def test_a_refused_unit_of_work_leaves_nothing_half_done(app_ctx):
    before = _people()
    with pytest.raises(Invalid) as refused:
        with unit_of_work():
            db.session.add(Person(name="丁", token_hash=hash_secret("d")))
            db.session.flush()
            raise Invalid({"name": ["No."]})
    assert refused.value.errors == {"name": ["No."]}
    assert _people() == before
    with pytest.raises(Conflict):
        with unit_of_work():
            _duplicate_token_pair()
            db.session.flush()
    assert _people() == before


def test_image_and_avatar_addresses_site_relative_on_pages_absolute_for_the_api(app, group_with):
    gid, owner, people = group_with(members=["甲"])
    upload = owner.post("/api/v1/images", data={"file": (_png(), "a.png"), "group_id": gid},
                        content_type="multipart/form-data")
    assert upload.status_code == 201, upload.get_json()
    body = upload.get_json()
    from grouptools.core.models import Image, Membership

    with app.test_request_context("/", base_url="http://gt.example"):
        image = db.session.scalar(select(Image).where(Image.public_id == body["id"]))
        assert image_urls(image) == (f"/images/{image.public_id}", f"/images/{image.public_id}/thumb")
        assert image_urls(image, absolute=True) == (f"http://gt.example/images/{image.public_id}",
                                                   f"http://gt.example/images/{image.public_id}/thumb")
        assert body["url"].endswith(f"/images/{image.public_id}")
        assert image_urls(None) == (None, None)
        member = db.session.scalar(select(Membership).where(Membership.public_id == people["甲"][1]))
        assert avatar_url(member) == f"/g/{gid}/members/{member.public_id}/avatar.png"
        assert avatar_url(member, absolute=True).startswith("http://gt.example/g/")


def _png():
    import io

    from PIL import Image as PILImage

    out = io.BytesIO()
    PILImage.new("RGB", (8, 8), (200, 10, 10)).save(out, "PNG")
    out.seek(0)
    return out


def test_every_picture_draws_with_the_one_palette():
    from grouptools.core import avatars, posters
    from grouptools.poll import picture

    assert posters.BRAND is picture.BRAND is palette.BRAND
    assert posters.INK is picture.INK is palette.INK
    assert avatars.AVATAR_COLOURS is palette.AVATAR_COLOURS
