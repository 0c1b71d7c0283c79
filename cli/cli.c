/*
 * cli.c - see cli.h.
 */
#include "cli.h"

#include <stdio.h>
#include <unistd.h>

void cli_rules_error(void *ctx, const char *msg)
{
	(void)ctx;
	fprintf(stderr, "sfdiag: %s\n", msg);
}

struct ruleset *cli_load_rules(const char *opt, int use_jit)
{
	const char *dir = rules_locate(opt);
	if (!dir) {
		fputs("sfdiag: no rules found: use --rules PATH or set SFDIAG_RULES\n", stderr);
		return NULL;
	}
	return rules_load(dir, use_jit, cli_rules_error, NULL);
}

int cli_jobs(long jobs)
{
	if (jobs < 1)
		jobs = sysconf(_SC_NPROCESSORS_ONLN);
	return jobs < 1 ? 1 : jobs > 1024 ? 1024 : (int)jobs;
}

int cli_close_stdout(void)
{
	if (fflush(stdout) != 0 || ferror(stdout) || fclose(stdout) != 0) {
		perror("sfdiag: write error");
		return -1;
	}
	return 0;
}
