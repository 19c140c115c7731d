#include "gacha_fixture.h"

#include <stdio.h>
#include <string.h>

#include "util.h"

void gf_banner(gacha_banner_t *b, const char *id, const gf_rarity_t *rar, int nrar, uint32_t soft,
               uint32_t hard, uint32_t step, int64_t featured)
{
    memset(b, 0, sizeof *b);
    snprintf(b->id, sizeof b->id, "%s", id);
    snprintf(b->name, sizeof b->name, "%s", id);
    snprintf(b->cost_currency, sizeof b->cost_currency, "coins");
    b->version = 1;
    b->cost = 100;
    b->nrar = nrar;
    b->soft = soft;
    b->hard = hard;
    b->step = step;
    b->featured = featured;
    for (int i = 0; i < nrar; i++) {
        gacha_rarity_t *r = &b->rar[i];
        snprintf(r->name, sizeof r->name, "%s", rar[i].name);
        r->probability = rar[i].probability;
        r->n = rar[i].n;
        r->items = club_calloc(rar[i].n ? rar[i].n : 1, sizeof *r->items);
        for (uint32_t j = 0; j < rar[i].n; j++) {
            r->items[j].id = 100 * (i + 1) + j + 1;
            snprintf(r->items[j].name, sizeof r->items[j].name, "%s %lld", rar[i].name,
                     (long long)r->items[j].id);
        }
    }
}

/* The migration's catalogue: names by id. */
static const struct {
    int64_t id;
    const char *name;
} s_items[] = {
    {101, "Neon Katana"},      {102, "Chrome Dragon"},    {103, "Quantum Crown"},
    {104, "Void Phoenix"},     {105, "Synthwave Throne"}, {201, "Holo Visor"},
    {202, "Plasma Gauntlets"}, {203, "Circuit Wings"},    {204, "Data Serpent"},
    {205, "Laser Lotus"},      {206, "Cyber Fox"},        {207, "Glitch Mask"},
    {208, "Ion Blade"},        {209, "Pulse Jacket"},     {301, "Neon Sneakers"},
    {302, "Static Cat"},       {303, "Pixel Shades"},     {304, "Bass Cannon"},
    {305, "Hover Board"},      {306, "Jade Chip"},        {307, "Ember Drone"},
    {308, "Frost Deck"},       {309, "Solar Pin"},        {401, "Copper Token"},
    {402, "Glow Stick"},       {403, "Spare Cable"},      {404, "Arcade Ticket"},
    {405, "Street Noodles"},   {406, "Tin Robot"},        {407, "Foil Sticker"},
    {408, "Retro Cassette"},   {409, "Bit Charm"},
};

static void s_item(gacha_item_t *it, int64_t id)
{
    it->id = id;
    for (size_t i = 0; i < CLUB_ARRAY_LEN(s_items); i++)
        if (s_items[i].id == id) snprintf(it->name, sizeof it->name, "%s", s_items[i].name);
}

/* A seeded banner: its top pool in the migration's order, the other pools every item of
 * their rarity by id (EPIC 201-209, RARE 301-309, COMMON 401-409). */
static void s_seeded(gacha_banner_t *b, const char *id, const char *name, const char *currency,
                     int64_t cost, const uint32_t probs[4], uint32_t soft, uint32_t hard,
                     uint32_t step, int64_t featured, const int64_t *top, uint32_t ntop)
{
    const gf_rarity_t rar[] = {{"LEGENDARY", probs[0], ntop},
                               {"EPIC", probs[1], 9},
                               {"RARE", probs[2], 9},
                               {"COMMON", probs[3], 9}};
    gf_banner(b, id, rar, 4, soft, hard, step, featured);
    snprintf(b->name, sizeof b->name, "%s", name);
    snprintf(b->cost_currency, sizeof b->cost_currency, "%s", currency);
    b->cost = cost;
    for (uint32_t j = 0; j < ntop; j++)
        s_item(&b->rar[0].items[j], top[j]);
    for (int i = 1; i < 4; i++)
        for (uint32_t j = 0; j < 9; j++)
            s_item(&b->rar[i].items[j], 100 * (i + 1) + j + 1);
}

void gf_neon_katana(gacha_banner_t *b)
{
    static const uint32_t probs[4] = {6000, 51000, 250000, 693000};
    static const int64_t top[] = {101, 102, 103, 104};
    s_seeded(b, "neon_katana", "Neon Katana Rising", "coins", 100, probs, 74, 90, 60000, 101, top,
             4);
}

void gf_chrome_standard(gacha_banner_t *b)
{
    static const uint32_t probs[4] = {10000, 60000, 250000, 680000};
    static const int64_t top[] = {102, 103, 104, 105};
    s_seeded(b, "chrome_standard", "Chrome Standard", "coins", 50, probs, 50, 70, 50000, 0, top, 4);
}

void gf_gem_vault(gacha_banner_t *b)
{
    static const uint32_t probs[4] = {20000, 100000, 300000, 580000};
    static const int64_t top[] = {105, 101, 102};
    s_seeded(b, "gem_vault", "Synthwave Gem Vault", "gems", 20, probs, 30, 40, 80000, 105, top, 3);
}
