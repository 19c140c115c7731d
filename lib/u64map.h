/* u64map: open-addressing hash map from a non-zero uint64 key to a pointer.
 * Linear probing with backward-shift deletion (no tombstones), so lookups stay short under
 * churn such as request correlation ids that live for milliseconds. Key 0 is reserved. */
#ifndef CLUB_U64MAP_H
#define CLUB_U64MAP_H

#include <stddef.h>
#include <stdint.h>

typedef struct {
    uint64_t *keys;
    void **vals;
    size_t cap; /* power of two */
    size_t len;
} club_u64map_t;

void club_u64map_init(club_u64map_t *m);
void club_u64map_free(club_u64map_t *m);
/* Inserts or replaces. */
void club_u64map_put(club_u64map_t *m, uint64_t key, void *val);
void *club_u64map_get(const club_u64map_t *m, uint64_t key);
/* Removes and returns the value, or NULL. */
void *club_u64map_del(club_u64map_t *m, uint64_t key);

/* Iteration: for (size_t i = 0; i < m->cap; i++) if (m->keys[i]) ... */

#endif
