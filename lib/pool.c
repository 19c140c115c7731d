#include "pool.h"

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "log.h"
#include "util.h"

typedef struct job {
    club_work_fn work;
    club_done_fn done;
    void *ctx;
    struct job *next;
} job_t;

struct club_pool {
    pthread_t *threads;
    int nthreads;
    pthread_mutex_t mu;
    pthread_cond_t cv;
    job_t *head, *tail; /* waiting, guarded by mu */
    bool stop;
    int pending; /* loop thread only */
    zsock_t *pull;
    char endpoint[64];
};

/* A pool thread: takes jobs in order and hands each back on its own PUSH socket (ZeroMQ
 * sockets are not shared between threads). */
static void *s_thread(void *arg)
{
    club_pool_t *self = arg;
    zsock_t *push = zsock_new_push(self->endpoint);
    if (!push) {
        club_log(CLUB_ERROR, "pool", "a helper thread cannot reach %s", self->endpoint);
        return NULL;
    }
    zsock_set_linger(push, 0);
    for (;;) {
        pthread_mutex_lock(&self->mu);
        while (!self->head && !self->stop)
            pthread_cond_wait(&self->cv, &self->mu);
        if (self->stop) {
            pthread_mutex_unlock(&self->mu);
            break;
        }
        job_t *j = self->head;
        self->head = j->next;
        if (!self->head) self->tail = NULL;
        pthread_mutex_unlock(&self->mu);
        j->work(j->ctx);
        uintptr_t p = (uintptr_t)j;
        zsock_bsend(push, "8", (uint64_t)p);
    }
    zsock_destroy(&push);
    return NULL;
}

club_pool_t *club_pool_new(int nthreads)
{
    club_pool_t *self = club_calloc(1, sizeof *self);
    pthread_mutex_init(&self->mu, NULL);
    pthread_cond_init(&self->cv, NULL);
    snprintf(self->endpoint, sizeof self->endpoint, "inproc://club-pool-%p", (void *)self);
    self->pull = zsock_new_pull(self->endpoint);
    if (!self->pull) {
        club_log(CLUB_ERROR, "pool", "cannot bind %s", self->endpoint);
        club_pool_destroy(&self);
        return NULL;
    }
    zsock_set_rcvtimeo(self->pull, 0);
    self->threads = club_calloc((size_t)nthreads, sizeof *self->threads);
    for (int i = 0; i < nthreads; i++) {
        if (pthread_create(&self->threads[i], NULL, s_thread, self) != 0) {
            club_log(CLUB_ERROR, "pool", "cannot start helper thread %d of %d", i + 1, nthreads);
            club_pool_destroy(&self);
            return NULL;
        }
        self->nthreads++;
    }
    return self;
}

void club_pool_destroy(club_pool_t **self_p)
{
    club_pool_t *self = *self_p;
    if (!self) return;
    pthread_mutex_lock(&self->mu);
    self->stop = true;
    pthread_cond_broadcast(&self->cv);
    pthread_mutex_unlock(&self->mu);
    for (int i = 0; i < self->nthreads; i++)
        pthread_join(self->threads[i], NULL);
    free(self->threads);
    /* What was finished but not drained, and what never started. */
    uint64_t p;
    while (self->pull && zsock_brecv(self->pull, "8", &p) == 0)
        free((job_t *)(uintptr_t)p);
    while (self->head) {
        job_t *j = self->head;
        self->head = j->next;
        free(j);
    }
    zsock_destroy(&self->pull);
    pthread_mutex_destroy(&self->mu);
    pthread_cond_destroy(&self->cv);
    free(self);
    *self_p = NULL;
}

void club_pool_submit(club_pool_t *self, club_work_fn work, club_done_fn done, void *ctx)
{
    job_t *j = club_calloc(1, sizeof *j);
    j->work = work;
    j->done = done;
    j->ctx = ctx;
    pthread_mutex_lock(&self->mu);
    if (self->tail)
        self->tail->next = j;
    else
        self->head = j;
    self->tail = j;
    pthread_cond_signal(&self->cv);
    pthread_mutex_unlock(&self->mu);
    self->pending++;
}

void *club_pool_socket(club_pool_t *self)
{
    return zsock_resolve(self->pull);
}

int club_pool_drain(club_pool_t *self, void *owner)
{
    int n = 0;
    uint64_t p;
    while (zsock_brecv(self->pull, "8", &p) == 0) {
        job_t *j = (job_t *)(uintptr_t)p;
        self->pending--;
        j->done(owner, j->ctx);
        free(j);
        n++;
    }
    return n;
}

int club_pool_pending(const club_pool_t *self)
{
    return self->pending;
}
