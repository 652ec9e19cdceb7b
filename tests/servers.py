"""Helpers for tests that run several servers or crash them: a Redis for shared rate
limits, members made in-process, and requests fired at once."""
import shutil
import subprocess
import time
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager

import requests

from grouptools.core.groups import service as groups
from grouptools.core.people import service as people
from grouptools.extensions import db
from tests.conftest import _free_port

REDIS_SERVER = shutil.which("redis-server") or "/usr/bin/redis-server"


def redis_installed():
    return shutil.which("redis-server") is not None


@contextmanager
def running_redis(directory):
    """A throw-away redis-server on a free loopback port, nothing saved to disk; yields
    its URL for GROUPTOOLS_RATELIMIT_STORAGE_URL."""
    import redis

    port = _free_port()
    proc = subprocess.Popen(
        [REDIS_SERVER, "--port", str(port), "--bind", "127.0.0.1", "--save", "",
         "--appendonly", "no", "--dir", str(directory)],
        stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
    client = redis.Redis(host="127.0.0.1", port=port)
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                client.ping()
                break
            except redis.ConnectionError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError("redis-server did not start") from None
                time.sleep(0.1)
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        client.close()
        proc.terminate()
        proc.wait(timeout=20)


def group_of_members(app, count, name="多服务器群"):
    """(group id, owner token, member tokens): made in-process, so only what the test is
    about goes over HTTP."""
    with app.app_context():
        owner, owner_token = people.create_person("群主")
        group = groups.create_group(owner, name=name)
        tokens = []
        for i in range(count):
            person, token = people.create_person(f"成员{i:02d}")
            groups.join_group(person, group)
            tokens.append(token)
        gid = group.public_id
        db.session.remove()
    return gid, owner_token, tokens


def call(base, method, path, token=None, json=None, timeout=120):
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return requests.request(method, f"{base}{path}", json=json, headers=headers, timeout=timeout)


def in_parallel(calls, threads=32):
    """Run the calls on `threads` threads at once; their answers in order."""
    with ThreadPoolExecutor(threads) as pool:
        return list(pool.map(lambda job: job(), calls))
