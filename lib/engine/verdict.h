/*
 * verdict.h - what a finished run comes to, and the exit status that says it.
 *
 * Every front-end (sfdiag FILE..., sfdiag triage) and every writer takes the
 * verdict from here, so the headline, the counts and the exit status can
 * never disagree.  Only reported findings count: one explained by another
 * (correlate.h) is shown inside that one, and the root finding speaks for
 * both.
 *
 * Ownership: a verdict is a plain value; it borrows nothing.
 */
#ifndef SFDIAG_ENGINE_VERDICT_H
#define SFDIAG_ENGINE_VERDICT_H

#include <stddef.h>
#include <stdint.h>

#include "engine/run.h"

enum verdict_exit {
	VERDICT_CLEAN = 0,    /* nothing at or above --fail-on, every input read */
	VERDICT_FINDINGS = 1, /* a reported finding at or above --fail-on */
	VERDICT_TROUBLE = 2,  /* an input, or part of one, could not be read */
};

struct verdict {
	size_t by_severity[3]; /* reported findings by enum severity (info, warning, error) */
	size_t findings;       /* reported findings in all */
	size_t at_fail_on;     /* reported findings at or above fail_on */
	uint64_t problems;     /* warning and error notes: records or inputs not read */
	size_t inputs;	       /* inputs of the run, read or not */
	size_t unread;	       /* inputs not read at all (input_summary.kind NULL) */
	size_t partial;	       /* inputs read, but not to the end */
	int nothing_read;      /* no input was read: none named, or none readable */
	int trouble;	       /* problems != 0, an input error, or nothing read */
	enum verdict_exit exit_status;
};

/* The verdict on r, which run_finish() has ended; fail_on SEV_NONE never
 * counts a finding as failing.  A run that read nothing is trouble even
 * without a note: "nothing wrong" would then say nothing. */
void verdict_of(const struct run *r, enum severity fail_on, struct verdict *v);

#endif
