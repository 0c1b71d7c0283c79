/*
 * triage.c - `sfdiag triage DIR`: the options of batch triage
 * (batch/triage.h), and its exit status.
 */
#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"

static void usage(FILE *fp)
{
	fputs("usage: sfdiag triage DIR [-j N] [--out DIR [--force]] [--format FMT]\n"
	      "                         [--fail-on SEV] [--quiet] [--rules PATH] [--no-jit]\n"
	      "\n"
	      "Diagnose many tickets at once and show which ones share a cause, and\n"
	      "which broke at once (incidents: rules/report.conf).  Each\n"
	      "folder directly under DIR is one ticket (all its files, recursively); each\n"
	      ".zip, .tar, .tar.gz or .tgz there is one ticket, read without unpacking it;\n"
	      "the loose files at the top form the ticket \"(loose files)\".  Symbolic\n"
	      "links are never followed.\n"
	      "\n"
	      "options:\n"
	      "  -j, --jobs N        tickets diagnosed in parallel (default: online CPUs)\n"
	      "  -o, --out DIR       also write each ticket's report in the chosen format\n"
	      "                      (DIR/TICKET.txt for text and csv, .md, .html) and\n"
	      "                      always DIR/TICKET.json, then DIR/summary.csv,\n"
	      "                      DIR/summary.json, DIR/summary.html and\n"
	      "                      DIR/incidents.csv; DIR must be new or empty.  Each\n"
	      "                      file appears only once written completely\n"
	      "      --force         write into a --out DIR that is not empty, replacing\n"
	      "                      the files of the same names\n"
	      "  -f, --format FMT    text (default), json, jsonl (one line per ticket, in\n"
	      "                      ticket order, as they finish), csv, md or html\n"
	      "      --fail-on SEV   exit 1 when a finding is at least SEV:\n"
	      "                      info, warning, error (default) or never\n"
	      "  -q, --quiet         no progress line on a terminal\n"
	      "      --rules PATH    rules directory\n"
	      "      --no-jit        match without the PCRE2 JIT\n"
	      "  -h, --help          this help\n"
	      "\n"
	      "exit status: 2 if any ticket had an input error or warning, else 1 if any\n"
	      "finding is at least --fail-on, else 0.  Output does not depend on -j.\n",
	      fp);
}

/* --out DIR: created, or an empty folder, or with --force any folder (its
 * files of the same names are then replaced, never written through). */
static int make_outdir(const char *dir, int force)
{
	struct stat st;
	if (mkdir(dir, 0777) == 0)
		return 0;
	if (errno != EEXIST) {
		fprintf(stderr, "sfdiag: --out %s: %s\n", dir, strerror(errno));
		return -1;
	}
	if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode)) {
		fprintf(stderr, "sfdiag: --out %s: not a folder\n", dir);
		return -1;
	}
	if (force)
		return 0;
	DIR *d = opendir(dir);
	if (!d) {
		fprintf(stderr, "sfdiag: --out %s: %s\n", dir, strerror(errno));
		return -1;
	}
	struct dirent *de;
	int empty = 1;
	while (empty && (de = readdir(d)) != NULL)
		empty = strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0;
	closedir(d);
	if (!empty) {
		fprintf(stderr,
			"sfdiag: --out %s: the folder is not empty; name a new or empty folder, "
			"or add --force to replace the reports in it\n",
			dir);
		return -1;
	}
	return 0;
}

int cmd_triage(int argc, char **argv, const struct cli_common *com)
{
	enum { OPT_FAIL_ON = 256, OPT_RULES, OPT_NO_JIT, OPT_FORCE };
	static const struct option longopts[] = {
	    {"jobs", required_argument, NULL, 'j'},
	    {"out", required_argument, NULL, 'o'},
	    {"format", required_argument, NULL, 'f'},
	    {"fail-on", required_argument, NULL, OPT_FAIL_ON},
	    {"quiet", no_argument, NULL, 'q'},
	    {"rules", required_argument, NULL, OPT_RULES},
	    {"no-jit", no_argument, NULL, OPT_NO_JIT},
	    {"force", no_argument, NULL, OPT_FORCE},
	    {"help", no_argument, NULL, 'h'},
	    {NULL, 0, NULL, 0},
	};
	struct triage_opts o = {
	    .fmt = TRIAGE_TEXT, .fail_on = SEV_ERROR, .out = stdout, .err = stderr};
	const char *rules_opt = com->rules_opt;
	int use_jit = com->use_jit;
	long jobs = com->jobs;
	int quiet = 0, force = 0, c;
	char *end;

	optind = 0; /* GNU getopt: 0 re-initialises its state */
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":j:o:f:qh", longopts, NULL)) != -1) {
		switch (c) {
		case 'j':
			errno = 0;
			jobs = strtol(optarg, &end, 10);
			if (errno || *end || end == optarg || jobs < 1 || jobs > SFDIAG_MAX_JOBS) {
				fprintf(stderr, "sfdiag: --jobs takes a number from 1 to %d\n",
					SFDIAG_MAX_JOBS);
				return VERDICT_TROUBLE;
			}
			break;
		case 'o':
			o.outdir = optarg;
			break;
		case 'f':
			if (triage_format_parse(optarg, &o.fmt) != 0) {
				fprintf(stderr,
					"sfdiag: unknown format '%s' (text, json, jsonl, csv, md "
					"or html)\n",
					optarg);
				return VERDICT_TROUBLE;
			}
			break;
		case OPT_FAIL_ON:
			if (severity_parse(optarg, &o.fail_on) != 0) {
				fputs("sfdiag: --fail-on takes info, warning, error or never\n",
				      stderr);
				return VERDICT_TROUBLE;
			}
			break;
		case 'q':
			quiet = 1;
			break;
		case OPT_RULES:
			rules_opt = optarg;
			break;
		case OPT_NO_JIT:
			use_jit = 0;
			break;
		case OPT_FORCE:
			force = 1;
			break;
		case 'h':
			usage(stdout);
			return cli_close_stdout() ? VERDICT_TROUBLE : VERDICT_CLEAN;
		default:
			cli_bad_option("sfdiag triage", argv, longopts, c == ':');
			return VERDICT_TROUBLE;
		}
	}
	if (argc - optind != 1) {
		usage(stderr);
		return VERDICT_TROUBLE;
	}
	o.dir = argv[optind];
	if (o.outdir && make_outdir(o.outdir, force) != 0)
		return VERDICT_TROUBLE;
	struct ruleset *rs = cli_load_rules(rules_opt, use_jit);
	if (!rs)
		return VERDICT_TROUBLE;
	o.rs = rs;
	o.jobs = cli_jobs(jobs);
	o.show_progress = !quiet && isatty(STDERR_FILENO);
	int rc = triage_run(&o);
	rules_free(rs);
	if (cli_close_stdout() != 0)
		return VERDICT_TROUBLE;
	return rc;
}
