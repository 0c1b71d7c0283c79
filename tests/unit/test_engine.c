/*
 * test_engine.c - the engine on small rule files written here: which rule
 * explains an event (order, kinds, success, the caches, PCRE2 limits), how
 * findings aggregate and sort, and when correlation folds one finding into
 * another.  None of it reads the shipped rules, so rewording a shipped fix
 * changes nothing here.
 */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "adapt/event.h"
#include "base/util.h"
#include "engine/classify.h"
#include "engine/correlate.h"
#include "engine/findings.h"
#include "engine/matcher.h"
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
	if (!fp) {
		perror(path);
		exit(1);
	}
	fputs(text, fp);
	fclose(fp);
}

static const char *fields_conf =
    "field time\nfield user\nfield application\nfield status\nfield source_ip\n"
    "field http_status\nfield host\nfield scheme\nfield path\nfield method\n"
    "field grant_type\nfield content_type\nfield body_kind\nfield error\n"
    "field error_description\nfield error_uri\nfield error_code\nfield message\n"
    "field access_token\nfield client\nfield base_url\nfield padded\nfield empty\n"
    "field unknown_keys\nfield login_type\n"
    "field action\nfield display\nfield section\nfield delegate_user\n"
    "require status\n"
    "success status ~ /^success$/i\n";

/* Three login rules, narrow before broad, a response rule whose cause is
 * one of them, a checklist of two settings rules, and a rule that hits the
 * PCRE2 match limit on long runs of a. */
static const char *rules =
    "rule api-password\n  title API password\n  severity error\n  applies login-history\n"
    "  when status ~ /^invalid password$/i\n  when login_type ~ /api/i\n"
    "  fix f\n  ref r\n  example status=x\n  counter status=y\nend\n"
    "rule password\n  title Password\n  severity warning\n  applies login-history\n"
    "  when status ~ /^invalid password$/i\n"
    "  fix f\n  ref r\n  example status=x\n  counter status=y\nend\n"
    "rule locked\n  title Locked\n  severity error\n  applies login-history\n"
    "  when status ~ /locked/i\n"
    "  fix f\n  ref r\n  example status=x\n  counter status=y\nend\n"
    "rule auth-failure\n  title Authentication failure\n  severity error\n"
    "  applies token-response\n  when error ~ /^invalid_grant$/\n"
    "  candidates api-password password\n"
    "  fix f\n  ref r\n  example status=x\n  counter status=y\nend\n"
    "rule http-host\n  title http\n  severity warning\n  applies settings\n"
    "  when base_url ~ /^http:/\n"
    "  fix f\n  ref r\n  example status=x\n  counter status=y\nend\n"
    "rule lightning-host\n  title lightning\n  severity error\n  applies settings\n"
    "  when base_url ~ /lightning\\.force\\.com/\n"
    "  fix f\n  ref r\n  example status=x\n  counter status=y\nend\n"
    "rule slow\n  title slow\n  severity info\n  applies api-error\n"
    "  any\n    when message ~ /^(?:a|aa)+$/\n    when error_code ~ /^SLOW$/\n  end\n"
    "  fix f\n  ref r\n  example status=x\n  counter status=y\nend\n";

enum { R_API_PASSWORD, R_PASSWORD, R_LOCKED, R_AUTH, R_HTTP, R_LIGHTNING, R_SLOW };

/* The messages a report needs (report_conf.h), and no evidence rows. */
static const char *report_conf =
    "message coverage-gap  {history_first} {history_last} {events} "
    "{is_are} {span} {where} {it_them}\n"
    "message unknown-fix  none\n"
    "message unknown-draft  none:\n"
    "message page-title  T\n"
    "message change-trigger  {first} {what} {user} {lead} {actor} {change} {title}\n"
    "message change-fixed  {time} {actor} {change}\n"
    "message no-audit-trail  {changes}\n"
    "message advice-old-workbook  A\n"
    "message advice-download  A\n"
    "message advice-rtf  A\n"
    "message advice-ods  A\n"
    "message advice-email  A\n"
    "draft rule d\n"
    "draft end\n";

static struct ruleset *load(void)
{
	strcpy(dir, "/tmp/sfdiag-test-engine-XXXXXX");
	if (!mkdtemp(dir)) {
		perror("mkdtemp");
		exit(1);
	}
	write_file("fields.conf", fields_conf);
	write_file("codes.conf", "code status LOGIN_ERROR_INVALID_PASSWORD Invalid Password\n");
	write_file("report.conf", report_conf);
	write_file("a.rules", rules);
	sb_reset(&errors);
	struct ruleset *rs = rules_load(dir, 1, collect, NULL);
	if (!rs) {
		fprintf(stderr, "test rules do not load:\n%s", sb_str(&errors));
		exit(1);
	}
	return rs;
}

static void unload(struct ruleset *rs)
{
	rules_free(rs);
	char cmd[128];
	snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
	if (system(cmd) != 0)
		fprintf(stderr, "cannot remove %s\n", dir);
}

/* An event of kind with "field=value" pairs (NULL-terminated); values are
 * copied into the event, so the caller's buffers may change afterwards. */
static void make_event(struct event *ev, const struct ruleset *rs, unsigned kind, ...)
{
	va_list ap;
	event_clear(ev);
	ev->kind = kind;
	ev->file = "test";
	ev->line = 1;
	va_start(ap, kind);
	const char *pair;
	while ((pair = va_arg(ap, const char *)) != NULL) {
		const char *eq = strchr(pair, '=');
		char name[64];
		snprintf(name, sizeof name, "%.*s", (int)(eq - pair), pair);
		int f = rules_field(rs, name);
		if (f < 0) {
			fprintf(stderr, "test: no field %s\n", name);
			exit(1);
		}
		size_t n = strlen(eq + 1);
		const char *kept = event_keep(ev, eq + 1, &n);
		event_set(ev, rs, f, kept, n);
	}
	va_end(ap);
	event_finish(ev, rs);
}

/* ---- the matcher ---- */

static void test_matcher(void)
{
	struct ruleset *rs = load();
	struct matcher *m = matcher_new(rs);
	struct event ev;
	const unsigned lh = KIND_LOGIN_HISTORY;

	/* The first rule that holds, in load order; codes apply first. */
	make_event(&ev, rs, lh, "status=Invalid Password", "login_type=Other Apex API", NULL);
	CHECK_INT(matcher_classify(m, &ev), R_API_PASSWORD);
	make_event(&ev, rs, lh, "status=LOGIN_ERROR_INVALID_PASSWORD", "login_type=Application",
		   NULL);
	CHECK_INT(matcher_classify(m, &ev), R_PASSWORD);
	CHECK_INT(matcher_rule_holds(m, R_PASSWORD, &ev), 1);
	CHECK_INT(matcher_rule_holds(m, R_API_PASSWORD, &ev), 0);
	/* Success first; then no rule. */
	make_event(&ev, rs, lh, "status=Success", NULL);
	CHECK_INT(matcher_classify(m, &ev), MATCH_SUCCESS);
	make_event(&ev, rs, lh, "status=Restricted IP", NULL);
	CHECK_INT(matcher_classify(m, &ev), MATCH_NONE);
	/* A rule sees only its kinds: a token response saying "locked" is not
	 * the login rule's, and success is a login-history notion here. */
	make_event(&ev, rs, KIND_TOKEN_RESPONSE, "status=locked", "error=invalid_grant", NULL);
	CHECK_INT(matcher_classify(m, &ev), R_AUTH);
	make_event(&ev, rs, KIND_TOKEN_RESPONSE, "status=Success", NULL);
	CHECK_INT(matcher_classify(m, &ev), MATCH_NONE);
	/* A field no rule of the kind tests does not change the verdict (it is
	 * not part of the cache key, and must not need to be). */
	make_event(&ev, rs, lh, "status=Locked", "user=a@x.example", NULL);
	CHECK_INT(matcher_classify(m, &ev), R_LOCKED);
	make_event(&ev, rs, lh, "status=Locked", "user=b@x.example", NULL);
	CHECK_INT(matcher_classify(m, &ev), R_LOCKED);

	/* Far more distinct values than the caches hold: they are emptied and
	 * refilled, and every answer stays right. */
	char status[64];
	for (int i = 0; i < 3 * SFDIAG_MAX_CACHE; i++) {
		int locked = i % 3 == 0;
		snprintf(status, sizeof status, "status=%s %d", locked ? "Locked" : "Other", i);
		make_event(&ev, rs, lh, status, NULL);
		int v = matcher_classify(m, &ev);
		if (v != (locked ? R_LOCKED : MATCH_NONE)) {
			CHECK_INT(v, locked ? R_LOCKED : MATCH_NONE);
			break;
		}
	}
	make_event(&ev, rs, lh, "status=Invalid Password", "login_type=SOAP API", NULL);
	CHECK_INT(matcher_classify(m, &ev), R_API_PASSWORD);
	matcher_free(m);
	unload(rs);
}

static void test_limits(void)
{
	struct ruleset *rs = load();
	struct matcher *m = matcher_new(rs);
	struct event ev;
	char msg[80];
	memset(msg, 0, sizeof msg);
	strcpy(msg, "message=");
	memset(msg + 8, 'a', 60);
	msg[68] = 'b';
	/* The pattern gives up at SFDIAG_PCRE2_MATCH_LIMIT: neither true nor
	 * false, so the rule is skipped for the value and the hit counted. */
	make_event(&ev, rs, KIND_API_ERROR, msg, NULL);
	CHECK_INT(matcher_classify(m, &ev), MATCH_NONE);
	CHECK(matcher_limit_hits(m, R_SLOW) >= 1);
	unsigned long hits = matcher_limit_hits(m, R_SLOW);
	/* An unknown member does not stop `any` when another is true. */
	make_event(&ev, rs, KIND_API_ERROR, msg, "error_code=SLOW", NULL);
	CHECK_INT(matcher_classify(m, &ev), R_SLOW);
	CHECK(matcher_limit_hits(m, R_SLOW) > hits);
	/* Short values match normally. */
	make_event(&ev, rs, KIND_API_ERROR, "message=aaaa", NULL);
	CHECK_INT(matcher_classify(m, &ev), R_SLOW);

	struct matcher *other = matcher_new(rs);
	matcher_add_hits(other, m);
	CHECK_INT(matcher_limit_hits(other, R_SLOW), matcher_limit_hits(m, R_SLOW));
	CHECK_INT(matcher_limit_hits(other, R_LOCKED), 0);
	matcher_free(other);
	matcher_free(m);
	unload(rs);
}

/* ---- findings ---- */

static void add(struct findings *f, struct matcher *m, struct event *ev, const char *when)
{
	if (when) {
		size_t n = strlen(when);
		const char *kept = event_keep(ev, when, &n);
		event_set(ev, f->rs, f->rs->f.time, kept, n);
	}
	classify_event(m, f, ev);
}

static void test_findings(void)
{
	struct ruleset *rs = load();
	struct matcher *m = matcher_new(rs);
	struct findings f;
	struct event ev;
	findings_init(&f, rs);
	const unsigned lh = KIND_LOGIN_HISTORY;

	make_event(&ev, rs, lh, "status=Invalid Password", "user=a@x.example", "application=Loader",
		   "source_ip=192.0.2.1", NULL);
	add(&f, m, &ev, "2026-01-02T10:00:00Z");
	make_event(&ev, rs, lh, "status=Invalid Password", "user=a@x.example", "application=Loader",
		   "source_ip=192.0.2.2", NULL);
	add(&f, m, &ev, "2026-01-02T09:00:00Z");
	make_event(&ev, rs, lh, "status=Invalid Password", "user=b@x.example", "application=Loader",
		   NULL);
	add(&f, m, &ev, "2026-01-02T11:00:00Z");
	make_event(&ev, rs, lh, "status=Locked", "user=c@x.example", NULL);
	add(&f, m, &ev, NULL);
	make_event(&ev, rs, lh, "status=Something New", "user=d@x.example", NULL);
	add(&f, m, &ev, "2026-01-02T12:00:00Z");
	make_event(&ev, rs, lh, "status=Success", "user=a@x.example", "application=Loader", NULL);
	add(&f, m, &ev, "2026-01-02T12:30:00Z");
	/* A settings file is a checklist: one event, every rule that holds. */
	make_event(&ev, rs, KIND_SETTINGS, "base_url=http://acme.lightning.force.com", NULL);
	add(&f, m, &ev, NULL);

	CHECK_INT(f.events, 7);
	CHECK_INT(f.successes, 1);
	const struct finding *pw = f.by_rule[R_PASSWORD];
	CHECK(pw != NULL);
	if (pw) {
		CHECK_INT(pw->count, 3);
		CHECK_INT(pw->ngroups, 2);	       /* (a, Loader) and (b, Loader) */
		CHECK_INT(pw->first, 1767344400000LL); /* 09:00, whatever the order */
		CHECK_INT(pw->last, 1767351600000LL);  /* 11:00 */
		CHECK_STR(finding_id(&f, pw), "password");
		CHECK_INT(finding_severity(&f, pw), SEV_WARNING);
	}
	CHECK(f.by_rule[R_API_PASSWORD] == NULL);
	CHECK(f.by_rule[R_LOCKED] != NULL && f.by_rule[R_LOCKED]->first == EVENT_NO_TIME);
	const struct finding *unrec = f.by_rule[rs->nrules];
	CHECK(unrec != NULL && unrec->count == 1);
	if (unrec) {
		CHECK_STR(finding_id(&f, unrec), "unrecognized-failure");
		CHECK_INT(finding_severity(&f, unrec), SEV_WARNING);
	}
	CHECK(f.by_rule[R_HTTP] != NULL && f.by_rule[R_LIGHTNING] != NULL);
	const struct success *s = findings_success(&f, "a@x.example", "Loader");
	CHECK(s != NULL && s->count == 1);
	CHECK(findings_success(&f, "b@x.example", "Loader") == NULL);

	/* Report order: severity, then count, then id. */
	const struct finding **order;
	size_t n = findings_sorted(&f, &order);
	CHECK_INT(n, 5);
	static const char *const want[] = {"lightning-host", "locked", "password", "http-host",
					   "unrecognized-failure"};
	for (size_t i = 0; i < n && i < 5; i++)
		CHECK_STR(finding_id(&f, order[i]), want[i]);
	free(order);

	/* Merging two halves counts what one pass does. */
	struct findings g;
	findings_init(&g, rs);
	make_event(&ev, rs, lh, "status=Invalid Password", "user=b@x.example", "application=Loader",
		   NULL);
	add(&g, m, &ev, "2026-01-02T08:00:00Z");
	findings_merge(&f, &g);
	CHECK_INT(f.by_rule[R_PASSWORD]->count, 4);
	CHECK_INT(f.by_rule[R_PASSWORD]->ngroups, 2);
	CHECK_INT(f.by_rule[R_PASSWORD]->first, 1767340800000LL);
	findings_free(&g);
	findings_free(&f);
	matcher_free(m);
	unload(rs);
}

/* ---- correlation ---- */

/* A token response at resp_time (NULL: none) for resp_user (NULL: none),
 * and Login History rows of rule `password` for row_user at row_time. */
static int explained(const char *resp_user, const char *resp_time, const char *row_user,
		     const char *row_time)
{
	struct ruleset *rs = load();
	struct matcher *m = matcher_new(rs);
	struct findings f;
	struct event ev;
	char user[64];
	findings_init(&f, rs);
	make_event(&ev, rs, KIND_TOKEN_RESPONSE, "error=invalid_grant", NULL);
	if (resp_user) {
		snprintf(user, sizeof user, "user=%s", resp_user);
		make_event(&ev, rs, KIND_TOKEN_RESPONSE, "error=invalid_grant", user, NULL);
	}
	add(&f, m, &ev, resp_time);
	snprintf(user, sizeof user, "user=%s", row_user);
	make_event(&ev, rs, KIND_LOGIN_HISTORY, "status=Invalid Password", user, NULL);
	add(&f, m, &ev, row_time);
	correlate(&f);
	int by = f.by_rule[R_AUTH] ? f.by_rule[R_AUTH]->explained_by : -2;
	const struct finding **order;
	size_t n = findings_sorted(&f, &order);
	/* An explained finding is not reported on its own. */
	CHECK_INT(n, by == R_PASSWORD ? 1 : 2);
	free(order);
	findings_free(&f);
	matcher_free(m);
	unload(rs);
	return by;
}

static void test_correlation(void)
{
	/* Same user, within SFDIAG_CORRELATE_WINDOW_MS (15 minutes). */
	CHECK_INT(
	    explained("a@x.example", "2026-01-02T10:00:00Z", "a@x.example", "2026-01-02T10:10:00Z"),
	    R_PASSWORD);
	/* Outside the window. */
	CHECK_INT(
	    explained("a@x.example", "2026-01-02T10:00:00Z", "a@x.example", "2026-01-02T10:20:00Z"),
	    -1);
	/* Another user. */
	CHECK_INT(
	    explained("a@x.example", "2026-01-02T10:00:00Z", "b@x.example", "2026-01-02T10:01:00Z"),
	    -1);
	/* A response that names no user, or has no time, matches any. */
	CHECK_INT(explained(NULL, "2026-01-02T10:00:00Z", "b@x.example", "2026-01-02T10:01:00Z"),
		  R_PASSWORD);
	CHECK_INT(explained("a@x.example", NULL, "a@x.example", "2026-03-01T00:00:00Z"),
		  R_PASSWORD);

	/* The first candidate with evidence wins: api-password is listed first. */
	struct ruleset *rs = load();
	struct matcher *m = matcher_new(rs);
	struct findings f;
	struct event ev;
	findings_init(&f, rs);
	make_event(&ev, rs, KIND_TOKEN_RESPONSE, "error=invalid_grant", NULL);
	add(&f, m, &ev, NULL);
	make_event(&ev, rs, KIND_LOGIN_HISTORY, "status=Invalid Password", NULL);
	add(&f, m, &ev, NULL);
	make_event(&ev, rs, KIND_LOGIN_HISTORY, "status=Invalid Password", "login_type=SOAP API",
		   NULL);
	add(&f, m, &ev, NULL);
	CHECK_INT(correlate_supports(&f, f.by_rule[R_AUTH], R_PASSWORD), 1);
	CHECK_INT(correlate_supports(&f, f.by_rule[R_AUTH], R_LOCKED), 0);
	correlate(&f);
	CHECK_INT(f.by_rule[R_AUTH]->explained_by, R_API_PASSWORD);
	CHECK_INT(f.by_rule[R_PASSWORD]->explained_by, -1);
	findings_free(&f);
	matcher_free(m);
	unload(rs);
}

static void cleanup(void)
{
	sb_free(&errors);
}

UNIT_MAIN(test_matcher, test_limits, test_findings, test_correlation, cleanup)
