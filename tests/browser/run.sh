#!/usr/bin/env bash
# Browser tests of the player web client (headless Chromium via playwright-core).
#   CLUB_TEST_URL=http://127.0.0.1:PORT CLUB_TEST_VAR=... CLUB_TEST_CLUB=.../club tests/browser/run.sh
# CLUB_TEST_VAR and CLUB_TEST_CLUB make the invite (club invite --rank VIP --uses 5); or give
# CLUB_TEST_INVITE. Needs /usr/bin/chromium (apt-get install -y chromium) or CLUB_CHROMIUM.
# Screenshots go to tests/artifacts/. The last line is "N passed, N failed".
set -euo pipefail
cd "$(dirname "$0")"

: "${CLUB_TEST_URL:?set CLUB_TEST_URL, e.g. http://127.0.0.1:8080}"
chromium=${CLUB_CHROMIUM:-/usr/bin/chromium}
if [ ! -x "$chromium" ]; then
  echo "run.sh: no browser at $chromium: apt-get install -y chromium (or set CLUB_CHROMIUM)" >&2
  echo "0 passed, 1 failed"
  exit 1
fi

lock_sum=$(sha256sum package-lock.json | cut -d' ' -f1)
stamp=node_modules/.club-lock.sha256
if [ ! -d node_modules ] || [ "$(cat "$stamp" 2>/dev/null)" != "$lock_sum" ]; then
  echo "run.sh: npm ci" >&2
  npm ci --no-audit --no-fund --loglevel=error >&2
  echo "$lock_sum" > "$stamp"
fi

exec node run.mjs
