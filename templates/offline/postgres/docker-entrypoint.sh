#!/usr/bin/env bash
# Offline stand-in for the official postgres image's entrypoint: same
# variables, same first-run behaviour, then `exec postgres` in the foreground
# as the postgres user, so the container's stop signal reaches it directly.
set -Eeo pipefail

log() { printf '%s [entrypoint] %s\n' "$(date -u '+%Y-%m-%d %H:%M:%S UTC')" "$*" >&2; }
die() { log "error: $*"; exit 1; }

# file_env VAR [DEFAULT]: VAR may be given directly or as VAR_FILE (secrets).
file_env() {
  local var="$1" fileVar="${1}_FILE" def="${2:-}" val
  if [ "${!var:-}" ] && [ "${!fileVar:-}" ]; then die "both $var and $fileVar are set (but are exclusive)"; fi
  val="$def"
  if [ "${!var:-}" ]; then val="${!var}"; elif [ "${!fileVar:-}" ]; then val="$(<"${!fileVar}")"; fi
  export "$var"="$val"
  unset "$fileVar"
}

# "docker run image -c shared_buffers=256MB" means "postgres -c …", as upstream.
if [ "${1:0:1}" = '-' ]; then set -- postgres "$@"; fi

if [ "$1" != 'postgres' ]; then exec "$@"; fi

: "${PGDATA:=/var/lib/postgresql/data}"
export PGDATA

# As root: own the data and socket directories, then re-run this script as
# postgres. setpriv (util-linux) replaces gosu: no extra package, and it execs.
if [ "$(id -u)" = '0' ]; then
  mkdir -p "$PGDATA" /var/run/postgresql
  chmod 00700 "$PGDATA" 2>/dev/null || true
  find "$PGDATA" \! -user postgres -exec chown postgres:postgres '{}' + 2>/dev/null || true
  chown postgres:postgres /var/run/postgresql
  chmod 03775 /var/run/postgresql
  exec setpriv --reuid=postgres --regid=postgres --init-groups "$BASH_SOURCE" "$@"
fi

file_env POSTGRES_PASSWORD
file_env POSTGRES_USER postgres
file_env POSTGRES_DB "$POSTGRES_USER"
file_env POSTGRES_INITDB_ARGS
: "${POSTGRES_HOST_AUTH_METHOD:=scram-sha-256}"

# Run SQL against the temporary (socket-only) server as the superuser.
psql_su() { psql -v ON_ERROR_STOP=1 --no-password --no-psqlrc --username "$POSTGRES_USER" "$@"; }

init_cluster() {
  if [ -z "$POSTGRES_PASSWORD" ] && [ "$POSTGRES_HOST_AUTH_METHOD" != 'trust' ]; then
    cat >&2 <<'MSG'
Error: Database is uninitialized and superuser password is not specified.
       You must specify POSTGRES_PASSWORD to a non-empty value for the
       superuser. For example, "-e POSTGRES_PASSWORD=password" on "docker run".

       You may also use "POSTGRES_HOST_AUTH_METHOD=trust" to allow all
       connections without a password. This is *not* recommended.
MSG
    exit 1
  fi
  log "initialising a new cluster in $PGDATA"
  local pwfile
  pwfile="$(mktemp)"
  printf '%s\n' "$POSTGRES_PASSWORD" > "$pwfile"
  # shellcheck disable=SC2086  # POSTGRES_INITDB_ARGS is a word list by contract.
  initdb --username="$POSTGRES_USER" --pwfile="$pwfile" $POSTGRES_INITDB_ARGS >&2
  rm -f "$pwfile"

  # Local socket connections are trusted (as upstream); every host connection
  # must authenticate with the chosen method (scram-sha-256 by default).
  if [ "$POSTGRES_HOST_AUTH_METHOD" = 'scram-sha-256' ] || [ "$POSTGRES_HOST_AUTH_METHOD" = 'md5' ]; then
    printf "\npassword_encryption = '%s'\n" "$POSTGRES_HOST_AUTH_METHOD" >> "$PGDATA/postgresql.conf"
  fi
  printf '\nhost all all all %s\n' "$POSTGRES_HOST_AUTH_METHOD" >> "$PGDATA/pg_hba.conf"

  # Temporary server on the unix socket only, so nothing can connect over TCP
  # (and a TCP health check cannot pass) before initialisation is complete.
  pg_ctl -D "$PGDATA" -o "-c listen_addresses='' -p ${PGPORT:-5432}" -w start >&2

  if [ "$POSTGRES_DB" != 'postgres' ]; then
    local exists
    exists="$(psql_su --dbname postgres --set db="$POSTGRES_DB" --tuples-only --no-align \
      <<<"SELECT 1 FROM pg_database WHERE datname = :'db';")"
    if [ -z "$exists" ]; then
      psql_su --dbname postgres --set db="$POSTGRES_DB" <<<'CREATE DATABASE :"db";' >&2
    fi
  fi

  local f
  for f in /docker-entrypoint-initdb.d/*; do
    [ -e "$f" ] || continue
    case "$f" in
      *.sh)
        if [ -x "$f" ]; then log "running $f"; "$f"; else log "sourcing $f"; . "$f"; fi ;;
      *.sql)    log "running $f"; psql_su --dbname "$POSTGRES_DB" -f "$f" >&2 ;;
      *.sql.gz) log "running $f"; gunzip -c "$f" | psql_su --dbname "$POSTGRES_DB" >&2 ;;
      *)        log "ignoring $f" ;;
    esac
  done

  pg_ctl -D "$PGDATA" -m fast -w stop >&2
  log "initialisation complete; ready for start up"
}

if [ ! -s "$PGDATA/PG_VERSION" ]; then
  init_cluster
else
  log "PostgreSQL database directory appears to contain a database; skipping initialisation"
fi

# Logs go to stderr (logging_collector stays off), as upstream.
exec "$@"
