/*
 * explain.c - `sfdiag --explain RULE-ID`: what a rule detects, its fix and
 * its references.
 */
#include <stdio.h>

#include "cli.h"

int cmd_explain(const char *id, const struct cli_common *c)
{
	struct ruleset *rs = cli_load_rules(c->rules_opt, c->use_jit);
	if (!rs)
		return VERDICT_TROUBLE;
	const struct rule *r = rules_find(rs, id);
	if (!r) {
		fprintf(stderr, "sfdiag: no rule '%s' (see sfdiag rules list)\n", id);
		rules_free(rs);
		return VERDICT_TROUBLE;
	}
	printf("%s (%s, applies to %s)\n  %s\n", r->id, severity_name(r->severity),
	       kind_name(r->kinds & -r->kinds), r->title);
	printf("  defined at %s:%d\n\nDetects:\n", r->file, r->line);
	for (size_t i = 0; i < r->nconds; i++)
		printf("  %s %s /%s/%s\n", rs->fields[r->conds[i].field].name,
		       r->conds[i].negate ? "!~" : "~", r->conds[i].pattern, r->conds[i].flags);
	if (r->cause)
		printf("\nWhy:\n  %s\n", r->cause);
	printf("\nFix:\n");
	for (size_t i = 0; i < r->nfix; i++)
		printf("  %zu. %s\n", i + 1, r->fix[i]);
	printf("\nReferences:\n");
	for (size_t i = 0; i < r->nrefs; i++)
		printf("  %s\n", r->refs[i]);
	rules_free(rs);
	return VERDICT_CLEAN;
}
