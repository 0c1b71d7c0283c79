/*
 * split.h - read one big plain CSV export on two threads (used by run.c).
 *
 * The second half starts at the first line break after the middle, with its
 * own matcher and findings, and is merged with findings_merge; its line
 * numbers are shifted once the first half knows where it ended.  If the
 * first half does not end between two records (a quoted field spans the
 * split), its reader simply reads on and the second half's work is dropped.
 *
 * Ownership: split_read() borrows the run, the input and the adapter
 * context; the input stays open for the caller to close.
 */
#ifndef SFDIAG_ENGINE_SPLIT_H
#define SFDIAG_ENGINE_SPLIT_H

#include "engine/run.h"

/* Read in as two halves into r.  Returns -1, having read nothing, when the
 * input does not qualify (not a plain regular file, under RUN_SPLIT_MIN,
 * one job), so the caller reads it the ordinary way; else 0. */
int split_read(struct run *r, struct input *in, char delim, struct adapter_ctx *ac);

#endif
