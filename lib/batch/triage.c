/*
 * triage.c - batch triage: many tickets, one summary (see triage.h).
 *
 * The main thread lists DIR (never following a symbolic link), sorts the
 * tickets by name and starts -j workers.  A worker takes the next ticket
 * index under a mutex, diagnoses the ticket in its own struct run, writes its
 * --out reports, keeps a small summary (counts, findings, input notes) and
 * frees the run.  The main thread prints: jsonl ticket k as soon as tickets
 * 0..k are done, every other format once all are done.  All output comes
 * from the summaries in ticket order, so it never depends on thread timing.
 */
#include "batch/triage.h"

#include <cjson/cJSON.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "base/util.h"
#include "input/ticket.h"
#include "report/render.h"

#define TRIAGE_JSON_SCHEMA 1
#define NAME_COLS	   30 /* ticket column of the text summary */
#define NOTES_SHOWN	   3  /* input notes per ticket in text and md summaries */
#define NAMES_SHOWN	   3  /* ticket names per cause in the text rollup */
#define LOOSE_NAME	   "(loose files)"

enum ticket_kind { TICKET_DIR, TICKET_ARCHIVE, TICKET_LOOSE };

struct tnote {
	enum note_level level;
	char *file; /* NULL: about the whole ticket */
	long line;
	char *msg;
};

/* What is kept of one finding once its run is freed. */
struct tfinding {
	int rule;	/* index into the ruleset, -1: unrecognized failure */
	const char *id; /* owned by the ruleset, or static */
	enum severity sev;
	uint64_t count;
	int64_t first, last;
	char *title; /* expanded and escaped for a terminal */
};

struct ticket {
	char *name; /* as found on disk (escape before printing) */
	char *path; /* folder or archive; NULL for the loose files */
	enum ticket_kind kind;
	char **loose; /* TICKET_LOOSE: file paths, sorted */
	size_t nloose, loose_cap;
	struct tnote *pre; /* notes from listing DIR (top-level symlinks...) */
	size_t npre, pre_cap;
	char *outname; /* file name for --out, unique */
	/* Results: written by one worker before done is set under the mutex. */
	int done;
	size_t files;
	uint64_t records;
	struct tfinding *f;
	size_t nf;
	struct tnote *notes; /* errors and warnings only */
	size_t nnotes;
	uint64_t notes_dropped;
	int trouble;		       /* an input error or warning, or a --out write error */
	enum verdict_exit exit_status; /* the run's verdict, or trouble */
	size_t open_failed;
	/* The ticket's JSON, printed by its worker so that the main thread only
	 * copies text: jsonl is one line for --format jsonl (freed once
	 * printed); json is indented for its place in the summary. */
	char *jsonl;
	char *json;
};

struct triage {
	const struct ruleset *rs;
	const char *dir;
	const char *outdir;
	enum triage_format fmt;
	enum severity fail_on;
	struct arc_limits lim;
	struct ticket *t;
	size_t n, cap;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	size_t next; /* next ticket to take */
	size_t ndone;
	uint64_t rows_done;
	FILE *out; /* the summary, and jsonl lines as tickets finish */
	FILE *err; /* notes and progress */
};

static char *ticket_json_text(const struct ticket *tk, int formatted);

/* ---- small helpers ---- */

static void tnote_add(struct tnote **v, size_t *n, size_t *cap, enum note_level level,
		      const char *file, long line, const char *msg)
{
	*v = xgrow(*v, cap, *n + 1, sizeof **v);
	struct tnote *t = &(*v)[(*n)++];
	t->level = level;
	t->file = file ? xstrdup(file) : NULL;
	t->line = line;
	t->msg = xstrdup(msg);
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static const char *level_name(enum note_level l)
{
	return l == NOTE_ERROR ? "error" : l == NOTE_WARNING ? "warning" : "info";
}

/* "FILE:LINE: msg", escaped for a terminal. */
static void note_text(struct strbuf *s, const struct tnote *n)
{
	if (n->file) {
		render_escape_term(s, n->file, strlen(n->file));
		if (n->line)
			sb_printf(s, ":%ld", n->line);
		sb_adds(s, ": ");
	}
	render_escape_term(s, n->msg, strlen(n->msg));
}

static void escaped(struct strbuf *s, const char *str)
{
	render_escape_term(s, str, strlen(str));
}

/* ---- per-ticket results ---- */

static void keep_summary(struct triage *tr, struct ticket *tk, const struct run *r)
{
	const struct finding **v;
	size_t n = findings_sorted(&r->f, &v);
	tk->f = xcalloc(n ? n : 1, sizeof *tk->f);
	tk->nf = n;
	for (size_t i = 0; i < n; i++) {
		struct tfinding *t = &tk->f[i];
		struct strbuf s = {0};
		t->rule = v[i]->rule;
		t->id = finding_id(&r->f, v[i]);
		t->sev = finding_severity(&r->f, v[i]);
		t->count = v[i]->count;
		t->first = v[i]->first;
		t->last = v[i]->last;
		if (t->rule >= 0)
			render_expand(&s, r, v[i], tr->rs->rules[t->rule].title);
		else
			sb_adds(&s, finding_title(&r->f, v[i]));
		t->title = xstrdup(sb_str(&s));
		sb_free(&s);
	}
	free(v);

	tk->files = r->ninputs + tk->open_failed;
	for (size_t i = 0; i < r->ninputs; i++)
		tk->records += r->inputs[i].records;
	size_t cap = 0;
	for (size_t i = 0; i < r->nnotes; i++) {
		const struct note *nt = &r->notes[i];
		if (nt->level == NOTE_INFO)
			continue;
		tnote_add(&tk->notes, &tk->nnotes, &cap, nt->level, nt->file, nt->line, nt->msg);
	}
	tk->notes_dropped = r->notes_dropped;
	struct verdict vd;
	verdict_of(r, tr->fail_on, &vd);
	tk->exit_status = vd.exit_status;
	tk->trouble = vd.trouble;
}

/* Create DIR/name with O_NOFOLLOW, so a planted symbolic link is not
 * written through. */
static FILE *out_open(const char *dir, const char *name, const char *ext)
{
	struct strbuf p = {0};
	sb_printf(&p, "%s/%s%s", dir, name, ext);
	int fd = open(sb_str(&p), O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0666);
	sb_free(&p);
	if (fd < 0)
		return NULL;
	FILE *fp = fdopen(fd, "w");
	if (!fp)
		close(fd);
	return fp;
}

/* Report a --out failure as an error note of the ticket. */
static void out_failed(struct ticket *tk, const char *dir, const char *name, const char *ext,
		       int err)
{
	struct strbuf p = {0};
	char msg[200];
	sb_printf(&p, "%s/%s%s", dir, name, ext);
	snprintf(msg, sizeof msg, "cannot write report: %s", strerror(err));
	size_t cap = tk->nnotes;
	tnote_add(&tk->notes, &tk->nnotes, &cap, NOTE_ERROR, sb_str(&p), 0, msg);
	tk->trouble = 1;
	tk->exit_status = VERDICT_TROUBLE;
	sb_free(&p);
}

static void write_report(struct triage *tr, struct ticket *tk, const struct run *r, const char *ext)
{
	struct render_opts ro = {.color = 0, .width = 80, .fail_on = tr->fail_on};
	errno = 0;
	FILE *fp = out_open(tr->outdir, tk->outname, ext);
	if (!fp) {
		out_failed(tk, tr->outdir, tk->outname, ext, errno ? errno : EIO);
		return;
	}
	int rc = strcmp(ext, ".json") == 0 ? render_json(fp, r, &ro) : render_text(fp, r, &ro);
	errno = 0;
	if (rc != 0 || fflush(fp) != 0 || ferror(fp))
		rc = -1;
	int e = errno ? errno : EIO;
	if (fclose(fp) != 0 && rc == 0) {
		e = errno ? errno : EIO;
		rc = -1;
	}
	if (rc != 0)
		out_failed(tk, tr->outdir, tk->outname, ext, e);
}

static void diagnose(struct triage *tr, struct ticket *tk)
{
	struct run r;
	if (run_init(&r, tr->rs) != 0) {
		size_t cap = 0;
		tnote_add(&tk->notes, &tk->nnotes, &cap, NOTE_ERROR, NULL, 0, "out of memory");
		tk->trouble = 1;
		tk->exit_status = VERDICT_TROUBLE;
		return;
	}
	struct ticket_reader rd = {.sink = run_ticket_sink(&r), .lim = &tr->lim};
	for (size_t i = 0; i < tk->npre; i++)
		run_note(&r, tk->pre[i].level, tk->pre[i].file, tk->pre[i].line, tk->pre[i].msg);
	if (tk->kind == TICKET_DIR) {
		ticket_read_dir(&rd, tk->path);
	} else if (tk->kind == TICKET_ARCHIVE) {
		ticket_read_file(&rd, tk->path);
	} else {
		for (size_t i = 0; i < tk->nloose; i++)
			ticket_read_file(&rd, tk->loose[i]);
	}
	tk->open_failed = rd.open_failed;
	ticket_reader_free(&rd);
	run_finish(&r);
	if (r.ninputs == 0 && tk->open_failed == 0 && r.nnotes == 0)
		run_note(&r, NOTE_ERROR, tk->path, 0, "no file to diagnose in this ticket");
	keep_summary(tr, tk, &r);
	if (tr->outdir) {
		if (tr->fmt != TRIAGE_JSON && tr->fmt != TRIAGE_JSONL)
			write_report(tr, tk, &r, ".txt");
		write_report(tr, tk, &r, ".json");
	}
	run_free(&r);
}

static void *worker(void *arg)
{
	struct triage *tr = arg;
	for (;;) {
		pthread_mutex_lock(&tr->mu);
		size_t k = tr->next < tr->n ? tr->next++ : tr->n;
		pthread_mutex_unlock(&tr->mu);
		if (k >= tr->n)
			break;
		struct ticket *tk = &tr->t[k];
		diagnose(tr, tk);
		if (tr->fmt == TRIAGE_JSONL)
			tk->jsonl = ticket_json_text(tk, 0);
		if (tr->fmt == TRIAGE_JSON || tr->outdir)
			tk->json = ticket_json_text(tk, 1);
		pthread_mutex_lock(&tr->mu);
		tr->t[k].done = 1;
		tr->ndone++;
		tr->rows_done += tr->t[k].records;
		pthread_cond_broadcast(&tr->cv);
		pthread_mutex_unlock(&tr->mu);
	}
	return NULL;
}

/* ---- listing DIR ---- */

static struct ticket *ticket_new(struct triage *tr, const char *name, char *path,
				 enum ticket_kind kind)
{
	tr->t = xgrow(tr->t, &tr->cap, tr->n + 1, sizeof *tr->t);
	struct ticket *tk = &tr->t[tr->n++];
	memset(tk, 0, sizeof *tk);
	tk->name = xstrdup(name);
	tk->path = path;
	tk->kind = kind;
	return tk;
}

static int cmp_ticket(const void *a, const void *b)
{
	const struct ticket *x = a, *y = b;
	int c = strcmp(x->name, y->name);
	if (c || !x->path || !y->path)
		return c ? c : !x->path - !y->path;
	return strcmp(x->path, y->path);
}

/* List the tickets of DIR, sorted by name.  Returns 0, or -1 after a message. */
static int list_tickets(struct triage *tr)
{
	DIR *d = opendir(tr->dir);
	if (!d) {
		struct strbuf s = {0};
		escaped(&s, tr->dir);
		fprintf(tr->err, "sfdiag: %s: cannot read folder: %s\n", sb_str(&s),
			strerror(errno));
		sb_free(&s);
		return -1;
	}
	struct ticket loose = {0};
	struct dirent *de;
	while ((de = readdir(d)) != NULL) {
		const char *nm = de->d_name;
		if (nm[0] == '.') /* ".", "..", .DS_Store, .git */
			continue;
		char *p = path_join(tr->dir, nm);
		struct stat st;
		if (lstat(p, &st) != 0) {
			char msg[200];
			snprintf(msg, sizeof msg, "cannot read: %s", strerror(errno));
			tnote_add(&loose.pre, &loose.npre, &loose.pre_cap, NOTE_WARNING, p, 0, msg);
			free(p);
		} else if (S_ISDIR(st.st_mode)) {
			ticket_new(tr, nm, p, TICKET_DIR);
		} else if (S_ISREG(st.st_mode) && arc_suffix(nm)) {
			char *name = xstrndup(nm, strlen(nm) - arc_suffix(nm));
			ticket_new(tr, name, p, TICKET_ARCHIVE);
			free(name);
		} else if (S_ISREG(st.st_mode)) {
			loose.loose = xgrow(loose.loose, &loose.loose_cap, loose.nloose + 1,
					    sizeof *loose.loose);
			loose.loose[loose.nloose++] = p;
		} else {
			tnote_add(&loose.pre, &loose.npre, &loose.pre_cap, NOTE_WARNING, p, 0,
				  S_ISLNK(st.st_mode) ? "symbolic link; not followed, skipped"
						      : "not a regular file or folder; skipped");
			free(p);
		}
	}
	closedir(d);
	if (loose.nloose || loose.npre) {
		struct ticket *tk = ticket_new(tr, LOOSE_NAME, NULL, TICKET_LOOSE);
		if (loose.nloose > 1)
			qsort(loose.loose, loose.nloose, sizeof *loose.loose, cmp_str);
		tk->loose = loose.loose;
		tk->nloose = loose.nloose;
		tk->pre = loose.pre;
		tk->npre = loose.npre;
	}
	if (tr->n > 1)
		qsort(tr->t, tr->n, sizeof *tr->t, cmp_ticket);
	return 0;
}

/* A file name for each ticket: no '/', no control character, no leading dot,
 * unique even on a case-insensitive file system, never "summary". */
static void name_outputs(struct triage *tr)
{
	struct strset taken = {0};
	strset_add_nocase(&taken, "summary");
	for (size_t i = 0; i < tr->n; i++) {
		struct strbuf s = {0};
		const char *nm = tr->t[i].name;
		size_t len = strlen(nm);
		for (size_t j = 0; j < len && j < 200; j++) {
			unsigned char c = (unsigned char)nm[j];
			sb_addc(&s, (c == '/' || c == '\\' || c < 0x20 || c == 0x7F ||
				     (j == 0 && c == '.'))
					? '_'
					: (char)c);
		}
		if (!s.len)
			sb_addc(&s, '_');
		char *base = xstrdup(sb_str(&s));
		for (unsigned k = 2; strset_add_nocase(&taken, sb_str(&s)); k++) {
			sb_reset(&s);
			sb_printf(&s, "%s-%u", base, k);
		}
		free(base);
		tr->t[i].outname = xstrdup(sb_str(&s));
		sb_free(&s);
	}
	strset_free(&taken);
}

/* ---- the rollup: findings grouped by cause across tickets ---- */

struct cause {
	int rule;
	const char *id;
	enum severity sev;
	size_t tickets;
	uint64_t count;
	int64_t first;
	const char *title; /* common expanded title, or NULL if they differ */
	char *generic;	   /* the rule's title with no evidence, when they differ */
	size_t *which;	   /* ticket indexes, in ticket order */
};

static int cmp_cause(const void *a, const void *b)
{
	const struct cause *x = a, *y = b;
	if (x->tickets != y->tickets)
		return x->tickets > y->tickets ? -1 : 1;
	if (x->count != y->count)
		return x->count > y->count ? -1 : 1;
	if (x->sev != y->sev)
		return x->sev > y->sev ? -1 : 1;
	return strcmp(x->id, y->id);
}

static size_t rollup(const struct triage *tr, struct cause **out)
{
	size_t slots = tr->rs->nrules + 1;
	struct cause *c = xcalloc(slots, sizeof *c);
	for (size_t k = 0; k < tr->n; k++) {
		const struct ticket *tk = &tr->t[k];
		for (size_t i = 0; i < tk->nf; i++) {
			const struct tfinding *f = &tk->f[i];
			struct cause *x = &c[f->rule >= 0 ? (size_t)f->rule : slots - 1];
			if (!x->tickets) {
				x->rule = f->rule;
				x->id = f->id;
				x->sev = f->sev;
				x->first = EVENT_NO_TIME;
				x->title = f->title;
				x->which = xmalloc(tr->n * sizeof *x->which);
			} else if (x->title && strcmp(x->title, f->title) != 0) {
				x->title = NULL;
			}
			x->which[x->tickets++] = k;
			x->count += f->count;
			if (f->first != EVENT_NO_TIME &&
			    (x->first == EVENT_NO_TIME || f->first < x->first))
				x->first = f->first;
		}
	}
	size_t n = 0;
	for (size_t i = 0; i < slots; i++) {
		if (!c[i].tickets)
			continue;
		if (!c[i].title && c[i].rule >= 0) {
			/* Tickets disagree on the details: say it without them. */
			struct run dummy = {.rs = tr->rs};
			struct strbuf sb = {0};
			render_expand(&sb, &dummy, NULL, tr->rs->rules[c[i].rule].title);
			c[i].generic = xstrdup(sb_str(&sb));
			sb_free(&sb);
		}
		c[n++] = c[i];
	}
	if (n > 1)
		qsort(c, n, sizeof *c, cmp_cause);
	*out = c;
	return n;
}

/* The title of a cause: the tickets' own when they all agree, else the rule's
 * title told without evidence ("... of the user"). */
static const char *cause_title(const struct triage *tr, const struct cause *c)
{
	(void)tr;
	if (c->title)
		return c->title;
	return c->generic ? c->generic : "Login failures that no rule explains";
}

static void free_rollup(struct cause *c, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(c[i].which);
		free(c[i].generic);
	}
	free(c);
}

/* ---- text ---- */

static void wrap(struct strbuf *out, const char *text, size_t col, size_t indent)
{
	render_wrap(out, text, col, indent, 80);
}

static void totals(const struct triage *tr, size_t *files, uint64_t *rows, size_t *trouble)
{
	*files = 0;
	*rows = 0;
	*trouble = 0;
	for (size_t i = 0; i < tr->n; i++) {
		*files += tr->t[i].files;
		*rows += tr->t[i].records;
		*trouble += tr->t[i].trouble != 0;
	}
}

static void text_summary(struct strbuf *o, const struct triage *tr, const struct cause *c,
			 size_t nc)
{
	size_t files, trouble;
	uint64_t rows;
	struct strbuf s = {0};
	char ts[32];

	totals(tr, &files, &rows, &trouble);
	sb_adds(&s, "sfdiag triage ");
	escaped(&s, tr->dir);
	sb_printf(&s, ": %zu ticket%s, %zu file%s, ", tr->n, tr->n == 1 ? "" : "s", files,
		  files == 1 ? "" : "s");
	render_count(&s, rows);
	sb_printf(&s, " row%s read", rows == 1 ? "" : "s");
	if (trouble)
		sb_printf(&s, "; %zu ticket%s with input errors", trouble, trouble == 1 ? "" : "s");
	wrap(o, sb_str(&s), 0, 2);

	sb_printf(o, "\n%-*s %5s %10s %9s  %s\n", NAME_COLS, "TICKET", "FILES", "ROWS", "FINDINGS",
		  "TOP SEVERITY");
	for (size_t k = 0; k < tr->n; k++) {
		const struct ticket *tk = &tr->t[k];
		sb_reset(&s);
		escaped(&s, tk->name);
		size_t cols = render_columns(s.buf, s.len);
		sb_add(o, s.buf, s.len);
		if (cols > NAME_COLS) {
			sb_addc(o, '\n');
			cols = 0;
		}
		for (; cols < NAME_COLS; cols++)
			sb_addc(o, ' ');
		sb_reset(&s);
		render_count(&s, tk->records);
		sb_printf(o, " %5zu %10s %9zu  %s\n", tk->files, sb_str(&s), tk->nf,
			  tk->nf ? severity_name(tk->f[0].sev) : "-");
		if (tk->nf) {
			sb_reset(&s);
			sb_printf(&s, "%s - %s", tk->f[0].id, tk->f[0].title);
			sb_adds(o, "  top cause: ");
			wrap(o, sb_str(&s), 13, 4);
		} else if (!tk->records) {
			sb_adds(o, "  nothing read\n");
		} else {
			sb_adds(o, "  no failure found\n");
		}
		for (size_t i = 0; i < tk->nnotes && i < NOTES_SHOWN; i++) {
			sb_reset(&s);
			sb_printf(&s, "%s: ", level_name(tk->notes[i].level));
			note_text(&s, &tk->notes[i]);
			sb_adds(o, "  ");
			wrap(o, sb_str(&s), 2, 4);
		}
		uint64_t more = tk->nnotes > NOTES_SHOWN ? tk->nnotes - NOTES_SHOWN : 0;
		more += tk->notes_dropped;
		if (more)
			sb_printf(o, "  (+%llu more input notes)\n", (unsigned long long)more);
	}

	sb_adds(o, "\nCauses across tickets, most tickets first:\n");
	if (!nc)
		sb_adds(o, "  none: no failure in any ticket\n");
	for (size_t i = 0; i < nc; i++) {
		sb_reset(&s);
		sb_printf(&s, "%zu ticket%s: %s - %s; ", c[i].tickets, c[i].tickets == 1 ? "" : "s",
			  c[i].id, cause_title(tr, &c[i]));
		sb_printf(&s, "%s, ", severity_name(c[i].sev));
		render_count(&s, c[i].count);
		sb_printf(&s, " %s", render_noun(tr->rs, c[i].rule, c[i].count != 1));
		if (c[i].first != EVENT_NO_TIME) {
			time_format_short(c[i].first, ts);
			sb_printf(&s, "; first seen %s", ts);
		}
		sb_adds(&s, "; tickets: ");
		for (size_t j = 0; j < c[i].tickets && j < NAMES_SHOWN; j++) {
			if (j)
				sb_adds(&s, ", ");
			escaped(&s, tr->t[c[i].which[j]].name);
		}
		if (c[i].tickets > NAMES_SHOWN)
			sb_printf(&s, " (+%zu more)", c[i].tickets - NAMES_SHOWN);
		sb_adds(o, "  ");
		wrap(o, sb_str(&s), 2, 4);
	}
	sb_free(&s);
}

/* ---- JSON ---- */

static void json_time(cJSON *o, const char *key, int64_t t)
{
	char buf[32];
	if (t == EVENT_NO_TIME) {
		cJSON_AddNullToObject(o, key);
		return;
	}
	time_format_iso(t, buf);
	cJSON_AddStringToObject(o, key, buf);
}

/* Input-derived names are escaped as for a terminal, so that the JSON stays
 * valid UTF-8 whatever bytes a file name holds. */
static void json_escaped(cJSON *o, const char *key, const char *s)
{
	struct strbuf b = {0};
	escaped(&b, s);
	cJSON_AddStringToObject(o, key, sb_str(&b));
	sb_free(&b);
}

static cJSON *ticket_json(const struct ticket *tk)
{
	cJSON *o = cJSON_CreateObject();
	json_escaped(o, "ticket", tk->name);
	cJSON_AddNumberToObject(o, "files", (double)tk->files);
	cJSON_AddNumberToObject(o, "records", (double)tk->records);
	cJSON *fs = cJSON_AddArrayToObject(o, "findings");
	for (size_t i = 0; i < tk->nf; i++) {
		const struct tfinding *f = &tk->f[i];
		cJSON *fo = cJSON_CreateObject();
		cJSON_AddStringToObject(fo, "id", f->id);
		cJSON_AddStringToObject(fo, "title", f->title);
		cJSON_AddStringToObject(fo, "severity", severity_name(f->sev));
		cJSON_AddNumberToObject(fo, "count", (double)f->count);
		json_time(fo, "first_seen", f->first);
		json_time(fo, "last_seen", f->last);
		cJSON_AddItemToArray(fs, fo);
	}
	if (tk->nf) {
		cJSON *top = cJSON_AddObjectToObject(o, "top_cause");
		cJSON_AddStringToObject(top, "id", tk->f[0].id);
		cJSON_AddStringToObject(top, "title", tk->f[0].title);
		cJSON_AddStringToObject(top, "severity", severity_name(tk->f[0].sev));
	} else {
		cJSON_AddNullToObject(o, "top_cause");
	}
	cJSON *es = cJSON_AddArrayToObject(o, "errors");
	for (size_t i = 0; i < tk->nnotes; i++) {
		const struct tnote *n = &tk->notes[i];
		cJSON *no = cJSON_CreateObject();
		cJSON_AddStringToObject(no, "level", level_name(n->level));
		if (n->file)
			json_escaped(no, "file", n->file);
		else
			cJSON_AddNullToObject(no, "file");
		cJSON_AddNumberToObject(no, "line", (double)n->line);
		json_escaped(no, "message", n->msg);
		cJSON_AddItemToArray(es, no);
	}
	cJSON_AddNumberToObject(o, "errors_not_shown", (double)tk->notes_dropped);
	return o;
}

static cJSON *summary_json(const struct triage *tr, const struct cause *c, size_t nc)
{
	cJSON *root = cJSON_CreateObject();
	size_t files, trouble;
	uint64_t rows;
	totals(tr, &files, &rows, &trouble);
	cJSON_AddNumberToObject(root, "schema", TRIAGE_JSON_SCHEMA);
	json_escaped(root, "dir", tr->dir);
	cJSON_AddNumberToObject(root, "files", (double)files);
	cJSON_AddNumberToObject(root, "records", (double)rows);
	cJSON_AddNumberToObject(root, "tickets_with_input_errors", (double)trouble);
	cJSON_AddStringToObject(root, "fail_on", severity_name(tr->fail_on));
	cJSON *ts = cJSON_AddArrayToObject(root, "tickets");
	for (size_t k = 0; k < tr->n; k++)
		cJSON_AddItemToArray(ts, cJSON_CreateRaw(tr->t[k].json));
	cJSON *ro = cJSON_AddArrayToObject(root, "rollup");
	for (size_t i = 0; i < nc; i++) {
		cJSON *co = cJSON_CreateObject();
		cJSON_AddStringToObject(co, "id", c[i].id);
		cJSON_AddStringToObject(co, "title", cause_title(tr, &c[i]));
		cJSON_AddStringToObject(co, "severity", severity_name(c[i].sev));
		cJSON_AddNumberToObject(co, "tickets", (double)c[i].tickets);
		cJSON_AddNumberToObject(co, "count", (double)c[i].count);
		json_time(co, "first_seen", c[i].first);
		cJSON *names = cJSON_AddArrayToObject(co, "ticket_names");
		for (size_t j = 0; j < c[i].tickets; j++) {
			struct strbuf b = {0};
			escaped(&b, tr->t[c[i].which[j]].name);
			cJSON_AddItemToArray(names, cJSON_CreateString(sb_str(&b)));
			sb_free(&b);
		}
		cJSON_AddItemToArray(ro, co);
	}
	return root;
}

/* Print and free root; cJSON's allocation failure ends the run, as x*alloc. */
static char *json_print(cJSON *root, int formatted)
{
	char *text = formatted ? cJSON_Print(root) : cJSON_PrintUnformatted(root);
	cJSON_Delete(root);
	if (!text) {
		fputs("sfdiag: out of memory\n", stderr);
		exit(VERDICT_TROUBLE);
	}
	return text;
}

static void json_out(struct strbuf *o, cJSON *root, int formatted)
{
	char *text = json_print(root, formatted);
	sb_adds(o, text);
	sb_addc(o, '\n');
	cJSON_free(text);
}

/*
 * A ticket's JSON as text.  Formatted, every line after the first gets two
 * more tabs: cJSON indents a value by its depth, and a ticket sits at depth
 * two in the summary (root object, "tickets" array), where it goes in raw.
 * JSON strings hold no raw line breaks, so only layout lines are touched.
 */
static char *ticket_json_text(const struct ticket *tk, int formatted)
{
	char *text = json_print(ticket_json(tk), formatted);
	if (!formatted)
		return text;
	struct strbuf b = {0};
	for (const char *p = text; *p; p++) {
		sb_addc(&b, *p);
		if (*p == '\n')
			sb_add(&b, "\t\t", 2);
	}
	cJSON_free(text);
	return b.buf; /* text is never empty, so b owns a buffer */
}

/* ---- CSV (RFC 4180) ---- */

/* One cell: escaped for a terminal, a leading = + - @ TAB CR neutralized
 * with a quote so that no spreadsheet runs it as a formula, and quoted when
 * it holds a comma, a quote or a line break. */
static void csv_cell(struct strbuf *o, const char *s, int last)
{
	struct strbuf b = {0};
	if (s[0] && strchr("=+-@\t\r", s[0]))
		sb_addc(&b, '\'');
	escaped(&b, s);
	const char *v = sb_str(&b);
	if (strpbrk(v, ",\"\r\n")) {
		sb_addc(o, '"');
		for (const char *p = v; *p; p++) {
			if (*p == '"')
				sb_addc(o, '"');
			sb_addc(o, *p);
		}
		sb_addc(o, '"');
	} else {
		sb_adds(o, v);
	}
	sb_adds(o, last ? "\r\n" : ",");
	sb_free(&b);
}

static void csv_summary(struct strbuf *o, const struct triage *tr)
{
	static const char *const head[] = {"ticket",   "files",	       "records",
					   "findings", "severity",     "top_cause",
					   "title",    "input_errors", "first_error"};
	size_t nh = sizeof head / sizeof head[0];
	for (size_t i = 0; i < nh; i++)
		csv_cell(o, head[i], i + 1 == nh);
	for (size_t k = 0; k < tr->n; k++) {
		const struct ticket *tk = &tr->t[k];
		char num[32];
		csv_cell(o, tk->name, 0);
		snprintf(num, sizeof num, "%zu", tk->files);
		csv_cell(o, num, 0);
		snprintf(num, sizeof num, "%llu", (unsigned long long)tk->records);
		csv_cell(o, num, 0);
		snprintf(num, sizeof num, "%zu", tk->nf);
		csv_cell(o, num, 0);
		csv_cell(o, tk->nf ? severity_name(tk->f[0].sev) : "", 0);
		csv_cell(o, tk->nf ? tk->f[0].id : "", 0);
		csv_cell(o, tk->nf ? tk->f[0].title : "", 0);
		snprintf(num, sizeof num, "%llu",
			 (unsigned long long)(tk->nnotes + tk->notes_dropped));
		csv_cell(o, num, 0);
		struct strbuf s = {0};
		if (tk->nnotes)
			note_text(&s, &tk->notes[0]);
		/* note_text escaped already; a second escape leaves it as is. */
		csv_cell(o, sb_str(&s), 1);
		sb_free(&s);
	}
}

/* ---- Markdown ---- */

/* A table cell: escaped for a terminal, then Markdown and HTML made inert. */
static void md_cell(struct strbuf *o, const char *s)
{
	struct strbuf b = {0};
	escaped(&b, s);
	sb_adds(o, " ");
	render_md_text(o, sb_str(&b), 0);
	sb_adds(o, " |");
	sb_free(&b);
}

static void md_summary(struct strbuf *o, const struct triage *tr, const struct cause *c, size_t nc)
{
	char ts[32], num[32];
	sb_adds(o, "# sfdiag triage\n\n## Causes across tickets\n\n");
	sb_adds(o,
		"| Tickets | Cause | Severity | Failed logins | First seen | Title | Ticket names "
		"|\n|---:|---|---|---:|---|---|---|\n");
	for (size_t i = 0; i < nc; i++) {
		snprintf(num, sizeof num, "%zu", c[i].tickets);
		sb_addc(o, '|');
		md_cell(o, num);
		md_cell(o, c[i].id);
		md_cell(o, severity_name(c[i].sev));
		snprintf(num, sizeof num, "%llu", (unsigned long long)c[i].count);
		md_cell(o, num);
		if (c[i].first != EVENT_NO_TIME)
			time_format_short(c[i].first, ts);
		md_cell(o, c[i].first != EVENT_NO_TIME ? ts : "");
		md_cell(o, cause_title(tr, &c[i]));
		struct strbuf s = {0};
		for (size_t j = 0; j < c[i].tickets; j++) {
			if (j)
				sb_adds(&s, ", ");
			sb_adds(&s, tr->t[c[i].which[j]].name);
		}
		md_cell(o, sb_str(&s));
		sb_free(&s);
		sb_addc(o, '\n');
	}
	sb_adds(o, "\n## Tickets\n\n");
	sb_adds(o,
		"| Ticket | Files | Rows | Findings | Severity | Top cause | Title | Input errors "
		"|\n|---|---:|---:|---:|---|---|---|---|\n");
	for (size_t k = 0; k < tr->n; k++) {
		const struct ticket *tk = &tr->t[k];
		sb_addc(o, '|');
		md_cell(o, tk->name);
		snprintf(num, sizeof num, "%zu", tk->files);
		md_cell(o, num);
		snprintf(num, sizeof num, "%llu", (unsigned long long)tk->records);
		md_cell(o, num);
		snprintf(num, sizeof num, "%zu", tk->nf);
		md_cell(o, num);
		md_cell(o, tk->nf ? severity_name(tk->f[0].sev) : "");
		md_cell(o, tk->nf ? tk->f[0].id : "");
		md_cell(o, tk->nf ? tk->f[0].title : "");
		struct strbuf s = {0};
		for (size_t i = 0; i < tk->nnotes && i < NOTES_SHOWN; i++) {
			if (i)
				sb_adds(&s, "; ");
			note_text(&s, &tk->notes[i]);
		}
		if (tk->nnotes > NOTES_SHOWN || tk->notes_dropped)
			sb_printf(&s, " (+%llu more)",
				  (unsigned long long)(tk->nnotes -
						       (tk->nnotes > NOTES_SHOWN ? NOTES_SHOWN
										 : tk->nnotes) +
						       tk->notes_dropped));
		md_cell(o, sb_str(&s));
		sb_free(&s);
		sb_addc(o, '\n');
	}
}

/* ---- progress ---- */

static double now_sec(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* One updating line: "12/40 tickets, 1,234 rows/s, ETA 0:12". */
static void progress(FILE *err, size_t done, size_t total, uint64_t rows, double elapsed)
{
	struct strbuf s = {0};
	sb_printf(&s, "\rsfdiag triage: %zu/%zu tickets, ", done, total);
	render_count(&s, elapsed > 0 ? (uint64_t)((double)rows / elapsed) : 0);
	sb_adds(&s, " rows/s");
	if (done) {
		unsigned long eta =
		    (unsigned long)(elapsed / (double)done * (double)(total - done) + 0.5);
		sb_printf(&s, ", ETA %lu:%02lu", eta / 60, eta % 60);
	}
	sb_adds(&s, "\033[K");
	fputs(sb_str(&s), err);
	fflush(err);
	sb_free(&s);
}

static void progress_clear(FILE *err)
{
	fputs("\r\033[K", err);
	fflush(err);
}

/* ---- output ---- */

static void print_notes(const struct triage *tr, const struct ticket *tk)
{
	for (size_t i = 0; i < tk->nnotes; i++) {
		struct strbuf s = {0};
		if (!tk->notes[i].file) { /* say which ticket */
			escaped(&s, tk->name);
			sb_adds(&s, ": ");
		}
		note_text(&s, &tk->notes[i]);
		fprintf(tr->err, "sfdiag: %s\n", sb_str(&s));
		sb_free(&s);
	}
	if (tk->notes_dropped) {
		struct strbuf s = {0};
		escaped(&s, tk->name);
		fprintf(tr->err, "sfdiag: %s: %llu more input notes not shown (SFDIAG_MAX_NOTES)\n",
			sb_str(&s), (unsigned long long)tk->notes_dropped);
		sb_free(&s);
	}
}

/* Write a whole summary file into --out.  Returns 0 or -1 after a message. */
static int write_summary_file(const struct triage *tr, const char *name, const struct strbuf *b)
{
	errno = 0;
	FILE *fp = out_open(tr->outdir, name, "");
	int rc = fp ? 0 : -1;
	if (fp) {
		if (fwrite(b->buf ? b->buf : "", 1, b->len, fp) != b->len || fflush(fp) != 0)
			rc = -1;
		if (fclose(fp) != 0)
			rc = -1;
	}
	if (rc) {
		struct strbuf s = {0};
		escaped(&s, tr->outdir);
		fprintf(tr->err, "sfdiag: %s/%s: cannot write: %s\n", sb_str(&s), name,
			strerror(errno ? errno : EIO));
		sb_free(&s);
	}
	return rc;
}

static int write_out(FILE *fp, const struct strbuf *b)
{
	return b->len && fwrite(b->buf, 1, b->len, fp) != b->len ? -1 : 0;
}

/* Wait for the workers, printing jsonl lines in ticket order and progress. */
static int collect(struct triage *tr, int show_progress)
{
	int werr = 0;
	size_t printed = 0;
	double start = now_sec(), last = 0;
	pthread_mutex_lock(&tr->mu);
	while (printed < tr->n) {
		while (printed < tr->n && tr->t[printed].done) {
			pthread_mutex_unlock(&tr->mu);
			const struct ticket *tk = &tr->t[printed];
			if (show_progress)
				progress_clear(tr->err);
			print_notes(tr, tk);
			if (tr->fmt == TRIAGE_JSONL) {
				struct ticket *done = &tr->t[printed];
				if (fputs(done->jsonl, tr->out) == EOF ||
				    fputc('\n', tr->out) == EOF || fflush(tr->out) != 0)
					werr = -1;
				free(done->jsonl);
				done->jsonl = NULL;
			}
			printed++;
			last = 0;
			pthread_mutex_lock(&tr->mu);
		}
		if (printed >= tr->n)
			break;
		if (show_progress) {
			double t = now_sec();
			if (t - last >= 0.2) {
				progress(tr->err, tr->ndone, tr->n, tr->rows_done, t - start);
				last = t;
			}
			struct timespec ts;
			clock_gettime(CLOCK_REALTIME, &ts);
			ts.tv_nsec += 200000000L;
			if (ts.tv_nsec >= 1000000000L) {
				ts.tv_sec++;
				ts.tv_nsec -= 1000000000L;
			}
			pthread_cond_timedwait(&tr->cv, &tr->mu, &ts);
		} else {
			pthread_cond_wait(&tr->cv, &tr->mu);
		}
	}
	pthread_mutex_unlock(&tr->mu);
	if (show_progress)
		progress_clear(tr->err);
	return werr;
}

static int print_summary(struct triage *tr)
{
	struct cause *c;
	size_t nc = rollup(tr, &c);
	struct strbuf b = {0};
	int rc = 0;

	switch (tr->fmt) {
	case TRIAGE_TEXT:
		text_summary(&b, tr, c, nc);
		break;
	case TRIAGE_JSON:
		json_out(&b, summary_json(tr, c, nc), 1);
		break;
	case TRIAGE_CSV:
		csv_summary(&b, tr);
		break;
	case TRIAGE_MD:
		md_summary(&b, tr, c, nc);
		break;
	case TRIAGE_JSONL:
		break;
	}
	if (write_out(tr->out, &b) != 0)
		rc = -1;
	if (tr->outdir) {
		sb_reset(&b);
		csv_summary(&b, tr);
		if (write_summary_file(tr, "summary.csv", &b) != 0)
			rc = -2;
		sb_reset(&b);
		json_out(&b, summary_json(tr, c, nc), 1);
		if (write_summary_file(tr, "summary.json", &b) != 0)
			rc = -2;
	}
	sb_free(&b);
	free_rollup(c, nc);
	return rc;
}

static void free_tickets(struct triage *tr)
{
	for (size_t k = 0; k < tr->n; k++) {
		struct ticket *tk = &tr->t[k];
		free(tk->name);
		free(tk->path);
		for (size_t i = 0; i < tk->nloose; i++)
			free(tk->loose[i]);
		free(tk->loose);
		for (size_t i = 0; i < tk->npre; i++) {
			free(tk->pre[i].file);
			free(tk->pre[i].msg);
		}
		free(tk->pre);
		free(tk->outname);
		for (size_t i = 0; i < tk->nf; i++)
			free(tk->f[i].title);
		free(tk->f);
		for (size_t i = 0; i < tk->nnotes; i++) {
			free(tk->notes[i].file);
			free(tk->notes[i].msg);
		}
		free(tk->notes);
		free(tk->jsonl);
		free(tk->json);
	}
	free(tr->t);
}

/* ---- the batch ---- */

int triage_format_parse(const char *s, enum triage_format *f)
{
	static const char *const names[] = {"text", "json", "jsonl", "csv", "md"};
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
		if (strcmp(s, names[i]) == 0) {
			*f = (enum triage_format)i;
			return 0;
		}
	}
	return -1;
}

static int run_workers(struct triage *tr, long jobs, int show_progress)
{
	size_t nthreads = (size_t)jobs < tr->n ? (size_t)jobs : tr->n;
	pthread_t *th = xcalloc(nthreads ? nthreads : 1, sizeof *th);
	size_t started = 0;
	for (; started < nthreads; started++)
		if (pthread_create(&th[started], NULL, worker, tr) != 0)
			break;
	if (started == 0 && tr->n)
		worker(tr); /* no thread could start: do the work here */
	int werr = collect(tr, show_progress);
	for (size_t i = 0; i < started; i++)
		pthread_join(th[i], NULL);
	free(th);
	return werr;
}

int triage_run(const struct triage_opts *o)
{
	struct triage tr = {.rs = o->rs,
			    .dir = o->dir,
			    .outdir = o->outdir,
			    .fmt = o->fmt,
			    .fail_on = o->fail_on,
			    .lim = arc_default_limits(),
			    .out = o->out,
			    .err = o->err};
	if (list_tickets(&tr) != 0)
		return VERDICT_TROUBLE;
	name_outputs(&tr);
	pthread_mutex_init(&tr.mu, NULL);
	pthread_cond_init(&tr.cv, NULL);
	/* libarchive converts zip (DOS) times with mktime, whose first tzset
	 * allocates; do it here once rather than in racing workers. */
	tzset();

	int werr = run_workers(&tr, o->jobs < 1 ? 1 : o->jobs, o->show_progress);
	int serr = print_summary(&tr);

	enum verdict_exit rc = VERDICT_CLEAN;
	for (size_t k = 0; k < tr.n; k++)
		if (tr.t[k].exit_status > rc)
			rc = tr.t[k].exit_status;
	pthread_cond_destroy(&tr.cv);
	pthread_mutex_destroy(&tr.mu);
	free_tickets(&tr);
	if (fflush(tr.out) != 0 || ferror(tr.out))
		werr = -1;
	if (werr != 0 || serr == -1) {
		fputs("sfdiag: write error on standard output\n", tr.err);
		return VERDICT_TROUBLE;
	}
	return serr ? VERDICT_TROUBLE : (int)rc;
}
