/*
 * fuzz_correlate.c - the correlation step (engine/correlate.c and the
 * Setup Audit Trail links) on fuzzed rows.  The input is cut at its first
 * "\n--8<--\n": the first part becomes the rows of a Setup Audit Trail
 * download (under its header, unless its first line names a Date column:
 * then it is read with its own), the second the rows of a Login History
 * download (likewise, unless its first line names Login Time), the rest a
 * connector log (token errors to fold into the login findings); one run
 * reads the three, so run_finish correlates them, and
 * the report is built and rendered as JSON.  Besides memory errors it
 * checks the verdict's arithmetic: the counts by severity add up to the
 * findings, and no more findings are reported than rules exist.
 */
#define _GNU_SOURCE
#include "fuzz_common.h"

#include "engine/run.h"
#include "report/render.h"

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	fuzz_ruleset();
	return 0;
}

/* Read head + p[0..n) as the input name; head is left out when the first
 * line of p holds own (a header of its own). */
static void add(struct run *r, const char *name, const char *head, const char *own,
		const uint8_t *p, size_t n)
{
	const uint8_t *nl = memchr(p, '\n', n);
	size_t first = nl ? (size_t)(nl - p) : n;
	if (own && memmem(p, first, own, strlen(own)))
		head = "";
	size_t hn = strlen(head);
	uint8_t *buf = malloc(hn + n + 1);
	memcpy(buf, head, hn);
	memcpy(buf + hn, p, n);
	struct fuzz_mem m = {buf, hn + n, 0, 0};
	struct input_source src = {&m, fuzz_mem_read, fuzz_mem_close};
	run_input(r, input_open_source(name, src));
	free(buf);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char cut[] = "\n--8<--\n";
	const uint8_t *e1 = memmem(data, size, cut, sizeof cut - 1);
	size_t n1 = e1 ? (size_t)(e1 - data) : size;
	const uint8_t *p2 = e1 ? e1 + sizeof cut - 1 : data + size;
	size_t left = (size_t)(data + size - p2);
	const uint8_t *e2 = memmem(p2, left, cut, sizeof cut - 1);
	size_t n2 = e2 ? (size_t)(e2 - p2) : left;
	const uint8_t *p3 = e2 ? e2 + sizeof cut - 1 : data + size;
	size_t n3 = (size_t)(data + size - p3);

	struct run r;
	if (run_init(&r, fuzz_ruleset()) != 0)
		return 0;
	add(&r, "SetupAuditTrail.csv",
	    "Date,User,Source Namespace Prefix,Action,Section,Delegate User\n", "Date", data, n1);
	add(&r, "login-history.csv",
	    "Username,Login Time,Source IP,Status,Login Type,Application\n", "Login", p2, n2);
	if (n3)
		add(&r, "connector.log", "", NULL, p3, n3);
	run_finish(&r);
	struct report *rep = report_build(&r, SEV_WARNING);
	const struct verdict *v = &rep->verdict;
	size_t sum = 0;
	for (size_t i = 0; i < sizeof v->by_severity / sizeof v->by_severity[0]; i++)
		sum += v->by_severity[i];
	if (sum != v->findings || v->findings > fuzz_ruleset()->nrules + 1) {
		fprintf(stderr, "fuzz_correlate: %zu findings, %zu by severity\n",
			(size_t)v->findings, sum);
		abort();
	}
	FILE *devnull = fopen("/dev/null", "w");
	struct render_opts ro = {.color = 0, .width = 80};
	render_json(devnull, rep, &ro);
	fclose(devnull);
	report_free(rep);
	run_free(&r);
	return 0;
}
