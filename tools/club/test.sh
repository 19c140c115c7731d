# shellcheck shell=bash
# Sourced by ./club: ./club test. CTest runs every suite (cmake/tests.cmake says how they are
# registered): first those that need no stack, then, against an isolated stack, those
# labelled "stack". Every result is JUnit XML in <build>/test-results/, and report_results
# counts them all.

# Beyond what ./club up needs: xmllint reads the results, Chromium runs the browser tests,
# and a Korean font lets their Korean screenshots show text instead of empty boxes.
TEST_PACKAGES=(libxml2-utils chromium fonts-liberation fonts-nanum)

T_STACK=0
T_TMP=""
T_RESULTS=""
T_CTEST_FAILED=0

# The number of test cases in JUnit file $1 that match the XPath predicate $2 ("" for all).
junit_count() { xmllint --xpath "count(//testcase$2)" "$1" 2>/dev/null; }

# Writes JUnit file $1, suite $2, with one failed case per NAME MESSAGE pair that follows: the
# failures ./club test finds itself, outside any test.
junit_failures() { # file suite name message [name message]...
  local file=$1 suite=$2
  shift 2
  {
    printf '<?xml version="1.0" encoding="UTF-8"?>\n<testsuite name="%s" tests="%d" failures="%d">\n' \
      "$suite" $(($# / 2)) $(($# / 2))
    while [ $# -ge 2 ]; do
      printf '  <testcase name="%s">\n    <failure message="%s"/>\n  </testcase>\n' \
        "$(xml_escape "$1")" "$(xml_escape "$2")"
      shift 2
    done
    echo '</testsuite>'
  } >"$file"
}

xml_escape() { sed 's/&/\&amp;/g; s/</\&lt;/g; s/>/\&gt;/g; s/"/\&quot;/g' <<<"$1"; }

# Runs the tests of build dir $1 that ctest selects with the arguments after $2, writing CTest's
# list to ctest/$2.xml. ctest failing with no failed test in that list (no test found, or no
# list written) counts as one failure.
run_ctest() { # build-dir name ctest-args...
  local build=$1 name=$2 rc=0 failed
  shift 2
  ctest --test-dir "$build" --output-on-failure --no-tests=error \
    --output-junit "$T_RESULTS/ctest/$name.xml" "$@" || rc=$?
  [ $rc = 0 ] && return 0
  T_CTEST_FAILED=1
  failed=$(junit_count "$T_RESULTS/ctest/$name.xml" "[@status='fail' or @status='notrun']") || failed=0
  if [ "$failed" = 0 ]; then
    junit_failures "$T_RESULTS/club-ctest-$name.xml" "club test" "ctest $*" \
      "ctest exited with status $rc and no failed test in $T_RESULTS/ctest/$name.xml"
  fi
}

# "PASSED FAILED": the cases of JUnit file $1; a file that cannot be read is one failure, and
# says so.
case_counts() {
  local p f
  if p=$(junit_count "$1" "[not(failure or error or skipped)]") &&
    f=$(junit_count "$1" "[failure or error]"); then
    echo "$p $f"
  else
    echo "0 1 cannot read ${1##*/}"
  fi
}

# The failed cases of JUnit file $1, one "      NAME: MESSAGE" line each (at most 10).
failed_cases() {
  local k n msg sel
  n=$(junit_count "$1" "[failure or error]") || return 0
  for ((k = 1; k <= n && k <= 10; k++)); do
    sel="(//testcase[failure or error])[$k]"
    msg=$(xmllint --xpath "normalize-space($sel/*[self::failure or self::error]/@message)" "$1")
    [ -n "$msg" ] || msg=$(xmllint --xpath "normalize-space($sel/*[self::failure or self::error])" "$1")
    printf '      %s: %s\n' "$(xmllint --xpath "string($sel/@name)" "$1")" "${msg:0:160}"
  done
}

# One suite's line, then the failed cases in its JUnit file, if it has one.
suite_line() { # name passed failed note [file]
  printf '  %-24s %d passed, %d failed%s\n' "$1" "$2" "$3" "$4"
  [ ! -f "${5-}" ] || failed_cases "$5"
}

# The one reader of the results in folder $1: prints a line per suite, then the last line
# "N passed, N failed"; returns 0 when something passed and nothing failed. Each entry of
# CTest's lists (ctest/*.xml) is a suite: one that wrote its cases (<name>.xml) counts them,
# one that did not counts as one. A suite that failed with no failed case (a crash or a
# sanitizer report at exit, a timeout) counts one failure more, and one CTest did not run (a
# missing program, a failed fixture) counts as one failure. Any other file there holds the
# failures ./club test found itself.
report_results() { # results-dir
  local dir=$1 list file name status n i p f passed=0 failed=0 note
  local -A listed=()
  if ! command -v xmllint >/dev/null; then
    say "xmllint is missing (apt-get install libxml2-utils): cannot read the results in $dir"
    echo "0 passed, 1 failed"
    return 1
  fi
  say "results (JUnit XML) in $dir/:"
  for list in "$dir"/ctest/*.xml; do
    if ! n=$(junit_count "$list" ""); then
      suite_line "${list#"$dir"/}" 0 1 " (cannot read it)"
      failed=$((failed + 1))
      continue
    fi
    for ((i = 1; i <= n; i++)); do
      name=$(xmllint --xpath "string((//testcase)[$i]/@name)" "$list")
      status=$(xmllint --xpath "string((//testcase)[$i]/@status)" "$list")
      file=$dir/$name.xml
      listed[$file]=1
      note=""
      if [ -f "$file" ]; then
        read -r p f note < <(case_counts "$file")
        note=${note:+ ($note)}
        if [ "$status" != run ] && [ "$f" = 0 ]; then
          f=1
          note=" (its cases passed, then the program failed: output above)"
        fi
      elif [ "$status" = run ]; then
        p=1 f=0
      elif [ "$status" = disabled ]; then
        p=0 f=0 note=" (disabled)"
      else
        p=0 f=1
        note=$(xmllint --xpath "string((//testcase)[$i]/skipped/@message)" "$list")
        note=" (${note:-failed: output above})"
      fi
      suite_line "$name" "$p" "$f" "$note" "$file"
      passed=$((passed + p)) failed=$((failed + f))
    done
  done
  for file in "$dir"/*.xml; do
    [ -z "${listed[$file]-}" ] || continue
    read -r p f note < <(case_counts "$file")
    suite_line "$(basename "$file" .xml)" "$p" "$f" "${note:+ ($note)}" "$file"
    passed=$((passed + p)) failed=$((failed + f))
  done
  echo "$passed passed, $failed failed"
  [ $failed = 0 ] && [ $passed -gt 0 ]
}

# Runs at the end of ./club test, whatever happened: stops the test stack, records sanitizer
# findings in its logs, removes it (unless CLUB_KEEP=1) and reports the results, the count as
# the last line.
test_finish() {
  local rc=$? f n bad=() leftovers=()
  trap - EXIT INT TERM HUP
  set +e
  if [ "$T_STACK" = 1 ]; then
    stack_down >/dev/null 2>&1
    # Sanitizer reports of the stack's processes (written to their logs, often only at exit).
    while read -r n; do
      f=$LOG_DIR/$n.log
      grep -qE 'ERROR: (Address|Leak|Thread)Sanitizer|SUMMARY: UndefinedBehaviorSanitizer|runtime error: ' "$f" 2>/dev/null || continue
      printf '\n----- sanitizer report in %s -----\n' "$f"
      grep -E -A 25 'ERROR: (Address|Leak|Thread)Sanitizer|runtime error: ' "$f" | head -n 60
      bad+=("$n" "sanitizer report in $f (printed above)")
    done < <(cat "$RUN_DIR/children" 2>/dev/null)
    if [ ${#bad[@]} -gt 0 ]; then
      junit_failures "$T_RESULTS/club-stack-logs.xml" "stack logs" "${bad[@]}"
      say "sanitizer reports in $((${#bad[@]} / 2)) stack process log(s) count as failures"
    fi
    if [ $T_CTEST_FAILED = 1 ] || [ ${#bad[@]} -gt 0 ] || [ $rc -ne 0 ]; then log_tails 30; fi
  fi
  if [ -n "$T_TMP" ]; then
    # Postgres data may have had to live outside the folder (see pg_place).
    [ -n "${CLUB_PG_HOME-}" ] && [ "$CLUB_PG_HOME" != "$T_TMP" ] && leftovers+=("$CLUB_PG_HOME")
    [[ ${CLUB_PG_SOCKDIR-} == /var/tmp/club-* ]] && leftovers+=("$(dirname "$CLUB_PG_SOCKDIR")")
    if [ "${CLUB_KEEP:-0}" = 1 ]; then
      say "kept the test stack: logs in $T_TMP/log; remove it with rm -rf $T_TMP ${leftovers[*]}"
    else
      rm -rf "$T_TMP" "${leftovers[@]}"
    fi
  fi
  # Anything that stopped the run early (build, stack start, Ctrl-C) is a failure too.
  if [ $rc -ne 0 ]; then
    junit_failures "$T_RESULTS/club-run.xml" "club test" "the run" \
      "stopped early with status $rc (the build, the stack's start or an interrupt: see above)"
  fi
  report_results "$T_RESULTS" && exit 0
  exit 1
}

cmd_test() {
  local sanitize=0
  while [ $# -gt 0 ]; do
    case $1 in
    --sanitize) sanitize=1 ;;
    *) die "test: unknown option $1 (see ./club test --help)" ;;
    esac
    shift
  done
  trap test_finish EXIT
  trap 'exit 130' INT TERM HUP
  local build
  build=$(build_dir_for $sanitize)
  T_RESULTS=$build/test-results # where cmake/tests.cmake has the tests write theirs
  rm -rf "$T_RESULTS"
  mkdir -p "$T_RESULTS/ctest"
  if [ $sanitize = 1 ]; then
    export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1
    export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
  fi
  ensure_deps
  apt_install "${TEST_PACKAGES[@]}"
  ensure_node # the web client's tests and the browser tests run npm and node
  do_build "$build" "$sanitize" || die "the build failed; no test ran"

  say "tests that need no stack (unit, web client) ..."
  run_ctest "$build" no-stack -LE '^stack$'

  # An isolated stack on free ports in a folder of its own.
  T_TMP=$(mktemp -d "${TMPDIR:-/tmp}/club-test.XXXXXX")
  chmod 755 "$T_TMP" # so the Postgres user can reach its data inside
  CLUB_VAR=$T_TMP
  set_paths
  unset "${STACK_KEYS[@]}"
  T_STACK=1
  pick_port
  env_init "$PICKED"
  CLUB_BUILD_DIR=$build
  write_env
  say "starting a test stack in $CLUB_VAR ..."
  stack_start
  wait_healthy "$([ $sanitize = 1 ] && echo 180 || echo 90)" || die "the test stack did not become healthy"

  export CLUB_TEST_HOST=127.0.0.1 CLUB_TEST_HTTP_PORT=$CLUB_HTTP_PORT CLUB_TEST_PG=$CLUB_PG \
    CLUB_TEST_REDIS=$CLUB_REDIS CLUB_TEST_RUN=$RUN_DIR CLUB_TEST_VAR=$CLUB_VAR \
    CLUB_TEST_CLUB=$CLUB_SELF CLUB_TEST_URL=http://127.0.0.1:$CLUB_HTTP_PORT
  say "tests against the stack at http://127.0.0.1:$CLUB_HTTP_PORT (integration, bench, browser, ledger) ..."
  run_ctest "$build" stack -L '^stack$'
  # test_finish (EXIT) stops the stack and reports the results.
}
