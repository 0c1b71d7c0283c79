/*
 * main.c - the command line: options, I/O and exit codes, nothing else.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "report/render.h"
#include "engine/run.h"
#include "engine/selftest.h"
#include "input/ticket.h"
#include "input/archive.h"
#include "base/util.h"

#define SFDIAG_VERSION "0.1.0"

enum exit_code {
	EXIT_CLEAN = 0,	   /* nothing at or above --fail-on */
	EXIT_FINDINGS = 1, /* findings at or above --fail-on */
	EXIT_TROUBLE = 2,  /* usage, rules or input error */
};

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

static struct ruleset *load_rules(const char *opt, int use_jit)
{
	const char *dir = rules_locate(opt);
	if (!dir) {
		fputs("sfdiag: no rules found: use --rules PATH or set SFDIAG_RULES\n", stderr);
		return NULL;
	}
	return rules_load(dir, use_jit, cli_rules_error, NULL);
}

static void print_notes(const struct run *r)
{
	for (size_t i = 0; i < r->nnotes; i++) {
		const struct note *n = &r->notes[i];
		if (n->level == NOTE_INFO)
			continue;
		struct strbuf s = {0};
		if (n->file) {
			render_escape_term(&s, n->file, strlen(n->file));
			if (n->line)
				sb_printf(&s, ":%ld", n->line);
			sb_adds(&s, ": ");
		}
		fprintf(stderr, "sfdiag: %s%s\n", sb_str(&s), n->msg);
		sb_free(&s);
	}
}

static int cmd_rules(int argc, char **argv, const char *rules_opt, int use_jit)
{
	if (argc < 1) {
		fputs("sfdiag: rules needs a command: check, test or list\n", stderr);
		return EXIT_TROUBLE;
	}
	const char *cmd = argv[0];
	if (strcmp(cmd, "check") && strcmp(cmd, "test") && strcmp(cmd, "list")) {
		fprintf(stderr, "sfdiag: unknown rules command '%s' (check, test or list)\n", cmd);
		return EXIT_TROUBLE;
	}
	struct ruleset *rs = load_rules(rules_opt, use_jit);
	if (!rs)
		return EXIT_TROUBLE;
	int rc = EXIT_CLEAN;
	if (strcmp(cmd, "check") == 0) {
		size_t nconds = 0;
		for (size_t i = 0; i < rs->nrules; i++)
			nconds += rs->rules[i].nconds;
		printf("%s: %zu rules, %zu conditions, %zu fields, %zu codes: ok\n", rs->dir,
		       rs->nrules, nconds, rs->nfields, rs->ncodes);
	} else if (strcmp(cmd, "test") == 0) {
		int failed = selftest_run(rs, stdout);
		rc = failed == 0 ? EXIT_CLEAN : EXIT_FINDINGS;
	} else {
		printf("%-36s %-8s %-14s %s\n", "ID", "SEVERITY", "APPLIES", "TITLE");
		for (size_t i = 0; i < rs->nrules; i++) {
			const struct rule *r = &rs->rules[i];
			printf("%-36s %-8s %-14s %s\n", r->id, severity_name(r->severity),
			       kind_name(r->kinds & -r->kinds), r->title);
		}
	}
	rules_free(rs);
	return rc;
}

static int cmd_explain(const char *id, const char *rules_opt)
{
	struct ruleset *rs = load_rules(rules_opt, 1);
	if (!rs)
		return EXIT_TROUBLE;
	const struct rule *r = rules_find(rs, id);
	if (!r) {
		fprintf(stderr, "sfdiag: no rule '%s' (see sfdiag rules list)\n", id);
		rules_free(rs);
		return EXIT_TROUBLE;
	}
	printf("%s (%s, applies to %s)\n  %s\n", r->id, severity_name(r->severity),
	       kind_name(r->kinds & -r->kinds), r->title);
	printf("  defined at %s:%d\n\nDetects:\n", r->file, r->line);
	for (size_t i = 0; i < r->nconds; i++)
		printf("  %s %s /%s/%s\n", rs->fields[r->conds[i].field].name,
		       r->conds[i].negate ? "!~" : "~", r->conds[i].pattern, r->conds[i].flags);
	if (r->cause)
		printf("\nWhy:\n  %s\n", r->cause);
	printf("\nFix:\n");
	for (size_t i = 0; i < r->nfix; i++)
		printf("  %zu. %s\n", i + 1, r->fix[i]);
	printf("\nReferences:\n");
	for (size_t i = 0; i < r->nrefs; i++)
		printf("  %s\n", r->refs[i]);
	rules_free(rs);
	return EXIT_CLEAN;
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
	const char *format = "text", *rules_opt = NULL, *color = "auto", *explain = NULL;
	enum severity fail_on = SEV_ERROR;
	int use_jit = 1, c;
	long jobs = 0; /* 0: not given; CPUs online */

	while ((c = getopt_long(argc, argv, "+f:j:hV", longopts, NULL)) != -1) {
		switch (c) {
		case 'f':
			format = optarg;
			break;
		case 'j': {
			char *end;
			jobs = strtol(optarg, &end, 10);
			if (*end || jobs < 1 || jobs > 256) {
				fprintf(stderr, "sfdiag: --jobs takes a number from 1 to 256\n");
				return EXIT_TROUBLE;
			}
			break;
		}
		case OPT_FAIL_ON:
			if (severity_parse(optarg, &fail_on) != 0) {
				fprintf(stderr,
					"sfdiag: --fail-on takes info, warning, error or never\n");
				return EXIT_TROUBLE;
			}
			break;
		case OPT_RULES:
			rules_opt = optarg;
			break;
		case OPT_COLOR:
			color = optarg;
			break;
		case OPT_EXPLAIN:
			explain = optarg;
			break;
		case OPT_NO_JIT:
			use_jit = 0;
			break;
		case 'h':
			usage(stdout);
			return cli_close_stdout() ? EXIT_TROUBLE : EXIT_CLEAN;
		case 'V':
			puts("sfdiag " SFDIAG_VERSION);
			return cli_close_stdout() ? EXIT_TROUBLE : EXIT_CLEAN;
		default:
			usage(stderr);
			return EXIT_TROUBLE;
		}
	}
	argc -= optind;
	argv += optind;

	if (strcmp(format, "text") && strcmp(format, "json") && strcmp(format, "md") &&
	    strcmp(format, "html")) {
		fprintf(stderr, "sfdiag: unknown format '%s' (text, json, md or html)\n", format);
		return EXIT_TROUBLE;
	}
	if (strcmp(color, "auto") && strcmp(color, "always") && strcmp(color, "never")) {
		fprintf(stderr, "sfdiag: --color takes auto, always or never\n");
		return EXIT_TROUBLE;
	}
	if (explain) {
		int rc = cmd_explain(explain, rules_opt);
		return cli_close_stdout() ? EXIT_TROUBLE : rc;
	}
	if (argc >= 1 && strcmp(argv[0], "triage") == 0)
		return triage_main(argc, argv, rules_opt, use_jit, jobs);
	if (argc >= 1 && strcmp(argv[0], "rules") == 0) {
		/* Options may also follow the subcommand: sfdiag rules test --rules DIR */
		optind = 0; /* GNU getopt: 0 re-initialises its state */
		int sub_argc = argc;
		char **sub_argv = argv;
		while ((c = getopt_long(sub_argc, sub_argv, "", longopts, NULL)) != -1) {
			if (c == OPT_RULES) {
				rules_opt = optarg;
			} else if (c == OPT_NO_JIT) {
				use_jit = 0;
			} else {
				usage(stderr);
				return EXIT_TROUBLE;
			}
		}
		int rc = cmd_rules(sub_argc - optind, sub_argv + optind, rules_opt, use_jit);
		return cli_close_stdout() ? EXIT_TROUBLE : rc;
	}
	if (argc == 0) {
		usage(stderr);
		return EXIT_TROUBLE;
	}

	struct ruleset *rs = load_rules(rules_opt, use_jit);
	if (!rs)
		return EXIT_TROUBLE;
	struct run run;
	if (run_init(&run, rs) != 0) {
		fputs("sfdiag: out of memory\n", stderr);
		rules_free(rs);
		return EXIT_TROUBLE;
	}
	if (jobs < 1)
		jobs = sysconf(_SC_NPROCESSORS_ONLN);
	run.jobs = jobs < 1 ? 1 : (int)jobs;
	struct arc_limits lim = arc_default_limits();
	struct ticket_reader rd = {.r = &run, .lim = &lim};
	for (int i = 0; i < argc; i++)
		ticket_read_operand(&rd, argv[i]);
	ticket_reader_free(&rd);
	run_finish(&run);
	print_notes(&run);

	struct render_opts ro = {
	    .color = strcmp(color, "always") == 0 ||
		     (strcmp(color, "auto") == 0 && isatty(STDOUT_FILENO) && !getenv("NO_COLOR")),
	    .width = 80,
	    .fail_on = fail_on,
	};
	int (*render)(FILE *, const struct run *, const struct render_opts *) = render_text;
	if (strcmp(format, "json") == 0)
		render = render_json;
	else if (strcmp(format, "md") == 0)
		render = render_md;
	else if (strcmp(format, "html") == 0)
		render = render_html;
	int werr = render(stdout, &run, &ro);

	int rc = EXIT_CLEAN;
	for (size_t i = 0; fail_on != SEV_NONE && i <= rs->nrules; i++) {
		const struct finding *fi = run.f.by_rule[i];
		if (fi && finding_severity(&run.f, fi) >= fail_on)
			rc = EXIT_FINDINGS;
	}
	for (size_t i = 0; i < run.nnotes; i++)
		if (run.notes[i].level != NOTE_INFO)
			rc = EXIT_TROUBLE;
	if (run.errors)
		rc = EXIT_TROUBLE;
	run_free(&run);
	rules_free(rs);
	if (cli_close_stdout() != 0 || werr != 0)
		return EXIT_TROUBLE;
	return rc;
}
