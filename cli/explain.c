/*
 * explain.c - `sfdiag --explain RULE-ID`: what a rule detects, its fix and
 * its references.
 */
#include <stdio.h>
#include <stdlib.h>

#include "cli.h"

int cmd_explain(const char *id, const struct cli_common *c)
{
	struct ruleset *rs = cli_load_rules(c->rules_opt, c->use_jit);
	if (!rs)
		return VERDICT_TROUBLE;
	const struct rule *r = rules_find(rs, id);
	if (!r) {
		const char **ids = xcalloc(rs->nrules ? rs->nrules : 1, sizeof *ids);
		for (size_t i = 0; i < rs->nrules; i++)
			ids[i] = rs->rules[i].id;
		const char *near = cli_nearest(id, ids, rs->nrules);
		if (near)
			fprintf(stderr, "sfdiag: no rule '%s'; did you mean %s?\n", id, near);
		else
			fprintf(stderr, "sfdiag: no rule '%s'\n", id);
		fputs("sfdiag: see 'sfdiag rules list' for the rules\n", stderr);
		free(ids);
		rules_free(rs);
		return VERDICT_TROUBLE;
	}
	printf("%s (%s, applies to %s)\n  %s\n", r->id, severity_name(r->severity),
	       kind_name(r->kinds & -r->kinds), r->title);
	printf("  defined at %s:%d\n\nDetects:\n", r->file, r->line);
	struct strbuf w = {0};
	rules_describe_conds(rs, r->conds, r->nconds, &w, 2);
	/* Prose is wrapped at 80 columns, as in the report. */
	if (r->cause) {
		sb_adds(&w, "\nWhy:\n  ");
		render_wrap(&w, r->cause, 2, 2, 80);
	}
	sb_adds(&w, "\nFix:\n");
	for (size_t i = 0; i < r->nfix; i++) {
		size_t start = w.len;
		sb_printf(&w, "  %zu. ", i + 1);
		render_wrap(&w, r->fix[i], w.len - start, w.len - start, 80);
	}
	/* Where shared steps came from, one line per run of them. */
	for (size_t i = 0; i < r->nfix; i++) {
		if (r->fix_from[i] < 0 || (i > 0 && r->fix_from[i - 1] == r->fix_from[i]))
			continue;
		const struct steps *s = &rs->steps[r->fix_from[i]];
		size_t j = i;
		while (j + 1 < r->nfix && r->fix_from[j + 1] == r->fix_from[i])
			j++;
		if (j > i)
			sb_printf(&w, "  (steps %zu-%zu are the shared steps %s, %s:%d)\n", i + 1,
				  j + 1, s->name, s->file, s->line);
		else
			sb_printf(&w, "  (step %zu is the shared steps %s, %s:%d)\n", i + 1,
				  s->name, s->file, s->line);
	}
	fputs(sb_str(&w), stdout);
	sb_free(&w);
	printf("\nReferences:\n");
	for (size_t i = 0; i < r->nrefs; i++)
		printf("  %s\n", r->refs[i]);
	rules_free(rs);
	return VERDICT_CLEAN;
}
