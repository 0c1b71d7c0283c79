/*
 * main.c - the command line: global options, then one of the commands
 * (diagnose.c, triage.c, rules.c, explain.c).  Options, I/O and exit
 * statuses only.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

static void usage(FILE *fp)
{
	fputs("usage: sfdiag [options] FILE|FOLDER|ARCHIVE...\n"
	      "       sfdiag rules check|test|list [--rules PATH]\n"
	      "       sfdiag triage DIR [options]   (sfdiag triage --help)\n"
	      "       sfdiag --explain RULE-ID\n"
	      "\n"
	      "Diagnose why a Salesforce integration cannot log in, offline, from Login\n"
	      "History, LoginHistory (Data Loader, sf CLI), Event Monitoring Login and\n"
	      "LoginEvent exports (CSV, gzip, UTF-8 or UTF-16), token-endpoint and REST\n"
	      "responses, curl transcripts, HAR and Postman files, client-library logs\n"
	      "and connection settings, all read together.  FILE '-' is stdin; a FOLDER\n"
	      "or a .zip/.tar/.tar.gz/.tgz ARCHIVE is read whole, as one ticket.\n"
	      "\n"
	      "options:\n"
	      "  -f, --format FMT    text (default), json, md (Markdown) or html\n"
	      "  -j, --jobs N        threads for one big input (default: CPUs online)\n"
	      "      --fail-on SEV   exit 1 when a finding is at least SEV:\n"
	      "                      info, warning, error (default) or never\n"
	      "      --rules PATH    rules directory (default: $SFDIAG_RULES, then the\n"
	      "                      installed rules, then rules/ in the source tree)\n"
	      "      --color WHEN    auto (default: colour on a terminal unless NO_COLOR\n"
	      "                      is set), always or never\n"
	      "      --explain ID    print a rule: what it detects, the fix, references\n"
	      "      --no-jit        match without the PCRE2 JIT\n"
	      "  -h, --help          this help\n"
	      "  -V, --version       version\n"
	      "\n"
	      "rules commands:\n"
	      "  rules check         load and compile the rules; report FILE:LINE errors\n"
	      "  rules test          run every rule's examples and counter-examples\n"
	      "  rules list          one line per rule: id, severity, applies, title\n"
	      "\n"
	      "exit status:\n"
	      "  0  no finding at or above --fail-on\n"
	      "  1  at least one finding at or above --fail-on\n"
	      "  2  usage error, rules error, or an input (or part of one) that could not\n"
	      "     be read; the other inputs are still diagnosed\n",
	      fp);
}

int main(int argc, char **argv)
{
	enum { OPT_FAIL_ON = 256, OPT_RULES, OPT_COLOR, OPT_NO_JIT, OPT_EXPLAIN };
	static const struct option longopts[] = {
	    {"format", required_argument, NULL, 'f'},
	    {"jobs", required_argument, NULL, 'j'},
	    {"fail-on", required_argument, NULL, OPT_FAIL_ON},
	    {"rules", required_argument, NULL, OPT_RULES},
	    {"color", required_argument, NULL, OPT_COLOR},
	    {"colour", required_argument, NULL, OPT_COLOR},
	    {"explain", required_argument, NULL, OPT_EXPLAIN},
	    {"no-jit", no_argument, NULL, OPT_NO_JIT},
	    {"help", no_argument, NULL, 'h'},
	    {"version", no_argument, NULL, 'V'},
	    {NULL, 0, NULL, 0},
	};
	const char *format = "text", *color = "auto", *explain = NULL;
	struct cli_common com = {.rules_opt = NULL, .use_jit = 1, .jobs = 0};
	enum severity fail_on = SEV_ERROR;
	int c;

	while ((c = getopt_long(argc, argv, "+f:j:hV", longopts, NULL)) != -1) {
		switch (c) {
		case 'f':
			format = optarg;
			break;
		case 'j': {
			char *end;
			com.jobs = strtol(optarg, &end, 10);
			if (*end || com.jobs < 1 || com.jobs > SFDIAG_MAX_JOBS) {
				fprintf(stderr, "sfdiag: --jobs takes a number from 1 to %d\n",
					SFDIAG_MAX_JOBS);
				return VERDICT_TROUBLE;
			}
			break;
		}
		case OPT_FAIL_ON:
			if (severity_parse(optarg, &fail_on) != 0) {
				fprintf(stderr,
					"sfdiag: --fail-on takes info, warning, error or never\n");
				return VERDICT_TROUBLE;
			}
			break;
		case OPT_RULES:
			com.rules_opt = optarg;
			break;
		case OPT_COLOR:
			color = optarg;
			break;
		case OPT_EXPLAIN:
			explain = optarg;
			break;
		case OPT_NO_JIT:
			com.use_jit = 0;
			break;
		case 'h':
			usage(stdout);
			return cli_close_stdout() ? VERDICT_TROUBLE : VERDICT_CLEAN;
		case 'V':
			puts("sfdiag " SFDIAG_VERSION);
			return cli_close_stdout() ? VERDICT_TROUBLE : VERDICT_CLEAN;
		default:
			usage(stderr);
			return VERDICT_TROUBLE;
		}
	}
	argc -= optind;
	argv += optind;

	if (strcmp(format, "text") && strcmp(format, "json") && strcmp(format, "md") &&
	    strcmp(format, "html")) {
		fprintf(stderr, "sfdiag: unknown format '%s' (text, json, md or html)\n", format);
		return VERDICT_TROUBLE;
	}
	if (strcmp(color, "auto") && strcmp(color, "always") && strcmp(color, "never")) {
		fprintf(stderr, "sfdiag: --color takes auto, always or never\n");
		return VERDICT_TROUBLE;
	}
	if (explain) {
		int rc = cmd_explain(explain, &com);
		return cli_close_stdout() ? VERDICT_TROUBLE : rc;
	}
	if (argc >= 1 && strcmp(argv[0], "triage") == 0)
		return cmd_triage(argc, argv, &com);
	if (argc >= 1 && strcmp(argv[0], "rules") == 0) {
		/* Options may also follow the subcommand: sfdiag rules test --rules DIR */
		optind = 0; /* GNU getopt: 0 re-initialises its state */
		int sub_argc = argc;
		char **sub_argv = argv;
		while ((c = getopt_long(sub_argc, sub_argv, "", longopts, NULL)) != -1) {
			if (c == OPT_RULES) {
				com.rules_opt = optarg;
			} else if (c == OPT_NO_JIT) {
				com.use_jit = 0;
			} else {
				usage(stderr);
				return VERDICT_TROUBLE;
			}
		}
		int rc = cmd_rules(sub_argc - optind, sub_argv + optind, &com);
		return cli_close_stdout() ? VERDICT_TROUBLE : rc;
	}
	if (argc == 0) {
		usage(stderr);
		return VERDICT_TROUBLE;
	}
	return cmd_diagnose(argc, argv, &com, format, color, fail_on);
}
