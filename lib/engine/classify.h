/*
 * classify.h - one event into findings: the first rule that explains it, or,
 * for checklist kinds (settings), every rule that holds.  The one place
 * where matching meets aggregation, shared by a run and by the second half
 * of a split read.
 */
#ifndef SFDIAG_ENGINE_CLASSIFY_H
#define SFDIAG_ENGINE_CLASSIFY_H

#include "adapt/event.h"
#include "engine/findings.h"
#include "engine/matcher.h"

/* Count ev in f, under the rules m finds for it. */
void classify_event(struct matcher *m, struct findings *f, const struct event *ev);

#endif
