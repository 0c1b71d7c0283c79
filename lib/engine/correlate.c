/*
 * correlate.c - see correlate.h.
 */
#include "engine/correlate.h"

#include <string.h>

#include "base/util.h"

/* Does any user of a also appear among the users of b?  A finding with no
 * user (a bare token response) is compatible with every other, and so is
 * one whose users are only ids standing in for names (fields.conf fallback,
 * e.g. a Data Loader export): names and ids cannot be compared. */
static int share_user(const struct findings *f, const struct finding *a, const struct finding *b)
{
	int fu = f->rs->f.user;
	if (fu < 0 || a->user_fell_back == a->count || b->user_fell_back == b->count)
		return 1;
	const struct tally *ta = a->tally[fu], *tb = b->tally[fu];
	int a_named = 0;
	for (size_t i = 0; ta && i < ta->cap; i++) {
		const struct tally_entry *e = &ta->slot[i];
		if (!e->s || e->n == 0)
			continue;
		a_named = 1;
		for (size_t j = 0; tb && j < tb->cap; j++) {
			const struct tally_entry *g = &tb->slot[j];
			if (g->s && g->n == e->n && memcmp(g->s, e->s, e->n) == 0)
				return 1;
		}
	}
	return !a_named;
}

static int near_in_time(const struct finding *a, const struct finding *b)
{
	if (a->first == EVENT_NO_TIME || b->first == EVENT_NO_TIME)
		return 1;
	int64_t w = SFDIAG_CORRELATE_WINDOW_MS;
	return a->first - w <= b->last && b->first <= a->last + w;
}

int correlate_supports(const struct findings *f, const struct finding *fi, int cand)
{
	if (cand < 0 || (size_t)cand >= f->rs->nrules)
		return 0;
	const struct finding *c = f->by_rule[cand];
	return c && c != fi && share_user(f, fi, c) && near_in_time(fi, c);
}

/* Follow explained_by to the finding that explains the chain; -1 on a cycle. */
static int root_of(const struct findings *f, int rule)
{
	int at = rule;
	for (size_t steps = 0; steps <= f->rs->nrules; steps++) {
		int next = f->by_rule[at]->explained_by;
		if (next < 0)
			return at;
		if (next == rule)
			return -1;
		at = next;
	}
	return -1;
}

void correlate(struct findings *f)
{
	const struct ruleset *rs = f->rs;
	for (size_t i = 0; i < rs->nrules; i++) {
		struct finding *fi = f->by_rule[i];
		const struct rule *r = &rs->rules[i];
		if (!fi || !r->ncandidates)
			continue;
		for (size_t k = 0; k < r->ncandidates; k++) {
			if (correlate_supports(f, fi, r->candidates[k])) {
				fi->explained_by = r->candidates[k];
				break;
			}
		}
	}
	/* A response explained by Login History rows that a settings mistake
	 * explains is shown under the settings finding: point every link at the
	 * root of its chain.  A cycle (two rules naming each other) is broken by
	 * dropping the link of the finding where it is found. */
	for (size_t i = 0; i < rs->nrules; i++) {
		struct finding *fi = f->by_rule[i];
		if (!fi || fi->explained_by < 0)
			continue;
		int root = root_of(f, (int)i);
		fi->explained_by = root == (int)i ? -1 : root;
	}
}
