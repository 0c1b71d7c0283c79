/*
 * test_ranking.c - the report order of docs/ranking.md, on rules and a
 * Login History written here: the integration's current causes first (the
 * latest of them first), then its causes that have ended, then other users'
 * problems; severity and count only break ties within a class.  The data is
 * chosen so that the engine's own order (severity, then count) is the exact
 * reverse of the report order for the integration's three causes, so a
 * ranking that fell back to severity would fail here.
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/timeparse.h"
#include "base/util.h"
#include "engine/run.h"
#include "input/input.h"
#include "report/model.h"
#include "report_fixture.h"
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

/* Every field the engine binds, and the test export's headers. */
static const char *fields_conf = "field time   Login Time\n"
				 "field user   Username\n"
				 "field source_ip Source IP\n"
				 "field status Status\n"
				 "field application Application\n"
				 "field login_type Login Type\n"
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

/* One rule per status; the severities are the opposite of the order the
 * report must give the integration's causes.  Each reads the login type,
 * as the shipped rules do, so that the adapter keeps it: the integration
 * is told by it here (no input of the connector names its user). */
#define RULE(id, sev, status)                                                                      \
	"rule " id "\n"                                                                            \
	"  title     " status " for {user}\n"                                                      \
	"  severity  " sev "\n"                                                                    \
	"  applies   login-history\n"                                                              \
	"  when      status ~ /^" status "$/i\n"                                                   \
	"  when      login_type !~ /^saml/i\n"                                                     \
	"  fix       Look at {user}.\n"                                                            \
	"  ref       test\n"                                                                       \
	"  example   status=" status "\n"                                                          \
	"  counter   status=Success\n"                                                             \
	"end\n"

static const char *rules_text = RULE("expired", "info", "Expired")
    RULE("bad-password", "warning", "Bad Password") RULE("blocked", "error", "Blocked")
	RULE("locked", "error", "Locked") RULE("typo", "warning", "Typo");

static const char *report_conf = UNIT_REPORT_CONF_REQUIRED "interactive-login-type Application\n";

#define HEADER "Username,Login Time,Source IP,Status,Application,Login Type\n"
#define SVC    "svc@example.com,"
#define API    ",Sync,Remote Access 2.0\n"
#define WEB    ",Browser,Application\n"

/*
 * The integration is svc@example.com via Sync (an API login type): ann and
 * bob log in at a browser (Application), so theirs are other users'
 * problems.
 *   blocked       error, 4: 08:00-08:15, then svc succeeds at 09:00: resolved
 *   bad-password  warning, 2: 10:30-10:35, nothing succeeds after: now
 *   expired       info, 1: 10:50, the latest: now, first of all
 *   locked        error, 6: ann, never succeeds: other
 *   typo          warning, 9: bob: other, after locked (severity over count)
 */
static const char *login_csv =
    HEADER SVC "2026-11-03T08:00:00Z,198.51.100.7,Blocked" API SVC
	       "2026-11-03T08:05:00Z,198.51.100.7,Blocked" API SVC
	       "2026-11-03T08:10:00Z,198.51.100.7,Blocked" API SVC
	       "2026-11-03T08:15:00Z,198.51.100.7,Blocked" API SVC
	       "2026-11-03T09:00:00Z,198.51.100.7,Success" API SVC
	       "2026-11-03T10:30:00Z,203.0.113.9,Bad Password" API SVC
	       "2026-11-03T10:35:00Z,203.0.113.9,Bad Password" API SVC
	       "2026-11-03T10:50:00Z,203.0.113.9,Expired" API
	       "ann@example.com,2026-11-03T07:00:00Z,192.0.2.1,Locked" WEB
	       "ann@example.com,2026-11-03T07:01:00Z,192.0.2.1,Locked" WEB
	       "ann@example.com,2026-11-03T07:02:00Z,192.0.2.1,Locked" WEB
	       "ann@example.com,2026-11-03T07:03:00Z,192.0.2.1,Locked" WEB
	       "ann@example.com,2026-11-03T07:04:00Z,192.0.2.1,Locked" WEB
	       "ann@example.com,2026-11-03T07:05:00Z,192.0.2.1,Locked" WEB
	       "bob@example.com,2026-11-03T07:10:00Z,192.0.2.2,Typo" WEB
	       "bob@example.com,2026-11-03T07:11:00Z,192.0.2.2,Typo" WEB
	       "bob@example.com,2026-11-03T07:12:00Z,192.0.2.2,Typo" WEB
	       "bob@example.com,2026-11-03T07:13:00Z,192.0.2.2,Typo" WEB
	       "bob@example.com,2026-11-03T07:14:00Z,192.0.2.2,Typo" WEB
	       "bob@example.com,2026-11-03T07:15:00Z,192.0.2.2,Typo" WEB
	       "bob@example.com,2026-11-03T07:16:00Z,192.0.2.2,Typo" WEB
	       "bob@example.com,2026-11-03T07:17:00Z,192.0.2.2,Typo" WEB
	       "bob@example.com,2026-11-03T07:18:00Z,192.0.2.2,Typo" WEB;

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

/* A time of the model as ISO 8601, or "none". */
static const char *iso(int64_t ms, char buf[32])
{
	if (ms == EVENT_NO_TIME)
		return "none";
	time_format_iso(ms, buf);
	return buf;
}

static void test_order(void)
{
	strcpy(dir, "/tmp/sfdiag-test-ranking-XXXXXX");
	if (!mkdtemp(dir)) {
		perror("mkdtemp");
		exit(1);
	}
	write_file("fields.conf", fields_conf);
	write_file("codes.conf", "");
	write_file("t.rules", rules_text);
	write_file("report.conf", report_conf);
	struct ruleset *rs = rules_load(dir, 1, collect, NULL);
	CHECK(rs != NULL);
	if (!rs) {
		fprintf(stderr, "test rules did not load:\n%s", sb_str(&errors));
		return;
	}
	struct run r;
	CHECK_INT(run_init(&r, rs), 0);
	feed(&r, "logins.csv", login_csv);
	run_finish(&r);

	/* The engine's order is by severity, then count: the premise. */
	const struct finding **v;
	size_t n = findings_sorted(&r.f, &v);
	static const char *const by_severity[] = {"locked", "blocked", "typo", "bad-password",
						  "expired"};
	CHECK_INT(n, 5);
	for (size_t i = 0; i < n && i < 5; i++)
		CHECK_STR(rs->rules[v[i]->rule].id, by_severity[i]);

	free(v);
	struct report *m = report_build(&r, SEV_ERROR);
	char t[32];
	static const char *const want[] = {"expired", "bad-password", "blocked", "locked", "typo"};
	static const enum report_standing standing[] = {REPORT_NOW, REPORT_NOW, REPORT_RESOLVED,
							REPORT_OTHER, REPORT_OTHER};
	CHECK_INT(m->nf, 5);
	for (size_t i = 0; i < m->nf && i < 5; i++) {
		CHECK_STR(m->f[i].id, want[i]);
		CHECK_INT(m->f[i].standing, standing[i]);
	}
	if (m->nf == 5) {
		/* Resolved since the pair's first success after the failures. */
		CHECK_STR(iso(m->f[2].resolved_since, t), "2026-11-03T09:00:00Z");
		CHECK_STR(iso(m->f[0].resolved_since, t), "none");
		/* The current causes know the last good login and its address. */
		CHECK_STR(iso(m->f[1].last_good, t), "2026-11-03T09:00:00Z");
		CHECK_STR(m->f[1].last_good_ip, "198.51.100.7");
		CHECK_STR(iso(m->f[0].latest, t), "2026-11-03T10:50:00Z");
		/* The headline and "In short" speak of the first in this order. */
		CHECK(m->nshort > 0);
	}
	/* The verdict still counts by severity, whatever the order. */
	CHECK_INT(m->verdict.by_severity[SEV_ERROR], 2);
	CHECK_INT(m->verdict.by_severity[SEV_WARNING], 2);
	CHECK_INT(m->verdict.by_severity[SEV_INFO], 1);
	report_free(m);
	run_free(&r);
	rules_free(rs);
	char cmd[128];
	snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
	if (system(cmd) != 0)
		fprintf(stderr, "cannot remove %s\n", dir);
	sb_free(&errors);
}

UNIT_MAIN(test_order)
