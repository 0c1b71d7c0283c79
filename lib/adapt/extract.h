/*
 * extract.h - signatures in pasted text (rules/extract.conf, docs/rules.md
 * "extract.conf").
 *
 * An extract set is loaded once with the ruleset and is immutable afterwards;
 * each thread scanning text uses its own extract_scanner (PCRE2 match data).
 * A matching line becomes one event of the extractor's kind whose fields are
 * the pattern's named groups.
 */
#ifndef SFDIAG_EXTRACT_H
#define SFDIAG_EXTRACT_H

#include <stdio.h>

#include "adapt/event.h"
#include "rules/ruleset.h"

struct extract_set;
struct extract_scanner;

/*
 * Load path against the fields of rs.  Returns NULL with *nerr = 0 when the
 * file does not exist, NULL with *nerr > 0 after reporting errors through err
 * ("FILE:LINE[:COL]: message"), else the set.
 */
struct extract_set *extract_load(const struct ruleset *rs, const char *path, int use_jit,
				 rules_error_fn err, void *ctx, int *nerr);
void extract_free(struct extract_set *x);
size_t extract_count(const struct extract_set *x);

struct extract_scanner *extract_scanner_new(const struct extract_set *x);
void extract_scanner_free(struct extract_scanner *sc);

/*
 * Try every extractor, in order, on line[0..n).  On the first match, fill ev
 * (event_clear first; kind, client and the named groups through event_set;
 * values point into line or into ev's scratch area) and return 1; else 0.
 */
int extract_line(struct extract_scanner *sc, const struct ruleset *rs, const char *line, size_t n,
		 struct event *ev);

/* Check every extractor's examples (each must match its own extractor and
 * fill at least one field); prints failures like selftest.h, adds counts. */
void extract_selftest(const struct ruleset *rs, FILE *out, int *pass, int *fail);

#endif
