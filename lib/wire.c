#include "wire.h"

#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

static void s_put64(uint8_t *p, uint64_t v)
{
    for (int i = 0; i < 8; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}

static uint64_t s_get64(const uint8_t *p)
{
    uint64_t v = 0;
    for (int i = 7; i >= 0; i--)
        v = v << 8 | p[i];
    return v;
}

void club_hdr_encode(const club_hdr_t *h, uint8_t out[CLUB_HDR_SIZE])
{
    out[0] = h->kind;
    out[1] = h->status;
    out[2] = h->rank;
    out[3] = h->flags;
    out[4] = (uint8_t)h->rid;
    out[5] = (uint8_t)(h->rid >> 8);
    out[6] = (uint8_t)(h->rid >> 16);
    out[7] = (uint8_t)(h->rid >> 24);
    s_put64(out + 8, h->corr);
    s_put64(out + 16, h->user);
    s_put64(out + 24, (uint64_t)h->exp);
    s_put64(out + 32, h->sid);
    s_put64(out + 40, h->key);
}

int club_hdr_decode(const uint8_t *in, size_t len, club_hdr_t *h)
{
    if (len != CLUB_HDR_SIZE || in[0] < CLUB_K_REQ || in[0] > CLUB_K_HB) return -1;
    h->kind = in[0];
    h->status = in[1];
    h->rank = in[2];
    h->flags = in[3];
    h->rid = (uint32_t)in[4] | (uint32_t)in[5] << 8 | (uint32_t)in[6] << 16 | (uint32_t)in[7] << 24;
    h->corr = s_get64(in + 8);
    h->user = s_get64(in + 16);
    h->exp = (int64_t)s_get64(in + 24);
    h->sid = s_get64(in + 32);
    h->key = s_get64(in + 40);
    return 0;
}

zframe_t *club_hdr_frame(const club_hdr_t *h)
{
    uint8_t b[CLUB_HDR_SIZE];
    club_hdr_encode(h, b);
    return zframe_new(b, sizeof b);
}

void club_topic_user(uint64_t user, char out[CLUB_TOPIC_LEN + 1])
{
    snprintf(out, CLUB_TOPIC_LEN + 1, "u.%016llx", (unsigned long long)user);
}

const char *club_rank_name(int rank)
{
    switch (rank) {
    case CLUB_RANK_STANDARD:
        return "STANDARD";
    case CLUB_RANK_PREMIUM:
        return "PREMIUM";
    case CLUB_RANK_VIP:
        return "VIP";
    default:
        return "NONE";
    }
}

int club_rank_from_name(const char *s)
{
    if (!strcmp(s, "STANDARD")) return CLUB_RANK_STANDARD;
    if (!strcmp(s, "PREMIUM")) return CLUB_RANK_PREMIUM;
    if (!strcmp(s, "VIP")) return CLUB_RANK_VIP;
    return CLUB_RANK_NONE;
}

int club_zwait(void *const *socks, int nsocks, int fd, int timeout_ms, bool *fd_ready)
{
    struct pollfd p[8];
    int n = 0;
    *fd_ready = false;
    for (int i = 0; i < nsocks && n < 7; i++) {
        int ev = 0, zfd = -1;
        size_t sz = sizeof ev;
        if (zmq_getsockopt(socks[i], ZMQ_EVENTS, &ev, &sz) != 0) return -1;
        if (ev & ZMQ_POLLIN) return 1;
        sz = sizeof zfd;
        if (zmq_getsockopt(socks[i], ZMQ_FD, &zfd, &sz) != 0) return -1;
        p[n++] = (struct pollfd){.fd = zfd, .events = POLLIN};
    }
    if (fd >= 0) p[n++] = (struct pollfd){.fd = fd, .events = POLLIN};
    int rc = poll(p, (nfds_t)n, timeout_ms);
    if (rc > 0 && fd >= 0) *fd_ready = (p[n - 1].revents & POLLIN) != 0;
    return rc;
}

/* ---- frames ---- */

void club_frames_init(club_frames_t *f)
{
    f->v = NULL;
    f->n = f->cap = 0;
}

void club_frames_clear(club_frames_t *f)
{
    for (size_t i = 0; i < f->n; i++)
        zmq_msg_close(&f->v[i]);
    f->n = 0;
}

void club_frames_free(club_frames_t *f)
{
    club_frames_clear(f);
    free(f->v);
    club_frames_init(f);
}

static zmq_msg_t *s_frames_slot(club_frames_t *f)
{
    if (f->n == f->cap) {
        f->cap = f->cap ? f->cap * 2 : 16;
        f->v = club_realloc(f->v, f->cap * sizeof *f->v);
    }
    return &f->v[f->n++];
}

void club_frames_add(club_frames_t *f, const void *data, size_t len)
{
    zmq_msg_t *m = s_frames_slot(f);
    zmq_msg_init_size(m, len);
    if (len) memcpy(zmq_msg_data(m), data, len);
}

void club_frames_add_msg(club_frames_t *f, zmq_msg_t *src)
{
    zmq_msg_t *m = s_frames_slot(f);
    zmq_msg_init(m);
    zmq_msg_copy(m, src);
}

int club_frames_recv(club_frames_t *f, void *sock)
{
    club_frames_clear(f);
    for (;;) {
        zmq_msg_t *m = s_frames_slot(f);
        zmq_msg_init(m);
        /* Only the first part can be missing: ZeroMQ delivers a message whole. */
        if (zmq_msg_recv(m, sock, ZMQ_DONTWAIT) < 0) {
            zmq_msg_close(m);
            f->n--;
            if (f->n) continue; /* EINTR inside a message: the rest is still there */
            return -1;
        }
        if (!zmq_msg_more(m)) return 0;
    }
}

int club_frames_send(club_frames_t *f, void *sock, const void *prefix, size_t prefix_len)
{
    if (!f->n) return 0; /* a prefix alone would leave a ROUTER inside a message */
    if (prefix && zmq_send(sock, prefix, prefix_len, ZMQ_SNDMORE | ZMQ_DONTWAIT) < 0) return -1;
    for (size_t i = 0; i < f->n; i++) {
        int more = i + 1 < f->n ? ZMQ_SNDMORE : 0;
        if (zmq_msg_send(&f->v[i], sock, more | ZMQ_DONTWAIT) < 0) {
            if (i == 0 && !prefix) return -1;
            /* A later part cannot be refused once the first was taken; if it were, the
             * message is lost like any message to a peer that went away. */
            zmq_msg_close(&f->v[i]);
        }
        /* zmq_msg_send emptied the frame; closing it again is harmless. */
    }
    club_frames_clear(f);
    return 0;
}

/* ---- batches on a DEALER ---- */

int club_batch_add(club_batch_t *b, int n, const void *const *parts, const size_t *lens)
{
    for (int i = 0; i < n; i++) {
        if (zmq_send(b->sock, parts[i], lens[i], ZMQ_SNDMORE | ZMQ_DONTWAIT) < 0) {
            if (i == 0 && b->records == 0) return -1;
        }
    }
    b->records++;
    return 0;
}

void club_batch_end(club_batch_t *b)
{
    if (!b->records) return;
    zmq_send(b->sock, "", 0, ZMQ_DONTWAIT);
    b->records = 0;
}
