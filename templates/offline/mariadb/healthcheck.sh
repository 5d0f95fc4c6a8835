#!/usr/bin/env bash
# Offline stand-in for the official mariadb image's healthcheck.sh, with the
# same flags for the tests compose files use:
#   --connect             a TCP connection is accepted (the initialisation
#                         server has no network, so this also means "init done");
#                         an authentication error still counts as connected
#   --innodb_initialized  InnoDB is available (uses the healthcheck account)
#   --su-mysql            accepted for compatibility (no effect here)
#   --defaults-file=F / --defaults-extra-file=F / --no-defaults / --datadir=D
# Every test given must pass; exit 0 if so, 1 otherwise. Unknown flags fail.
set -eo pipefail

datadir=/var/lib/mysql
defaults=() tests=() nodefaults=""
for arg in "$@"; do
  case "$arg" in
    --connect|--innodb_initialized) tests+=("${arg#--}") ;;
    --su-mysql|--su=mysql) ;;
    --no-defaults) nodefaults=1 ;;
    --datadir=*) datadir="${arg#*=}" ;;
    --defaults-file=*|--defaults-extra-file=*|--defaults-group-suffix=*) defaults+=("$arg") ;;
    *) echo "healthcheck.sh: unsupported argument: $arg" >&2; exit 1 ;;
  esac
done
if [ "${#tests[@]}" -eq 0 ]; then echo 'healthcheck.sh: no test given (use --connect, --innodb_initialized)' >&2; exit 1; fi
if [ -z "$nodefaults" ] && [ "${#defaults[@]}" -eq 0 ] && [ -r "$datadir/.my-healthcheck.cnf" ]; then
  defaults=("--defaults-extra-file=$datadir/.my-healthcheck.cnf")
fi

client() {
  mariadb ${nodefaults:+--no-defaults} "${defaults[@]}" --skip-ssl -h 127.0.0.1 --protocol=tcp "$@"
}

for t in "${tests[@]}"; do
  case "$t" in
    connect)
      out="$(client -e 'SELECT 1' 2>&1 || true)"
      if grep -qF "Can't connect" <<<"$out"; then echo "healthcheck connect failed" >&2; exit 1; fi ;;
    innodb_initialized)
      out="$(client --skip-column-names -e "SELECT 1 FROM information_schema.ENGINES WHERE engine='innodb' AND support IN ('YES','DEFAULT','ENABLED')" 2>&1 || true)"
      if [ "$out" != 1 ]; then echo "healthcheck innodb_initialized failed" >&2; exit 1; fi ;;
  esac
done
exit 0
