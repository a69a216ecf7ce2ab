#!/usr/bin/env bash
# Make sure a PostgreSQL server answers on 127.0.0.1:5432 for the tests.
# On a fresh machine (we are root there) install it from Debian's packages, start it and
# allow trust auth on loopback; on a machine that already runs one, do nothing.
set -euo pipefail
HOST=${AR_TEST_PG_HOST:-127.0.0.1}
PORT=${AR_TEST_PG_PORT:-5432}

answers() {
  if command -v pg_isready >/dev/null 2>&1; then
    pg_isready -q -h "$HOST" -p "$PORT"
  else
    (exec 3<>"/dev/tcp/$HOST/$PORT") 2>/dev/null
  fi
}

if answers; then
  exit 0
fi
echo "PostgreSQL does not answer on $HOST:$PORT; installing/starting it" >&2
if ! ls /etc/postgresql/*/main >/dev/null 2>&1; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq postgresql >/dev/null
fi
version=$(ls /etc/postgresql | sort -V | tail -n 1)
conf=/etc/postgresql/$version/main
# Trust on loopback, for the throwaway test databases only.
if ! grep -q "ar-cli tests" "$conf/pg_hba.conf"; then
  sed -i '1i # ar-cli tests: trust on loopback\nhost all all 127.0.0.1/32 trust\nhost all all ::1/128 trust\nlocal all all trust' "$conf/pg_hba.conf"
fi
ctl() { pg_ctlcluster --skip-systemctl-redirect "$version" main "$1" 2>/dev/null || pg_ctlcluster "$version" main "$1"; }
# The package may have started the cluster already (with the old pg_hba): reload it then.
if ctl status >/dev/null 2>&1; then ctl reload; else ctl start; fi
for _ in $(seq 1 30); do
  answers && exit 0
  sleep 1
done
echo "PostgreSQL did not start on $HOST:$PORT" >&2
exit 1
