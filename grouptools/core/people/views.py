"""Sign-in link pages: a confirm page on GET (chat apps' preview bots fetch every link),
the sign-in itself on POST."""
from flask import Blueprint, abort, redirect, render_template, url_for

from grouptools.core.identity import current_person, sign_in
from grouptools.core.people import service

bp = Blueprint("signin", __name__, template_folder="templates")

SECRET_MAX = 200


def _confirm_page(person, action):
    if person is None:
        abort(404)
    return render_template("people/signin_confirm.html", person=person, action=action,
                           current=current_person())


@bp.get("/signin/<token>")
def confirm_personal_link(token):
    person = service.person_from_signin_token(token[:SECRET_MAX])
    return _confirm_page(person, url_for("signin.use_personal_link", token=token))


@bp.post("/signin/<token>")
def use_personal_link(token):
    person = service.person_from_signin_token(token[:SECRET_MAX])
    if person is None:
        abort(404)
    sign_in(person)
    return redirect(url_for("home"), code=303)


@bp.get("/signin/once/<secret>")
def confirm_one_time_link(secret):
    person = service.pending_signin_link(secret[:SECRET_MAX])
    return _confirm_page(person, url_for("signin.use_one_time_link", secret=secret))


@bp.post("/signin/once/<secret>")
def use_one_time_link(secret):
    person = service.redeem_signin_link(secret[:SECRET_MAX])
    if person is None:
        abort(404)
    sign_in(person)
    return redirect(url_for("home"), code=303)
