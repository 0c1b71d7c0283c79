/*
 * render_json.c - the report as one JSON document (schema in docs/json.md).
 */
#include <cjson/cJSON.h>
#include <stdlib.h>
#include <string.h>

#include "base/util.h"
#include "report/render.h"

#define SFDIAG_JSON_SCHEMA 1

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

/* Input text as a JSON string: masked (secrets.conf), secret fields as shape. */
static void add_value(cJSON *o, const char *key, const struct ruleset *rs, int field, const char *s,
		      size_t n)
{
	struct strbuf sb = {0};
	render_value(&sb, rs, field, s, n);
	cJSON_AddStringToObject(o, key, sb_str(&sb));
	sb_free(&sb);
}

/* [{"value": ..., "count": ...}], most frequent first, and the untracked count. */
static void add_tally(cJSON *o, const char *key, const struct ruleset *rs, int field,
		      const struct tally *t)
{
	cJSON *arr = cJSON_AddArrayToObject(o, key);
	if (!t)
		return;
	const struct tally_entry *e[20];
	size_t n = tally_top(t, e, 20);
	for (size_t i = 0; i < n; i++) {
		cJSON *it = cJSON_CreateObject();
		add_value(it, "value", rs, field, e[i]->s, e[i]->n);
		cJSON_AddNumberToObject(it, "count", (double)e[i]->count);
		cJSON_AddItemToArray(arr, it);
	}
	if (t->count > n || t->untracked) {
		cJSON *it = cJSON_CreateObject();
		cJSON_AddNullToObject(it, "value");
		uint64_t rest = t->total;
		for (size_t i = 0; i < n; i++)
			rest -= e[i]->count;
		cJSON_AddNumberToObject(it, "count", (double)rest);
		cJSON_AddBoolToObject(it, "other", 1);
		cJSON_AddItemToArray(arr, it);
	}
}

static const struct tally *field_tally(const struct finding *fi, int f)
{
	return f >= 0 ? fi->tally[f] : NULL;
}

static const char *level_name(enum note_level l)
{
	return l == NOTE_ERROR ? "error" : l == NOTE_WARNING ? "warning" : "info";
}

static cJSON *finding_json(const struct run *r, const struct finding *fi)
{
	const struct ruleset *rs = r->rs;
	const struct rule *rule = fi->rule >= 0 ? &rs->rules[fi->rule] : NULL;
	cJSON *o = cJSON_CreateObject();
	struct strbuf s = {0};

	cJSON_AddStringToObject(o, "id", finding_id(&r->f, fi));
	if (rule)
		render_expand(&s, r, fi, rule->title);
	else
		sb_adds(&s, finding_title(&r->f, fi));
	cJSON_AddStringToObject(o, "title", sb_str(&s));
	cJSON_AddStringToObject(o, "severity", severity_name(finding_severity(&r->f, fi)));
	cJSON_AddNumberToObject(o, "count", (double)fi->count);
	add_time(o, "first_seen", fi->first);
	add_time(o, "last_seen", fi->last);
	cJSON_AddNumberToObject(o, "without_time", (double)fi->untimed);
	if (rule && rule->cause) {
		sb_reset(&s);
		render_expand(&s, r, fi, rule->cause);
		cJSON_AddStringToObject(o, "cause", sb_str(&s));
	} else {
		cJSON_AddNullToObject(o, "cause");
	}
	cJSON *fix = cJSON_AddArrayToObject(o, "fix");
	for (size_t i = 0; rule && i < rule->nfix; i++) {
		sb_reset(&s);
		render_expand(&s, r, fi, rule->fix[i]);
		cJSON_AddItemToArray(fix, cJSON_CreateString(sb_str(&s)));
	}
	cJSON *refs = cJSON_AddArrayToObject(o, "refs");
	for (size_t i = 0; rule && i < rule->nrefs; i++)
		cJSON_AddItemToArray(refs, cJSON_CreateString(rule->refs[i]));

	cJSON *ev = cJSON_AddObjectToObject(o, "evidence");
	add_tally(ev, "users", rs, rs->f.user, rs->f.user >= 0 ? fi->tally[rs->f.user] : NULL);
	add_tally(ev, "applications", rs, rs->f.application,
		  rs->f.application >= 0 ? fi->tally[rs->f.application] : NULL);
	add_tally(ev, "source_ips", rs, rs->f.source_ip,
		  rs->f.source_ip >= 0 ? fi->tally[rs->f.source_ip] : NULL);
	add_tally(ev, "statuses", rs, rs->f.status, fi->tally[rs->f.status]);
	add_tally(ev, "said", rs, -1, &fi->said);
	add_tally(ev, "hosts", rs, rs->f.host, field_tally(fi, rs->f.host));
	add_tally(ev, "http_statuses", rs, rs->f.http_status, field_tally(fi, rs->f.http_status));
	add_tally(ev, "clients", rs, rs->f.client, field_tally(fi, rs->f.client));

	cJSON *groups = cJSON_AddArrayToObject(ev, "groups");
	const struct group **g;
	size_t ng = render_groups(fi, &g);
	for (size_t i = 0; i < ng && i < SFDIAG_MAX_REPORT_GROUPS; i++) {
		cJSON *go = cJSON_CreateObject();
		const struct success *su = findings_success(&r->f, g[i]->user, g[i]->application);
		add_value(go, "user", rs, rs->f.user, g[i]->user, strlen(g[i]->user));
		add_value(go, "application", rs, rs->f.application, g[i]->application,
			  strlen(g[i]->application));
		cJSON_AddNumberToObject(go, "count", (double)g[i]->count);
		add_time(go, "first_seen", g[i]->first);
		add_time(go, "last_seen", g[i]->last);
		add_tally(go, "source_ips", rs, rs->f.source_ip, &g[i]->ips);
		cJSON_AddNumberToObject(go, "successes", su ? (double)su->count : 0);
		add_time(go, "last_success", su ? su->last : EVENT_NO_TIME);
		sb_reset(&s);
		render_story(&s, r, g[i]);
		cJSON_AddStringToObject(go, "summary", sb_str(&s));
		cJSON_AddItemToArray(groups, go);
	}
	free(g);
	cJSON_AddNumberToObject(
	    ev, "groups_not_shown",
	    (double)(ng > SFDIAG_MAX_REPORT_GROUPS ? ng - SFDIAG_MAX_REPORT_GROUPS : 0));
	cJSON_AddNumberToObject(ev, "ungrouped", (double)fi->ungrouped);

	cJSON *ex = cJSON_AddArrayToObject(ev, "examples");
	for (size_t i = 0; i < fi->nex; i++) {
		cJSON *eo = cJSON_CreateObject();
		cJSON_AddStringToObject(eo, "file", fi->ex[i].file);
		cJSON_AddNumberToObject(eo, "line", (double)fi->ex[i].line);
		add_time(eo, "time", fi->ex[i].time_ms);
		const struct example *x = &fi->ex[i];
		add_value(eo, "status", rs, rs->f.status, x->status, strlen(x->status));
		add_value(eo, "user", rs, rs->f.user, x->user, strlen(x->user));
		add_value(eo, "application", rs, rs->f.application, x->application,
			  strlen(x->application));
		add_value(eo, "source_ip", rs, rs->f.source_ip, x->source_ip, strlen(x->source_ip));
		if (x->detail)
			add_value(eo, "said", rs, -1, x->detail, strlen(x->detail));
		else
			cJSON_AddNullToObject(eo, "said");
		cJSON_AddItemToArray(ex, eo);
	}
	/* Correlation: what this finding explains, or its candidate causes. */
	cJSON *explains = cJSON_AddArrayToObject(o, "explains");
	for (size_t i = 0; rule && i < rs->nrules; i++) {
		const struct finding *other = r->f.by_rule[i];
		if (other && other->explained_by == fi->rule)
			cJSON_AddItemToArray(explains, finding_json(r, other));
	}
	if (fi->explained_by >= 0)
		cJSON_AddStringToObject(o, "explained_by", rs->rules[fi->explained_by].id);
	else
		cJSON_AddNullToObject(o, "explained_by");
	cJSON *cands = cJSON_AddArrayToObject(o, "candidates");
	for (size_t k = 0; rule && fi->explained_by < 0 && k < rule->ncandidates; k++) {
		cJSON *co = cJSON_CreateObject();
		const struct rule *c = &rs->rules[rule->candidates[k]];
		cJSON_AddStringToObject(co, "id", c->id);
		sb_reset(&s);
		render_expand(&s, r, fi, c->title);
		cJSON_AddStringToObject(co, "title", sb_str(&s));
		cJSON_AddItemToArray(cands, co);
	}
	cJSON *tell = cJSON_AddArrayToObject(o, "tell");
	for (size_t k = 0; rule && fi->explained_by < 0 && k < rule->ntell; k++) {
		sb_reset(&s);
		render_expand(&s, r, fi, rule->tell[k]);
		cJSON_AddItemToArray(tell, cJSON_CreateString(sb_str(&s)));
	}
	sb_reset(&s);
	if (render_coverage_gap(&s, r, fi))
		cJSON_AddStringToObject(o, "coverage_gap", sb_str(&s));
	else
		cJSON_AddNullToObject(o, "coverage_gap");
	sb_free(&s);
	return o;
}

int render_json(FILE *fp, const struct run *r, const struct render_opts *o)
{
	cJSON *root = cJSON_CreateObject();
	const struct finding **v;
	size_t n = findings_sorted(&r->f, &v);
	size_t sev[3];
	uint64_t skipped = 0, records = 0;

	render_severity_counts(r, sev);
	for (size_t i = 0; i < r->ninputs; i++) {
		skipped += r->inputs[i].skipped;
		records += r->inputs[i].records;
	}
	cJSON_AddNumberToObject(root, "schema", SFDIAG_JSON_SCHEMA);
	cJSON *verdict = cJSON_AddObjectToObject(root, "verdict");
	cJSON_AddNumberToObject(verdict, "findings", (double)n);
	cJSON_AddNumberToObject(verdict, "errors", (double)sev[SEV_ERROR]);
	cJSON_AddNumberToObject(verdict, "warnings", (double)sev[SEV_WARNING]);
	cJSON_AddNumberToObject(verdict, "info", (double)sev[SEV_INFO]);
	cJSON_AddNumberToObject(verdict, "input_errors", r->errors);
	cJSON_AddStringToObject(verdict, "fail_on", severity_name(o->fail_on));

	cJSON *sum = cJSON_AddObjectToObject(root, "summary");
	cJSON_AddNumberToObject(sum, "inputs", (double)r->ninputs);
	cJSON_AddNumberToObject(sum, "records", (double)records);
	cJSON_AddNumberToObject(sum, "skipped", (double)skipped);
	cJSON_AddNumberToObject(sum, "events", (double)r->f.events);
	cJSON_AddNumberToObject(sum, "logins", (double)r->f.kind_events[0]);
	cJSON_AddNumberToObject(sum, "token_responses", (double)r->f.kind_events[1]);
	cJSON_AddNumberToObject(sum, "api_errors", (double)r->f.kind_events[2]);
	cJSON_AddNumberToObject(sum, "settings", (double)r->f.kind_events[3]);
	cJSON_AddNumberToObject(sum, "successes", (double)r->f.successes);
	cJSON_AddNumberToObject(sum, "failures", (double)r->f.failures);
	add_time(sum, "first_seen", r->f.first);
	add_time(sum, "last_seen", r->f.last);
	cJSON_AddNumberToObject(sum, "times_without_zone", (double)r->f.zone_none);
	cJSON_AddNumberToObject(sum, "times_with_unknown_zone", (double)r->f.zone_unknown);
	cJSON_AddNumberToObject(sum, "ambiguous_dates", (double)r->f.ambiguous_dmy);

	cJSON *arr = cJSON_AddArrayToObject(root, "findings");
	for (size_t i = 0; i < n; i++)
		cJSON_AddItemToArray(arr, finding_json(r, v[i]));
	free(v);

	cJSON *ins = cJSON_AddArrayToObject(root, "inputs");
	for (size_t i = 0; i < r->ninputs; i++) {
		const struct input_summary *in = &r->inputs[i];
		cJSON *io = cJSON_CreateObject();
		static const char *const enc[] = {"utf-8", "utf-8-bom", "utf-16le", "utf-16be",
						  "windows-1252"};
		cJSON_AddStringToObject(io, "file", in->file);
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
	for (size_t i = 0; i < r->nnotes; i++) {
		const struct note *nt = &r->notes[i];
		cJSON *no = cJSON_CreateObject();
		cJSON_AddStringToObject(no, "level", level_name(nt->level));
		if (nt->file)
			cJSON_AddStringToObject(no, "file", nt->file);
		else
			cJSON_AddNullToObject(no, "file");
		cJSON_AddNumberToObject(no, "line", (double)nt->line);
		cJSON_AddStringToObject(no, "message", nt->msg);
		cJSON_AddItemToArray(notes, no);
	}
	cJSON_AddNumberToObject(root, "notes_not_shown", (double)r->notes_dropped);

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
