#!/bin/sh
# Offline stand-in for the official redis image's entrypoint.
set -e

# "docker run image --maxmemory 64mb" or "… /path/redis.conf" means redis-server.
if [ "${1#-}" != "$1" ] || [ "${1%.conf}" != "$1" ]; then
  set -- redis-server "$@"
fi

if [ "$1" = 'redis-server' ]; then
  # The official image compiles protected mode off; Debian's binary keeps it
  # on, which refuses every other container. Restore the official default
  # unless a config file or an explicit --protected-mode says otherwise.
  # Appended, so `redis-server --version` still sees its flag first.
  case "${2:-} | $* " in
    *.conf\ \|*|*" --protected-mode "*) ;;
    *) set -- "$@" --protected-mode no ;;
  esac
  # As root: own the data directory, then re-exec as redis (no gosu needed).
  if [ "$(id -u)" = '0' ]; then
    find . \! -user redis -exec chown redis '{}' + 2>/dev/null || true
    exec setpriv --reuid=redis --regid=redis --init-groups "$0" "$@"
  fi
  # Files redis creates are readable by its owner only, as upstream (7.x).
  umask 0077
fi

exec "$@"
