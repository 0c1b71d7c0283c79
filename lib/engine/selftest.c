/*
 * selftest.c - see selftest.h.
 */
#include "engine/selftest.h"

#include <string.h>

#include "adapt/extract.h"
#include "base/util.h"
#include "engine/matcher.h"

/* The event an example describes, for the first kind its rule applies to. */
static void sample_event(struct event *ev, const struct ruleset *rs, const struct rule *r,
			 const struct sample *s)
{
	event_clear(ev);
	ev->kind = r->kinds & -r->kinds; /* lowest bit */
	ev->file = r->file;
	ev->line = s->line;
	for (size_t i = 0; i < s->n; i++)
		event_set(ev, rs, s->field[i], s->value[i], strlen(s->value[i]));
	event_finish(ev, rs);
}

static const char *verdict_name(const struct ruleset *rs, int v)
{
	if (v == MATCH_SUCCESS)
		return "a success (fields.conf)";
	if (v == MATCH_NONE)
		return "no rule";
	return rs->rules[v].id;
}

/*
 * Every alternative of every `any` block of rule i is taken by at least one
 * of its examples: an alternative no example reaches is untested.  Returns
 * the number of alternatives without one (each reported).
 */
static int any_coverage(struct matcher *m, const struct ruleset *rs, size_t i, FILE *out, int *pass)
{
	const struct rule *r = &rs->rules[i];
	struct event ev;
	int missing = 0;
	for (size_t g = 0; g < r->nconds; g++) {
		if (r->conds[g].type != COND_ANY)
			continue;
		for (size_t k = g + 1; k <= g + r->conds[g].span;
		     k += 1 + (r->conds[k].type >= COND_ALL ? r->conds[k].span : 0)) {
			int taken = 0;
			for (size_t e = 0; e < r->nexamples && !taken; e++) {
				sample_event(&ev, rs, r, &r->examples[e]);
				taken = matcher_cond_holds(m, i, k, &ev);
			}
			*pass += taken;
			if (!taken) {
				fprintf(out,
					"%s:%d: rule %s: no example takes this alternative of the "
					"'any' block of line %d\n",
					r->file, r->conds[k].line, r->id, r->conds[g].line);
				missing++;
			}
		}
	}
	return missing;
}

int selftest_run(const struct ruleset *rs, FILE *out)
{
	struct matcher *m = matcher_new(rs);
	struct event ev;
	int pass = 0, fail = 0;

	if (!m)
		return -1;
	for (size_t i = 0; i < rs->nrules; i++) {
		const struct rule *r = &rs->rules[i];
		for (size_t k = 0; k < r->nexamples; k++) {
			sample_event(&ev, rs, r, &r->examples[k]);
			int v = matcher_classify(m, &ev);
			if (v == (int)i) {
				pass++;
				continue;
			}
			fail++;
			fprintf(out, "%s:%d: rule %s: example is explained by %s\n", r->file,
				r->examples[k].line, r->id, verdict_name(rs, v));
		}
		for (size_t k = 0; k < r->ncounters; k++) {
			sample_event(&ev, rs, r, &r->counters[k]);
			if (!matcher_rule_holds(m, i, &ev)) {
				pass++;
				continue;
			}
			fail++;
			fprintf(out, "%s:%d: rule %s: counter-example matches the rule\n", r->file,
				r->counters[k].line, r->id);
		}
		fail += any_coverage(m, rs, i, out, &pass);
	}
	matcher_free(m);
	extract_selftest(rs, out, &pass, &fail);
	fprintf(out, "rules test: %d passed, %d failed\n", pass, fail);
	return fail;
}
