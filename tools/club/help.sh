# shellcheck shell=bash
# Sourced by ./club: ./club help and ./club COMMAND --help.

usage() {
  cat <<'EOF'
usage: ./club COMMAND [OPTIONS]      (./club COMMAND --help for one command)

  up [-d] [--sanitize]   install what is missing, build, start Postgres, Redis, broker,
                         actors and edge, migrate, print the URLs; -d runs in the background
  down                   stop everything the stack runs
  status                 each process with pid, up/down and ports
  logs [-n N] [--no-follow] [NAME]   follow the logs (all, or one: edge, broker, actor-wallet-0, ...)
  invite [OPTIONS]       create an invite code (the code is the last line printed)
  invites [--limit N]    list invite codes
  gacha-rates [OPTIONS]  show a gacha banner's rates and versions, or write new rates
  psql [ARGS]            psql on the stack's database
  migrate [--status]     apply pending migrations (or list applied/pending)
  verify [OPTIONS]       recompute a game round or gacha pull from its seeds (docs/FAIRNESS.md)
  bench [OPTIONS]        load-test the stack with club-bench (bench/README.md); bench/compare
                         measures it side by side with peers (docs/PERFORMANCE.md)
  sim [OPTIONS]          play many rounds or gacha pulls and run the fairness lab tests
  build [--sanitize]     build into build/ (or build-asan/ with ASan+UBSan)
  test [--sanitize]      build; unit, integration, web, browser tests against an isolated stack
  help                   this text

The stack lives in $CLUB_VAR (default ./var): postgres and redis data, log/<name>.log,
run/<name>.pid, and stack.env (ports, conninfo, secrets, chosen at first start and kept).
CLUB_VAR=/tmp/x ./club status looks at the stack in /tmp/x. See README.md for settings.
EOF
}

help_for() {
  case $1 in
  up) cat <<'EOF'
usage: ./club up [-d] [--sanitize]

Installs missing Debian packages, builds, starts a private Postgres and Redis under $CLUB_VAR
(default ./var), applies migrations, starts the supervisor that runs the broker, the actors of
CLUB_ACTORS (default: every domain, as club-actor --list prints it) and the edge, waits for
/healthz and prints the URLs. It then follows the logs; Ctrl-C stops everything. If the stack already runs, it only
prints its status.

  -d, --detach   return once healthy, leave the stack running (stop it with ./club down)
  --sanitize     run the ASan+UBSan build (build-asan/)

CLUB_HTTP_PORT picks the HTTP/WebSocket port (default 8080; remembered in stack.env).
The other ports are picked free at first start and kept in $CLUB_VAR/stack.env.
EOF
    ;;
  down) cat <<'EOF'
usage: ./club down

Stops the supervisor and its children (edge first), Redis and Postgres of the stack in
$CLUB_VAR. Data stays; ./club up starts it again. To start afresh: ./club down && rm -rf var
EOF
    ;;
  status) cat <<'EOF'
usage: ./club status

Shows postgres, redis, the supervisor and every child (broker, actor-*, edge) with pid,
up/down, ports and restart counts. Exit status 0 when all are up, 3 when none is, 1 otherwise.
EOF
    ;;
  logs) cat <<'EOF'
usage: ./club logs [-n N] [--no-follow] [NAME]

Follows the logs in $CLUB_VAR/log (JSON lines from the C processes; postgres.log, redis.log
and supervisor.log too). NAME is a log without .log: edge, broker, actor-wallet-0, ...
  -n N          start with the last N lines (default 50)
  --no-follow   print and exit
EOF
    ;;
  invite) cat <<'EOF'
usage: ./club invite [--rank STANDARD|PREMIUM|VIP] [--uses N] [--expires-days D] [--note TEXT]

Creates an invite code in the stack's database (club-tool invite). Prints a line about it,
then the code alone as the last line, so scripts can take it with | tail -n 1.
  --rank R           STANDARD (default), PREMIUM or VIP
  --uses N           how many accounts may register with it (default 1)
  --expires-days D   valid for D days (default: no expiry)
  --note TEXT        a note for operators
EOF
    ;;
  invites) cat <<'EOF'
usage: ./club invites [--limit N]

Lists invite codes, newest first (club-tool invites).
EOF
    ;;
  gacha-rates) cat <<'EOF'
usage: ./club gacha-rates --banner ID [--rate RARITY=PPM ...] [--soft N --hard N --step PPM]
                          [--note TEXT] [--by NAME]

Without --rate: the banner's current rates, pity, effective top rate and its versions. With a
--rate for every rarity (rarest first, parts per million summing to 1000000): a new version of
the banner, disclosed at once; players' pity carries over (club-tool gacha-rates --help).
EOF
    ;;
  psql) cat <<'EOF'
usage: ./club psql [PSQL-ARGS]

Opens psql on the stack's database as the application role; arguments go to psql,
e.g. ./club psql -c 'select count(*) from users'.
EOF
    ;;
  migrate) cat <<'EOF'
usage: ./club migrate [--status]

Applies migrations/NNN_name.sql files not yet applied to the running stack's database,
each in one transaction (club-migrate). --status lists applied and pending ones.
EOF
    ;;
  build) cat <<'EOF'
usage: ./club build [--sanitize]

Installs missing packages and builds (cmake, RelWithDebInfo) into build/, or with --sanitize
into build-asan/ with AddressSanitizer and UndefinedBehaviorSanitizer.
EOF
    ;;
  test) cat <<'EOF'
usage: ./club test [--sanitize]

Builds (build/ or build-asan/), then CTest runs every suite: first the C unit tests and the
web client's build, lint and unit tests (Vitest); then, against an isolated stack on free ports
in a temporary folder, the integration tests, club-bench's checks (a 3 s smoke run, its
--threshold verdict and --rate-to schedule), the browser tests (headless Chromium) and a ledger
check over everything they did; then it stops the stack and removes the folder.
Every result is JUnit XML in build/test-results/ (build-asan/ with --sanitize): CTest's lists
in ctest/, a suite's own cases in <suite>.xml. It prints a line per suite, and last
"N passed, N failed": the cases of suites that report them (cmocka, Vitest, browser), one per
other suite; a suite that crashed, timed out or did not run is a failure, and so is a sanitizer
report in a stack process's log. Exit status is 0 only when something passed and nothing failed.
  --sanitize   ASan+UBSan build; ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 and
               UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 for the stack and the tests
  CLUB_KEEP=1  keep the temporary stack folder (and its logs) afterwards
The tests get CLUB_TEST_HOST, CLUB_TEST_HTTP_PORT, CLUB_TEST_URL, CLUB_TEST_PG, CLUB_TEST_REDIS,
CLUB_TEST_RUN (pid files), CLUB_TEST_VAR (the stack folder), CLUB_TEST_CLUB (this script) and
CLUB_TEST_JUNIT (where a suite may write its cases).
EOF
    ;;
  help) usage ;;
  *) return 1 ;;
  esac
}
