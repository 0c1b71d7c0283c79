/*
 * correlate.h - one finding per cause, across kinds of evidence.
 *
 * A rule may name `candidates`: the rules whose findings can be the real
 * cause of its events (docs/rules.md, "Correlation").  After a run has read
 * all its inputs, correlate() looks at each finding of such a rule and at
 * its candidates' findings in list order; the first one that shares a user
 * with it (or any, when either names no user, or only user ids standing in
 * for names) and whose time span comes within
 * SFDIAG_CORRELATE_WINDOW_MS of its own (or any, when either has no time)
 * explains it: finding->explained_by is set, and the renderers show it
 * inside the explaining finding instead of on its own.  Explanations chain
 * (a response explained by Login History rows that a settings mistake
 * explains): every finding then points at the root of its chain.
 *
 * The step only reads rule candidates and evidence tallies; it holds no
 * Salesforce knowledge of its own.
 */
#ifndef SFDIAG_CORRELATE_H
#define SFDIAG_CORRELATE_H

#include "engine/findings.h"

void correlate(struct findings *f);

/* 1 if the finding of candidate rule `cand` has evidence for fi. */
int correlate_supports(const struct findings *f, const struct finding *fi, int cand);

#endif
