/*
 * render_json.c - the report as one JSON document (schema in docs/json.md).
 *
 * Every string that came from input, file names included, goes through
 * value(): masked (secrets.conf; a secret field as its shape only) and
 * escaped for a terminal, which also makes any byte sequence valid UTF-8,
 * so the document is valid JSON whatever the input held.
 */
#include <cjson/cJSON.h>
#include <stdlib.h>
#include <string.h>

#include "base/util.h"
#include "report/render.h"

#define SFDIAG_JSON_SCHEMA 1

/* The one place input becomes JSON text (cJSON adds the JSON escapes). */
static void value(struct strbuf *out, const struct ruleset *rs, int field, const char *s, size_t n)
{
	render_value(out, rs, field, s, n);
}

static void add_value(cJSON *o, const char *key, const struct ruleset *rs, int field, const char *s,
		      size_t n)
{
	struct strbuf sb = {0};
	value(&sb, rs, field, s, n);
	cJSON_AddStringToObject(o, key, sb_str(&sb));
	sb_free(&sb);
}

/* A file name: not a field, but masked and escaped like any input (a file
 * called client_secret=....json is a secret too). */
static void add_file(cJSON *o, const char *key, const struct ruleset *rs, const char *file)
{
	struct strbuf sb = {0};
	render_text_value(&sb, rs, file, strlen(file));
	cJSON_AddStringToObject(o, key, sb_str(&sb));
	sb_free(&sb);
}

static cJSON *text_json(const struct ruleset *rs, const struct report_text *t)
{
	struct strbuf sb = {0};
	report_text_flat(&sb, rs, t, value);
	cJSON *s = cJSON_CreateString(sb_str(&sb));
	sb_free(&sb);
	return s;
}

static void add_text(cJSON *o, const char *key, const struct ruleset *rs,
		     const struct report_text *t)
{
	cJSON_AddItemToObject(o, key, text_json(rs, t));
}

/* A value read from input, masked like every other (secrets.conf). */
static void add_input(cJSON *o, const char *key, const struct ruleset *rs, int field, const char *v)
{
	struct strbuf sb = {0};
	value(&sb, rs, field, v, strlen(v));
	cJSON_AddStringToObject(o, key, sb_str(&sb));
	sb_free(&sb);
}

static void add_time(cJSON *o, const char *key, int64_t t)
{
	char buf[32];
	if (t == EVENT_NO_TIME) {
		cJSON_AddNullToObject(o, key);
		return;
	}
	time_format_iso(t, buf);
	cJSON_AddStringToObject(o, key, buf);
}

/* [{"value": ..., "count": ...}], most frequent first, and an "other" item
 * for the values beyond them. */
static void add_row(cJSON *o, const char *key, const struct ruleset *rs,
		    const struct report_row *row)
{
	cJSON *arr = cJSON_AddArrayToObject(o, key);
	for (size_t i = 0; i < row->nv; i++) {
		cJSON *it = cJSON_CreateObject();
		add_value(it, "value", rs, row->field, row->v[i].s, row->v[i].n);
		cJSON_AddNumberToObject(it, "count", (double)row->v[i].count);
		cJSON_AddItemToArray(arr, it);
	}
	if (row->other) {
		cJSON *it = cJSON_CreateObject();
		cJSON_AddNullToObject(it, "value");
		cJSON_AddNumberToObject(it, "count", (double)row->rest);
		cJSON_AddBoolToObject(it, "other", 1);
		cJSON_AddItemToArray(arr, it);
	}
}

static cJSON *group_json(const struct ruleset *rs, const struct report_group *rg)
{
	const struct group *g = rg->g;
	cJSON *go = cJSON_CreateObject();
	add_value(go, "user", rs, rs->f.user, g->user, strlen(g->user));
	add_value(go, "application", rs, rs->f.application, g->application, strlen(g->application));
	cJSON_AddNumberToObject(go, "count", (double)g->count);
	add_time(go, "first_seen", g->first);
	add_time(go, "last_seen", g->last);
	add_row(go, "source_ips", rs, &rg->ips);
	cJSON_AddNumberToObject(go, "successes", (double)rg->successes);
	add_time(go, "last_success", rg->last_success);
	add_text(go, "summary", rs, &rg->story);
	return go;
}

static cJSON *example_json(const struct ruleset *rs, const struct example *x)
{
	cJSON *eo = cJSON_CreateObject();
	add_file(eo, "file", rs, x->file);
	cJSON_AddNumberToObject(eo, "line", (double)x->line);
	add_time(eo, "time", x->time_ms);
	add_value(eo, "status", rs, rs->f.status, x->status, strlen(x->status));
	add_value(eo, "user", rs, rs->f.user, x->user, strlen(x->user));
	add_value(eo, "application", rs, rs->f.application, x->application, strlen(x->application));
	add_value(eo, "source_ip", rs, rs->f.source_ip, x->source_ip, strlen(x->source_ip));
	if (x->detail)
		add_value(eo, "said", rs, -1, x->detail, strlen(x->detail));
	else
		cJSON_AddNullToObject(eo, "said");
	return eo;
}

static cJSON *finding_json(const struct ruleset *rs, const struct report_finding *rf)
{
	const struct finding *fi = rf->fi;
	cJSON *o = cJSON_CreateObject();

	cJSON_AddStringToObject(o, "id", rf->id);
	add_text(o, "title", rs, &rf->title);
	cJSON_AddStringToObject(o, "severity", severity_name(rf->severity));
	cJSON_AddNumberToObject(o, "count", (double)fi->count);
	add_time(o, "first_seen", fi->first);
	add_time(o, "last_seen", fi->last);
	cJSON_AddNumberToObject(o, "without_time", (double)fi->untimed);
	static const char *const standing[] = {"now", "resolved", "other"};
	cJSON_AddStringToObject(o, "standing", standing[rf->standing]);
	add_time(o, "resolved_since", rf->resolved_since);
	if (rf->last_good != EVENT_NO_TIME) {
		cJSON *lg = cJSON_AddObjectToObject(o, "last_good");
		add_time(lg, "time", rf->last_good);
		struct strbuf ip = {0};
		value(&ip, rs, rs->f.source_ip, rf->last_good_ip, strlen(rf->last_good_ip));
		cJSON_AddStringToObject(lg, "source_ip", sb_str(&ip));
		sb_free(&ip);
	} else {
		cJSON_AddNullToObject(o, "last_good");
	}
	if (rf->has_cause)
		add_text(o, "cause", rs, &rf->cause);
	else
		cJSON_AddNullToObject(o, "cause");
	cJSON *fix = cJSON_AddArrayToObject(o, "fix");
	for (size_t i = 0; i < rf->nfix; i++)
		cJSON_AddItemToArray(fix, text_json(rs, &rf->fix[i]));
	cJSON *refs = cJSON_AddArrayToObject(o, "refs");
	for (size_t i = 0; rf->rule && i < rf->rule->nrefs; i++)
		cJSON_AddItemToArray(refs, cJSON_CreateString(rf->rule->refs[i]));

	cJSON *ev = cJSON_AddObjectToObject(o, "evidence");
	for (size_t i = 0; i < rf->nrows; i++)
		add_row(ev, rf->rows[i].def->key, rs, &rf->rows[i]);
	cJSON *groups = cJSON_AddArrayToObject(ev, "groups");
	for (size_t i = 0; i < rf->ngroups; i++)
		cJSON_AddItemToArray(groups, group_json(rs, &rf->groups[i]));
	cJSON_AddNumberToObject(ev, "groups_not_shown", (double)(rf->groups_total - rf->ngroups));
	cJSON_AddNumberToObject(ev, "ungrouped", (double)fi->ungrouped);
	cJSON *ex = cJSON_AddArrayToObject(ev, "examples");
	for (size_t i = 0; i < fi->nex; i++)
		cJSON_AddItemToArray(ex, example_json(rs, &fi->ex[i]));

	/* Correlation: what this finding explains, or its candidate causes. */
	cJSON *explains = cJSON_AddArrayToObject(o, "explains");
	for (size_t i = 0; i < rf->nexplains; i++)
		cJSON_AddItemToArray(explains, finding_json(rs, &rf->explains[i]));
	if (rf->explained_by)
		cJSON_AddStringToObject(o, "explained_by", rf->explained_by);
	else
		cJSON_AddNullToObject(o, "explained_by");
	cJSON *cands = cJSON_AddArrayToObject(o, "candidates");
	for (size_t k = 0; k < rf->ncands; k++) {
		cJSON *co = cJSON_CreateObject();
		cJSON_AddStringToObject(co, "id", rf->cands[k].id);
		add_text(co, "title", rs, &rf->cands[k].title);
		cJSON_AddItemToArray(cands, co);
	}
	cJSON *tell = cJSON_AddArrayToObject(o, "tell");
	for (size_t k = 0; k < rf->ntell; k++)
		cJSON_AddItemToArray(tell, text_json(rs, &rf->tell[k]));
	if (rf->has_gap)
		add_text(o, "coverage_gap", rs, &rf->gap);
	else
		cJSON_AddNullToObject(o, "coverage_gap");
	/* The link to the change (an item of the report's "changes"). */
	if (rf->has_trigger) {
		cJSON *t = cJSON_AddObjectToObject(o, "trigger");
		cJSON_AddNumberToObject(t, "change", rf->trigger_change);
		add_text(t, "text", rs, &rf->trigger);
		if (rf->has_fixed) {
			cJSON_AddNumberToObject(t, "fixed_by", rf->fixed_change);
			add_text(t, "fixed", rs, &rf->fixed);
		} else {
			cJSON_AddNullToObject(t, "fixed_by");
			cJSON_AddNullToObject(t, "fixed");
		}
	}
	if (rf->has_no_trail)
		add_text(o, "changes_hint", rs, &rf->no_trail);
	return o;
}

int render_json(FILE *fp, const struct report *m, const struct render_opts *o)
{
	const struct ruleset *rs = m->rs;
	const struct report_counts *c = &m->counts;
	const size_t *sev = m->verdict.by_severity;
	cJSON *root = cJSON_CreateObject();
	(void)o;

	cJSON_AddNumberToObject(root, "schema", SFDIAG_JSON_SCHEMA);
	cJSON *verdict = cJSON_AddObjectToObject(root, "verdict");
	cJSON_AddNumberToObject(verdict, "findings", (double)m->nf);
	cJSON_AddNumberToObject(verdict, "errors", (double)sev[SEV_ERROR]);
	cJSON_AddNumberToObject(verdict, "warnings", (double)sev[SEV_WARNING]);
	cJSON_AddNumberToObject(verdict, "info", (double)sev[SEV_INFO]);
	cJSON_AddNumberToObject(verdict, "input_errors", c->input_errors);
	cJSON_AddStringToObject(verdict, "fail_on", severity_name(m->fail_on));
	/* What was not read, first in every format: here as data. */
	cJSON_AddBoolToObject(verdict, "complete", m->complete);
	cJSON *nr = cJSON_AddArrayToObject(verdict, "not_read");
	for (size_t i = 0; i < m->nnot_read; i++) {
		const struct report_unread *u = &m->not_read[i];
		cJSON *it = cJSON_CreateObject();
		add_file(it, "file", rs, u->file);
		cJSON_AddBoolToObject(it, "in_part", u->in_part);
		if (u->has_why)
			add_text(it, "why", rs, &u->why);
		else
			cJSON_AddNullToObject(it, "why");
		cJSON_AddItemToArray(nr, it);
	}
	if (!m->complete)
		add_text(verdict, "headline", rs, &m->headline);

	cJSON *shorts = cJSON_AddArrayToObject(root, "in_short");
	for (size_t i = 0; i < m->nshort; i++)
		cJSON_AddItemToArray(shorts, text_json(m->rs, &m->in_short[i]));

	if (m->ntest) {
		struct strbuf cmd = {0};
		cJSON *test = cJSON_AddObjectToObject(root, "test_request");
		add_text(test, "intro", rs, &m->test_intro);
		render_test_command(&cmd, m, value);
		cJSON_AddStringToObject(test, "command", sb_str(&cmd));
		sb_free(&cmd);
	} else {
		cJSON_AddNullToObject(root, "test_request");
	}

	cJSON *sum = cJSON_AddObjectToObject(root, "summary");
	cJSON_AddNumberToObject(sum, "inputs", (double)c->inputs);
	cJSON_AddNumberToObject(sum, "records", (double)c->records);
	cJSON_AddNumberToObject(sum, "skipped", (double)c->skipped);
	cJSON_AddNumberToObject(sum, "events", (double)c->events);
	cJSON_AddNumberToObject(sum, "logins", (double)c->by_kind[0]);
	cJSON_AddNumberToObject(sum, "token_responses", (double)c->by_kind[1]);
	cJSON_AddNumberToObject(sum, "api_errors", (double)c->by_kind[2]);
	cJSON_AddNumberToObject(sum, "settings", (double)c->by_kind[3]);
	cJSON_AddNumberToObject(sum, "successes", (double)c->successes);
	cJSON_AddNumberToObject(sum, "failures", (double)c->failures);
	add_time(sum, "first_seen", c->first);
	add_time(sum, "last_seen", c->last);
	cJSON_AddNumberToObject(sum, "times_without_zone", (double)c->zone_none);
	cJSON_AddNumberToObject(sum, "times_with_unknown_zone", (double)c->zone_unknown);
	cJSON_AddNumberToObject(sum, "ambiguous_dates", (double)c->ambiguous_dmy);

	cJSON *arr = cJSON_AddArrayToObject(root, "findings");
	for (size_t i = 0; i < m->nf; i++)
		cJSON_AddItemToArray(arr, finding_json(rs, &m->f[i]));

	cJSON *ins = cJSON_AddArrayToObject(root, "inputs");
	for (size_t i = 0; i < m->ninputs; i++) {
		const struct input_summary *in = &m->inputs[i];
		static const char *const enc[] = {"utf-8", "utf-8-bom", "utf-16le", "utf-16be",
						  "windows-1252"};
		cJSON *io = cJSON_CreateObject();
		add_file(io, "file", rs, in->file);
		if (in->kind)
			cJSON_AddStringToObject(io, "kind", in->kind);
		else
			cJSON_AddNullToObject(io, "kind");
		cJSON_AddStringToObject(io, "encoding", enc[in->encoding]);
		cJSON_AddBoolToObject(io, "gzip", in->gzip);
		cJSON_AddNumberToObject(io, "records", (double)in->records);
		cJSON_AddNumberToObject(io, "skipped", (double)in->skipped);
		cJSON_AddBoolToObject(io, "complete", !in->failed);
		cJSON_AddItemToArray(ins, io);
	}
	cJSON *notes = cJSON_AddArrayToObject(root, "notes");
	for (size_t i = 0; i < m->nnotes; i++) {
		const struct report_note *nt = &m->notes[i];
		cJSON *no = cJSON_CreateObject();
		cJSON_AddStringToObject(no, "level", render_level_name(nt->level));
		if (nt->file)
			add_file(no, "file", rs, nt->file);
		else
			cJSON_AddNullToObject(no, "file");
		cJSON_AddNumberToObject(no, "line", (double)nt->line);
		add_text(no, "message", rs, &nt->msg);
		cJSON_AddItemToArray(notes, no);
	}
	cJSON_AddNumberToObject(root, "notes_not_shown", (double)m->notes_dropped);
	/* Setup changes: evidence of their own kind, only when an audit trail
	 * was read; a finding's "trigger"."change" indexes this array. */
	if (m->changes_seen) {
		cJSON *cs = cJSON_AddObjectToObject(root, "changes");
		cJSON_AddNumberToObject(cs, "read", (double)m->changes_seen);
		cJSON_AddNumberToObject(cs, "unrelated", (double)m->changes_unrelated);
		cJSON_AddNumberToObject(cs, "not_kept", (double)m->changes_dropped);
		cJSON *items = cJSON_AddArrayToObject(cs, "items");
		for (size_t i = 0; i < m->nchanges; i++) {
			const struct report_change *rc = &m->changes[i];
			const struct change *ch = rc->c;
			cJSON *co = cJSON_CreateObject();
			cJSON_AddStringToObject(co, "kind", "audit-trail");
			cJSON_AddStringToObject(co, "rule", rc->id);
			cJSON_AddStringToObject(co, "title", rc->title);
			add_time(co, "time", ch->time_ms);
			add_input(co, "user", rs, rs->f.user, ch->actor);
			add_input(co, "delegate_user", rs, rs->f.delegate_user, ch->delegate);
			add_input(co, "action", rs, rs->f.action, ch->action);
			add_input(co, "section", rs, rs->f.section, ch->section);
			add_input(co, "display", rs, rs->f.display, ch->display);
			add_file(co, "file", rs, ch->file);
			cJSON_AddNumberToObject(co, "line", (double)ch->line);
			cJSON_AddBoolToObject(co, "likely_trigger", rc->blamed);
			cJSON_AddItemToArray(items, co);
		}
	}

	char *text = cJSON_Print(root);
	cJSON_Delete(root);
	if (!text) {
		fputs("sfdiag: out of memory\n", stderr);
		exit(2);
	}
	int rc = fputs(text, fp) < 0 || fputc('\n', fp) == EOF ? -1 : 0;
	cJSON_free(text);
	return rc;
}
