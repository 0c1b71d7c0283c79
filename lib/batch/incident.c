/*
 * incident.c - incidents across tickets (see incident.h).
 *
 * Each candidate is one finding of one ticket with a rule, a first failure
 * and the key's value.  For each key in turn, the candidates not yet in an
 * incident are sorted by (rule, value, onset, ticket) and swept: a run of
 * the same rule and value whose onsets lie within the window from its first
 * is an incident when it spans enough tickets (a ticket has one finding per
 * rule, so its members are distinct tickets).
 */
#include "batch/incident.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/util.h"

/* The first non-empty value of rf's evidence row for field, or NULL. */
static const struct report_value *top_value(const struct report_finding *rf, int field)
{
	for (size_t e = 0; e < rf->nrows; e++) {
		const struct report_row *row = &rf->rows[e];
		if (!row->def || row->def->field != field)
			continue;
		for (size_t i = 0; i < row->nv; i++)
			if (row->v[i].n)
				return &row->v[i];
	}
	return NULL;
}

/* "a.b.c.d" as a number; -1 when s[0..n) is not a dotted IPv4 address. */
static int ipv4_parse(const char *s, size_t n, unsigned long *out)
{
	unsigned long ip = 0;
	size_t i = 0;
	for (int part = 0; part < 4; part++) {
		unsigned v = 0;
		size_t digits = 0;
		while (i < n && s[i] >= '0' && s[i] <= '9' && digits < 3) {
			v = v * 10 + (unsigned)(s[i++] - '0');
			digits++;
		}
		if (!digits || v > 255)
			return -1;
		ip = ip << 8 | v;
		if (part < 3 && (i >= n || s[i++] != '.'))
			return -1;
	}
	if (i != n)
		return -1;
	*out = ip;
	return 0;
}

void incident_keep(struct summary_finding *sf, const struct ruleset *rs,
		   const struct report_finding *rf)
{
	const struct report_conf *rc = rs->report;
	const struct report_value *st = top_value(rf, rs->f.status);
	const struct report_value *sd = rf->said.nv && rf->said.v[0].n ? &rf->said.v[0] : NULL;
	sf->what = st ? xstrndup(st->s, st->n) : sd ? xstrndup(sd->s, sd->n) : NULL;
	sf->what_field = st ? rs->f.status : rf->said.field;
	sf->last_good_ip = rf->last_good_ip && *rf->last_good_ip ? xstrdup(rf->last_good_ip) : NULL;
	for (size_t k = 0; k < rc->nikeys; k++) {
		const struct report_incident_key *key = &rc->ikeys[k];
		const struct report_value *v = top_value(rf, key->field);
		sf->key[k] = NULL;
		if (!v)
			continue;
		if (!key->prefix) {
			sf->key[k] = xstrndup(v->s, v->n);
			continue;
		}
		unsigned long ip;
		if (ipv4_parse(v->s, v->n, &ip) != 0)
			continue;
		unsigned long mask = key->prefix == 32
					 ? 0xFFFFFFFFul
					 : (0xFFFFFFFFul << (32 - key->prefix)) & 0xFFFFFFFFul;
		ip &= mask;
		char buf[32];
		snprintf(buf, sizeof buf, "%lu.%lu.%lu.%lu/%d", ip >> 24, ip >> 16 & 255,
			 ip >> 8 & 255, ip & 255, key->prefix);
		sf->key[k] = xstrdup(buf);
	}
}

void incident_keep_free(struct summary_finding *sf)
{
	free(sf->what);
	free(sf->last_good_ip);
	for (size_t k = 0; k < REPORT_MAX_INCIDENT_KEYS; k++)
		free(sf->key[k]);
}

struct cand {
	const struct summary_finding *f;
	size_t ticket, finding;
	const char *value;
};

static int cmp_cand(const void *a, const void *b)
{
	const struct cand *x = a, *y = b;
	if (x->f->rule != y->f->rule)
		return x->f->rule < y->f->rule ? -1 : 1;
	int c = strcmp(x->value, y->value);
	if (c)
		return c;
	if (x->f->first != y->f->first)
		return x->f->first < y->f->first ? -1 : 1;
	return x->ticket < y->ticket ? -1 : x->ticket > y->ticket;
}

static int cmp_member(const void *a, const void *b)
{
	const struct summary_member *x = a, *y = b;
	return x->ticket < y->ticket ? -1 : x->ticket > y->ticket;
}

static int cmp_incident(const void *a, const void *b)
{
	const struct summary_incident *x = a, *y = b;
	if (x->nm != y->nm)
		return x->nm > y->nm ? -1 : 1;
	if (x->sev != y->sev)
		return x->sev > y->sev ? -1 : 1;
	if (x->count != y->count)
		return x->count > y->count ? -1 : 1;
	if (x->first != y->first)
		return x->first < y->first ? -1 : 1;
	int c = strcmp(x->id, y->id);
	return c ? c : x->key < y->key ? -1 : x->key > y->key;
}

/* {since}: "2026-11-03 14:02-14:19 UTC", or with both dates when the
 * onsets are on different days, or one time. */
static void since_text(struct strbuf *s, int64_t first, int64_t last)
{
	char a[32], b[32];
	time_format_short(first, a);
	time_format_short(last, b);
	if (strcmp(a, b) == 0) {
		sb_adds(s, a);
	} else if (memcmp(a, b, 11) == 0) {
		sb_add(s, a, 16);
		sb_printf(s, "-%s", b + 11);
	} else {
		sb_printf(s, "%s to %s", a, b);
	}
}

struct fill_ctx {
	const struct ruleset *rs;
	const struct summary_incident *inc;
	const struct summary_ticket *const *t;
	const struct report_incident_key *key;
};

static const struct summary_finding *member_f(const struct fill_ctx *c, size_t i)
{
	const struct summary_member *m = &c->inc->m[i];
	return &c->t[m->ticket]->f[m->finding];
}

/* The distinct last good source IPs of the members, at most 3 named. */
static void last_good(struct fill_ctx *c, struct report_text *t, int *any_same)
{
	const char *named[3];
	size_t nnamed = 0, more = 0;
	*any_same = 0;
	for (size_t i = 0; i < c->inc->nm; i++) {
		const struct summary_finding *f = member_f(c, i);
		const char *ip = f->last_good_ip;
		if (!ip)
			continue;
		if (f->key[c->inc->key] && c->key->prefix == 0 &&
		    strcmp(ip, f->key[c->inc->key]) == 0)
			*any_same = 1;
		int seen = 0;
		for (size_t k = 0; k < nnamed; k++)
			seen |= strcmp(named[k], ip) == 0;
		for (size_t k = 0; k < i && !seen; k++) {
			const char *o = member_f(c, k)->last_good_ip;
			seen |= o && strcmp(o, ip) == 0;
		}
		if (seen)
			continue;
		if (nnamed < 3) {
			named[nnamed++] = ip;
		} else {
			more++;
		}
	}
	if (!t)
		return;
	for (size_t k = 0; k < nnamed; k++) {
		if (k)
			report_text_lits(t, ", ");
		report_text_input(t, c->rs->f.source_ip, named[k], strlen(named[k]));
	}
	if (more) {
		char buf[48];
		snprintf(buf, sizeof buf, ", +%zu more", more);
		report_text_lits(t, buf);
	}
}

static int fill_new(void *ctx, struct report_text *t, const char *name, size_t n,
		    const char **after)
{
	(void)name;
	(void)n;
	(void)after;
	int same;
	last_good(ctx, t, &same);
	return 0;
}

static int fill(void *ctx, struct report_text *t, const char *name, size_t n, const char **after)
{
	struct fill_ctx *c = ctx;
	const struct summary_incident *inc = c->inc;
	(void)after;
	if (str_ieq(name, n, "tickets")) {
		char buf[32];
		snprintf(buf, sizeof buf, "%zu", inc->nm);
		report_text_lits(t, buf);
	} else if (str_ieq(name, n, "since")) {
		struct strbuf s = {0};
		since_text(&s, inc->first, inc->last);
		report_text_lits(t, sb_str(&s));
		sb_free(&s);
	} else if (str_ieq(name, n, "what")) {
		const struct summary_finding *f = member_f(c, 0);
		for (size_t i = 0; i < inc->nm && !f->what; i++)
			f = member_f(c, i);
		if (f->what)
			report_text_input(t, f->what_field, f->what, strlen(f->what));
		else
			report_text_lits(t, report_noun(c->rs, inc->rule, 1));
	} else if (str_ieq(name, n, "value")) {
		report_text_input(t, c->key->prefix ? -1 : c->key->field, inc->value,
				  strlen(inc->value));
	} else if (str_ieq(name, n, "cause")) {
		report_text_lits(t, inc->id);
	} else if (str_ieq(name, n, "new")) {
		int same;
		last_good(c, NULL, &same);
		int known = 0;
		for (size_t i = 0; i < inc->nm; i++)
			known |= member_f(c, i)->last_good_ip != NULL;
		if (c->key->field == c->rs->f.source_ip && known && !same)
			return report_text_template(t, c->rs->report->msg[REPORT_MSG_INCIDENT_NEW],
						    fill_new, c);
	}
	return 0;
}

size_t incidents_find(const struct ruleset *rs, const struct summary_ticket *const *t, size_t n,
		      struct summary_incident **out)
{
	const struct report_conf *rc = rs->report;
	size_t total = 0, ninc = 0, inccap = 0;
	struct summary_incident *inc = NULL;
	for (size_t k = 0; k < n; k++)
		total += t[k]->nf;
	struct cand *cv = xcalloc(total ? total : 1, sizeof *cv);
	/* used[j]: candidate j of ticket order (flat index) is in an incident. */
	unsigned char *used = xcalloc(total ? total : 1, 1);
	size_t *base = xcalloc(n ? n : 1, sizeof *base);
	for (size_t k = 0, b = 0; k < n; k++) {
		base[k] = b;
		b += t[k]->nf;
	}
	for (size_t q = 0; q < rc->nikeys; q++) {
		size_t nc = 0;
		for (size_t k = 0; k < n; k++) {
			for (size_t i = 0; i < t[k]->nf; i++) {
				const struct summary_finding *f = &t[k]->f[i];
				if (used[base[k] + i] || f->rule < 0 || f->first == EVENT_NO_TIME ||
				    !f->key[q])
					continue;
				cv[nc++] = (struct cand){f, k, i, f->key[q]};
			}
		}
		if (nc > 1)
			qsort(cv, nc, sizeof *cv, cmp_cand);
		for (size_t s = 0; s < nc;) {
			size_t e = s + 1;
			while (e < nc && cv[e].f->rule == cv[s].f->rule &&
			       strcmp(cv[e].value, cv[s].value) == 0 &&
			       cv[e].f->first - cv[s].f->first <= rc->incident_window_ms)
				e++;
			if (e - s < rc->incident_min_tickets) {
				s++;
				continue;
			}
			inc = xgrow(inc, &inccap, ninc + 1, sizeof *inc);
			struct summary_incident *x = &inc[ninc++];
			memset(x, 0, sizeof *x);
			x->key = q;
			x->rule = cv[s].f->rule;
			x->id = cv[s].f->id;
			x->sev = cv[s].f->sev;
			x->value = cv[s].value;
			x->first = cv[s].f->first;
			x->last = cv[e - 1].f->first;
			x->m = xcalloc(e - s, sizeof *x->m);
			for (size_t j = s; j < e; j++) {
				x->m[x->nm++] =
				    (struct summary_member){cv[j].ticket, cv[j].finding};
				x->count += cv[j].f->count;
				used[base[cv[j].ticket] + cv[j].finding] = 1;
			}
			qsort(x->m, x->nm, sizeof *x->m, cmp_member);
			s = e;
		}
	}
	free(cv);
	free(used);
	free(base);
	if (ninc > 1)
		qsort(inc, ninc, sizeof *inc, cmp_incident);
	for (size_t i = 0; i < ninc; i++) {
		struct fill_ctx c = {rs, &inc[i], t, &rc->ikeys[inc[i].key]};
		report_text_template(&inc[i].headline, c.key->headline, fill, &c);
	}
	*out = inc;
	return ninc;
}

void incidents_free(struct summary_incident *v, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(v[i].m);
		report_text_free(&v[i].headline);
	}
	free(v);
}
