/*
 * cli.h - what the command front-ends share: exit statuses, how rules are
 * found and errors printed, how standard output is closed, and the commands.
 *
 * The front-ends only parse options, call the library, print and choose the
 * exit status; every decision about the data is the library's.
 */
#ifndef SFDIAG_CLI_H
#define SFDIAG_CLI_H

#include <stddef.h>

#include "sfdiag.h"

#define SFDIAG_VERSION "0.1.0"

/* Options given before the command, which it may also take after it. */
struct cli_common {
	const char *rules_opt; /* --rules, or NULL */
	int use_jit;	       /* 0 after --no-jit */
	long jobs;	       /* --jobs, or 0 when not given */
};

/* rules_error_fn that prints "sfdiag: MESSAGE" on stderr. */
void cli_rules_error(void *ctx, const char *msg);

/* Find and load the rules (rules_locate), printing every error; NULL when
 * none could be loaded. */
struct ruleset *cli_load_rules(const char *opt, int use_jit);

/* Threads to use: --jobs, else the CPUs online. */
int cli_jobs(long jobs);

struct option;

/* After getopt_long returned '?' or ':' (opterr 0, optstring starting with
 * ':'): print one line naming the bad option, "did you mean ...?" when a
 * long option is close to it, and a one-line hint.  prog is "sfdiag" or
 * "sfdiag triage". */
void cli_bad_option(const char *prog, char *const *argv, const struct option *longopts,
		    int missing_arg);

/* The candidate closest to word (an edit distance of at most a third of its
 * length, and at least 1), or NULL when none is that close. */
const char *cli_nearest(const char *word, const char *const *cands, size_t n);

/* Flush and close stdout; a full disk is an error, not silent loss.
 * Returns 0, or -1 after printing the error. */
int cli_close_stdout(void);

/* The commands.  Each returns the exit status (enum verdict_exit); argv[0]
 * is the first operand (diagnose) or the command's name (the others). */
int cmd_diagnose(int argc, char **argv, const struct cli_common *c, const char *format,
		 const char *color, enum severity fail_on, int no_details);
int cmd_triage(int argc, char **argv, const struct cli_common *c);
int cmd_rules(int argc, char **argv, const struct cli_common *c);
int cmd_explain(const char *id, const struct cli_common *c);

#endif
