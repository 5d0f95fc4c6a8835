#!/bin/sh
# The image's HEALTHCHECK, for every role of the image (read from PID 1's arguments): the
# session-expiry worker wrote its heartbeat (epoch seconds) within the last 30 s; the
# migration is healthy while it runs; the API answers the path given as $1, /health (node
# itself is the probe: slim images have no curl or wget).
case "$(tr '\0' ' ' </proc/1/cmdline)" in
  *--role=expire-sessions*)
    beat=$(cat /tmp/reference-worker.heartbeat 2>/dev/null) || exit 1
    [ $(($(date +%s) - ${beat:-0})) -lt 30 ] ;;
  *--role=migrate*) exit 0 ;;
  *) exec node -e "fetch('http://127.0.0.1:'+(process.env.PORT||8080)+process.argv[1]).then(r=>process.exit(r.ok?0:1),()=>process.exit(1))" "${1:-/health}" ;;
esac
