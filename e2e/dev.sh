#!/bin/sh
# Iterate on the browser tests against `tsx server.ts` (development mode, no build):
#   unshare -n sh e2e/dev.sh [playwright args]        (as root: loopback-only network)
#   sh e2e/dev.sh [playwright args]                   (a laptop without root)
# `npm test` is the real run (production build, node dist/server.js).
set -u
ip link set lo up 2>/dev/null || true
cd "$(dirname "$0")/.."
export NEXT_TELEMETRY_DISABLED=1
port=${E2E_DEV_PORT:-3200}
PORT=$port HOST=127.0.0.1 MEDIA_ICE_ADDRESSES=127.0.0.1 LOG_LEVEL=${LOG_LEVEL:-info} \
  setsid node_modules/.bin/tsx server.ts > "${E2E_SERVER_LOG:-/tmp/moim-e2e-server.log}" 2>&1 &
server=$!
i=0
until curl -sf -o /dev/null "http://127.0.0.1:$port/"; do
  i=$((i + 1))
  if [ "$i" -ge 120 ] || ! kill -0 "$server" 2>/dev/null; then
    echo "server did not start; see ${E2E_SERVER_LOG:-/tmp/moim-e2e-server.log}" >&2
    kill -TERM -"$server" 2>/dev/null
    exit 1
  fi
  sleep 1
done
E2E_BASE_URL="http://127.0.0.1:$port" npx playwright test -c e2e/playwright.config.ts "$@"
rc=$?
kill -TERM -"$server" 2>/dev/null
exit $rc
