/*
 * render_md.c - the report as a ticket reply in Markdown (CommonMark with
 * GitHub tables), to paste into Zendesk, Jira or a GitHub issue unedited.
 *
 * Nothing internal is shown: no rule patterns, no paths (input files by
 * their base name only).  Every value from input is masked and escaped for
 * a terminal first (render_value, render_text_value), then made inert for
 * Markdown by md_text: punctuation that forms emphasis, code, links, tables
 * or headings is backslash-escaped, < > & become entities (no raw HTML, no
 * autolinks), a block-opening character at the start of a line is escaped,
 * and "://" and "www." are broken so that no bare URL is linked.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base/util.h"
#include "report/render.h"

/* Backslash-escaped wherever they appear. */
#define MD_PUNCT "\\`*_[]|#~"

/*
 * Append s made inert for Markdown.  at_start: s opens a block (a paragraph,
 * a list item), where "-", "+", "=" or "1." would start a list or a heading.
 */
void render_md_text(struct strbuf *o, const char *s, int at_start)
{
	const char *p = s;
	if (at_start) {
		if (*p == '-' || *p == '+' || *p == '=') {
			sb_addc(o, '\\');
			sb_addc(o, *p++);
		} else if (*p >= '0' && *p <= '9') {
			const char *d = p;
			while (*d >= '0' && *d <= '9')
				d++;
			if (*d == '.' || *d == ')') {
				sb_add(o, p, (size_t)(d - p));
				sb_addc(o, '\\');
				sb_addc(o, *d);
				p = d + 1;
			}
		}
	}
	for (; *p; p++) {
		if (*p == '<') {
			sb_adds(o, "&lt;");
		} else if (*p == '>') {
			sb_adds(o, "&gt;");
		} else if (*p == '&') {
			sb_adds(o, "&amp;");
		} else if (strchr(MD_PUNCT, *p)) {
			sb_addc(o, '\\');
			sb_addc(o, *p);
		} else if (*p == ':' && p[1] == '/' && p[2] == '/') {
			/* GFM links a bare scheme://; an entity breaks the match. */
			sb_adds(o, "&#58;//");
			p += 2;
		} else if ((*p == 'w' || *p == 'W') && strncasecmp(p, "www.", 4) == 0) {
			sb_add(o, p, 3);
			sb_adds(o, "&#46;");
			p += 3;
		} else {
			sb_addc(o, *p);
		}
	}
}

/* A field's value from input: masked (or its shape), then inert. */
static void md_value(struct strbuf *o, const struct ruleset *rs, int field, const char *s, size_t n,
		     int at_start)
{
	struct strbuf b = {0};
	render_value(&b, rs, field, s, n);
	render_md_text(o, sb_str(&b), at_start);
	sb_free(&b);
}

/* A rule text with its placeholders filled from the finding, inert. */
static void md_expand(struct strbuf *o, const struct run *r, const struct finding *fi,
		      const char *tmpl, int at_start)
{
	struct strbuf b = {0};
	render_expand(&b, r, fi, tmpl);
	render_md_text(o, sb_str(&b), at_start);
	sb_free(&b);
}

/* The customer's own file name, without the directories it was read from. */
static void md_file(struct strbuf *o, const char *path)
{
	const char *slash = strrchr(path, '/');
	const char *b = slash && slash[1] ? slash + 1 : path;
	struct strbuf t = {0};
	render_escape_term(&t, b, strlen(b));
	render_md_text(o, sb_str(&t), 0);
	sb_free(&t);
}

static const char *sev_word(enum severity s)
{
	return s == SEV_ERROR ? "Error" : s == SEV_WARNING ? "Warning" : "Info";
}

/* md_value inside a table cell (never at a line start). */
static void md_cell_value(struct strbuf *o, const struct ruleset *rs, int field, const char *s,
			  size_t n)
{
	md_value(o, rs, field, s, n, 0);
}

/* "| Label | a (3), b (1), +2 more |" for a tally, nothing when empty. */
static void tally_row(struct strbuf *o, const struct ruleset *rs, const char *label, int field,
		      const struct tally *t)
{
	struct strbuf s = {0};
	if (render_tally_list(&s, rs, field, t, 5, md_cell_value))
		sb_printf(o, "| %s | %s |\n", label, sb_str(&s));
	sb_free(&s);
}

static const struct tally *field_tally(const struct finding *fi, int field)
{
	return field >= 0 ? fi->tally[field] : NULL;
}

static void evidence(struct strbuf *o, const struct run *r, const struct finding *fi)
{
	const struct ruleset *rs = r->rs;
	char a[32];
	const char *what = render_noun(rs, fi->rule, fi->count != 1);
	sb_adds(o, "| Evidence | |\n|---|---|\n");
	sb_printf(o, "| %c%s | ", what[0] >= 'a' && what[0] <= 'z' ? what[0] - 32 : what[0],
		  what + 1);
	render_count(o, fi->count);
	if (fi->untimed && fi->untimed != fi->count)
		sb_printf(o, " (%llu without a readable time)", (unsigned long long)fi->untimed);
	sb_adds(o, " |\n");
	if (fi->first != EVENT_NO_TIME) {
		time_format_short(fi->first, a);
		sb_printf(o, "| First seen | %s |\n", a);
		time_format_short(fi->last, a);
		sb_printf(o, "| Last seen | %s |\n", a);
	}
	tally_row(o, rs, "Said", -1, &fi->said);
	tally_row(o, rs, "Users", rs->f.user, field_tally(fi, rs->f.user));
	tally_row(o, rs, "Apps", rs->f.application, field_tally(fi, rs->f.application));
	tally_row(o, rs, "Source IPs", rs->f.source_ip, field_tally(fi, rs->f.source_ip));
	tally_row(o, rs, "Status", rs->f.status, field_tally(fi, rs->f.status));
	int host = rs->f.host, client = rs->f.client;
	tally_row(o, rs, "Hosts", host, field_tally(fi, host));
	tally_row(o, rs, "Clients", client, field_tally(fi, client));
	sb_addc(o, '\n');
}

/* One line per (user, application): when it last worked, since when not. */
static void stories(struct strbuf *o, const struct run *r, const struct finding *fi,
		    const struct rule *rule)
{
	const struct group **g;
	size_t ng = render_groups(fi, &g);
	int named = 0;
	for (size_t i = 0; rule && (rule->kinds & KIND_LOGIN_HISTORY) && i < ng; i++)
		named |= g[i]->user[0] || g[i]->application[0];
	struct strbuf s = {0};
	for (size_t i = 0; named && i < ng && i < 5; i++) {
		sb_reset(&s);
		render_story(&s, r, g[i]);
		sb_adds(o, "- ");
		render_md_text(o, sb_str(&s), 1);
		sb_addc(o, '\n');
	}
	if (named && (ng > 5 || fi->ungrouped)) {
		sb_printf(o, "- and %zu more user/app pairs", ng > 5 ? ng - 5 : 0);
		if (fi->ungrouped)
			sb_printf(o, "; %llu failures beyond the %d pairs tracked",
				  (unsigned long long)fi->ungrouped, SFDIAG_MAX_GROUPS);
		sb_addc(o, '\n');
	}
	if (named)
		sb_addc(o, '\n');
	sb_free(&s);
	free(g);
}

static void rows(struct strbuf *o, const struct finding *fi)
{
	for (size_t i = 0; i < fi->nex; i++) {
		if (i)
			sb_adds(o, ", ");
		md_file(o, fi->ex[i].file);
		sb_printf(o, ":%ld", fi->ex[i].line);
	}
}

/* The findings that this one explains (correlate.h), cited as evidence. */
static void explained(struct strbuf *o, const struct run *r, const struct finding *fi)
{
	const struct ruleset *rs = r->rs;
	for (size_t i = 0; fi->rule >= 0 && i < rs->nrules; i++) {
		const struct finding *x = r->f.by_rule[i];
		if (!x || fi->rule < 0 || x->explained_by != fi->rule)
			continue;
		sb_adds(o, "Also explains ");
		render_count(o, x->count);
		sb_printf(o, " %s (`%s`", render_noun(rs, x->rule, x->count != 1), rs->rules[i].id);
		const struct tally_entry *e[1];
		if (tally_top(&x->said, e, 1) == 1) {
			sb_adds(o, ": ");
			md_value(o, rs, -1, e[0]->s, e[0]->n, 0);
		}
		sb_adds(o, ") in ");
		rows(o, x);
		sb_adds(o, ": the same cause.\n\n");
	}
}

static void candidates(struct strbuf *o, const struct run *r, const struct finding *fi,
		       const struct rule *rule)
{
	const struct ruleset *rs = r->rs;
	if (!rule->ncandidates)
		return;
	sb_adds(o, rule->ncandidates == 1
		       ? "**Same cause as** (no other evidence of it here):\n\n"
		       : "**Possible causes**, most likely first (nothing else in this data "
			 "narrows it):\n\n");
	for (size_t k = 0; k < rule->ncandidates; k++) {
		const struct rule *c = &rs->rules[rule->candidates[k]];
		sb_printf(o, "%zu. `%s`: ", k + 1, c->id);
		md_expand(o, r, fi, c->title, 0);
		sb_addc(o, '\n');
	}
	sb_addc(o, '\n');
	for (size_t k = 0; k < rule->ntell; k++) {
		sb_adds(o, k ? "" : "**How to tell them apart:**\n\n");
		sb_adds(o, "- ");
		md_expand(o, r, fi, rule->tell[k], 1);
		sb_addc(o, '\n');
	}
	if (rule->ntell)
		sb_addc(o, '\n');
}

/* A URL inside (...): nothing that ends or breaks the destination. */
static void md_url(struct strbuf *o, const char *u, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)u[i];
		if (c <= ' ' || c >= 0x7F || strchr("()<>\\\"'`", c))
			sb_printf(o, "%%%02X", c);
		else
			sb_addc(o, (char)c);
	}
}

/* "URL (comment)" as a link; any other reference as text. */
static void reference(struct strbuf *o, const char *ref)
{
	sb_adds(o, "- ");
	if (strncmp(ref, "https://", 8) && strncmp(ref, "http://", 7)) {
		render_md_text(o, ref, 1);
		sb_addc(o, '\n');
		return;
	}
	size_t ul = strcspn(ref, " \t");
	const char *rest = ref + ul;
	while (*rest == ' ' || *rest == '\t')
		rest++;
	struct strbuf label = {0};
	if (*rest == '(' && rest[strlen(rest) - 1] == ')')
		sb_add(&label, rest + 1, strlen(rest) - 2);
	else if (*rest)
		sb_adds(&label, rest);
	else
		sb_add(&label, ref, ul);
	sb_addc(o, '[');
	render_md_text(o, sb_str(&label), 0);
	sb_adds(o, "](");
	md_url(o, ref, ul);
	sb_adds(o, ")\n");
	sb_free(&label);
}

static void finding(struct strbuf *o, const struct run *r, const struct finding *fi, size_t num)
{
	const struct ruleset *rs = r->rs;
	const struct rule *rule = fi->rule >= 0 ? &rs->rules[fi->rule] : NULL;

	sb_printf(o, "### %zu. %s: ", num, sev_word(finding_severity(&r->f, fi)));
	if (rule)
		md_expand(o, r, fi, rule->title, 0);
	else
		render_md_text(o, finding_title(&r->f, fi), 0);
	sb_printf(o, "\n\nRule `%s`", finding_id(&r->f, fi));
	if (fi->nex) {
		sb_adds(o, "; example rows: ");
		rows(o, fi);
	}
	sb_adds(o, "\n\n");
	if (rule && rule->cause) {
		sb_adds(o, "**What is wrong:** ");
		md_expand(o, r, fi, rule->cause, 0);
		sb_adds(o, "\n\n");
	}
	evidence(o, r, fi);
	stories(o, r, fi, rule);
	explained(o, r, fi);
	if (rule && fi->explained_by < 0)
		candidates(o, r, fi, rule);
	struct strbuf gap = {0};
	if (render_coverage_gap(&gap, r, fi)) {
		sb_adds(o, "**Gap in the evidence:** ");
		render_md_text(o, sb_str(&gap), 0);
		sb_adds(o, "\n\n");
	}
	sb_free(&gap);
	if (rule) {
		sb_adds(o, "**Fix:**\n\n");
		for (size_t i = 0; i < rule->nfix; i++) {
			sb_printf(o, "%zu. ", i + 1);
			md_expand(o, r, fi, rule->fix[i], 1);
			sb_addc(o, '\n');
		}
		sb_addc(o, '\n');
	} else {
		sb_adds(o, "**Fix:** no rule knows these failures. Look the status or error texts "
			   "above up in the Salesforce Help.\n\n");
	}
	if (rule && rule->nrefs) {
		sb_adds(o, "**References:**\n\n");
		for (size_t i = 0; i < rule->nrefs; i++)
			reference(o, rule->refs[i]);
		sb_addc(o, '\n');
	}
}

static const char *level_name(enum note_level l)
{
	return l == NOTE_ERROR ? "error" : l == NOTE_WARNING ? "warning" : "note";
}

static void inputs(struct strbuf *o, const struct run *r)
{
	sb_adds(o, "### Inputs\n\n| File | Read as | Records | Skipped |\n|---|---|---:|---:|\n");
	for (size_t i = 0; i < r->ninputs; i++) {
		const struct input_summary *in = &r->inputs[i];
		sb_adds(o, "| ");
		md_file(o, in->file);
		sb_adds(o, " | ");
		render_read_as(o, in); /* constant text: nothing to escape */
		if (in->kind && in->failed)
			sb_adds(o, " (not read to the end)");
		sb_adds(o, " | ");
		render_count(o, in->records);
		sb_adds(o, " | ");
		render_count(o, in->skipped);
		sb_adds(o, " |\n");
	}
	sb_addc(o, '\n');
	for (size_t i = 0; i < r->nnotes; i++) {
		const struct note *n = &r->notes[i];
		sb_printf(o, "- %s: ", level_name(n->level));
		if (n->file) {
			md_file(o, n->file);
			if (n->line)
				sb_printf(o, ":%ld", n->line);
			sb_adds(o, ": ");
		}
		md_value(o, r->rs, -1, n->msg, strlen(n->msg), 0);
		sb_addc(o, '\n');
	}
	if (r->notes_dropped)
		sb_printf(o, "- (%llu more notes not shown: SFDIAG\\_MAX\\_NOTES)\n",
			  (unsigned long long)r->notes_dropped);
	if (r->nnotes || r->notes_dropped)
		sb_addc(o, '\n');
}

/* "Read 2 inputs: 56 logins (15 succeeded, 41 failed), ...; FIRST to LAST." */
static void summary(struct strbuf *o, const struct run *r)
{
	render_summary(o, r);
	sb_adds(o, "\n\n");
}

int render_md(FILE *fp, const struct run *r, const struct render_opts *o)
{
	struct strbuf b = {0};
	const struct finding **v;
	size_t n = findings_sorted(&r->f, &v);
	size_t sev[3];
	(void)o;

	render_severity_counts(r, sev);
	if (n == 0) {
		sb_adds(&b, "**sfdiag found no problems.**");
	} else {
		sb_printf(&b,
			  "**sfdiag found %zu problem%s** (%zu error%s, %zu warning%s, %zu info): ",
			  n, n == 1 ? "" : "s", sev[SEV_ERROR], sev[SEV_ERROR] == 1 ? "" : "s",
			  sev[SEV_WARNING], sev[SEV_WARNING] == 1 ? "" : "s", sev[SEV_INFO]);
		const struct rule *top = v[0]->rule >= 0 ? &r->rs->rules[v[0]->rule] : NULL;
		if (top)
			md_expand(&b, r, v[0], top->title, 0);
		else
			render_md_text(&b, finding_title(&r->f, v[0]), 0);
		sb_addc(&b, '.');
		if (n > 1)
			sb_printf(&b, " (+%zu more below)", n - 1);
	}
	sb_adds(&b, "\n\n");
	summary(&b, r);
	for (size_t i = 0; i < n; i++)
		finding(&b, r, v[i], i + 1);
	free(v);
	inputs(&b, r);

	int rc = b.len && fwrite(b.buf, 1, b.len, fp) != b.len ? -1 : 0;
	sb_free(&b);
	return rc;
}
