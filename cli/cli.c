/*
 * cli.c - see cli.h.
 */
#include "cli.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

void cli_rules_error(void *ctx, const char *msg)
{
	(void)ctx;
	fprintf(stderr, "sfdiag: %s\n", msg);
}

struct ruleset *cli_load_rules(const char *opt, int use_jit)
{
	struct stat st;
	if (opt && stat(opt, &st) != 0) {
		fprintf(stderr,
			"sfdiag: --rules %s: %s; give the rules folder (or a .rules file "
			"beside its fields.conf)\n",
			opt, strerror(errno));
		return NULL;
	}
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

/* Edit distance of a and b, counting a swap of two neighbours as one edit
 * (optimal string alignment), both at most 63 bytes (longer: a large number,
 * so nothing is suggested). */
static size_t distance(const char *a, const char *b)
{
	size_t n = strlen(a), m = strlen(b);
	static const size_t far = 64;
	size_t d[64][64];
	if (n > 63 || m > 63)
		return far;
	for (size_t i = 0; i <= n; i++)
		d[i][0] = i;
	for (size_t j = 0; j <= m; j++)
		d[0][j] = j;
	for (size_t i = 1; i <= n; i++) {
		for (size_t j = 1; j <= m; j++) {
			size_t best = d[i - 1][j - 1] + (a[i - 1] != b[j - 1]);
			if (d[i - 1][j] + 1 < best)
				best = d[i - 1][j] + 1;
			if (d[i][j - 1] + 1 < best)
				best = d[i][j - 1] + 1;
			if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] &&
			    d[i - 2][j - 2] + 1 < best)
				best = d[i - 2][j - 2] + 1;
			d[i][j] = best;
		}
	}
	return d[n][m];
}

const char *cli_nearest(const char *word, const char *const *cands, size_t n)
{
	size_t limit = strlen(word) / 3, best = (size_t)-1;
	const char *pick = NULL;
	if (limit < 1)
		limit = 1;
	for (size_t i = 0; i < n; i++) {
		size_t d = distance(word, cands[i]);
		if (d <= limit && d < best) {
			best = d;
			pick = cands[i];
		}
	}
	return pick;
}

void cli_bad_option(const char *prog, char *const *argv, const struct option *longopts,
		    int missing_arg)
{
	/* GNU getopt has moved optind past the bad word; a short option
	 * inside a cluster (-xq) is in optopt. */
	const char *word = optind > 0 ? argv[optind - 1] : "";
	char shortopt[3] = {'-', (char)optopt, '\0'};
	if (strncmp(word, "--", 2) != 0 && optopt > 0)
		word = shortopt;
	if (missing_arg) {
		fprintf(stderr, "%s: option '%s' needs a value\n", prog, word);
	} else if (strncmp(word, "--", 2) == 0) {
		char name[64];
		snprintf(name, sizeof name, "%s", word + 2);
		name[strcspn(name, "=")] = '\0';
		const char *cands[64];
		size_t n = 0;
		for (; n < 64 && longopts[n].name; n++)
			cands[n] = longopts[n].name;
		const char *near = cli_nearest(name, cands, n);
		if (near)
			fprintf(stderr, "%s: unknown option '--%s'; did you mean --%s?\n", prog,
				name, near);
		else
			fprintf(stderr, "%s: unknown option '--%s'\n", prog, name);
	} else {
		fprintf(stderr, "%s: unknown option '%s'\n", prog, word);
	}
	fprintf(stderr, "%s: see '%s --help' for the options\n", prog, prog);
}
