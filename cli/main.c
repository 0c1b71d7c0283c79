/*
 * main.c - the command line: global options, then one of the commands
 * (diagnose.c, triage.c, rules.c, explain.c).  Options, I/O and exit
 * statuses only.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"

static void rules_usage(FILE *fp)
{
	fputs("usage: sfdiag rules check|test|list [--rules PATH] [--no-jit]\n"
	      "\n"
	      "  check   load and compile the rules; report FILE:LINE errors\n"
	      "  test    run every rule's examples and counter-examples\n"
	      "  list    one line per rule: id, severity, applies, title; then the\n"
	      "          named patterns and shared steps, with how often each is used\n"
	      "\n"
	      "options:\n"
	      "      --rules PATH    rules directory (default: $SFDIAG_RULES, then the\n"
	      "                      installed rules, then rules/ in the source tree)\n"
	      "      --no-jit        compile without the PCRE2 JIT\n"
	      "  -h, --help          this help\n"
	      "\n"
	      "exit status: 0 when the rules load (and, for test, every example\n"
	      "passes), 1 when a test fails, 2 when the rules do not load.\n"
	      "The rule language: man 5 sfdiag-rules.\n",
	      fp);
}

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
	      "      --no-details    Markdown: leave out the closing \"Details for support\"\n"
	      "                      (rule ids, inputs read, notes): a reply to paste as is\n"
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

enum { OPT_FAIL_ON = 256, OPT_RULES, OPT_COLOR, OPT_NO_JIT, OPT_EXPLAIN, OPT_NO_DETAILS };
static const struct option longopts[] = {
    {"format", required_argument, NULL, 'f'},
    {"jobs", required_argument, NULL, 'j'},
    {"fail-on", required_argument, NULL, OPT_FAIL_ON},
    {"rules", required_argument, NULL, OPT_RULES},
    {"color", required_argument, NULL, OPT_COLOR},
    {"colour", required_argument, NULL, OPT_COLOR},
    {"explain", required_argument, NULL, OPT_EXPLAIN},
    {"no-jit", no_argument, NULL, OPT_NO_JIT},
    {"no-details", no_argument, NULL, OPT_NO_DETAILS},
    {"help", no_argument, NULL, 'h'},
    {"version", no_argument, NULL, 'V'},
    {NULL, 0, NULL, 0},
};

struct main_opts {
	const char *format, *color, *explain;
	struct cli_common com;
	enum severity fail_on;
	int no_details;
};

/*
 * Parse argv from optind with getopt_long's optstring opts ("+..." stops at
 * the first operand; without "+" options may follow the operands, and "--"
 * ends them).  Returns -1 when every option was taken, else the exit status
 * to return at once (help, version, or a usage error already printed).
 */
static int parse(int argc, char **argv, const char *opts, struct main_opts *o)
{
	int c;
	opterr = 0;
	while ((c = getopt_long(argc, argv, opts, longopts, NULL)) != -1) {
		switch (c) {
		case 'f':
			o->format = optarg;
			break;
		case 'j': {
			char *end;
			o->com.jobs = strtol(optarg, &end, 10);
			if (*end || o->com.jobs < 1 || o->com.jobs > SFDIAG_MAX_JOBS) {
				fprintf(stderr, "sfdiag: --jobs takes a number from 1 to %d\n",
					SFDIAG_MAX_JOBS);
				return VERDICT_TROUBLE;
			}
			break;
		}
		case OPT_FAIL_ON:
			if (severity_parse(optarg, &o->fail_on) != 0) {
				fprintf(stderr,
					"sfdiag: --fail-on takes info, warning, error or never\n");
				return VERDICT_TROUBLE;
			}
			break;
		case OPT_RULES:
			o->com.rules_opt = optarg;
			break;
		case OPT_COLOR:
			o->color = optarg;
			break;
		case OPT_EXPLAIN:
			o->explain = optarg;
			break;
		case OPT_NO_JIT:
			o->com.use_jit = 0;
			break;
		case OPT_NO_DETAILS:
			o->no_details = 1;
			break;
		case 'h':
			usage(stdout);
			return cli_close_stdout() ? VERDICT_TROUBLE : VERDICT_CLEAN;
		case 'V':
			puts("sfdiag " SFDIAG_VERSION);
			return cli_close_stdout() ? VERDICT_TROUBLE : VERDICT_CLEAN;
		default:
			cli_bad_option("sfdiag", argv, longopts, c == ':');
			return VERDICT_TROUBLE;
		}
	}
	return -1;
}

int main(int argc, char **argv)
{
	struct main_opts o = {.format = "text",
			      .color = "auto",
			      .com = {.rules_opt = NULL, .use_jit = 1, .jobs = 0},
			      .fail_on = SEV_ERROR};
	/* First the options before the first operand, to find a command. */
	int rc = parse(argc, argv, "+:f:j:hV", &o);
	if (rc >= 0)
		return rc;
	const char *cmd = optind < argc ? argv[optind] : NULL;

	if (cmd && strcmp(cmd, "triage") == 0)
		return cmd_triage(argc - optind, argv + optind, &o.com);
	if (cmd && strcmp(cmd, "rules") == 0) {
		/* Options may also follow the command: sfdiag rules test --rules DIR */
		int sub_argc = argc - optind, c;
		char **sub_argv = argv + optind;
		optind = 0; /* GNU getopt: 0 re-initialises its state */
		opterr = 0;
		while ((c = getopt_long(sub_argc, sub_argv, ":h", longopts, NULL)) != -1) {
			if (c == OPT_RULES) {
				o.com.rules_opt = optarg;
			} else if (c == OPT_NO_JIT) {
				o.com.use_jit = 0;
			} else if (c == 'h') {
				rules_usage(stdout);
				return cli_close_stdout() ? VERDICT_TROUBLE : VERDICT_CLEAN;
			} else {
				cli_bad_option("sfdiag rules", sub_argv, longopts, c == ':');
				return VERDICT_TROUBLE;
			}
		}
		rc = cmd_rules(sub_argc - optind, sub_argv + optind, &o.com);
		return cli_close_stdout() ? VERDICT_TROUBLE : rc;
	}

	/* Diagnose: options may come anywhere, as in rg or jq; "--" ends them. */
	optind = 0;
	rc = parse(argc, argv, ":f:j:hV", &o);
	if (rc >= 0)
		return rc;
	argc -= optind;
	argv += optind;
	if (strcmp(o.format, "text") && strcmp(o.format, "json") && strcmp(o.format, "md") &&
	    strcmp(o.format, "html")) {
		const char *const fmts[] = {"text", "json", "md", "html"};
		const char *near = cli_nearest(o.format, fmts, 4);
		fprintf(stderr, "sfdiag: unknown format '%s'%s%s%s (text, json, md or html)\n",
			o.format, near ? "; did you mean " : "", near ? near : "", near ? "?" : "");
		return VERDICT_TROUBLE;
	}
	if (strcmp(o.color, "auto") && strcmp(o.color, "always") && strcmp(o.color, "never")) {
		fprintf(stderr, "sfdiag: --color takes auto, always or never\n");
		return VERDICT_TROUBLE;
	}
	if (o.explain) {
		rc = cmd_explain(o.explain, &o.com);
		return cli_close_stdout() ? VERDICT_TROUBLE : rc;
	}
	static char dash[] = "-";
	static char *from_stdin[] = {dash, NULL};
	struct stat st;
	if (argc == 0 && fstat(STDIN_FILENO, &st) == 0 &&
	    (S_ISFIFO(st.st_mode) || S_ISREG(st.st_mode) || S_ISSOCK(st.st_mode))) {
		/* No file, and a pipe or a file on stdin: read it, as rg does (a
		 * terminal or /dev/null is not input). */
		argc = 1;
		argv = from_stdin;
	}
	if (argc == 0) {
		usage(stderr);
		return VERDICT_TROUBLE;
	}
	return cmd_diagnose(argc, argv, &o.com, o.format, o.color, o.fail_on, o.no_details);
}
