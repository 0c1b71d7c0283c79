/*
 * adapt_login_csv.c - Login History, LoginHistory, ELF Login and LoginEvent
 * exports in CSV, read with libcsv.
 *
 * The input is cut into physical lines, which costs one memchr per line and
 * gives every record the line it starts on, even when quoted fields hold line
 * breaks.  A whole line read between records that csvline_split can cut goes
 * straight to the field callbacks; any other goes to libcsv, so libcsv decides
 * every hard case.  Columns are mapped by header name through
 * the aliases of fields.conf, never by position.
 */
#include "adapt/adapter.h"

#include <csv.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "adapt/csvline.h"
#include "base/util.h"
#include "input/prefetch.h"

/* ---- sniffing ---- */

/* Length of the first line of head, without its line break. */
static size_t first_line(const char *head, size_t n)
{
	const char *nl = memchr(head, '\n', n);
	size_t len = nl ? (size_t)(nl - head) : n;
	if (len && head[len - 1] == '\r')
		len--;
	return len;
}

/* The delimiter that occurs most often outside quotes in the header line. */
static char guess_delim(const char *s, size_t n)
{
	static const char cand[] = {',', ';', '\t', '|'};
	size_t count[sizeof cand] = {0};
	int quoted = 0;
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '"')
			quoted = !quoted;
		else if (!quoted)
			for (size_t c = 0; c < sizeof cand; c++)
				if (s[i] == cand[c])
					count[c]++;
	}
	size_t best = 0;
	for (size_t c = 1; c < sizeof cand; c++)
		if (count[c] > count[best])
			best = c;
	return count[best] ? cand[best] : ',';
}

/* Calls fn for each cell of a header line split on delim (quotes removed). */
static int header_has_required(const struct ruleset *rs, const char *s, size_t n, char delim)
{
	size_t start = 0;
	for (size_t i = 0; i <= n; i++) {
		if (i < n && s[i] != delim)
			continue;
		char norm[256];
		int rank;
		rules_normalize_header(s + start, i - start, norm, sizeof norm);
		int f = rules_field_for_header(rs, norm, &rank);
		for (size_t r = 0; f >= 0 && r < rs->nrequired; r++)
			if (rs->required[r] == f)
				return 1;
		start = i + 1;
	}
	return 0;
}

/* The field of a normalized header for the reader's kind; *rank as
 * rules_field_for_header. */
static int header_field(const struct ruleset *rs, unsigned kind, const char *norm, int *rank)
{
	if (kind == KIND_AUDIT_TRAIL)
		return rules_field_for_key_rank(rs, kind, norm, rank);
	return rules_field_for_header(rs, norm, rank);
}

int audit_csv_sniff(const struct ruleset *rs, const char *head, size_t n, char *delim)
{
	size_t len = first_line(head, n), start = 0;
	char d = guess_delim(head, len);
	int time = 0, display = 0, action = 0, section = 0;
	for (size_t i = 0; i <= len; i++) {
		if (i < len && head[i] != d)
			continue;
		char norm[256];
		int rank;
		rules_normalize_header(head + start, i - start, norm, sizeof norm);
		int f = header_field(rs, KIND_AUDIT_TRAIL, norm, &rank);
		time |= f >= 0 && f == rs->f.time;
		display |= f >= 0 && f == rs->f.display;
		action |= f >= 0 && f == rs->f.action;
		section |= f >= 0 && f == rs->f.section;
		start = i + 1;
	}
	if (!time || !(display || (action && section)))
		return 0;
	*delim = d;
	return 1;
}

int login_csv_sniff(const struct ruleset *rs, const char *head, size_t n, char *delim)
{
	size_t len = first_line(head, n);
	char d = guess_delim(head, len);
	if (!header_has_required(rs, head, len, d))
		return 0;
	*delim = d;
	return 1;
}

/* ---- reading ---- */

struct csvstate {
	struct adapter_ctx *ac;
	struct strbuf row; /* the kept columns' bytes, back to back */
	size_t off[SFDIAG_MAX_COLUMNS];
	size_t len[SFDIAG_MAX_COLUMNS];
	size_t nfields;
	int too_wide;
	int have_header;
	size_t ncols;			   /* columns in the header */
	int col_field[SFDIAG_MAX_COLUMNS]; /* column -> field, or -1 */
	int stop;			   /* fatal problem: stop feeding */
	long line;			   /* physical line being fed, from 1 */
	long row_line;			   /* first line of the current record */
	int row_started;
	int at_line_start;   /* the last byte fed ended a line */
	unsigned long notes; /* warnings given for this file */
	/* A record that ran over line breaks did not parse: read again from
	 * its second line (login_csv_feed); nothing more is taken until then. */
	int resync;
	/* Lines lost to an unmatched quote, not yet reported: from lost_from
	 * to lost_to (0: none), extended while the lines after it do not parse
	 * as records either. */
	long lost_from, lost_to;
	struct event ev;
};

/* libcsv keeps no limit of its own: refuse to grow a field past ours. */
static void *capped_realloc(void *p, size_t n)
{
	if (n > SFDIAG_MAX_FIELD + 4096)
		return NULL;
	return realloc(p, n);
}

static void warn_row(struct csvstate *st, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* A skipped record: counted always, described up to SFDIAG_MAX_NOTES_PER_FILE. */
static void warn_row(struct csvstate *st, const char *fmt, ...)
{
	st->ac->skipped++;
	if (st->notes++ >= SFDIAG_MAX_NOTES_PER_FILE)
		return;
	struct strbuf sb = {0};
	va_list ap;
	va_start(ap, fmt);
	sb_vprintf(&sb, fmt, ap);
	va_end(ap);
	st->ac->note(st->ac->ctx, NOTE_WARNING, st->row_line, sb_str(&sb));
	sb_free(&sb);
}

/* n with thousands separators ("1,203"), in buf. */
static const char *grouped(char *buf, size_t size, long n)
{
	char digits[32];
	int len = snprintf(digits, sizeof digits, "%ld", n);
	size_t o = 0;
	for (int i = 0; i < len && o + 2 < size; i++) {
		if (i && digits[i - 1] != '-' && (len - i) % 3 == 0)
			buf[o++] = ',';
		buf[o++] = digits[i];
	}
	buf[o] = '\0';
	return buf;
}

/* Report the lines lost to an unmatched quote, if any: each line counts as
 * one record read and skipped.  resumed: a line after them parsed as a
 * record (0: none did, up to the end of the input). */
static void close_lost(struct csvstate *st, int resumed)
{
	if (!st->lost_from)
		return;
	long n = st->lost_to - st->lost_from + 1;
	char a[32], b[32], c[32], then[64];
	st->ac->records += (uint64_t)n;
	st->ac->skipped += (uint64_t)n - 1; /* warn_row counts one */
	long keep = st->row_line;
	st->row_line = st->lost_from;
	if (resumed)
		snprintf(then, sizeof then, "reading resumed at line %s",
			 grouped(c, sizeof c, st->lost_to + 1));
	else
		snprintf(then, sizeof then, "no later line parses as a record");
	if (n == 1)
		warn_row(st, "line %s skipped: an unmatched quote in it; %s",
			 grouped(a, sizeof a, st->lost_from), then);
	else
		warn_row(st, "lines %s-%s skipped (%ld records): an unmatched quote in line %s; %s",
			 grouped(a, sizeof a, st->lost_from), grouped(b, sizeof b, st->lost_to), n,
			 grouped(c, sizeof c, st->lost_from), then);
	st->row_line = keep;
	st->lost_from = st->lost_to = 0;
}

/* Line `line` is lost: it extends the open range when it follows it, else
 * the open range is reported and a new one begins. */
static void add_lost(struct csvstate *st, long line)
{
	if (st->lost_from && line == st->lost_to + 1) {
		st->lost_to = line;
		return;
	}
	close_lost(st, 1);
	st->lost_from = st->lost_to = line;
}

/* A record of one line that does not parse, right after lines lost to an
 * unmatched quote: lost with them (1), else 0. */
static int extends_lost(struct csvstate *st)
{
	if (!st->lost_from || st->row_line != st->lost_to + 1)
		return 0;
	st->lost_to = st->row_line;
	return 1;
}

static void add_field(struct csvstate *st, const char *data, size_t n)
{
	if (st->stop || st->resync)
		return;
	if (!st->row_started) {
		st->row_started = 1;
		st->row_line = st->line;
	}
	size_t c = st->nfields++;
	if (c >= SFDIAG_MAX_COLUMNS) {
		st->too_wide = 1;
		return;
	}
	st->len[c] = n;
	/* Only the header and the columns something reads are kept. */
	if (st->have_header && st->col_field[c] < 0)
		return;
	st->off[c] = st->row.len;
	st->row.buf = xgrow(st->row.buf, &st->row.cap, st->row.len + n + 1, 1);
	if (n)
		memcpy(st->row.buf + st->row.len, data, n);
	st->row.len += n;
}

static void on_field(void *data, size_t n, void *ctx)
{
	add_field(ctx, data, n);
}

/* Headers listed in a suggestion, as written in the file. */
#define MAX_SUGGESTED 8

/* Add header cell s[0..n) to the list of unmapped headers, quotes and outer
 * white space removed, at most MAX_SUGGESTED of them. */
static void add_written(struct strbuf *out, size_t index, const char *s, size_t n)
{
	if (index > MAX_SUGGESTED)
		return;
	if (index == MAX_SUGGESTED) {
		sb_adds(out, ", ...");
		return;
	}
	s = str_trim(s, &n);
	if (n >= 2 && s[0] == '"' && s[n - 1] == '"') {
		s++;
		n -= 2;
	}
	if (n > 64)
		n = 64; /* a header, not a value: keep the suggestion short */
	sb_printf(out, "%s%.*s", index ? ", " : "", (int)n, s);
}

/*
 * For each `expect` field of fields.conf that no column fills (nor its
 * fallback): say what the report lacks and, for a warning, the fields.conf
 * line that would map it, naming the headers nothing read (a translated
 * export).
 */
static void note_missing(struct csvstate *st, const int *best_col, const struct strbuf *unused,
			 size_t nunused)
{
	const struct ruleset *rs = st->ac->rs;
	/* fields.conf `expect` lines describe login exports, not other CSVs
	 * such as the Setup Audit Trail. */
	if (st->ac->csv_kind && st->ac->csv_kind != KIND_LOGIN_HISTORY)
		return;
	for (size_t i = 0; i < rs->nexpects; i++) {
		const struct field_expect *e = &rs->expects[i];
		int fb = rs->fallback[e->field];
		if (best_col[e->field] >= 0 || (fb >= 0 && best_col[fb] >= 0))
			continue;
		if (nunused && e->level == NOTE_WARNING)
			adapter_note(st->ac, e->level, st->row_line,
				     "%s; if one of the columns not read (%s) holds it, add the "
				     "line `alias %s HEADER` to fields.conf, with that column's "
				     "header",
				     e->text, sb_str(unused), rs->fields[e->field].name);
		else
			adapter_note(st->ac, e->level, st->row_line, "%s", e->text);
	}
}

static void map_header(struct csvstate *st)
{
	const struct ruleset *rs = st->ac->rs;
	int best_rank[SFDIAG_MAX_FIELDS];
	int best_col[SFDIAG_MAX_FIELDS];
	struct strbuf unused = {0}, as_written = {0};
	size_t nunused = 0;

	for (size_t f = 0; f < SFDIAG_MAX_FIELDS; f++)
		best_rank[f] = best_col[f] = -1;
	st->ncols = st->nfields;
	for (size_t c = 0; c < st->nfields; c++) {
		char norm[256];
		int rank;
		rules_normalize_header(st->row.buf + st->off[c], st->len[c], norm, sizeof norm);
		int f = header_field(rs, st->ac->csv_kind, norm, &rank);
		st->col_field[c] = -1;
		if (f < 0) {
			if (norm[0]) {
				sb_printf(&unused, "%s%s", unused.len ? ", " : "", norm);
				add_written(&as_written, nunused++, st->row.buf + st->off[c],
					    st->len[c]);
			}
			continue;
		}
		if (best_col[f] < 0 || rank < best_rank[f]) {
			best_rank[f] = rank;
			best_col[f] = (int)c;
		}
	}
	unsigned kind = st->ac->csv_kind ? st->ac->csv_kind : KIND_LOGIN_HISTORY;
	for (size_t f = 0; f < SFDIAG_MAX_FIELDS; f++)
		if (best_col[f] >= 0 && (rs->fields[f].used & kind))
			st->col_field[best_col[f]] = (int)f;
	if (unused.len)
		adapter_note(st->ac, NOTE_INFO, st->row_line, "columns not used by any field: %s",
			     sb_str(&unused));
	note_missing(st, best_col, &as_written, nunused);
	sb_free(&unused);
	sb_free(&as_written);
}

static void emit_row(struct csvstate *st)
{
	struct adapter_ctx *ac = st->ac;
	const struct ruleset *rs = ac->rs;
	struct event *ev = &st->ev;

	if (st->nfields != st->ncols && !st->too_wide) {
		/* Over line breaks: a quote opened a field that swallowed the
		 * lines after it; read them again.  On one line, right after
		 * lines so lost: lost with them. */
		if (st->row_line < st->line) {
			st->resync = 1;
			return;
		}
		if (extends_lost(st))
			return;
	}
	close_lost(st, 1);
	ac->records++;
	if (st->too_wide) {
		warn_row(st, "record has more than SFDIAG_MAX_COLUMNS (%d) columns; skipped",
			 SFDIAG_MAX_COLUMNS);
		return;
	}
	if (st->nfields != st->ncols) {
		warn_row(st, "record has %zu field%s, the header has %zu; skipped", st->nfields,
			 st->nfields == 1 ? "" : "s", st->ncols);
		return;
	}
	/* The kept columns lie back to back in row: check them in one pass. */
	size_t bad;
	int utf8_ok = utf8_valid(st->row.buf, st->row.len, &bad);
	const char *nul = utf8_ok ? memchr(st->row.buf, '\0', st->row.len) : NULL;
	if (!utf8_ok || nul) {
		size_t at = utf8_ok ? (size_t)(nul - st->row.buf) : bad, c = 0;
		for (size_t k = 0; k < st->nfields; k++)
			if (st->col_field[k] >= 0 && st->off[k] <= at &&
			    at < st->off[k] + st->len[k])
				c = k;
		if (utf8_ok)
			warn_row(st,
				 "NUL byte in column %zu; record skipped (text holds no NUL: the "
				 "file was damaged there)",
				 c + 1);
		else
			warn_row(st,
				 "invalid UTF-8 in column %zu (byte %zu); record skipped "
				 "(re-save the file as UTF-8)",
				 c + 1, at - st->off[c] + 1);
		return;
	}
	event_clear(ev);
	ev->kind = ac->csv_kind ? ac->csv_kind : KIND_LOGIN_HISTORY;
	ev->file = ac->file;
	ev->file_seq = ac->file_seq;
	ev->line = st->row_line;
	for (size_t c = 0; c < st->nfields; c++) {
		int f = st->col_field[c];
		if (f >= 0)
			event_set(ev, rs, f, st->row.buf + st->off[c], st->len[c]);
	}
	event_finish(ev, rs);
	ac->emit(ac->ctx, ev);
}

static void on_row(int term, void *ctx)
{
	struct csvstate *st = ctx;
	(void)term;
	if (st->stop || st->resync)
		return;
	if (!st->have_header) {
		if (st->too_wide) {
			adapter_note(st->ac, NOTE_ERROR, st->row_line,
				     "header has more than SFDIAG_MAX_COLUMNS (%d) columns",
				     SFDIAG_MAX_COLUMNS);
			st->stop = 1;
		} else {
			map_header(st);
			st->have_header = 1;
		}
	} else {
		emit_row(st);
	}
	sb_reset(&st->row);
	st->nfields = 0;
	st->too_wide = 0;
	st->row_started = 0;
}

/* Describe a libcsv failure and decide whether reading can go on: 0 the
 * record was skipped, -1 reading stops, 1 the record ran over line breaks
 * (held: can_resync) and is read again from its second line. */
static int parse_failed(struct csvstate *st, struct csv_parser *p, int can_resync)
{
	int e = csv_error(p);
	if (can_resync && st->row_line < st->line) {
		st->resync = 1;
		return 1;
	}
	if (e == CSV_ENOMEM || e == CSV_ETOOBIG) {
		adapter_note(st->ac, NOTE_ERROR, st->row_line,
			     "field longer than SFDIAG_MAX_FIELD (%u bytes); the rest of the file "
			     "was not read",
			     SFDIAG_MAX_FIELD);
		st->ac->skipped++;
		return -1;
	}
	if (extends_lost(st))
		return 0;
	close_lost(st, 1);
	st->ac->records++;
	warn_row(st, "malformed quoting (a quote inside an unquoted field, or text after a "
		     "closing quote); record skipped");
	return 0;
}

struct login_csv {
	struct csv_parser p;
	struct csvstate st;
	char delim;
	struct csvline_field spans[SFDIAG_MAX_COLUMNS];
	int skip_line; /* after a quoting error, resume at the next line */
	int stopped;   /* a fatal problem was noted; further bytes are ignored */
	/* The bytes of the open record from the start of its first line
	 * (held_line), while it runs over line breaks, up to
	 * SFDIAG_MAX_HELD_RECORD (held_over: past it, not held). */
	struct strbuf held;
	long held_line;
	int holding, held_over;
	/* Bytes to read again, before the caller's, from replay_pos. */
	struct strbuf replay;
	size_t replay_pos;
	unsigned long resyncs; /* times reading started again after a lost line */
};

struct login_csv *login_csv_new(char delim, struct adapter_ctx *ac)
{
	const unsigned char opts = CSV_STRICT | CSV_STRICT_FINI | CSV_APPEND_NULL;
	struct login_csv *r = xcalloc(1, sizeof *r);
	if (csv_init(&r->p, opts) != 0) {
		free(r);
		return NULL;
	}
	csv_set_delim(&r->p, (unsigned char)delim);
	r->delim = delim;
	csv_set_realloc_func(&r->p, capped_realloc);
	csv_set_blk_size(&r->p, 4096);
	r->st.ac = ac;
	r->st.line = 1;
	r->st.at_line_start = 1;
	return r;
}

void login_csv_set_line(struct login_csv *r, long line)
{
	r->st.line = line;
}

long login_csv_line(const struct login_csv *r)
{
	return r->st.line;
}

int login_csv_at_boundary(const struct login_csv *r)
{
	/* No record begun, nothing buffered or lost, and libcsv between rows. */
	return !r->stopped && !r->skip_line && !r->st.row_started && r->st.at_line_start &&
	       r->p.pstate == 0 && r->p.entry_pos == 0 && !r->holding && !r->st.lost_from &&
	       r->replay_pos >= r->replay.len;
}

unsigned long login_csv_resyncs(const struct login_csv *r)
{
	return r->resyncs;
}

/*
 * A whole line that csvline_split can cut, read between records: hand its
 * fields to the same callbacks libcsv would call, and skip libcsv.
 */
static int feed_simple_line(struct login_csv *r, const char *s, size_t n)
{
	struct csvstate *st = &r->st;
	if (r->p.pstate != 0 || r->p.entry_pos != 0 || st->row_started || !st->at_line_start)
		return 0;
	long k = csvline_split(s, n, r->delim, r->spans, SFDIAG_MAX_COLUMNS);
	if (k < 0)
		return 0;
	st->row_started = 1;
	st->row_line = st->line;
	for (long i = 0; i < k; i++)
		add_field(st, s + r->spans[i].off, r->spans[i].len);
	on_row('\n', st);
	return 1;
}

unsigned long login_csv_notes(const struct login_csv *r)
{
	return r->st.notes;
}

void login_csv_continue_after(struct login_csv *r, long lines, unsigned long notes)
{
	r->st.line += lines;
	r->st.row_line += lines;
	r->st.notes += notes;
	if (r->holding)
		r->held_line += lines;
	if (r->st.lost_from) {
		r->st.lost_from += lines;
		r->st.lost_to += lines;
	}
}

/* The open record runs on past s[0..n): hold its bytes (from its first
 * line), up to SFDIAG_MAX_HELD_RECORD. */
static void hold(struct login_csv *r, const char *s, size_t n)
{
	if (r->held_over)
		return;
	if (!r->holding) {
		r->holding = 1;
		r->held_line = r->st.row_line;
		sb_reset(&r->held);
	}
	if (r->held.len + n > SFDIAG_MAX_HELD_RECORD) {
		r->held_over = 1;
		r->holding = 0;
		sb_free(&r->held);
		return;
	}
	sb_add(&r->held, s, n);
}

static void unhold(struct login_csv *r)
{
	r->holding = r->held_over = 0;
	sb_reset(&r->held);
}

/* Forget the record begun, in libcsv and here. */
static void drop_record(struct login_csv *r)
{
	struct csvstate *st = &r->st;
	/* csv_fini keeps an open quoted field (CSV_STRICT_FINI): reset by
	 * hand what it would reset. */
	csv_fini(&r->p, NULL, NULL, NULL);
	r->p.pstate = 0;
	r->p.quoted = 0;
	r->p.spaces = r->p.entry_pos = 0;
	r->p.status = 0;
	sb_reset(&st->row);
	st->nfields = 0;
	st->too_wide = 0;
	st->row_started = 0;
}

/*
 * The open record ran over line breaks and did not parse: its first line
 * is lost (an unmatched quote), and what was read after it is read again,
 * before the rest, from its second line.  A record too long to be held
 * loses every line it took, and reading goes on after them.
 */
static void resync(struct login_csv *r)
{
	struct csvstate *st = &r->st;
	long first = r->holding ? r->held_line : st->row_line;
	drop_record(r);
	st->resync = 0;
	r->resyncs++;
	if (!r->holding) {
		/* Not held (past SFDIAG_MAX_HELD_RECORD): every line is lost. */
		long last = st->at_line_start ? st->line - 1 : st->line;
		for (long l = first; l <= last; l++)
			add_lost(st, l);
		r->skip_line = !st->at_line_start;
		unhold(r);
		return;
	}
	add_lost(st, first);
	struct strbuf again = {0};
	const char *nl = memchr(r->held.buf, '\n', r->held.len);
	if (nl)
		sb_add(&again, nl + 1, (size_t)(r->held.buf + r->held.len - nl - 1));
	if (r->replay_pos < r->replay.len)
		sb_add(&again, r->replay.buf + r->replay_pos, r->replay.len - r->replay_pos);
	sb_free(&r->replay);
	r->replay = again;
	r->replay_pos = 0;
	unhold(r);
	st->line = first + 1;
	st->at_line_start = 1;
}

/* One segment: a line with its '\n', or the part of a line that a read
 * ended in (has_nl 0). */
static void feed_segment(struct login_csv *r, const char *s, size_t n, int has_nl)
{
	struct csvstate *st = &r->st;
	if (r->skip_line) {
		r->skip_line = !has_nl;
	} else if (has_nl && feed_simple_line(r, s, n - 1)) {
		/* done without libcsv */
	} else {
		if (!st->row_started) {
			for (const char *c = s; c < s + n; c++) {
				if (*c != '\r' && *c != '\n') {
					st->row_started = 1;
					st->row_line = st->line;
					break;
				}
			}
		}
		int failed = csv_parse(&r->p, s, n, on_field, on_row, st) != n;
		if (failed || st->resync || st->row_started)
			hold(r, s, n);
		else
			unhold(r);
		if (failed) {
			int rc = parse_failed(st, &r->p, r->holding || r->held_over);
			if (rc < 0) {
				r->stopped = 1;
				return;
			}
			if (rc == 0) {
				drop_record(r);
				unhold(r);
				r->skip_line = !has_nl;
			}
		}
	}
	if (has_nl)
		st->line++;
	st->at_line_start = has_nl;
}

int login_csv_feed(struct login_csv *r, const char *buf, size_t len)
{
	struct csvstate *st = &r->st;
	const char *s = buf, *end = buf + len;
	while (!r->stopped) {
		/* Lines to read again come first. */
		int again = r->replay_pos < r->replay.len;
		const char *from = again ? r->replay.buf + r->replay_pos : s;
		const char *to = again ? r->replay.buf + r->replay.len : end;
		if (from >= to)
			break;
		const char *nl = memchr(from, '\n', (size_t)(to - from));
		const char *seg = nl ? nl + 1 : to;
		size_t n = (size_t)(seg - from);
		if (again)
			r->replay_pos += n;
		else
			s = seg;
		feed_segment(r, from, n, nl != NULL);
		if (st->resync)
			resync(r);
		if (r->replay_pos >= r->replay.len && r->replay.len) {
			sb_reset(&r->replay);
			r->replay_pos = 0;
		}
	}
	if (st->stop)
		r->stopped = 1;
	return r->stopped ? -1 : 0;
}

int login_csv_finish(struct login_csv *r)
{
	struct csvstate *st = &r->st;
	struct adapter_ctx *ac = st->ac;
	int rc = r->stopped ? -1 : 0;
	for (;;) {
		if (r->stopped)
			break;
		int open = csv_fini(&r->p, on_field, on_row, st) != 0;
		/* A quote that opened a field and never closed (or a last
		 * record over lines that did not parse): its line is lost, and
		 * the lines after it are read again. */
		if ((open && (r->holding || r->held_over)) || st->resync) {
			st->resync = 1;
			resync(r);
			login_csv_feed(r, "", 0);
			continue;
		}
		if (open) {
			close_lost(st, 1);
			adapter_note(ac, NOTE_ERROR, st->row_line,
				     "unterminated quoted field: lines %ld to %ld were not read",
				     st->row_line, st->at_line_start ? st->line - 1 : st->line);
			ac->records++;
			ac->skipped++;
			rc = -1;
		}
		break;
	}
	close_lost(st, 0);
	if (st->notes > SFDIAG_MAX_NOTES_PER_FILE)
		adapter_note(ac, NOTE_WARNING, 0, "%lu more skipped records are not listed",
			     st->notes - SFDIAG_MAX_NOTES_PER_FILE);
	if (!st->have_header && rc == 0) {
		adapter_note(ac, NOTE_ERROR, 0, "no header row");
		rc = -1;
	}
	return rc;
}

void login_csv_free(struct login_csv *r)
{
	if (!r)
		return;
	csv_free(&r->p);
	sb_free(&r->st.row);
	sb_free(&r->held);
	sb_free(&r->replay);
	free(r);
}

int login_csv_read(struct input *in, char delim, struct adapter_ctx *ac, int threads)
{
	struct login_csv *r = login_csv_new(delim, ac);
	char err[256];
	long got = 0;

	if (!r) {
		adapter_note(ac, NOTE_ERROR, 0, "cannot initialise the CSV parser");
		return -1;
	}
	/* Decoding (gzip, UTF-16, windows-1252) can run beside the parse. */
	enum input_encoding enc = input_encoding(in);
	struct prefetch *pf = NULL;
	if (threads >= 2 && (input_was_gzip(in) || (enc != INPUT_UTF8 && enc != INPUT_UTF8_BOM)))
		pf = prefetch_start(in);
	char *buf = pf ? NULL : xmalloc(64 * 1024);
	const char *data = buf;
	while ((got = pf ? prefetch_next(pf, &data, err, sizeof err)
			 : input_read(in, buf, 64 * 1024, err, sizeof err)) > 0)
		if (login_csv_feed(r, data, (size_t)got) != 0)
			break;
	prefetch_stop(pf);
	if (got < 0 && !r->stopped) {
		/* Keep the partial last record out: it was cut, not malformed. */
		adapter_note(ac, NOTE_ERROR, r->st.line, "%s; the rest of the input was not read",
			     err);
		r->stopped = 1;
	}
	int rc = login_csv_finish(r);
	login_csv_free(r);
	free(buf);
	return rc;
}

/*
 * Take the first line break after the middle as the split.  It may fall
 * inside a quoted field that holds a line break; the caller then finds the
 * first reader not at a record boundary there (login_csv_at_boundary) and
 * reads on sequentially, so a wrong guess costs time, never correctness.
 * Export rows rarely hold line breaks, so the guess is almost always right.
 */
int login_csv_plan_split(int fd, uint64_t start, uint64_t size, uint64_t *hdr_end, uint64_t *split)
{
	enum { CHUNK = 1 << 20 };
	char *buf = xmalloc(CHUNK);
	uint64_t mid = start + (size - start) / 2;
	int rc = -1;

	*hdr_end = 0;
	ssize_t got = pread(fd, buf, CHUNK, (off_t)start);
	const char *nl = got > 0 ? memchr(buf, '\n', (size_t)got) : NULL;
	if (!nl)
		goto out;
	*hdr_end = start + (uint64_t)(nl - buf) + 1;
	if (mid < *hdr_end)
		goto out;
	got = pread(fd, buf, CHUNK, (off_t)mid);
	nl = got > 0 ? memchr(buf, '\n', (size_t)got) : NULL;
	if (!nl)
		goto out;
	*split = mid + (uint64_t)(nl - buf) + 1;
	if (*split >= size)
		goto out;
	rc = 0;
out:
	free(buf);
	return rc;
}
