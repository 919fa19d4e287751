#!/usr/bin/env bash
# Run by `npm test` (pretest): the migration tools some tests run for real and npm cannot install — Alembic and
# Django (scripts/python-migration-tools.sh) and Sqitch (scripts/sqitch.sh) — fetched once from Debian's archive
# into private folders under $TMPDIR, where the tests look for them. A tool that cannot be fetched is reported
# here; its tests then skip with the reason, or fail under CI=true.
set -uo pipefail
cd "$(dirname "$0")"
for script in python-migration-tools.sh sqitch.sh; do
  if ! bash "$script" >/dev/null 2>"${TMPDIR:-/tmp}/dma-test-tools.log"; then
    echo "test tools: $script failed (see ${TMPDIR:-/tmp}/dma-test-tools.log)" >&2
  fi
done
exit 0
