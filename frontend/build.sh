#!/usr/bin/env bash
# Builds the player web client into frontend/dist (served by the edge at /).
#   frontend/build.sh          install (npm ci, when needed), type-check, build
#   frontend/build.sh --test   the same, then lint and the unit tests (vitest)
# Needs node >= 20.19 and npm; installs only what package-lock.json names.
set -euo pipefail
cd "$(dirname "$0")"

test_too=0
for arg in "$@"; do
  case "$arg" in
    --test) test_too=1 ;;
    -h|--help) sed -n '2,5p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "build.sh: unknown option $arg" >&2; exit 2 ;;
  esac
done

command -v npm >/dev/null || { echo "build.sh: npm is not installed (node >= 20.19 is needed)" >&2; exit 1; }

# npm ci when node_modules is missing or was installed from another package-lock.json.
lock_sum=$(sha256sum package-lock.json | cut -d' ' -f1)
stamp=node_modules/.club-lock.sha256
if [ ! -d node_modules ] || [ "$(cat "$stamp" 2>/dev/null)" != "$lock_sum" ]; then
  echo "build.sh: npm ci" >&2
  npm ci --no-audit --no-fund --loglevel=error
  echo "$lock_sum" > "$stamp"
fi

npm run --silent build
if [ "$test_too" = 1 ]; then
  npm run --silent lint
  npm test --silent
fi
