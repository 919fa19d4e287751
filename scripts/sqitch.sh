#!/usr/bin/env bash
# Sqitch (Debian's sqitch 1.3 with DBD::Pg, DBD::mysql and DBD::SQLite) for the tests that run the real tool (test/generate/sqitch-real.test.ts
# reads TEST_SQITCH, else the default folder below). CPAN is not reachable here but Debian's archive is: the
# packages are downloaded with apt-get and unpacked into a private folder, nothing is installed system-wide.
# Prints the path of a `sqitch` launcher. Usage: TEST_SQITCH=$(bash scripts/sqitch.sh)
set -euo pipefail
target="${1:-${TMPDIR:-/tmp}/dma-sqitch}"
# A folder fetched before the MySQL and SQLite drivers were added is fetched again.
has_driver() { find "$target/root" -path "*/DBD/$1.pm" 2>/dev/null | grep -q .; }
if [ ! -x "$target/sqitch" ] || ! has_driver SQLite || ! has_driver mysql; then
  mkdir -p "$target/debs" "$target/root"
  packages=$(apt-cache depends --recurse --no-recommends --no-suggests --no-conflicts --no-breaks --no-replaces \
    --no-enhances sqitch libdbd-pg-perl libdbd-mysql-perl libdbd-sqlite3-perl | grep '^\w' \
    | grep -v -e '^firebird' -e '^mysql' -e '^default-mysql' -e '^mariadb' -e '^install-info$' \
    | sort -u | while read -r package; do dpkg -s "$package" >/dev/null 2>&1 || echo "$package"; done)
  # shellcheck disable=SC2086
  (cd "$target/debs" && apt-get download -q $packages >&2)
  for deb in "$target"/debs/*.deb; do dpkg -x "$deb" "$target/root"; done
  perl_version="$(perl -e 'printf "%vd", $^V' | cut -d. -f1,2)"
  lib="$target/root/usr/share/perl5:$target/root/usr/lib/x86_64-linux-gnu/perl5/$perl_version"
  printf '#!/bin/sh\nPERL5LIB=%s exec perl -CAS %s "$@"\n' "$lib" "$target/root/usr/bin/sqitch" > "$target/sqitch"
  chmod +x "$target/sqitch"
fi
"$target/sqitch" --version >&2
echo "$target/sqitch"
