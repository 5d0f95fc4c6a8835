#!/bin/sh
# Same rule as the official node image: run the command with node when the
# first argument is a flag (-e, --version), not a command on PATH, or a
# non-executable file (a script path).
set -e
if [ "${1#-}" != "$1" ] || [ -z "$(command -v "$1" || true)" ] || { [ -f "$1" ] && ! [ -x "$1" ]; }; then
  set -- node "$@"
fi
exec "$@"
