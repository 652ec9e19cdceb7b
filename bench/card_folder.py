"""How searching a group's card folder scales with the group (target: a 2,000-member
group answers within 1.5× the time of a 20-member group).

Run: .venv/bin/python bench/card_folder.py [runs]
     GROUPTOOLS_BENCH_DATABASE_URL=postgresql+psycopg://… to run it on PostgreSQL
     (the database is emptied first: give it one of its own).

For each size it builds a group whose every member has a card (cities and companies
spread over a few values, one private phone each), then a member asks
GET /api/v1/groups/<gid>/cards?q=上海 (a search matching a fifth of the folder, one page
of 50 answered), a search that matches one card in either group (q=登山) and the folder's
first page without a search."""
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("GROUPTOOLS_INSTANCE_DIR", tempfile.mkdtemp(prefix="gt-bench-"))

from sqlalchemy import insert, text  # noqa: E402

from bench.poll_results import bench_app, one_request  # noqa: E402  (the same set-up)

SIZES = (20, 2_000)
TARGET_RATIO = 1.5
CITIES = ("上海", "北京", "深圳", "杭州", "成都")
COMPANIES = ("星辰科技", "云帆教育", "青禾设计", "远山咨询")


def build(app, size):
    """A group of `size` members, each with a card, written in bulk with the rows the
    service would keep (display name, search texts and grams, completeness)."""
    from grouptools.card import search
    from grouptools.card import service as cards
    from grouptools.card import settings as rules
    from grouptools.card.models import Card, CardSearchGram
    from grouptools.core.groups import service as groups
    from grouptools.core.models import Membership, Person, hash_secret, new_public_id
    from grouptools.core.people import service as people
    from grouptools.core.timeutil import utcnow
    from grouptools.core.groups.counting import recount
    from grouptools.card.counting import recount as recount_cards
    from grouptools.extensions import db

    with app.app_context():
        owner, _ = people.create_person("群主")
        group = groups.create_group(owner, name=f"{size} 人的大群")
        folder = cards.ensure_folder(owner, group)
        folder.display_name_format = "{company}-{name}"
        db.session.commit()
        fields = rules.fields_of(folder)
        reader, reader_token = people.create_person("读者")
        groups.join_group(reader, group)
        now = utcnow()
        people_rows = [{"public_id": new_public_id(), "name": f"成员{i}",
                        "token_hash": hash_secret(f"bench-{group.id}-{i}"),
                        "session_version": 1, "created_at": now, "updated_at": now}
                       for i in range(size)]
        person_ids = db.session.scalars(insert(Person).returning(Person.id), people_rows).all()
        member_ids = db.session.scalars(insert(Membership).returning(Membership.id), [
            {"public_id": new_public_id(), "group_id": group.id, "person_id": pid,
             "role": "member", "status": "active", "joined_at": now, "created_at": now,
             "updated_at": now} for pid in person_ids]).all()
        recount(db.session, [group.id])  # inserted past the ORM: core.groups.counting
        rows = []
        for i, mid in enumerate(member_ids):
            values = {"name": f"成员{i}", "phone": f"138{i:08d}", "company": COMPANIES[i % 4],
                      "city": CITIES[i % 5], "intro": "喜欢登山" if i == 0 else "喜欢跑步"}
            name = rules.display_name(folder.display_name_format, values, "", 64)
            visible, every = rules.search_texts(fields, values, name)
            rows.append({"public_id": new_public_id(), "folder_id": folder.id,
                         "owner_membership_id": mid, "values": values, "display_name": name,
                         "public": False, "complete": True, "missing": [],
                         "search_visible": visible, "search_all": every,
                         "created_at": now, "updated_at": now})
        card_ids = db.session.scalars(insert(Card).returning(Card.id, sort_by_parameter_order=True),
                                      rows).all()
        recount_cards(db.session, [folder.id])
        db.session.execute(insert(CardSearchGram), [
            gram for card_id, row in zip(card_ids, rows)
            for gram in search.gram_rows(card_id, folder.id, row["search_visible"],
                                         row["search_all"])])
        db.session.commit()
        if db.engine.dialect.name == "postgresql":
            db.session.execute(text("ANALYZE"))
            db.session.commit()
        return group.public_id, reader_token


def main(runs):
    url = os.environ.get("GROUPTOOLS_BENCH_DATABASE_URL") or \
        f"sqlite:///{Path(os.environ['GROUPTOOLS_INSTANCE_DIR']) / 'bench.db'}"
    app = bench_app(url)
    client = app.test_client()
    asks = {}
    for size in SIZES:
        gid, token = build(app, size)
        headers = {"Authorization": f"Bearer {token}"}
        asks[(size, "search")] = (f"/api/v1/groups/{gid}/cards?q=%E4%B8%8A%E6%B5%B7", headers)
        asks[(size, "rare")] = (f"/api/v1/groups/{gid}/cards?q=%E7%99%BB%E5%B1%B1", headers)
        asks[(size, "first page")] = (f"/api/v1/groups/{gid}/cards", headers)
    timings = {key: [] for key in asks}
    for path, headers in asks.values():
        for _ in range(5):
            one_request(client, path, headers)
    for _ in range(runs):  # round-robin: a busy moment of the machine hits every size alike
        for key, (path, headers) in asks.items():
            timings[key].append(one_request(client, path, headers)[0])
    print(f"database: {url.split(':')[0]}, {runs} runs each")
    for ask in ("search", "rare", "first page"):
        medians = {}
        for size in SIZES:
            wall = sorted(w for w, _ in timings[(size, ask)])
            cpu = statistics.median(c for _, c in timings[(size, ask)])
            medians[size] = statistics.median(wall)
            print(f"{ask:>10} {size:>6,} members: median {medians[size]:6.1f} ms, "
                  f"p95 {wall[int(0.95 * (len(wall) - 1))]:6.1f} ms, CPU {cpu:6.1f} ms")
        ratio = medians[SIZES[-1]] / medians[SIZES[0]]
        verdict = "meets" if ratio <= TARGET_RATIO else "MISSES"
        print(f"{ask:>10} ratio {ratio:.2f} ({verdict} the {TARGET_RATIO}× target)")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 50)
