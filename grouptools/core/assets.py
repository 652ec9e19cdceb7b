"""Static files (CSS, JS, icons): named by their content, cached for a year, compressed.

Every `url_for("static", filename=…)` gets `?v=<the first 12 hex digits of the file's
SHA-256>`; an answer to such a versioned address may be kept a year without asking
again (`immutable`), because a changed file gets a new address. An address without the
version, or with an old one, is answered as before (`no-cache`: the browser asks each
time, and gets 304 while the file is unchanged).

Flask-Compress compresses text answers (static files, pages, JSON) for clients that
accept it; pictures are already compressed and go out as they are. See
docs/architecture.md ("Speed")."""
import hashlib
import os

from flask import current_app, request

from grouptools.extensions import compress

YEAR = 365 * 24 * 3600
IMMUTABLE = f"public, max-age={YEAR}, immutable"
VERSION_LENGTH = 12

# (path, mtime, size) → version; a worker hashes each file once, again only if it changes.
_versions = {}
# (static folder, filename) → version, for the addresses pages link to: without the
# debugger's reloading, files do not change under a running worker (a release restarts
# it), so a page's links ask no file system.
_linked = {}


def version(filename):
    """The content version of a static file, or None when there is no such file."""
    path = os.path.join(current_app.static_folder, filename)
    try:
        stat = os.stat(path)
    except (OSError, ValueError):
        return None
    key = (path, stat.st_mtime_ns, stat.st_size)
    found = _versions.get(key)
    if found is None:
        with open(path, "rb") as f:
            found = hashlib.sha256(f.read()).hexdigest()[:VERSION_LENGTH]
        _versions[key] = found
    return found


def add_version(endpoint, values):
    if endpoint == "static" and "v" not in values and "filename" in values:
        filename = values["filename"]
        if current_app.debug:
            found = version(filename)
        else:
            key = (current_app.static_folder, filename)
            found = _linked.get(key)
            if found is None:
                found = _linked[key] = version(filename)
        if found is not None:
            values["v"] = found


def static_answer(response):
    """A year's cache for a versioned address; the file read into the answer (static
    files are small) so that Flask-Compress compresses it like any other answer — its
    streaming path would leave the file open."""
    if request.endpoint != "static":
        return response
    if (response.status_code in (200, 304) and request.args.get("v")
            and request.args["v"] == version(request.view_args.get("filename", ""))):
        response.headers["Cache-Control"] = IMMUTABLE
    if response.status_code == 200 and response.is_streamed:
        response.direct_passthrough = False
        response.make_sequence()
    return response


def init_app(app):
    app.config.setdefault("COMPRESS_ALGORITHM", ["br", "gzip", "deflate"])
    # Nothing is streamed here but static files, which static_answer reads in first.
    app.config.setdefault("COMPRESS_STREAMS", False)
    compress.init_app(app)
    app.url_defaults(add_version)
    app.after_request(static_answer)
