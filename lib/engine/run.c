/*
 * run.c - see run.h.
 */
#include "engine/run.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "adapt/extract.h"
#include "adapt/text_json.h"
#include "base/util.h"
#include "engine/classify.h"
#include "engine/correlate.h"
#include "engine/split.h"
#include "input/magic.h"
#include "input/mime.h"
#include "rules/report_conf.h"

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
	changes_init(&r->changes, rs);
	r->jobs = 1;
	return 0;
}

void run_free(struct run *r)
{
	matcher_free(r->m);
	findings_free(&r->f);
	changes_free(&r->changes);
	for (size_t i = 0; i < r->nnotes; i++) {
		free(r->notes[i].file);
		free(r->notes[i].msg);
	}
	free(r->notes);
	for (size_t i = 0; i < r->ninputs; i++) {
		free(r->inputs[i].file);
		free(r->inputs[i].why);
	}
	free(r->inputs);
	for (size_t i = 0; i < r->nheld; i++)
		free(r->held[i].mem);
	free(r->held);
	free(r->settings_mem);
	free(r->settings_file);
	memset(r, 0, sizeof *r);
}

void run_note(struct run *r, enum note_level level, const char *file, long line, const char *msg)
{
	if (level == NOTE_ERROR)
		r->errors++;
	if (level != NOTE_INFO)
		r->problems++;
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
	r->events_read++;
	if (ev->kind & KIND_CHANGE) {
		if (ev->time_ms == EVENT_NO_TIME) {
			/* Named here, counted in changes (nothing lost silently). */
			int tf = r->rs->f.time;
			struct strbuf msg = {0};
			if (tf >= 0 && ev->val[tf] && ev->len[tf])
				sb_printf(&msg,
					  "Setup Audit Trail row with a date sfdiag cannot read "
					  "('%.*s'): its change has no time",
					  (int)(ev->len[tf] > 80 ? 80 : ev->len[tf]), ev->val[tf]);
			else
				sb_adds(
				    &msg,
				    "Setup Audit Trail row with no date: its change has no time");
			run_note(r, NOTE_INFO, fc->sum->file, ev->line, sb_str(&msg));
			sb_free(&msg);
		}
		changes_add(&r->changes, r->m, ev);
		return;
	}
	if (ev->kind != KIND_LOGIN_HISTORY && r->nheld < SFDIAG_MAX_BUFFERED) {
		hold(r, ev);
		return;
	}
	if (ev->kind != KIND_LOGIN_HISTORY && r->held_overflow++ == 0)
		run_note(r, NOTE_INFO, fc->sum->file, ev->line,
			 "more than SFDIAG_MAX_BUFFERED (10,000) responses and errors in this run: "
			 "the rest are diagnosed without the host and user the settings name");
	classify_event(r->m, &r->f, ev);
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
	const int fields[] = {r->rs->f.host, r->rs->f.user};
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
	if (level == NOTE_ERROR) {
		fc->sum->failed = 1;
		if (!fc->sum->why)
			fc->sum->why = xstrdup(msg);
	}
	run_note(fc->r, level, fc->sum->file, line, msg);
}

/* The control bytes of head[0..n) that text does not hold (C0 but TAB, LF,
 * VT, FF, CR and ESC); *nuls gets how many of them are NUL. */
static size_t binary_bytes(const char *head, size_t n, size_t *nuls)
{
	size_t ctl = 0;
	*nuls = 0;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)head[i];
		if (c >= 0x20 || (c >= '\t' && c <= '\r') || c == 0x1B)
			continue;
		ctl++;
		*nuls += c == 0;
	}
	return ctl;
}

/* ---- detection ---- */

static int all_space(const char *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (p[i] != ' ' && p[i] != '\t' && p[i] != '\r' && p[i] != '\n')
			return 0;
	return 1;
}

/* What an input turned out to hold, for the report: "JSON: settings". */
static const char *describe(unsigned kinds, const char *format)
{
	int json = strcmp(format, "JSON") == 0, http = strcmp(format, "HTTP transcript") == 0;
	if (http)
		return kinds == KIND_API_ERROR ? "HTTP transcript: API error"
					       : "HTTP transcript: token response";
	const struct kind_def *k = kind_first(kinds);
	if (k && kinds == k->bit)
		return json ? k->as_json : k->as_text;
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

static void email_member(void *ctx, struct input *in)
{
	run_input(ctx, in);
}

static void email_note(void *ctx, enum note_level level, const char *file, const char *msg)
{
	run_ticket_note(ctx, level, file, msg);
}

/*
 * The email in, input seq of the run: each attachment and text part becomes
 * an input of its own (run_input, again), after it in the list.  Returns
 * the number of parts read, the email's records.  An email
 * that gave nothing to diagnose, and whose parts were all read, is an error:
 * the headline must not say that nothing is wrong.
 */
static uint64_t read_email(struct run *r, struct input *in, size_t seq)
{
	struct mime_visitor v = {r, email_member, email_note};
	struct mime_stats st;
	struct arc_limits lim = arc_default_limits();
	uint64_t before = r->events_read;
	size_t first = r->ninputs;
	int rc = mime_read(in, &lim, &v, &st);
	struct input_summary *sum = &r->inputs[seq];
	if (rc != 0)
		return 0;
	sum->kind = "email (MIME)";
	int part_failed = 0;
	for (size_t i = first; i < r->ninputs; i++)
		part_failed |= r->inputs[i].failed;
	if (r->events_read == before && !part_failed && !sum->failed) {
		char msg[512];
		snprintf(msg, sizeof msg,
			 "nothing in this email can be diagnosed (%lu attachment%s and %lu text "
			 "part%s read: no login export, no error signature): %s",
			 st.attachments, st.attachments == 1 ? "" : "s", st.texts,
			 st.texts == 1 ? "" : "s", r->rs->report->msg[REPORT_MSG_ADVICE_EMAIL]);
		run_ticket_note(r, NOTE_ERROR, sum->file, msg);
		sum->kind = NULL; /* as an input to diagnose, it was not read */
	}
	return st.attachments + st.texts;
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
	    .json_unknown = text_read_tree,
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
	int text_only = input_text_only(in);
	if (text_only)
		goto text; /* an email's text: whatever it starts with */
	if (xlsx_sniff(head, n)) {
		const char *what;
		int ok = xlsx_read(in, &ac, &what) == 0;
		int ods = what && what[0] == 'O';
		if (ok || fc.kinds)
			sum->kind = fc.kinds
					? (ods ? "OpenDocument spreadsheet: login history"
					       : "Excel workbook: login history")
					: (ods ? "OpenDocument spreadsheet: nothing to diagnose"
					       : "Excel workbook: nothing to diagnose");
		else
			sum->kind = NULL;
		goto done;
	}
	const struct file_magic *fm = magic_identify(head, n);
	if (fm) {
		/* The advice is data: report.conf, loaded and checked with the rules. */
		static const enum report_msg advice[] = {
		    [MAGIC_ADVICE_OLD_WORKBOOK] = REPORT_MSG_ADVICE_OLD_WORKBOOK,
		    [MAGIC_ADVICE_DOWNLOAD] = REPORT_MSG_ADVICE_DOWNLOAD,
		    [MAGIC_ADVICE_RTF] = REPORT_MSG_ADVICE_RTF,
		};
		adapter_note(&ac, NOTE_ERROR, 0, "%s: %s", fm->what,
			     r->rs->report->msg[advice[fm->advice]]);
		goto done;
	}
	size_t nuls = 0, ctl = binary_bytes(head, n, &nuls);
	if (ctl * 100 > n * SFDIAG_BINARY_PERCENT) {
		adapter_note(&ac, NOTE_ERROR, 0,
			     "binary file (%zu of its first %zu bytes are NUL or other control "
			     "bytes, more than SFDIAG_BINARY_PERCENT (%d%%)); not read",
			     ctl, n, SFDIAG_BINARY_PERCENT);
		goto done;
	}
	if (nuls && !login_csv_sniff(r->rs, head, n, &delim) &&
	    !audit_csv_sniff(r->rs, head, n, &delim)) {
		/* The readers of JSON and text stop at a NUL; a CSV export skips
		 * the records that hold one. */
		const char *nul = memchr(head, '\0', n);
		adapter_note(&ac, NOTE_ERROR, 0,
			     "NUL byte at offset %zu of a file that is no CSV "
			     "export; not read",
			     (size_t)(nul - head));
		goto done;
	}
	if (mime_sniff(head, n)) {
		ac.records = read_email(r, in, seq);
		goto done;
	}
	if (audit_csv_sniff(r->rs, head, n, &delim)) {
		sum->kind = kind_name(KIND_AUDIT_TRAIL);
		sum->delim = delim;
		ac.csv_kind = KIND_AUDIT_TRAIL;
		login_csv_read(in, delim, &ac, r->jobs);
		goto done;
	}
	if (login_csv_sniff(r->rs, head, n, &delim)) {
		sum->kind = kind_name(KIND_LOGIN_HISTORY);
		sum->delim = delim;
		/* A big file is always read as two halves, on one thread or two,
		 * so the report does not depend on --jobs. */
		if (split_read(r, in, delim, &ac) != 0)
			login_csv_read(in, delim, &ac, r->jobs);
		goto done;
	}
	/* Sniffing never refuses what a fallback can read: a text that only
	 * starts like JSON ("[Error: ...]", "[2026-11-03 ...] INFO", a dump
	 * of a Node or Python object) is read as text. */
	size_t bad = 0;
	int json_like = json_sniff(head, n);
	if (json_like && !tj_prefix_ok(head, n, &bad)) {
		long line = 1;
		for (size_t i = 0; i < bad; i++)
			line += head[i] == '\n';
		adapter_note(&ac, NOTE_INFO, line,
			     "starts like JSON but is not JSON (from this line on); read as text");
	} else if (json_like) {
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
text:;
	/* Before scanning consumes it: does the first line look like a CSV header? */
	int csv_like = !text_only && looks_like_csv_header(head, n);
	text_read(in, &ac);
	sum->kind = describe(fc.kinds, "text");
	if (!fc.kinds && csv_like)
		on_note(&fc, NOTE_ERROR, 1,
			"not a recognised input: the first line looks like a CSV header, but no "
			"column maps to a required field in fields.conf (and no error signature "
			"was found in the text); if this is a login export with headers in "
			"another language, add the line `alias status HEADER` to fields.conf, "
			"with the header of its status column");
	if (!fc.kinds && csv_like)
		sum->kind = NULL; /* read to the end, but not understood */
	else if (!fc.kinds && ac.records)
		adapter_note(&ac, NOTE_INFO, 0,
			     "no error signature found in %llu lines (looked for token-endpoint "
			     "JSON, REST error arrays, error=... redirects and the %zu patterns of "
			     "extract.conf)",
			     (unsigned long long)ac.records, extract_count(r->rs->extract));
done:;
	/* An email's parts were added after this input: find it again. */
	sum = &r->inputs[seq];
	fc.sum = sum;
	int nonzero;
	uint64_t trail = input_trailing_bytes(in, &nonzero);
	if (trail)
		adapter_note(&ac, nonzero ? NOTE_WARNING : NOTE_INFO, 0,
			     "%llu bytes after the last gzip member are %s, not gzip data; they "
			     "were not read%s",
			     (unsigned long long)trail, nonzero ? "something else" : "zero padding",
			     nonzero ? " (was another file appended to the .gz?)" : "");
	sum->records = ac.records;
	sum->skipped = ac.skipped;
	input_close(in);
}

static void add_unread(struct run *r, const char *path, const char *msg)
{
	r->inputs = xgrow(r->inputs, &r->inputs_cap, r->ninputs + 1, sizeof *r->inputs);
	struct input_summary *sum = &r->inputs[r->ninputs++];
	memset(sum, 0, sizeof *sum);
	sum->file = xstrdup(path);
	sum->failed = 1;
	sum->why = xstrdup(msg);
}

void run_unreadable(struct run *r, const char *path, const char *msg)
{
	add_unread(r, path, msg);
	run_note(r, NOTE_ERROR, path, 0, msg);
}

void run_ticket_note(struct run *r, enum note_level level, const char *file, const char *msg)
{
	run_note(r, level, file, 0, msg);
	if (level != NOTE_ERROR || !file)
		return;
	/* The newest input first: a member's read error follows its input. */
	for (size_t i = r->ninputs; i-- > 0;) {
		struct input_summary *sum = &r->inputs[i];
		if (strcmp(sum->file, file) != 0)
			continue;
		sum->failed = 1;
		if (!sum->why)
			sum->why = xstrdup(msg);
		return;
	}
	add_unread(r, file, msg);
}

void run_file(struct run *r, const char *path)
{
	char err[256];
	struct input *in = input_open_file(path, err, sizeof err);
	if (!in) {
		run_unreadable(r, path, err);
		return;
	}
	run_input(r, in);
}

static void sink_input(void *ctx, struct input *in)
{
	run_input(ctx, in);
}

static void sink_note(void *ctx, enum note_level level, const char *file, const char *msg)
{
	run_ticket_note(ctx, level, file, msg);
}

static void sink_unreadable(void *ctx, const char *path, const char *msg)
{
	run_unreadable(ctx, path, msg);
}

struct ticket_sink run_ticket_sink(struct run *r)
{
	struct ticket_sink s = {r, sink_input, sink_note, sink_unreadable};
	return s;
}

/* How each Setup Audit Trail file's slash dates were read (changes.h). */
static void date_notes(struct run *r)
{
	for (size_t i = 0; i < r->changes.nfiles; i++) {
		const struct change_file *f = &r->changes.files[i];
		char msg[320];
		if (!f->ambiguous)
			continue;
		if (f->read_day_first)
			snprintf(msg, sizeof msg,
				 "dates read day first (dd/mm/yyyy) in the whole file: %llu row(s) "
				 "such as 14/11/2026 can only be day first and none only month "
				 "first, so the %llu date(s) that could be either (such as "
				 "03/11/2026) were read day first too",
				 (unsigned long long)f->day_first,
				 (unsigned long long)f->ambiguous);
		else if (f->day_first && f->month_first)
			snprintf(msg, sizeof msg,
				 "this file mixes dates that can only be day first (%llu) and only "
				 "month first (%llu); the %llu date(s) such as 03/11/2026 that "
				 "could be either were read month first",
				 (unsigned long long)f->day_first,
				 (unsigned long long)f->month_first,
				 (unsigned long long)f->ambiguous);
		else if (f->month_first)
			snprintf(
			    msg, sizeof msg,
			    "dates read month first (mm/dd/yyyy) in the whole file: %llu row(s) "
			    "such as 11/14/2026 can only be month first",
			    (unsigned long long)f->month_first);
		else
			snprintf(
			    msg, sizeof msg,
			    "%llu date(s) such as 03/11/2026 could be day/month or month/day and "
			    "no row of this file settles it (a day over 12); they were read "
			    "month first",
			    (unsigned long long)f->ambiguous);
		run_note(r, NOTE_INFO, f->file, 0, msg);
	}
}

void run_finish(struct run *r)
{
	fill_context(r);
	for (size_t i = 0; i < r->nheld; i++)
		classify_event(r->m, &r->f, &r->held[i].ev);
	/* Keep the first settings (in the order read) for the report. */
	for (size_t i = 0; i < r->nheld; i++) {
		struct held_event *h = &r->held[i];
		if (h->ev.kind != KIND_SETTINGS)
			continue;
		if (r->nsettings++ == 0) {
			r->settings = h->ev;
			r->settings_mem = h->mem;
			r->settings_file = xstrdup(h->ev.file ? h->ev.file : "-");
			r->settings.file = r->settings_file;
			h->mem = NULL;
		}
	}
	for (size_t i = 0; i < r->nheld; i++)
		free(r->held[i].mem);
	free(r->held);
	r->held = NULL;
	r->nheld = r->held_cap = 0;
	correlate(&r->f);
	changes_settle_dates(&r->changes);
	date_notes(r);
	changes_link(&r->changes, &r->f);
	if (r->changes.dropped) {
		char msg[200];
		snprintf(msg, sizeof msg,
			 "more than SFDIAG_MAX_CHANGES (%d) Setup changes concern logins; %llu "
			 "later ones were counted but not kept",
			 SFDIAG_MAX_CHANGES, (unsigned long long)r->changes.dropped);
		run_note(r, NOTE_WARNING, NULL, 0, msg);
	}
	if (r->changes.untimed) {
		char msg[200];
		snprintf(msg, sizeof msg,
			 "%llu Setup change(s) had a date sfdiag could not read; they are listed "
			 "but never named as the trigger of a failure",
			 (unsigned long long)r->changes.untimed);
		run_note(r, NOTE_INFO, NULL, 0, msg);
	}

	for (size_t i = 0; i <= r->rs->nrules; i++) {
		unsigned long hits = matcher_limit_hits(r->m, i);
		if (!hits)
			continue;
		char msg[400];
		if (matcher_given_up(r->m, i))
			snprintf(
			    msg, sizeof msg,
			    "rule %s: a pattern hit the PCRE2 match limit "
			    "(SFDIAG_PCRE2_MATCH_LIMIT) on SFDIAG_MAX_RULE_LIMIT_HITS (%d) "
			    "values, so the rule was not tested for the rest of the input: what "
			    "it finds may be there and not reported; make its patterns cheaper "
			    "(possessive quantifiers, anchors)",
			    r->rs->rules[i].id, SFDIAG_MAX_RULE_LIMIT_HITS);
		else
			snprintf(msg, sizeof msg,
				 "%s %s: a pattern hit the PCRE2 match limit "
				 "(SFDIAG_PCRE2_MATCH_LIMIT) on %lu value(s); the rule was skipped "
				 "for them",
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
