/*
 * extract.h - find the signatures of rules/extract.conf in pasted text.
 *
 * Each thread scanning text uses its own extract_scanner (PCRE2 match data)
 * over the ruleset's shared, immutable extract set (rules/extract.h).  A
 * matching line becomes one event of the extractor's kind whose fields are
 * the pattern's named groups.
 *
 * Ownership: the caller owns a scanner and frees it with
 * extract_scanner_free(); it must not outlive the ruleset.
 */
#ifndef SFDIAG_ADAPT_EXTRACT_H
#define SFDIAG_ADAPT_EXTRACT_H

#include <stdio.h>

#include "adapt/event.h"
#include "rules/extract.h"
#include "rules/ruleset.h"

struct extract_scanner;

struct extract_scanner *extract_scanner_new(const struct extract_set *x);
void extract_scanner_free(struct extract_scanner *sc);

/*
 * Try the extractors, in order, on line[0..n) (with cand, only those i
 * with cand[i]).  On the first match, fill ev (event_clear first; kind,
 * client and the named groups through event_set; values point into line
 * or into ev's scratch area).  When that extractor found a wrapper that
 * says no error (a status, a URL), the first later one that finds an error
 * fills sig instead, takes the wrapper's fields it lacks, and is returned:
 * signature first, the wrapper as context.  Returns ev, sig, or NULL when
 * nothing matched.
 */
const struct event *extract_line(struct extract_scanner *sc, const struct ruleset *rs,
				 const char *line, size_t n, const unsigned char *cand,
				 struct event *ev, struct event *sig);

/* ev says what went wrong: an error, error code, description or message. */
int extract_says(const struct ruleset *rs, const struct event *ev);

/* Check every extractor's examples (each must match its own extractor and
 * fill at least one field); prints failures like selftest.h, adds counts. */
void extract_selftest(const struct ruleset *rs, FILE *out, int *pass, int *fail);

#endif
