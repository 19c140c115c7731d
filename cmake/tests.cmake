# How a test is registered so that ./club test can count it. Every result is JUnit XML in
# CLUB_TEST_RESULTS: CTest's list (ctest --output-junit) has one entry per test, and a test
# that knows its cases writes them to <test name>.xml there (CLUB_TEST_JUNIT), which then
# counts them one by one. Tests labelled unit or web need nothing running; every other test
# needs the stack ./club test starts (the fixture "stack") and is labelled "stack" too, which
# is how ./club test runs it only once that stack is up.
set(CLUB_TEST_RESULTS ${CMAKE_BINARY_DIR}/test-results)
file(MAKE_DIRECTORY ${CLUB_TEST_RESULTS})

# club_test(NAME LABEL COMMAND [ARG...]): a test that passes when COMMAND exits 0.
function(club_test name label)
  add_test(NAME ${name} COMMAND ${ARGN})
  set_tests_properties(${name} PROPERTIES ENVIRONMENT CLUB_TEST_JUNIT=${CLUB_TEST_RESULTS}/${name}.xml)
  if(label MATCHES "^(unit|web)$")
    set_tests_properties(${name} PROPERTIES LABELS ${label})
  else()
    set_tests_properties(${name} PROPERTIES LABELS "${label};stack" FIXTURES_REQUIRED stack)
  endif()
endfunction()

# club_cmocka_test(TARGET LABEL): the cmocka executable TARGET as the test TARGET, its cases
# in JUnit (one cmocka_run_group_tests per executable: a second group would be appended as a
# second document, which no reader takes). cmocka writes that file only when none is there
# (else XML goes to stderr), so the last run's goes first.
function(club_cmocka_test target label)
  set(xml ${CLUB_TEST_RESULTS}/${target}.xml)
  club_test(${target} ${label} sh -c "rm -f \"$1\" && exec \"$2\"" ${target} ${xml}
    $<TARGET_FILE:${target}>)
  set_property(TEST ${target} APPEND PROPERTY ENVIRONMENT CMOCKA_MESSAGE_OUTPUT=xml CMOCKA_XML_FILE=${xml})
  if(label STREQUAL unit)
    set_tests_properties(${target} PROPERTIES TIMEOUT 300)
  else()
    set_tests_properties(${target} PROPERTIES TIMEOUT 600)
  endif()
endfunction()
