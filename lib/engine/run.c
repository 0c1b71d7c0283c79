/*
 * run.c - see run.h.
 */
#include "engine/run.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "engine/correlate.h"
#include "adapt/extract.h"
#include "base/util.h"

/* An event copied with its values, kept until run_finish. */
struct held_event {
	struct event ev;
	char *mem;
};

int run_init(struct run *r, const struct ruleset *rs)
{
	memset(r, 0, sizeof *r);
	r->rs = rs;
	r->m = matcher_new(rs);
	if (!r->m)
		return -1;
	findings_init(&r->f, rs);
	r->jobs = 1;
	return 0;
}

void run_free(struct run *r)
{
	matcher_free(r->m);
	findings_free(&r->f);
	for (size_t i = 0; i < r->nnotes; i++) {
		free(r->notes[i].file);
		free(r->notes[i].msg);
	}
	free(r->notes);
	for (size_t i = 0; i < r->ninputs; i++)
		free(r->inputs[i].file);
	free(r->inputs);
	for (size_t i = 0; i < r->nheld; i++)
		free(r->held[i].mem);
	free(r->held);
	memset(r, 0, sizeof *r);
}

void run_note(struct run *r, enum note_level level, const char *file, long line, const char *msg)
{
	if (level == NOTE_ERROR)
		r->errors++;
	if (r->nnotes >= SFDIAG_MAX_NOTES) {
		r->notes_dropped++;
		return;
	}
	r->notes = xgrow(r->notes, &r->notes_cap, r->nnotes + 1, sizeof *r->notes);
	struct note *n = &r->notes[r->nnotes++];
	n->level = level;
	n->file = file ? xstrdup(file) : NULL;
	n->line = line;
	n->msg = xstrdup(msg);
}

/* ---- adapter callbacks ---- */

struct file_ctx {
	struct run *r;
	struct input_summary *sum;
	unsigned kinds; /* kinds of the events this input gave */
};

/* Classify one event into findings: the first rule that explains it, or,
 * for checklist kinds (settings), every rule that holds. */
static void classify(struct matcher *m, struct findings *f, const struct event *ev)
{
	findings_count(f, ev);
	if (ev->kind & KIND_CHECKLIST) {
		const struct ruleset *rs = f->rs;
		for (size_t i = 0; i < rs->nrules; i++)
			if ((rs->rules[i].kinds & ev->kind) && matcher_rule_holds(m, i, ev))
				findings_add(f, ev, (int)i);
		return;
	}
	findings_add(f, ev, matcher_classify(m, ev));
}

static void hold(struct run *r, const struct event *ev)
{
	size_t total = 0;
	for (size_t f = 0; f < r->rs->nfields; f++)
		if (ev->val[f])
			total += ev->len[f] + 1;
	r->held = xgrow(r->held, &r->held_cap, r->nheld + 1, sizeof *r->held);
	struct held_event *h = &r->held[r->nheld++];
	h->ev = *ev;
	h->mem = xmalloc(total ? total : 1);
	char *p = h->mem;
	for (size_t f = 0; f < r->rs->nfields; f++) {
		if (!ev->val[f])
			continue;
		memcpy(p, ev->val[f], ev->len[f]);
		p[ev->len[f]] = '\0';
		h->ev.val[f] = p;
		p += ev->len[f] + 1;
	}
	h->ev.scratch_len = 0;
}

static void on_event(void *ctx, const struct event *ev)
{
	struct file_ctx *fc = ctx;
	struct run *r = fc->r;
	fc->kinds |= ev->kind;
	if (ev->kind != KIND_LOGIN_HISTORY && r->nheld < SFDIAG_MAX_BUFFERED) {
		hold(r, ev);
		return;
	}
	if (ev->kind != KIND_LOGIN_HISTORY && r->held_overflow++ == 0)
		run_note(r, NOTE_INFO, fc->sum->file, ev->line,
			 "more than SFDIAG_MAX_BUFFERED (10,000) responses and errors in this run: "
			 "the rest are diagnosed without the host and user the settings name");
	classify(r->m, &r->f, ev);
}

/*
 * The one value of field f among the held events that have it, or NULL
 * when none or several different ones.
 */
static const char *sole_value(const struct run *r, int f, size_t *n)
{
	const char *one = NULL;
	for (size_t i = 0; f >= 0 && i < r->nheld; i++) {
		const struct event *ev = &r->held[i].ev;
		if (!ev->val[f] || ev->len[f] == 0)
			continue;
		if (one && (*n != ev->len[f] || memcmp(one, ev->val[f], *n) != 0))
			return NULL;
		one = ev->val[f];
		*n = ev->len[f];
	}
	return one;
}

/* Fill host and user of responses and errors that lack them. */
static void fill_context(struct run *r)
{
	const int fields[] = {rules_field(r->rs, "host"), r->rs->f_user};
	for (size_t k = 0; k < sizeof fields / sizeof fields[0]; k++) {
		size_t n = 0;
		const char *v = sole_value(r, fields[k], &n);
		if (!v)
			continue;
		for (size_t i = 0; i < r->nheld; i++) {
			struct event *ev = &r->held[i].ev;
			if ((ev->kind & (KIND_TOKEN_RESPONSE | KIND_API_ERROR)) &&
			    !ev->val[fields[k]]) {
				ev->val[fields[k]] = v;
				ev->len[fields[k]] = n;
			}
		}
	}
}

static void on_note(void *ctx, enum note_level level, long line, const char *msg)
{
	struct file_ctx *fc = ctx;
	if (level == NOTE_ERROR)
		fc->sum->failed = 1;
	run_note(fc->r, level, fc->sum->file, line, msg);
}

/* ---- detection ---- */

static int all_space(const char *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (p[i] != ' ' && p[i] != '\t' && p[i] != '\r' && p[i] != '\n')
			return 0;
	return 1;
}

/* ---- one big file on two threads ---- */

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
	struct adapter_ctx ac;
	int fd;
	char delim;
	uint64_t start, hdr_end, split, size;
};

static void half_event(void *ctx, const struct event *ev)
{
	struct half *h = ctx;
	classify(h->m, &h->f, ev);
}

static void half_note(void *ctx, enum note_level level, long line, const char *msg)
{
	struct half *h = ctx;
	h->notes = xgrow(h->notes, &h->cap, h->nnotes + 1, sizeof *h->notes);
	h->notes[h->nnotes++] = (struct note){level, NULL, line, xstrdup(msg)};
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
 * The reader is left unfinished for read_split. */
static void *half_main(void *arg)
{
	struct half *h = arg;
	char *buf = xmalloc(64 * 1024);
	h->rd = login_csv_new(h->delim, &h->ac);
	if (h->rd && feed_range(h->rd, h->fd, h->start, h->hdr_end, buf, 64 * 1024) == 0) {
		h->body_notes = h->nnotes;
		login_csv_set_line(h->rd, 1); /* shifted once the first half has counted */
		h->body_ok = feed_range(h->rd, h->fd, h->split, h->size, buf, 64 * 1024) == 0;
	}
	free(buf);
	return NULL;
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
static int read_split(struct run *r, struct input *in, char delim, struct adapter_ctx *ac)
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
	h.m = matcher_new(r->rs);
	if (!h.m)
		return -1;
	findings_init(&h.f, r->rs);
	h.ac = *ac;
	h.ac.ctx = &h;
	h.ac.emit = half_event;
	h.ac.note = half_note;
	h.ac.records = h.ac.skipped = 0;

	pthread_t tid;
	int threaded = r->jobs >= 2 && pthread_create(&tid, NULL, half_main, &h) == 0;
	struct login_csv *rd = login_csv_new(delim, ac);
	char *buf = xmalloc(64 * 1024);
	int ok = rd && feed_range(rd, fd, start, h.split, buf, 64 * 1024) == 0;
	if (!threaded)
		half_main(&h);
	else
		pthread_join(tid, NULL);

	if (ok && h.body_ok && login_csv_at_boundary(rd)) {
		merge_half(r, &h, rd, ac);
	} else if (rd) {
		/* The split fell inside a quoted field (or the second half
		 * stopped early): read on from there, alone. */
		if (ok)
			feed_range(rd, fd, h.split, h.size, buf, 64 * 1024);
		login_csv_finish(rd);
	}
	login_csv_free(rd);
	login_csv_free(h.rd);
	free(buf);
	for (size_t i = 0; i < h.nnotes; i++)
		free(h.notes[i].msg);
	free(h.notes);
	findings_free(&h.f);
	matcher_free(h.m);
	return 0;
}

/* What an input turned out to hold, for the report: "JSON: settings". */
static const char *describe(unsigned kinds, const char *format)
{
	static const struct {
		unsigned kinds;
		const char *json, *text;
	} names[] = {
	    {KIND_TOKEN_RESPONSE, "JSON: token response", "text: token response"},
	    {KIND_API_ERROR, "JSON: API error", "text: API error"},
	    {KIND_SETTINGS, "JSON: connection settings", "text: connection settings"},
	    {KIND_LOGIN_HISTORY, "JSON: login records", "text: login records"},
	};
	int json = strcmp(format, "JSON") == 0, http = strcmp(format, "HTTP transcript") == 0;
	if (http)
		return kinds == KIND_API_ERROR ? "HTTP transcript: API error"
					       : "HTTP transcript: token response";
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
		if (kinds == names[i].kinds)
			return json ? names[i].json : names[i].text;
	if (kinds)
		return json ? "JSON: responses and errors" : "text: responses and errors";
	return json ? "JSON: nothing to diagnose" : "text: no signature found";
}

/* A first line with at least two of one delimiter and no spaces around words
 * in most cells: the shape of a CSV header, not of a log line. */
static int looks_like_csv_header(const char *head, size_t n)
{
	const char *nl = memchr(head, '\n', n);
	size_t len = nl ? (size_t)(nl - head) : n;
	static const char delims[] = {',', ';', '\t'};
	for (size_t d = 0; d < sizeof delims; d++) {
		size_t count = 0;
		for (size_t i = 0; i < len; i++)
			count += head[i] == delims[d];
		if (count >= 2)
			return 1;
	}
	return 0;
}

void run_input(struct run *r, struct input *in)
{
	char err[256];
	const char *head;
	size_t n;
	char delim;

	r->inputs = xgrow(r->inputs, &r->inputs_cap, r->ninputs + 1, sizeof *r->inputs);
	struct input_summary *sum = &r->inputs[r->ninputs];
	memset(sum, 0, sizeof *sum);
	sum->file = xstrdup(input_name(in));
	unsigned seq = (unsigned)r->ninputs++;
	struct file_ctx fc = {r, sum, 0};
	struct adapter_ctx ac = {
	    .rs = r->rs,
	    .file = sum->file,
	    .file_seq = seq,
	    .ctx = &fc,
	    .emit = on_event,
	    .note = on_note,
	};

	if (input_peek(in, &head, &n, err, sizeof err) != 0) {
		on_note(&fc, NOTE_ERROR, 0, err);
		goto done;
	}
	sum->gzip = input_was_gzip(in);
	sum->encoding = input_encoding(in);
	if (n == 0 || all_space(head, n)) {
		on_note(&fc, NOTE_ERROR, 0, n ? "empty file (only white space)" : "empty file");
		goto done;
	}
	const char *nul = memchr(head, '\0', n);
	if (nul) {
		adapter_note(&ac, NOTE_ERROR, 0, "binary file (NUL byte at offset %zu); not read",
			     (size_t)(nul - head));
		goto done;
	}
	if (login_csv_sniff(r->rs, head, n, &delim)) {
		sum->kind = kind_name(KIND_LOGIN_HISTORY);
		sum->delim = delim;
		/* A big file is always read as two halves, on one thread or two,
		 * so the report does not depend on --jobs. */
		if (read_split(r, in, delim, &ac) != 0)
			login_csv_read(in, delim, &ac, r->jobs);
		goto done;
	}
	if (json_sniff(head, n)) {
		json_read(in, &ac);
		sum->kind = describe(fc.kinds, "JSON");
		goto done;
	}
	if (transcript_sniff(head, n)) {
		transcript_read(in, &ac);
		sum->kind = fc.kinds ? describe(fc.kinds, "HTTP transcript")
				     : "HTTP transcript: no response found";
		goto done;
	}
	/* Before scanning consumes it: does the first line look like a CSV header? */
	int csv_like = looks_like_csv_header(head, n);
	text_read(in, &ac);
	sum->kind = describe(fc.kinds, "text");
	if (!fc.kinds && csv_like)
		on_note(&fc, NOTE_ERROR, 1,
			"not a recognised input: the first line looks like a CSV header, but no "
			"column maps to a required field in fields.conf (and no error signature "
			"was found in the text)");
	if (!fc.kinds && csv_like)
		sum->failed = 0; /* it was read to the end; it just held nothing */
	else if (!fc.kinds && ac.records)
		adapter_note(&ac, NOTE_INFO, 0,
			     "no error signature found in %llu lines (looked for token-endpoint "
			     "JSON, REST error arrays, error=... redirects and the %zu patterns of "
			     "extract.conf)",
			     (unsigned long long)ac.records, extract_count(r->rs->extract));
done:
	sum->records = ac.records;
	sum->skipped = ac.skipped;
	input_close(in);
}

void run_file(struct run *r, const char *path)
{
	char err[256];
	struct input *in = input_open_file(path, err, sizeof err);
	if (!in) {
		r->inputs = xgrow(r->inputs, &r->inputs_cap, r->ninputs + 1, sizeof *r->inputs);
		struct input_summary *sum = &r->inputs[r->ninputs++];
		memset(sum, 0, sizeof *sum);
		sum->file = xstrdup(path);
		sum->failed = 1;
		run_note(r, NOTE_ERROR, path, 0, err);
		return;
	}
	run_input(r, in);
}

void run_finish(struct run *r)
{
	fill_context(r);
	for (size_t i = 0; i < r->nheld; i++)
		classify(r->m, &r->f, &r->held[i].ev);
	for (size_t i = 0; i < r->nheld; i++)
		free(r->held[i].mem);
	free(r->held);
	r->held = NULL;
	r->nheld = r->held_cap = 0;
	correlate(&r->f);

	for (size_t i = 0; i <= r->rs->nrules; i++) {
		unsigned long hits = matcher_limit_hits(r->m, i);
		if (!hits)
			continue;
		char msg[256];
		snprintf(
		    msg, sizeof msg,
		    "%s %s: a pattern hit the PCRE2 match limit (SFDIAG_PCRE2_MATCH_LIMIT) on %lu "
		    "value(s); the rule was skipped for them",
		    i < r->rs->nrules ? "rule" : "success condition",
		    i < r->rs->nrules ? r->rs->rules[i].id : "in fields.conf", hits);
		run_note(r, NOTE_WARNING, NULL, 0, msg);
	}
	if (r->f.zone_none || r->f.zone_unknown) {
		char msg[256];
		snprintf(
		    msg, sizeof msg,
		    "%llu time stamp(s) had no time zone and %llu an unknown one; they were read "
		    "as UTC, so times may be off by the exporting user's offset",
		    (unsigned long long)r->f.zone_none, (unsigned long long)r->f.zone_unknown);
		run_note(r, NOTE_INFO, NULL, 0, msg);
	}
	if (r->f.ambiguous_dmy) {
		char msg[200];
		snprintf(msg, sizeof msg,
			 "%llu date(s) like 03/11/2026 could be day/month or month/day; they were "
			 "read month first",
			 (unsigned long long)r->f.ambiguous_dmy);
		run_note(r, NOTE_INFO, NULL, 0, msg);
	}
}
