/*
 * selftest.h - "sfdiag rules test": run every rule's examples and counters.
 *
 * An example passes when the whole ruleset, in order, attributes it to its
 * own rule (so a broader rule earlier in the files is caught shadowing it).
 * A counter passes when its rule's conditions do not all hold.  Failures are
 * printed as "FILE:LINE: rule ID: ...", then one closing line
 * "rules test: N passed, N failed".
 */
#ifndef SFDIAG_SELFTEST_H
#define SFDIAG_SELFTEST_H

#include <stdio.h>

#include "rules/ruleset.h"

/* Returns the number of failed checks, or -1 if memory ran out. */
int selftest_run(const struct ruleset *rs, FILE *out);

#endif
