/*
 * load.h - what the parsers of a rules directory share while it loads
 * (internal to lib/rules/): the state of the file being read, and the
 * parsers of each kind of file.
 *
 *   rules.c     the directory: which files, in which order; binding the
 *               engine's fields; what is resolved once everything is read
 *   conf.c      patterns.conf, fields.conf, codes.conf, secrets.conf
 *   rulefile.c  *.rules: `rule` and `steps` stanzas, `define`
 *   cond.c      a `when` (or `success`) condition, and condition trees
 *
 * Every file is read through one struct lexer (lexer.h), and every pattern
 * is compiled by pattern_compile() against the ruleset's defines.
 *
 * Ownership: a struct loader lives on rules_load()'s stack and borrows the
 * ruleset it fills.
 */
#ifndef SFDIAG_RULES_LOAD_H
#define SFDIAG_RULES_LOAD_H

#include "rules/lexer.h"
#include "rules/ruleset.h"

struct loader {
	struct ruleset *rs;
	struct lexer lx; /* the file being read */
	rules_error_fn err;
	void *ctx;
	int nerrors; /* errors outside any lexer (resolution after loading) */
};

/* patterns.conf, fields.conf, codes.conf, secrets.conf: one directive per
 * logical line of ld->lx, until its end. */
void conf_parse_patterns(struct loader *ld);
void conf_parse_fields(struct loader *ld);
void conf_parse_codes(struct loader *ld);
void conf_parse_secrets(struct loader *ld);

/* A *.rules file, from ld->lx. */
void rulefile_parse(struct loader *ld);
/* After every file: `fix @NAME` replaced by the steps, candidates and
 * placeholders of shared steps checked. */
void rulefile_resolve(struct loader *ld);
void rulefile_free_rule(struct rule *r);
void rulefile_free_steps(struct steps *s);

/*
 * Parse the condition at text (a `when` argument, a pointer into the
 * current line) and append its nodes to *v (*n nodes, *cap allocated):
 * one MATCH or COMPARE node, or for a field list `A|B ~ /RE/` an `any`
 * group of one MATCH per field.  Returns 0, or -1 after reporting.
 */
int cond_parse(struct loader *ld, char *text, struct cond **v, size_t *n, size_t *cap);
void cond_free(struct cond *c);

#endif
