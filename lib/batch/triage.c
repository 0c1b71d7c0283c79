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

#include "base/mask.h"
#include "base/util.h"
#include "batch/incident.h"
#include "input/ticket.h"
#include "report/model.h"
#include "report/render.h"
#include "report/summary.h"

#define LOOSE_NAME "(loose files)"

enum ticket_kind { TICKET_DIR, TICKET_ARCHIVE, TICKET_LOOSE };

struct tnote {
	enum note_level level;
	char *file; /* NULL: about the whole ticket */
	long line;
	char *msg;
};

struct ticket {
	struct summary_ticket sum; /* its name, and its results once done */
	char *path;		   /* folder or archive; NULL for the loose files */
	enum ticket_kind kind;
	char **loose; /* TICKET_LOOSE: file paths, sorted */
	size_t nloose, loose_cap;
	struct tnote *pre; /* notes from listing DIR (top-level symlinks...) */
	size_t npre, pre_cap;
	char *outname; /* file name for --out, unique */
	/* Results (sum and these): written by one worker before done is set
	 * under the mutex. */
	int done;
	enum verdict_exit exit_status; /* the run's verdict, or trouble */
	size_t open_failed;
	int kept; /* keep_summary finished (sum holds the run's results) */
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

/* A name from disk (DIR, a ticket, --out DIR) for a message: masked
 * (base/mask.h) and escaped like any input. */
static void escaped(const struct triage *tr, struct strbuf *s, const char *str)
{
	render_text_value(s, tr->rs, str, strlen(str));
}

/* ---- per-ticket results ---- */

/* Keep what the summary needs of a ticket's report, once its run is done. */
static void keep_summary(struct ticket *tk, const struct report *m)
{
	struct summary_ticket *st = &tk->sum;
	st->f = xcalloc(m->nf ? m->nf : 1, sizeof *st->f);
	st->nf = m->nf;
	for (size_t i = 0; i < m->nf; i++) {
		const struct report_finding *rf = &m->f[i];
		struct summary_finding *t = &st->f[i];
		t->rule = rf->fi->rule;
		t->id = rf->id;
		t->sev = rf->severity;
		t->count = rf->fi->count;
		t->first = rf->fi->first;
		t->last = rf->fi->last;
		report_text_copy(&t->title, &rf->title);
		incident_keep(t, m->rs, rf);
	}
	/* Every file not read is an input of the run too (run_ticket_note). */
	st->files = m->ninputs;
	st->records = m->counts.records;
	for (size_t i = 0; i < m->nnotes; i++) {
		const struct report_note *nt = &m->notes[i];
		if (nt->level == NOTE_INFO)
			continue;
		st->notes = xgrow(st->notes, &st->notes_cap, st->nnotes + 1, sizeof *st->notes);
		struct summary_note *n = &st->notes[st->nnotes++];
		n->level = nt->level;
		n->file = nt->file ? xstrdup(nt->file) : NULL;
		n->line = nt->line;
		report_text_copy(&n->msg, &nt->msg);
	}
	st->notes_dropped = m->notes_dropped;
	tk->exit_status = m->verdict.exit_status;
	st->trouble = m->verdict.trouble;
	tk->kept = 1;
}

/* A note of the batch itself about a ticket (out of memory, a --out write
 * error): an error, and the ticket is in trouble. */
static void ticket_error(struct ticket *tk, const char *file, const char *msg)
{
	struct summary_ticket *st = &tk->sum;
	st->notes = xgrow(st->notes, &st->notes_cap, st->nnotes + 1, sizeof *st->notes);
	struct summary_note *n = &st->notes[st->nnotes++];
	memset(n, 0, sizeof *n);
	n->level = NOTE_ERROR;
	n->file = file ? xstrdup(file) : NULL;
	report_text_lits(&n->msg, msg);
	st->trouble = 1;
	tk->exit_status = VERDICT_TROUBLE;
}

/*
 * A --out file being written: its contents go to DIR/.NAME.tmp, created
 * with O_EXCL | O_NOFOLLOW (so a planted link or file is never written
 * through), and it is renamed to DIR/NAME only once it is complete, so that
 * a full disk or a crash leaves no half-written report that looks whole.
 * Ticket output names never start with '.' (name_outputs), so a temporary
 * name cannot be another output's.
 */
struct out_file {
	FILE *fp;
	char *tmp, *final;
};

static int out_open(struct out_file *of, const char *dir, const char *name, const char *ext)
{
	struct strbuf t = {0}, f = {0};
	sb_printf(&t, "%s/.%s%s.tmp", dir, name, ext);
	sb_printf(&f, "%s/%s%s", dir, name, ext);
	of->fp = NULL;
	of->tmp = xstrdup(sb_str(&t));
	of->final = xstrdup(sb_str(&f));
	sb_free(&t);
	sb_free(&f);
	/* A temporary file left by an earlier run that died (--force). */
	(void)unlink(of->tmp);
	int fd = open(of->tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0666);
	if (fd >= 0) {
		of->fp = fdopen(fd, "w");
		if (!of->fp) {
			int e = errno;
			close(fd);
			(void)unlink(of->tmp);
			errno = e;
		}
	}
	if (!of->fp) {
		free(of->tmp);
		free(of->final);
		of->tmp = of->final = NULL;
		return -1;
	}
	return 0;
}

/* Close the file; if it was written completely (ok), rename it to its
 * name, else remove it.  Returns 0, or -1 with errno set. */
static int out_close(struct out_file *of, int ok)
{
	int e = 0;
	if (fflush(of->fp) != 0 || ferror(of->fp))
		e = errno ? errno : EIO;
	if (fclose(of->fp) != 0 && !e)
		e = errno ? errno : EIO;
	if (!ok && !e)
		e = EIO;
	if (!e && rename(of->tmp, of->final) != 0)
		e = errno;
	if (e)
		(void)unlink(of->tmp);
	free(of->tmp);
	free(of->final);
	errno = e;
	return e ? -1 : 0;
}

/* Report a --out failure as an error note of the ticket. */
static void out_failed(struct ticket *tk, const char *dir, const char *name, const char *ext,
		       int err)
{
	struct strbuf p = {0};
	char msg[200];
	sb_printf(&p, "%s/%s%s", dir, name, ext);
	snprintf(msg, sizeof msg, "cannot write report: %s", strerror(err));
	ticket_error(tk, sb_str(&p), msg);
	sb_free(&p);
}

static void write_report(struct triage *tr, struct ticket *tk, const struct report *m,
			 const char *ext)
{
	struct render_opts ro = {.color = 0, .width = 80};
	struct out_file of;
	errno = 0;
	if (out_open(&of, tr->outdir, tk->outname, ext) != 0) {
		out_failed(tk, tr->outdir, tk->outname, ext, errno ? errno : EIO);
		return;
	}
	errno = 0;
	int (*render)(FILE *, const struct report *, const struct render_opts *) =
	    strcmp(ext, ".json") == 0	? render_json
	    : strcmp(ext, ".md") == 0	? render_md
	    : strcmp(ext, ".html") == 0 ? render_html
					: render_text;
	int rc = render(of.fp, m, &ro);
	if (out_close(&of, rc == 0) != 0)
		out_failed(tk, tr->outdir, tk->outname, ext, errno ? errno : EIO);
}

static void diagnose_ticket(struct triage *tr, struct ticket *tk)
{
	struct run r;
	if (run_init(&r, tr->rs) != 0) {
		ticket_error(tk, NULL, "out of memory");
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
	/* One model for the summary and both --out reports: the report in the
	 * chosen format (text for csv) and, always, TICKET.json. */
	struct report *m = report_build(&r, tr->fail_on);
	keep_summary(tk, m);
	if (tr->outdir) {
		if (tr->fmt != TRIAGE_JSON && tr->fmt != TRIAGE_JSONL)
			write_report(tr, tk, m,
				     tr->fmt == TRIAGE_MD     ? ".md"
				     : tr->fmt == TRIAGE_HTML ? ".html"
							      : ".txt");
		write_report(tr, tk, m, ".json");
	}
	report_free(m);
	run_free(&r);
}

/*
 * One ticket, which fails alone when memory runs out: its run is abandoned
 * (what it held is not given back), it is reported as failed with the
 * reason, and the batch goes on.
 */
static void diagnose(struct triage *tr, struct ticket *tk)
{
	struct oom_guard g;
	oom_guard_push(&g);
	if (setjmp(g.jb) == 0) {
		diagnose_ticket(tr, tk);
		oom_guard_pop(&g);
		return;
	}
	/* A summary keep_summary did not finish is abandoned with the run:
	 * its last entry may be half made. */
	if (!tk->kept) {
		struct summary_ticket *st = &tk->sum;
		st->f = NULL;
		st->notes = NULL;
		st->nf = st->nnotes = st->notes_cap = st->files = 0;
		st->records = st->notes_dropped = 0;
	}
	ticket_error(tk, NULL,
		     "out of memory: this ticket needs more memory than sfdiag could get; it "
		     "was not diagnosed, the other tickets were");
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
			tk->jsonl = summary_ticket_json(tr->rs, &tk->sum, 0);
		if (tr->fmt == TRIAGE_JSON || tr->outdir)
			tk->json = summary_ticket_json(tr->rs, &tk->sum, 1);
		pthread_mutex_lock(&tr->mu);
		tr->t[k].done = 1;
		tr->ndone++;
		tr->rows_done += tr->t[k].sum.records;
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
	tk->sum.name = xstrdup(name);
	tk->path = path;
	tk->kind = kind;
	return tk;
}

static int cmp_ticket(const void *a, const void *b)
{
	const struct ticket *x = a, *y = b;
	int c = strcmp(x->sum.name, y->sum.name);
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
		escaped(tr, &s, tr->dir);
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
		} else if (S_ISREG(st.st_mode) && ticket_is_archive(p)) {
			/* An archive by its content: "attachment" is a ticket too. */
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
		struct strbuf s = {0}, masked = {0};
		/* A name that holds a secret gives a file name that shows its shape. */
		mask_str(&tr->rs->mask, &masked, tr->t[i].sum.name);
		const char *nm = sb_str(&masked);
		size_t len = masked.len;
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
		sb_free(&masked);
	}
	strset_free(&taken);
}

/* ---- the rollup: findings grouped by cause across tickets ---- */

static int cmp_cause(const void *a, const void *b)
{
	const struct summary_cause *x = a, *y = b;
	if (x->tickets != y->tickets)
		return x->tickets > y->tickets ? -1 : 1;
	if (x->count != y->count)
		return x->count > y->count ? -1 : 1;
	if (x->sev != y->sev)
		return x->sev > y->sev ? -1 : 1;
	return strcmp(x->id, y->id);
}

/* One cause per rule that any ticket found, most tickets first.  A cause's
 * title is the tickets' own when they all agree, else the rule's title told
 * without evidence ("... of the user").  Returns how many; *out is malloc'd. */
static size_t rollup(const struct triage *tr, struct summary_cause **out)
{
	size_t slots = tr->rs->nrules + 1;
	struct summary_cause *c = xcalloc(slots, sizeof *c);
	for (size_t k = 0; k < tr->n; k++) {
		const struct summary_ticket *tk = &tr->t[k].sum;
		for (size_t i = 0; i < tk->nf; i++) {
			const struct summary_finding *f = &tk->f[i];
			struct summary_cause *x = &c[f->rule >= 0 ? (size_t)f->rule : slots - 1];
			if (!x->tickets) {
				x->rule = f->rule;
				x->id = f->id;
				x->sev = f->sev;
				x->first = EVENT_NO_TIME;
				x->title = &f->title;
				x->which = xmalloc(tr->n * sizeof *x->which);
			} else if (x->title && !report_text_equal(x->title, &f->title)) {
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
	for (size_t i = 0; i < slots; i++)
		if (c[i].tickets)
			c[n++] = c[i];
	if (n > 1)
		qsort(c, n, sizeof *c, cmp_cause);
	/* Only a rule's findings can disagree: the others have one title. */
	for (size_t i = 0; i < n; i++) {
		if (!c[i].title) {
			report_rule_title(&c[i].generic, tr->rs, c[i].rule);
			c[i].title = &c[i].generic;
		}
	}
	*out = c;
	return n;
}

static void free_rollup(struct summary_cause *c, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(c[i].which);
		report_text_free(&c[i].generic);
	}
	free(c);
}

/* The summary model over the finished tickets (t filled here); the
 * incidents are found by the caller once t is. */
static void summary_of(const struct triage *tr, const struct summary_ticket **t,
		       const struct summary_cause *c, size_t nc, struct summary *s)
{
	memset(s, 0, sizeof *s);
	s->rs = tr->rs;
	s->dir = tr->dir;
	s->fail_on = tr->fail_on;
	s->t = t;
	s->n = tr->n;
	s->c = c;
	s->nc = nc;
	for (size_t i = 0; i < tr->n; i++) {
		t[i] = &tr->t[i].sum;
		s->files += t[i]->files;
		s->records += t[i]->records;
		s->trouble += t[i]->trouble != 0;
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
	const struct summary_ticket *st = &tk->sum;
	for (size_t i = 0; i < st->nnotes; i++) {
		struct strbuf s = {0};
		if (!st->notes[i].file) { /* say which ticket */
			escaped(tr, &s, st->name);
			sb_adds(&s, ": ");
		}
		summary_note_text(&s, tr->rs, &st->notes[i]);
		fprintf(tr->err, "sfdiag: %s\n", sb_str(&s));
		sb_free(&s);
	}
	if (st->notes_dropped) {
		struct strbuf s = {0};
		escaped(tr, &s, st->name);
		fprintf(tr->err, "sfdiag: %s: %llu more input notes not shown (SFDIAG_MAX_NOTES)\n",
			sb_str(&s), (unsigned long long)st->notes_dropped);
		sb_free(&s);
	}
}

/* Write a whole summary file into --out.  Returns 0 or -1 after a message. */
static int write_summary_file(const struct triage *tr, const char *name, const struct strbuf *b)
{
	struct out_file of;
	errno = 0;
	int rc = out_open(&of, tr->outdir, name, "");
	if (rc == 0) {
		int ok = fwrite(b->buf ? b->buf : "", 1, b->len, of.fp) == b->len;
		rc = out_close(&of, ok);
	}
	if (rc) {
		struct strbuf s = {0};
		int e = errno ? errno : EIO;
		escaped(tr, &s, tr->outdir);
		fprintf(tr->err, "sfdiag: %s/%s: cannot write: %s\n", sb_str(&s), name,
			strerror(e));
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
	struct summary_cause *c;
	size_t nc = rollup(tr, &c);
	const struct summary_ticket **t = xcalloc(tr->n ? tr->n : 1, sizeof *t);
	char **json = xcalloc(tr->n ? tr->n : 1, sizeof *json);
	struct summary sm;
	struct strbuf b = {0};
	int rc = 0;

	summary_of(tr, t, c, nc, &sm);
	struct summary_incident *inc;
	sm.ninc = incidents_find(tr->rs, t, tr->n, &inc);
	sm.inc = inc;
	for (size_t k = 0; k < tr->n; k++)
		json[k] = tr->t[k].json;
	switch (tr->fmt) {
	case TRIAGE_TEXT:
		summary_text(&b, &sm);
		break;
	case TRIAGE_JSON:
		summary_json(&b, &sm, json);
		break;
	case TRIAGE_CSV:
		summary_csv(&b, &sm);
		break;
	case TRIAGE_MD:
		summary_md(&b, &sm);
		break;
	case TRIAGE_HTML:
		summary_html(&b, &sm);
		break;
	case TRIAGE_JSONL:
		break;
	}
	if (write_out(tr->out, &b) != 0)
		rc = -1;
	if (tr->outdir) {
		sb_reset(&b);
		summary_csv(&b, &sm);
		if (write_summary_file(tr, "summary.csv", &b) != 0)
			rc = -2;
		sb_reset(&b);
		summary_json(&b, &sm, json);
		if (write_summary_file(tr, "summary.json", &b) != 0)
			rc = -2;
		sb_reset(&b);
		summary_html(&b, &sm);
		if (write_summary_file(tr, "summary.html", &b) != 0)
			rc = -2;
		sb_reset(&b);
		summary_incidents_csv(&b, &sm);
		if (write_summary_file(tr, "incidents.csv", &b) != 0)
			rc = -2;
	}
	sb_free(&b);
	incidents_free(inc, sm.ninc);
	free(json);
	free(t);
	free_rollup(c, nc);
	return rc;
}

static void free_tickets(struct triage *tr)
{
	for (size_t k = 0; k < tr->n; k++) {
		struct ticket *tk = &tr->t[k];
		struct summary_ticket *st = &tk->sum;
		free(st->name);
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
		for (size_t i = 0; i < st->nf; i++) {
			report_text_free(&st->f[i].title);
			incident_keep_free(&st->f[i]);
		}
		free(st->f);
		for (size_t i = 0; i < st->nnotes; i++) {
			free(st->notes[i].file);
			report_text_free(&st->notes[i].msg);
		}
		free(st->notes);
		free(tk->jsonl);
		free(tk->json);
	}
	free(tr->t);
}

/* ---- the batch ---- */

int triage_format_parse(const char *s, enum triage_format *f)
{
	static const char *const names[] = {"text", "json", "jsonl", "csv", "md", "html"};
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
