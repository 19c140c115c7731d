/* Slot and provably fair (PROTOCOL.md "Games (provably fair)").
 *
 * Every round the server plays is re-computed here from the revealed seed, with an HMAC
 * stream, reel stops and payline rule written from PROTOCOL.md alone (club_client.c's
 * cc_fair_* and s_line_run below), never from the server's code. */
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cc_test.h"

#define WELCOME   10000
#define REELS     5
#define ROWS      3
#define MAX_STRIP 512
#define MAX_LINES 100
#define MAX_PAYS  256
#define SYM_LEN   32

typedef struct {
    int len[REELS];
    char strip[REELS][MAX_STRIP][SYM_LEN];
    int nlines;
    int lines[MAX_LINES][REELS];
    int npays;
    struct {
        char sym[SYM_LEN];
        int count;
        bool is_int;
        int64_t mult;
        double fmult;
    } pay[MAX_PAYS];
    double rtp;
    int64_t min, max; /* as slot.info says */
    int64_t lo, hi;   /* the smallest and largest allowed bet: multiples of nlines */
} slot_info_t;

/* Reads and checks slot.info. The caller frees. */
static slot_info_t *s_info(cc_t *c)
{
    slot_info_t *si = calloc(1, sizeof *si);
    cc_msg_t *r = CC_OK(cc_call(c, "slot.info", NULL, NULL));
    char p[96];
    CC_EQ(cc_len(r, "reels"), REELS);
    for (int i = 0; i < REELS; i++) {
        snprintf(p, sizeof p, "reels[%d]", i);
        int n = cc_len(r, p);
        CC_CHECK(cc_is_array(r, p) && n >= ROWS && n <= MAX_STRIP, "reel %d: %s", i,
                 cc_describe(r));
        si->len[i] = n;
        for (int k = 0; k < n; k++) {
            snprintf(p, sizeof p, "reels[%d][%d]", i, k);
            CC_CHECK(cc_obj_str(cc_get(r, p), si->strip[i][k], SYM_LEN) && si->strip[i][k][0],
                     "%s is not a symbol name: %s", p, cc_describe(r));
        }
    }
    si->nlines = cc_len(r, "paylines");
    CC_CHECK(cc_is_array(r, "paylines") && si->nlines >= 1 && si->nlines <= MAX_LINES,
             "paylines: %s", cc_describe(r));
    for (int l = 0; l < si->nlines; l++) {
        snprintf(p, sizeof p, "paylines[%d]", l);
        CC_EQ(cc_len(r, p), REELS);
        for (int i = 0; i < REELS; i++) {
            snprintf(p, sizeof p, "paylines[%d][%d]", l, i);
            int64_t row = cc_int(r, p);
            CC_CHECK(row >= 0 && row < ROWS, "%s = %lld", p, (long long)row);
            si->lines[l][i] = (int)row;
        }
    }
    si->npays = cc_len(r, "paytable");
    CC_CHECK(cc_is_array(r, "paytable") && si->npays >= 1 && si->npays <= MAX_PAYS, "paytable: %s",
             cc_describe(r));
    for (int k = 0; k < si->npays; k++) {
        snprintf(p, sizeof p, "paytable[%d].symbol", k);
        CC_CHECK(cc_obj_str(cc_get(r, p), si->pay[k].sym, SYM_LEN), "%s: %s", p, cc_describe(r));
        bool on_reels = !strcmp(si->pay[k].sym, "WILD");
        for (int i = 0; i < REELS && !on_reels; i++)
            for (int j = 0; j < si->len[i] && !on_reels; j++)
                on_reels = !strcmp(si->strip[i][j], si->pay[k].sym);
        CC_CHECK(on_reels, "paytable symbol %s is on no reel", si->pay[k].sym);
        snprintf(p, sizeof p, "paytable[%d].count", k);
        int64_t count = cc_int(r, p);
        CC_CHECK(count >= 3 && count <= REELS, "%s = %lld", p, (long long)count);
        si->pay[k].count = (int)count;
        snprintf(p, sizeof p, "paytable[%d].multiplier", k);
        si->pay[k].is_int = cc_is_int(r, p);
        si->pay[k].mult = si->pay[k].is_int ? cc_int(r, p) : 0;
        si->pay[k].fmult = cc_num(r, p);
        CC_CHECK(si->pay[k].fmult > 0, "%s: %s", p, cc_describe(r));
    }
    CC_CHECK(cc_is_float(r, "rtp"), "rtp is not a float: %s", cc_describe(r));
    si->rtp = cc_num(r, "rtp");
    CC_CHECK(si->rtp >= 0.92 && si->rtp <= 0.97, "rtp %f", si->rtp);
    si->min = cc_int(r, "bet.min");
    si->max = cc_int(r, "bet.max");
    CC_CHECK(si->min > 0 && si->max >= si->min, "bet: %s", cc_describe(r));
    si->lo = (si->min + si->nlines - 1) / si->nlines * si->nlines;
    si->hi = si->max / si->nlines * si->nlines;
    CC_CHECK(si->lo <= si->hi, "no multiple of %d paylines in [%lld, %lld]", si->nlines,
             (long long)si->min, (long long)si->max);
    return si;
}

/* An allowed bet near `want`. */
static int64_t s_bet(const slot_info_t *si, int64_t want)
{
    int64_t b = want / si->nlines * si->nlines;
    if (b < si->lo) b = si->lo;
    if (b > si->hi) b = si->hi;
    return b;
}

/* PROTOCOL.md: the line's symbol and run. WILD stands for any other symbol; the longest run
 * from reel 0 is of the first non-WILD symbol (five WILDs are a WILD run). */
static void s_line_run(const char *syms[REELS], const char **sym, int *count)
{
    int k = 0;
    while (k < REELS && !strcmp(syms[k], "WILD"))
        k++;
    if (k == REELS) {
        *sym = "WILD";
        *count = REELS;
        return;
    }
    *sym = syms[k];
    int n = 0;
    while (n < REELS && (!strcmp(syms[n], *sym) || !strcmp(syms[n], "WILD")))
        n++;
    *count = n;
}

/* floor(bet * multiplier / lines) for the paytable entry, 0 when there is none. */
static int64_t s_pay(const slot_info_t *si, const char *sym, int count, int64_t bet)
{
    if (count < 3) return 0;
    for (int k = 0; k < si->npays; k++) {
        if (si->pay[k].count != count || strcmp(si->pay[k].sym, sym) != 0) continue;
        if (si->pay[k].is_int) return bet * si->pay[k].mult / si->nlines;
        return (int64_t)floor((double)bet * si->pay[k].fmult / si->nlines + 1e-9);
    }
    return 0;
}

static double s_mult(const slot_info_t *si, const char *sym, int count)
{
    if (count < 3) return 0;
    for (int k = 0; k < si->npays; k++)
        if (si->pay[k].count == count && !strcmp(si->pay[k].sym, sym)) return si->pay[k].fmult;
    return 0;
}

/* The exact RTP: every payline sees each reel's strip uniformly whatever its row, and the
 * reels are independent, so every line has the same distribution: RTP = E[multiplier of a
 * line], summed over every combination of symbols weighted by their frequencies. */
static double s_exact_rtp(const slot_info_t *si)
{
    char syms[64][SYM_LEN];
    int nsyms = 0;
    double freq[REELS][64] = {{0}};
    for (int i = 0; i < REELS; i++) {
        for (int j = 0; j < si->len[i]; j++) {
            int s = 0;
            while (s < nsyms && strcmp(syms[s], si->strip[i][j]) != 0)
                s++;
            if (s == nsyms) {
                CC_CHECK(nsyms < 64, "more than 64 symbols");
                snprintf(syms[nsyms++], SYM_LEN, "%s", si->strip[i][j]);
            }
            freq[i][s] += 1.0 / si->len[i];
        }
    }
    /* Only the symbols each reel has. */
    int on[REELS][64], non[REELS] = {0};
    for (int i = 0; i < REELS; i++)
        for (int s = 0; s < nsyms; s++)
            if (freq[i][s] > 0) on[i][non[i]++] = s;
    long double rtp = 0;
    int idx[REELS] = {0};
    for (;;) {
        long double p = 1;
        const char *line[REELS];
        for (int i = 0; i < REELS; i++) {
            p *= freq[i][on[i][idx[i]]];
            line[i] = syms[on[i][idx[i]]];
        }
        const char *sym;
        int count;
        s_line_run(line, &sym, &count);
        rtp += p * s_mult(si, sym, count);
        int i = REELS - 1;
        while (i >= 0 && ++idx[i] == non[i])
            idx[i--] = 0;
        if (i < 0) break;
    }
    return (double)rtp;
}

/* Re-computes one round from the revealed server seed and checks what the server said. */
static void s_verify_round(const slot_info_t *si, cc_msg_t *spin, const char *server_seed,
                           int64_t bet)
{
    const char *client_seed = cc_str(spin, "proof.client_seed");
    int64_t nonce = cc_int(spin, "proof.nonce");
    CC_CHECK(client_seed && nonce >= 0, "proof: %s", cc_describe(spin));
    cc_fair_t f;
    cc_fair_init(&f, server_seed, client_seed, (uint64_t)nonce);
    const char *grid[REELS][ROWS];
    char p[64];
    for (int i = 0; i < REELS; i++) {
        uint32_t s = cc_fair_uniform(&f, (uint32_t)si->len[i]);
        for (int row = 0; row < ROWS; row++) {
            grid[i][row] = si->strip[i][(s + (uint32_t)row) % (uint32_t)si->len[i]];
            snprintf(p, sizeof p, "reels[%d][%d]", i, row);
            const char *got = cc_str(spin, p);
            CC_CHECK(got && !strcmp(got, grid[i][row]),
                     "nonce %lld: reel %d row %d is %s, the seed gives %s (stop %u)",
                     (long long)nonce, i, row, got ? got : "(none)", grid[i][row], s);
        }
    }
    int64_t total = 0;
    int listed = cc_len(spin, "lines");
    CC_CHECK(listed >= 0 && listed <= si->nlines, "lines: %s", cc_describe(spin));
    bool matched[MAX_LINES] = {false};
    for (int l = 0; l < si->nlines; l++) {
        const char *syms[REELS];
        for (int i = 0; i < REELS; i++)
            syms[i] = grid[i][si->lines[l][i]];
        const char *sym;
        int count;
        s_line_run(syms, &sym, &count);
        int64_t win = s_pay(si, sym, count, bet);
        total += win;
        int found = -1;
        for (int k = 0; k < listed; k++) {
            snprintf(p, sizeof p, "lines[%d].line", k);
            if (cc_int(spin, p) == l) found = k;
        }
        if (win == 0) {
            if (found < 0) continue;
            snprintf(p, sizeof p, "lines[%d].win", found);
            CC_CHECK(cc_int(spin, p) == 0, "nonce %lld: line %d pays nothing, server says %s",
                     (long long)nonce, l, cc_describe(spin));
            matched[found] = true;
            continue;
        }
        CC_CHECK(found >= 0, "nonce %lld: line %d wins %lld (%d x %s), not listed: %s",
                 (long long)nonce, l, (long long)win, count, sym, cc_describe(spin));
        matched[found] = true;
        snprintf(p, sizeof p, "lines[%d].symbol", found);
        CC_STREQ(cc_str(spin, p), sym);
        snprintf(p, sizeof p, "lines[%d].count", found);
        CC_EQ(cc_int(spin, p), count);
        snprintf(p, sizeof p, "lines[%d].win", found);
        CC_EQ(cc_int(spin, p), win);
    }
    for (int k = 0; k < listed; k++)
        CC_CHECK(matched[k], "nonce %lld: lines[%d] names no payline: %s", (long long)nonce, k,
                 cc_describe(spin));
    CC_EQ(cc_int(spin, "win"), total);
}

/* The shape of a spin reply, and its balance against the one before. */
static void s_check_spin(cc_msg_t *r, int64_t bet, int64_t coins_before, int64_t nonce,
                         const char *hash)
{
    CC_CHECK(cc_has(r, "round_id"), "%s", cc_describe(r));
    CC_EQ(cc_len(r, "reels"), REELS);
    for (int i = 0; i < REELS; i++) {
        char p[32];
        snprintf(p, sizeof p, "reels[%d]", i);
        CC_EQ(cc_len(r, p), ROWS);
    }
    CC_CHECK(cc_is_array(r, "lines"), "%s", cc_describe(r));
    int64_t win = cc_int(r, "win");
    CC_CHECK(win >= 0 && win != CC_NO_INT, "%s", cc_describe(r));
    int64_t sum = 0;
    for (int k = 0; k < cc_len(r, "lines"); k++) {
        char p[32];
        snprintf(p, sizeof p, "lines[%d].win", k);
        sum += cc_int(r, p);
    }
    CC_EQ(sum, win);
    CC_EQ(cc_int(r, "balance.coins"), coins_before - bet + win);
    CC_CHECK(cc_is_int(r, "balance.gems"), "%s", cc_describe(r));
    CC_EQ(cc_int(r, "proof.nonce"), nonce);
    CC_STREQ(cc_str(r, "proof.server_seed_hash"), hash);
}

static bool s_is_hex64(const char *s)
{
    if (!s || strlen(s) != 64) return false;
    for (; *s; s++)
        if (!((*s >= '0' && *s <= '9') || (*s >= 'a' && *s <= 'f'))) return false;
    return true;
}

static void test_slot_info(void **state)
{
    const char *ranks[] = {"STANDARD", "PREMIUM", "VIP"};
    for (int k = 0; k < 3; k++) {
        cc_user_t u;
        cc_t *c = CC_NEW_USER(ranks[k], &u);
        slot_info_t *si = s_info(c);
        double exact = s_exact_rtp(si);
        CC_CHECK(fabs(exact - si->rtp) < 1e-6,
                 "slot.info rtp %.9f, the reels and paytable give "
                 "%.9f",
                 si->rtp, exact);
        free(si);
        cc_destroy(&c);
    }
}

static void test_fair_seeds_new_user(void **state)
{
    cc_user_t u;
    cc_t *c = CC_NEW_USER("STANDARD", &u);
    cc_msg_t *r = CC_OK(cc_call(c, "fair.seeds", NULL, NULL));
    CC_CHECK(s_is_hex64(cc_str(r, "server_seed_hash")), "%s", cc_describe(r));
    const char *cs = cc_str(r, "client_seed");
    CC_CHECK(cs && cs[0], "%s", cc_describe(r));
    CC_EQ(cc_int(r, "nonce"), 0);
    /* Asking again changes nothing. */
    cc_msg_t *r2 = CC_OK(cc_call(c, "fair.seeds", NULL, NULL));
    CC_STREQ(cc_str(r2, "server_seed_hash"), cc_str(r, "server_seed_hash"));
    cc_destroy(&c);
}

/* Rotates the seed pair and returns the revealed server seed (checked against old_hash). */
static void s_rotate(cc_t *c, const char *old_hash, const char *new_client_seed, char seed[65],
                     char new_hash[65])
{
    cc_msg_t *r =
        new_client_seed
            ? CC_OK(cc_call(c, "fair.rotate", NULL, "{client_seed: '%s'}", new_client_seed))
            : CC_OK(cc_call(c, "fair.rotate", NULL, NULL));
    CC_CHECK(cc_obj_str(cc_get(r, "revealed_server_seed"), seed, 65) && s_is_hex64(seed),
             "revealed_server_seed: %s", cc_describe(r));
    char h[65];
    cc_sha256_hex(seed, h);
    CC_CHECK(!strcmp(h, old_hash), "SHA-256 of the revealed seed is %s, the shown hash was %s", h,
             old_hash);
    CC_CHECK(cc_obj_str(cc_get(r, "server_seed_hash"), new_hash, 65) && s_is_hex64(new_hash), "%s",
             cc_describe(r));
    CC_CHECK(strcmp(new_hash, old_hash) != 0, "the new hash equals the old one");
    CC_EQ(cc_int(r, "nonce"), 0);
    const char *cs = cc_str(r, "client_seed");
    CC_CHECK(cs && cs[0], "%s", cc_describe(r));
    if (new_client_seed) CC_STREQ(cs, new_client_seed);
    cc_msg_t *s = CC_OK(cc_call(c, "fair.seeds", NULL, NULL));
    CC_STREQ(cc_str(s, "server_seed_hash"), new_hash);
    CC_STREQ(cc_str(s, "client_seed"), cs);
    CC_EQ(cc_int(s, "nonce"), 0);
}

static void test_spin_and_verify(void **state)
{
    enum { N = 100 };
    cc_user_t u;
    cc_t *c = CC_NEW_USER("STANDARD", &u);
    slot_info_t *si = s_info(c);
    int64_t bet = si->lo;
    cc_msg_t *seeds = CC_OK(cc_call(c, "fair.seeds", NULL, NULL));
    char hash[65];
    CC_CHECK(cc_obj_str(cc_get(seeds, "server_seed_hash"), hash, sizeof hash), "%s",
             cc_describe(seeds));
    const char *client_seed = cc_str(seeds, "client_seed");

    cc_msg_t *spins[N];
    int64_t coins = WELCOME;
    for (int i = 0; i < N; i++) {
        char idem[32];
        snprintf(idem, sizeof idem, "verify-%d", i);
        spins[i] = CC_OK(cc_call_retry(c, "slot.spin", idem, "{bet: %lld}", (long long)bet));
        s_check_spin(spins[i], bet, coins, i, hash);
        CC_STREQ(cc_str(spins[i], "proof.client_seed"), client_seed);
        coins = cc_int(spins[i], "balance.coins");
    }
    CC_EQ(CC_COINS(c), coins);
    cc_msg_t *s = CC_OK(cc_call(c, "fair.seeds", NULL, NULL));
    CC_EQ(cc_int(s, "nonce"), N);
    CC_STREQ(cc_str(s, "server_seed_hash"), hash);

    /* game.round gives the stored round with its proof. */
    cc_msg_t *g;
    if (cc_is_int(spins[3], "round_id"))
        g = CC_OK(cc_call(c, "game.round", NULL, "{round_id: %lld}",
                          (long long)cc_int(spins[3], "round_id")));
    else
        g = CC_OK(cc_call(c, "game.round", NULL, "{round_id: '%s'}", cc_str(spins[3], "round_id")));
    CC_EQ(cc_int(g, "proof.nonce"), 3);
    CC_STREQ(cc_str(g, "proof.server_seed_hash"), hash);
    CC_ERR(cc_call(c, "game.round", NULL, "{round_id: 'no-such-round'}"), "NOT_FOUND");

    /* Reveal, then re-compute every round. */
    char seed[65], hash2[65];
    s_rotate(c, hash, NULL, seed, hash2);
    for (int i = 0; i < N; i++)
        s_verify_round(si, spins[i], seed, bet);

    /* A chosen client seed is used from the next round, at nonce 0. */
    const char *mine = "my_seed-1.x";
    char hash3[65];
    s_rotate(c, hash2, mine, seed, hash3);
    int64_t bet2 = s_bet(si, bet * 3);
    cc_msg_t *r =
        CC_OK(cc_call_retry(c, "slot.spin", "verify-own-seed", "{bet: %lld}", (long long)bet2));
    s_check_spin(r, bet2, coins, 0, hash3);
    CC_STREQ(cc_str(r, "proof.client_seed"), mine);
    char hash4[65];
    s_rotate(c, hash3, NULL, seed, hash4);
    s_verify_round(si, r, seed, bet2);

    CC_LEDGER_OK(u.id);
    free(si);
    cc_destroy(&c);
}

static void test_bad_bets(void **state)
{
    cc_user_t u;
    cc_t *c = CC_NEW_USER("STANDARD", &u);
    slot_info_t *si = s_info(c);
    int64_t L = si->nlines;
    int64_t bets[8];
    int n = 0;
    if (L > 1) bets[n++] = si->lo + 1; /* not a multiple of the paylines */
    bets[n++] = 0;
    bets[n++] = -L;
    if (si->lo - L > 0) bets[n++] = si->lo - L; /* under the rank's minimum */
    bets[n++] = si->hi + L;                     /* over the rank's maximum */
    bets[n++] = si->hi * 1000;
    for (int i = 0; i < n; i++) {
        char idem[32];
        snprintf(idem, sizeof idem, "bad-%d", i);
        cc_msg_t *r = cc_call_retry(c, "slot.spin", idem, "{bet: %lld}", (long long)bets[i]);
        CC_CHECK(r && !strcmp(cc_err(r), "LIMIT"), "bet %lld (min %lld, max %lld, %lld lines): %s",
                 (long long)bets[i], (long long)si->min, (long long)si->max, (long long)L,
                 cc_describe(r));
    }
    CC_ERR(cc_call(c, "slot.spin", "bad-str", "{bet: '%lld'}", (long long)si->lo), "BAD_REQUEST");
    CC_ERR(cc_call(c, "slot.spin", "bad-none", "{}"), "BAD_REQUEST");

    /* Nothing charged, no nonce used, no ledger entry beyond the welcome grant. */
    CC_EQ(CC_COINS(c), WELCOME);
    CC_EQ(cc_int(CC_OK(cc_call(c, "fair.seeds", NULL, NULL)), "nonce"), 0);
    CC_EQ(cc_len(CC_OK(cc_call(c, "wallet.history", NULL, "{limit: 10}")), "entries"), 1);
    /* And the smallest and largest allowed bets are accepted. */
    cc_msg_t *r = CC_OK(cc_call_retry(c, "slot.spin", "ok-lo", "{bet: %lld}", (long long)si->lo));
    CC_EQ(cc_int(r, "proof.nonce"), 0);
    if (si->hi <= cc_int(r, "balance.coins"))
        CC_OK(cc_call_retry(c, "slot.spin", "ok-hi", "{bet: %lld}", (long long)si->hi));
    CC_LEDGER_OK(u.id);
    free(si);
    cc_destroy(&c);
}

static void test_insufficient_funds(void **state)
{
    cc_user_t u;
    cc_t *c = CC_NEW_USER("VIP", &u); /* the highest limits: the quickest to run dry */
    slot_info_t *si = s_info(c);
    int64_t coins = WELCOME, nonce = 0;
    /* Spin the largest bet until the balance is below it (no SQL: the ledger must stay true). */
    int64_t t0 = cc_mono_ms();
    while (coins >= si->hi) {
        CC_CHECK(cc_mono_ms() - t0 < 90000, "could not spend %lld coins in 90 s", (long long)coins);
        char idem[32];
        snprintf(idem, sizeof idem, "drain-%lld", (long long)nonce);
        cc_msg_t *r = CC_OK(cc_call_retry(c, "slot.spin", idem, "{bet: %lld}", (long long)si->hi));
        CC_EQ(cc_int(r, "balance.coins"), coins - si->hi + cc_int(r, "win"));
        coins = cc_int(r, "balance.coins");
        nonce++;
        if (nonce % 200 == 0) cc_release(c);
    }
    /* The smallest allowed bet over the balance. */
    int64_t bet = (coins / si->nlines + 1) * si->nlines;
    if (bet < si->lo) bet = si->lo;
    CC_CHECK(bet > coins && bet <= si->hi, "bet %lld, coins %lld", (long long)bet,
             (long long)coins);
    CC_ERR(cc_call_retry(c, "slot.spin", "too-much", "{bet: %lld}", (long long)bet),
           "INSUFFICIENT_FUNDS");
    CC_EQ(CC_COINS(c), coins);
    CC_EQ(cc_int(CC_OK(cc_call(c, "fair.seeds", NULL, NULL)), "nonce"), nonce);
    int64_t rounds;
    CC_CHECK(cc_pg_i64(&rounds, "SELECT count(*) FROM rounds WHERE user_id = %lld",
                       (long long)u.id) == 0,
             "%s", cc_last_error());
    CC_EQ(rounds, nonce);
    CC_LEDGER_OK(u.id);
    free(si);
    cc_destroy(&c);
}

/* The next wallet.balance push on c with these coins (older pushes are skipped). */
static cc_msg_t *s_wait_balance_push(cc_t *c, int64_t coins)
{
    int64_t deadline = cc_mono_ms() + CC_TIMEOUT_MS;
    for (;;) {
        int64_t left = deadline - cc_mono_ms();
        cc_msg_t *m = cc_wait_push(c, "wallet.balance", left > 0 ? (int)left : 0);
        if (!m || cc_int(m, "coins") == coins) return m;
    }
}

static void test_balance_push(void **state)
{
    cc_user_t u;
    cc_t *c1 = CC_NEW_USER("STANDARD", &u);
    cc_t *c2 = CC_CONNECT_AS(&u);
    slot_info_t *si = s_info(c1);
    int64_t coins = WELCOME;
    for (int i = 0; i < 3; i++) {
        char idem[32];
        snprintf(idem, sizeof idem, "push-%d", i);
        cc_msg_t *r = CC_OK(cc_call_retry(c1, "slot.spin", idem, "{bet: %lld}", (long long)si->lo));
        int64_t after = cc_int(r, "balance.coins");
        if (after == coins) continue; /* won the bet back exactly: no change to see */
        coins = after;
        cc_msg_t *p = s_wait_balance_push(c2, coins);
        CC_CHECK(p != NULL, "second connection got no wallet.balance push with coins %lld",
                 (long long)coins);
        CC_EQ(cc_int(p, "gems"), cc_int(r, "balance.gems"));
        p = s_wait_balance_push(c1, coins);
        CC_CHECK(p != NULL, "spinning connection got no wallet.balance push with coins %lld",
                 (long long)coins);
    }
    /* Another user's connection hears nothing of it. */
    cc_user_t v;
    cc_t *other = CC_NEW_USER("STANDARD", &v);
    while (cc_wait_push(other, "wallet.balance", 0)) {
    }
    CC_OK(cc_call_retry(c1, "slot.spin", "push-other", "{bet: %lld}", (long long)si->lo));
    cc_msg_t *p = cc_wait_push(other, "wallet.balance", 500);
    CC_CHECK(p == NULL, "another user received %s", cc_describe(p));
    free(si);
    cc_destroy(&c1);
    cc_destroy(&c2);
    cc_destroy(&other);
}

static void test_idempotent_retry(void **state)
{
    cc_user_t u;
    cc_t *c1 = CC_NEW_USER("STANDARD", &u);
    slot_info_t *si = s_info(c1);
    int64_t bet = si->lo;
    cc_msg_t *r1 = CC_OK(cc_call_retry(c1, "slot.spin", "same-key", "{bet: %lld}", (long long)bet));
    int64_t coins = cc_int(r1, "balance.coins");

    cc_t *c2 = CC_CONNECT_AS(&u);
    cc_msg_t *r2 = CC_OK(cc_call_retry(c2, "slot.spin", "same-key", "{bet: %lld}", (long long)bet));
    cc_msg_t *r3 = CC_OK(cc_call_retry(c1, "slot.spin", "same-key", "{bet: %lld}", (long long)bet));
    size_t l1, l2, l3;
    const uint8_t *d1 = cc_data_raw(r1, &l1), *d2 = cc_data_raw(r2, &l2),
                  *d3 = cc_data_raw(r3, &l3);
    CC_CHECK(d1 && l1 == l2 && l1 == l3 && !memcmp(d1, d2, l1) && !memcmp(d1, d3, l1),
             "a retry's data differs:\n  first %s\n  retry %s\n  retry %s", cc_describe(r1),
             cc_describe(r2), cc_describe(r3));
    CC_EQ(CC_COINS(c2), coins);
    CC_EQ(cc_int(CC_OK(cc_call(c2, "fair.seeds", NULL, NULL)), "nonce"), 1);

    /* The same key with other args, or for another op, is a conflict and applies nothing. */
    int64_t other = s_bet(si, bet + si->nlines) != bet ? s_bet(si, bet + si->nlines) : bet;
    if (other != bet)
        CC_ERR(cc_call_retry(c2, "slot.spin", "same-key", "{bet: %lld}", (long long)other),
               "CONFLICT");
    CC_ERR(cc_call_retry(c2, "wallet.daily_bonus", "same-key", NULL), "CONFLICT");
    CC_EQ(CC_COINS(c2), coins);
    CC_EQ(cc_int(CC_OK(cc_call(c2, "fair.seeds", NULL, NULL)), "nonce"), 1);
    /* The bonus was not claimed by the conflicting call. */
    CC_OK(cc_call(c2, "wallet.daily_bonus", "bonus-key", NULL));
    int64_t rounds;
    CC_CHECK(cc_pg_i64(&rounds, "SELECT count(*) FROM rounds WHERE user_id = %lld",
                       (long long)u.id) == 0,
             "%s", cc_last_error());
    CC_EQ(rounds, 1);
    CC_LEDGER_OK(u.id);
    free(si);
    cc_destroy(&c1);
    cc_destroy(&c2);
}

/* ---- three connections of one user spinning at once ---- */

enum { THREADS = 3, SPINS = 30 };

typedef struct {
    cc_t *c;
    int t;
    int64_t uid, bet;
    pthread_barrier_t *start;
    struct {
        bool ok;
        char err[64];
        int64_t win, nonce, coins;
    } res[SPINS];
} s_spinner_t;

static void *s_spinner(void *arg)
{
    s_spinner_t *w = arg;
    pthread_barrier_wait(w->start);
    for (int i = 0; i < SPINS; i++) {
        char idem[64];
        snprintf(idem, sizeof idem, "conc-%d-%d", w->t, i);
        cc_msg_t *m = cc_call_retry(w->c, "slot.spin", idem, "{bet: %lld}", (long long)w->bet);
        w->res[i].ok = cc_ok(m);
        snprintf(w->res[i].err, sizeof w->res[i].err, "%s", cc_err(m));
        if (cc_ok(m)) {
            w->res[i].win = cc_int(m, "win");
            w->res[i].nonce = cc_int(m, "proof.nonce");
            w->res[i].coins = cc_int(m, "balance.coins");
        }
    }
    return NULL;
}

static int s_cmp_nonce(const void *a, const void *b)
{
    const int64_t *x = a, *y = b;
    return (x[0] > y[0]) - (x[0] < y[0]);
}

static void test_concurrent_spins(void **state)
{
    cc_user_t u;
    cc_t *c0 = CC_NEW_USER("VIP", &u); /* the highest limit */
    slot_info_t *si = s_info(c0);
    /* Big enough that the money runs out during the run: overdraft is what is tested. */
    int64_t bet = s_bet(si, WELCOME / 10);
    pthread_barrier_t start;
    pthread_barrier_init(&start, NULL, THREADS);
    s_spinner_t w[THREADS];
    pthread_t th[THREADS];
    memset(w, 0, sizeof w);
    for (int t = 0; t < THREADS; t++) {
        w[t].c = CC_CONNECT_AS(&u);
        w[t].t = t;
        w[t].uid = u.id;
        w[t].bet = bet;
        w[t].start = &start;
    }
    for (int t = 0; t < THREADS; t++)
        pthread_create(&th[t], NULL, s_spinner, &w[t]);
    for (int t = 0; t < THREADS; t++)
        pthread_join(th[t], NULL);
    pthread_barrier_destroy(&start);

    /* (nonce, win, coins) of every ok spin. */
    int64_t ok[THREADS * SPINS][3];
    int n = 0, refused = 0;
    int64_t wins = 0;
    for (int t = 0; t < THREADS; t++) {
        for (int i = 0; i < SPINS; i++) {
            if (!w[t].res[i].ok) {
                CC_CHECK(!strcmp(w[t].res[i].err, "INSUFFICIENT_FUNDS"), "thread %d spin %d: %s", t,
                         i, w[t].res[i].err);
                refused++;
                continue;
            }
            CC_CHECK(w[t].res[i].coins >= 0, "negative balance %lld", (long long)w[t].res[i].coins);
            ok[n][0] = w[t].res[i].nonce;
            ok[n][1] = w[t].res[i].win;
            ok[n][2] = w[t].res[i].coins;
            wins += w[t].res[i].win;
            n++;
        }
    }
    /* Nonces 0..n-1, each once, and in nonce order each balance follows from the one before. */
    qsort(ok, (size_t)n, sizeof ok[0], s_cmp_nonce);
    int64_t coins = WELCOME;
    for (int k = 0; k < n; k++) {
        CC_CHECK(ok[k][0] == k, "the %d-th ok spin by nonce has nonce %lld (gap or duplicate)", k,
                 (long long)ok[k][0]);
        CC_CHECK(ok[k][2] == coins - bet + ok[k][1],
                 "nonce %d: balance %lld, expected %lld - %lld + %lld", k, (long long)ok[k][2],
                 (long long)coins, (long long)bet, (long long)ok[k][1]);
        coins = ok[k][2];
    }
    int64_t final = CC_COINS(c0);
    CC_EQ(final, WELCOME - (int64_t)n * bet + wins);
    CC_EQ(final, coins);
    CC_EQ(cc_int(CC_OK(cc_call(c0, "fair.seeds", NULL, NULL)), "nonce"), n);
    int64_t rounds;
    CC_CHECK(cc_pg_i64(&rounds, "SELECT count(*) FROM rounds WHERE user_id = %lld",
                       (long long)u.id) == 0,
             "%s", cc_last_error());
    CC_EQ(rounds, n);
    CC_LEDGER_OK(u.id);
    print_message("concurrent spins: %d ok, %d INSUFFICIENT_FUNDS, bet %lld, final %lld\n", n,
                  refused, (long long)bet, (long long) final);
    for (int t = 0; t < THREADS; t++)
        cc_destroy(&w[t].c);
    free(si);
    cc_destroy(&c0);
}

static const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_slot_info),          cmocka_unit_test(test_fair_seeds_new_user),
    cmocka_unit_test(test_spin_and_verify),    cmocka_unit_test(test_bad_bets),
    cmocka_unit_test(test_insufficient_funds), cmocka_unit_test(test_balance_push),
    cmocka_unit_test(test_idempotent_retry),   cmocka_unit_test(test_concurrent_spins),
};

CC_MAIN(tests)
