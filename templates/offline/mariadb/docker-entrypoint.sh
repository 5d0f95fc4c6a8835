#!/usr/bin/env bash
# Offline stand-in for the official mariadb image's entrypoint: same
# variables, same first-run behaviour, then `exec mariadbd` in the foreground
# as the mysql user, so the container's stop signal reaches it directly.
set -Eeo pipefail

log() { printf '%s 0 [Note] [Entrypoint]: %s\n' "$(date -u '+%Y-%m-%d %H:%M:%S')" "$*" >&2; }
die() { printf '%s 0 [ERROR] [Entrypoint]: %s\n' "$(date -u '+%Y-%m-%d %H:%M:%S')" "$*" >&2; exit 1; }

# mariadb_env NAME [DEFAULT]: MARIADB_NAME from MARIADB_NAME, MARIADB_NAME_FILE,
# MYSQL_NAME or MYSQL_NAME_FILE, in that order (the official precedence).
mariadb_env() {
  local name="$1" def="${2:-}" val="" v
  for v in "MARIADB_$name" "MYSQL_$name"; do
    local f="${v}_FILE"
    if [ "${!v:-}" ] && [ "${!f:-}" ]; then die "both $v and $f are set (but are exclusive)"; fi
    if [ "${!v:-}" ]; then val="${!v}"; break; fi
    if [ "${!f:-}" ]; then val="$(<"${!f}")"; break; fi
  done
  export "MARIADB_$name"="${val:-$def}"
  unset "MARIADB_${name}_FILE" "MYSQL_${name}_FILE"
}

# SQL string literal body: escape backslashes, newlines and quotes.
sql_escape() {
  local s="${1//\\/\\\\}"
  s="${s//$'\n'/\\n}"
  printf '%s' "${s//\'/\\\'}"
}

# "docker run image --character-set-server=utf8mb4" means "mariadbd …".
if [ "${1:0:1}" = '-' ]; then set -- mariadbd "$@"; fi

case "$1" in
  mariadbd|mysqld) ;;
  *) exec "$@" ;;
esac

# Read the effective setting the server itself would use (config + args).
server_config() {
  "$@" --verbose --help 2>/dev/null | awk -v k="$CONF_KEY" '$1 == k && /^[^ \t]/ { sub(/^[^ \t]+[ \t]+/, ""); print; exit }'
}
DATADIR="$(CONF_KEY=datadir server_config "$@")"; DATADIR="${DATADIR%/}"
SOCKET="$(CONF_KEY=socket server_config "$@")"
PORT="$(CONF_KEY=port server_config "$@")"
: "${DATADIR:=/var/lib/mysql}" "${SOCKET:=/run/mysqld/mysqld.sock}" "${PORT:=3306}"

# As root: own the data and socket directories, then re-run this script as
# mysql. setpriv (util-linux) replaces gosu: no extra package, and it execs.
if [ "$(id -u)" = '0' ]; then
  mkdir -p "$DATADIR" /run/mysqld
  find "$DATADIR" /run/mysqld \! -user mysql -exec chown mysql:mysql '{}' + 2>/dev/null || true
  exec setpriv --reuid=mysql --regid=mysql --init-groups "$BASH_SOURCE" "$@"
fi

mariadb_env ROOT_PASSWORD
mariadb_env ALLOW_EMPTY_ROOT_PASSWORD
mariadb_env RANDOM_ROOT_PASSWORD
mariadb_env ROOT_HOST '%'
mariadb_env DATABASE
mariadb_env USER
mariadb_env PASSWORD
mariadb_env INITDB_SKIP_TZINFO

# Client against the temporary server, as root over the socket. The password
# travels in a here-string config, never on the command line.
sql() {
  local pw=""
  [ "${ROOT_PW_SET:-}" ] && pw="$MARIADB_ROOT_PASSWORD"
  mariadb --defaults-extra-file=<(printf '[client]\npassword="%s"\n' "$(sql_escape "$pw")") \
    --protocol=socket --socket="$SOCKET" -uroot -hlocalhost "$@"
}

init_database() {
  if [ -z "$MARIADB_ROOT_PASSWORD" ] && [ -z "$MARIADB_ALLOW_EMPTY_ROOT_PASSWORD" ] && [ -z "$MARIADB_RANDOM_ROOT_PASSWORD" ]; then
    die $'Database is uninitialized and password option is not specified\n\tYou need to specify one of MARIADB_ROOT_PASSWORD, MARIADB_ALLOW_EMPTY_ROOT_PASSWORD and MARIADB_RANDOM_ROOT_PASSWORD'
  fi
  if [ "$MARIADB_USER" = 'root' ]; then
    die 'MARIADB_USER="root", MARIADB_USER and MARIADB_PASSWORD are for configuring a regular user and cannot be used for the root user'
  fi
  if [ -n "$MARIADB_USER" ] && [ -z "$MARIADB_PASSWORD" ]; then
    log 'Warning: MARIADB_USER is set without MARIADB_PASSWORD; the user will have no password'
  fi

  log 'Initializing database files'
  mariadb-install-db --datadir="$DATADIR" --rpm --auth-root-authentication-method=normal \
    --skip-test-db --default-time-zone=SYSTEM --enforce-storage-engine= --skip-log-bin \
    --expire-logs-days=0 --loose-innodb_buffer_pool_load_at_startup=0 \
    --loose-innodb_buffer_pool_dump_at_shutdown=0 >&2
  log 'Database files initialized'

  # Temporary server with no network: nothing (and no TCP health check) can
  # reach it until the accounts below exist.
  log 'Starting temporary server'
  "$@" --skip-networking --default-time-zone=SYSTEM --socket="$SOCKET" --wsrep_on=OFF \
    --expire-logs-days=0 --skip-slave-start --loose-innodb_buffer_pool_load_at_startup=0 \
    --skip-ssl &
  local pid=$! i
  for i in $(seq 60); do
    if sql --database=mysql -e 'SELECT 1' >/dev/null 2>&1; then break; fi
    kill -0 "$pid" 2>/dev/null || die 'temporary server exited during start-up'
    sleep 0.5
  done
  sql --database=mysql -e 'SELECT 1' >/dev/null || die 'temporary server did not start within 30 s'
  log 'Temporary server started'

  if [ -z "$MARIADB_INITDB_SKIP_TZINFO" ]; then
    # sql_log_bin=0: time zone tables are local data, never replicated.
    { echo 'SET @@SESSION.SQL_LOG_BIN=0;'; mariadb-tzinfo-to-sql --skip-write-binlog /usr/share/zoneinfo 2>/dev/null; } \
      | sql --database=mysql
  fi

  if [ -n "$MARIADB_RANDOM_ROOT_PASSWORD" ]; then
    MARIADB_ROOT_PASSWORD="$(head -c 24 /dev/urandom | base64 | tr -d '/+=')"
    export MARIADB_ROOT_PASSWORD
    echo "GENERATED ROOT PASSWORD: $MARIADB_ROOT_PASSWORD"
  fi

  local rootpw hcpw rootHost root_create="" db_create="" user_create=""
  rootpw="$(sql_escape "$MARIADB_ROOT_PASSWORD")"
  hcpw="$(head -c 24 /dev/urandom | base64 | tr -d '/+=')"
  rootHost="$(sql_escape "$MARIADB_ROOT_HOST")"
  if [ -n "$MARIADB_ROOT_HOST" ] && [ "$MARIADB_ROOT_HOST" != 'localhost' ]; then
    root_create="CREATE USER 'root'@'${rootHost}' IDENTIFIED BY '${rootpw}';
      GRANT ALL ON *.* TO 'root'@'${rootHost}' WITH GRANT OPTION;
      GRANT PROXY ON ''@'%' TO 'root'@'${rootHost}' WITH GRANT OPTION;"
  fi
  if [ -n "$MARIADB_DATABASE" ]; then
    db_create="CREATE DATABASE IF NOT EXISTS \`${MARIADB_DATABASE//\`/\`\`}\`;"
  fi
  if [ -n "$MARIADB_USER" ]; then
    local u p
    u="$(sql_escape "$MARIADB_USER")"; p="$(sql_escape "$MARIADB_PASSWORD")"
    user_create="CREATE USER '${u}'@'%' IDENTIFIED BY '${p}';"
    if [ -n "$MARIADB_DATABASE" ]; then
      user_create+="GRANT ALL ON \`${MARIADB_DATABASE//\`/\`\`}\`.* TO '${u}'@'%';"
    fi
  fi

  # The healthcheck user may only connect locally and can read nothing; its
  # password lives in the data directory, readable by mysql only.
  sql --database=mysql --binary-mode <<SQL
SET @@SESSION.SQL_LOG_BIN=0;
SET @@SESSION.SQL_MODE=REPLACE(@@SESSION.SQL_MODE, 'NO_BACKSLASH_ESCAPES', '');
DROP USER IF EXISTS root@'127.0.0.1', root@'::1';
EXECUTE IMMEDIATE CONCAT('DROP USER IF EXISTS root@\'', @@hostname,'\'');
DROP USER IF EXISTS 'mysql'@'localhost';
SET PASSWORD FOR 'root'@'localhost' = PASSWORD('${rootpw}');
${root_create}
CREATE USER 'healthcheck'@'127.0.0.1' IDENTIFIED BY '${hcpw}';
CREATE USER 'healthcheck'@'::1' IDENTIFIED BY '${hcpw}';
CREATE USER 'healthcheck'@'localhost' IDENTIFIED BY '${hcpw}';
${db_create}
${user_create}
SQL
  ROOT_PW_SET=1
  ( umask 0077
    printf '[mariadb-client]\nport=%s\nsocket=%s\nuser=healthcheck\npassword=%s\nprotocol=tcp\n' \
      "$PORT" "$SOCKET" "$hcpw" > "$DATADIR/.my-healthcheck.cnf" )

  local f
  for f in /docker-entrypoint-initdb.d/*; do
    [ -e "$f" ] || continue
    case "$f" in
      *.sh)
        if [ -x "$f" ]; then log "running $f"; "$f"; else log "sourcing $f"; . "$f"; fi ;;
      *.sql)     log "running $f"; sql ${MARIADB_DATABASE:+--database="$MARIADB_DATABASE"} < "$f" ;;
      *.sql.gz)  log "running $f"; gunzip -c "$f" | sql ${MARIADB_DATABASE:+--database="$MARIADB_DATABASE"} ;;
      *.sql.xz)  log "running $f"; xzcat "$f" | sql ${MARIADB_DATABASE:+--database="$MARIADB_DATABASE"} ;;
      *)         log "ignoring $f" ;;
    esac
  done

  log 'Stopping temporary server'
  kill "$pid"
  wait "$pid" || true
  log 'Temporary server stopped'
  log 'MariaDB init process done. Ready for start up.'
}

if [ ! -d "$DATADIR/mysql" ]; then
  init_database "$@"
else
  log 'Database directory appears to contain a database; skipping initialization'
fi

# mariadbd logs to stderr (no log_error configured), as upstream.
exec "$@"
