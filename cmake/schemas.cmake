# Generates the C op table and the list of error codes from schemas/ops.json, so C and
# TypeScript are checked against one definition of the protocol's ops.
set(CLUB_SCHEMA ${CMAKE_SOURCE_DIR}/schemas/ops.json)
set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS ${CLUB_SCHEMA})
file(READ ${CLUB_SCHEMA} schema)

string(JSON nops LENGTH "${schema}" ops)
math(EXPR last "${nops} - 1")
set(rows "")
foreach(i RANGE ${last})
  string(JSON op GET "${schema}" ops ${i} op)
  string(JSON domain GET "${schema}" ops ${i} domain)
  set(flags "")
  foreach(flag public idem internal)
    string(JSON value ERROR_VARIABLE missing GET "${schema}" ops ${i} ${flag})
    if(NOT missing AND value)
      string(TOUPPER ${flag} upper)
      if(flags)
        string(APPEND flags " | ")
      endif()
      string(APPEND flags "CLUB_OP_${upper}")
    endif()
  endforeach()
  if(NOT flags)
    set(flags "0")
  endif()
  string(APPEND rows "    {\"${op}\", \"${domain}\", ${flags}},\n")
endforeach()

string(JSON nerr LENGTH "${schema}" errors)
math(EXPR last "${nerr} - 1")
set(errors "")
foreach(i RANGE ${last})
  string(JSON code GET "${schema}" errors ${i})
  string(APPEND errors "    \"${code}\",\n")
endforeach()

set(out ${CMAKE_BINARY_DIR}/generated/ops_table.inc)
string(CONCAT content
  "/* Generated from schemas/ops.json by cmake/schemas.cmake: edit the schema, not this. */\n"
  "static const club_op_t s_ops[] = {\n${rows}};\n\n"
  "static const char *const s_schema_errors[] = {\n${errors}};\n")
# Rewrite only when it changed, so an unrelated reconfigure rebuilds nothing.
if(EXISTS ${out})
  file(READ ${out} old)
endif()
if(NOT "${old}" STREQUAL "${content}")
  file(WRITE ${out} "${content}")
endif()
