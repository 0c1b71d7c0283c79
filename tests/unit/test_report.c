/*
 * test_report.c - the report model (report/model.h) and rules/report.conf
 * (rules/report_conf.h), on small rule files written here, so that
 * rewording a shipped rule or message changes nothing in this file:
 * finding order, evidence rows taken from report.conf, sentences whose
 * input values stay apart from their fixed text, the coverage gap, the
 * draft rule, the verdict counts, what was not read (the headline), and the
 * load-time checks of report.conf.
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/util.h"
#include "engine/run.h"
#include "input/input.h"
#include "report/model.h"
#include "report/render.h"
#include "rules/report_conf.h"
#include "rules/ruleset.h"
#include "unit.h"

static char dir[64];
static struct strbuf errors;

static void collect(void *ctx, const char *msg)
{
	(void)ctx;
	sb_adds(&errors, msg);
	sb_addc(&errors, '\n');
}

static void write_file(const char *name, const char *text)
{
	char path[128];
	snprintf(path, sizeof path, "%s/%s", dir, name);
	FILE *fp = fopen(path, "w");
	if (!fp || fputs(text, fp) == EOF || fclose(fp) != 0) {
		perror(path);
		exit(1);
	}
}

/* Every field the engine reads (rules.c binds them), and the CSV headers of
 * the test exports. */
static const char *fields_conf = "field time   Login Time\n"
				 "field user   Username\n"
				 "field source_ip Source IP\n"
				 "field status Status\n"
				 "field application Application\n"
				 "field http_status\nfield host\nfield scheme\nfield path\n"
				 "field method\nfield grant_type\nfield content_type\n"
				 "field body_kind\nfield error\nfield error_description\n"
				 "field error_uri\nfield error_code\nfield message\n"
				 "field access_token\nfield client\nfield base_url\n"
				 "field password\nfield security_token\nfield padded\n"
				 "field empty\nfield unknown_keys\nfield password_has_token\n"
				 "field action\nfield display\nfield section\nfield delegate_user\n"
				 "require status\n"
				 "success status ~ /^success$/i\n";

/* Log lines "TIME ERR error: description" give token responses. */
static const char *extract_conf =
    "extract t-line\n"
    "  kind     token-response\n"
    "  pattern  /^(?<time>\\S+) ERR (?<error>[a-z_]+): (?<error_description>.+)$/\n"
    "  example  2026-11-05T09:00:00Z ERR invalid_grant: authentication failure\n"
    "end\n";

static const char *test_rules = "rule blocked\n"
				"  title     Blocked: {user} ({application})\n"
				"  severity  error\n"
				"  applies   login-history\n"
				"  when      status ~ /^blocked$/i\n"
				"  fix       Unblock {source_ip} for {user}.\n"
				"  ref       test\n"
				"  example   status=Blocked\n"
				"  counter   status=Success\n"
				"end\n"
				"rule bad-password\n"
				"  title     Bad password\n"
				"  severity  warning\n"
				"  applies   login-history\n"
				"  when      status ~ /^bad password$/i\n"
				"  fix       Type it again.\n"
				"  ref       test\n"
				"  example   status=Bad Password\n"
				"  counter   status=Success\n"
				"end\n"
				"rule grant-refused\n"
				"  title     Token refused\n"
				"  severity  error\n"
				"  applies   token-response\n"
				"  when      error ~ /^invalid_grant$/\n"
				"  candidates bad-password\n"
				"  tell      Look at Login History.\n"
				"  fix       Look at Login History.\n"
				"  ref       test\n"
				"  example   error=invalid_grant\n"
				"  counter   error=invalid_client\n"
				"end\n";

/* The test's own wording: labels, messages and a draft that no shipped
 * file uses. */
static const char *report_conf =
    "evidence status       statuses   list   State\n"
    "evidence user         people     table  Who\n"
    "evidence said         said       list   Said\n"
    "evidence source_ip    addresses  data\n"
    "message coverage-gap  GAP {history_first}..{history_last}: {events} {is_are} {span}, "
    "{where}; ask for {it_them}.\n"
    "message unknown-fix   UNKNOWN, see the help.\n"
    "message unknown-draft UNKNOWN, draft:\n"
    "message page-title    PAGE\n"
    "message change-trigger  {first} {what} {user} {lead} {actor} {change} {title}\n"
    "message change-fixed  {time} {actor} {change}\n"
    "message no-audit-trail  {changes}\n"
    "message incident-new  N {last_good}\n"
    "incident-window 30m\nincident-min-tickets 2\n"
    "message advice-old-workbook  OLD\n"
    "message advice-download  DOWNLOAD\n"
    "message advice-rtf    RTF\n"
    "message advice-ods    ODS\n"
    "draft-field login-history status optional \"failed: \" status=Success\n"
    "draft-field api-error error_code contains error_code=X\n"
    "message advice-email  EMAIL\n"
    "draft rule local-x\n"
    "draft when {field} ~ /{pattern}/i\n"
    "draft example {field}={value}\n"
    "draft end\n";

static void setup(const char *report)
{
	strcpy(dir, "/tmp/sfdiag-test-report-XXXXXX");
	if (!mkdtemp(dir)) {
		perror("mkdtemp");
		exit(1);
	}
	write_file("fields.conf", fields_conf);
	write_file("codes.conf", "");
	write_file("extract.conf", extract_conf);
	write_file("t.rules", test_rules);
	write_file("report.conf", report);
	sb_reset(&errors);
}

static void teardown(void)
{
	char cmd[128];
	snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
	if (system(cmd) != 0)
		fprintf(stderr, "cannot remove %s\n", dir);
}

static struct ruleset *load(void)
{
	struct ruleset *rs = rules_load(dir, 1, collect, NULL);
	if (!rs)
		fprintf(stderr, "test rules did not load:\n%s", sb_str(&errors));
	return rs;
}

/* ---- running a ticket from strings ---- */

struct mem {
	const char *p;
	size_t n, off;
};

static long mem_read(void *ctx, void *buf, size_t n)
{
	struct mem *m = ctx;
	size_t k = m->n - m->off < n ? m->n - m->off : n;
	memcpy(buf, m->p + m->off, k);
	m->off += k;
	return (long)k;
}

static void mem_close(void *ctx)
{
	free(ctx);
}

static void feed(struct run *r, const char *name, const char *text)
{
	struct mem *m = xcalloc(1, sizeof *m);
	m->p = text;
	m->n = strlen(text);
	struct input_source src = {m, mem_read, mem_close};
	run_input(r, input_open_source(name, src));
}

#define HEADER "Username,Login Time,Source IP,Status,Application\n"

/* Three Blocked rows (error) and five Bad Password rows (warning) of six
 * users, then a success. */
static const char *login_csv =
    HEADER "ann@example.com,2026-11-03T10:00:00Z,198.51.100.1,Blocked,Sync\n"
	   "ann@example.com,2026-11-03T10:05:00Z,198.51.100.1,Blocked,Sync\n"
	   "bob@example.com,2026-11-03T10:10:00Z,198.51.100.2,Blocked,Sync\n"
	   "u1@example.com,2026-11-03T11:00:00Z,198.51.100.3,Bad Password,Web\n"
	   "u2@example.com,2026-11-03T11:01:00Z,198.51.100.3,Bad Password,Web\n"
	   "u3@example.com,2026-11-03T11:02:00Z,198.51.100.3,Bad Password,Web\n"
	   "u4@example.com,2026-11-03T11:03:00Z,198.51.100.3,Bad Password,Web\n"
	   "u5@example.com,2026-11-03T11:04:00Z,198.51.100.3,Bad Password,Web\n"
	   "u6@example.com,2026-11-03T11:05:00Z,198.51.100.3,Bad Password,Web\n"
	   "ann@example.com,2026-11-03T12:00:00Z,198.51.100.1,Success,Sync\n";

static struct report *diagnose(const struct ruleset *rs, struct run *r, const char *csv,
			       const char *log, enum severity fail_on)
{
	if (run_init(r, rs) != 0)
		return NULL;
	if (csv)
		feed(r, "logins.csv", csv);
	if (log)
		feed(r, "connector.log", log);
	run_finish(r);
	return report_build(r, fail_on);
}

/* A value function that marks input, to see which spans are input. */
static void mark(struct strbuf *out, const struct ruleset *rs, int field, const char *s, size_t n)
{
	(void)rs;
	sb_printf(out, "<%s:", field >= 0 ? "f" : "text");
	sb_add(out, s, n);
	sb_addc(out, '>');
}

static const char *flat(struct strbuf *sb, const struct ruleset *rs, const struct report_text *t)
{
	sb_reset(sb);
	report_text_flat(sb, rs, t, mark);
	return sb_str(sb);
}

static const struct report_finding *by_id(const struct report *m, const char *id)
{
	for (size_t i = 0; i < m->nf; i++)
		if (strcmp(m->f[i].id, id) == 0)
			return &m->f[i];
	return NULL;
}

/* ---- tests ---- */

static void test_order_and_verdict(void)
{
	setup(report_conf);
	struct ruleset *rs = load();
	struct run r;
	CHECK(rs != NULL);
	if (!rs) {
		teardown();
		return;
	}
	struct report *m = diagnose(rs, &r, login_csv, NULL, SEV_ERROR);
	/* Severity first: 3 errors rank above 6 warnings. */
	CHECK_INT(m->nf, 2);
	CHECK_STR(m->f[0].id, "blocked");
	CHECK_STR(m->f[1].id, "bad-password");
	CHECK_INT(m->verdict.by_severity[SEV_ERROR], 1);
	CHECK_INT(m->verdict.by_severity[SEV_WARNING], 1);
	CHECK_INT(m->verdict.findings, 2);
	CHECK_INT(m->verdict.exit_status, VERDICT_FINDINGS);
	CHECK_INT(m->counts.by_kind[0], 10);
	CHECK_INT(m->counts.successes, 1);
	CHECK_INT(m->counts.records, 10);
	struct strbuf sb = {0};
	CHECK_STR(flat(&sb, rs, &m->summary), "Read 1 input: 10 logins (1 succeeded, 9 failed); "
					      "2026-11-03 10:00 UTC to 2026-11-03 12:00 UTC.");
	CHECK_STR(flat(&sb, rs, &m->page_title), "PAGE");
	report_free(m);
	run_free(&r);

	/* The same run under --fail-on never is clean. */
	m = diagnose(rs, &r, login_csv, NULL, SEV_NONE);
	CHECK_INT(m->verdict.exit_status, VERDICT_CLEAN);
	CHECK_INT(m->verdict.at_fail_on, 0);
	report_free(m);
	run_free(&r);
	sb_free(&sb);
	rules_free(rs);
	teardown();
}

static void test_rows_from_data(void)
{
	setup(report_conf);
	struct ruleset *rs = load();
	struct run r;
	if (!rs) {
		CHECK(0);
		teardown();
		return;
	}
	struct report *m = diagnose(rs, &r, login_csv, NULL, SEV_ERROR);
	const struct report_finding *bad = by_id(m, "bad-password");
	CHECK(bad != NULL);
	/* One row per evidence line, in report.conf order, labels as written. */
	CHECK_INT(bad->nrows, 4);
	CHECK_STR(bad->rows[0].def->label, "State");
	CHECK_STR(bad->rows[0].def->key, "statuses");
	CHECK_STR(bad->rows[1].def->label, "Who");
	CHECK_INT(bad->rows[1].def->layout, REPORT_LAYOUT_TABLE);
	CHECK_INT(bad->rows[2].def->field, REPORT_FIELD_SAID);
	CHECK_INT(bad->rows[3].def->layout, REPORT_LAYOUT_DATA);
	CHECK(bad->rows[3].def->label == NULL);
	CHECK_INT(bad->rows[0].nv, 1);
	CHECK_INT(bad->rows[0].v[0].count, 6);
	/* Six users: a brief listing shows five and says one more. */
	CHECK_INT(bad->rows[1].nv, 6);
	CHECK_INT(bad->rows[1].nbrief, REPORT_BRIEF_VALUES);
	CHECK_INT(bad->rows[1].brief_more, 1);
	CHECK_INT(bad->rows[1].brief_rest, 1);
	CHECK_INT(bad->rows[1].other, 0);
	struct strbuf sb = {0};
	render_row_list(&sb, rs, &bad->rows[1], mark);
	CHECK_STR(sb_str(&sb), "<f:u1@example.com> (1), <f:u2@example.com> (1), "
			       "<f:u3@example.com> (1), <f:u4@example.com> (1), "
			       "<f:u5@example.com> (1), +1 more");
	/* Login rows said nothing: the row is there, empty. */
	CHECK_INT(bad->rows[2].nv, 0);
	CHECK_INT(bad->rows[2].nbrief, 0);

	/* Placeholders: input values stay apart from the fixed text. */
	const struct report_finding *blk = by_id(m, "blocked");
	CHECK_STR(flat(&sb, rs, &blk->title), "Blocked: <f:ann@example.com> (+1 more) (<f:Sync>)");
	CHECK_INT(blk->nfix, 1);
	CHECK_STR(flat(&sb, rs, &blk->fix[0]),
		  "Unblock <f:198.51.100.1> (+1 more) for <f:ann@example.com> (+1 more).");
	/* Login findings with named users tell stories, most failures first. */
	CHECK(blk->stories);
	CHECK_INT(blk->ngroups, 2);
	CHECK_INT(blk->nstories, 2);
	CHECK_STR(flat(&sb, rs, &blk->groups[0].story),
		  "<text:ann@example.com> via <text:Sync>: 2 failures from <text:198.51.100.1> "
		  "between 2026-11-03 10:00 UTC and 2026-11-03 10:05 UTC; it logged in "
		  "successfully again from 2026-11-03 12:00 UTC.");
	CHECK_INT(blk->groups[0].successes, 1);
	CHECK(!blk->has_gap);
	sb_free(&sb);
	report_free(m);
	run_free(&r);
	rules_free(rs);
	teardown();
}

static void test_coverage_gap(void)
{
	setup(report_conf);
	struct ruleset *rs = load();
	struct run r;
	if (!rs) {
		CHECK(0);
		teardown();
		return;
	}
	/* Two refused token requests a day after the last Login History row. */
	const char *late = "2026-11-04T09:00:00Z ERR invalid_grant: authentication failure\n"
			   "2026-11-04T09:30:00Z ERR invalid_grant: authentication failure\n";
	struct report *m = diagnose(rs, &r, login_csv, late, SEV_ERROR);
	const struct report_finding *g = by_id(m, "grant-refused");
	struct strbuf sb = {0};
	CHECK(g != NULL);
	CHECK(g && g->has_gap);
	if (g) {
		CHECK_STR(flat(&sb, rs, &g->gap),
			  "GAP 2026-11-03 10:00 UTC..2026-11-03 12:00 UTC: token responses are "
			  "from 2026-11-04 09:00 UTC to 2026-11-04 09:30 UTC, after its last row; "
			  "ask for them.");
		CHECK(!g->stories);
		CHECK_INT(g->ncands, 1);
		CHECK_STR(g->cands[0].id, "bad-password");
		CHECK_INT(g->ntell, 1);
		CHECK_INT(g->said.nv, 1);
		CHECK_STR(g->said.v[0].s, "invalid_grant: authentication failure");
	}
	report_free(m);
	run_free(&r);

	/* Within Login History's time: nothing to say. */
	const char *during = "2026-11-03T11:30:00Z ERR invalid_grant: authentication failure\n";
	m = diagnose(rs, &r, login_csv, during, SEV_ERROR);
	g = by_id(m, "grant-refused");
	CHECK(g != NULL);
	CHECK(g && !g->has_gap);
	report_free(m);
	run_free(&r);

	/* Without Login History there is no coverage to speak of. */
	m = diagnose(rs, &r, NULL, late, SEV_ERROR);
	g = by_id(m, "grant-refused");
	CHECK(g && !g->has_gap);
	report_free(m);
	run_free(&r);
	sb_free(&sb);
	rules_free(rs);
	teardown();
}

static void test_unknown_and_draft(void)
{
	setup(report_conf);
	struct ruleset *rs = load();
	struct run r;
	if (!rs) {
		CHECK(0);
		teardown();
		return;
	}
	const char *csv = HEADER "ann@example.com,2026-11-03T10:00:00Z,198.51.100.1,"
				 "Failed: Flux (a.b),Sync\n";
	struct report *m = diagnose(rs, &r, csv, NULL, SEV_ERROR);
	struct strbuf sb = {0};
	CHECK_INT(m->nf, 1);
	const struct report_finding *u = &m->f[0];
	CHECK(u->rule == NULL);
	CHECK_STR(u->id, "unrecognized-failure");
	CHECK_INT(u->severity, SEV_WARNING);
	CHECK_STR(flat(&sb, rs, &u->unknown_fix), "UNKNOWN, see the help.");
	CHECK_STR(flat(&sb, rs, &u->unknown_draft), "UNKNOWN, draft:");
	CHECK_INT(u->ndraft, 4);
	CHECK_STR(flat(&sb, rs, &u->draft[0]), "rule local-x");
	/* The optional "(failed: )?" of the draft is left out of {pattern}. */
	CHECK_STR(flat(&sb, rs, &u->draft[1]),
		  "when status ~ /^(failed: )?<text:Flux \\(a\\.b\\)>$/i");
	CHECK_STR(flat(&sb, rs, &u->draft[2]), "example status=<text:Failed: Flux (a.b)>");
	CHECK_INT(m->verdict.exit_status, VERDICT_CLEAN); /* a warning, --fail-on error */
	sb_free(&sb);
	report_free(m);
	run_free(&r);
	rules_free(rs);
	teardown();
}

/* report.conf is checked when the rules load, with file and line. */
static void expect_error(const char *report, const char *want)
{
	setup(report);
	struct ruleset *rs = rules_load(dir, 1, collect, NULL);
	CHECK(rs == NULL);
	if (!strstr(sb_str(&errors), want)) {
		unit_fail++;
		fprintf(stderr, "%s:%d: no error \"%s\" in:\n%s", __FILE__, __LINE__, want,
			sb_str(&errors));
	} else {
		unit_pass++;
	}
	rules_free(rs);
	teardown();
}

static void test_load_errors(void)
{
	/* The messages and draft every report.conf needs. */
	const char *base = "message coverage-gap  x\n"
			   "message unknown-fix   x\n"
			   "message unknown-draft x\n"
			   "message page-title    x\n"
			   "draft rule x\n"
			   "draft-field login-history status status=Success\n"
			   "message change-trigger  x\n"
			   "message change-fixed  x\n"
			   "message no-audit-trail  x\n"
			   "message incident-new  x\nincident-window 30m\nincident-min-tickets 2\n"
			   "message advice-old-workbook x\n"
			   "message advice-download x\n"
			   "message advice-rtf x\n"
			   "message advice-ods x\nmessage advice-email x\n";
	struct strbuf sb = {0};

	sb_printf(&sb, "%sevidence nosuch things list Things\n", base);
	expect_error(sb_str(&sb), "report.conf:18: evidence: unknown field 'nosuch'");
	sb_reset(&sb);
	sb_printf(&sb, "%sevidence user users list Users of the org\n", base);
	expect_error(sb_str(&sb), "report.conf:18: evidence: label 'Users of the org' is wider");
	sb_reset(&sb);
	sb_printf(&sb, "%sevidence user users list Users of the org | Users\n", base);
	setup(sb_str(&sb));
	struct ruleset *rs = load();
	CHECK(rs != NULL);
	if (rs) {
		CHECK_STR(rs->report->evidence[0].label, "Users of the org");
		CHECK_STR(rs->report->evidence[0].short_label, "Users");
	}
	rules_free(rs);
	teardown();
	sb_reset(&sb);
	sb_printf(&sb, "%sevidence user users sideways Users\n", base);
	expect_error(sb_str(&sb), "report.conf:18: evidence: layout must be list, table or data");
	sb_reset(&sb);
	sb_printf(&sb, "%sevidence host hosts data Hosts\n", base);
	expect_error(sb_str(&sb), "report.conf:18: evidence: a data row has no label");
	sb_reset(&sb);
	sb_printf(&sb, "%sevidence user users list Users\nevidence user people list People\n",
		  base);
	expect_error(sb_str(&sb), "report.conf:19: evidence: 'user' is already a row");
	expect_error("message coverage-gap  {history_first} {nosuch}\n",
		     "report.conf:1: unknown placeholder {nosuch} in coverage-gap");
	expect_error("message page-title  T\n",
		     "report.conf: no message 'coverage-gap' (the advice when a ticket's Login "
		     "History does not reach a finding's time)");
	sb_reset(&sb);
	sb_printf(&sb, "%smessage page-title  again\n", base);
	expect_error(sb_str(&sb),
		     "report.conf:18: message page-title given twice (first on line 4)");
	sb_reset(&sb);
	sb_printf(&sb, "%smessage greeting  hello\n", base);
	expect_error(sb_str(&sb), "report.conf:18: unknown message 'greeting'");
	sb_reset(&sb);
	sb_printf(&sb, "%sdraft when {nosuch}\n", base);
	expect_error(sb_str(&sb), "report.conf:18: unknown placeholder {nosuch} in draft");
	/* Incidents: a field that exists and has an evidence row, a minimum of
	 * two tickets, the headline's own placeholders, headline and advice. */
	sb_reset(&sb);
	sb_printf(&sb, "%sincident-key ip nosuch\n", base);
	expect_error(sb_str(&sb), "report.conf:18: incident-key ip: unknown field 'nosuch'");
	sb_reset(&sb);
	sb_printf(&sb, "%sincident-key ip source_ip/33\n", base);
	expect_error(sb_str(&sb), "report.conf:18: incident-key ip: /33 is not an IPv4 prefix");
	sb_reset(&sb);
	{ /* base with "incident-min-tickets 1" (its line 12) */
		const char *two = strstr(base, "incident-min-tickets 2");
		sb_add(&sb, base, (size_t)(two - base));
		sb_adds(&sb, "incident-min-tickets 1");
		sb_adds(&sb, two + strlen("incident-min-tickets 2"));
	}
	expect_error(sb_str(&sb),
		     "report.conf:12: incident-min-tickets must be a number of tickets "
		     "of at least 2 (one ticket is never an incident)");
	sb_reset(&sb);
	sb_printf(&sb, "%sincident-min-tickets 3\n", base);
	expect_error(sb_str(&sb), "report.conf:18: incident-min-tickets given twice");
	sb_reset(&sb);
	sb_printf(&sb,
		  "%sevidence source_ip ips list IPs\nincident-key ip source_ip\n"
		  "incident-headline ip {tickets} {nosuch}\n",
		  base);
	expect_error(sb_str(&sb),
		     "report.conf:20: unknown placeholder {nosuch} in incident-headline");
	sb_reset(&sb);
	sb_printf(&sb,
		  "%sevidence source_ip ips list IPs\nincident-key ip source_ip\n"
		  "incident-headline ip {tickets}\n",
		  base);
	expect_error(
	    sb_str(&sb),
	    "report.conf:19: incident-key ip needs an incident-headline and an incident-advice");
	sb_reset(&sb);
	sb_printf(&sb,
		  "%sincident-key ip source_ip\nincident-headline ip x\nincident-advice ip y\n",
		  base);
	expect_error(sb_str(&sb), "report.conf:18: incident-key ip: its field has no evidence row");
	sb_reset(&sb);
	sb_printf(&sb, "%sincident-advice app y\n", base);
	expect_error(sb_str(&sb), "report.conf:18: incident-advice app: no incident-key app");
	sb_reset(&sb);
	sb_printf(&sb, "%sdraft-field settings status status=Success\n", base);
	expect_error(sb_str(&sb),
		     "report.conf:18: draft-field: not a kind of failures: 'settings status'");
	sb_reset(&sb);
	sb_printf(&sb, "%sdraft-field api-error nosuch x=y\n", base);
	expect_error(sb_str(&sb), "report.conf:18: draft-field: unknown field (declare it in "
				  "fields.conf): 'api-error nosuch'");
	sb_reset(&sb);
	sb_printf(&sb, "%sdraft-field login-history status optional \"a.b\" status=Success\n",
		  base);
	expect_error(sb_str(&sb), "report.conf:18: draft-field: the optional text must be literal");
	expect_error("message coverage-gap  x\nmessage unknown-fix  x\nmessage unknown-draft  x\n"
		     "message page-title  x\nmessage change-trigger  x\nmessage change-fixed  x\n"
		     "message no-audit-trail  x\nmessage advice-old-workbook x\n"
		     "message advice-download x\nmessage advice-rtf x\nmessage advice-ods "
		     "x\nmessage advice-email x\n",
		     "report.conf: no draft lines");

	/* No report.conf at all. */
	setup(base);
	char path[128];
	snprintf(path, sizeof path, "%s/report.conf", dir);
	unlink(path);
	rs = rules_load(dir, 1, collect, NULL);
	CHECK(rs == NULL);
	CHECK(strstr(sb_str(&errors), "report.conf: cannot open") != NULL);
	rules_free(rs);
	teardown();
	sb_free(&sb);
}

/* What was not read: the headline, the inputs concerned, the findings line
 * when nothing was found, and file names and reasons masked like any input. */
static void test_not_read(void)
{
	setup(report_conf);
	write_file("secrets.conf", "mask /hunter2/\n");
	struct ruleset *rs = load();
	struct run r;
	if (!rs) {
		CHECK(0);
		teardown();
		return;
	}
	struct strbuf sb = {0};
	static const char *const clean = HEADER "ann@example.com,2026-11-03T10:00:00Z,"
						"198.51.100.1,Success,Sync\n";

	/* Everything read: no headline, and only then "No problems found". */
	struct report *m = diagnose(rs, &r, clean, NULL, SEV_ERROR);
	CHECK(m->complete);
	CHECK_INT(m->nnot_read, 0);
	CHECK_INT(m->headline.len, 0);
	CHECK_STR(m->none_found, "No problems found");
	report_free(m);
	run_free(&r);

	/* One of two inputs could not be opened; the reason is input. */
	CHECK(run_init(&r, rs) == 0);
	run_unreadable(&r, "hunter2.csv", "cannot open: hunter2");
	feed(&r, "logins.csv", clean);
	run_finish(&r);
	m = report_build(&r, SEV_ERROR);
	CHECK(!m->complete);
	CHECK_INT(m->verdict.exit_status, VERDICT_TROUBLE);
	CHECK_INT(m->nnot_read, 1);
	CHECK_STR(m->not_read[0].file, "hunter2.csv");
	CHECK(!m->not_read[0].in_part);
	CHECK(m->not_read[0].has_why);
	CHECK_STR(
	    flat(&sb, rs, &m->headline),
	    "Could not read 1 of 2 inputs: <text:hunter2.csv> (<text:cannot open: hunter2>).");
	CHECK_STR(m->none_found, "Nothing wrong in what could be read");
	/* The writers' value function masks the file name and the reason. */
	sb_reset(&sb);
	report_text_flat(&sb, rs, &m->headline, render_value);
	CHECK_STR(sb_str(&sb), "Could not read 1 of 2 inputs: [secret: 7 chars, a-z 0-9].csv "
			       "(cannot open: [secret: 7 chars, a-z 0-9]).");
	report_free(m);
	run_free(&r);

	/* Nothing read, more inputs than the headline names. */
	CHECK(run_init(&r, rs) == 0);
	for (int i = 0; i < REPORT_HEADLINE_INPUTS + 2; i++) {
		char name[32];
		snprintf(name, sizeof name, "f%d.xls", i);
		run_unreadable(&r, name, "no");
	}
	run_finish(&r);
	m = report_build(&r, SEV_ERROR);
	CHECK(!m->complete);
	CHECK(m->verdict.nothing_read);
	CHECK_INT(m->nnot_read, REPORT_HEADLINE_INPUTS + 2);
	CHECK_STR(flat(&sb, rs, &m->headline),
		  "Nothing could be read: none of 5 inputs: <text:f0.xls> (<text:no>); "
		  "<text:f1.xls> (<text:no>); <text:f2.xls> (<text:no>); and 2 more (see Inputs).");
	CHECK_STR(m->none_found, "Nothing was diagnosed");
	report_free(m);
	run_free(&r);

	/* Every input read, but a record skipped: the file a warning names. */
	CHECK(run_init(&r, rs) == 0);
	feed(&r, "other.csv", clean);
	feed(&r, "logins.csv", HEADER "ann@example.com,2026-11-03T10:00:00Z\n");
	run_finish(&r);
	m = report_build(&r, SEV_ERROR);
	CHECK(!m->complete);
	CHECK_INT(m->nnot_read, 0);
	CHECK_STR(flat(&sb, rs, &m->headline),
		  "Not everything was read: 1 record skipped, in <text:logins.csv> (see Inputs).");
	report_free(m);
	run_free(&r);

	/* A file refused by its first bytes: the advice is report.conf's. */
	CHECK(run_init(&r, rs) == 0);
	feed(&r, "Login History.pdf", "%PDF-1.7\n");
	run_finish(&r);
	m = report_build(&r, SEV_ERROR);
	CHECK(m->verdict.nothing_read);
	CHECK_STR(flat(&sb, rs, &m->headline),
		  "Nothing could be read: <text:Login History.pdf> (<text:a PDF document (a "
		  "printout, not the data): DOWNLOAD>).");
	report_free(m);
	run_free(&r);

	/* No input named at all is trouble too. */
	CHECK(run_init(&r, rs) == 0);
	run_finish(&r);
	m = report_build(&r, SEV_ERROR);
	CHECK(!m->complete);
	CHECK_STR(flat(&sb, rs, &m->headline), "Nothing could be read: no input was named.");
	report_free(m);
	run_free(&r);
	sb_free(&sb);
	rules_free(rs);
	teardown();
}

/* Text copies and comparisons, which triage's rollup relies on. */
static void test_text(void)
{
	struct report_text a = {0}, b = {0};
	report_text_lits(&a, "Blocked: ");
	report_text_input(&a, 3, "ann", 3);
	report_text_lits(&a, " (");
	report_text_lits(&a, "x)");
	CHECK_INT(a.nspan, 3); /* adjacent fixed text joins one span */
	report_text_copy(&b, &a);
	CHECK(report_text_equal(&a, &b));
	CHECK_STR(b.buf, "Blocked: ann (x)");
	struct report_text c = {0};
	report_text_lits(&c, "Blocked: ann (x)"); /* same bytes, no input span */
	CHECK(!report_text_equal(&a, &c));
	report_text_free(&a);
	report_text_free(&b);
	report_text_free(&c);
	CHECK(a.buf == NULL && a.nspan == 0);
}

UNIT_MAIN(test_order_and_verdict, test_rows_from_data, test_coverage_gap, test_unknown_and_draft,
	  test_load_errors, test_not_read, test_text)
