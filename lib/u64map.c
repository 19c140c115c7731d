#include "u64map.h"

#include <stdlib.h>

#include "util.h"

static size_t s_slot(uint64_t key, size_t cap)
{
    key ^= key >> 33;
    key *= 0xff51afd7ed558ccdULL;
    key ^= key >> 33;
    return (size_t)key & (cap - 1);
}

void club_u64map_init(club_u64map_t *m)
{
    m->cap = 64;
    m->len = 0;
    m->keys = club_calloc(m->cap, sizeof *m->keys);
    m->vals = club_calloc(m->cap, sizeof *m->vals);
}

void club_u64map_free(club_u64map_t *m)
{
    free(m->keys);
    free(m->vals);
    m->keys = NULL;
    m->vals = NULL;
    m->cap = m->len = 0;
}

static void s_grow(club_u64map_t *m)
{
    club_u64map_t n = {club_calloc(m->cap * 2, sizeof *m->keys),
                       club_calloc(m->cap * 2, sizeof *m->vals), m->cap * 2, 0};
    for (size_t i = 0; i < m->cap; i++)
        if (m->keys[i]) club_u64map_put(&n, m->keys[i], m->vals[i]);
    free(m->keys);
    free(m->vals);
    *m = n;
}

void club_u64map_put(club_u64map_t *m, uint64_t key, void *val)
{
    if ((m->len + 1) * 4 > m->cap * 3) s_grow(m);
    size_t i = s_slot(key, m->cap);
    while (m->keys[i] && m->keys[i] != key)
        i = (i + 1) & (m->cap - 1);
    if (!m->keys[i]) {
        m->keys[i] = key;
        m->len++;
    }
    m->vals[i] = val;
}

void *club_u64map_get(const club_u64map_t *m, uint64_t key)
{
    if (!key || !m->cap) return NULL;
    size_t i = s_slot(key, m->cap);
    while (m->keys[i]) {
        if (m->keys[i] == key) return m->vals[i];
        i = (i + 1) & (m->cap - 1);
    }
    return NULL;
}

void *club_u64map_del(club_u64map_t *m, uint64_t key)
{
    if (!key || !m->cap) return NULL;
    size_t mask = m->cap - 1, i = s_slot(key, m->cap);
    while (m->keys[i] && m->keys[i] != key)
        i = (i + 1) & mask;
    if (!m->keys[i]) return NULL;
    void *val = m->vals[i];
    m->len--;
    /* Backward shift: pull later members of the probe run into the hole when their home
     * slot allows it, so no tombstone is left behind. */
    size_t hole = i, j = i;
    for (;;) {
        j = (j + 1) & mask;
        if (!m->keys[j]) break;
        size_t home = s_slot(m->keys[j], m->cap);
        if (((j - home) & mask) >= ((j - hole) & mask)) {
            m->keys[hole] = m->keys[j];
            m->vals[hole] = m->vals[j];
            hole = j;
        }
    }
    m->keys[hole] = 0;
    m->vals[hole] = NULL;
    return val;
}
