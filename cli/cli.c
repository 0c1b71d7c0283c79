/*
 * cli.c - see cli.h.
 */
#include "cli.h"

#include <stdio.h>

void cli_rules_error(void *ctx, const char *msg)
{
	(void)ctx;
	fprintf(stderr, "sfdiag: %s\n", msg);
}

int cli_close_stdout(void)
{
	if (fflush(stdout) != 0 || ferror(stdout) || fclose(stdout) != 0) {
		perror("sfdiag: write error");
		return -1;
	}
	return 0;
}
