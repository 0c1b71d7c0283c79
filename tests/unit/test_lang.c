/*
 * test_lang.c - the rule language: the lexer every rules file is read with,
 * the pattern compiler (flags, define and %{NAME}), any/all/none blocks and
 * field lists, comparisons of two fields, shared fix steps, and how
 * conditions are described.  Every rules file is written here, so a change
 * to the shipped rules cannot change these tests.
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "adapt/event.h"
#include "base/util.h"
#include "engine/matcher.h"
#include "engine/selftest.h"
#include "rules/lexer.h"
#include "rules/pattern.h"
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

static const char *path_in(const char *name)
{
	static char path[128];
	snprintf(path, sizeof path, "%s/%s", dir, name);
	return path;
}

static void write_file(const char *name, const char *text)
{
	FILE *fp = fopen(path_in(name), "w");
	if (!fp) {
		perror(name);
		exit(1);
	}
	fputs(text, fp);
	fclose(fp);
}

static int contains(const char *hay, const char *needle)
{
	if (!strstr(hay, needle)) {
		fprintf(stderr, "missing \"%s\" in:\n%s", needle, hay);
		return 0;
	}
	return 1;
}

/* The fields the engine binds by name, and a few for the tests. */
static const char *fields_conf =
    "field time\nfield user\nfield application\nfield status\nfield source_ip\n"
    "field http_status\nfield host\nfield scheme\nfield path\nfield method\n"
    "field grant_type\nfield content_type\nfield body_kind\nfield error\n"
    "field error_description\nfield error_uri\nfield error_code\nfield message\n"
    "field access_token\nfield client\nfield base_url\nfield padded\nfield empty\n"
    "field unknown_keys\nfield password\nfield security_token\nfield login_type\n"
    "field action\nfield display\nfield section\nfield delegate_user\n"
    "require status\n";

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

static void setup(void)
{
	strcpy(dir, "/tmp/sfdiag-test-lang-XXXXXX");
	if (!mkdtemp(dir)) {
		perror("mkdtemp");
		exit(1);
	}
	write_file("fields.conf", fields_conf);
	write_file("codes.conf", "code status X_LOCKED Password Lockout\n");
	write_file("report.conf", report_conf);
	sb_reset(&errors);
}

static void teardown(void)
{
	char cmd[128];
	snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
	if (system(cmd) != 0)
		fprintf(stderr, "cannot remove %s\n", dir);
}

/* Load a directory whose a.rules (and patterns.conf, if given) are these. */
static struct ruleset *load(const char *rules, const char *patterns)
{
	setup();
	write_file("a.rules", rules);
	if (patterns)
		write_file("patterns.conf", patterns);
	return rules_load(dir, 1, collect, NULL);
}

/* A rule stanza around conditions, with the parts every rule needs. */
static char *rule_with(const char *id, const char *kind, const char *conds)
{
	struct strbuf sb = {0};
	sb_printf(&sb,
		  "rule %s\n  title t\n  severity error\n  applies %s\n%s  fix f\n  ref r\n"
		  "  example status=x\n  counter status=y\nend\n",
		  id, kind, conds);
	return sb.buf;
}

/* An event of kind with "field=value" pairs (NULL-terminated). */
static void make_event(struct event *ev, const struct ruleset *rs, unsigned kind, ...)
{
	va_list ap;
	event_clear(ev);
	ev->kind = kind;
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
		event_set(ev, rs, f, eq + 1, strlen(eq + 1));
	}
	va_end(ap);
	event_finish(ev, rs);
}

/* ---- the lexer ---- */

static void test_lexer(void)
{
	setup();
	write_file("x.conf", "# a comment \\\n"
			     "one\n"
			     "\n"
			     "   two   \\\n"
			     "\t  three\\\n"
			     "  # not a comment: a continuation\n"
			     "four \\\n");
	struct lexer lx;
	CHECK_INT(lex_open(&lx, path_in("x.conf"), collect, NULL), 0);
	char *t = lex_next(&lx);
	/* A comment is one physical line: its backslash continues nothing. */
	CHECK_STR(t, "one");
	CHECK_INT(lx.line, 2);
	t = lex_next(&lx);
	CHECK_STR(t, "two three # not a comment: a continuation");
	CHECK_INT(lx.line, 4);
	/* Positions map back through the continuations. */
	int line;
	size_t col;
	lex_where(&lx, t, &line, &col);
	CHECK_INT(line, 4);
	CHECK_INT(col, 4);
	lex_where(&lx, strstr(t, "three"), &line, &col);
	CHECK_INT(line, 5);
	CHECK_INT(col, 4);
	lex_where(&lx, strstr(t, "# not"), &line, &col);
	CHECK_INT(line, 6);
	CHECK_INT(col, 3);
	lex_error(&lx, strstr(t, "three"), "here %d", 1);
	CHECK(contains(sb_str(&errors), "x.conf:5:4: here 1\n"));
	lex_error(&lx, NULL, "whole line");
	CHECK(contains(sb_str(&errors), "x.conf:4: whole line\n"));
	/* A backslash on the last line: the text so far is still a line. */
	t = lex_next(&lx);
	CHECK_STR(t, "four");
	CHECK(lex_next(&lx) == NULL);
	CHECK_INT(lx.nerrors, 2);
	lex_close(&lx);

	/* A line over SFDIAG_MAX_RULE_LINE, and one with a NUL byte, are
	 * reported and skipped whole; the lines around them are read. */
	FILE *fp = fopen(path_in("y.conf"), "w");
	fputs("before\nlong \\\n", fp);
	for (int i = 0; i < SFDIAG_MAX_RULE_LINE; i++)
		fputc('x', fp);
	fputs("\nnul", fp);
	fputc('\0', fp);
	fputs("byte\nafter\n", fp);
	fclose(fp);
	sb_reset(&errors);
	CHECK_INT(lex_open(&lx, path_in("y.conf"), collect, NULL), 0);
	CHECK_STR(lex_next(&lx), "before");
	CHECK_STR(lex_next(&lx), "after");
	CHECK(lex_next(&lx) == NULL);
	CHECK(contains(sb_str(&errors), "y.conf:2: line longer than SFDIAG_MAX_RULE_LINE"));
	CHECK(contains(sb_str(&errors), "y.conf:4: NUL byte in the line"));
	CHECK_INT(lx.nerrors, 2);
	lex_close(&lx);

	CHECK_INT(lex_open(&lx, path_in("missing.conf"), collect, NULL), -1);

	/* A file over SFDIAG_MAX_RULE_FILE is refused before a byte is read. */
	fp = fopen(path_in("big.conf"), "w");
	CHECK(fp && ftruncate(fileno(fp), (off_t)SFDIAG_MAX_RULE_FILE + 1) == 0);
	fclose(fp);
	sb_reset(&errors);
	CHECK_INT(lex_open(&lx, path_in("big.conf"), collect, NULL), -2);
	CHECK(contains(sb_str(&errors), "big.conf: larger than SFDIAG_MAX_RULE_FILE (16 MiB)"));
	teardown();
}

/* ---- the pattern compiler ---- */

/* Compile the argument text as written on a line of z.conf. */
static int compile(const char *line, struct pattern_defs *defs, struct pattern *p)
{
	write_file("z.conf", line);
	struct lexer lx;
	if (lex_open(&lx, path_in("z.conf"), collect, NULL) != 0)
		return -2;
	char *t = lex_next(&lx), *after, *arg;
	if (!t)
		return -2;
	str_take_word(t, &arg); /* the directive's name */
	int rc = pattern_compile(&lx, defs, arg, 0, p, &after);
	lex_close(&lx);
	return rc;
}

static int matches(const struct pattern *p, const char *s)
{
	pcre2_match_data *md = pcre2_match_data_create(1, NULL);
	int rc = pcre2_match(p->re, (PCRE2_SPTR)s, strlen(s), 0, 0, md, NULL);
	pcre2_match_data_free(md);
	return rc >= 0;
}

static void define_line(struct pattern_defs *defs, const char *line)
{
	write_file("d.conf", line);
	struct lexer lx;
	lex_open(&lx, path_in("d.conf"), collect, NULL);
	char *t = lex_next(&lx);
	pattern_define(&lx, defs, t + strlen("define "), 0);
	lex_close(&lx);
}

static void test_pattern(void)
{
	struct pattern p;
	struct pattern_defs defs = {0};
	setup();

	/* One meaning per flag. */
	CHECK_INT(compile("when /abc/i\n", NULL, &p), 0);
	CHECK(matches(&p, "xABCx"));
	CHECK_STR(p.source, "abc");
	CHECK_STR(p.flags, "i");
	pattern_free(&p);
	CHECK_INT(compile("when /a.c/s\n", NULL, &p), 0);
	CHECK(matches(&p, "a\nc"));
	pattern_free(&p);
	CHECK_INT(compile("when /a.c/\n", NULL, &p), 0);
	CHECK(!matches(&p, "a\nc"));
	pattern_free(&p);
	CHECK_INT(compile("when /^b$/m\n", NULL, &p), 0);
	CHECK(matches(&p, "a\nb\nc"));
	pattern_free(&p);
	CHECK_INT(compile("when /a b  c/x\n", NULL, &p), 0);
	CHECK(matches(&p, "abc"));
	pattern_free(&p);
	/* The pattern ends at the last '/': one in the middle is text. */
	CHECK_INT(compile("when /^\\/services\\/oauth2/token$/\n", NULL, &p), 0);
	CHECK(matches(&p, "/services/oauth2/token"));
	pattern_free(&p);
	/* An invalid byte in a value is no error, just never matched. */
	CHECK_INT(compile("when /b/\n", NULL, &p), 0);
	CHECK(matches(&p, "a\xff"
			  "b"));
	pattern_free(&p);
	/* Unnamed groups do not capture; named ones do. */
	CHECK_INT(compile("when /(a)(?<n>b)/\n", NULL, &p), 0);
	uint32_t groups = 0;
	pcre2_pattern_info(p.re, PCRE2_INFO_CAPTURECOUNT, &groups);
	CHECK_INT(groups, 1);
	pattern_free(&p);

	/* Errors point at the byte. */
	sb_reset(&errors);
	CHECK_INT(compile("when /abc/iq\n", NULL, &p), -1);
	CHECK(
	    contains(sb_str(&errors), "z.conf:1:12: unknown pattern flag 'q' (use i, m, s or x)"));
	sb_reset(&errors);
	CHECK_INT(compile("when  /ab(c/\n", NULL, &p), -1);
	CHECK(contains(sb_str(&errors),
		       "z.conf:1:12: bad pattern at offset 4: missing closing parenthesis"));
	sb_reset(&errors);
	CHECK_INT(compile("when abc\n", NULL, &p), -1);
	CHECK(contains(sb_str(&errors), "expected a pattern written /RE/FLAGS"));
	teardown();

	/* define: a name for a pattern, spliced in with its own flags. */
	setup();
	define_line(&defs, "define failed /(?:failed:\\s*)?/i\n");
	define_line(&defs, "define upper /ABC/\n");
	define_line(&defs, "define both /%{failed}%{upper}/\n");
	CHECK_STR(errors.len ? errors.buf : "", "");
	CHECK_INT(defs.n, 3);
	CHECK_STR(defs.d[0].expansion, "(?^ni:(?:failed:\\s*)?)");
	CHECK_INT(compile("when /^%{failed}invalid password$/\n", &defs, &p), 0);
	CHECK(matches(&p, "FAILED: invalid password"));
	CHECK(matches(&p, "invalid password"));
	CHECK(!matches(&p, "Invalid Password")); /* the caller's flags stay its own */
	CHECK_STR(p.source, "^%{failed}invalid password$");
	pattern_free(&p);
	CHECK_INT(compile("when /^x%{upper}$/i\n", &defs, &p), 0);
	CHECK(matches(&p, "XABC"));
	CHECK(!matches(&p, "xabc")); /* and the define's too */
	pattern_free(&p);
	CHECK_INT(compile("when /^%{both}$/\n", &defs, &p), 0);
	CHECK(matches(&p, "Failed: ABC"));
	pattern_free(&p);
	CHECK_INT(defs.d[0].uses, 2); /* once directly, once through both */
	CHECK_INT(compile("when /100\\%{x}/\n", &defs, &p), 0);
	CHECK(matches(&p, "100%{x}"));
	pattern_free(&p);

	sb_reset(&errors);
	CHECK_INT(compile("when /a%{nosuch}b/\n", &defs, &p), -1);
	CHECK(
	    contains(sb_str(&errors),
		     "z.conf:1:8: unknown pattern %{nosuch}: define it first with `define nosuch"));
	sb_reset(&errors);
	CHECK_INT(compile("when /a%{Bad Name}/\n", &defs, &p), -1);
	CHECK(contains(sb_str(&errors), "z.conf:1:8: '%{' must start a reference %{NAME}"));
	sb_reset(&errors);
	define_line(&defs, "define upper /x/\n");
	CHECK(contains(sb_str(&errors), "d.conf:1:8: define upper: already defined at"));
	sb_reset(&errors);
	define_line(&defs, "define broken /a(/\n");
	CHECK(contains(sb_str(&errors), "d.conf:1:18: bad pattern at offset 2"));
	CHECK_INT(defs.n, 3);
	pattern_defs_free(&defs);
	teardown();
}

/* ---- conditions: any, all, none, field lists ---- */

static void test_any(void)
{
	char *r1 = rule_with("sf-invalid-client", "token-response",
			     "  when error ~ /^invalid_client$/\n"
			     "  any\n"
			     "    when host ~ /\\.salesforce\\.com$/\n"
			     "    all\n"
			     "      when host !~ /./\n"
			     "      when client ~ /^(?:jsforce|restforce)$/\n"
			     "    end\n"
			     "  end\n");
	char *r2 = rule_with("lockout", "login-history",
			     "  when status|message ~ /lockout/i\n"
			     "  none\n"
			     "    when login_type ~ /saml/i\n"
			     "    when application ~ /^browser$/i\n"
			     "  end\n");
	struct strbuf all = {0};
	sb_printf(&all, "%s\n%s", r1, r2);
	struct ruleset *rs = load(all.buf, NULL);
	CHECK_STR(errors.len ? errors.buf : "", "");
	CHECK(rs != NULL);
	if (!rs)
		goto out;
	struct matcher *m = matcher_new(rs);
	struct event ev;
	const unsigned tok = KIND_TOKEN_RESPONSE, lh = KIND_LOGIN_HISTORY;

	make_event(&ev, rs, tok, "error=invalid_client", "host=acme.my.salesforce.com", NULL);
	CHECK_INT(matcher_classify(m, &ev), 0);
	make_event(&ev, rs, tok, "error=invalid_client", "client=jsforce", NULL);
	CHECK_INT(matcher_classify(m, &ev), 0);
	/* Neither branch: another host, or no host and no Salesforce client. */
	make_event(&ev, rs, tok, "error=invalid_client", "host=sso.example", "client=jsforce",
		   NULL);
	CHECK_INT(matcher_classify(m, &ev), MATCH_NONE);
	make_event(&ev, rs, tok, "error=invalid_client", "client=curl", NULL);
	CHECK_INT(matcher_classify(m, &ev), MATCH_NONE);
	make_event(&ev, rs, tok, "error=invalid_grant", "host=login.salesforce.com", NULL);
	CHECK_INT(matcher_classify(m, &ev), MATCH_NONE);

	/* A field list holds when either field matches; none holds when no
	 * member does.  Codes apply before matching. */
	make_event(&ev, rs, lh, "status=X_LOCKED", "application=Data Loader", NULL);
	CHECK_INT(matcher_classify(m, &ev), 1);
	make_event(&ev, rs, lh, "status=Failed", "message=Password lockout", NULL);
	CHECK_INT(matcher_classify(m, &ev), 1);
	make_event(&ev, rs, lh, "status=Password Lockout", "login_type=SAML Sfdc Initiated SSO",
		   NULL);
	CHECK_INT(matcher_classify(m, &ev), MATCH_NONE);
	make_event(&ev, rs, lh, "status=Password Lockout", "application=Browser", NULL);
	CHECK_INT(matcher_classify(m, &ev), MATCH_NONE);
	make_event(&ev, rs, lh, "status=Invalid Password", NULL);
	CHECK_INT(matcher_classify(m, &ev), MATCH_NONE);

	/* The same answers again come from the caches. */
	make_event(&ev, rs, tok, "error=invalid_client", "client=jsforce", NULL);
	CHECK_INT(matcher_classify(m, &ev), 0);
	make_event(&ev, rs, lh, "status=Password Lockout", "application=Browser", NULL);
	CHECK_INT(matcher_classify(m, &ev), MATCH_NONE);

	/* The tree, as --explain shows it. */
	struct strbuf d = {0};
	rules_describe_conds(rs, rs->rules[0].conds, rs->rules[0].nconds, &d, 2);
	CHECK_STR(sb_str(&d), "  error ~ /^invalid_client$/\n"
			      "  any of:\n"
			      "    host ~ /\\.salesforce\\.com$/\n"
			      "    all of:\n"
			      "      host !~ /./\n"
			      "      client ~ /^(?:jsforce|restforce)$/\n");
	CHECK_INT(rules_count_tests(&rs->rules[0]), 4);
	sb_free(&d);
	matcher_free(m);
	rules_free(rs);
out:
	free(r1);
	free(r2);
	sb_free(&all);
	teardown();
}

/* `rules test` wants an example for every alternative of an `any`. */
static void test_any_coverage(void)
{
	const char *text =
	    "rule a\n  title t\n  severity error\n  applies login-history\n"
	    "  any\n    when status ~ /^locked$/i\n    all\n"
	    "      when status ~ /^failed$/i\n      when login_type ~ /api/i\n"
	    "    end\n    when login_type ~ /^saml$/i\n  end\n"
	    "  fix f\n  ref r\n  example status=Locked\n"
	    "  example status=Failed; login_type=SOAP API\n  counter status=x\nend\n";
	struct ruleset *rs = load(text, NULL);
	CHECK(rs != NULL);
	if (rs) {
		char *buf = NULL;
		size_t len = 0;
		FILE *out = open_memstream(&buf, &len);
		CHECK_INT(selftest_run(rs, out), 1);
		fclose(out);
		CHECK(contains(buf, "a.rules:11: rule a: no example takes this alternative of the "
				    "'any' block of line 5\n"));
		CHECK(contains(buf, "rules test: 5 passed, 1 failed\n"));
		free(buf);
		rules_free(rs);
	}
	teardown();
}

static void test_block_errors(void)
{
	char *r = rule_with("a", "login-history",
			    "  any\n    when status ~ /a/\n    fix inside\n  end\n");
	struct ruleset *rs = load(r, NULL);
	CHECK(rs == NULL);
	CHECK(contains(sb_str(&errors), "a.rules:7:5: 'fix' inside the 'any' block of line 5"));
	free(r);
	teardown();

	r = rule_with("a", "login-history", "  none\n  end\n  when status ~ /a/\n");
	rs = load(r, NULL);
	CHECK(rs == NULL);
	CHECK(contains(sb_str(&errors), "a.rules:5: empty 'none' block"));
	free(r);
	teardown();

	rs = load("rule a\n  any\n    when status ~ /a/\nrule b\n", NULL);
	CHECK(rs == NULL);
	CHECK(contains(sb_str(&errors), "a.rules:2: the 'any' block has no 'end'"));
	CHECK(
	    contains(sb_str(&errors),
		     "a.rules:1: rule a is missing its 'end' (the next stanza starts at line 4)"));
	teardown();

	struct strbuf deep = {0};
	for (int i = 0; i <= SFDIAG_MAX_COND_DEPTH; i++)
		sb_adds(&deep, "  all\n");
	sb_adds(&deep, "  when status ~ /a/\n");
	for (int i = 0; i <= SFDIAG_MAX_COND_DEPTH; i++)
		sb_adds(&deep, "  end\n");
	r = rule_with("a", "login-history", deep.buf);
	rs = load(r, NULL);
	CHECK(rs == NULL);
	CHECK(contains(sb_str(&errors), "blocks nested deeper than SFDIAG_MAX_COND_DEPTH"));
	free(r);
	sb_free(&deep);
	teardown();

	r = rule_with("a", "login-history", "  any extra\n  when status ~ /a/\n  end\n");
	rs = load(r, NULL);
	CHECK(rs == NULL);
	CHECK(contains(sb_str(&errors), "a.rules:5:7: 'any' opens a block and takes nothing"));
	free(r);
	teardown();
}

/* ---- comparing two fields ---- */

static void test_compare(void)
{
	static const char *const ops[] = {"==", "!=", "starts-with", "ends-with", "contains"};
	struct strbuf all = {0};
	for (size_t i = 0; i < sizeof ops / sizeof ops[0]; i++) {
		char conds[96], id[16];
		snprintf(id, sizeof id, "op%zu", i);
		snprintf(conds, sizeof conds, "  when password %s security_token\n", ops[i]);
		char *r = rule_with(id, "settings", conds);
		sb_adds(&all, r);
		free(r);
	}
	struct ruleset *rs = load(all.buf, NULL);
	CHECK_STR(errors.len ? errors.buf : "", "");
	CHECK(rs != NULL);
	if (!rs)
		goto out;
	struct matcher *m = matcher_new(rs);
	struct event ev;
	/* Which of ==, !=, starts-with, ends-with, contains hold: */
	static const struct {
		const char *password, *token, *holds;
	} cases[] = {
	    {"pwTOKEN", "TOKEN", "01011"},
	    {"TOKENpw", "TOKEN", "01101"},
	    {"pTOKENw", "TOKEN", "01001"},
	    {"TOKEN", "TOKEN", "10111"},
	    {"pw", "TOKEN", "01000"},
	    {"TOK", "TOKEN", "01000"},
	    {"tokenPW", "TOKEN", "01000"}, /* exact bytes: case counts */
	    {"", "TOKEN", "00000"},	   /* an empty side: nothing holds */
	    {"pw", "", "00000"},
	    {"  pwTOKEN ", " TOKEN", "01011"}, /* values are trimmed first */
	};
	for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
		char pw[64], tk[64];
		snprintf(pw, sizeof pw, "password=%s", cases[c].password);
		snprintf(tk, sizeof tk, "security_token=%s", cases[c].token);
		make_event(&ev, rs, KIND_SETTINGS, pw, tk, NULL);
		for (size_t i = 0; i < rs->nrules; i++) {
			int want = cases[c].holds[i] == '1';
			if (matcher_rule_holds(m, i, &ev) != want)
				fprintf(stderr, "compare: '%s' %s '%s' should be %d\n",
					cases[c].password, ops[i], cases[c].token, want);
			CHECK_INT(matcher_rule_holds(m, i, &ev), want);
		}
	}
	struct strbuf d = {0};
	rules_describe_conds(rs, rs->rules[3].conds, rs->rules[3].nconds, &d, 0);
	CHECK_STR(sb_str(&d), "password ends-with security_token\n");
	sb_free(&d);
	matcher_free(m);
	rules_free(rs);
out:
	sb_free(&all);
	teardown();

	char *r = rule_with("a", "settings", "  when password|user ends-with security_token\n");
	CHECK(load(r, NULL) == NULL);
	CHECK(contains(sb_str(&errors), "a.rules:5:8: a comparison takes one field on each side"));
	free(r);
	teardown();
	r = rule_with("a", "settings", "  when password == nosuch\n");
	CHECK(load(r, NULL) == NULL);
	CHECK(contains(sb_str(&errors), "a.rules:5:20: unknown field 'nosuch'"));
	free(r);
	teardown();
	r = rule_with("a", "settings", "  when password == password\n");
	CHECK(load(r, NULL) == NULL);
	CHECK(contains(sb_str(&errors), "'password' is compared with itself"));
	free(r);
	teardown();
	r = rule_with("a", "settings", "  when password ends-with\n");
	CHECK(load(r, NULL) == NULL);
	CHECK(contains(sb_str(&errors), "'ends-with' needs a field after it"));
	free(r);
	teardown();
}

/* ---- define in rules files, and patterns.conf ---- */

static void test_define_rules(void)
{
	char *r = rule_with("a", "login-history", "  when status ~ /^%{failed}locked$/i\n");
	struct strbuf sb = {0};
	sb_printf(&sb, "define locked-out /locked/\n%s", r);
	struct ruleset *rs = load(sb.buf, "# shared patterns\ndefine failed /(?:failed:\\s*)?/i\n");
	CHECK_STR(errors.len ? errors.buf : "", "");
	CHECK(rs != NULL);
	if (rs) {
		struct matcher *m = matcher_new(rs);
		struct event ev;
		make_event(&ev, rs, KIND_LOGIN_HISTORY, "status=Failed: Locked", NULL);
		CHECK_INT(matcher_classify(m, &ev), 0);
		make_event(&ev, rs, KIND_LOGIN_HISTORY, "status=Failed Locked", NULL);
		CHECK_INT(matcher_classify(m, &ev), MATCH_NONE);
		CHECK_INT(rs->defines.n, 2);
		CHECK_INT(rs->defines.d[0].uses, 1);
		CHECK_INT(rs->defines.d[1].uses, 0);
		CHECK(contains(rs->defines.d[0].file, "patterns.conf"));
		struct strbuf d = {0};
		rules_describe_conds(rs, rs->rules[0].conds, rs->rules[0].nconds, &d, 2);
		CHECK_STR(sb_str(&d), "  status ~ /^%{failed}locked$/i\n"
				      "  where %{failed} is /(?:failed:\\s*)?/i\n");
		sb_free(&d);
		matcher_free(m);
		rules_free(rs);
	}
	free(r);
	sb_free(&sb);
	teardown();

	/* Known from its line on: a use before the define is an error. */
	r = rule_with("a", "login-history", "  when status ~ /%{later}/\n");
	sb_printf(&sb, "%sdefine later /x/\n", r);
	CHECK(load(sb.buf, NULL) == NULL);
	CHECK(contains(sb_str(&errors), "a.rules:5:18: unknown pattern %{later}"));
	free(r);
	sb_free(&sb);
	teardown();

	CHECK(load("rule a\n  define x /y/\nend\n", "define ok /z/ trailing\n") == NULL);
	CHECK(contains(sb_str(&errors), "patterns.conf:1:15: define ok: unexpected text"));
	CHECK(contains(sb_str(&errors), "rule a is missing its 'end'"));
	teardown();
}

/* ---- shared steps ---- */

static void test_steps(void)
{
	const char *text = "rule a\n  title t\n  severity error\n  applies login-history\n"
			   "  when status ~ /x/\n  fix first {user}\n  fix @reset\n  fix last\n"
			   "  ref r\n  example status=x\n  counter status=y\nend\n"
			   "\n"
			   "steps reset\n"
			   "  fix Reset the token of {application}.\n"
			   "  fix Wait a minute.\n"
			   "end\n"
			   "steps unused\n  fix x\nend\n";
	struct ruleset *rs = load(text, NULL);
	CHECK_STR(errors.len ? errors.buf : "", "");
	CHECK(rs != NULL);
	if (rs) {
		const struct rule *r = &rs->rules[0];
		CHECK_INT(r->nfix, 4);
		CHECK_STR(r->fix[0], "first {user}");
		CHECK_STR(r->fix[1], "Reset the token of {application}.");
		CHECK_STR(r->fix[2], "Wait a minute.");
		CHECK_STR(r->fix[3], "last");
		CHECK_INT(r->fix_from[0], -1);
		CHECK_INT(r->fix_from[1], 0);
		CHECK_INT(r->fix_from[2], 0);
		CHECK_INT(r->fix_from[3], -1);
		/* A placeholder of shared steps is the including rule's. */
		CHECK_INT(r->placeholders[rs->f.application], 1);
		CHECK_INT(rs->nsteps, 2);
		CHECK_INT(rs->steps[0].uses, 1);
		CHECK_INT(rs->steps[1].uses, 0);
		CHECK(rules_find_steps(rs, "reset") == &rs->steps[0]);
		rules_free(rs);
	}
	teardown();

	rs = load("rule a\n  title t\n  severity error\n  applies login-history\n"
		  "  when status ~ /x/\n  fix @nosuch\n  ref r\n  example status=x\n"
		  "  counter status=y\nend\n"
		  "steps s\n  fix @other\n  fix {nosuch}\n  cause x\nend\n"
		  "steps s\n  fix again\nend\n"
		  "steps empty\nend\n",
		  NULL);
	CHECK(rs == NULL);
	const char *e = sb_str(&errors);
	CHECK(contains(e, "a.rules:6: rule a: fix @nosuch: no steps named 'nosuch'"));
	CHECK(contains(e, "a.rules:12:7: steps s: shared steps cannot include others"));
	CHECK(contains(e, "a.rules:13:7: unknown placeholder {nosuch}"));
	CHECK(contains(e, "a.rules:14:3: steps s: expected 'fix TEXT' or 'end', got 'cause'"));
	CHECK(contains(e, "a.rules:16:7: steps s: already defined at"));
	CHECK(contains(e, "a.rules:19: steps empty has no fix"));
	teardown();
}

/* ---- success conditions and the directive files ---- */

static void test_conf(void)
{
	setup();
	write_file("fields.conf", "define ok /^\\s*success\\s*$/i\n");
	FILE *fp = fopen(path_in("fields.conf"), "a");
	fputs(fields_conf, fp);
	fputs("success status ~ /%{ok}/\n"
	      "array records\narray result.records\narray log.entries har\n"
	      "array a.b.c.d.e\narray bad..path\narray x hard\n",
	      fp);
	fclose(fp);
	write_file("secrets.conf", "mask /x/i\nmask /y/q\nmask /z/ tail\n");
	write_file("a.rules", "rule a\n  title t\n  severity error\n  applies login-history\n"
			      "  when status ~ /x/\n  fix f\n  ref r\n  example status=x\n"
			      "  counter status=y\nend\n");
	struct ruleset *rs = rules_load(dir, 1, collect, NULL);
	CHECK(rs == NULL);
	const char *e = sb_str(&errors);
	CHECK(contains(e, "fields.conf:38:15: array: a path of more than SFDIAG_MAX_JSON_PATH"));
	CHECK(contains(e, "fields.conf:39:11: array: the path needs keys"));
	CHECK(contains(e, "fields.conf:40:9: array: expected 'har' or nothing"));
	CHECK(contains(e, "secrets.conf:2:9: unknown pattern flag 'q'"));
	CHECK(contains(e, "secrets.conf:3:10: mask: unexpected text after the pattern"));

	/* Without the bad lines it loads, with the arrays in order. */
	sb_reset(&errors);
	write_file("fields.conf", "define ok /^\\s*success\\s*$/i\n");
	fp = fopen(path_in("fields.conf"), "a");
	fputs(fields_conf, fp);
	fputs("success status ~ /%{ok}/\narray records\narray result.records\n"
	      "array log.entries har\n",
	      fp);
	fclose(fp);
	write_file("secrets.conf", "mask /x/i\n");
	rs = rules_load(dir, 1, collect, NULL);
	CHECK_STR(errors.len ? errors.buf : "", "");
	CHECK(rs != NULL);
	if (rs) {
		CHECK_INT(rs->narrays, 3);
		CHECK_STR(rs->arrays[1].path, "result.records");
		CHECK_INT(rs->arrays[1].nparts, 2);
		CHECK_STR(rs->arrays[1].part[1], "records");
		CHECK_INT(rs->arrays[2].har, 1);
		CHECK_INT(rs->arrays[0].har, 0);
		struct matcher *m = matcher_new(rs);
		struct event ev;
		make_event(&ev, rs, KIND_LOGIN_HISTORY, "status= SUCCESS ", NULL);
		CHECK_INT(matcher_classify(m, &ev), MATCH_SUCCESS);
		matcher_free(m);
		rules_free(rs);
	}
	teardown();
}

static void cleanup(void)
{
	sb_free(&errors);
}

UNIT_MAIN(test_lexer, test_pattern, test_any, test_any_coverage, test_block_errors, test_compare,
	  test_define_rules, test_steps, test_conf, cleanup)
