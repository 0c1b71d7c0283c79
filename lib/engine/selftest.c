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
	}
	matcher_free(m);
	extract_selftest(rs, out, &pass, &fail);
	fprintf(out, "rules test: %d passed, %d failed\n", pass, fail);
	return fail;
}
