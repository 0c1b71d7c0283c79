/*
 * changes.c - see changes.h.
 */
#include "engine/changes.h"

#include <stdlib.h>
#include <string.h>

#include "base/util.h"

static char ascii_lower(char c)
{
	return c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
}

void changes_init(struct changes *ch, const struct ruleset *rs)
{
	memset(ch, 0, sizeof *ch);
	ch->rs = rs;
	ch->trigger = xmalloc((rs->nrules + 1) * sizeof *ch->trigger);
	ch->fixed = xmalloc((rs->nrules + 1) * sizeof *ch->fixed);
	for (size_t i = 0; i <= rs->nrules; i++)
		ch->trigger[i] = ch->fixed[i] = -1;
}

void changes_free(struct changes *ch)
{
	for (size_t i = 0; i < ch->n; i++) {
		free(ch->c[i].actor);
		free(ch->c[i].delegate);
		free(ch->c[i].display);
		free(ch->c[i].action);
		free(ch->c[i].section);
		free(ch->c[i].time_text);
	}
	free(ch->c);
	free(ch->files);
	free(ch->trigger);
	free(ch->fixed);
	memset(ch, 0, sizeof *ch);
}

/* A copy of field f of ev, cut to max bytes (never inside a UTF-8
 * sequence); "" when absent. */
static char *copy_field(const struct event *ev, int f, size_t max)
{
	if (f < 0 || !ev->val[f])
		return xstrdup("");
	size_t n = ev->len[f];
	if (n > max) {
		n = max;
		while (n && ((unsigned char)ev->val[f][n] & 0xC0) == 0x80)
			n--;
	}
	return xstrndup(ev->val[f], n);
}

/* The date-order tally of ev's file. */
static struct change_file *file_of(struct changes *ch, const struct event *ev)
{
	if (ch->nfiles && ch->files[ch->nfiles - 1].file_seq == ev->file_seq)
		return &ch->files[ch->nfiles - 1];
	for (size_t i = 0; i < ch->nfiles; i++)
		if (ch->files[i].file_seq == ev->file_seq)
			return &ch->files[i];
	ch->files = xgrow(ch->files, &ch->files_cap, ch->nfiles + 1, sizeof *ch->files);
	struct change_file *f = &ch->files[ch->nfiles++];
	memset(f, 0, sizeof *f);
	f->file = ev->file;
	f->file_seq = ev->file_seq;
	return f;
}

void changes_add(struct changes *ch, struct matcher *m, const struct event *ev)
{
	const struct ruleset *rs = ch->rs;
	ch->seen++;
	struct change_file *cf = file_of(ch, ev);
	if (ev->time_ms == EVENT_NO_TIME)
		cf->unreadable++;
	else if (ev->time_flags & TIME_AMBIGUOUS_DMY)
		cf->ambiguous++;
	if (ev->time_ms != EVENT_NO_TIME && (ev->time_flags & TIME_DAY_FIRST))
		cf->day_first++;
	if (ev->time_ms != EVENT_NO_TIME && (ev->time_flags & TIME_MONTH_FIRST))
		cf->month_first++;
	int rule = matcher_classify(m, ev);
	if (rule < 0) {
		ch->unrelated++;
		return;
	}
	if (ch->n >= SFDIAG_MAX_CHANGES) {
		ch->dropped++;
		return;
	}
	ch->c = xgrow(ch->c, &ch->cap, ch->n + 1, sizeof *ch->c);
	struct change *c = &ch->c[ch->n++];
	c->rule = rule;
	c->time_ms = ev->time_ms;
	c->zone = ev->zone;
	c->actor = copy_field(ev, rs->f.user, SFDIAG_MAX_CHANGE_TEXT);
	c->delegate = copy_field(ev, rs->f.delegate_user, SFDIAG_MAX_CHANGE_TEXT);
	c->display = copy_field(ev, rs->f.display, SFDIAG_MAX_CHANGE_TEXT);
	/* A Setup download's Action is the sentence (fields.conf fallback). */
	int code = rs->f.action >= 0 && !(ev->fell_back & (1ull << rs->f.display));
	c->action = copy_field(ev, code ? rs->f.action : -1, SFDIAG_MAX_CHANGE_TEXT);
	c->section = copy_field(ev, rs->f.section, SFDIAG_MAX_CHANGE_TEXT);
	c->file = ev->file;
	c->file_seq = ev->file_seq;
	c->line = ev->line;
	c->time_flags = ev->time_flags;
	c->time_text = NULL;
	if (c->time_ms != EVENT_NO_TIME && (ev->time_flags & TIME_AMBIGUOUS_DMY) &&
	    rs->f.time >= 0 && ev->val[rs->f.time])
		c->time_text = xstrndup(ev->val[rs->f.time], ev->len[rs->f.time]);
	if (c->time_ms == EVENT_NO_TIME)
		ch->untimed++;
}

void changes_settle_dates(struct changes *ch)
{
	for (size_t i = 0; i < ch->nfiles; i++) {
		struct change_file *f = &ch->files[i];
		f->read_day_first = f->day_first > 0 && f->month_first == 0;
	}
	for (size_t k = 0; k < ch->n; k++) {
		struct change *c = &ch->c[k];
		if (!c->time_text)
			continue;
		const struct change_file *f = NULL;
		for (size_t i = 0; i < ch->nfiles && !f; i++)
			if (ch->files[i].file_seq == c->file_seq)
				f = &ch->files[i];
		struct parsed_time t;
		if (f && f->read_day_first &&
		    time_parse_day_first(c->time_text, strlen(c->time_text), &t) == 0) {
			c->time_ms = t.ms;
			c->zone = t.zone;
			ch->files[(size_t)(f - ch->files)].reread++;
		}
	}
}

/* Does hay contain needle[0..n), ignoring ASCII case? */
static int contains_ci(const char *hay, const char *needle, size_t n)
{
	size_t h = strlen(hay);
	if (n == 0 || n > h)
		return 0;
	for (size_t i = 0; i + n <= h; i++) {
		size_t k = 0;
		while (k < n && ascii_lower(hay[i + k]) == ascii_lower(needle[k]))
			k++;
		if (k == n)
			return 1;
	}
	return 0;
}

/* The group with the most failures of fi, or NULL. */
static const struct group *top_group(const struct finding *fi)
{
	const struct group *best = NULL;
	for (size_t i = 0; i < fi->gcap; i++) {
		const struct group *g = &fi->groups[i];
		if (g->count && (!best || g->count > best->count))
			best = g;
	}
	return best;
}

static int lists(const struct rule *r, int rule)
{
	for (size_t k = 0; k < r->ntriggers; k++)
		if (r->triggers[k] == rule)
			return 1;
	return 0;
}

int changes_could_explain(const struct ruleset *rs, int rule)
{
	for (size_t i = 0; i < rs->nrules; i++)
		if (lists(&rs->rules[i], rule))
			return 1;
	return 0;
}

/* The change that reverses ch->c[t], after it and no earlier than the last
 * failure, followed by a success of the finding's user and application. */
static int find_fix(const struct changes *ch, const struct findings *f, const struct finding *fi,
		    int t)
{
	const struct group *g = top_group(fi);
	const struct success *s = g ? findings_success(f, g->user, g->application) : NULL;
	int best = -1;
	for (size_t i = 0; i < ch->n; i++) {
		const struct change *c = &ch->c[i];
		if (c->time_ms == EVENT_NO_TIME || ch->rs->rules[c->rule].reverses != ch->c[t].rule)
			continue;
		if (c->time_ms < fi->last || c->time_ms < ch->c[t].time_ms)
			continue;
		if (!s || s->last < c->time_ms)
			continue;
		if (best < 0 || c->time_ms < ch->c[best].time_ms)
			best = (int)i;
	}
	return best;
}

void changes_link(struct changes *ch, const struct findings *f)
{
	const struct ruleset *rs = ch->rs;
	for (size_t i = 0; i <= rs->nrules; i++) {
		const struct finding *fi = f->by_rule[i];
		ch->trigger[i] = ch->fixed[i] = -1;
		if (!fi || fi->explained_by >= 0 || fi->first == EVENT_NO_TIME || i == rs->nrules)
			continue;
		const struct group *g = top_group(fi);
		int best = -1, best_named = 0;
		for (size_t k = 0; k < ch->n; k++) {
			const struct change *c = &ch->c[k];
			const struct rule *cr = &rs->rules[c->rule];
			if (c->time_ms == EVENT_NO_TIME || !lists(cr, (int)i))
				continue;
			if (c->time_ms > fi->first || fi->first - c->time_ms > cr->window_ms)
				continue;
			int named = g && (contains_ci(c->display, g->user, g->ulen) ||
					  contains_ci(c->display, g->application, g->alen));
			if (best < 0 || named > best_named ||
			    (named == best_named && c->time_ms > ch->c[best].time_ms)) {
				best = (int)k;
				best_named = named;
			}
		}
		ch->trigger[i] = best;
		if (best >= 0)
			ch->fixed[i] = find_fix(ch, f, fi, best);
	}
}
