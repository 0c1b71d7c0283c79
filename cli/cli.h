/*
 * cli.h - what the command front-ends (main.c, triage.c) share: how rule
 * errors are printed and how standard output is closed.
 */
#ifndef SFDIAG_CLI_H
#define SFDIAG_CLI_H

/* rules_error_fn that prints "sfdiag: MESSAGE" on stderr. */
void cli_rules_error(void *ctx, const char *msg);

/* Flush and close stdout; a full disk is an error, not silent loss.
 * Returns 0, or -1 after printing the error. */
int cli_close_stdout(void);

#endif
