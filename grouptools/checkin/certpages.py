"""Certificates of achievements: the picture (/h/<hid>/a/<aid>/card.png) for the group's
members and its earner, and the public verification page (/a/<aid>) its QR code
carries — what the certificate shows, nothing more, for anyone.

An earned certificate stays verifiable, and its picture stays its earner's, after they
leave the group (docs/security.md#certificates); it goes only with the habit (deleting a habit deletes its
achievements). docs/security.md#certificates says why the picture is not public."""
from flask import render_template, url_for
from flask_babel import format_date
from sqlalchemy import and_, bindparam, select
from sqlalchemy.orm import aliased, joinedload

from grouptools.checkin.blueprints import bp
from grouptools.checkin.certificate import Certificate, draw_certificate
from grouptools.checkin.models import Achievement, Habit
from grouptools.core.avatars import avatar_of
from grouptools.core.errors import NotFound
from grouptools.core.i18n import current_language, gettext, ngettext
from grouptools.core.identity import asker_confirmed, asker_public_id
from grouptools.core.links import absolute_url
from grouptools.core.loaders import load_earned
from grouptools.core.models import Group, Membership, Person
from grouptools.core.plainrows import first_plain_row, plain_rows
from grouptools.core.share import etag_for, send_keyed_picture, send_picture
from grouptools.core.widgets import MeItem, MeSection
from grouptools.extensions import db


def find_achievement(aid):
    """The achievement with this public id (its habit and member loaded), or 404."""
    achievement = db.session.scalar(select(Achievement).where(Achievement.public_id == aid))
    if achievement is None:
        raise NotFound()
    return achievement


def verify_path(achievement):
    return url_for("checkin_pages.verify_certificate", aid=achievement.public_id)


def card_path(achievement):
    return url_for("checkin_pages.certificate_picture", hid=achievement.habit.public_id,
                   aid=achievement.public_id)


def certificate_of(achievement):
    """What the certificate and its verification page show."""
    member = achievement.membership
    return Certificate(
        member_name=member.display_name, member_avatar=avatar_of(member),
        group_name=achievement.habit.group.name, habit_title=achievement.habit.title,
        days=achievement.days, earned_on=achievement.earned_on,
        verify_url=absolute_url(verify_path(achievement)))


# Built once per process (docs/architecture.md#speed): every habit page runs it, and
# reads plain rows (what the page shows of each), not Achievement entities.
MY_ACHIEVEMENTS = (select(Achievement.public_id, Achievement.days, Achievement.earned_on)
                   .where(Achievement.habit_id == bindparam("habit_id"),
                          Achievement.membership_id == bindparam("membership_id"))
                   .order_by(Achievement.days))


def my_certificates(habit, membership, known=None):
    """[(row with days and earned_on, picture address, verification address)] the member
    earned here; `known`: those rows, read already by this request (stats.calendar)."""
    rows = known if known is not None else plain_rows(
        MY_ACHIEVEMENTS, {"habit_id": habit.id, "membership_id": membership.id})
    return [(row, url_for("checkin_pages.certificate_picture", hid=habit.public_id,
                          aid=row.public_id),
             url_for("checkin_pages.verify_certificate", aid=row.public_id)) for row in rows]


ME_PAGE_MAX = 50


def certificates_on_me(person):
    """The "Me" page's section (core.widgets.on_me_page): the person's latest
    certificates in every group, those of groups they left included (still theirs)."""
    rows = db.session.scalars(
        select(Achievement).join(Membership, Membership.id == Achievement.membership_id)
        .where(Membership.person_id == person.id)
        .options(joinedload(Achievement.habit).joinedload(Habit.group))
        .order_by(Achievement.earned_on.desc(), Achievement.id.desc()).limit(ME_PAGE_MAX)).all()
    items = [MeItem(
        title=row.habit.title,
        detail=ngettext("%(num)d day", "%(num)d days", row.days) + " · " + row.habit.group.name
        + " · " + format_date(row.earned_on),
        url=verify_path(row), picture=card_path(row),
        alt=ngettext("Certificate of achievement: %(num)d day of check-ins",
                     "Certificate of achievement: %(num)d days of check-ins", row.days))
        for row in rows]
    return MeSection("certificates", gettext("My certificates"), items)


@bp.get("/h/<pid:hid>/a/<pid:aid>/card.png")
def certificate_picture(hid, aid):
    """The certificate for the group's members and its earner. A picture this worker
    has drawn is answered after one light statement (`_picture_key`)."""
    # Private: the member's name is for the group and whoever they hand the picture to.
    key = _picture_key(hid, aid)
    if key is None:  # the asker is refused: the full reading says how, as it always has
        return send_picture(*_picture_content(hid, aid), cache_control=CERTIFICATE_CACHE)
    return send_keyed_picture(key, lambda: _picture_content(hid, aid),
                              cache_control=CERTIFICATE_CACHE)


CERTIFICATE_CACHE = "private, max-age=86400"
_asker = aliased(Membership)
_PICTURE_KEY = (
    select(Achievement.id, Achievement.membership_id, Habit.version, Group.version,
           _asker.id, _asker.status, Person.id, Person.session_version)
    .join(Habit, Habit.id == Achievement.habit_id)
    .join(Group, Group.id == Habit.group_id)
    .outerjoin(Person, Person.public_id == bindparam("person_public_id"))
    .outerjoin(_asker, and_(_asker.group_id == Habit.group_id,
                            _asker.person_id == Person.id))
    .where(Achievement.public_id == bindparam("aid"), Habit.public_id == bindparam("hid")))


def _picture_key(hid, aid):
    """What the certificate shows, read in one statement — the habit's version (its
    title), its group's (the group's name; the earner's name, nickname and avatar, which
    move it: core.conditional) — when the asker may see it (Action.VIEW_EARNED: an
    active member of the group, or its earner whatever their status now). None
    otherwise: `load_earned` then refuses as it always has."""
    asker = asker_public_id()  # the asker is read in the same statement
    if asker is None:
        return None
    row = first_plain_row(_PICTURE_KEY, {"hid": hid, "aid": aid, "person_public_id": asker})
    if row is None or not asker_confirmed(*row[-2:]):
        return None
    achievement_id, earner_id, habit_version, group_version, mine, status, _, _ = row
    if mine is None or (status != "active" and earner_id != mine):
        return None
    return ("certificate", hid, aid, achievement_id, habit_version, group_version)


def _picture_content(hid, aid):
    """(ETag, draw) of the certificate, with the access rules applied."""
    achievement, _ = load_earned(Achievement, aid, Habit, hid)
    certificate = certificate_of(achievement)
    etag = etag_for(*certificate.etag_parts(), current_language())
    return etag, lambda: draw_certificate(certificate)


@bp.get("/a/<pid:aid>")
def verify_certificate(aid):
    achievement = find_achievement(aid)
    return render_template("checkin/verify.html", certificate=certificate_of(achievement))
