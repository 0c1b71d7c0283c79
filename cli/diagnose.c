/*
 * diagnose.c - `sfdiag FILE|FOLDER|ARCHIVE...`: every operand read into one
 * run, as one ticket, and one report.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"

/* Warnings and errors on stderr, as "sfdiag: FILE:LINE: message", masked
 * and escaped like every value of a report. */
static void print_notes(const struct run *r)
{
	for (size_t i = 0; i < r->nnotes; i++) {
		const struct note *n = &r->notes[i];
		if (n->level == NOTE_INFO)
			continue;
		struct strbuf s = {0};
		if (n->file) {
			render_text_value(&s, r->rs, n->file, strlen(n->file));
			if (n->line)
				sb_printf(&s, ":%ld", n->line);
			sb_adds(&s, ": ");
		}
		render_text_value(&s, r->rs, n->msg, strlen(n->msg));
		fprintf(stderr, "sfdiag: %s\n", sb_str(&s));
		sb_free(&s);
	}
}
int cmd_diagnose(int argc, char **argv, const struct cli_common *c, const char *format,
		 const char *color, enum severity fail_on, int no_details)
{
	struct ruleset *rs = cli_load_rules(c->rules_opt, c->use_jit);
	if (!rs)
		return VERDICT_TROUBLE;
	struct run run;
	if (run_init(&run, rs) != 0) {
		fputs("sfdiag: out of memory\n", stderr);
		rules_free(rs);
		return VERDICT_TROUBLE;
	}
	run.jobs = cli_jobs(c->jobs);
	struct arc_limits lim = arc_default_limits();
	struct ticket_reader rd = {.sink = run_ticket_sink(&run), .lim = &lim};
	for (int i = 0; i < argc; i++)
		ticket_read_operand(&rd, argv[i]);
	ticket_reader_free(&rd);
	run_finish(&run);
	print_notes(&run);

	struct render_opts ro = {
	    .color = strcmp(color, "always") == 0 ||
		     (strcmp(color, "auto") == 0 && isatty(STDOUT_FILENO) && !getenv("NO_COLOR")),
	    .width = 80,
	    .no_details = no_details,
	};
	int (*render)(FILE *, const struct report *, const struct render_opts *) = render_text;
	if (strcmp(format, "json") == 0)
		render = render_json;
	else if (strcmp(format, "md") == 0)
		render = render_md;
	else if (strcmp(format, "html") == 0)
		render = render_html;
	struct report *m = report_build(&run, fail_on);
	int werr = render(stdout, m, &ro);
	enum verdict_exit status = m->verdict.exit_status;
	report_free(m);
	run_free(&run);
	rules_free(rs);
	if (cli_close_stdout() != 0 || werr != 0)
		return VERDICT_TROUBLE;
	return (int)status;
}
