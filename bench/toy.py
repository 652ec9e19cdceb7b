"""What this stack can do at all on the machine it runs on: the speed issue's bare Flask +
SQLAlchemy toy, measured exactly as `make bench` measures grouptools (gunicorn with 2
workers, wrk with 16 connections, each route's requests/s over `/healthz`'s in the same
run), so a reader can put grouptools' ratios beside the ceiling of their own machine.

Run:  .venv/bin/python bench/toy.py                      (SQLite)
      GROUPTOOLS_BENCH_DATABASE_URL=postgresql+psycopg://… .venv/bin/python bench/toy.py
      (PostgreSQL: the database is emptied first, give it one of its own)
      BENCH_SECONDS=10 BENCH_ROUNDS=3 (the defaults)

The toy holds nothing of grouptools: a person table (a token's hash), one poll with five
options and a vote table. Its routes are the four kinds of answer the issue names:
- page: the token looked up from a cookie, the poll and its options read (two selects),
  a small template rendered;
- 304: the poll's version read (one select), answered 304 to a matching If-None-Match;
- picture: the poll's version read (one select), 20 kB of PNG kept in memory answered;
- write: the token looked up, the voter's vote changed and the options' counts moved, in
  one transaction (SQLite: BEGIN IMMEDIATE).
The app is this module (`gunicorn bench.toy:app`); the measurement is `main()`."""
import hashlib
import os
import secrets
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from flask import Flask, abort, make_response, render_template, request
from jinja2 import DictLoader
from sqlalchemy import (Column, ForeignKey, Integer, String, create_engine, event, insert,
                        select, text, update)
from sqlalchemy.orm import DeclarativeBase, Session

ROOT = Path(__file__).resolve().parent.parent
OPTIONS = 5
VOTERS = 300


class Base(DeclarativeBase):
    pass


class Person(Base):
    __tablename__ = "toy_person"
    id = Column(Integer, primary_key=True)
    token_hash = Column(String(64), unique=True, nullable=False)
    name = Column(String(40), nullable=False)


class Poll(Base):
    __tablename__ = "toy_poll"
    id = Column(Integer, primary_key=True)
    title = Column(String(100), nullable=False)
    version = Column(Integer, nullable=False, default=1)


class Option(Base):
    __tablename__ = "toy_option"
    id = Column(Integer, primary_key=True)
    poll_id = Column(ForeignKey("toy_poll.id"), nullable=False, index=True)
    text = Column(String(100), nullable=False)
    votes = Column(Integer, nullable=False, default=0)


class Vote(Base):
    __tablename__ = "toy_vote"
    person_id = Column(ForeignKey("toy_person.id"), primary_key=True)
    poll_id = Column(ForeignKey("toy_poll.id"), primary_key=True)
    option_id = Column(ForeignKey("toy_option.id"), nullable=False)


PAGE = """<!doctype html><html lang="zh-Hans"><head><meta charset="utf-8">
<title>{{ poll.title }}</title></head><body><p>{{ person.name }}</p><h1>{{ poll.title }}</h1>
<ul>{% for option in options %}<li>{{ option.text }}: {{ option.votes }}</li>{% endfor %}</ul>
</body></html>"""


def _hash(token):
    return hashlib.sha256(token.encode()).hexdigest()


def engine_for(url):
    engine = create_engine(url)
    if engine.dialect.name == "sqlite":
        # As grouptools does (TRAPS: deferred transactions): the driver's own BEGIN off,
        # BEGIN IMMEDIATE for a write, WAL.
        @event.listens_for(engine, "connect")
        def _connect(dbapi_connection, _):
            dbapi_connection.isolation_level = None
            dbapi_connection.execute("PRAGMA journal_mode=WAL")
            dbapi_connection.execute("PRAGMA synchronous=NORMAL")
            dbapi_connection.execute("PRAGMA busy_timeout=5000")

        @event.listens_for(engine, "begin")
        def _begin(connection):
            connection.exec_driver_sql("BEGIN IMMEDIATE" if connection.info.get("write")
                                       else "BEGIN")
    return engine


def create_toy(url):
    app = Flask(__name__)
    app.jinja_loader = DictLoader({"page.html": PAGE})  # compiled once, as a file would be
    engine = engine_for(url)
    picture = os.urandom(20_000)

    def person():
        token = (request.headers.get("Authorization", "").removeprefix("Bearer ")
                 or request.cookies.get("token", ""))
        with Session(engine) as session:
            found = session.scalar(select(Person).where(Person.token_hash == _hash(token)))
        if found is None:
            abort(401)
        return found

    @app.get("/healthz")
    def healthz():
        return "ok"

    @app.get("/p/<int:poll_id>")
    def page(poll_id):
        asker = person()
        with Session(engine) as session:
            poll = session.get(Poll, poll_id)
            options = session.scalars(select(Option).where(Option.poll_id == poll_id)
                                      .order_by(Option.id)).all()
            return render_template("page.html", poll=poll, options=options, person=asker)

    @app.get("/p/<int:poll_id>/version")
    def unchanged(poll_id):
        with Session(engine) as session:
            version = session.scalar(select(Poll.version).where(Poll.id == poll_id))
        response = make_response("changed")
        response.set_etag(str(version))
        return response.make_conditional(request)

    @app.get("/p/<int:poll_id>/picture.png")
    def picture_of(poll_id):
        with Session(engine) as session:
            version = session.scalar(select(Poll.version).where(Poll.id == poll_id))
        response = make_response(picture)
        response.mimetype = "image/png"
        response.set_etag(f"picture-{version}")
        return response

    @app.post("/p/<int:poll_id>/vote")
    def vote(poll_id):
        asker = person()
        option_id = int(request.get_json()["option_ids"][0])
        with engine.connect() as connection:
            connection.info["write"] = True
            with connection.begin():
                old = connection.scalar(select(Vote.option_id).where(
                    Vote.person_id == asker.id, Vote.poll_id == poll_id))
                if old is None:
                    connection.execute(insert(Vote).values(person_id=asker.id, poll_id=poll_id,
                                                           option_id=option_id))
                elif old != option_id:
                    connection.execute(update(Vote).where(Vote.person_id == asker.id,
                                                          Vote.poll_id == poll_id)
                                       .values(option_id=option_id))
                    connection.execute(update(Option).where(Option.id == old)
                                       .values(votes=Option.votes - 1))
                if old != option_id:
                    connection.execute(update(Option).where(Option.id == option_id)
                                       .values(votes=Option.votes + 1))
                    connection.execute(update(Poll).where(Poll.id == poll_id)
                                       .values(version=Poll.version + 1))
            connection.info.pop("write")
        return {"option_ids": [option_id]}

    return app


def seed(url):
    """The toy's tables, one poll, VOTERS people: [tokens], [option ids]."""
    engine = engine_for(url)
    Base.metadata.drop_all(engine)
    Base.metadata.create_all(engine)
    tokens = [secrets.token_urlsafe(24) for _ in range(VOTERS)]
    with Session(engine) as session, session.begin():
        session.execute(insert(Person), [{"token_hash": _hash(t), "name": f"成员{n:03d}"}
                                         for n, t in enumerate(tokens)])
        session.execute(insert(Poll), [{"id": 1, "title": "下周去哪儿", "version": 1}])
        session.execute(insert(Option), [{"poll_id": 1, "text": f"选项 {n + 1}", "votes": 0}
                                         for n in range(OPTIONS)])
    with engine.connect() as connection:
        options = connection.scalars(select(Option.id).order_by(Option.id)).all()
    engine.dispose()
    return tokens, options


app = create_toy(os.environ["TOY_DATABASE_URL"]) if "TOY_DATABASE_URL" in os.environ else None


def main():
    sys.path.insert(0, str(ROOT))
    from bench import load

    seconds = int(os.environ.get("BENCH_SECONDS", "10"))
    rounds = int(os.environ.get("BENCH_ROUNDS", "3"))
    url = os.environ.get("GROUPTOOLS_BENCH_DATABASE_URL")
    engine = "PostgreSQL" if url else "SQLite"
    if url:
        load.empty_postgresql(url)
    else:
        url = f"sqlite:///{Path(tempfile.mkdtemp(prefix='gt-toy-')) / 'toy.db'}"
    tokens, options = seed(url)
    port = load.free_port()
    base = f"http://127.0.0.1:{port}"
    env = {**os.environ, "TOY_DATABASE_URL": url}
    server = subprocess.Popen(
        [str(load.BIN / "gunicorn"), "--workers", "2", "--bind", f"127.0.0.1:{port}",
         "--no-control-socket", "bench.toy:app"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
        start_new_session=True)
    try:
        load_ready(base)
        import requests
        cookie = {"Cookie": f"token={tokens[0]}"}
        etag = requests.get(base + "/p/1/version").headers["ETag"]
        scenarios = [
            load.Scenario("toy page (token, two selects, template)", "page", "/p/1", cookie),
            load.Scenario("toy 304 (one select)", "304", "/p/1/version",
                          {"If-None-Match": etag}),
            load.Scenario("toy picture (one select)", "picture", "/p/1/picture.png"),
            load.Scenario("toy write (token, vote changed)", "write", "/p/1/vote",
                          script="vote.lua", threads=load.CONNECTIONS,
                          env={"BENCH_TOKENS": ",".join(tokens), "BENCH_PATH": "/p/1/vote",
                               "BENCH_OPTIONS": ",".join(map(str, options))}),
        ]
        assert requests.get(base + "/p/1/version",
                            headers={"If-None-Match": etag}).status_code == 304
        results = load.measure(base, scenarios, seconds, rounds, 1)
    finally:
        load.stop_server(server)
    column = 0 if engine == "SQLite" else 1
    print(f"\n{engine}, the toy, gunicorn 2 workers, wrk {load.CONNECTIONS} connections, "
          f"{rounds} rounds of {seconds} s, /healthz before every scenario; load average "
          f"{os.getloadavg()[0]:.1f}\n")
    print("| scenario | req/s | p50 ms | ratio | grouptools' target |")
    print("|---|---:|---:|---:|---:|")
    for scenario in scenarios:
        result = results[scenario.name]
        print(f"| {scenario.name} | {result['rps']:.0f} | {result['p50']:.1f} | "
              f"{result['ratio']:.3f} | {load.TARGETS[scenario.kind][column]} |")


def load_ready(base):
    import requests
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if requests.get(base + "/healthz", timeout=5).status_code == 200:
                return
        except requests.RequestException:
            time.sleep(0.2)
    raise SystemExit("the toy's gunicorn did not start")


if __name__ == "__main__":
    main()
