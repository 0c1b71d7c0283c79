/*
 * classify.c - see classify.h.
 */
#include "engine/classify.h"

/* Classify one event into findings: the first rule that explains it, or,
 * for checklist kinds (settings), every rule that holds. */
void classify_event(struct matcher *m, struct findings *f, const struct event *ev)
{
	findings_count(f, ev);
	if (ev->kind & KIND_CHECKLIST) {
		const struct ruleset *rs = f->rs;
		for (size_t i = 0; i < rs->nrules; i++)
			if ((rs->rules[i].kinds & ev->kind) && matcher_rule_holds(m, i, ev))
				findings_add(f, ev, (int)i);
		return;
	}
	findings_add(f, ev, matcher_classify(m, ev));
}
