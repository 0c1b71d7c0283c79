/*
 * matcher.c - see matcher.h.
 */
#include "engine/matcher.h"

#include <stdlib.h>
#include <string.h>

#include "base/util.h"

enum { RES_UNKNOWN = 0xFF, RES_LIMIT = 2 };

/* One distinct value of one field, with its condition results. */
struct value_entry {
	char *val;
	size_t len;
	uint64_t hash;
	unsigned char *res; /* one per condition on the field, RES_UNKNOWN until run */
};

struct value_cache {
	struct value_entry *slot;
	size_t cap; /* power of two */
	size_t count;
	unsigned nconds;
};

struct verdict_entry {
	char *key;
	size_t len;
	uint64_t hash;
	unsigned kind;
	int verdict;
};

struct matcher {
	const struct ruleset *rs;
	pcre2_match_data *md;
	pcre2_match_context *mctx;
	struct value_cache fields[SFDIAG_MAX_FIELDS];
	struct verdict_entry *verdicts;
	size_t vcap, vcount;
	/* Per kind (by bit number): the fields its rules and success test. */
	int tested[KIND_COUNT][SFDIAG_MAX_FIELDS];
	size_t ntested[KIND_COUNT];
	struct strbuf key;
	unsigned long *limit_hits; /* nrules + 1 */
	/* Values on which a pattern of the rule ran into a PCRE2 limit (not
	 * counting cached results), and whether the rule was given up after
	 * SFDIAG_MAX_RULE_LIMIT_HITS of them; nrules + 1 each. */
	unsigned long *fresh_hits;
	unsigned char *given_up;
	size_t current; /* rule being evaluated, for limit_hits */
};

/* The fields the conditions c[0..n) read, both sides of a comparison. */
static void mark_tested(unsigned char *tested, const struct cond *c, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (c[i].field >= 0)
			tested[c[i].field] = 1;
		if (c[i].other >= 0)
			tested[c[i].other] = 1;
	}
}

struct matcher *matcher_new(const struct ruleset *rs)
{
	struct matcher *m = xcalloc(1, sizeof *m);
	m->rs = rs;
	m->md = pcre2_match_data_create(1, NULL);
	m->mctx = pcre2_match_context_create(NULL);
	if (!m->md || !m->mctx) {
		pcre2_match_data_free(m->md);
		pcre2_match_context_free(m->mctx);
		free(m);
		return NULL;
	}
	pcre2_set_match_limit(m->mctx, SFDIAG_PCRE2_MATCH_LIMIT);
	pcre2_set_depth_limit(m->mctx, SFDIAG_PCRE2_DEPTH_LIMIT);
	pcre2_set_heap_limit(m->mctx, SFDIAG_PCRE2_HEAP_LIMIT_KIB);
	unsigned char tested[KIND_COUNT][SFDIAG_MAX_FIELDS] = {{0}};
	for (size_t i = 0; i < rs->nrules; i++)
		for (size_t k = 0; k < KIND_COUNT; k++)
			if (rs->rules[i].kinds & (1u << k))
				mark_tested(tested[k], rs->rules[i].conds, rs->rules[i].nconds);
	for (size_t i = 0; i < rs->nsuccess; i++)
		for (size_t k = 0; k < KIND_COUNT; k++)
			if (rs->success_kind[i] & (1u << k))
				mark_tested(tested[k], &rs->success[i], 1);
	for (size_t f = 0; f < rs->nfields; f++) {
		m->fields[f].nconds = rs->fields[f].nconds;
		for (size_t k = 0; k < KIND_COUNT; k++)
			if (tested[k][f])
				m->tested[k][m->ntested[k]++] = (int)f;
	}
	m->limit_hits = xcalloc(rs->nrules + 1, sizeof *m->limit_hits);
	m->fresh_hits = xcalloc(rs->nrules + 1, sizeof *m->fresh_hits);
	m->given_up = xcalloc(rs->nrules + 1, sizeof *m->given_up);
	return m;
}

static void value_cache_clear(struct value_cache *vc)
{
	for (size_t i = 0; i < vc->cap; i++) {
		free(vc->slot[i].val);
		free(vc->slot[i].res);
	}
	if (vc->slot)
		memset(vc->slot, 0, vc->cap * sizeof *vc->slot);
	vc->count = 0;
}

static void verdicts_clear(struct matcher *m)
{
	for (size_t i = 0; i < m->vcap; i++)
		free(m->verdicts[i].key);
	if (m->verdicts)
		memset(m->verdicts, 0, m->vcap * sizeof *m->verdicts);
	m->vcount = 0;
}

void matcher_free(struct matcher *m)
{
	if (!m)
		return;
	for (size_t f = 0; f < SFDIAG_MAX_FIELDS; f++) {
		value_cache_clear(&m->fields[f]);
		free(m->fields[f].slot);
	}
	verdicts_clear(m);
	free(m->verdicts);
	sb_free(&m->key);
	free(m->limit_hits);
	free(m->fresh_hits);
	free(m->given_up);
	pcre2_match_data_free(m->md);
	pcre2_match_context_free(m->mctx);
	free(m);
}

/* Find or add the entry for value v of a field. */
static struct value_entry *value_lookup(struct value_cache *vc, const char *v, size_t n)
{
	if (vc->cap == 0) {
		vc->slot = xcalloc(64, sizeof *vc->slot);
		vc->cap = 64;
	} else if ((vc->count + 1) * 2 > vc->cap) {
		if (vc->count >= SFDIAG_MAX_CACHE) {
			value_cache_clear(vc);
		} else {
			struct value_entry *old = vc->slot;
			size_t ocap = vc->cap;
			vc->slot = xcalloc(ocap * 2, sizeof *vc->slot);
			vc->cap = ocap * 2;
			for (size_t i = 0; i < ocap; i++) {
				if (!old[i].val)
					continue;
				size_t j = (size_t)old[i].hash & (vc->cap - 1);
				while (vc->slot[j].val)
					j = (j + 1) & (vc->cap - 1);
				vc->slot[j] = old[i];
			}
			free(old);
		}
	}
	uint64_t h = hash_bytes(v, n);
	size_t mask = vc->cap - 1, i = (size_t)h & mask;
	while (vc->slot[i].val) {
		struct value_entry *e = &vc->slot[i];
		if (e->hash == h && e->len == n && memcmp(e->val, v, n) == 0)
			return e;
		i = (i + 1) & mask;
	}
	struct value_entry *e = &vc->slot[i];
	e->val = xstrndup(v, n);
	e->len = n;
	e->hash = h;
	e->res = xmalloc(vc->nconds ? vc->nconds : 1);
	memset(e->res, RES_UNKNOWN, vc->nconds ? vc->nconds : 1);
	vc->count++;
	return e;
}

/*
 * A condition is true, false or unknown: a pattern that hits a PCRE2 limit
 * (or the JIT stack) on a value says neither.  Unknown spreads as in
 * Kleene's logic (an `any` with one true member is true whatever the
 * others), and a rule whose conditions end unknown does not hold, so it is
 * skipped for that value and the limit hit is counted against it.
 */
enum { C_FALSE = 0, C_TRUE = 1, C_UNKNOWN = 2 };

static int match_holds(struct matcher *m, const struct cond *c, const struct event *ev)
{
	const char *v = ev->val[c->field];
	size_t n = v ? ev->len[c->field] : 0;
	if (!v)
		v = "";
	struct value_entry *e = value_lookup(&m->fields[c->field], v, n);
	unsigned char r = e->res[c->id];
	if (r == RES_UNKNOWN) {
		int rc = c->pat.jit
			     ? pcre2_jit_match(c->pat.re, (PCRE2_SPTR)v, n, 0, 0, m->md, m->mctx)
			     : pcre2_match(c->pat.re, (PCRE2_SPTR)v, n, 0, 0, m->md, m->mctx);
		if (rc >= 0)
			r = 1;
		else if (rc == PCRE2_ERROR_NOMATCH)
			r = 0;
		else
			r = RES_LIMIT; /* match/depth/heap/JIT-stack limit */
		e->res[c->id] = r;
		/* A rule that costs the limit on value after value is given up
		 * for the rest of the run (success conditions never are). */
		if (r == RES_LIMIT && ++m->fresh_hits[m->current] >= SFDIAG_MAX_RULE_LIMIT_HITS &&
		    m->current < m->rs->nrules)
			m->given_up[m->current] = 1;
	}
	if (r == RES_LIMIT) {
		m->limit_hits[m->current]++;
		return C_UNKNOWN;
	}
	return c->negate ? !r : r;
}

/* FIELD OP OTHER: exact bytes, and false unless both fields have a value. */
static int compare_holds(const struct cond *c, const struct event *ev)
{
	const char *a = ev->val[c->field], *b = ev->val[c->other];
	size_t an = a ? ev->len[c->field] : 0, bn = b ? ev->len[c->other] : 0;
	if (!an || !bn)
		return C_FALSE;
	switch (c->cmp) {
	case CMP_EQ:
		return an == bn && memcmp(a, b, an) == 0;
	case CMP_NE:
		return an != bn || memcmp(a, b, an) != 0;
	case CMP_STARTS:
		return an >= bn && memcmp(a, b, bn) == 0;
	case CMP_ENDS:
		return an >= bn && memcmp(a + an - bn, b, bn) == 0;
	case CMP_CONTAINS:
		if (bn > an)
			return C_FALSE;
		for (size_t i = 0; i + bn <= an; i++)
			if (a[i] == b[0] && memcmp(a + i, b, bn) == 0)
				return C_TRUE;
		return C_FALSE;
	}
	return C_FALSE;
}

static int node_holds(struct matcher *m, const struct cond *c, const struct event *ev);

/* c[0..n) as `all` (and): stops at the first member that is not true. */
static int all_hold(struct matcher *m, const struct cond *c, size_t n, const struct event *ev)
{
	for (size_t i = 0; i < n; i += 1 + (c[i].type >= COND_ALL ? c[i].span : 0)) {
		int r = node_holds(m, &c[i], ev);
		if (r != C_TRUE)
			return r;
	}
	return C_TRUE;
}

/* c[0..n) as `any` (or): true at the first true member. */
static int any_holds(struct matcher *m, const struct cond *c, size_t n, const struct event *ev)
{
	int unknown = 0;
	for (size_t i = 0; i < n; i += 1 + (c[i].type >= COND_ALL ? c[i].span : 0)) {
		int r = node_holds(m, &c[i], ev);
		if (r == C_TRUE)
			return C_TRUE;
		unknown |= r == C_UNKNOWN;
	}
	return unknown ? C_UNKNOWN : C_FALSE;
}

static int node_holds(struct matcher *m, const struct cond *c, const struct event *ev)
{
	switch (c->type) {
	case COND_MATCH:
		return match_holds(m, c, ev);
	case COND_COMPARE:
		return compare_holds(c, ev);
	case COND_ALL:
		return all_hold(m, c + 1, c->span, ev);
	case COND_ANY:
		return any_holds(m, c + 1, c->span, ev);
	case COND_NONE: {
		int r = any_holds(m, c + 1, c->span, ev);
		return r == C_UNKNOWN ? C_UNKNOWN : !r;
	}
	}
	return C_FALSE;
}

int matcher_rule_holds(struct matcher *m, size_t idx, const struct event *ev)
{
	const struct rule *r = &m->rs->rules[idx];
	if (m->given_up[idx])
		return 0;
	m->current = idx;
	return all_hold(m, r->conds, r->nconds, ev) == C_TRUE;
}

int matcher_cond_holds(struct matcher *m, size_t idx, size_t node, const struct event *ev)
{
	const struct rule *r = &m->rs->rules[idx];
	m->current = idx;
	return node < r->nconds && node_holds(m, &r->conds[node], ev) == C_TRUE;
}

static int classify_slow(struct matcher *m, const struct event *ev)
{
	const struct ruleset *rs = m->rs;
	/* Success: every success condition of the event's kind holds. */
	int any = 0, all = 1;
	m->current = rs->nrules;
	for (size_t i = 0; i < rs->nsuccess && all; i++) {
		if (!(rs->success_kind[i] & ev->kind))
			continue;
		any = 1;
		all = node_holds(m, &rs->success[i], ev) == C_TRUE;
	}
	if (any && all)
		return MATCH_SUCCESS;
	for (size_t i = 0; i < rs->nrules; i++) {
		if (!(rs->rules[i].kinds & ev->kind))
			continue;
		if (matcher_rule_holds(m, i, ev))
			return (int)i;
	}
	return MATCH_NONE;
}

/* Does the stored key (tested values joined by 0x1F) hold ev's values? */
static int key_equals(const int *tested, size_t ntested, const char *key, size_t klen,
		      const struct event *ev)
{
	size_t off = 0;
	for (size_t i = 0; i < ntested; i++) {
		int f = tested[i];
		size_t n = ev->val[f] ? ev->len[f] : 0;
		if (off + n >= klen || (n && memcmp(key + off, ev->val[f], n) != 0) ||
		    key[off + n] != '\x1f')
			return 0;
		off += n + 1;
	}
	return off == klen;
}

int matcher_classify(struct matcher *m, const struct event *ev)
{
	/* The verdict depends only on the kind and the fields its rules test. */
	size_t kb = 0;
	while (kb + 1 < KIND_COUNT && !(ev->kind & (1u << kb)))
		kb++;
	const int *tested = m->tested[kb];
	size_t ntested = m->ntested[kb];
	uint64_t h = ev->kind;
	for (size_t i = 0; i < ntested; i++) {
		int f = tested[i];
		h = (h ^ (ev->val[f] ? hash_bytes(ev->val[f], ev->len[f]) : 0)) *
		    0x9E3779B97F4A7C15ull;
	}

	if (m->vcap == 0) {
		m->verdicts = xcalloc(256, sizeof *m->verdicts);
		m->vcap = 256;
	} else if ((m->vcount + 1) * 2 > m->vcap) {
		if (m->vcount >= SFDIAG_MAX_CACHE) {
			verdicts_clear(m);
		} else {
			struct verdict_entry *old = m->verdicts;
			size_t ocap = m->vcap;
			m->verdicts = xcalloc(ocap * 2, sizeof *m->verdicts);
			m->vcap = ocap * 2;
			for (size_t i = 0; i < ocap; i++) {
				if (!old[i].key)
					continue;
				size_t j = (size_t)old[i].hash & (m->vcap - 1);
				while (m->verdicts[j].key)
					j = (j + 1) & (m->vcap - 1);
				m->verdicts[j] = old[i];
			}
			free(old);
		}
	}
	size_t mask = m->vcap - 1, i = (size_t)h & mask;
	while (m->verdicts[i].key) {
		struct verdict_entry *e = &m->verdicts[i];
		if (e->hash == h && e->kind == ev->kind &&
		    key_equals(tested, ntested, e->key, e->len, ev))
			return e->verdict;
		i = (i + 1) & mask;
	}
	int verdict = classify_slow(m, ev);
	sb_reset(&m->key);
	for (size_t k = 0; k < ntested; k++) {
		int f = tested[k];
		if (ev->val[f])
			sb_add(&m->key, ev->val[f], ev->len[f]);
		sb_addc(&m->key, '\x1f');
	}
	struct verdict_entry *e = &m->verdicts[i];
	e->key = xstrndup(sb_str(&m->key), m->key.len);
	e->len = m->key.len;
	e->hash = h;
	e->kind = ev->kind;
	e->verdict = verdict;
	m->vcount++;
	return verdict;
}

unsigned long matcher_limit_hits(const struct matcher *m, size_t idx)
{
	return idx <= m->rs->nrules ? m->limit_hits[idx] : 0;
}

void matcher_add_hits(struct matcher *dst, const struct matcher *src)
{
	for (size_t i = 0; i <= dst->rs->nrules; i++) {
		dst->limit_hits[i] += src->limit_hits[i];
		dst->fresh_hits[i] += src->fresh_hits[i];
		dst->given_up[i] |= src->given_up[i];
	}
}

int matcher_given_up(const struct matcher *m, size_t idx)
{
	return idx < m->rs->nrules && m->given_up[idx];
}
