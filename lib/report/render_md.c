/*
 * render_md.c - the report as a ticket reply in Markdown (CommonMark with
 * GitHub tables), to paste into Zendesk, Jira or a GitHub issue unedited.
 *
 * The body is written for the customer: what is wrong, the evidence, the
 * fix, the references.  What only support needs (rule ids, the causes a
 * catch-all could be, the inputs read and how, the notes on them) is in one
 * closing section, "Details for support", that --no-details leaves out.
 * No rule pattern and no path is shown (input files by their base name).
 *
 * Every value from input is masked and escaped for a terminal first
 * (value(): render_value), then made inert for Markdown by render_md_text,
 * with as few backslashes as CommonMark needs, so that the text also reads
 * well where it is not rendered: punctuation that forms emphasis, code,
 * links or tables is backslash-escaped (an underscore inside a word cannot
 * emphasise and is left alone), < becomes an entity (no raw HTML, no
 * autolinks) and so does an & that would start one, a block-opening
 * character at the start of a block is escaped, and "://" and "www." are
 * broken so that no bare URL is linked.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base/util.h"
#include "report/render.h"

/* Backslash-escaped wherever they appear ('_' only at a word's edge). */
#define MD_PUNCT "\\`*[]|~"

static int md_alnum(char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

/* An '&' that a renderer would read as the start of an entity. */
static int md_entity_start(const char *p)
{
	const char *q = p + 1;
	if (*q == '#')
		q++;
	const char *w = q;
	while (md_alnum(*q))
		q++;
	return q > w && *q == ';';
}

/*
 * Append s made inert for Markdown.  at_start: s opens a block (a paragraph,
 * a list item), where "-", "+", "=", "#", ">" or "1." would start a list, a
 * heading or a quote.
 */
void render_md_text(struct strbuf *o, const char *s, int at_start)
{
	const char *p = s;
	if (at_start) {
		if (*p == '-' || *p == '+' || *p == '=' || *p == '#' || *p == '>') {
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
		} else if (*p == '&' && md_entity_start(p)) {
			sb_adds(o, "&amp;");
		} else if (*p == '_' && !(p > s && md_alnum(p[-1]) && md_alnum(p[1]))) {
			sb_adds(o, "\\_");
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

/* The one place input becomes Markdown: masked, escaped for a terminal; the
 * sentence it sits in is then made inert as a whole (md_text). */
static void value(struct strbuf *out, const struct ruleset *rs, int field, const char *s, size_t n)
{
	render_value(out, rs, field, s, n);
}

/* A sentence of the model, inert; at_start as for render_md_text. */
static void md_text(struct strbuf *o, const struct ruleset *rs, const struct report_text *t,
		    int at_start)
{
	struct strbuf b = {0};
	report_text_flat(&b, rs, t, value);
	render_md_text(o, sb_str(&b), at_start);
	sb_free(&b);
}

/* One value from input, inert. */
static void md_value(struct strbuf *o, const struct ruleset *rs, int field, const char *s, size_t n)
{
	struct strbuf b = {0};
	value(&b, rs, field, s, n);
	render_md_text(o, sb_str(&b), 0);
	sb_free(&b);
}

/* The customer's own file name, without the folders it was read from. */
static void md_file(struct strbuf *o, const struct ruleset *rs, const char *path)
{
	const char *b = render_basename(path);
	struct strbuf t = {0};
	render_text_value(&t, rs, b, strlen(b));
	render_md_text(o, sb_str(&t), 0);
	sb_free(&t);
}

static void rows(struct strbuf *o, const struct ruleset *rs, const struct finding *fi)
{
	for (size_t i = 0; i < fi->nex; i++) {
		if (i)
			sb_adds(o, ", ");
		md_file(o, rs, fi->ex[i].file);
		sb_printf(o, ":%ld", fi->ex[i].line);
	}
}

static void evidence(struct strbuf *o, const struct ruleset *rs, const struct report_finding *rf)
{
	const struct finding *fi = rf->fi;
	char a[32];
	sb_adds(o, "| Evidence | |\n|---|---|\n| ");
	render_capital(o, rf->noun);
	sb_adds(o, " | ");
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
	struct strbuf s = {0};
	for (size_t i = 0; i < rf->nrows; i++) {
		const struct report_row *row = &rf->rows[i];
		if (row->def->layout == REPORT_LAYOUT_DATA)
			continue;
		sb_reset(&s);
		if (render_row_list(&s, rs, row, md_value))
			sb_printf(o, "| %s | %s |\n", row->def->label, sb_str(&s));
	}
	sb_free(&s);
	if (fi->nex) {
		sb_adds(o, "| Example rows | ");
		rows(o, rs, fi);
		sb_adds(o, " |\n");
	}
	sb_addc(o, '\n');
}

/* One line per (user, application): when it last worked, since when not. */
static void stories(struct strbuf *o, const struct ruleset *rs, const struct report_finding *rf)
{
	if (!rf->stories)
		return;
	for (size_t i = 0; i < rf->nstories; i++) {
		sb_adds(o, "- ");
		md_text(o, rs, &rf->groups[i].story, 1);
		sb_addc(o, '\n');
	}
	if (rf->stories_more || rf->fi->ungrouped) {
		sb_printf(o, "- and %zu more user/app pairs", rf->stories_more);
		if (rf->fi->ungrouped)
			sb_printf(o, "; %llu failures beyond the %d pairs tracked",
				  (unsigned long long)rf->fi->ungrouped, SFDIAG_MAX_GROUPS);
		sb_addc(o, '\n');
	}
	sb_addc(o, '\n');
}

/* The findings that this one explains (correlation), cited as evidence; their
 * rule ids are in the details. */
static void explained(struct strbuf *o, const struct ruleset *rs, const struct report_finding *rf)
{
	for (size_t i = 0; i < rf->nexplains; i++) {
		const struct report_finding *x = &rf->explains[i];
		sb_adds(o, "Also explains ");
		render_count(o, x->fi->count);
		sb_printf(o, " %s", x->noun);
		if (x->said.nv) {
			sb_adds(o, " (");
			md_value(o, rs, -1, x->said.v[0].s, x->said.v[0].n);
			sb_addc(o, ')');
		}
		sb_adds(o, " in ");
		rows(o, rs, x->fi);
		sb_adds(o, ": the same cause.\n\n");
	}
}

static void candidates(struct strbuf *o, const struct ruleset *rs, const struct report_finding *rf)
{
	if (!rf->ncands)
		return;
	sb_adds(o, rf->ncands == 1 ? "**Same cause as** (no other evidence of it here):\n\n"
				   : "**Possible causes**, most likely first (nothing else in this "
				     "data narrows it):\n\n");
	for (size_t k = 0; k < rf->ncands; k++) {
		sb_printf(o, "%zu. ", k + 1);
		md_text(o, rs, &rf->cands[k].title, 1);
		sb_addc(o, '\n');
	}
	sb_addc(o, '\n');
	for (size_t k = 0; k < rf->ntell; k++) {
		sb_adds(o, k ? "- " : "**How to tell them apart:**\n\n- ");
		md_text(o, rs, &rf->tell[k], 1);
		sb_addc(o, '\n');
	}
	if (rf->ntell)
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
	struct render_ref link;
	sb_adds(o, "- ");
	if (!render_ref_parse(ref, &link)) {
		render_md_text(o, ref, 1);
		sb_addc(o, '\n');
		return;
	}
	struct strbuf label = {0};
	sb_add(&label, link.label, link.label_len);
	sb_addc(o, '[');
	render_md_text(o, sb_str(&label), 0);
	sb_adds(o, "](");
	md_url(o, link.url, link.url_len);
	sb_adds(o, ")\n");
	sb_free(&label);
}

static void finding(struct strbuf *o, const struct ruleset *rs, const struct report_finding *rf,
		    size_t num)
{
	sb_printf(o, "### %zu. %s: ", num, render_severity_word(rf->severity));
	md_text(o, rs, &rf->title, 0);
	sb_adds(o, "\n\n");
	if (rf->has_cause) {
		sb_adds(o, "**What is wrong:** ");
		md_text(o, rs, &rf->cause, 0);
		sb_adds(o, "\n\n");
	}
	evidence(o, rs, rf);
	stories(o, rs, rf);
	explained(o, rs, rf);
	candidates(o, rs, rf);
	if (rf->has_gap) {
		sb_adds(o, "**Gap in the evidence:** ");
		md_text(o, rs, &rf->gap, 0);
		sb_adds(o, "\n\n");
	}
	if (rf->has_trigger) {
		sb_adds(o, "**Likely trigger:** ");
		md_text(o, rs, &rf->trigger, 0);
		sb_adds(o, "\n\n");
	}
	if (rf->has_fixed) {
		sb_adds(o, "**Fixed:** ");
		md_text(o, rs, &rf->fixed, 0);
		sb_adds(o, "\n\n");
	}
	if (rf->has_no_trail) {
		sb_adds(o, "**Changes in Setup:** ");
		md_text(o, rs, &rf->no_trail, 0);
		sb_adds(o, "\n\n");
	}
	if (rf->rule) {
		sb_adds(o, "**Fix:**\n\n");
		for (size_t i = 0; i < rf->nfix; i++) {
			sb_printf(o, "%zu. ", i + 1);
			md_text(o, rs, &rf->fix[i], 1);
			sb_addc(o, '\n');
		}
		sb_addc(o, '\n');
	} else {
		sb_adds(o, "**Fix:** ");
		md_text(o, rs, &rf->unknown_fix, 0);
		sb_adds(o, "\n\n");
	}
	if (rf->rule && rf->rule->nrefs) {
		sb_adds(o, "**References:**\n\n");
		for (size_t i = 0; i < rf->rule->nrefs; i++)
			reference(o, rf->rule->refs[i]);
		sb_addc(o, '\n');
	}
}

static void changes(struct strbuf *o, const struct report *m)
{
	if (!m->changes_seen)
		return;
	sb_adds(o, "### Changes in Setup (Setup Audit Trail)\n\n");
	for (size_t i = 0; i < m->nchanges; i++) {
		const struct report_change *rc = &m->changes[i];
		sb_adds(o, "- ");
		md_text(o, m->rs, &rc->line, 1);
		sb_adds(o, rc->blamed ? " (**likely trigger**)\n" : "\n");
	}
	sb_printf(o, "%s%llu change%s read; %llu not related to logins are not listed.\n\n",
		  m->nchanges ? "\n" : "", (unsigned long long)m->changes_seen,
		  m->changes_seen == 1 ? "" : "s", (unsigned long long)m->changes_unrelated);
}

/* The closing section, for support: rule ids (what each finding is, what it
 * explains, what it could be, what classified each change), then the
 * inputs as read and the notes on them. */
static void details(struct strbuf *o, const struct report *m)
{
	sb_adds(o, "### Details for support\n\n");
	if (m->nf)
		sb_adds(o, "Rules, by finding:\n\n");
	for (size_t i = 0; i < m->nf; i++) {
		const struct report_finding *rf = &m->f[i];
		sb_printf(o, "%zu. `%s`", i + 1, rf->id);
		for (size_t k = 0; k < rf->nexplains; k++)
			sb_printf(o, "%s`%s`", k ? ", " : "; explains ", rf->explains[k].id);
		for (size_t k = 0; k < rf->ncands; k++)
			sb_printf(o, "%s`%s`", k ? ", " : "; could be ", rf->cands[k].id);
		sb_addc(o, '\n');
	}
	if (m->nf)
		sb_addc(o, '\n');
	if (m->nchanges) {
		sb_adds(o, "Setup changes, by rule:\n\n");
		for (size_t i = 0; i < m->nchanges; i++) {
			const struct report_change *rc = &m->changes[i];
			char t[32] = "no time";
			if (rc->c->time_ms != EVENT_NO_TIME)
				time_format_short(rc->c->time_ms, t);
			sb_printf(o, "- %s: `%s`%s\n", t, rc->id,
				  rc->blamed ? " (likely trigger)" : "");
		}
		sb_addc(o, '\n');
	}
	sb_adds(o, "| File | Read as | Records | Skipped |\n|---|---|---:|---:|\n");
	for (size_t i = 0; i < m->ninputs; i++) {
		const struct input_summary *in = &m->inputs[i];
		sb_adds(o, "| ");
		md_file(o, m->rs, in->file);
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
	for (size_t i = 0; i < m->nnotes; i++) {
		const struct report_note *n = &m->notes[i];
		sb_printf(o, "- %s: ", render_level_word(n->level));
		if (n->file) {
			md_file(o, m->rs, n->file);
			if (n->line)
				sb_printf(o, ":%ld", n->line);
			sb_adds(o, ": ");
		}
		md_text(o, m->rs, &n->msg, 0);
		sb_addc(o, '\n');
	}
	if (m->notes_dropped)
		sb_printf(o, "- (%llu more notes not shown: SFDIAG_MAX_NOTES)\n",
			  (unsigned long long)m->notes_dropped);
	if (m->nnotes || m->notes_dropped)
		sb_addc(o, '\n');
}

/* The test request as a fenced code block, where nothing is escaped: the
 * fence is longer than any run of backticks in the command. */
static void test_block(struct strbuf *o, const struct report *m)
{
	struct strbuf c = {0};
	render_test_command(&c, m, value);
	size_t run = 0, longest = 0;
	for (const char *p = sb_str(&c); *p; p++) {
		run = *p == '`' ? run + 1 : 0;
		if (run > longest)
			longest = run;
	}
	size_t fence = longest < 3 ? 3 : longest + 1;
	for (size_t i = 0; i < fence; i++)
		sb_addc(o, '`');
	sb_adds(o, "sh\n");
	sb_add(o, c.buf, c.len);
	sb_addc(o, '\n');
	for (size_t i = 0; i < fence; i++)
		sb_addc(o, '`');
	sb_adds(o, "\n\n");
	sb_free(&c);
}

int render_md(FILE *fp, const struct report *m, const struct render_opts *o)
{
	struct strbuf b = {0};

	if (!m->complete) {
		sb_adds(&b, "**");
		md_text(&b, m->rs, &m->headline, 1);
		sb_adds(&b, "**\n\n");
	}
	if (m->nf == 0 && !m->complete) {
		sb_adds(&b, m->none_found);
		sb_addc(&b, '.');
	} else if (m->nf == 0) {
		sb_adds(&b, "**sfdiag found no problems.**");
	} else {
		sb_printf(&b, "**sfdiag found %zu problem%s** ", m->nf, m->nf == 1 ? "" : "s");
		render_severity_counts(&b, m);
		sb_adds(&b, ": ");
		md_text(&b, m->rs, &m->f[0].title, 0);
		sb_addc(&b, '.');
		if (m->nf > 1)
			sb_printf(&b, " (+%zu more below)", m->nf - 1);
	}
	sb_adds(&b, "\n\n");
	if (m->nshort) {
		sb_adds(&b, "**In short.**");
		for (size_t i = 0; i < m->nshort; i++) {
			sb_addc(&b, ' ');
			md_text(&b, m->rs, &m->in_short[i], 0);
		}
		sb_adds(&b, "\n\n");
	}
	if (m->ntest) {
		sb_adds(&b, "**Test the settings.** ");
		md_text(&b, m->rs, &m->test_intro, 0);
		sb_adds(&b, "\n\n");
		test_block(&b, m);
	}
	md_text(&b, m->rs, &m->summary, 1);
	sb_adds(&b, "\n\n");
	for (size_t i = 0; i < m->nf; i++)
		finding(&b, m->rs, &m->f[i], i + 1);
	changes(&b, m);
	if (!o->no_details)
		details(&b, m);

	int rc = b.len && fwrite(b.buf, 1, b.len, fp) != b.len ? -1 : 0;
	sb_free(&b);
	return rc;
}
