#include "ops.h"

#include <string.h>

#include "ops_table.inc"

const club_op_t *club_op_find(const char *name, size_t len)
{
    for (size_t i = 0; i < sizeof s_ops / sizeof s_ops[0]; i++)
        if (strlen(s_ops[i].name) == len && !memcmp(s_ops[i].name, name, len)) return &s_ops[i];
    return NULL;
}

const club_op_t *club_op_all(size_t *n)
{
    *n = sizeof s_ops / sizeof s_ops[0];
    return s_ops;
}

const char *const *club_op_schema_errors(size_t *n)
{
    *n = sizeof s_schema_errors / sizeof s_schema_errors[0];
    return s_schema_errors;
}
