"""The files under deploy/ that docs/deploy.md tells an operator to install: the nginx
site passes `nginx -t` and serves the app over HTTPS (with a self-signed certificate
made here), and the systemd units pass `systemd-analyze verify`. nginx and systemd come
from Debian (`.ci/run` and `make test` install them)."""
import datetime
import re
import shutil
import subprocess
import time

import pytest
import requests
import urllib3
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from tests.conftest import ROOT, _free_port, running_server

pytestmark = pytest.mark.server
SITE = ROOT / "deploy" / "nginx" / "grouptools.conf"
UNITS = sorted((ROOT / "deploy" / "systemd").glob("*.service"))
CERTS = "/etc/letsencrypt/live/groups.example.org/"


def installed(program):
    path = shutil.which(program) or next(
        (f"{d}/{program}" for d in ("/usr/sbin", "/sbin") if shutil.which(f"{d}/{program}")), None)
    assert path, f"{program} is not installed (Debian: see .ci/run, or tools/system-packages.sh test)"
    return path


def self_signed(folder):
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "groups.example.org")])
    now = datetime.datetime.now(datetime.timezone.utc)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name)
            .public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(now - datetime.timedelta(minutes=5))
            .not_valid_after(now + datetime.timedelta(days=1))
            .add_extension(x509.SubjectAlternativeName([x509.DNSName("groups.example.org")]),
                           critical=False)
            .sign(key, hashes.SHA256()))
    folder.mkdir()
    (folder / "fullchain.pem").write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    (folder / "privkey.pem").write_bytes(key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption()))


def nginx_setup(tmp_path, site_text):
    """A main configuration, as Debian's includes the site, writing only under tmp_path."""
    self_signed(tmp_path / "certs")
    site = tmp_path / "grouptools.conf"
    site.write_text(site_text.replace(CERTS, f"{tmp_path / 'certs'}/"))
    temp = {name: tmp_path / name for name in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")}
    main = tmp_path / "nginx.conf"
    main.write_text(f"""
pid {tmp_path}/nginx.pid;
error_log {tmp_path}/error.log;
events {{}}
http {{
    include /etc/nginx/mime.types;
    access_log {tmp_path}/access.log;
    {"".join(f"{name}_temp_path {path};" for name, path in temp.items())}
    include {site};
}}
""")
    return main


def test_the_nginx_site_passes_nginx_t(tmp_path):
    main = nginx_setup(tmp_path, SITE.read_text())
    done = subprocess.run([installed("nginx"), "-t", "-q", "-p", str(tmp_path), "-c", str(main),
                           "-e", str(tmp_path / "error.log")], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert not (tmp_path / "error.log").exists() or "[emerg]" not in (tmp_path / "error.log").read_text()


def test_the_nginx_site_serves_the_app_over_https(app, database_url, tmp_path):
    """The site as shipped, on free loopback ports in front of one gunicorn told that one
    proxy is in front (GROUPTOOLS_PROXY_HOPS=1): plain HTTP is sent to HTTPS, the app
    knows it is served over HTTPS."""
    https, http = _free_port(), _free_port()
    with running_server(database_url, tmp_path / "instance", tmp_path / "gunicorn.log",
                        workers=2, GROUPTOOLS_PROXY_HOPS="1") as server:
        port = server.rsplit(":", 1)[1]
        site = SITE.read_text()
        site = re.sub(r"upstream grouptools \{.*?\}", f"upstream grouptools {{ server 127.0.0.1:{port}; }}",
                      site, flags=re.S)
        site = (site.replace("listen 443 ", f"listen 127.0.0.1:{https} ")
                .replace("listen 80;", f"listen 127.0.0.1:{http};")
                .replace("listen [::]:443 ssl http2;", "").replace("listen [::]:80;", ""))
        main = nginx_setup(tmp_path, site)
        nginx = subprocess.Popen([installed("nginx"), "-p", str(tmp_path), "-c", str(main),
                                  "-e", str(tmp_path / "error.log"), "-g", "daemon off;"],
                                 stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            base = f"https://127.0.0.1:{https}"
            with pytest.warns(urllib3.exceptions.InsecureRequestWarning):
                ready = _wait(lambda: requests.get(f"{base}/readyz", verify=False, timeout=5))
            assert ready.status_code == 200 and ready.text == "ready"

            moved = requests.get(f"http://127.0.0.1:{http}/g/abc?x=1", allow_redirects=False,
                                 timeout=5)
            assert moved.status_code == 301
            assert moved.headers["Location"] == "https://127.0.0.1/g/abc?x=1"

            with pytest.warns(urllib3.exceptions.InsecureRequestWarning):
                person = requests.post(f"{base}/api/v1/people", json={"name": "张三"},
                                       verify=False, timeout=10)
                token = person.json()["token"]
                group = requests.post(f"{base}/api/v1/groups", json={"name": "跑步群"},
                                      headers={"Authorization": f"Bearer {token}"},
                                      verify=False, timeout=10)
            assert group.status_code == 201
            # Links the app builds say https: it believed nginx's X-Forwarded-Proto.
            assert group.json()["url"].startswith("https://127.0.0.1/g/")
        finally:
            nginx.terminate()
            nginx.wait(timeout=30)


def _wait(call):
    deadline = time.monotonic() + 30
    while True:
        try:
            return call()
        except requests.ConnectionError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)


@pytest.mark.parametrize("unit", UNITS, ids=[unit.name for unit in UNITS])
def test_the_systemd_units_pass_systemd_analyze_verify(unit, tmp_path):
    """Verified as written, with /srv/grouptools pointing at a checkout whose .venv has
    gunicorn (verify checks that the command exists)."""
    app_dir = tmp_path / "srv"
    (app_dir / ".venv" / "bin").mkdir(parents=True)
    (app_dir / ".venv" / "bin" / "gunicorn").symlink_to(ROOT / ".venv" / "bin" / "gunicorn")
    units = tmp_path / "units"
    units.mkdir()
    text = unit.read_text()
    assert "/srv/grouptools/.venv/bin/gunicorn" in text and "--no-control-socket" in text
    (units / unit.name).write_text(text.replace("/srv/grouptools", str(app_dir)))
    name = unit.name.replace("@.", "@8001.")
    done = subprocess.run([installed("systemd-analyze"), "verify", f"./{name}"], cwd=units,
                          capture_output=True, text=True)
    assert done.returncode == 0 and not done.stderr.strip(), done.stderr
