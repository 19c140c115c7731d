/* lib/u64map: the map the edge and the broker keep their in-flight requests in. A lost or
 * stale entry there is a reply that never reaches its player, so deletion (backward shift,
 * no tombstones) is tested where it is easy to get wrong: a cluster of colliding keys that
 * wraps from the last slot to the first. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include <cmocka.h>

#include "u64map.h"

/* Values are fake pointers made from the key: what was stored is what comes back. */
static void *s_val(uint64_t key, unsigned gen)
{
    return (void *)(uintptr_t)(key * 16 + gen + 1);
}

/* The slot a key lands in when it is alone in a map of the initial size: found through the
 * public iteration (keys[]), not by copying the hash into the test. */
static size_t s_home(uint64_t key)
{
    club_u64map_t m;
    club_u64map_init(&m);
    club_u64map_put(&m, key, s_val(key, 0));
    size_t home = SIZE_MAX;
    for (size_t i = 0; i < m.cap; i++)
        if (m.keys[i] == key) home = i;
    club_u64map_free(&m);
    return home;
}

/* The first key > after whose home is `slot` (in a fresh map of the initial size). */
static uint64_t s_key_at(size_t slot, uint64_t after)
{
    for (uint64_t k = after + 1; k < after + 100000; k++)
        if (s_home(k) == slot) return k;
    fail_msg("no key with home slot %zu", slot);
    return 0;
}

static size_t s_slot_of(const club_u64map_t *m, uint64_t key)
{
    for (size_t i = 0; i < m->cap; i++)
        if (m->keys[i] == key) return i;
    return SIZE_MAX;
}

static void test_put_get_del(void **state)
{
    (void)state;
    club_u64map_t m;
    club_u64map_init(&m);
    assert_int_equal(m.len, 0);
    assert_null(club_u64map_get(&m, 1));
    assert_null(club_u64map_del(&m, 1));
    assert_null(club_u64map_get(&m, 0)); /* key 0 is reserved: never found */
    assert_null(club_u64map_del(&m, 0));

    club_u64map_put(&m, 1, s_val(1, 0));
    club_u64map_put(&m, UINT64_MAX, s_val(UINT64_MAX, 0));
    assert_int_equal(m.len, 2);
    assert_ptr_equal(club_u64map_get(&m, 1), s_val(1, 0));
    assert_ptr_equal(club_u64map_get(&m, UINT64_MAX), s_val(UINT64_MAX, 0));

    /* put on a present key replaces the value and does not count it twice */
    club_u64map_put(&m, 1, s_val(1, 1));
    assert_int_equal(m.len, 2);
    assert_ptr_equal(club_u64map_get(&m, 1), s_val(1, 1));

    assert_ptr_equal(club_u64map_del(&m, 1), s_val(1, 1));
    assert_int_equal(m.len, 1);
    assert_null(club_u64map_get(&m, 1));
    assert_null(club_u64map_del(&m, 1)); /* twice: nothing left to delete */
    assert_int_equal(m.len, 1);

    /* re-insert after delete */
    club_u64map_put(&m, 1, s_val(1, 2));
    assert_int_equal(m.len, 2);
    assert_ptr_equal(club_u64map_get(&m, 1), s_val(1, 2));

    club_u64map_free(&m);
    assert_int_equal(m.cap, 0);
    assert_null(club_u64map_get(&m, 1)); /* a freed map answers, empty */
    assert_null(club_u64map_del(&m, 1));
}

/* A cluster across the end of the table (initial capacity 64):
 *
 *   slot  62  63   0   1   2
 *   key    D   A   B   C   E     homes: D 62, A 63, B 63, C 0, E 2
 *
 * Deleting A must pull B back to 63 and C back to 0 (each to the first slot its probe reaches),
 * leave E at its home, and leave no hole in front of anything still in the map. */
static void test_delete_shifts_back_across_the_wrap(void **state)
{
    (void)state;
    club_u64map_t m;
    club_u64map_init(&m);
    size_t cap = m.cap;
    assert_int_equal(cap, 64);
    uint64_t d = s_key_at(cap - 2, 0);
    uint64_t a = s_key_at(cap - 1, 0);
    uint64_t b = s_key_at(cap - 1, a);
    uint64_t c = s_key_at(0, 0);
    uint64_t e = s_key_at(2, 0);
    uint64_t keys[] = {d, a, b, c, e};
    for (size_t i = 0; i < 5; i++)
        club_u64map_put(&m, keys[i], s_val(keys[i], 0));
    assert_int_equal(m.cap, cap);
    assert_int_equal(s_slot_of(&m, d), cap - 2);
    assert_int_equal(s_slot_of(&m, a), cap - 1);
    assert_int_equal(s_slot_of(&m, b), 0);
    assert_int_equal(s_slot_of(&m, c), 1);
    assert_int_equal(s_slot_of(&m, e), 2);

    assert_ptr_equal(club_u64map_del(&m, a), s_val(a, 0));
    assert_int_equal(m.len, 4);
    assert_int_equal(s_slot_of(&m, b), cap - 1);
    assert_int_equal(s_slot_of(&m, c), 0);
    assert_int_equal(m.keys[1], 0); /* the hole moved to the end of the run: no tombstone */
    assert_int_equal(s_slot_of(&m, e), 2);
    assert_int_equal(s_slot_of(&m, d), cap - 2);
    assert_null(club_u64map_get(&m, a));
    for (size_t i = 0; i < 5; i++)
        if (keys[i] != a) assert_ptr_equal(club_u64map_get(&m, keys[i]), s_val(keys[i], 0));

    /* D sits at its home in front of the run: deleting it moves nothing (B's home is 63). */
    assert_ptr_equal(club_u64map_del(&m, d), s_val(d, 0));
    assert_int_equal(s_slot_of(&m, b), cap - 1);
    assert_int_equal(s_slot_of(&m, c), 0);
    assert_ptr_equal(club_u64map_get(&m, b), s_val(b, 0));
    assert_ptr_equal(club_u64map_get(&m, c), s_val(c, 0));

    /* A back in: its home 63 is taken by B, so it probes on past the wrap. */
    club_u64map_put(&m, a, s_val(a, 1));
    assert_int_equal(s_slot_of(&m, a), 1);
    assert_ptr_equal(club_u64map_get(&m, a), s_val(a, 1));

    /* Deleting the element at slot 0 (C, home 0) pulls A (home 63) over the wrap to 0. */
    assert_ptr_equal(club_u64map_del(&m, c), s_val(c, 0));
    assert_int_equal(s_slot_of(&m, a), 0);
    assert_int_equal(m.keys[1], 0);
    assert_ptr_equal(club_u64map_get(&m, a), s_val(a, 1));
    assert_ptr_equal(club_u64map_get(&m, b), s_val(b, 0));
    assert_ptr_equal(club_u64map_get(&m, e), s_val(e, 0));

    assert_ptr_equal(club_u64map_del(&m, b), s_val(b, 0));
    assert_ptr_equal(club_u64map_del(&m, a), s_val(a, 1));
    assert_ptr_equal(club_u64map_del(&m, e), s_val(e, 0));
    assert_int_equal(m.len, 0);
    for (size_t i = 0; i < m.cap; i++)
        assert_int_equal(m.keys[i], 0);
    club_u64map_free(&m);
}

/* A member at its home does not stop the shift: one further on may still belong in the hole.
 *
 *   slot  62  63   0      homes: X 62, Y 63, Z 62
 *   key    X   Y   Z
 *
 * Deleting X leaves Y at its home and pulls Z, past Y, into 62. */
static void test_delete_shifts_past_a_key_at_its_home(void **state)
{
    (void)state;
    club_u64map_t m;
    club_u64map_init(&m);
    size_t cap = m.cap;
    uint64_t x = s_key_at(cap - 2, 0);
    uint64_t y = s_key_at(cap - 1, 0);
    uint64_t z = s_key_at(cap - 2, x);
    club_u64map_put(&m, x, s_val(x, 0));
    club_u64map_put(&m, y, s_val(y, 0));
    club_u64map_put(&m, z, s_val(z, 0));
    assert_int_equal(s_slot_of(&m, z), 0);
    assert_ptr_equal(club_u64map_del(&m, x), s_val(x, 0));
    assert_int_equal(s_slot_of(&m, y), cap - 1);
    assert_int_equal(s_slot_of(&m, z), cap - 2);
    assert_int_equal(m.keys[0], 0);
    assert_ptr_equal(club_u64map_get(&m, y), s_val(y, 0));
    assert_ptr_equal(club_u64map_get(&m, z), s_val(z, 0));
    club_u64map_free(&m);
}

/* Many keys with one home: one long run, deleted from the front, the middle and the end. */
static void test_delete_in_a_long_run_of_one_home(void **state)
{
    (void)state;
    enum { N = 12 };
    club_u64map_t m;
    club_u64map_init(&m);
    uint64_t keys[N];
    uint64_t after = 0;
    for (int i = 0; i < N; i++) {
        keys[i] = after = s_key_at(m.cap - 3, after);
        club_u64map_put(&m, keys[i], s_val(keys[i], 0));
    }
    static const int order[N] = {0, 6, 11, 1, 10, 5, 2, 9, 3, 8, 4, 7};
    bool gone[N] = {false};
    for (int n = 0; n < N; n++) {
        int i = order[n];
        assert_ptr_equal(club_u64map_del(&m, keys[i]), s_val(keys[i], 0));
        gone[i] = true;
        assert_int_equal(m.len, (size_t)(N - n - 1));
        for (int j = 0; j < N; j++) {
            if (gone[j])
                assert_null(club_u64map_get(&m, keys[j]));
            else
                assert_ptr_equal(club_u64map_get(&m, keys[j]), s_val(keys[j], 0));
        }
        /* The run stays packed from the home slot: exactly the slots home..home+len-1. */
        for (size_t s = 0; s < m.len; s++)
            assert_int_not_equal(m.keys[(m.cap - 3 + s) & (m.cap - 1)], 0);
        assert_int_equal(m.keys[(m.cap - 3 + m.len) & (m.cap - 1)], 0);
    }
    club_u64map_free(&m);
}

static void test_growth_keeps_everything(void **state)
{
    (void)state;
    club_u64map_t m;
    club_u64map_init(&m);
    size_t cap0 = m.cap;
    for (uint64_t k = 1; k <= 5000; k++) {
        club_u64map_put(&m, k * 0x9E3779B97F4A7C15ULL, s_val(k, 0));
        assert_true(m.len * 4 <= m.cap * 3); /* load factor at most 3/4 */
    }
    assert_int_equal(m.len, 5000);
    assert_true(m.cap > cap0);
    assert_int_equal(m.cap & (m.cap - 1), 0); /* still a power of two */
    for (uint64_t k = 1; k <= 5000; k++)
        assert_ptr_equal(club_u64map_get(&m, k * 0x9E3779B97F4A7C15ULL), s_val(k, 0));
    size_t seen = 0;
    for (size_t i = 0; i < m.cap; i++)
        if (m.keys[i]) seen++;
    assert_int_equal(seen, 5000);
    club_u64map_free(&m);
}

static uint64_t s_rand(uint64_t *s)
{
    uint64_t x = *s;
    x ^= x >> 12;
    x ^= x << 25;
    x ^= x >> 27;
    *s = x;
    return x * 0x2545F4914F6CDD1DULL;
}

/* Random puts, deletes and gets over a small key space (so keys come back after deletion and
 * runs form and break up), checked after every step against a plain array. */
static void test_random_against_a_reference(void **state)
{
    (void)state;
    enum { KEYS = 700, STEPS = 200000 };
    void **ref = calloc(KEYS + 1, sizeof *ref);
    size_t ref_len = 0;
    club_u64map_t m;
    club_u64map_init(&m);
    uint64_t rng = 0x243F6A8885A308D3ULL;
    for (unsigned step = 0; step < STEPS; step++) {
        uint64_t r = s_rand(&rng);
        uint64_t k = 1 + (r >> 8) % KEYS;
        /* Spread the small keys over the whole 64-bit space, high bits included. */
        uint64_t key = k * 0xD6E8FEB86659FD93ULL;
        switch (r & 3) {
        case 0:
        case 1: {
            void *v = s_val(k, step & 0xf);
            if (!ref[k]) ref_len++;
            ref[k] = v;
            club_u64map_put(&m, key, v);
            break;
        }
        case 2: {
            void *got = club_u64map_del(&m, key);
            if (got != ref[k])
                fail_msg("step %u: del(%llu) = %p, want %p", step, (unsigned long long)k, got,
                         ref[k]);
            if (ref[k]) ref_len--;
            ref[k] = NULL;
            break;
        }
        default: {
            void *got = club_u64map_get(&m, key);
            if (got != ref[k])
                fail_msg("step %u: get(%llu) = %p, want %p", step, (unsigned long long)k, got,
                         ref[k]);
        }
        }
        if (m.len != ref_len) fail_msg("step %u: len %zu, want %zu", step, m.len, ref_len);
        if (step % 10000 == 0 || step == STEPS - 1) {
            for (uint64_t j = 1; j <= KEYS; j++)
                if (club_u64map_get(&m, j * 0xD6E8FEB86659FD93ULL) != ref[j])
                    fail_msg("step %u: key %llu lost or stale", step, (unsigned long long)j);
            size_t seen = 0;
            for (size_t i = 0; i < m.cap; i++)
                if (m.keys[i]) seen++;
            assert_int_equal(seen, ref_len);
        }
    }
    club_u64map_free(&m);
    free(ref);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_put_get_del),
        cmocka_unit_test(test_delete_shifts_back_across_the_wrap),
        cmocka_unit_test(test_delete_shifts_past_a_key_at_its_home),
        cmocka_unit_test(test_delete_in_a_long_run_of_one_home),
        cmocka_unit_test(test_growth_keeps_everything),
        cmocka_unit_test(test_random_against_a_reference),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
