/*
 * split.c - one big plain CSV export read as two halves at once (see
 * split.h): this thread reads the first half, a worker the second with its
 * own matcher and findings, and the second is merged as the continuation of
 * the first, so the result is what one sequential read gives.
 */
#include "engine/split.h"

#include <pthread.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/util.h"
#include "engine/classify.h"

/* The second half's own matcher, findings, notes and reader, merged when it
 * is done. */
struct half {
	const struct ruleset *rs;
	struct matcher *m;
	struct findings f;
	struct note *notes;
	size_t nnotes, cap;
	size_t body_notes; /* notes[body_notes..] came after the header */
	struct login_csv *rd;
	int body_ok; /* the whole second half was fed */
	char *buf;   /* the second half's read buffer */
	int oom;     /* it stopped: out of memory */
	struct adapter_ctx ac;
	int fd;
	char delim;
	uint64_t start, hdr_end, split, size;
};

static void half_event(void *ctx, const struct event *ev)
{
	struct half *h = ctx;
	classify_event(h->m, &h->f, ev);
}

static void half_note(void *ctx, enum note_level level, long line, const char *msg)
{
	struct half *h = ctx;
	char *copy = xstrdup(msg); /* first: out of memory leaves notes whole */
	h->notes = xgrow(h->notes, &h->cap, h->nnotes + 1, sizeof *h->notes);
	h->notes[h->nnotes++] = (struct note){level, NULL, line, copy};
}

/* Feed [from, to) of fd to a reader; returns 0, or -1 if the reader stopped. */
static int feed_range(struct login_csv *rd, int fd, uint64_t from, uint64_t to, char *buf,
		      size_t cap)
{
	while (from < to) {
		size_t want = to - from < cap ? (size_t)(to - from) : cap;
		ssize_t got = pread(fd, buf, want, (off_t)from);
		if (got <= 0)
			return -1;
		if (login_csv_feed(rd, buf, (size_t)got) != 0)
			return -1;
		from += (uint64_t)got;
	}
	return 0;
}

/* The second half: the header (to map the columns), then [split, size).
 * The reader is left unfinished for split_read. */
static void *half_main(void *arg)
{
	struct half *h = arg;
	struct oom_guard g;
	/* Out of memory here fails the second half alone (body_ok stays 0):
	 * the first reader then reads on from the split, as one thread. */
	oom_guard_push(&g);
	if (setjmp(g.jb) == 0) {
		h->buf = xmalloc(64 * 1024);
		h->rd = login_csv_new(h->delim, &h->ac);
		if (h->rd &&
		    feed_range(h->rd, h->fd, h->start, h->hdr_end, h->buf, 64 * 1024) == 0) {
			h->body_notes = h->nnotes;
			login_csv_set_line(h->rd, 1); /* shifted once the first half has counted */
			h->body_ok =
			    feed_range(h->rd, h->fd, h->split, h->size, h->buf, 64 * 1024) == 0;
		}
		oom_guard_pop(&g);
	} else {
		h->body_ok = 0;
		h->oom = 1;
	}
	return NULL;
}

/* The second half's own matcher and findings, and its context. */
static int half_setup(struct half *h, const struct adapter_ctx *ac)
{
	h->m = matcher_new(h->rs);
	if (!h->m)
		return -1;
	findings_init(&h->f, h->rs);
	h->ac = *ac;
	h->ac.ctx = h;
	h->ac.emit = half_event;
	h->ac.note = half_note;
	h->ac.records = h->ac.skipped = 0;
	h->body_ok = h->oom = 0;
	h->body_notes = 0;
	return 0;
}

/* What the second half holds, given back. */
static void half_free(struct half *h)
{
	login_csv_free(h->rd);
	h->rd = NULL;
	free(h->buf);
	h->buf = NULL;
	for (size_t i = 0; i < h->nnotes; i++)
		free(h->notes[i].msg);
	free(h->notes);
	h->notes = NULL;
	h->nnotes = h->cap = 0;
	if (h->f.rs)
		findings_free(&h->f); /* zeroes it */
	matcher_free(h->m);
	h->m = NULL;
}

/*
 * Take the second half's work as the continuation of the first reader rd,
 * which ended between two records at the split: what a sequential read
 * would have given, in the same order.
 */
static void merge_half(struct run *r, struct half *h, struct login_csv *rd, struct adapter_ctx *ac)
{
	long shift = login_csv_line(rd) - 1;
	unsigned long given = login_csv_notes(rd);
	/* Skipped-record warnings are listed up to SFDIAG_MAX_NOTES_PER_FILE
	 * per file: the first half may have used some of them. */
	unsigned long room =
	    given < SFDIAG_MAX_NOTES_PER_FILE ? SFDIAG_MAX_NOTES_PER_FILE - given : 0;
	findings_shift_lines(&h->f, shift);
	findings_merge(&r->f, &h->f);
	matcher_add_hits(r->m, h->m);
	for (size_t i = h->body_notes; i < h->nnotes; i++) {
		const struct note *n = &h->notes[i];
		if (n->level == NOTE_WARNING && room == 0)
			continue;
		if (n->level == NOTE_WARNING)
			room--;
		ac->note(ac->ctx, n->level, n->line > 0 ? n->line + shift : n->line, n->msg);
	}
	/* Finish as the file's one reader: a last record without a line
	 * break, an open quote, the count of unlisted warnings. */
	uint64_t records = h->ac.records, skipped = h->ac.skipped;
	h->ac = *ac;
	h->ac.records = h->ac.skipped = 0;
	login_csv_continue_after(h->rd, shift, given);
	login_csv_finish(h->rd);
	ac->records += records + h->ac.records;
	ac->skipped += skipped + h->ac.skipped;
}

/*
 * Read a big plain CSV file as two halves at once: this thread the first,
 * a worker the second with its own matcher and findings, merged afterwards.
 * Returns -1 (nothing read) when the input does not qualify, so the caller
 * reads it the ordinary way.  The result is the same as a sequential read.
 */
int split_read(struct run *r, struct input *in, char delim, struct adapter_ctx *ac)
{
	struct stat st;
	int fd = input_fd(in);
	uint64_t start = input_encoding(in) == INPUT_UTF8_BOM ? 3 : 0;
	struct half h = {.rs = r->rs, .fd = fd, .delim = delim, .start = start};

	if (fd < 0 || fstat(fd, &st) != 0 || (uint64_t)st.st_size < start + RUN_SPLIT_MIN)
		return -1;
	h.size = (uint64_t)st.st_size;
	if (login_csv_plan_split(fd, start, h.size, &h.hdr_end, &h.split) != 0)
		return -1;
	if (half_setup(&h, ac) != 0)
		return -1;

	pthread_t tid;
	int threaded = r->jobs >= 2 && pthread_create(&tid, NULL, half_main, &h) == 0;
	struct login_csv *volatile rd = NULL;
	char *volatile buf = NULL;
	volatile int ok = 0;
	struct oom_guard g;
	/* Out of memory on this thread while the worker runs: wait for it and
	 * give its memory back before passing the failure on. */
	oom_guard_push(&g);
	if (setjmp(g.jb) == 0) {
		rd = login_csv_new(delim, ac);
		buf = xmalloc(64 * 1024);
		ok = rd && feed_range(rd, fd, start, h.split, buf, 64 * 1024) == 0;
		oom_guard_pop(&g);
	} else {
		if (threaded)
			pthread_join(tid, NULL);
		half_free(&h);
		oom_raise();
	}
	if (!threaded) {
		half_main(&h);
	} else {
		pthread_join(tid, NULL);
		/* The worker could not get its memory: read the second half
		 * again on this thread, as -j 1 does, for the same report. */
		if (h.oom) {
			half_free(&h);
			if (half_setup(&h, ac) == 0)
				half_main(&h);
		}
	}

	/* A second half that lost lines to an unmatched quote named them by
	 * number before it knew where it starts: read on alone instead. */
	if (ok && h.body_ok && login_csv_at_boundary(rd) && login_csv_resyncs(h.rd) == 0) {
		merge_half(r, &h, rd, ac);
		half_free(&h);
	} else if (rd) {
		/* The split fell inside a quoted field, or the second half
		 * stopped early or ran out of memory: read on from there,
		 * alone, once its memory is given back. */
		half_free(&h);
		if (ok)
			feed_range(rd, fd, h.split, h.size, buf, 64 * 1024);
		login_csv_finish(rd);
	} else {
		half_free(&h);
	}
	login_csv_free(rd);
	free(buf);
	return 0;
}
