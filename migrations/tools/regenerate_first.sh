#!/usr/bin/env bash
# Developer aid while revision 0001 is unreleased: regenerate it from the models, then
# apply the hand edits (portable types, genesis head row). Review the diff before commit.
# (In tools/, beside the revisions: the wheel ships migrations/ as ar_cli.migrations, and
# these developer aids are not part of it.)
set -euo pipefail
cd "$(dirname "$0")/../.."
tmp=$(mktemp -d)
cat > "$tmp/alembic.ini" <<INI
[alembic]
script_location = $PWD/migrations
sqlalchemy.url = sqlite:///$tmp/blank.sqlite
INI
rm -f migrations/versions/0001_ledger.py
PYTHONPATH=. .venv/bin/alembic -c "$tmp/alembic.ini" revision --autogenerate --rev-id 0001_ledger -m "ledger" >/dev/null
.venv/bin/python migrations/tools/hand_edits_0001.py migrations/versions/0001_ledger_ledger.py
mv migrations/versions/0001_ledger_ledger.py migrations/versions/0001_ledger.py
rm -rf "$tmp"
