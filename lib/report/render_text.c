/*
 * render_text.c - the report for a terminal: 80 columns, colour only when
 * asked for, every input value escaped.
 */
#include <stdlib.h>
#include <string.h>

#include "base/util.h"
#include "report/render.h"

#define RED    "\033[1;31m"
#define YELLOW "\033[1;33m"
#define CYAN   "\033[1;36m"
#define BOLD   "\033[1m"
#define DIM    "\033[2m"
#define RESET  "\033[0m"

struct out {
	struct strbuf sb;
	const struct render_opts *o;
};

static void color(struct out *w, const char *code)
{
	if (w->o->color)
		sb_adds(&w->sb, code);
}

static void wrap(struct out *w, const char *text, size_t first_cols, size_t indent)
{
	render_wrap(&w->sb, text, first_cols, indent, (size_t)w->o->width);
}

/* "label" + wrapped, escaped text. */
static void labelled(struct out *w, const char *label, const char *text)
{
	sb_adds(&w->sb, label);
	wrap(w, text, strlen(label), strlen(label));
}

/* "Label: a (3), b (1), +2 more", values rendered as field (secret-aware);
 * field -1 renders free text (masked). */
static void tally_line(struct out *w, const struct ruleset *rs, const char *label, int field,
		       const struct tally *t)
{
	struct strbuf s = {0};
	if (render_tally_list(&s, rs, field, t, 5, render_value))
		labelled(w, label, sb_str(&s));
	sb_free(&s);
}

static const struct tally *field_tally(const struct finding *fi, int f)
{
	return f >= 0 ? fi->tally[f] : NULL;
}

static void count_line(struct out *w, const struct run *r, const struct finding *fi,
		       const char *indent)
{
	struct strbuf s = {0};
	char a[32], b[32];
	render_count(&s, fi->count);
	sb_printf(&s, " %s", render_noun(r->rs, fi->rule, fi->count != 1));
	if (fi->first != EVENT_NO_TIME) {
		time_format_short(fi->first, a);
		time_format_short(fi->last, b);
		if (fi->first == fi->last)
			sb_printf(&s, " at %s", a);
		else
			sb_printf(&s, ", first %s, last %s", a, b);
	}
	if (fi->untimed && fi->untimed != fi->count)
		sb_printf(&s, " (%llu without a readable time)", (unsigned long long)fi->untimed);
	labelled(w, indent, sb_str(&s));
	sb_free(&s);
}

/*
 * "Timeline: ▁▁▁▃█▇▆▂ 11-03 12:00 to 11-03 18:00 UTC, per hour": the finding's
 * events over the run's time axis, at most 48 cells (buckets are summed into
 * cells when the span is longer).  Nothing when the finding has no timed
 * event or the whole run spans a single bucket.
 */
static void sparkline(struct out *w, const struct run *r, const struct finding *fi)
{
	static const char *const bars[] = {"\u2581", "\u2582", "\u2583", "\u2584",
					   "\u2585", "\u2586", "\u2587", "\u2588"};
	const struct timeline_axis *ax = &r->f.axis;
	if (!ax->width_ms || ax->hi <= ax->lo || fi->count == fi->untimed)
		return;
	size_t span = (size_t)(ax->hi - ax->lo + 1), per = (span + 47) / 48;
	size_t cells = (span + per - 1) / per;
	uint64_t v[48] = {0}, max = 0;
	for (size_t i = 0; i < span; i++) {
		size_t slot = (size_t)(ax->lo - ax->origin) + i;
		if (slot < SFDIAG_TIMELINE_BUCKETS)
			v[i / per] += fi->timeline[slot];
	}
	for (size_t c = 0; c < cells; c++)
		if (v[c] > max)
			max = v[c];
	if (!max)
		return;
	struct strbuf s = {0};
	sb_adds(&s, "  Timeline: ");
	for (size_t c = 0; c < cells; c++) {
		if (!v[c])
			sb_addc(&s, ' ');
		else
			sb_adds(&s, bars[(v[c] * 7 + max - 1) / max]);
	}
	char a[32], b[32];
	time_format_short(ax->lo * ax->width_ms, a);
	time_format_short((ax->hi + 1) * ax->width_ms, b);
	int64_t cell_ms = ax->width_ms * (int64_t)per;
	const char *unit = cell_ms % (24 * 3600000) == 0 ? "day" : "hour";
	int64_t units = cell_ms / (strcmp(unit, "day") == 0 ? 24 * 3600000 : 3600000);
	while (s.len && s.buf[s.len - 1] == ' ')
		s.buf[--s.len] = '\0';
	sb_adds(&w->sb, sb_str(&s));
	sb_addc(&w->sb, '\n');
	sb_reset(&s);
	sb_printf(&s, "%s to %s, one cell per ", a, b);
	if (units == 1)
		sb_adds(&s, unit);
	else
		sb_printf(&s, "%lld %ss", (long long)units, unit);
	labelled(w, "            ", sb_str(&s));
	sb_free(&s);
}

static void evidence(struct out *w, const struct run *r, const struct finding *fi)
{
	const struct ruleset *rs = r->rs;
	tally_line(w, rs, "  Said:     ", -1, &fi->said);
	tally_line(w, rs, "  Users:    ", rs->f.user,
		   rs->f.user >= 0 ? fi->tally[rs->f.user] : NULL);
	tally_line(w, rs, "  Apps:     ", rs->f.application,
		   rs->f.application >= 0 ? fi->tally[rs->f.application] : NULL);
	tally_line(w, rs, "  From IPs: ", rs->f.source_ip,
		   rs->f.source_ip >= 0 ? fi->tally[rs->f.source_ip] : NULL);
	tally_line(w, rs, "  Status:   ", rs->f.status, fi->tally[rs->f.status]);
	tally_line(w, rs, "  Hosts:    ", rs->f.host, field_tally(fi, rs->f.host));
	tally_line(w, rs, "  Clients:  ", rs->f.client, field_tally(fi, rs->f.client));
}

static void rows_line(struct out *w, const struct run *r, const struct finding *fi,
		      const char *label)
{
	struct strbuf s = {0};
	for (size_t i = 0; i < fi->nex; i++) {
		if (i)
			sb_adds(&s, ", ");
		render_escape_term(&s, fi->ex[i].file, strlen(fi->ex[i].file));
		sb_printf(&s, ":%ld", fi->ex[i].line);
	}
	(void)r;
	if (fi->nex)
		labelled(w, label, sb_str(&s));
	sb_free(&s);
}

/* The findings that this one explains (correlate.h), as cited evidence. */
static void explained(struct out *w, const struct run *r, const struct finding *fi)
{
	const struct ruleset *rs = r->rs;
	struct strbuf s = {0};
	for (size_t i = 0; i < rs->nrules; i++) {
		const struct finding *o = r->f.by_rule[i];
		if (!o || fi->rule < 0 || o->explained_by != fi->rule)
			continue;
		sb_reset(&s);
		sb_adds(&s, "Also explains ");
		render_count(&s, o->count);
		sb_printf(&s, " %s (%s", render_noun(rs, o->rule, o->count != 1), rs->rules[i].id);
		const struct tally_entry *e[1];
		if (tally_top(&o->said, e, 1) == 1) {
			sb_adds(&s, ": ");
			render_text_value(&s, rs, e[0]->s, e[0]->n);
		}
		sb_adds(&s, ") in ");
		for (size_t k = 0; k < o->nex; k++) {
			if (k)
				sb_adds(&s, ", ");
			render_escape_term(&s, o->ex[k].file, strlen(o->ex[k].file));
			sb_printf(&s, ":%ld", o->ex[k].line);
		}
		sb_adds(&s, ": the same cause.");
		labelled(w, "  + ", sb_str(&s));
	}
	sb_free(&s);
}

/* For a catch-all that nothing in the data narrowed: the candidates. */
static void candidates(struct out *w, const struct run *r, const struct finding *fi,
		       const struct rule *rule)
{
	const struct ruleset *rs = r->rs;
	struct strbuf s = {0};
	/* Only a rule that says how to tell its candidates apart lists them. */
	if (!rule->ncandidates || !rule->ntell)
		return;
	sb_adds(&w->sb, rule->ncandidates == 1 ? "  Same cause as (no other evidence of it here):\n"
					       : "  Possible causes, most likely first (no other "
						 "evidence in this data narrows it):\n");
	for (size_t k = 0; k < rule->ncandidates; k++) {
		const struct rule *c = &rs->rules[rule->candidates[k]];
		char num[32];
		snprintf(num, sizeof num, "    %zu. ", k + 1);
		sb_reset(&s);
		sb_printf(&s, "%s: ", c->id);
		render_expand(&s, r, fi, c->title);
		labelled(w, num, sb_str(&s));
	}
	for (size_t k = 0; k < rule->ntell; k++) {
		sb_reset(&s);
		render_expand(&s, r, fi, rule->tell[k]);
		labelled(w, "  Tell: ", sb_str(&s));
	}
	sb_free(&s);
}

/* A pattern that matches s literally, case-insensitively, as a rule writes
 * it: regex metacharacters escaped, and an optional "Failed: " prefix. */
static void literal_pattern(struct strbuf *out, const char *s, size_t n)
{
	size_t skip = 0;
	if (n > 8 && str_ieq(s, 8, "failed: "))
		skip = 8;
	sb_adds(out, "/^(failed: )?");
	for (size_t i = skip; i < n; i++) {
		if (strchr("\\^$.|?*+()[]{}/", s[i]))
			sb_addc(out, '\\');
		sb_addc(out, s[i]);
	}
	sb_adds(out, "$/i");
}

/*
 * For failures no rule explains: a rule stanza to copy into a local rules
 * file, with the most frequent status (or error) as its condition.  Values
 * are masked and escaped like any other input text.
 */
static void draft_rule(struct out *w, const struct run *r, const struct finding *fi)
{
	const struct ruleset *rs = r->rs;
	const struct tally_entry *e[1];
	const char *field = "status";
	const struct tally *t = fi->tally[rs->f.status];
	if (!t || tally_top(t, e, 1) == 0 || e[0]->n == 0) {
		int fe = rs->f.error_code;
		field = "error_code";
		t = fe >= 0 ? fi->tally[fe] : NULL;
		if (!t || tally_top(t, e, 1) == 0 || e[0]->n == 0)
			return;
	}
	struct strbuf pat = {0}, val = {0}, line = {0};
	literal_pattern(&pat, e[0]->s, e[0]->n);
	render_text_value(&val, rs, sb_str(&pat), pat.len);
	static const char *const stanza[] = {
	    "rule local-CHANGE-ME",
	    "  title     WHAT IS WRONG, IN ONE LINE",
	    "  severity  error",
	    "  applies   login-history",
	    NULL, /* the when line */
	    "  fix       From Setup, in Quick Find, search for ... (one step per fix line)",
	    "  ref       WHERE THIS SIGNATURE IS DOCUMENTED",
	    NULL, /* the example line */
	    "  counter   status=Success",
	    "end",
	};
	for (size_t i = 0; i < sizeof stanza / sizeof stanza[0]; i++) {
		sb_reset(&line);
		if (i == 4) {
			sb_printf(&line, "  when      %s ~ %s", field, sb_str(&val));
		} else if (i == 7) {
			sb_printf(&line, "  example   %s=", field);
			render_text_value(&line, rs, e[0]->s, e[0]->n);
		} else {
			sb_adds(&line, stanza[i]);
		}
		sb_printf(&w->sb, "       %s\n", sb_str(&line));
	}
	sb_free(&pat);
	sb_free(&val);
	sb_free(&line);
}

static void finding(struct out *w, const struct run *r, const struct finding *fi)
{
	const struct ruleset *rs = r->rs;
	const struct rule *rule = fi->rule >= 0 ? &rs->rules[fi->rule] : NULL;
	enum severity sev = finding_severity(&r->f, fi);
	struct strbuf s = {0};

	color(w, sev == SEV_ERROR ? RED : sev == SEV_WARNING ? YELLOW : CYAN);
	sb_printf(&w->sb, "%s",
		  sev == SEV_ERROR     ? "ERROR"
		  : sev == SEV_WARNING ? "WARNING"
				       : "INFO");
	color(w, RESET);
	sb_addc(&w->sb, ' ');
	color(w, BOLD);
	sb_printf(&w->sb, "%s", finding_id(&r->f, fi));
	color(w, RESET);
	sb_addc(&w->sb, '\n');
	if (rule)
		render_expand(&s, r, fi, rule->title);
	else
		sb_adds(&s, finding_title(&r->f, fi));
	labelled(w, "  ", sb_str(&s));
	count_line(w, r, fi, "  ");
	sparkline(w, r, fi);
	evidence(w, r, fi);

	const struct group **g;
	size_t ng = render_groups(fi, &g);
	/* Stories about when a user last succeeded make sense for logins only. */
	int named = 0;
	for (size_t i = 0; rule && (rule->kinds & KIND_LOGIN_HISTORY) && i < ng; i++)
		named |= g[i]->user[0] || g[i]->application[0];
	for (size_t i = 0; named && i < ng && i < 5; i++) {
		sb_reset(&s);
		render_story(&s, r, g[i]);
		labelled(w, "  - ", sb_str(&s));
	}
	if (named && (ng > 5 || fi->ungrouped)) {
		sb_reset(&s);
		sb_printf(&s, "(%zu more user/app pairs", ng > 5 ? ng - 5 : 0);
		if (fi->ungrouped)
			sb_printf(&s, "; %llu failures beyond the %d pairs tracked",
				  (unsigned long long)fi->ungrouped, SFDIAG_MAX_GROUPS);
		sb_addc(&s, ')');
		labelled(w, "    ", sb_str(&s));
	}
	free(g);
	explained(w, r, fi);

	if (rule && rule->cause) {
		sb_reset(&s);
		render_expand(&s, r, fi, rule->cause);
		labelled(w, "  Why: ", sb_str(&s));
	}
	if (rule)
		candidates(w, r, fi, rule);
	sb_reset(&s);
	if (render_coverage_gap(&s, r, fi))
		labelled(w, "  Gap:  ", sb_str(&s));
	if (rule) {
		sb_adds(&w->sb, "  Fix:\n");
		for (size_t i = 0; i < rule->nfix; i++) {
			char num[32];
			snprintf(num, sizeof num, "    %zu. ", i + 1);
			sb_reset(&s);
			render_expand(&s, r, fi, rule->fix[i]);
			labelled(w, num, sb_str(&s));
		}
	} else {
		labelled(w, "  Fix: ",
			 "no rule knows these failures. Look the status or error texts shown "
			 "above up in the Salesforce Help, and consider adding a rule to rules/ "
			 "(sfdiag rules test checks it); a draft to start from:");
		draft_rule(w, r, fi);
	}
	rows_line(w, r, fi, "  Rows:     ");
	for (size_t i = 0; rule && i < rule->nrefs; i++)
		labelled(w, "  Ref:      ", rule->refs[i]);
	sb_addc(&w->sb, '\n');
	sb_free(&s);
}

static const char *level_name(enum note_level l)
{
	return l == NOTE_ERROR ? "error" : l == NOTE_WARNING ? "warning" : "note";
}

static void inputs(struct out *w, const struct run *r)
{
	struct strbuf s = {0};
	color(w, BOLD);
	sb_adds(&w->sb, "Inputs\n");
	color(w, RESET);
	for (size_t i = 0; i < r->ninputs; i++) {
		const struct input_summary *in = &r->inputs[i];
		sb_reset(&s);
		render_escape_term(&s, in->file, strlen(in->file));
		sb_adds(&s, ": ");
		render_read_as(&s, in);
		if (in->kind) {
			sb_adds(&s, ", ");
			render_count(&s, in->records);
			sb_adds(&s, in->records == 1 ? " record" : " records");
			if (in->skipped) {
				sb_adds(&s, ", ");
				render_count(&s, in->skipped);
				sb_adds(&s, " skipped");
			}
			if (in->failed)
				sb_adds(&s, " (not read to the end)");
		}
		labelled(w, "  ", sb_str(&s));
	}
	for (size_t i = 0; i < r->nnotes; i++) {
		const struct note *n = &r->notes[i];
		sb_reset(&s);
		sb_printf(&s, "%s: ", level_name(n->level));
		if (n->file) {
			render_escape_term(&s, n->file, strlen(n->file));
			if (n->line)
				sb_printf(&s, ":%ld", n->line);
			sb_adds(&s, ": ");
		}
		sb_adds(&s, n->msg);
		labelled(w, "  ", sb_str(&s));
	}
	if (r->notes_dropped)
		sb_printf(&w->sb, "  (%llu more notes not shown: SFDIAG_MAX_NOTES)\n",
			  (unsigned long long)r->notes_dropped);
	sb_free(&s);
}

int render_text(FILE *fp, const struct run *r, const struct render_opts *o)
{
	struct out w = {.o = o};
	const struct finding **v;
	size_t n = findings_sorted(&r->f, &v);
	size_t sev[3];
	uint64_t skipped = 0;

	for (size_t i = 0; i < r->ninputs; i++)
		skipped += r->inputs[i].skipped;
	render_severity_counts(r, sev);

	color(&w, BOLD);
	if (n == 0)
		sb_adds(&w.sb, "No problems found");
	else
		sb_printf(&w.sb, "%zu problem%s found", n, n == 1 ? "" : "s");
	color(&w, RESET);
	sb_printf(&w.sb, " (%zu error%s, %zu warning%s, %zu info)\n", sev[SEV_ERROR],
		  sev[SEV_ERROR] == 1 ? "" : "s", sev[SEV_WARNING],
		  sev[SEV_WARNING] == 1 ? "" : "s", sev[SEV_INFO]);
	struct strbuf s = {0};
	render_summary(&s, r);
	wrap(&w, sb_str(&s), 0, 0);
	sb_free(&s);
	sb_addc(&w.sb, '\n');

	for (size_t i = 0; i < n; i++)
		finding(&w, r, v[i]);
	free(v);
	inputs(&w, r);

	size_t len = w.sb.len;
	int rc = len && fwrite(w.sb.buf, 1, len, fp) != len ? -1 : 0;
	sb_free(&w.sb);
	return rc;
}
