/*
 * rules.c - `sfdiag rules check|test|list`: validate, self-test or list the
 * rules directory.
 */
#include <stdio.h>
#include <string.h>

#include "cli.h"

int cmd_rules(int argc, char **argv, const struct cli_common *c)
{
	if (argc < 1) {
		fputs("sfdiag: rules needs a command: check, test or list\n", stderr);
		return VERDICT_TROUBLE;
	}
	const char *cmd = argv[0];
	if (strcmp(cmd, "check") && strcmp(cmd, "test") && strcmp(cmd, "list")) {
		fprintf(stderr, "sfdiag: unknown rules command '%s' (check, test or list)\n", cmd);
		return VERDICT_TROUBLE;
	}
	struct ruleset *rs = cli_load_rules(c->rules_opt, c->use_jit);
	if (!rs)
		return VERDICT_TROUBLE;
	int rc = VERDICT_CLEAN;
	if (strcmp(cmd, "check") == 0) {
		size_t nconds = 0;
		for (size_t i = 0; i < rs->nrules; i++)
			nconds += rules_count_tests(&rs->rules[i]);
		printf("%s: %zu rules, %zu conditions, %zu defines, %zu shared steps, %zu fields, "
		       "%zu codes: ok\n",
		       rs->dir, rs->nrules, nconds, rs->defines.n, rs->nsteps, rs->nfields,
		       rs->ncodes);
	} else if (strcmp(cmd, "test") == 0) {
		int failed = selftest_run(rs, stdout);
		rc = failed == 0 ? VERDICT_CLEAN : VERDICT_FINDINGS;
	} else {
		printf("%-36s %-8s %-14s %s\n", "ID", "SEVERITY", "APPLIES", "TITLE");
		for (size_t i = 0; i < rs->nrules; i++) {
			const struct rule *r = &rs->rules[i];
			printf("%-36s %-8s %-14s %s\n", r->id, severity_name(r->severity),
			       kind_name(r->kinds & -r->kinds), r->title);
		}
		/* The named patterns and shared steps the rules use, with how often. */
		if (rs->defines.n)
			printf("\n%-36s %-8s %s\n", "DEFINE", "USES", "PATTERN");
		for (size_t i = 0; i < rs->defines.n; i++) {
			const struct define *d = &rs->defines.d[i];
			printf("%-36s %-8u /%s/%s\n", d->name, d->uses, d->source, d->flags);
		}
		if (rs->nsteps)
			printf("\n%-36s %-8s %s\n", "STEPS", "USES", "FIRST STEP");
		for (size_t i = 0; i < rs->nsteps; i++) {
			const struct steps *st = &rs->steps[i];
			printf("%-36s %-8u %s%s\n", st->name, st->uses, st->fix[0],
			       st->nfix > 1 ? " (...)" : "");
		}
	}
	rules_free(rs);
	return rc;
}
