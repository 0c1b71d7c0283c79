/*
 * run.h - one diagnosis: a set of inputs read into one set of findings.
 *
 * This is the pipeline: input (input.h) -> detect -> adapter (adapter.h) ->
 * normalized event (event.h) -> rules (matcher.h) -> findings (findings.h).
 * Renderers read a finished run.  A run never prints; every problem with an
 * input becomes a note naming the file and line, and the other inputs are
 * still read.  A run is used by one thread; many runs may share a ruleset.
 */
#ifndef SFDIAG_RUN_H
#define SFDIAG_RUN_H

#include <stddef.h>
#include <stdint.h>

#include "adapt/adapter.h"
#include "engine/changes.h"
#include "engine/findings.h"
#include "engine/matcher.h"
#include "input/ticket.h"

struct note {
	enum note_level level;
	char *file; /* NULL for notes about the whole run */
	long line;  /* 0 when no line applies */
	char *msg;
};

struct input_summary {
	char *file;
	const char *kind; /* "login-history", or NULL if not recognised */
	enum input_encoding encoding;
	int gzip;
	char delim;
	uint64_t records;
	uint64_t skipped;
	int failed; /* an error note was given for this input */
	char *why;  /* the first error note's text, for the headline, or NULL */
};

struct run {
	const struct ruleset *rs;
	struct matcher *m;
	struct findings f;
	struct changes changes; /* Setup Audit Trail rows: evidence, not findings */
	struct note *notes;
	size_t nnotes, notes_cap;
	uint64_t notes_dropped;
	struct input_summary *inputs;
	size_t ninputs, inputs_cap;
	int errors;		 /* error notes given */
	uint64_t events_read;	 /* events the adapters gave, of every kind */
	uint64_t problems;	 /* warning and error notes given, kept or dropped */
	struct held_event *held; /* non-login events waiting for run_finish */
	size_t nheld, held_cap;
	uint64_t held_overflow; /* events beyond SFDIAG_MAX_BUFFERED */
	int jobs;		/* threads one big input may use (1 by default) */
	/* The first connection settings read (a copy with its values, kept by
	 * run_finish for the report's test request), and how many were read;
	 * settings.kind is 0 when none was. */
	struct event settings;
	char *settings_mem, *settings_file;
	uint64_t nsettings;
};

/* Inputs smaller than this are never split across threads.  The test
 * suite builds a copy with a tiny value, so that every sample is split. */
#ifndef RUN_SPLIT_MIN
#define RUN_SPLIT_MIN (32u << 20)
#endif

/* Returns 0, or -1 if the matcher could not be allocated. */
int run_init(struct run *r, const struct ruleset *rs);
void run_free(struct run *r);

/* Read path ("-" for stdin) into the run. */
void run_file(struct run *r, const char *path);
/* Record an input that could not be opened at all, with why (an error note). */
void run_unreadable(struct run *r, const char *path, const char *msg);
/*
 * A ticket reader's note about file: an error about a file that is not yet an
 * input of the run (an archive that cannot be opened, a member refused at a
 * limit, a folder that cannot be listed) records that file as an input not
 * read, so that the verdict counts it; an error about an input already read
 * marks it as not read to the end.
 */
void run_ticket_note(struct run *r, enum note_level level, const char *file, const char *msg);
/* A sink that hands a ticket reader's inputs and notes to r. */
struct ticket_sink run_ticket_sink(struct run *r);
/* Read an already opened input; the run closes it. */
void run_input(struct run *r, struct input *in);
/*
 * End the run: give held events (responses, errors, settings) the context
 * the whole run provides (a host or user named once by the settings or a
 * transcript), classify them, correlate findings (correlate.h), and turn
 * end-of-run facts (rules skipped at a PCRE2 limit, guessed time zones) into
 * notes.  Call once, after the last input.
 */
void run_finish(struct run *r);

/* Add a note (copied).  file may be NULL. */
void run_note(struct run *r, enum note_level level, const char *file, long line, const char *msg);

#endif
