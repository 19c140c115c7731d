/* domains: what the domain folders share. Each folder under actors/ exports one
 * club_domain_t named club_domain_<folder> (actor.h) and defines the handlers that
 * op_handlers.h declares for its ops (generated from schemas/ops.json). */
#ifndef CLUB_DOMAINS_H
#define CLUB_DOMAINS_H

#include "actor.h"
#include "op_handlers.h"

#endif
