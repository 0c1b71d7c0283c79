/*
 * render_text.c - the report for a terminal: 80 columns, colour only when
 * asked for, every input value masked and escaped (value()).
 */
#include <stdlib.h>
#include <string.h>

#include "base/util.h"
#include "report/render.h"

#define RED    "\033[1;31m"
#define YELLOW "\033[1;33m"
#define CYAN   "\033[1;36m"
#define BOLD   "\033[1m"
#define RESET  "\033[0m"

/* Labels fill this many columns after the two-blank indent ("Users:    "). */
#define LABEL_COLS (REPORT_SHORT_LABEL_MAX + 2)

struct out {
	struct strbuf sb;
	const struct render_opts *o;
	const struct ruleset *rs;
};

/* The one place input becomes terminal text: masked, then escaped. */
static void value(struct strbuf *out, const struct ruleset *rs, int field, const char *s, size_t n)
{
	render_value(out, rs, field, s, n);
}

static void color(struct out *w, const char *code)
{
	if (w->o->color)
		sb_adds(&w->sb, code);
}

/* "label" + text wrapped, the following lines indented like the text. */
static void labelled(struct out *w, const char *label, const char *text)
{
	sb_adds(&w->sb, label);
	render_wrap(&w->sb, text, strlen(label), strlen(label), (size_t)w->o->width);
}

static void labelled_text(struct out *w, const char *label, const struct report_text *t)
{
	struct strbuf s = {0};
	report_text_flat(&s, w->rs, t, value);
	labelled(w, label, sb_str(&s));
	sb_free(&s);
}

/* "  Label:    " for an evidence row or the rows line. */
static void row_label(char *buf, size_t size, const char *label)
{
	snprintf(buf, size, "  %s:%*s", label,
		 (int)(LABEL_COLS - render_columns(label, strlen(label)) - 1), "");
}

static void count_line(struct out *w, const struct report_finding *rf)
{
	const struct finding *fi = rf->fi;
	struct strbuf s = {0};
	char a[32], b[32];
	render_count(&s, fi->count);
	sb_printf(&s, " %s", rf->noun);
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
	labelled(w, "  ", sb_str(&s));
	sb_free(&s);
}

/* "Timeline: ▁▁▁▃█▇▆▂" and, below, the span and what one cell is. */
static void sparkline(struct out *w, const struct report_spark *sp)
{
	static const char *const bars[] = {"\u2581", "\u2582", "\u2583", "\u2584",
					   "\u2585", "\u2586", "\u2587", "\u2588"};
	if (!sp->ncells)
		return;
	struct strbuf s = {0};
	sb_adds(&s, "  Timeline: ");
	for (size_t c = 0; c < sp->ncells; c++) {
		if (!sp->cell[c])
			sb_addc(&s, ' ');
		else
			sb_adds(&s, bars[(sp->cell[c] * 7 + sp->max - 1) / sp->max]);
	}
	while (s.len && s.buf[s.len - 1] == ' ')
		s.buf[--s.len] = '\0';
	sb_adds(&w->sb, sb_str(&s));
	sb_addc(&w->sb, '\n');
	char a[32], b[32];
	time_format_short(sp->from, a);
	time_format_short(sp->to, b);
	const int64_t day = 24 * 3600000;
	int by_day = sp->cell_ms % day == 0;
	int64_t units = sp->cell_ms / (by_day ? day : 3600000);
	sb_reset(&s);
	sb_printf(&s, "%s to %s, one cell per ", a, b);
	if (units == 1)
		sb_adds(&s, by_day ? "day" : "hour");
	else
		sb_printf(&s, "%lld %s", (long long)units, by_day ? "days" : "hours");
	labelled(w, "            ", sb_str(&s));
	sb_free(&s);
}

static void evidence(struct out *w, const struct report_finding *rf)
{
	struct strbuf s = {0};
	char label[64];
	for (size_t i = 0; i < rf->nrows; i++) {
		const struct report_row *row = &rf->rows[i];
		if (row->def->layout == REPORT_LAYOUT_DATA)
			continue;
		sb_reset(&s);
		if (render_row_list(&s, w->rs, row, value)) {
			row_label(label, sizeof label, row->def->short_label);
			labelled(w, label, sb_str(&s));
		}
	}
	sb_free(&s);
}

/* "file:line, file:line" of a finding's example rows. */
static void rows_text(struct strbuf *s, const struct ruleset *rs, const struct finding *fi)
{
	for (size_t i = 0; i < fi->nex; i++) {
		if (i)
			sb_adds(s, ", ");
		render_text_value(s, rs, fi->ex[i].file, strlen(fi->ex[i].file));
		sb_printf(s, ":%ld", fi->ex[i].line);
	}
}

/* The findings that this one explains (correlation), as cited evidence. */
static void explained(struct out *w, const struct report_finding *rf)
{
	struct strbuf s = {0};
	for (size_t i = 0; i < rf->nexplains; i++) {
		const struct report_finding *x = &rf->explains[i];
		sb_reset(&s);
		sb_adds(&s, "Also explains ");
		render_count(&s, x->fi->count);
		sb_printf(&s, " %s (%s", x->noun, x->id);
		if (x->said.nv) {
			sb_adds(&s, ": ");
			value(&s, w->rs, -1, x->said.v[0].s, x->said.v[0].n);
		}
		sb_adds(&s, ") in ");
		rows_text(&s, w->rs, x->fi);
		sb_adds(&s, ": the same cause.");
		labelled(w, "  + ", sb_str(&s));
	}
	sb_free(&s);
}

/* For a catch-all that nothing narrowed: the candidates, when the rule says
 * how to tell them apart (the terminal report keeps to what helps). */
static void candidates(struct out *w, const struct report_finding *rf)
{
	if (!rf->ncands || !rf->ntell)
		return;
	sb_adds(&w->sb, rf->ncands == 1 ? "  Same cause as (no other evidence of it here):\n"
					: "  Possible causes, most likely first (no other "
					  "evidence in this data narrows it):\n");
	struct strbuf s = {0};
	for (size_t k = 0; k < rf->ncands; k++) {
		char num[32];
		snprintf(num, sizeof num, "    %zu. ", k + 1);
		sb_reset(&s);
		sb_printf(&s, "%s: ", rf->cands[k].id);
		report_text_flat(&s, w->rs, &rf->cands[k].title, value);
		labelled(w, num, sb_str(&s));
	}
	for (size_t k = 0; k < rf->ntell; k++)
		labelled_text(w, "  Tell: ", &rf->tell[k]);
	sb_free(&s);
}

/* The draft rule for failures no rule explains: a stanza, its body indented. */
static void draft(struct out *w, const struct report_finding *rf)
{
	struct strbuf s = {0};
	for (size_t i = 0; i < rf->ndraft; i++) {
		sb_reset(&s);
		report_text_flat(&s, w->rs, &rf->draft[i], value);
		int body = i > 0 && i + 1 < rf->ndraft;
		sb_printf(&w->sb, "       %s%s\n", body ? "  " : "", sb_str(&s));
	}
	sb_free(&s);
}

static void stories(struct out *w, const struct report_finding *rf)
{
	if (!rf->stories)
		return;
	for (size_t i = 0; i < rf->nstories; i++)
		labelled_text(w, "  - ", &rf->groups[i].story);
	if (rf->stories_more || rf->fi->ungrouped) {
		struct strbuf s = {0};
		sb_printf(&s, "(%zu more user/app pairs", rf->stories_more);
		if (rf->fi->ungrouped)
			sb_printf(&s, "; %llu failures beyond the %d pairs tracked",
				  (unsigned long long)rf->fi->ungrouped, SFDIAG_MAX_GROUPS);
		sb_addc(&s, ')');
		labelled(w, "    ", sb_str(&s));
		sb_free(&s);
	}
}

/* "Resolved since T (successes resumed)", and the last good login of the
 * integration's pair when it logged in fine before the failures. */
static void standing(struct out *w, const struct report_finding *rf)
{
	char t[32], label[64];
	struct strbuf s = {0};
	if (rf->standing == REPORT_RESOLVED && rf->resolved_since != EVENT_NO_TIME) {
		time_format_short(rf->resolved_since, t);
		sb_printf(&s, "Resolved since %s (successes resumed).", t);
		labelled(w, "  ", sb_str(&s));
	}
	if (rf->last_good != EVENT_NO_TIME) {
		sb_reset(&s);
		time_format_short(rf->last_good, t);
		sb_printf(&s, "%s", t);
		if (rf->last_good_ip && *rf->last_good_ip) {
			sb_adds(&s, " from ");
			value(&s, w->rs, w->rs->f.source_ip, rf->last_good_ip,
			      strlen(rf->last_good_ip));
		}
		row_label(label, sizeof label, "Last OK");
		labelled(w, label, sb_str(&s));
	}
	sb_free(&s);
}

static void finding(struct out *w, const struct report_finding *rf)
{
	struct strbuf s = {0};
	char label[64];

	color(w, rf->severity == SEV_ERROR ? RED : rf->severity == SEV_WARNING ? YELLOW : CYAN);
	sb_adds(&w->sb, rf->severity == SEV_ERROR     ? "ERROR"
			: rf->severity == SEV_WARNING ? "WARNING"
						      : "INFO");
	color(w, RESET);
	sb_addc(&w->sb, ' ');
	color(w, BOLD);
	sb_adds(&w->sb, rf->id);
	color(w, RESET);
	sb_addc(&w->sb, '\n');
	labelled_text(w, "  ", &rf->title);
	count_line(w, rf);
	standing(w, rf);
	sparkline(w, &rf->spark);
	evidence(w, rf);
	stories(w, rf);
	explained(w, rf);
	if (rf->has_cause)
		labelled_text(w, "  Why: ", &rf->cause);
	candidates(w, rf);
	if (rf->has_gap)
		labelled_text(w, "  Gap:  ", &rf->gap);
	if (rf->has_trigger)
		labelled_text(w, "  Began: ", &rf->trigger);
	if (rf->has_fixed)
		labelled_text(w, "  Fixed: ", &rf->fixed);
	if (rf->has_no_trail)
		labelled_text(w, "  Changes: ", &rf->no_trail);
	if (rf->rule) {
		sb_adds(&w->sb, "  Fix:\n");
		for (size_t i = 0; i < rf->nfix; i++) {
			char num[32];
			snprintf(num, sizeof num, "    %zu. ", i + 1);
			labelled_text(w, num, &rf->fix[i]);
		}
	} else {
		labelled_text(w, "  Fix: ", &rf->unknown_draft);
		draft(w, rf);
	}
	if (rf->fi->nex) {
		rows_text(&s, w->rs, rf->fi);
		row_label(label, sizeof label, "Rows");
		labelled(w, label, sb_str(&s));
	}
	row_label(label, sizeof label, "Ref");
	for (size_t i = 0; rf->rule && i < rf->rule->nrefs; i++)
		labelled(w, label, rf->rule->refs[i]);
	sb_addc(&w->sb, '\n');
	sb_free(&s);
}

/* Changes listed in the terminal report; JSON lists them all. */
#define TEXT_MAX_CHANGES 20

static void changes(struct out *w, const struct report *m)
{
	if (!m->changes_seen)
		return;
	color(w, BOLD);
	sb_adds(&w->sb, "Changes in Setup (Setup Audit Trail)\n");
	color(w, RESET);
	for (size_t i = 0; i < m->nchanges && i < TEXT_MAX_CHANGES; i++) {
		const struct report_change *rc = &m->changes[i];
		struct strbuf s = {0};
		report_text_flat(&s, w->rs, &rc->line, value);
		sb_printf(&s, " [%s%s]", rc->id, rc->blamed ? ", likely trigger" : "");
		labelled(w, rc->blamed ? "  * " : "  - ", sb_str(&s));
		sb_free(&s);
	}
	if (m->nchanges > TEXT_MAX_CHANGES)
		sb_printf(&w->sb, "  (+%zu more; the JSON report lists them all)\n",
			  m->nchanges - TEXT_MAX_CHANGES);
	sb_printf(&w->sb, "  %llu change%s read, %zu concern%s logins",
		  (unsigned long long)m->changes_seen, m->changes_seen == 1 ? "" : "s",
		  m->nchanges + (size_t)m->changes_dropped,
		  m->nchanges + m->changes_dropped == 1 ? "s" : "");
	sb_printf(&w->sb, "; %llu other%s (Apex, flows, fields...) not listed.\n\n",
		  (unsigned long long)m->changes_unrelated, m->changes_unrelated == 1 ? "" : "s");
}

static void inputs(struct out *w, const struct report *m)
{
	struct strbuf s = {0};
	color(w, BOLD);
	sb_adds(&w->sb, "Inputs\n");
	color(w, RESET);
	for (size_t i = 0; i < m->ninputs; i++) {
		const struct input_summary *in = &m->inputs[i];
		sb_reset(&s);
		render_text_value(&s, w->rs, in->file, strlen(in->file));
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
	for (size_t i = 0; i < m->nnotes; i++) {
		const struct report_note *n = &m->notes[i];
		sb_reset(&s);
		sb_printf(&s, "%s: ", render_level_word(n->level));
		if (n->file) {
			render_text_value(&s, w->rs, n->file, strlen(n->file));
			if (n->line)
				sb_printf(&s, ":%ld", n->line);
			sb_adds(&s, ": ");
		}
		report_text_flat(&s, w->rs, &n->msg, value);
		labelled(w, "  ", sb_str(&s));
	}
	if (m->notes_dropped)
		sb_printf(&w->sb, "  (%llu more notes not shown: SFDIAG_MAX_NOTES)\n",
			  (unsigned long long)m->notes_dropped);
	sb_free(&s);
}

int render_text(FILE *fp, const struct report *m, const struct render_opts *o)
{
	struct out w = {.o = o, .rs = m->rs};
	struct strbuf s = {0};

	/* What was not read comes first, so that "nothing wrong" cannot be
	 * taken for the whole story. */
	if (!m->complete) {
		report_text_flat(&s, m->rs, &m->headline, value);
		color(&w, RED);
		render_wrap(&w.sb, sb_str(&s), 0, 0, (size_t)o->width);
		color(&w, RESET);
		sb_reset(&s);
	}
	color(&w, BOLD);
	if (m->nf == 0)
		sb_adds(&w.sb, m->none_found);
	else
		sb_printf(&w.sb, "%zu problem%s found", m->nf, m->nf == 1 ? "" : "s");
	color(&w, RESET);
	sb_addc(&w.sb, ' ');
	render_severity_counts(&w.sb, m);
	sb_addc(&w.sb, '\n');
	report_text_flat(&s, m->rs, &m->summary, value);
	render_wrap(&w.sb, sb_str(&s), 0, 0, (size_t)o->width);
	if (m->nshort) {
		sb_reset(&s);
		for (size_t i = 0; i < m->nshort; i++) {
			if (i)
				sb_addc(&s, ' ');
			report_text_flat(&s, m->rs, &m->in_short[i], value);
		}
		sb_addc(&w.sb, '\n');
		labelled(&w, "In short: ", sb_str(&s));
	}
	if (m->ntest) {
		/* The command is not wrapped: it is to be pasted into a shell. */
		sb_addc(&w.sb, '\n');
		labelled_text(&w, "Test it: ", &m->test_intro);
		sb_reset(&s);
		render_test_command(&s, m, value);
		sb_adds(&w.sb, "    ");
		for (const char *p = sb_str(&s); *p; p++) {
			sb_addc(&w.sb, *p);
			if (*p == '\n')
				sb_adds(&w.sb, "    ");
		}
		sb_addc(&w.sb, '\n');
	}
	sb_free(&s);
	sb_addc(&w.sb, '\n');

	for (size_t i = 0; i < m->nf; i++)
		finding(&w, &m->f[i]);
	changes(&w, m);
	inputs(&w, m);

	size_t len = w.sb.len;
	int rc = len && fwrite(w.sb.buf, 1, len, fp) != len ? -1 : 0;
	sb_free(&w.sb);
	return rc;
}
