/*
 * prefetch.c - a reader thread and a ring of blocks; see prefetch.h.
 *
 * Blocks [head, tail) are filled and in order; the consumer holds block
 * head between two calls of prefetch_next, and the reader fills block tail
 * once fewer than PREFETCH_BLOCKS are filled.  A block of length 0 or -1
 * ends the stream and is never released.
 */
#include "input/prefetch.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

#include "base/util.h"

struct block {
	char *buf;
	long len; /* > 0: data; 0: end of input; -1: error in err */
};

struct prefetch {
	struct input *in;
	pthread_t tid;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	struct block b[PREFETCH_BLOCKS];
	size_t head, tail; /* counters; slot = counter % PREFETCH_BLOCKS */
	int held;	   /* the consumer holds block head */
	int stop;	   /* prefetch_stop: the reader must end */
	char err[256];
};

/* Wait for a free slot; returns it, or NULL when asked to stop. */
static struct block *reserve(struct prefetch *p)
{
	pthread_mutex_lock(&p->mu);
	while (!p->stop && p->tail - p->head == PREFETCH_BLOCKS)
		pthread_cond_wait(&p->cv, &p->mu);
	struct block *b = p->stop ? NULL : &p->b[p->tail % PREFETCH_BLOCKS];
	pthread_mutex_unlock(&p->mu);
	return b;
}

static void publish(struct prefetch *p, struct block *b, long len, const char *err)
{
	pthread_mutex_lock(&p->mu);
	b->len = len;
	if (len < 0)
		snprintf(p->err, sizeof p->err, "%s", err);
	p->tail++;
	pthread_cond_broadcast(&p->cv);
	pthread_mutex_unlock(&p->mu);
}

static void *reader(void *arg)
{
	struct prefetch *p = arg;
	char err[256] = "";
	for (;;) {
		struct block *b = reserve(p);
		if (!b)
			return NULL;
		/* input_read gives at most what one decoding step made: fill the
		 * whole block, so the consumer wakes once per block. */
		size_t fill = 0;
		long got = 1;
		while (fill < PREFETCH_BLOCK &&
		       (got = input_read(p->in, b->buf + fill, PREFETCH_BLOCK - fill, err,
					 sizeof err)) > 0)
			fill += (size_t)got;
		if (fill > 0) {
			publish(p, b, (long)fill, "");
			if (got > 0)
				continue;
			if (!(b = reserve(p)))
				return NULL;
		}
		publish(p, b, got < 0 ? -1 : 0, err);
		return NULL;
	}
}

struct prefetch *prefetch_start(struct input *in)
{
	struct prefetch *p = xcalloc(1, sizeof *p);
	p->in = in;
	for (size_t i = 0; i < PREFETCH_BLOCKS; i++)
		p->b[i].buf = xmalloc(PREFETCH_BLOCK);
	pthread_mutex_init(&p->mu, NULL);
	pthread_cond_init(&p->cv, NULL);
	if (pthread_create(&p->tid, NULL, reader, p) != 0) {
		pthread_cond_destroy(&p->cv);
		pthread_mutex_destroy(&p->mu);
		for (size_t i = 0; i < PREFETCH_BLOCKS; i++)
			free(p->b[i].buf);
		free(p);
		return NULL;
	}
	return p;
}

long prefetch_next(struct prefetch *p, const char **data, char *err, size_t errlen)
{
	pthread_mutex_lock(&p->mu);
	if (p->held) {
		p->head++;
		p->held = 0;
		pthread_cond_broadcast(&p->cv);
	}
	while (p->tail == p->head)
		pthread_cond_wait(&p->cv, &p->mu);
	const struct block *b = &p->b[p->head % PREFETCH_BLOCKS];
	long len = b->len;
	if (len > 0) {
		*data = b->buf;
		p->held = 1;
	} else if (len < 0 && err && errlen) {
		snprintf(err, errlen, "%s", p->err);
	}
	pthread_mutex_unlock(&p->mu);
	return len;
}

void prefetch_stop(struct prefetch *p)
{
	if (!p)
		return;
	pthread_mutex_lock(&p->mu);
	p->stop = 1;
	pthread_cond_broadcast(&p->cv);
	pthread_mutex_unlock(&p->mu);
	pthread_join(p->tid, NULL);
	pthread_cond_destroy(&p->cv);
	pthread_mutex_destroy(&p->mu);
	for (size_t i = 0; i < PREFETCH_BLOCKS; i++)
		free(p->b[i].buf);
	free(p);
}
