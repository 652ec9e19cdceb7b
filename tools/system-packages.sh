#!/bin/sh
# Install what Debian must provide, where this machine allows it (root, or sudo without
# a password). `run`: a CJK font for pictures. `test`: also zbar (QR decoding in tests),
# Chromium (browser tests), Redis (the scale-out test's shared rate limits), nginx and
# systemd (tests/test_deploy.py). `bench`: wrk (load benchmark). Elsewhere it says what
# is missing and carries on.
set -u
need=""
has_package() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q "install ok installed"; }

want="fonts-noto-cjk fonts-noto-color-emoji"
# nginx and systemd: the deploy/ files are checked with `nginx -t` and `systemd-analyze verify`.
[ "${1:-run}" = "test" ] && want="$want zbar-tools chromium redis-server nginx systemd"
[ "${1:-run}" = "bench" ] && want="$want wrk"
command -v dpkg-query >/dev/null 2>&1 || { echo "system-packages: not Debian; install a CJK font (and zbar, Chromium for tests) yourself"; exit 0; }
for package in $want; do has_package "$package" || need="$need $package"; done
[ -z "$need" ] && exit 0

if [ "$(id -u)" -eq 0 ]; then as_root=""
elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then as_root="sudo -n"
else echo "system-packages: missing:$need (run: sudo apt-get install$need)"; exit 0; fi

echo "system-packages: installing$need"
$as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $need >/dev/null 2>&1 \
    || { $as_root apt-get update -qq >/dev/null 2>&1 && \
         $as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $need >/dev/null; } \
    || echo "system-packages: could not install$need"
exit 0
