# Shared set-up for scripts/run and scripts/test (sourced, not executed).
# Everything here is idempotent: it installs or starts only what is missing
# and never drops data.

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
VENV="$ROOT/.venv"
VAR="$ROOT/var"
CKAN="$VENV/bin/ckan"
PY="$VENV/bin/python"
: "${DB_HOST:=127.0.0.1}" "${DB_PORT:=5432}" "${REDIS_HOST:=127.0.0.1}" "${REDIS_PORT:=6379}"
DB_USER=govopen
DS_RO_USER=govopen_datastore_ro

log() { printf '\033[1;34m[govopen]\033[0m %s\n' "$*" >&2; }
die() { printf '\033[1;31m[govopen] %s\033[0m\n' "$*" >&2; exit 1; }

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

ensure_apt_packages() {
  local missing=()
  for pkg in "$@"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "ok installed" || missing+=("$pkg")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  command -v apt-get >/dev/null || die "missing system packages: ${missing[*]} (no apt-get here)"
  log "installing system packages: ${missing[*]}"
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
}

ensure_base_packages() {
  ensure_apt_packages postgresql postgresql-contrib redis-server libpq-dev \
    build-essential python3-dev python3-venv libmagic1 git
}

ensure_postgres() {
  if pg_isready -q -h "$DB_HOST" -p "$DB_PORT" 2>/dev/null; then return 0; fi
  log "starting PostgreSQL"
  local ver
  ver=$(ls /etc/postgresql 2>/dev/null | sort -V | tail -n1)
  [ -n "$ver" ] || die "PostgreSQL is installed but has no cluster in /etc/postgresql"
  as_root pg_ctlcluster --skip-systemctl-redirect "$ver" main start || true
  for _ in $(seq 30); do pg_isready -q -h "$DB_HOST" -p "$DB_PORT" && return 0; sleep 1; done
  die "PostgreSQL did not start on $DB_HOST:$DB_PORT"
}

ensure_redis() {
  if redis-cli -h "$REDIS_HOST" -p "$REDIS_PORT" ping 2>/dev/null | grep -q PONG; then return 0; fi
  log "starting Redis"
  as_root mkdir -p /var/lib/redis /var/log/redis
  as_root redis-server --daemonize yes --bind 127.0.0.1 --port "$REDIS_PORT" \
    --dir /var/lib/redis --logfile /var/log/redis/govopen.log >/dev/null
  for _ in $(seq 20); do redis-cli -h "$REDIS_HOST" -p "$REDIS_PORT" ping 2>/dev/null | grep -q PONG && return 0; sleep 0.5; done
  die "Redis did not start on $REDIS_HOST:$REDIS_PORT"
}

pick_python() {
  for candidate in python3.11 /usr/bin/python3.11 python3; do
    if command -v "$candidate" >/dev/null && \
       "$candidate" -c 'import sys, venv; sys.exit(sys.version_info[:2] != (3, 11))' 2>/dev/null; then
      command -v "$candidate"; return 0
    fi
  done
  die "Python 3.11 with venv is required (apt-get install python3 python3-venv)"
}

# Reinstall only when the dependency definition changed, so a second
# `scripts/run` starts in seconds.
ensure_venv() {
  local stamp="$VENV/.govopen-install-stamp" want
  want=$(cat "$ROOT/setup.py" "$ROOT/requirements/constraints.txt" | sha256sum | cut -d' ' -f1)
  if [ -x "$PY" ] && [ "$(cat "$stamp" 2>/dev/null)" = "$want" ]; then return 0; fi
  if [ ! -x "$PY" ]; then
    log "creating virtualenv in .venv"
    "$(pick_python)" -m venv "$VENV"
  fi
  log "installing Python packages (pinned by requirements/constraints.txt)"
  "$VENV/bin/pip" install -q -U pip wheel setuptools
  "$VENV/bin/pip" install -q -c "$ROOT/requirements/constraints.txt" \
    "ckan[requirements]==2.12.0" "ckanext-scheming==3.1.0" "ckanext-dcat==2.4.4"
  "$VENV/bin/pip" install -q -c "$ROOT/requirements/constraints.txt" -e "$ROOT[test]"
  echo "$want" > "$stamp"
}

ensure_secrets() {
  mkdir -p "$VAR"
  local f="$VAR/secrets.env" name
  umask 077
  touch "$f"
  # Each secret is generated once; later runs reuse it (and add new ones).
  for name in DB_PASSWORD DS_RO_PASSWORD SECRET_KEY DESENSITIZE_MASTER_KEY; do
    if ! grep -q "^$name=" "$f"; then
      echo "$name=$("$PY" -c 'import secrets; print(secrets.token_urlsafe(32))')" >> "$f"
    fi
  done
  # shellcheck disable=SC1090
  . "$f"
}

pg_super() {
  export PGOPTIONS="-c client_min_messages=warning"
  if [ "$(id -u)" = 0 ] && id postgres >/dev/null 2>&1; then
    (cd / && runuser -u postgres -- psql -q -v ON_ERROR_STOP=1 "$@")
  else
    psql -q -v ON_ERROR_STOP=1 -h "$DB_HOST" -p "$DB_PORT" -U postgres "$@"
  fi
}

ensure_role() {  # name password
  pg_super -d postgres <<SQL >/dev/null
DO \$\$ BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '$1') THEN
    CREATE ROLE $1 LOGIN PASSWORD '$2';
  ELSE
    ALTER ROLE $1 WITH LOGIN PASSWORD '$2';
  END IF;
END \$\$;
SQL
}

ensure_database() {  # name owner
  if [ "$(pg_super -d postgres -tAc "SELECT 1 FROM pg_database WHERE datname = '$1'")" != 1 ]; then
    log "creating database $1"
    pg_super -d postgres -c "CREATE DATABASE $1 OWNER $2 ENCODING 'UTF8' LC_COLLATE 'C.UTF-8' LC_CTYPE 'C.UTF-8' TEMPLATE template0" >/dev/null
  fi
}

ensure_databases() {  # ckan-db datastore-db
  ensure_role "$DB_USER" "$DB_PASSWORD"
  ensure_role "$DS_RO_USER" "$DS_RO_PASSWORD"
  ensure_database "$1" "$DB_USER"
  ensure_database "$2" "$DB_USER"
}

plugins_line() {
  grep -v '^\s*#' "$ROOT/config/plugins.txt" | grep -v '^\s*$' | tr '\n' ' ' | sed 's/ $//'
}

render_ini() {  # out db datastore-db site-url redis-db site-id storage extra log-level
  "$PY" "$ROOT/scripts/lib/render_config.py" "$ROOT/config/ckan.ini.in" "$1" \
    "SECRET_KEY=$SECRET_KEY" "DB_USER=$DB_USER" "DB_PASSWORD=$DB_PASSWORD" \
    "DB_HOST=$DB_HOST" "DB_PORT=$DB_PORT" "DB_NAME=$2" "DATASTORE_DB=$3" \
    "DS_RO_USER=$DS_RO_USER" "DS_RO_PASSWORD=$DS_RO_PASSWORD" \
    "SITE_URL=$4" "REDIS_URL=redis://$REDIS_HOST:$REDIS_PORT/$5" "SITE_ID=$6" \
    "STORAGE_PATH=$7" "EXTRA=$8" "LOG_LEVEL=$9" \
    "PLUGINS=${GOVOPEN_PLUGINS:-$(plugins_line)}" "SITE_TITLE=榕溪市政务数据开放平台" \
    "DESENSITIZE_MASTER_KEY=$DESENSITIZE_MASTER_KEY"
}

migrate() {  # ini datastore-db
  log "applying database migrations"
  local out="$VAR/migrate.log"
  { "$CKAN" -c "$1" db init && "$CKAN" -c "$1" db upgrade; } >"$out" 2>&1 \
    || { cat "$out" >&2; die "database migration failed (log: var/migrate.log)"; }
  "$CKAN" -c "$1" datastore set-permissions 2>>"$out" | pg_super -d "$2" >/dev/null
}
