#!/usr/bin/env bash
# Make sure PostgreSQL, MariaDB and Redis are up for the backends suite.
#  - installed but stopped: start them, wait (bounded) until they answer
#  - missing on Debian/Ubuntu as root: apt-get install them, start, create role/db
#  - elsewhere: print exactly what is missing and exit non-zero
# Idempotent; prints nothing when all is well.
set -u
PG_PORT=${PG_PORT:-5432}
MY_PORT=${MY_PORT:-3306}
REDIS_PORT=${REDIS_PORT:-6379}
missing=()

say() { echo "services.sh: $*" >&2; }

wait_port() {  # wait_port PORT SECONDS
  local i
  for ((i = 0; i <= $2 * 10; i++)); do
    (echo > "/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0
    sleep 0.1
  done
  return 1
}

can_install() {
  [ "$(id -u)" = 0 ] && command -v apt-get > /dev/null
}

install() {
  say "installing $* from the distribution's packages"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q "$@" > /dev/null || {
    apt-get update -q > /dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -q "$@" > /dev/null; }
}

pg_setup() {  # role root (superuser), database test, trust on 127.0.0.1
  local v; v=$(ls /etc/postgresql | sort -V | tail -1)
  local hba=/etc/postgresql/$v/main/pg_hba.conf
  if ! grep -qE '^host\s+all\s+all\s+127\.0\.0\.1/32\s+trust' "$hba"; then
    sed -i '1i host all all 127.0.0.1/32 trust' "$hba"
    pg_ctlcluster --skip-systemctl-redirect "$v" main reload > /dev/null 2>&1 || true
  fi
  su postgres -c "psql -qtAc \"SELECT 1 FROM pg_roles WHERE rolname='root'\"" | grep -q 1 ||
    su postgres -c "psql -qc 'CREATE ROLE root SUPERUSER LOGIN'" > /dev/null
  su postgres -c "psql -qtAc \"SELECT 1 FROM pg_database WHERE datname='test'\"" | grep -q 1 ||
    su postgres -c "createdb -O root test"
}

ensure_postgres() {
  wait_port "$PG_PORT" 0 && return 0
  if [ ! -d /etc/postgresql ] || ! command -v pg_ctlcluster > /dev/null; then
    if can_install; then install postgresql; fresh_pg=1
    else missing+=("PostgreSQL server (apt-get install postgresql, as root)"); return 1; fi
  fi
  local v; v=$(ls /etc/postgresql | sort -V | tail -1)
  pg_ctlcluster --skip-systemctl-redirect "$v" main start > /dev/null 2>&1
  if ! wait_port "$PG_PORT" 15; then missing+=("PostgreSQL $v did not start on port $PG_PORT"); return 1; fi
  [ "$(id -u)" = 0 ] && pg_setup
  return 0
}

ensure_mariadb() {
  wait_port "$MY_PORT" 0 && return 0
  if [ ! -x /usr/sbin/mariadbd ]; then
    if can_install; then install mariadb-server
    else missing+=("MariaDB server (apt-get install mariadb-server, as root)"); return 1; fi
  fi
  mkdir -p /run/mysqld && chown mysql:mysql /run/mysqld 2> /dev/null
  start-stop-daemon --start --oknodo --background --exec /usr/sbin/mariadbd -- --user=mysql > /dev/null 2>&1
  if ! wait_port "$MY_PORT" 30; then missing+=("MariaDB did not start on port $MY_PORT"); return 1; fi
  mariadb -uroot -e "CREATE DATABASE IF NOT EXISTS test" 2> /dev/null ||
    mysql -uroot -e "CREATE DATABASE IF NOT EXISTS test" 2> /dev/null
  return 0
}

ensure_redis() {  # in memory only (no RDB, no AOF), as the tests expect: see tests/redis/
  wait_port "$REDIS_PORT" 0 && return 0
  if ! command -v redis-server > /dev/null; then
    if can_install; then install redis-server
    else missing+=("Redis server (apt-get install redis-server, as root)"); return 1; fi
  fi
  mkdir -p /var/lib/redis /var/log/redis 2> /dev/null
  redis-server --daemonize yes --bind 127.0.0.1 -::1 --port "$REDIS_PORT" --save "" \
    --appendonly no --dir /var/lib/redis --logfile /var/log/redis/ci.log > /dev/null 2>&1
  if ! wait_port "$REDIS_PORT" 10; then missing+=("Redis did not start on port $REDIS_PORT"); return 1; fi
  return 0
}

ensure_postgres
ensure_mariadb
ensure_redis
if [ ${#missing[@]} -gt 0 ]; then
  for m in "${missing[@]}"; do say "missing: $m"; done
  exit 1
fi
exit 0
