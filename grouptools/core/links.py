"""Absolute links to pages, for QR codes, share sheets and API answers.

Behind a proxy the request's host may be an internal name: GROUPTOOLS_BASE_URL wins."""
from flask import current_app, request


def absolute_url(path):
    base = current_app.config.get("BASE_URL") or request.host_url.rstrip("/")
    return f"{base}{path}"


def group_url(group):
    return absolute_url(f"/g/{group.public_id}")
