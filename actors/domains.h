/* domains: each domain fills in its worker spec (handlers, hooks, state) for club-actor.
 * init returns 0, or -1 after logging what is missing; fini releases what init took. */
#ifndef CLUB_DOMAINS_H
#define CLUB_DOMAINS_H

#include "actor.h"

int auth_init(club_actor_spec_t *spec);
void auth_fini(void);
int wallet_init(club_actor_spec_t *spec);
void wallet_fini(void);
int games_init(club_actor_spec_t *spec);
void games_fini(void);

/* Shared by the domains that move money: SHA-256 over op and the packed args, so a retry
 * with the same idem can be told apart from a different request. */
void actors_request_hash(const club_call_t *call, uint8_t out[32]);

#endif
