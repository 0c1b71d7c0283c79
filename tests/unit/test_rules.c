/*
 * test_rules.c - the rule loader, header mapping, code tables and matcher.
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/util.h"
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

static const char *fields_conf = "# test fields\n"
				 "field time   Login Time | TIMESTAMP_DERIVED | TIMESTAMP\n"
				 "field user   Username | USER_NAME\n"
				 "field user_id  User ID | USER_ID_DERIVED\n"
				 "field source_ip Source IP | CLIENT_IP\n"
				 "field status Status | LOGIN_STATUS\n"
				 "field status_code\n"
				 "field login_type Login Type\n"
				 "field application Application\n"
				 "fallback user user_id\n"
				 "field http_status\n"
				 "field host\n"
				 "field scheme\n"
				 "field path\n"
				 "field method\n"
				 "field grant_type\n"
				 "field content_type\n"
				 "field body_kind\n"
				 "field error\n"
				 "field error_description\n"
				 "field error_uri\n"
				 "field error_code\n"
				 "field message\n"
				 "field access_token\n"
				 "field client\n"
				 "field base_url\n"
				 "field password\n"
				 "field security_token\n"
				 "field padded\n"
				 "field empty\n"
				 "field unknown_keys\n"
				 "field action\nfield display\nfield section\nfield delegate_user\n"
				 "require status\n"
				 "success status ~ /^success$/i\n";

static const char *codes_conf = "code status LOGIN_NO_ERROR Success\n"
				"code status LOGIN_ERROR_RESTRICTED_DOMAIN Restricted IP\n"
				"code login_type i Remote Access 2.0\n"
				"code login_type I Other Apex API\n";

static const char *good_rules = "rule token-required\n"
				"  title  Security token missing for {user}\n"
				"  severity error\n"
				"  applies login-history\n"
				"  when status ~ /^(failed: )?invalid password$/i\n"
				"  when login_type ~ /^(remote access 2\\.0|other apex api)$/i\n"
				"  fix Reset the token \\\n"
				"      of {user} ({count} times).\n"
				"  ref https://example.invalid/a#b\n"
				"  example status=Invalid Password; login_type=i\n"
				"  counter status=Invalid Password; login_type=Application\n"
				"end\n"
				"\n"
				"rule bad-password\n"
				"  title  Wrong password\n"
				"  severity warning\n"
				"  applies login-history\n"
				"  when status ~ /^invalid password$/i\n"
				"  when status !~ /x{3}/\n"
				"  fix Type it again\n"
				"  ref manual\n"
				"  example status=Invalid Password; login_type=Application\n"
				"  counter status=Restricted IP\n"
				"end\n";

/* The messages a report needs (report_conf.h), and no evidence rows. */
static const char *report_conf = "message coverage-gap  {history_first} {history_last} {events} "
				 "{is_are} {span} {where} {it_them}\n"
				 "message unknown-fix  none\n"
				 "message unknown-draft  none:\n"
				 "message page-title  T\n"
				 "message change-trigger  {first} {what} {user} {lead} {actor} "
				 "{change} {title}\n"
				 "message change-fixed  {time} {actor} {change}\n"
				 "message no-audit-trail  {changes}\n"
				 "message advice-old-workbook  A\n"
				 "message advice-download  A\n"
				 "message advice-rtf  A\n"
				 "message advice-ods  A\n"
				 "message advice-email  A\n"
				 "draft rule d\n"
				 "draft end\n";

static void setup(const char *rules)
{
	strcpy(dir, "/tmp/sfdiag-test-rules-XXXXXX");
	if (!mkdtemp(dir)) {
		perror("mkdtemp");
		exit(1);
	}
	write_file("fields.conf", fields_conf);
	write_file("codes.conf", codes_conf);
	write_file("report.conf", report_conf);
	write_file("a.rules", rules);
	sb_reset(&errors);
}

static void teardown(void)
{
	char cmd[128];
	snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
	if (system(cmd) != 0)
		fprintf(stderr, "cannot remove %s\n", dir);
}

static void test_normalize(void)
{
	char out[64];
	rules_normalize_header(" Source IP ", 11, out, sizeof out);
	CHECK_STR(out, "sourceip");
	rules_normalize_header("SOURCE_IP", 9, out, sizeof out);
	CHECK_STR(out, "sourceip");
	rules_normalize_header("\"Login-Time\"", 12, out, sizeof out);
	CHECK_STR(out, "logintime");
}

static void test_load_good(void)
{
	setup(good_rules);
	struct ruleset *rs = rules_load(dir, 1, collect, NULL);
	CHECK(rs != NULL);
	CHECK_STR(sb_str(&errors), "");
	if (!rs) {
		teardown();
		return;
	}
	CHECK_INT(rs->nrules, 2);
	CHECK_INT(rs->nfields, 33); /* 8 declared above plus the 25 the engine reads */
	CHECK_STR(rs->rules[0].fix[0], "Reset the token of {user} ({count} times).");
	CHECK_STR(rs->rules[0].refs[0], "https://example.invalid/a#b");
	CHECK(rs->rules[0].placeholders[rules_field(rs, "user")]);

	/* Header mapping: aliases in preference order, case and separators ignored. */
	int rank = -1;
	CHECK_INT(rules_field_for_header(rs, "timestampderived", &rank), rules_field(rs, "time"));
	CHECK_INT(rank, 1);
	CHECK_INT(rules_field_for_header(rs, "timestamp", &rank), rules_field(rs, "time"));
	CHECK_INT(rank, 2);
	CHECK_INT(rules_field_for_header(rs, "clientip", &rank), rules_field(rs, "source_ip"));
	CHECK_INT(rules_field_for_header(rs, "location", &rank), -1);

	/* Codes are case-sensitive and keep the raw code in FIELD_code. */
	int lt = rules_field(rs, "login_type");
	CHECK_STR(rules_code(rs, lt, "i", 1), "Remote Access 2.0");
	CHECK_STR(rules_code(rs, lt, "I", 1), "Other Apex API");
	CHECK(rules_code(rs, lt, "x", 1) == NULL);
	struct event ev;
	event_clear(&ev);
	ev.kind = KIND_LOGIN_HISTORY;
	int st = rules_field(rs, "status");
	event_set(&ev, rs, st, " LOGIN_ERROR_RESTRICTED_DOMAIN ", 31);
	CHECK(ev.len[st] == strlen("Restricted IP") &&
	      memcmp(ev.val[st], "Restricted IP", 13) == 0);
	int sc = rules_field(rs, "status_code");
	CHECK(ev.len[sc] == 29 && memcmp(ev.val[sc], "LOGIN_ERROR_RESTRICTED_DOMAIN", 29) == 0);

	/* Data Loader formula guard, fallback, and the time field. */
	int uid = rules_field(rs, "user_id"), user = rules_field(rs, "user");
	event_set(&ev, rs, uid, "'=005000000000001", 17);
	event_finish(&ev, rs);
	CHECK(ev.len[user] == 16 && memcmp(ev.val[user], "=005000000000001", 16) == 0);
	event_set(&ev, rs, rules_field(rs, "time"), "2026-11-03T14:02:00Z", 20);
	CHECK_INT(ev.time_ms, 1793714520000LL);

	/* Classification: success first, then the first rule that holds. */
	struct matcher *m = matcher_new(rs);
	event_clear(&ev);
	ev.kind = KIND_LOGIN_HISTORY;
	event_set(&ev, rs, st, "LOGIN_NO_ERROR", 14);
	CHECK_INT(matcher_classify(m, &ev), MATCH_SUCCESS);
	event_set(&ev, rs, st, "Invalid Password", 16);
	event_set(&ev, rs, lt, "i", 1);
	CHECK_INT(matcher_classify(m, &ev), 0);
	CHECK_INT(matcher_classify(m, &ev), 0); /* cached verdict */
	event_set(&ev, rs, lt, "Application", 11);
	CHECK_INT(matcher_classify(m, &ev), 1);
	CHECK(matcher_rule_holds(m, 1, &ev));
	CHECK(!matcher_rule_holds(m, 0, &ev));
	event_set(&ev, rs, st, "Quantum flux", 12);
	CHECK_INT(matcher_classify(m, &ev), MATCH_NONE);
	/* An absent field reads as empty. */
	event_clear(&ev);
	ev.kind = KIND_LOGIN_HISTORY;
	CHECK_INT(matcher_classify(m, &ev), MATCH_NONE);
	matcher_free(m);
	rules_free(rs);
	teardown();
}

/* Load text as the only rules file and return the error text. */
static const char *load_errors(const char *rules)
{
	setup(rules);
	struct ruleset *rs = rules_load(dir, 1, collect, NULL);
	CHECK(rs == NULL);
	rules_free(rs);
	teardown();
	return sb_str(&errors);
}

static int contains(const char *hay, const char *needle)
{
	if (!strstr(hay, needle)) {
		fprintf(stderr, "missing \"%s\" in:\n%s", needle, hay);
		return 0;
	}
	return 1;
}

static void test_errors(void)
{
	char want[160];
	const char *e = load_errors("rule x\n  title t\n  severity error\n  applies login-history\n"
				    "  when status ~ /ab(c[d/\n  fix f\n  ref r\n"
				    "  example status=a\n  counter status=b\nend\n");
	/* The pattern starts at column 18 of the directive; PCRE2 reports offset 6. */
	snprintf(want, sizeof want, "%s/a.rules:5:", dir);
	CHECK(contains(e, want));
	CHECK(contains(e, "bad pattern at offset 6: missing terminating ] for character class"));

	e = load_errors("rule y\n  title t\n  severity fatal\nend\n");
	snprintf(want, sizeof want, "%s/a.rules:3:12: severity must be info, warning or error",
		 dir);
	CHECK(contains(e, want));
	CHECK(contains(e, "rule y has no when"));
	CHECK(contains(e, "rule y has no example"));

	e = load_errors("rule z\n  when nosuch ~ /a/\n  fix {nosuch}\n  frobnicate 1\nend\n");
	CHECK(contains(e, "a.rules:2:8: unknown field 'nosuch'"));
	CHECK(contains(e, "a.rules:3:7: unknown placeholder {nosuch}"));
	CHECK(contains(e, "a.rules:4:3: unknown directive 'frobnicate'"));

	e = load_errors("title outside\nrule Bad_Id\n");
	CHECK(contains(e, "a.rules:1:1: 'title' outside a stanza"));
	CHECK(contains(e, "a.rules:2:6: rule id 'Bad_Id' must be lower case"));

	e = load_errors("rule a\n  when status ~ /a/q\n");
	CHECK(contains(e, "unknown pattern flag 'q'"));
	CHECK(contains(e, "rule a is missing its 'end'"));

	e = load_errors("rule a\n  when status = /a/\nend\n");
	CHECK(contains(e,
		       "a.rules:2:15: expected ~, !~, ==, !=, starts-with, ends-with or contains"));
}

/* fields.conf `alias` and `expect`: more headers for a declared field, and
 * what a login export lacks without a column. */
static void test_alias_expect(void)
{
	struct strbuf conf = {0};
	int rank;
	sb_adds(&conf, fields_conf);
	sb_adds(&conf, "alias user   Benutzername | Username | ユーザ名\n"
		       "alias time   Heure de connexion\n"
		       "expect user warning no Username column: users are unknown\n"
		       "expect application info no Application column\n");
	setup(good_rules);
	write_file("fields.conf", sb_str(&conf));
	struct ruleset *rs = rules_load(dir, 1, collect, NULL);
	CHECK(rs != NULL);
	CHECK_STR(sb_str(&errors), "");
	int user = rules_field(rs, "user");
	CHECK_INT(rules_field_for_header(rs, "benutzername", &rank), user);
	CHECK_INT(rank, 1); /* after Username (= USER_NAME); the repeat is skipped */
	CHECK_INT(rules_field_for_header(rs, "ユーザ名", &rank), user);
	CHECK_INT(rank, 2);
	CHECK_INT(rules_field_for_header(rs, "heuredeconnexion", &rank), rules_field(rs, "time"));
	CHECK_INT(rs->nexpects, 2);
	CHECK_INT(rs->expects[0].field, user);
	CHECK_INT(rs->expects[0].level, NOTE_WARNING);
	CHECK_STR(rs->expects[0].text, "no Username column: users are unknown");
	CHECK_INT(rs->expects[1].level, NOTE_INFO);
	rules_free(rs);
	teardown();

	sb_reset(&conf);
	sb_adds(&conf, fields_conf);
	sb_adds(&conf, "alias nosuch  Foo\n"
		       "alias user    Source IP\n"
		       "alias user\n"
		       "expect user  fatal users are unknown\n"
		       "expect time  warning\n");
	setup(good_rules);
	write_file("fields.conf", sb_str(&conf));
	rs = rules_load(dir, 1, collect, NULL);
	CHECK(rs == NULL);
	const char *e = sb_str(&errors);
	CHECK(contains(e, "alias: unknown field 'nosuch'"));
	CHECK(contains(e, "alias 'Source IP' already belongs to field 'source_ip'"));
	CHECK(contains(e, "alias: no header given for field 'user'"));
	CHECK(contains(e, "expect user: level must be info or warning, not 'fatal'"));
	CHECK(contains(e, "expect time: say what the report lacks without it"));
	rules_free(rs);
	teardown();
	sb_free(&conf);
}

static void test_severity(void)
{
	enum severity s;
	CHECK_INT(severity_parse("warning", &s), 0);
	CHECK_INT(s, SEV_WARNING);
	CHECK_INT(severity_parse("never", &s), 0);
	CHECK_INT(s, SEV_NONE);
	CHECK_INT(severity_parse("fatal", &s), -1);
	CHECK_STR(severity_name(SEV_ERROR), "error");
}

static void cleanup(void)
{
	sb_free(&errors);
}

UNIT_MAIN(test_normalize, test_load_good, test_errors, test_alias_expect, test_severity, cleanup)
