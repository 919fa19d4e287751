#!/usr/bin/env bash
# A Python that imports alembic, SQLAlchemy, Django and psycopg2, for the generate writers' Python tests
# (test/generate/writers-python.test.ts reads TEST_PYTHON). PyPI is not reachable here but Debian's archive is:
# the packages are downloaded with apt-get and unpacked into a private folder, nothing is installed system-wide.
# Usage: TEST_PYTHON=$(bash scripts/python-migration-tools.sh) npx vitest run test/generate/writers-python.test.ts
set -euo pipefail
target="${1:-${TMPDIR:-/tmp}/dma-python-migration-tools}"
if [ ! -x "$target/python" ]; then
  mkdir -p "$target/debs" "$target/root"
  (cd "$target/debs" && apt-get download -q python3-alembic python3-sqlalchemy python3-mako python3-markupsafe \
    python3-django python3-asgiref python3-sqlparse python3-tz python3-greenlet python3-typing-extensions \
    python3-psycopg2 >&2)
  for deb in "$target"/debs/*.deb; do dpkg -x "$deb" "$target/root"; done
  python="$(python3 -c 'import sys; print(sys.executable)')"
  printf '#!/bin/sh\nPYTHONPATH=%s exec %s "$@"\n' "$target/root/usr/lib/python3/dist-packages" "$python" > "$target/python"
  chmod +x "$target/python"
fi
"$target/python" -c 'import alembic.config, django.core.management, psycopg2' >&2
echo "$target/python"
