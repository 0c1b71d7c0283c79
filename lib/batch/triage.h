/*
 * triage.h - batch triage: many tickets (folders or archives), one summary.
 *
 * triage_run() treats each folder directly under a folder as one ticket,
 * each .zip/.tar/.tar.gz/.tgz there as one ticket read in place
 * (input/archive.h), and the loose files at the top as one more.  Each
 * ticket is one struct run (engine/run.h) in a worker thread; the workers
 * share one immutable ruleset.  Every output is built from small per-ticket
 * summaries in ticket-name order, so it is byte-identical whatever the
 * number of jobs and however the threads are scheduled.  Each ticket's exit
 * status is its run's verdict (engine/verdict.h), the same one `sfdiag
 * TICKET` gives, and the batch's is the worst of them.
 *
 * Ownership: the options are borrowed for the call; the ruleset must outlive it.
 */
#ifndef SFDIAG_BATCH_TRIAGE_H
#define SFDIAG_BATCH_TRIAGE_H

#include <stdio.h>

#include "engine/verdict.h"
#include "rules/ruleset.h"

enum triage_format { TRIAGE_TEXT, TRIAGE_JSON, TRIAGE_JSONL, TRIAGE_CSV, TRIAGE_MD, TRIAGE_HTML };

struct triage_opts {
	const struct ruleset *rs;
	const char *dir;    /* the folder of tickets */
	const char *outdir; /* --out: an existing folder, or NULL */
	enum triage_format fmt;
	enum severity fail_on;
	int jobs;	   /* tickets diagnosed at once, >= 1 */
	int show_progress; /* an updating progress line on err */
	FILE *out;	   /* the summary */
	FILE *err;	   /* input notes, write errors and progress */
};

/* "text", "json", "jsonl", "csv", "md" or "html": 0 and *f set, else -1. */
int triage_format_parse(const char *s, enum triage_format *f);

/* Diagnose every ticket and print the summary; returns the exit status
 * (enum verdict_exit).  out is flushed, not closed. */
int triage_run(const struct triage_opts *o);

#endif
