/*
 * model.c - build the report of a finished run (see model.h).
 *
 * Everything a report decides is decided here, once: the order of the
 * findings, what a rule's {placeholders} say, which evidence rows a finding
 * has and which of their values a brief listing shows, whether the groups
 * tell a login story, whether a catch-all's time lies outside the ticket's
 * Login History, and the sentences about Salesforce (rules/report.conf).
 * The work is per finding and per distinct value, never per event.
 */
#include "report/model.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/util.h"
#include "report/model_test.h"

/* ---- small sentence helpers ---- */

static void text_printf(struct report_text *t, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void text_printf(struct report_text *t, const char *fmt, ...)
{
	struct strbuf sb = {0};
	va_list ap;
	va_start(ap, fmt);
	sb_vprintf(&sb, fmt, ap);
	va_end(ap);
	report_text_lit(t, sb_str(&sb), sb.len);
	sb_free(&sb);
}

/* "1,234" as fixed text. */
static void text_count(struct report_text *t, uint64_t n)
{
	char digits[32], out[48];
	int len = snprintf(digits, sizeof digits, "%llu", (unsigned long long)n);
	size_t o = 0;
	for (int i = 0; i < len; i++) {
		if (i && (len - i) % 3 == 0)
			out[o++] = ',';
		out[o++] = digits[i];
	}
	report_text_lit(t, out, o);
}

static void text_time(struct report_text *t, int64_t ms)
{
	char ts[32];
	time_format_short(ms, ts);
	report_text_lits(t, ts);
}

/* ---- placeholders ---- */

/* A field with no value, in words: {source_ip} -> "the source IP". */
static void field_words(struct report_text *t, const char *name)
{
	static const char *const acronyms[] = {"ip", "url", "id", "api", "tls", "http", "uri"};
	report_text_lits(t, "the");
	for (const char *p = name; *p;) {
		size_t n = strcspn(p, "_");
		int upper = 0;
		for (size_t i = 0; i < sizeof acronyms / sizeof acronyms[0]; i++)
			upper |= strlen(acronyms[i]) == n && strncmp(p, acronyms[i], n) == 0;
		report_text_lits(t, " ");
		for (size_t i = 0; i < n; i++) {
			char c = upper && p[i] >= 'a' && p[i] <= 'z' ? (char)(p[i] - 32) : p[i];
			report_text_lit(t, &c, 1);
		}
		p += n;
		if (*p == '_')
			p++;
	}
}

/* The top entry of a tally, or NULL when it has none or it is empty. */
static const struct tally_entry *top_entry(const struct tally *t)
{
	const struct tally_entry *e[1];
	if (!t || tally_top(t, e, 1) == 0 || e[0]->n == 0)
		return NULL;
	return e[0];
}

/* Drop a trailing " (" of fixed text; returns 1 if there was one. */
static int drop_open_aside(struct report_text *t)
{
	struct report_span *last = t->nspan ? &t->span[t->nspan - 1] : NULL;
	if (!last || last->input || last->len < 2 || memcmp(t->buf + t->len - 2, " (", 2) != 0)
		return 0;
	last->len -= 2;
	t->len -= 2;
	t->buf[t->len] = '\0';
	if (!last->len)
		t->nspan--;
	return 1;
}

/*
 * A rule text with its {placeholders} filled from fi (NULL: told without
 * evidence).  {FIELD} is the field's most frequent value, with "(+N more)"
 * when there are others, or "the FIELD" when it has none; "TEXT ({FIELD})"
 * with no value drops the aside.  {count}, {first_seen}, {last_seen}: the
 * finding's totals.  "{{" is a literal "{".
 */
struct expand_ctx {
	const struct ruleset *rs;
	const struct finding *fi;
};

static int expand_one(void *ctx, struct report_text *t, const char *p, size_t n, const char **after)
{
	const struct expand_ctx *x = ctx;
	const struct ruleset *rs = x->rs;
	const struct finding *fi = x->fi;
	char name[64];
	snprintf(name, sizeof name, "%.*s", (int)n, p);
	int f = rules_field(rs, name);
	const struct tally *ft = f >= 0 && fi ? fi->tally[f] : NULL;
	const struct tally_entry *top = f >= 0 ? top_entry(ft) : NULL;
	if (f >= 0 && !top && **after == ')' && drop_open_aside(t)) {
		(*after)++; /* "title ({field})" with no value: the aside goes */
	} else if (f >= 0 && !top) {
		field_words(t, rs->fields[f].name);
	} else if (f >= 0) {
		report_text_input(t, f, top->s, top->n);
		size_t others = ft->count - 1 + (ft->untracked ? 1 : 0);
		if (others)
			text_printf(t, " (+%zu more)", others);
	} else if (strcmp(name, "count") == 0) {
		if (fi)
			text_count(t, fi->count);
		else
			report_text_lits(t, "the number of failures");
	} else if (strcmp(name, "first_seen") == 0 || strcmp(name, "last_seen") == 0) {
		int64_t when = !fi ? EVENT_NO_TIME : name[0] == 'f' ? fi->first : fi->last;
		if (when == EVENT_NO_TIME)
			report_text_lits(t, "an unknown time");
		else
			text_time(t, when);
	} else {
		report_text_lit(t, p - 1, n + 2);
	}
	return 0;
}

/*
 * A rule text with its {placeholders} filled from fi (NULL: told without
 * evidence).  {FIELD} is the field's most frequent value, with "(+N more)"
 * when there are others, or "the FIELD" when it has none; "TEXT ({FIELD})"
 * with no value drops the aside.  {count}, {first_seen}, {last_seen}: the
 * finding's totals.  "{{" is a literal "{".
 */
static void expand(struct report_text *t, const struct ruleset *rs, const struct finding *fi,
		   const char *tmpl)
{
	struct expand_ctx x = {rs, fi};
	report_text_template(t, tmpl, expand_one, &x);
}

void report_rule_title(struct report_text *out, const struct ruleset *rs, int rule)
{
	memset(out, 0, sizeof *out);
	expand(out, rs, NULL, rs->rules[rule].title);
}

/* A report.conf message with its placeholders given as fixed text (values
 * in the order of def->placeholders; the loader checked the names). */
static void message_in(struct report_text *t, const char *tmpl, const struct report_msg_def *def,
		       const char *const *values, const int *from_input);

static void message(struct report_text *t, const char *tmpl, const struct report_msg_def *def,
		    const char *const *values)
{
	message_in(t, tmpl, def, values, NULL);
}

struct message_ctx {
	const struct report_msg_def *def;
	const char *const *values;
	const int *from_input;
};

static int message_one(void *ctx, struct report_text *t, const char *name, size_t n,
		       const char **after)
{
	const struct message_ctx *m = ctx;
	(void)after;
	int k = report_placeholder(m->def, name, n);
	if (k < 0) /* not reached: report_conf_load refuses it */
		report_text_lit(t, name - 1, n + 2);
	else if (m->from_input && m->from_input[k])
		report_text_input(t, -1, m->values[k], strlen(m->values[k]));
	else
		report_text_lits(t, m->values[k]);
	return 0;
}

/* As message(); from_input[k] (when given) is 1 for a value read from input,
 * which is kept as an input span to be masked and escaped by each writer. */
static void message_in(struct report_text *t, const char *tmpl, const struct report_msg_def *def,
		       const char *const *values, const int *from_input)
{
	struct message_ctx m = {def, values, from_input};
	report_text_template(t, tmpl, message_one, &m);
}

/* ---- evidence ---- */

static void build_row(struct report_row *row, const struct report_evidence *def, int field,
		      const struct tally *t)
{
	const struct tally_entry *e[REPORT_MAX_VALUES];
	memset(row, 0, sizeof *row);
	row->def = def;
	row->field = field;
	if (!t)
		return;
	size_t n = tally_top(t, e, REPORT_MAX_VALUES);
	uint64_t listed = 0, brief_listed = 0;
	for (size_t i = 0; i < n; i++) {
		row->v[i] = (struct report_value){e[i]->s, e[i]->n, e[i]->count};
		listed += e[i]->count;
		if (i < REPORT_BRIEF_VALUES) {
			brief_listed += e[i]->count;
			if (e[i]->n)
				row->brief[row->nbrief++] = &row->v[i];
		}
	}
	row->nv = n;
	row->other = t->count > n || t->untracked;
	row->rest = t->total - listed;
	size_t nb = n < REPORT_BRIEF_VALUES ? n : REPORT_BRIEF_VALUES;
	if (row->nbrief)
		row->brief_more = t->count - nb + (t->untracked ? 1 : 0);
	row->brief_rest = t->total - brief_listed;
}

static void build_rows(struct report_finding *rf, const struct ruleset *rs)
{
	const struct report_conf *rc = rs->report;
	rf->nrows = rc->nevidence;
	rf->rows = xcalloc(rf->nrows ? rf->nrows : 1, sizeof *rf->rows);
	for (size_t i = 0; i < rf->nrows; i++) {
		const struct report_evidence *d = &rc->evidence[i];
		const struct tally *t =
		    d->field == REPORT_FIELD_SAID ? &rf->fi->said : rf->fi->tally[d->field];
		build_row(&rf->rows[i], d, d->field == REPORT_FIELD_SAID ? -1 : d->field, t);
	}
}

/* ---- groups and stories ---- */

static int cmp_group(const void *a, const void *b)
{
	const struct group *x = *(const struct group *const *)a;
	const struct group *y = *(const struct group *const *)b;
	if (x->count != y->count)
		return x->count > y->count ? -1 : 1;
	int c = strcmp(x->user, y->user);
	return c ? c : strcmp(x->application, y->application);
}

static void who(struct report_text *t, const struct group *g)
{
	size_t un = strlen(g->user), an = strlen(g->application);
	if (un)
		report_text_input(t, -1, g->user, un);
	else
		report_text_lits(t, "(no user named)");
	if (an) {
		report_text_lits(t, " via ");
		report_text_input(t, -1, g->application, an);
	}
}

static void top_ips(struct report_text *t, const struct group *g)
{
	const struct tally_entry *e[3];
	size_t n = tally_top(&g->ips, e, 3);
	size_t shown = 0;
	for (size_t i = 0; i < n; i++) {
		if (e[i]->n == 0)
			continue;
		report_text_lits(t, shown ? ", " : " from ");
		report_text_input(t, -1, e[i]->s, e[i]->n);
		shown++;
	}
	if (shown && g->ips.count > shown)
		text_printf(t, " and %zu more", g->ips.count - shown);
}

static void failures(struct report_text *t, uint64_t n)
{
	text_count(t, n);
	report_text_lits(t, n == 1 ? " failure" : " failures");
}

/* One sentence on a group: when it last succeeded, and since when it fails. */
static void story(struct report_text *t, const struct findings *f, const struct group *g)
{
	const struct success *s = findings_success(f, g->user, g->application);
	who(t, g);
	if (s && s->last != EVENT_NO_TIME && g->first != EVENT_NO_TIME && s->last < g->first) {
		report_text_lits(t, " logged in fine until ");
		text_time(t, s->last);
		report_text_lits(t, "; since then ");
		failures(t, g->count);
		top_ips(t, g);
		report_text_lits(t, ".");
		return;
	}
	report_text_lits(t, ": ");
	failures(t, g->count);
	top_ips(t, g);
	if (g->first != EVENT_NO_TIME) {
		report_text_lits(t, g->first == g->last ? " at " : " between ");
		text_time(t, g->first);
		if (g->first != g->last) {
			report_text_lits(t, " and ");
			text_time(t, g->last);
		}
	}
	if (!s && f->succ_untracked) {
		report_text_lits(t, "; no success recorded, but successes of some pairs were not "
				    "tracked (SFDIAG_MAX_SUCCESS_PAIRS).");
	} else if (!s) {
		report_text_lits(t, "; no successful login in this data.");
	} else if (s->first != EVENT_NO_TIME && g->last != EVENT_NO_TIME && s->first > g->last) {
		report_text_lits(t, "; it logged in successfully again from ");
		text_time(t, s->first);
		report_text_lits(t, ".");
	} else {
		report_text_lits(t, "; mixed with ");
		text_count(t, s->count);
		text_printf(t, " successful login%s", s->count == 1 ? "" : "s");
		if (s->last != EVENT_NO_TIME) {
			report_text_lits(t, " (last at ");
			text_time(t, s->last);
			report_text_lits(t, ")");
		}
		report_text_lits(t, ".");
	}
}

static void build_groups(struct report_finding *rf, const struct report *m,
			 const struct findings *f)
{
	const struct finding *fi = rf->fi;
	const struct group **v = xmalloc((fi->ngroups ? fi->ngroups : 1) * sizeof *v);
	size_t n = 0;
	for (size_t i = 0; i < fi->gcap; i++)
		if (fi->groups[i].user)
			v[n++] = &fi->groups[i];
	qsort(v, n, sizeof *v, cmp_group);
	rf->groups_total = n;
	rf->ngroups = n < SFDIAG_MAX_REPORT_GROUPS ? n : SFDIAG_MAX_REPORT_GROUPS;
	rf->groups = xcalloc(rf->ngroups ? rf->ngroups : 1, sizeof *rf->groups);
	for (size_t i = 0; i < rf->ngroups; i++) {
		struct report_group *g = &rf->groups[i];
		const struct success *s = findings_success(f, v[i]->user, v[i]->application);
		g->g = v[i];
		build_row(&g->ips, NULL, m->rs->f.source_ip, &v[i]->ips);
		g->successes = s ? s->count : 0;
		g->last_success = s ? s->last : EVENT_NO_TIME;
		story(&g->story, f, v[i]);
	}
	/* Stories about when a pair last succeeded make sense for logins only,
	 * and only when the export names users or applications. */
	for (size_t i = 0; rf->rule && (rf->rule->kinds & KIND_LOGIN_HISTORY) && i < n; i++)
		rf->stories |= v[i]->user[0] || v[i]->application[0];
	if (rf->stories) {
		rf->nstories =
		    rf->ngroups < REPORT_BRIEF_STORIES ? rf->ngroups : REPORT_BRIEF_STORIES;
		rf->stories_more = n - rf->nstories;
	}
	free(v);
}

/* ---- coverage gap ---- */

/*
 * A catch-all whose real reason may be in Login History (one of its rule's
 * candidates is a Login History rule), that nothing explained, and whose
 * time the ticket's Login History does not reach (within
 * SFDIAG_CORRELATE_WINDOW_MS): say so and what to export.
 */
static void build_gap(struct report_finding *rf, const struct report *m, const struct findings *f)
{
	const struct finding *fi = rf->fi;
	const struct ruleset *rs = m->rs;
	const int64_t w = SFDIAG_CORRELATE_WINDOW_MS;
	if (!rf->rule || fi->explained_by >= 0 || fi->first == EVENT_NO_TIME ||
	    f->login_first == EVENT_NO_TIME || (rf->rule->kinds & KIND_LOGIN_HISTORY))
		return;
	int in_history = 0;
	for (size_t k = 0; k < rf->rule->ncandidates && !in_history; k++)
		in_history = (rs->rules[rf->rule->candidates[k]].kinds & KIND_LOGIN_HISTORY) != 0;
	if (!in_history)
		return;
	const char *where;
	if (fi->first > f->login_last + w)
		where = "after its last row";
	else if (fi->last < f->login_first - w)
		where = "before its first row";
	else if (fi->first < f->login_first - w || fi->last > f->login_last + w)
		where = "partly outside it";
	else
		return;
	char hf[32], hl[32], ff[32], fl[32], span[80];
	time_format_short(f->login_first, hf);
	time_format_short(f->login_last, hl);
	time_format_short(fi->first, ff);
	time_format_short(fi->last, fl);
	if (fi->first == fi->last)
		snprintf(span, sizeof span, "at %s", ff);
	else
		snprintf(span, sizeof span, "from %s to %s", ff, fl);
	int one = fi->count == 1;
	const char *values[] = {hf,   hl,    rf->noun,		 one ? "is" : "are",
				span, where, one ? "it" : "them"};
	message(&rf->gap, rs->report->msg[REPORT_MSG_COVERAGE_GAP],
		&report_msg_table[REPORT_MSG_COVERAGE_GAP], values);
	rf->has_gap = 1;
}

/* ---- Setup changes ---- */

/* "4 minutes", "1 hour 5 minutes", "45 seconds", "2 days 3 hours". */
static void lead_words(char *buf, size_t cap, int64_t ms)
{
	int64_t s = ms / 1000, m = s / 60, h = m / 60, d = h / 24;
	int64_t a, b;
	const char *ua, *ub;
	if (d) {
		a = d, b = h % 24, ua = "day", ub = "hour";
	} else if (h) {
		a = h, b = m % 60, ua = "hour", ub = "minute";
	} else if (m) {
		a = m, b = 0, ua = "minute", ub = "";
	} else {
		a = s, b = 0, ua = "second", ub = "";
	}
	int k = snprintf(buf, cap, "%lld %s%s", (long long)a, ua, a == 1 ? "" : "s");
	if (b && k > 0 && (size_t)k < cap)
		snprintf(buf + k, cap - (size_t)k, " %lld %s%s", (long long)b, ub,
			 b == 1 ? "" : "s");
}

static int cmp_change(const void *a, const void *b)
{
	const struct change *x = ((const struct report_change *)a)->c;
	const struct change *y = ((const struct report_change *)b)->c;
	int xt = x->time_ms == EVENT_NO_TIME, yt = y->time_ms == EVENT_NO_TIME;
	if (xt != yt)
		return xt - yt;
	if (!xt && x->time_ms != y->time_ms)
		return x->time_ms < y->time_ms ? -1 : 1;
	if (x->file_seq != y->file_seq)
		return x->file_seq < y->file_seq ? -1 : 1;
	return x->line < y->line ? -1 : x->line > y->line;
}

static void build_changes(struct report *m, const struct changes *ch)
{
	const struct ruleset *rs = m->rs;
	m->ch = ch;
	m->changes_seen = ch->seen;
	m->changes_unrelated = ch->unrelated;
	m->changes_dropped = ch->dropped;
	m->nchanges = ch->n;
	m->changes = xcalloc(ch->n ? ch->n : 1, sizeof *m->changes);
	for (size_t i = 0; i < ch->n; i++) {
		struct report_change *rc = &m->changes[i];
		const struct change *c = &ch->c[i];
		rc->c = c;
		rc->id = rs->rules[c->rule].id;
		rc->title = rs->rules[c->rule].title;
		for (size_t k = 0; k <= rs->nrules; k++)
			rc->blamed |= ch->trigger[k] == (int)i;
	}
	qsort(m->changes, m->nchanges, sizeof *m->changes, cmp_change);
	for (size_t i = 0; i < m->nchanges; i++) {
		struct report_change *rc = &m->changes[i];
		const struct change *c = rc->c;
		if (c->time_ms != EVENT_NO_TIME)
			text_time(&rc->line, c->time_ms);
		else
			report_text_lits(&rc->line, "(time unreadable)");
		report_text_lits(&rc->line, " ");
		if (c->actor[0])
			report_text_input(&rc->line, rs->f.user, c->actor, strlen(c->actor));
		else
			report_text_lits(&rc->line, "(unknown user)");
		if (c->delegate[0]) {
			report_text_lits(&rc->line, " (as ");
			report_text_input(&rc->line, rs->f.delegate_user, c->delegate,
					  strlen(c->delegate));
			report_text_lits(&rc->line, ")");
		}
		report_text_lits(&rc->line, ": ");
		report_text_input(&rc->line, rs->f.display, c->display, strlen(c->display));
	}
}

/* The index in m->changes of the run's change k. */
static int report_change_index(const struct report *m, int k)
{
	for (size_t i = 0; k >= 0 && i < m->nchanges; i++)
		if (m->changes[i].c == &m->ch->c[k])
			return (int)i;
	return -1;
}

static const char *actor_of(const struct change *c)
{
	return c->actor[0] ? c->actor : "(unknown user)";
}

static void build_trigger(struct report_finding *rf, const struct report *m,
			  const struct finding *fi)
{
	const struct ruleset *rs = m->rs;
	const struct changes *ch = m->ch;
	const struct report_conf *rc = rs->report;
	rf->trigger_change = rf->fixed_change = -1;
	if (fi->explained_by >= 0 || fi->rule < 0)
		return;
	int k = ch->trigger[fi->rule];
	if (k < 0) {
		if (ch->seen || !changes_could_explain(rs, fi->rule))
			return;
		struct strbuf kinds = {0};
		for (size_t i = 0; i < rs->nrules; i++) {
			const struct rule *r = &rs->rules[i];
			for (size_t t = 0; t < r->ntriggers; t++)
				if (r->triggers[t] == fi->rule)
					sb_printf(&kinds, "%s%s", kinds.len ? "; " : "", r->title);
		}
		const char *values[] = {sb_str(&kinds)};
		message(&rf->no_trail, rc->msg[REPORT_MSG_NO_AUDIT_TRAIL],
			&report_msg_table[REPORT_MSG_NO_AUDIT_TRAIL], values);
		rf->has_no_trail = 1;
		sb_free(&kinds);
		return;
	}
	const struct change *c = &ch->c[k];
	char first[32], lead[64];
	time_format_short(fi->first, first);
	lead_words(lead, sizeof lead, fi->first - c->time_ms);
	lead[0] = (char)(lead[0] >= 'a' && lead[0] <= 'z' ? lead[0] - 'a' + 'A' : lead[0]);
	const struct tally_entry *st = top_entry(fi->tally[rs->f.status]);
	const struct tally_entry *sd = top_entry(&fi->said);
	const struct tally_entry *what = st ? st : sd;
	char *what_s = what ? xstrndup(what->s, what->n) : xstrdup(rf->noun);
	const struct tally_entry *u = top_entry(fi->tally[rs->f.user]);
	char *user_s = u ? xstrndup(u->s, u->n) : xstrdup("(unknown user)");
	const char *values[] = {
	    first, what_s, user_s, lead, actor_of(c), c->display, rs->rules[c->rule].title};
	const int input[] = {0, what != NULL, u != NULL, 0, c->actor[0] != 0, 1, 0};
	message_in(&rf->trigger, rc->msg[REPORT_MSG_CHANGE_TRIGGER],
		   &report_msg_table[REPORT_MSG_CHANGE_TRIGGER], values, input);
	rf->has_trigger = 1;
	rf->trigger_change = report_change_index(m, k);
	free(what_s);
	free(user_s);
	int x = ch->fixed[fi->rule];
	if (x < 0)
		return;
	const struct change *fc = &ch->c[x];
	char when[32];
	time_format_short(fc->time_ms, when);
	const char *fv[] = {when, actor_of(fc), fc->display};
	const int fin[] = {0, fc->actor[0] != 0, 1};
	message_in(&rf->fixed, rc->msg[REPORT_MSG_CHANGE_FIXED],
		   &report_msg_table[REPORT_MSG_CHANGE_FIXED], fv, fin);
	rf->has_fixed = 1;
	rf->fixed_change = report_change_index(m, x);
}

/* ---- failures no rule explains ---- */

/* value as a literal, case-insensitive pattern body, without the draft's
 * optional prefix (report.conf) when it starts with it. */
static void literal_pattern(struct strbuf *out, const char *s, size_t n, const char *optional)
{
	size_t skip = optional ? strlen(optional) : 0;
	if (!skip || n <= skip || !str_ieq(s, skip, optional))
		skip = 0;
	for (size_t i = skip; i < n; i++) {
		if (strchr("\\^$.|?*+()[]{}/", s[i]))
			sb_addc(out, '\\');
		sb_addc(out, s[i]);
	}
}

/* {pattern}: the value, made literal, between the draft-field's anchors. */
static void draft_pattern(struct report_text *t, const struct report_draft_field *df,
			  const struct strbuf *pat)
{
	if (!df->contains)
		report_text_lits(t, "^");
	if (df->optional) {
		report_text_lits(t, "(");
		report_text_lits(t, df->optional);
		report_text_lits(t, ")?");
	}
	report_text_input(t, -1, sb_str(pat), pat->len);
	if (!df->contains)
		report_text_lits(t, "$");
}

/* The draft rule for the kind with the most of these failures that
 * report.conf gives a draft-field for: its condition tests the first such
 * field that the failures carry, with the field's most frequent value. */
/* What the draft's placeholders stand for (report_draft_def's order). */
struct draft_fill {
	const struct report_draft_field *df;
	const char *field;
	const struct tally_entry *top;
	const struct strbuf *pat;
};

static int draft_fill(void *ctx, struct report_text *t, const char *name, size_t n,
		      const char **after)
{
	const struct draft_fill *d = ctx;
	(void)after;
	switch (report_placeholder(&report_draft_def, name, n)) {
	case 0:
		report_text_lits(t, d->field);
		break;
	case 1:
		draft_pattern(t, d->df, d->pat);
		break;
	case 2:
		report_text_input(t, -1, d->top->s, d->top->n);
		break;
	case 3:
		report_text_lits(t, kind_name(d->df->kind));
		break;
	default: /* {counter}; report.conf allows no other */
		report_text_lits(t, d->df->counter);
		break;
	}
	return 0;
}

static void build_draft(struct report_finding *rf, const struct ruleset *rs)
{
	const struct report_conf *rc = rs->report;
	const struct report_draft_field *df = NULL;
	const struct tally_entry *e = NULL;
	uint64_t best = 0;
	for (size_t i = 0; i < rc->ndraft_fields; i++) {
		const struct report_draft_field *d = &rc->draft_fields[i];
		uint64_t events = rf->fi->kind_count[kind_first(d->kind) - kind_table];
		const struct tally_entry *top = top_entry(rf->fi->tally[d->field]);
		if (top && events > best) {
			best = events;
			df = d;
			e = top;
		}
	}
	if (!df)
		return;
	/* Masked before it becomes a pattern, whose escapes (a JWT's "\.")
	 * would hide a secret from the writers' masking. */
	struct strbuf pat = {0}, raw = {0};
	mask_apply(&rs->mask, &raw, e->s, e->n);
	literal_pattern(&pat, sb_str(&raw), raw.len, df->optional);
	sb_free(&raw);
	struct draft_fill fill = {df, rs->fields[df->field].name, e, &pat};
	rf->ndraft = rc->ndraft;
	rf->draft = xcalloc(rc->ndraft, sizeof *rf->draft);
	for (size_t i = 0; i < rc->ndraft; i++)
		report_text_template(&rf->draft[i], rc->draft[i], draft_fill, &fill);
	sb_free(&pat);
}

/* ---- timeline ---- */

/* The finding's events over the run's axis, at most REPORT_SPARK_CELLS
 * cells (buckets summed when the span is longer); nothing when it has no
 * timed event or the run spans one bucket. */
static void build_spark(struct report_spark *sp, const struct findings *f, const struct finding *fi)
{
	const struct timeline_axis *ax = &f->axis;
	memset(sp, 0, sizeof *sp);
	if (!ax->width_ms || ax->hi <= ax->lo || fi->count == fi->untimed)
		return;
	size_t span = (size_t)(ax->hi - ax->lo + 1);
	size_t per = (span + REPORT_SPARK_CELLS - 1) / REPORT_SPARK_CELLS;
	size_t cells = (span + per - 1) / per;
	for (size_t i = 0; i < span; i++) {
		size_t slot = (size_t)(ax->lo - ax->origin) + i;
		if (slot < SFDIAG_TIMELINE_BUCKETS)
			sp->cell[i / per] += fi->timeline[slot];
	}
	for (size_t c = 0; c < cells; c++)
		if (sp->cell[c] > sp->max)
			sp->max = sp->cell[c];
	if (!sp->max)
		return;
	sp->ncells = cells;
	sp->from = ax->lo * ax->width_ms;
	sp->to = (ax->hi + 1) * ax->width_ms;
	sp->cell_ms = ax->width_ms * (int64_t)per;
}

/* ---- findings ---- */

const char *report_noun(const struct ruleset *rs, int rule, int plural)
{
	const struct kind_def *k = kind_first(rule >= 0 ? rs->rules[rule].kinds : 0);
	if (k)
		return k->failure[plural != 0];
	return plural ? "failures" : "failure";
}

static void build_finding(struct report_finding *rf, const struct report *m,
			  const struct findings *f, const struct finding *fi)
{
	const struct ruleset *rs = m->rs;
	const struct rule *rule = fi->rule >= 0 ? &rs->rules[fi->rule] : NULL;
	memset(rf, 0, sizeof *rf);
	rf->fi = fi;
	/* Standing and the last good login are the ranking's (report_build);
	 * a finding shown inside another keeps these. */
	rf->standing = REPORT_NOW;
	rf->resolved_since = rf->last_good = EVENT_NO_TIME;
	rf->latest = fi->last;
	rf->rule = rule;
	rf->id = finding_id(f, fi);
	rf->severity = finding_severity(f, fi);
	rf->noun = report_noun(rs, fi->rule, fi->count != 1);
	if (rule)
		expand(&rf->title, rs, fi, rule->title);
	else
		report_text_lits(&rf->title, finding_title(f, fi));
	if (rule && rule->cause) {
		rf->has_cause = 1;
		expand(&rf->cause, rs, fi, rule->cause);
	}
	rf->nfix = rule ? rule->nfix : 0;
	rf->fix = xcalloc(rf->nfix ? rf->nfix : 1, sizeof *rf->fix);
	for (size_t i = 0; i < rf->nfix; i++)
		expand(&rf->fix[i], rs, fi, rule->fix[i]);
	build_row(&rf->said, NULL, -1, &fi->said);
	build_rows(rf, rs);
	build_groups(rf, m, f);

	/* Correlation: the findings this one explains, in rule order. */
	size_t n = 0;
	for (size_t i = 0; rule && i < rs->nrules; i++)
		n += f->by_rule[i] && f->by_rule[i]->explained_by == fi->rule;
	rf->explains = xcalloc(n ? n : 1, sizeof *rf->explains);
	for (size_t i = 0; rule && i < rs->nrules; i++)
		if (f->by_rule[i] && f->by_rule[i]->explained_by == fi->rule)
			build_finding(&rf->explains[rf->nexplains++], m, f, f->by_rule[i]);
	if (fi->explained_by >= 0)
		rf->explained_by = rs->rules[fi->explained_by].id;

	if (rule && fi->explained_by < 0) {
		rf->ncands = rule->ncandidates;
		rf->cands = xcalloc(rf->ncands ? rf->ncands : 1, sizeof *rf->cands);
		for (size_t k = 0; k < rf->ncands; k++) {
			const struct rule *c = &rs->rules[rule->candidates[k]];
			rf->cands[k].id = c->id;
			expand(&rf->cands[k].title, rs, fi, c->title);
		}
		rf->ntell = rule->ntell;
		rf->tell = xcalloc(rf->ntell ? rf->ntell : 1, sizeof *rf->tell);
		for (size_t k = 0; k < rf->ntell; k++)
			expand(&rf->tell[k], rs, fi, rule->tell[k]);
	}
	build_gap(rf, m, f);
	build_trigger(rf, m, fi);
	if (!rule) {
		report_text_lits(&rf->unknown_fix, rs->report->msg[REPORT_MSG_UNKNOWN_FIX]);
		report_text_lits(&rf->unknown_draft, rs->report->msg[REPORT_MSG_UNKNOWN_DRAFT]);
		build_draft(rf, rs);
	}
	build_spark(&rf->spark, f, fi);
	rf->series = fi->timeline;
	if (rf->nexplains) {
		rf->summed = xmalloc(SFDIAG_TIMELINE_BUCKETS * sizeof *rf->summed);
		memcpy(rf->summed, fi->timeline, SFDIAG_TIMELINE_BUCKETS * sizeof *rf->summed);
		for (size_t i = 0; i < rf->nexplains; i++)
			for (size_t k = 0; k < SFDIAG_TIMELINE_BUCKETS; k++)
				rf->summed[k] += rf->explains[i].fi->timeline[k];
		rf->series = rf->summed;
	}
}

static void free_finding(struct report_finding *rf)
{
	report_text_free(&rf->title);
	report_text_free(&rf->cause);
	for (size_t i = 0; i < rf->nfix; i++)
		report_text_free(&rf->fix[i]);
	free(rf->fix);
	free(rf->rows);
	for (size_t i = 0; i < rf->ngroups; i++)
		report_text_free(&rf->groups[i].story);
	free(rf->groups);
	for (size_t i = 0; i < rf->nexplains; i++)
		free_finding(&rf->explains[i]);
	free(rf->explains);
	for (size_t i = 0; i < rf->ncands; i++)
		report_text_free(&rf->cands[i].title);
	free(rf->cands);
	for (size_t i = 0; i < rf->ntell; i++)
		report_text_free(&rf->tell[i]);
	free(rf->tell);
	report_text_free(&rf->gap);
	report_text_free(&rf->trigger);
	report_text_free(&rf->fixed);
	report_text_free(&rf->no_trail);
	report_text_free(&rf->unknown_fix);
	report_text_free(&rf->unknown_draft);
	for (size_t i = 0; i < rf->ndraft; i++)
		report_text_free(&rf->draft[i]);
	free(rf->draft);
	free(rf->summed);
}

/* ---- ranking (docs/ranking.md) ---- */

static int in_tally(const struct tally *t, const char *s, size_t n)
{
	for (size_t i = 0; n && i < t->cap; i++)
		if (t->slot[i].s && t->slot[i].n == n && memcmp(t->slot[i].s, s, n) == 0)
			return 1;
	return 0;
}

/* The group's user or application is one the connector's own inputs name. */
static int group_named(const struct findings *f, const struct group *g)
{
	return in_tally(&f->integ_users, g->user, g->ulen) ||
	       in_tally(&f->integ_apps, g->application, g->alen);
}

/* A login of the finding has a Login Type report.conf does not call a
 * person's at a browser. */
static int has_api_login_type(const struct findings *f, const struct finding *fi)
{
	const struct tally *t = f->login_type >= 0 ? fi->tally[f->login_type] : NULL;
	for (size_t i = 0; t && i < t->cap; i++)
		if (t->slot[i].s && t->slot[i].n &&
		    !report_conf_interactive(f->rs->report, t->slot[i].s, t->slot[i].n))
			return 1;
	return 0;
}

/* Whether any Login History group of the run is named by the connector's
 * inputs; if none is, the integration is told by its login types. */
static int any_named(const struct findings *f)
{
	for (size_t r = 0; r <= f->rs->nrules; r++) {
		const struct finding *fi = f->by_rule[r];
		for (size_t i = 0; fi && i < fi->gcap; i++)
			if (fi->groups[i].user && group_named(f, &fi->groups[i]))
				return 1;
	}
	return 0;
}

/* Is group g of fi the integration's? */
static int group_is_integ(const struct findings *f, const struct finding *fi, const struct group *g,
			  int by_name)
{
	int login = fi->rule < 0 || (f->rs->rules[fi->rule].kinds & KIND_LOGIN_HISTORY);
	if (!login)
		return 1; /* settings, token responses, logs: the connector's own */
	return by_name ? group_named(f, g) : has_api_login_type(f, fi);
}

struct rank {
	const struct finding *fi;
	size_t order; /* in findings_sorted(): severity, count, id */
	enum report_standing st;
	int64_t since, latest;
};

static void rank_of(struct rank *k, const struct findings *f, int by_name)
{
	const struct finding *fi = k->fi;
	k->latest = fi->last;
	for (size_t i = 0; i < f->rs->nrules; i++) {
		const struct finding *e = f->by_rule[i];
		if (e && e->explained_by == fi->rule && fi->rule >= 0 && e->last != EVENT_NO_TIME &&
		    (k->latest == EVENT_NO_TIME || e->last > k->latest))
			k->latest = e->last;
	}
	size_t integ = 0, resolved = 0;
	int64_t since = EVENT_NO_TIME;
	for (size_t i = 0; i < fi->gcap; i++) {
		const struct group *g = &fi->groups[i];
		if (!g->user || !group_is_integ(f, fi, g, by_name))
			continue;
		integ++;
		const struct success *s = findings_success(f, g->user, g->application);
		if (s && s->last != EVENT_NO_TIME && g->last != EVENT_NO_TIME &&
		    s->last > g->last) {
			/* The first success after the failures when the data shows it
			 * (all of the pair's successes came later), else the latest. */
			int64_t t = s->first > g->last ? s->first : s->last;
			resolved++;
			if (since == EVENT_NO_TIME || t > since)
				since = t;
		}
	}
	if (!fi->gcap && group_is_integ(f, fi, NULL, 0))
		integ = 1; /* nothing grouped: a settings check or an untold response */
	k->since = EVENT_NO_TIME;
	if (!integ) {
		k->st = REPORT_OTHER;
	} else if (resolved == integ) {
		k->st = REPORT_RESOLVED;
		k->since = since;
	} else {
		k->st = REPORT_NOW;
	}
}

/* Standing first; among the current causes the latest first (a cause that
 * another replaced is no longer what the connector hits); then the
 * engine's order: severity, count, id. */
static int cmp_rank(const void *a, const void *b)
{
	const struct rank *x = a, *y = b;
	if (x->st != y->st)
		return x->st < y->st ? -1 : 1;
	if (x->st == REPORT_NOW && x->latest != y->latest)
		return x->latest > y->latest ? -1 : 1;
	return x->order < y->order ? -1 : x->order > y->order;
}

/* The integration's group with most failures, and its pair's last success
 * before the failures began. */
static void last_good(struct report_finding *rf, const struct findings *f, int by_name)
{
	rf->last_good = EVENT_NO_TIME;
	for (size_t i = 0; i < rf->ngroups && !rf->integ; i++)
		if (group_is_integ(f, rf->fi, rf->groups[i].g, by_name))
			rf->integ = &rf->groups[i];
	if (!rf->integ)
		return;
	const struct group *g = rf->integ->g;
	const struct success *s = findings_success(f, g->user, g->application);
	if (s && s->last != EVENT_NO_TIME && g->first != EVENT_NO_TIME && s->last < g->first) {
		rf->last_good = s->last;
		rf->last_good_ip = s->last_ip;
	}
}

/* ---- in short ---- */

static const struct report_value *top_of(const struct report_finding *rf, int field)
{
	for (size_t i = 0; i < rf->nrows; i++)
		if (rf->rows[i].field == field && rf->rows[i].nv && rf->rows[i].v[0].n)
			return &rf->rows[i].v[0];
	return NULL;
}

static void quoted(struct report_text *t, int field, const struct report_value *v)
{
	report_text_lits(t, "\u201c");
	report_text_input(t, field, v->s, v->n);
	report_text_lits(t, "\u201d");
}

/* What broke and when, for a finding with Login History groups. */
static void short_logins(struct report_text *t, const struct ruleset *rs,
			 const struct report_finding *rf)
{
	const struct report_group *ig = rf->integ ? rf->integ : &rf->groups[0];
	const struct group *g = ig->g;
	const struct report_value *st = top_of(rf, rs->f.status);
	const struct report_value *ip = ig->ips.nv && ig->ips.v[0].n ? &ig->ips.v[0] : NULL;
	int since = rf->last_good != EVENT_NO_TIME && rf->standing == REPORT_NOW;
	if (since) {
		report_text_lits(t, "Since ");
		text_time(t, g->first);
		report_text_lits(t, " every login of ");
	} else if (g->first != EVENT_NO_TIME && g->first != g->last) {
		report_text_lits(t, "From ");
		text_time(t, g->first);
		report_text_lits(t, " to ");
		text_time(t, g->last);
		report_text_lits(t, " ");
		text_count(t, g->count);
		report_text_lits(t, g->count == 1 ? " login of " : " logins of ");
	} else {
		text_count(t, g->count);
		report_text_lits(t, g->count == 1 ? " login of " : " logins of ");
	}
	who(t, g);
	/* The source IP is the proof only when it changed: a failure from the
	 * address that last succeeded is not about the address. */
	int same_ip = since && ip && ig->ips.nv == 1 && rf->last_good_ip &&
		      strlen(rf->last_good_ip) == ip->n &&
		      memcmp(rf->last_good_ip, ip->s, ip->n) == 0;
	if (ip && ig->ips.nv == 1 && !same_ip) {
		report_text_lits(t, since ? " comes from " : " came from ");
		report_text_input(t, rs->f.source_ip, ip->s, ip->n);
		report_text_lits(t, " and");
	}
	report_text_lits(t, since ? " is refused" : " failed");
	if (st) {
		report_text_lits(t, " as ");
		quoted(t, rs->f.status, st);
	}
	if (since) {
		report_text_lits(t, "; the last successful login, at ");
		text_time(t, rf->last_good);
		if (same_ip) {
			report_text_lits(t, ", came from the same address, ");
			report_text_input(t, rs->f.source_ip, ip->s, ip->n);
		} else if (rf->last_good_ip && *rf->last_good_ip) {
			report_text_lits(t, ", came from ");
			report_text_input(t, rs->f.source_ip, rf->last_good_ip,
					  strlen(rf->last_good_ip));
		} else {
			report_text_lits(t, ", had no source IP in this data");
		}
	} else if (rf->standing == REPORT_RESOLVED) {
		report_text_lits(t, "; it has logged in successfully again since ");
		text_time(t, rf->resolved_since);
	} else if (!ig->successes) {
		report_text_lits(t, "; no successful login of that user and app is in this data");
	}
	report_text_lits(t, ".");
}

/* What broke, for a finding without Login History groups (settings, token
 * responses): its title, then what it explains, with the status text or the
 * error pair that proves it. */
static void short_other(struct report_text *t, struct report_text *proof, const struct ruleset *rs,
			const struct report_finding *rf)
{
	report_text_copy(t, &rf->title);
	report_text_lits(t, ".");
	for (size_t i = 0; i < rf->nexplains + 1; i++) {
		const struct report_finding *e = i < rf->nexplains ? &rf->explains[i] : rf;
		const struct report_value *v = e->said.nv && e->said.v[0].n ? &e->said.v[0] : NULL;
		int field = v ? -1 : rs->f.status;
		if (!v)
			v = top_of(e, rs->f.status);
		if (!v || (e == rf && rf->nexplains))
			continue;
		report_text_lits(t, " ");
		if (!proof->len) {
			text_count(proof, e->fi->count);
			text_printf(proof, " %s", e->noun);
		} else {
			report_text_lits(proof, "; ");
			text_count(proof, e->fi->count);
			text_printf(proof, " %s", e->noun);
		}
		report_text_lits(proof, " said ");
		quoted(proof, field, v);
		if (e->fi->first != EVENT_NO_TIME) {
			report_text_lits(proof, e->fi->first == e->fi->last ? " at " : " from ");
			text_time(proof, e->fi->first);
			if (e->fi->first != e->fi->last) {
				report_text_lits(proof, " to ");
				text_time(proof, e->fi->last);
			}
		}
	}
	/* Undo the blank added before the proof. */
	while (t->len && t->buf[t->len - 1] == ' ' && !t->span[t->nspan - 1].input) {
		t->len--;
		t->span[t->nspan - 1].len--;
		t->buf[t->len] = '\0';
	}
	if (proof->len)
		report_text_lits(proof, ".");
}

static void build_short(struct report *m)
{
	if (!m->nf || !m->f[0].rule)
		return;
	const struct report_finding *rf = &m->f[0];
	const struct ruleset *rs = m->rs;
	if (rf->stories && rf->ngroups) {
		short_logins(&m->in_short[m->nshort++], rs, rf);
	} else {
		struct report_text *t = &m->in_short[m->nshort++];
		short_other(t, &m->in_short[m->nshort], rs, rf);
		if (m->in_short[m->nshort].len)
			m->nshort++;
	}
	const char *step = rf->rule ? rf->rule->short_fix : NULL;
	struct report_text *t = &m->in_short[m->nshort];
	if (step)
		expand(t, rs, rf->fi, step);
	else if (rf->nfix)
		report_text_copy(t, &rf->fix[0]);
	if (t->len)
		m->nshort++;
}

/* ---- the run ---- */

/* "Read 2 inputs: 56 logins (15 succeeded, 41 failed), 1 token response, 3
 * records skipped; FIRST to LAST." */
static void summary(struct report_text *t, const struct report *m)
{
	const struct report_counts *c = &m->counts;
	report_text_lits(t, "Read ");
	text_count(t, c->inputs);
	report_text_lits(t, c->inputs == 1 ? " input:" : " inputs:");
	int parts = 0;
	for (unsigned k = 0; k < KIND_COUNT; k++) {
		uint64_t kn = c->by_kind[k];
		if (!kn)
			continue;
		report_text_lits(t, parts++ ? ", " : " ");
		text_count(t, kn);
		text_printf(t, " %s", kind_table[k].event[kn != 1]);
		if (k == 0) {
			report_text_lits(t, " (");
			text_count(t, c->successes);
			report_text_lits(t, " succeeded, ");
			text_count(t, c->by_kind[0] - c->successes);
			report_text_lits(t, " failed)");
		}
	}
	if (!parts)
		report_text_lits(t, " nothing to diagnose");
	if (m->counts.skipped) {
		report_text_lits(t, ", ");
		text_count(t, m->counts.skipped);
		report_text_lits(t, " records skipped");
	}
	if (c->first != EVENT_NO_TIME) {
		report_text_lits(t, "; ");
		text_time(t, c->first);
		report_text_lits(t, " to ");
		text_time(t, c->last);
	}
	report_text_lits(t, ".");
}

/* ---- what was not read ---- */

/* The inputs not read, or read only in part, each with its first error. */
static void build_not_read(struct report *m)
{
	size_t n = 0;
	for (size_t i = 0; i < m->ninputs; i++)
		n += !m->inputs[i].kind || m->inputs[i].failed;
	m->not_read = xcalloc(n ? n : 1, sizeof *m->not_read);
	for (size_t i = 0; i < m->ninputs; i++) {
		const struct input_summary *in = &m->inputs[i];
		if (in->kind && !in->failed)
			continue;
		struct report_unread *u = &m->not_read[m->nnot_read++];
		u->file = in->file;
		u->in_part = in->kind != NULL;
		if (in->why) {
			u->has_why = 1;
			report_text_input(&u->why, -1, in->why, strlen(in->why));
		}
	}
}

/* "NAME (why)" of one input not read, or "NAME (only in part: why)". */
static void unread_item(struct report_text *t, const struct report_unread *u)
{
	report_text_input(t, -1, u->file, strlen(u->file));
	report_text_lits(t, " (");
	if (u->in_part)
		report_text_lits(t, "only in part: ");
	if (u->has_why)
		report_text_append(t, &u->why);
	else
		report_text_lits(t, "not read");
	report_text_lits(t, ")");
}

/*
 * The headline of a run that did not read everything (the verdict is
 * trouble): "Could not read 1 of 2 inputs: NAME (why)." naming up to
 * REPORT_HEADLINE_INPUTS inputs, "Nothing could be read: ..." when no input
 * was read, or "Not everything was read: N records skipped, in NAME (see
 * Inputs)." when every input was read but records were skipped or a warning
 * given, naming the first inputs a warning or error is about.  The notes
 * must be built (report_build builds them first).
 */
static void headline(struct report_text *t, const struct report *m)
{
	const struct verdict *v = &m->verdict;
	if (v->inputs == 0) {
		report_text_lits(t, "Nothing could be read: no input was named.");
		return;
	}
	size_t failed = v->unread + v->partial;
	if (failed == 0) {
		uint64_t skipped = m->counts.skipped;
		report_text_lits(t, "Not everything was read: ");
		text_count(t, skipped ? skipped : v->problems);
		if (skipped)
			report_text_lits(t, skipped == 1 ? " record skipped" : " records skipped");
		else
			report_text_lits(t, v->problems == 1 ? " problem with the inputs"
							     : " problems with the inputs");
		/* Which files: the first few that a warning names. */
		size_t named = 0;
		for (size_t i = 0; i < m->ninputs && named < REPORT_HEADLINE_INPUTS; i++) {
			const char *f = m->inputs[i].file;
			int warned = 0;
			for (size_t k = 0; k < m->nnotes && !warned; k++)
				warned = m->notes[k].level != NOTE_INFO && m->notes[k].file &&
					 strcmp(m->notes[k].file, f) == 0;
			if (!warned)
				continue;
			report_text_lits(t, named++ ? ", " : ", in ");
			report_text_input(t, -1, f, strlen(f));
		}
		report_text_lits(t, " (see Inputs).");
		return;
	}
	report_text_lits(t, v->nothing_read ? "Nothing could be read: " : "Could not read ");
	if (v->inputs > 1) {
		if (v->nothing_read) {
			report_text_lits(t, "none of ");
		} else {
			text_count(t, failed);
			report_text_lits(t, " of ");
		}
		text_count(t, v->inputs);
		report_text_lits(t, " inputs: ");
	}
	size_t shown = 0;
	for (; shown < m->nnot_read && shown < REPORT_HEADLINE_INPUTS; shown++) {
		if (shown)
			report_text_lits(t, "; ");
		unread_item(t, &m->not_read[shown]);
	}
	if (failed > shown) {
		report_text_lits(t, "; and ");
		text_count(t, failed - shown);
		report_text_lits(t, " more (see Inputs)");
	}
	report_text_lits(t, ".");
}

struct report *report_build(const struct run *r, enum severity fail_on)
{
	struct report *m = xcalloc(1, sizeof *m);
	const struct findings *f = &r->f;
	struct report_counts *c = &m->counts;
	m->rs = r->rs;
	m->fail_on = fail_on;
	verdict_of(r, fail_on, &m->verdict);
	c->inputs = r->ninputs;
	for (size_t i = 0; i < r->ninputs; i++) {
		c->records += r->inputs[i].records;
		c->skipped += r->inputs[i].skipped;
	}
	c->events = f->events;
	c->successes = f->successes;
	c->failures = f->failures;
	memcpy(c->by_kind, f->kind_events, sizeof c->by_kind);
	c->untimed = f->untimed;
	c->zone_none = f->zone_none;
	c->zone_unknown = f->zone_unknown;
	c->ambiguous_dmy = f->ambiguous_dmy;
	c->first = f->first;
	c->last = f->last;
	c->input_errors = r->errors;
	m->axis = &f->axis;
	m->successes = f->succ_timeline;
	m->inputs = r->inputs;
	m->ninputs = r->ninputs;
	summary(&m->summary, m);
	/* rules_load() refuses a directory without a complete report.conf. */
	report_text_lits(&m->page_title, m->rs->report->msg[REPORT_MSG_PAGE_TITLE]);

	build_changes(m, &r->changes);
	const struct finding **v;
	m->nf = findings_sorted(&r->f, &v);
	struct rank *k = xcalloc(m->nf ? m->nf : 1, sizeof *k);
	int by_name = any_named(f);
	for (size_t i = 0; i < m->nf; i++) {
		k[i].fi = v[i];
		k[i].order = i;
		rank_of(&k[i], f, by_name);
	}
	qsort(k, m->nf, sizeof *k, cmp_rank);
	m->f = xcalloc(m->nf ? m->nf : 1, sizeof *m->f);
	for (size_t i = 0; i < m->nf; i++) {
		struct report_finding *rf = &m->f[i];
		build_finding(rf, m, f, k[i].fi);
		rf->standing = k[i].st;
		rf->resolved_since = k[i].since;
		rf->latest = k[i].latest;
		last_good(rf, f, by_name);
	}
	free(k);
	free(v);
	build_short(m);
	report_build_test(m, r);

	m->nnotes = r->nnotes;
	m->notes = xcalloc(r->nnotes ? r->nnotes : 1, sizeof *m->notes);
	for (size_t i = 0; i < r->nnotes; i++) {
		const struct note *n = &r->notes[i];
		m->notes[i].level = n->level;
		m->notes[i].file = n->file;
		m->notes[i].line = n->line;
		report_text_input(&m->notes[i].msg, -1, n->msg, strlen(n->msg));
	}
	m->notes_dropped = r->notes_dropped;

	build_not_read(m);
	m->complete = !m->verdict.trouble;
	if (!m->complete)
		headline(&m->headline, m);
	m->none_found = m->complete		  ? "No problems found"
			: m->verdict.nothing_read ? "Nothing was diagnosed"
						  : "Nothing wrong in what could be read";
	return m;
}

void report_free(struct report *m)
{
	if (!m)
		return;
	for (size_t i = 0; i < m->nf; i++)
		free_finding(&m->f[i]);
	free(m->f);
	for (size_t i = 0; i < m->nnotes; i++)
		report_text_free(&m->notes[i].msg);
	free(m->notes);
	for (size_t i = 0; i < m->nchanges; i++)
		report_text_free(&m->changes[i].line);
	free(m->changes);
	for (size_t i = 0; i < m->nnot_read; i++)
		report_text_free(&m->not_read[i].why);
	free(m->not_read);
	report_text_free(&m->headline);
	report_text_free(&m->summary);
	for (size_t i = 0; i < m->nshort; i++)
		report_text_free(&m->in_short[i]);
	report_text_free(&m->test_intro);
	for (size_t i = 0; i < m->ntest; i++)
		report_text_free(&m->test[i]);
	free(m->test);
	report_text_free(&m->page_title);
	free(m);
}
