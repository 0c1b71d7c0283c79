/*
 * render_triage.c - the writers of the triage summary (see summary.h):
 * text, JSON and JSON lines, CSV, Markdown (HTML: render_triage_html.c).
 * Incidents across tickets come before the rollup by cause in each.
 *
 * Every name and message that came from input goes through value() (masked,
 * escaped for a terminal, which also makes it valid UTF-8) before the
 * format's own escaping: CSV quoting and formula guards, Markdown made
 * inert, JSON strings.
 */
#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/util.h"
#include "report/render.h"
#include "report/summary.h"

#define TRIAGE_JSON_SCHEMA 1
#define NAME_COLS	   30 /* ticket column of the text summary */
#define NOTES_SHOWN	   3  /* input notes per ticket in text and md summaries */
#define NAMES_SHOWN	   3  /* ticket names per cause in the text rollup */

/* The one place input becomes summary text: masked, then escaped. */
static void value(struct strbuf *out, const struct ruleset *rs, int field, const char *s, size_t n)
{
	render_value(out, rs, field, s, n);
}

/* A name from disk (a ticket, a file, DIR): masked and escaped like any
 * input, for a file called client_secret=....json is a secret too. */
static void escaped(struct strbuf *s, const struct ruleset *rs, const char *str)
{
	render_text_value(s, rs, str, strlen(str));
}

static void flat(struct strbuf *out, const struct ruleset *rs, const struct report_text *t)
{
	report_text_flat(out, rs, t, value);
}

void summary_note_text(struct strbuf *out, const struct ruleset *rs, const struct summary_note *n)
{
	if (n->file) {
		escaped(out, rs, n->file);
		if (n->line)
			sb_printf(out, ":%ld", n->line);
		sb_adds(out, ": ");
	}
	flat(out, rs, &n->msg);
}

static void wrap(struct strbuf *out, const char *text, size_t col, size_t indent)
{
	render_wrap(out, text, col, indent, 80);
}

/* ---- text ---- */

void summary_text(struct strbuf *o, const struct summary *sm)
{
	struct strbuf s = {0};
	char ts[32];

	sb_adds(&s, "sfdiag triage ");
	escaped(&s, sm->rs, sm->dir);
	sb_printf(&s, ": %zu ticket%s, %zu file%s, ", sm->n, sm->n == 1 ? "" : "s", sm->files,
		  sm->files == 1 ? "" : "s");
	render_count(&s, sm->records);
	sb_printf(&s, " row%s read", sm->records == 1 ? "" : "s");
	if (sm->trouble)
		sb_printf(&s, "; %zu ticket%s with input errors", sm->trouble,
			  sm->trouble == 1 ? "" : "s");
	wrap(o, sb_str(&s), 0, 2);

	sb_printf(o, "\n%-*s %5s %10s %9s  %s\n", NAME_COLS, "TICKET", "FILES", "ROWS", "FINDINGS",
		  "TOP SEVERITY");
	for (size_t k = 0; k < sm->n; k++) {
		const struct summary_ticket *tk = sm->t[k];
		sb_reset(&s);
		escaped(&s, sm->rs, tk->name);
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
			sb_printf(&s, "%s - ", tk->f[0].id);
			flat(&s, sm->rs, &tk->f[0].title);
			sb_adds(o, "  top cause: ");
			wrap(o, sb_str(&s), 13, 4);
		} else if (!tk->records) {
			sb_adds(o, "  nothing read\n");
		} else {
			sb_adds(o, "  no failure found\n");
		}
		for (size_t i = 0; i < tk->nnotes && i < NOTES_SHOWN; i++) {
			sb_reset(&s);
			sb_printf(&s, "%s: ", render_level_name(tk->notes[i].level));
			summary_note_text(&s, sm->rs, &tk->notes[i]);
			sb_adds(o, "  ");
			wrap(o, sb_str(&s), 2, 4);
		}
		uint64_t more = tk->nnotes > NOTES_SHOWN ? tk->nnotes - NOTES_SHOWN : 0;
		more += tk->notes_dropped;
		if (more)
			sb_printf(o, "  (+%llu more input notes)\n", (unsigned long long)more);
	}

	sb_adds(o, "\nIncidents across tickets (tickets that broke at once):\n");
	if (!sm->ninc)
		sb_adds(o, "  none\n");
	for (size_t i = 0; i < sm->ninc; i++) {
		const struct summary_incident *x = &sm->inc[i];
		sb_reset(&s);
		sb_printf(&s, "%zu. ", i + 1);
		flat(&s, sm->rs, &x->headline);
		sb_adds(o, "  ");
		wrap(o, sb_str(&s), 2, 5);
		sb_reset(&s);
		sb_printf(&s, "Cause: %s, %s; ", x->id, severity_name(x->sev));
		render_count(&s, x->count);
		sb_printf(&s, " %s; tickets: ", report_noun(sm->rs, x->rule, x->count != 1));
		for (size_t j = 0; j < x->nm; j++) {
			if (j)
				sb_adds(&s, ", ");
			escaped(&s, sm->rs, sm->t[x->m[j].ticket]->name);
		}
		sb_adds(o, "     ");
		wrap(o, sb_str(&s), 5, 5);
		sb_adds(o, "     ");
		wrap(o, sm->rs->report->ikeys[x->key].advice, 5, 5);
	}

	sb_adds(o, "\nCauses across tickets, most tickets first:\n");
	if (!sm->nc)
		sb_adds(o, "  none: no failure in any ticket\n");
	for (size_t i = 0; i < sm->nc; i++) {
		const struct summary_cause *c = &sm->c[i];
		sb_reset(&s);
		sb_printf(&s, "%zu ticket%s: %s - ", c->tickets, c->tickets == 1 ? "" : "s", c->id);
		flat(&s, sm->rs, c->title);
		sb_printf(&s, "; %s, ", severity_name(c->sev));
		render_count(&s, c->count);
		sb_printf(&s, " %s", report_noun(sm->rs, c->rule, c->count != 1));
		if (c->first != EVENT_NO_TIME) {
			time_format_short(c->first, ts);
			sb_printf(&s, "; first seen %s", ts);
		}
		sb_adds(&s, "; tickets: ");
		for (size_t j = 0; j < c->tickets && j < NAMES_SHOWN; j++) {
			if (j)
				sb_adds(&s, ", ");
			escaped(&s, sm->rs, sm->t[c->which[j]]->name);
		}
		if (c->tickets > NAMES_SHOWN)
			sb_printf(&s, " (+%zu more)", c->tickets - NAMES_SHOWN);
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

static void json_escaped(cJSON *o, const char *key, const struct ruleset *rs, const char *s)
{
	struct strbuf b = {0};
	escaped(&b, rs, s);
	cJSON_AddStringToObject(o, key, sb_str(&b));
	sb_free(&b);
}

static void json_text(cJSON *o, const char *key, const struct ruleset *rs,
		      const struct report_text *t)
{
	struct strbuf b = {0};
	flat(&b, rs, t);
	cJSON_AddStringToObject(o, key, sb_str(&b));
	sb_free(&b);
}

/* Print and free root; cJSON's allocation failure ends the run, as x*alloc. */
static char *json_print(cJSON *root, int formatted)
{
	char *text = formatted ? cJSON_Print(root) : cJSON_PrintUnformatted(root);
	cJSON_Delete(root);
	if (!text) {
		fputs("sfdiag: out of memory\n", stderr);
		exit(2);
	}
	return text;
}

static cJSON *ticket_json(const struct ruleset *rs, const struct summary_ticket *tk)
{
	cJSON *o = cJSON_CreateObject();
	json_escaped(o, "ticket", rs, tk->name);
	cJSON_AddNumberToObject(o, "files", (double)tk->files);
	cJSON_AddNumberToObject(o, "records", (double)tk->records);
	cJSON *fs = cJSON_AddArrayToObject(o, "findings");
	for (size_t i = 0; i < tk->nf; i++) {
		const struct summary_finding *f = &tk->f[i];
		cJSON *fo = cJSON_CreateObject();
		cJSON_AddStringToObject(fo, "id", f->id);
		json_text(fo, "title", rs, &f->title);
		cJSON_AddStringToObject(fo, "severity", severity_name(f->sev));
		cJSON_AddNumberToObject(fo, "count", (double)f->count);
		json_time(fo, "first_seen", f->first);
		json_time(fo, "last_seen", f->last);
		cJSON_AddItemToArray(fs, fo);
	}
	if (tk->nf) {
		cJSON *top = cJSON_AddObjectToObject(o, "top_cause");
		cJSON_AddStringToObject(top, "id", tk->f[0].id);
		json_text(top, "title", rs, &tk->f[0].title);
		cJSON_AddStringToObject(top, "severity", severity_name(tk->f[0].sev));
	} else {
		cJSON_AddNullToObject(o, "top_cause");
	}
	cJSON *es = cJSON_AddArrayToObject(o, "errors");
	for (size_t i = 0; i < tk->nnotes; i++) {
		const struct summary_note *n = &tk->notes[i];
		cJSON *no = cJSON_CreateObject();
		cJSON_AddStringToObject(no, "level", render_level_name(n->level));
		if (n->file)
			json_escaped(no, "file", rs, n->file);
		else
			cJSON_AddNullToObject(no, "file");
		cJSON_AddNumberToObject(no, "line", (double)n->line);
		json_text(no, "message", rs, &n->msg);
		cJSON_AddItemToArray(es, no);
	}
	cJSON_AddNumberToObject(o, "errors_not_shown", (double)tk->notes_dropped);
	return o;
}

/*
 * Formatted, every line after the first gets two more tabs: cJSON indents a
 * value by its depth, and a ticket sits at depth two in the summary (root
 * object, "tickets" array), where it goes in raw.  JSON strings hold no raw
 * line breaks, so only layout lines are touched.
 */
char *summary_ticket_json(const struct ruleset *rs, const struct summary_ticket *t, int formatted)
{
	char *text = json_print(ticket_json(rs, t), formatted);
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

static void summary_incidents_json(cJSON *root, const struct summary *sm)
{
	cJSON *arr = cJSON_AddArrayToObject(root, "incidents");
	for (size_t i = 0; i < sm->ninc; i++) {
		const struct summary_incident *x = &sm->inc[i];
		const struct report_incident_key *key = &sm->rs->report->ikeys[x->key];
		cJSON *io = cJSON_CreateObject();
		json_text(io, "headline", sm->rs, &x->headline);
		cJSON_AddStringToObject(io, "id", x->id);
		cJSON_AddStringToObject(io, "severity", severity_name(x->sev));
		cJSON_AddStringToObject(io, "key", key->name);
		struct strbuf b = {0};
		value(&b, sm->rs, key->prefix ? -1 : key->field, x->value, strlen(x->value));
		cJSON_AddStringToObject(io, "value", sb_str(&b));
		sb_free(&b);
		cJSON_AddNumberToObject(io, "tickets", (double)x->nm);
		cJSON_AddNumberToObject(io, "count", (double)x->count);
		json_time(io, "first_onset", x->first);
		json_time(io, "last_onset", x->last);
		cJSON_AddStringToObject(io, "advice", key->advice);
		cJSON *names = cJSON_AddArrayToObject(io, "ticket_names");
		for (size_t j = 0; j < x->nm; j++) {
			struct strbuf n = {0};
			escaped(&n, sm->rs, sm->t[x->m[j].ticket]->name);
			cJSON_AddItemToArray(names, cJSON_CreateString(sb_str(&n)));
			sb_free(&n);
		}
		cJSON_AddItemToArray(arr, io);
	}
}

void summary_json(struct strbuf *out, const struct summary *sm, char *const *json)
{
	cJSON *root = cJSON_CreateObject();
	cJSON_AddNumberToObject(root, "schema", TRIAGE_JSON_SCHEMA);
	json_escaped(root, "dir", sm->rs, sm->dir);
	cJSON_AddNumberToObject(root, "files", (double)sm->files);
	cJSON_AddNumberToObject(root, "records", (double)sm->records);
	cJSON_AddNumberToObject(root, "tickets_with_input_errors", (double)sm->trouble);
	cJSON_AddStringToObject(root, "fail_on", severity_name(sm->fail_on));
	cJSON *ts = cJSON_AddArrayToObject(root, "tickets");
	for (size_t k = 0; k < sm->n; k++)
		cJSON_AddItemToArray(ts, cJSON_CreateRaw(json[k]));
	summary_incidents_json(root, sm);
	cJSON *ro = cJSON_AddArrayToObject(root, "rollup");
	for (size_t i = 0; i < sm->nc; i++) {
		const struct summary_cause *c = &sm->c[i];
		cJSON *co = cJSON_CreateObject();
		cJSON_AddStringToObject(co, "id", c->id);
		json_text(co, "title", sm->rs, c->title);
		cJSON_AddStringToObject(co, "severity", severity_name(c->sev));
		cJSON_AddNumberToObject(co, "tickets", (double)c->tickets);
		cJSON_AddNumberToObject(co, "count", (double)c->count);
		json_time(co, "first_seen", c->first);
		cJSON *names = cJSON_AddArrayToObject(co, "ticket_names");
		for (size_t j = 0; j < c->tickets; j++) {
			struct strbuf b = {0};
			escaped(&b, sm->rs, sm->t[c->which[j]]->name);
			cJSON_AddItemToArray(names, cJSON_CreateString(sb_str(&b)));
			sb_free(&b);
		}
		cJSON_AddItemToArray(ro, co);
	}
	char *text = json_print(root, 1);
	sb_adds(out, text);
	sb_addc(out, '\n');
	cJSON_free(text);
}

/* ---- CSV (RFC 4180) ---- */

/* One cell of text already escaped for a terminal: a leading = + - @ TAB CR
 * neutralized with a quote so that no spreadsheet runs it as a formula, and
 * quoted when it holds a comma, a quote or a line break. */
static void csv_cell(struct strbuf *o, const char *v, int last)
{
	struct strbuf b = {0};
	if (v[0] && strchr("=+-@\t\r", v[0]))
		sb_addc(&b, '\'');
	sb_adds(&b, v);
	v = sb_str(&b);
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

/* A cell of a name from disk. */
static void csv_name(struct strbuf *o, const struct ruleset *rs, const char *name, int last)
{
	struct strbuf b = {0};
	escaped(&b, rs, name);
	csv_cell(o, sb_str(&b), last);
	sb_free(&b);
}

void summary_csv(struct strbuf *o, const struct summary *sm)
{
	static const char *const head[] = {"ticket",	  "files",     "records", "findings",
					   "severity",	  "top_cause", "title",	  "input_errors",
					   "first_error", "incidents"};
	size_t nh = sizeof head / sizeof head[0];
	for (size_t i = 0; i < nh; i++)
		csv_cell(o, head[i], i + 1 == nh);
	for (size_t k = 0; k < sm->n; k++) {
		const struct summary_ticket *tk = sm->t[k];
		char num[32];
		struct strbuf s = {0};
		csv_name(o, sm->rs, tk->name, 0);
		snprintf(num, sizeof num, "%zu", tk->files);
		csv_cell(o, num, 0);
		snprintf(num, sizeof num, "%llu", (unsigned long long)tk->records);
		csv_cell(o, num, 0);
		snprintf(num, sizeof num, "%zu", tk->nf);
		csv_cell(o, num, 0);
		csv_cell(o, tk->nf ? severity_name(tk->f[0].sev) : "", 0);
		csv_cell(o, tk->nf ? tk->f[0].id : "", 0);
		if (tk->nf)
			flat(&s, sm->rs, &tk->f[0].title);
		csv_cell(o, sb_str(&s), 0);
		snprintf(num, sizeof num, "%llu",
			 (unsigned long long)tk->nnotes + tk->notes_dropped);
		csv_cell(o, num, 0);
		sb_reset(&s);
		if (tk->nnotes)
			summary_note_text(&s, sm->rs, &tk->notes[0]);
		csv_cell(o, sb_str(&s), 0);
		/* The incidents the ticket is part of, by number and headline. */
		sb_reset(&s);
		for (size_t i = 0; i < sm->ninc; i++) {
			for (size_t j = 0; j < sm->inc[i].nm; j++) {
				if (sm->inc[i].m[j].ticket != k)
					continue;
				if (s.len)
					sb_adds(&s, " | ");
				sb_printf(&s, "%zu: ", i + 1);
				flat(&s, sm->rs, &sm->inc[i].headline);
			}
		}
		csv_cell(o, sb_str(&s), 1);
		sb_free(&s);
	}
}

void summary_incidents_csv(struct strbuf *o, const struct summary *sm)
{
	static const char *const head[] = {"incident",	 "tickets",  "cause",  "severity",
					   "key",	 "value",    "count",  "first_onset",
					   "last_onset", "headline", "advice", "ticket_names"};
	size_t nh = sizeof head / sizeof head[0];
	for (size_t i = 0; i < nh; i++)
		csv_cell(o, head[i], i + 1 == nh);
	for (size_t i = 0; i < sm->ninc; i++) {
		const struct summary_incident *x = &sm->inc[i];
		const struct report_incident_key *key = &sm->rs->report->ikeys[x->key];
		char num[32];
		struct strbuf s = {0};
		snprintf(num, sizeof num, "%zu", i + 1);
		csv_cell(o, num, 0);
		snprintf(num, sizeof num, "%zu", x->nm);
		csv_cell(o, num, 0);
		csv_cell(o, x->id, 0);
		csv_cell(o, severity_name(x->sev), 0);
		csv_cell(o, key->name, 0);
		value(&s, sm->rs, key->prefix ? -1 : key->field, x->value, strlen(x->value));
		csv_cell(o, sb_str(&s), 0);
		snprintf(num, sizeof num, "%llu", (unsigned long long)x->count);
		csv_cell(o, num, 0);
		time_format_iso(x->first, num);
		csv_cell(o, num, 0);
		time_format_iso(x->last, num);
		csv_cell(o, num, 0);
		sb_reset(&s);
		flat(&s, sm->rs, &x->headline);
		csv_cell(o, sb_str(&s), 0);
		csv_cell(o, key->advice, 0);
		sb_reset(&s);
		for (size_t j = 0; j < x->nm; j++) {
			if (j)
				sb_adds(&s, ", ");
			escaped(&s, sm->rs, sm->t[x->m[j].ticket]->name);
		}
		csv_cell(o, sb_str(&s), 1);
		sb_free(&s);
	}
}

/* ---- Markdown ---- */

/* A table cell of text already escaped for a terminal, made inert. */
static void md_cell(struct strbuf *o, const char *s)
{
	sb_adds(o, " ");
	render_md_text(o, s, 0);
	sb_adds(o, " |");
}

static void md_name(struct strbuf *o, const struct ruleset *rs, const char *name)
{
	struct strbuf b = {0};
	escaped(&b, rs, name);
	md_cell(o, sb_str(&b));
	sb_free(&b);
}

void summary_md(struct strbuf *o, const struct summary *sm)
{
	char ts[32], num[32];
	struct strbuf s = {0};
	sb_adds(o, "# sfdiag triage\n\n## Incidents across tickets\n\n");
	if (!sm->ninc)
		sb_adds(o, "None: no cause began in several tickets at once.\n");
	for (size_t i = 0; i < sm->ninc; i++) {
		const struct summary_incident *x = &sm->inc[i];
		sb_reset(&s);
		flat(&s, sm->rs, &x->headline);
		sb_printf(o, "%zu. **", i + 1);
		render_md_text(o, sb_str(&s), 0);
		sb_adds(o, "**  \n   Cause: `");
		sb_adds(o, x->id);
		sb_adds(o, "`; tickets: ");
		sb_reset(&s);
		for (size_t j = 0; j < x->nm; j++) {
			if (j)
				sb_adds(&s, ", ");
			escaped(&s, sm->rs, sm->t[x->m[j].ticket]->name);
		}
		render_md_text(o, sb_str(&s), 0);
		sb_adds(o, "  \n   ");
		render_md_text(o, sm->rs->report->ikeys[x->key].advice, 0);
		sb_addc(o, '\n');
	}
	sb_adds(o, "\n## Causes across tickets\n\n");
	sb_adds(o, "| Tickets | Cause | Severity | Evidence | First seen | Title | Ticket names "
		   "|\n|---:|---|---|---:|---|---|---|\n");
	for (size_t i = 0; i < sm->nc; i++) {
		const struct summary_cause *c = &sm->c[i];
		snprintf(num, sizeof num, "%zu", c->tickets);
		sb_addc(o, '|');
		md_cell(o, num);
		md_cell(o, c->id);
		md_cell(o, severity_name(c->sev));
		/* What the cause's events are: a settings file is an input, not
		 * a failed login. */
		sb_reset(&s);
		render_count(&s, c->count);
		sb_printf(&s, " %s", report_noun(sm->rs, c->rule, c->count != 1));
		md_cell(o, sb_str(&s));
		if (c->first != EVENT_NO_TIME)
			time_format_short(c->first, ts);
		md_cell(o, c->first != EVENT_NO_TIME ? ts : "");
		sb_reset(&s);
		flat(&s, sm->rs, c->title);
		md_cell(o, sb_str(&s));
		sb_reset(&s);
		for (size_t j = 0; j < c->tickets; j++) {
			if (j)
				sb_adds(&s, ", ");
			escaped(&s, sm->rs, sm->t[c->which[j]]->name);
		}
		md_cell(o, sb_str(&s));
		sb_addc(o, '\n');
	}
	sb_adds(o, "\n## Tickets\n\n");
	sb_adds(o,
		"| Ticket | Files | Rows | Findings | Severity | Top cause | Title | Input errors "
		"|\n|---|---:|---:|---:|---|---|---|---|\n");
	for (size_t k = 0; k < sm->n; k++) {
		const struct summary_ticket *tk = sm->t[k];
		sb_addc(o, '|');
		md_name(o, sm->rs, tk->name);
		snprintf(num, sizeof num, "%zu", tk->files);
		md_cell(o, num);
		snprintf(num, sizeof num, "%llu", (unsigned long long)tk->records);
		md_cell(o, num);
		snprintf(num, sizeof num, "%zu", tk->nf);
		md_cell(o, num);
		md_cell(o, tk->nf ? severity_name(tk->f[0].sev) : "");
		md_cell(o, tk->nf ? tk->f[0].id : "");
		sb_reset(&s);
		if (tk->nf)
			flat(&s, sm->rs, &tk->f[0].title);
		md_cell(o, sb_str(&s));
		sb_reset(&s);
		for (size_t i = 0; i < tk->nnotes && i < NOTES_SHOWN; i++) {
			if (i)
				sb_adds(&s, "; ");
			summary_note_text(&s, sm->rs, &tk->notes[i]);
		}
		size_t unshown = tk->nnotes > NOTES_SHOWN ? tk->nnotes - NOTES_SHOWN : 0;
		if (unshown || tk->notes_dropped)
			sb_printf(&s, " (+%llu more)",
				  (unsigned long long)unshown + tk->notes_dropped);
		md_cell(o, sb_str(&s));
		sb_addc(o, '\n');
	}
	sb_free(&s);
}
