/*
 * test_extract.c - the extract.conf loader and line matcher (extract.c),
 * against the real rules/fields.conf and rules/extract.conf.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "adapt/extract.h"
#include "base/util.h"
#include "rules/ruleset.h"
#include "unit.h"

static char dir[64];
static struct strbuf errors;
static struct ruleset *rs;
static struct extract_set *xs;
static struct extract_scanner *sc;
static struct event ev;

static void collect(void *ctx, const char *msg)
{
	(void)ctx;
	sb_adds(&errors, msg);
	sb_addc(&errors, '\n');
}

static const char *path_in(const char *name)
{
	static char path[160];
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

static void copy_file(const char *from, const char *name)
{
	struct strbuf sb = {0};
	char buf[4096];
	size_t got;
	FILE *fp = fopen(from, "r");
	if (!fp) {
		perror(from);
		exit(1);
	}
	while ((got = fread(buf, 1, sizeof buf, fp)) > 0)
		sb_add(&sb, buf, got);
	fclose(fp);
	write_file(name, sb_str(&sb));
	sb_free(&sb);
}

/* The real field registry, with one trivial rule so that the set loads. */
static void setup(void)
{
	strcpy(dir, "/tmp/sfdiag-test-extract-XXXXXX");
	if (!mkdtemp(dir)) {
		perror("mkdtemp");
		exit(1);
	}
	copy_file(SFDIAG_SRCDIR "/rules/fields.conf", "fields.conf");
	copy_file(SFDIAG_SRCDIR "/rules/report.conf", "report.conf");
	write_file("codes.conf", "");
	write_file("t.rules", "rule t\n"
			      "  title T\n"
			      "  severity info\n"
			      "  applies token-response\n"
			      "  when error ~ /^x$/\n"
			      "  fix f\n"
			      "  ref r\n"
			      "  example error=x\n"
			      "  counter error=y\n"
			      "end\n");
	rs = rules_load(path_in("t.rules"), 1, collect, NULL);
	if (!rs) {
		fprintf(stderr, "cannot load the test ruleset:\n%s", sb_str(&errors));
		exit(1);
	}
	sb_reset(&errors);
	int nerr = 0;
	xs = extract_load(rs, SFDIAG_SRCDIR "/rules/extract.conf", 1, collect, NULL, &nerr);
	if (!xs) {
		fprintf(stderr, "cannot load rules/extract.conf:\n%s", sb_str(&errors));
		exit(1);
	}
	sc = extract_scanner_new(xs);
}

static void teardown(void)
{
	extract_scanner_free(sc);
	extract_free(xs);
	rules_free(rs);
	sb_free(&errors);
	char cmd[128];
	snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
	if (system(cmd) != 0)
		fprintf(stderr, "cannot remove %s\n", dir);
}

/* The value of field name in ev, "" when absent (in a rotating buffer). */
static const char *val(const char *name)
{
	static char buf[4][600];
	static int k;
	int f = rules_field(rs, name);
	char *b = buf[k++ & 3];
	if (f < 0 || !ev.val[f]) {
		b[0] = '\0';
		return b;
	}
	snprintf(b, 600, "%.*s", (int)ev.len[f], ev.val[f]);
	return b;
}

/* extract_line with every extractor a candidate; the event it returns is
 * copied into ev (a signature found behind a wrapper comes in ev2). */
static struct event ev2;
static int xline(struct extract_scanner *s, const char *line, size_t n)
{
	const struct event *r = extract_line(s, rs, line, n, NULL, &ev, &ev2);
	if (r && r != &ev)
		ev = *r;
	return r != NULL;
}

static int match(const char *line)
{
	return xline(sc, line, strlen(line));
}

/* Load text as an extract file; returns the errors reported. */
static const char *load_bad(const char *text, int *nerr, struct extract_set **out)
{
	sb_reset(&errors);
	sb_add(&errors, "", 0);
	write_file("x.conf", text);
	*out = extract_load(rs, path_in("x.conf"), 1, collect, NULL, nerr);
	return sb_str(&errors);
}

static void test_load_real(void)
{
	CHECK(extract_count(xs) >= 20);
	int pass = 0, fail = 0;
	char *out = NULL;
	size_t outlen = 0;
	FILE *fp = open_memstream(&out, &outlen);
	extract_selftest(&(struct ruleset){0}, fp, &pass, &fail); /* no set: nothing */
	CHECK_INT(pass + fail, 0);
	rs->extract = xs;
	extract_selftest(rs, fp, &pass, &fail);
	rs->extract = NULL;
	fclose(fp);
	CHECK(pass >= 40);
	CHECK_INT(fail, 0);
	CHECK_STR(out, "");
	free(out);

	/* A missing file is not an error. */
	int nerr = 7;
	CHECK(extract_load(rs, "/nonexistent/extract.conf", 1, collect, NULL, &nerr) == NULL);
	CHECK_INT(nerr, 0);
	CHECK_INT(extract_count(NULL), 0);
	CHECK(extract_scanner_new(NULL) == NULL);
	CHECK_INT(xline(NULL, "x", 1), 0);
}

static void test_load_errors(void)
{
	struct extract_set *x;
	int nerr;
	const char *e;
	char want[256];

	/* A bad pattern: FILE:LINE:COL with the PCRE2 offset. */
	e = load_bad("# c\n"
		     "extract a\n"
		     "  kind     token-response\n"
		     "  pattern  /ab(c[d/\n"
		     "  example  x\n"
		     "end\n",
		     &nerr, &x);
	CHECK(x == NULL);
	CHECK_INT(nerr, 1);
	snprintf(want, sizeof want,
		 "%s:4:19: bad pattern at offset 6: missing terminating ] for "
		 "character class\n",
		 path_in("x.conf"));
	CHECK_STR(e, want);

	/* An unknown named group; a declared one is fine. */
	e = load_bad("extract a\n"
		     "  kind     api-error\n"
		     "  pattern  /(?<error_code>X)(?<nosuch>y)/\n"
		     "  example  Xy\n"
		     "end\n",
		     &nerr, &x);
	CHECK(x == NULL);
	snprintf(want, sizeof want,
		 "%s:3:12: named group 'nosuch' is not a declared field "
		 "(fields.conf)\n",
		 path_in("x.conf"));
	CHECK_STR(e, want);

	/* Structure errors, all reported in one pass. */
	e = load_bad("end\n"
		     "extract Bad_Id\n"
		     "  kind nonsense\n"
		     "  pattern /(?<error>x)/q\n"
		     "  colour red\n"
		     "end\n"
		     "extract b\n"
		     "  pattern /(?<error>x)/\n"
		     "end\n"
		     "extract c\n"
		     "  kind api-error\n"
		     "  field nosuch 1\n"
		     "  pattern /no groups/\n"
		     "  example no groups\n"
		     "end\n"
		     "extract d\n"
		     "  kind api-error\n"
		     "  pattern /(?<error_code>d)/\n"
		     "  example d\n"
		     "end\n"
		     "extract d\n"
		     "  kind api-error\n"
		     "  pattern /(?<error_code>d)/\n"
		     "  example d\n"
		     "garbage\n",
		     &nerr, &x);
	CHECK(x == NULL);
	CHECK(strstr(e, "x.conf:1:1: 'end' without 'extract'") != NULL);
	CHECK(strstr(e, "x.conf:2:9: extract: bad id 'Bad_Id'") != NULL);
	CHECK(strstr(e, "x.conf:3:8: kind: expected one input kind") != NULL);
	CHECK(strstr(e, "x.conf:4:24: unknown pattern flag 'q'") != NULL);
	CHECK(strstr(e, "x.conf:5:3: extract Bad_Id: unknown directive 'colour'") != NULL);
	CHECK(strstr(e, "x.conf:7: extract b: missing 'kind'") != NULL);
	CHECK(strstr(e, "x.conf:7: extract b: needs at least one 'example'") != NULL);
	CHECK(strstr(e, "x.conf:12:9: field: unknown field 'nosuch'") != NULL);
	CHECK(strstr(e, "x.conf:13:11: pattern has no named group") != NULL);
	CHECK(strstr(e, "x.conf:21:9: extract d: id already used at line 16") != NULL);
	CHECK(strstr(e, "x.conf:25:1: extract d: unknown directive 'garbage'") != NULL);
	CHECK(strstr(e, "x.conf:21: extract d: missing 'end'") != NULL);

	/* A good file with a continuation, a prefix, a field constant, a client. */
	e = load_bad("prefix /^(?<time>\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ)/\n"
		     "extract lic\n"
		     "  kind     api-error\n"
		     "  client   setup\n"
		     "  field    error_code PERMSET_LICENSE_MISMATCH\n"
		     "  pattern  /(?<message>license doesn't \\\n"
		     "            allow: .*)/i\n"
		     "  example  License doesn't allow: Run Reports\n"
		     "end\n",
		     &nerr, &x);
	CHECK_STR(e, "");
	CHECK(x != NULL);
	if (x) {
		CHECK_INT(extract_count(x), 1);
		struct extract_scanner *s2 = extract_scanner_new(x);
		const char *line = "2026-11-03T14:02:11Z LICENSE DOESN'T allow: Run Reports";
		CHECK_INT(xline(s2, line, strlen(line)), 1);
		CHECK_INT(ev.kind, KIND_API_ERROR);
		CHECK_STR(val("message"), "LICENSE DOESN'T allow: Run Reports");
		CHECK_STR(val("error_code"), "PERMSET_LICENSE_MISMATCH");
		CHECK_STR(val("client"), "setup");
		CHECK_STR(val("time"), "2026-11-03T14:02:11Z");
		CHECK_INT(ev.time_ms, 1793714531000LL);
		extract_scanner_free(s2);
		extract_free(x);
	}

	/* The selftest names an example that another extractor takes first. */
	e = load_bad("extract wide\n"
		     "  kind api-error\n"
		     "  pattern /(?<error_code>[A-Z_]+)/\n"
		     "  example ABC\n"
		     "end\n"
		     "extract narrow\n"
		     "  kind api-error\n"
		     "  pattern /(?<error_code>ABC_DEF)/\n"
		     "  example ABC_DEF\n"
		     "end\n",
		     &nerr, &x);
	CHECK(x != NULL);
	if (x) {
		char *out = NULL;
		size_t outlen = 0;
		int pass = 0, fail = 0;
		FILE *fp = open_memstream(&out, &outlen);
		rs->extract = x;
		extract_selftest(rs, fp, &pass, &fail);
		rs->extract = NULL;
		fclose(fp);
		CHECK_INT(pass, 1);
		CHECK_INT(fail, 1);
		snprintf(want, sizeof want,
			 "%s:9: extract narrow: example is matched first by "
			 "extract wide\n",
			 path_in("x.conf"));
		CHECK_STR(out, want);
		free(out);
		extract_free(x);
	}
}

static void test_wrappers(void)
{
	/* jsforce / bare pair */
	CHECK_INT(match("Error: invalid_grant: authentication failure"), 1);
	CHECK_INT(ev.kind, KIND_TOKEN_RESPONSE);
	CHECK_STR(val("error"), "invalid_grant");
	CHECK_STR(val("error_description"), "authentication failure");

	CHECK_INT(match("ERROR_HTTP_405: <html><head><title>Error 405 Only POST allowed</title>"),
		  1);
	CHECK_STR(val("error"), "ERROR_HTTP_405");
	CHECK_STR(val("http_status"), "405");
	CHECK_STR(val("body_kind"), "html");
	CHECK_STR(val("client"), "jsforce");

	/* restforce, with and without the status */
	CHECK_INT(
	    match("Restforce::AuthenticationError: invalid_grant: authentication failure (400)"),
	    1);
	CHECK_STR(val("client"), "restforce");
	CHECK_STR(val("error"), "invalid_grant");
	CHECK_STR(val("error_description"), "authentication failure");
	CHECK_STR(val("http_status"), "400");
	CHECK_INT(match("Restforce::AuthenticationError: invalid_grant: inactive user"), 1);
	CHECK_STR(val("error_description"), "inactive user");
	CHECK_STR(val("http_status"), "");

	/* simple-salesforce: OAuth, SOAP, REST repr */
	CHECK_INT(
	    match("simple_salesforce.exceptions.SalesforceAuthenticationFailed: invalid_grant: "
		  "authentication failure"),
	    1);
	CHECK_INT(ev.kind, KIND_TOKEN_RESPONSE);
	CHECK_STR(val("client"), "simple-salesforce");
	CHECK_INT(
	    match("SalesforceAuthenticationFailed: INVALID_LOGIN: Invalid username, password, "
		  "security token; or user locked out."),
	    1);
	CHECK_INT(ev.kind, KIND_API_ERROR);
	CHECK_STR(val("error_code"), "INVALID_LOGIN");
	CHECK_STR(val("message"),
		  "Invalid username, password, security token; or user locked out.");
	CHECK_INT(match("Response content: [{'errorCode': 'INVALID_SESSION_ID', 'message': "
			"'Session expired or invalid'}]"),
		  1);
	CHECK_STR(val("error_code"), "INVALID_SESSION_ID");
	CHECK_STR(val("message"), "Session expired or invalid");

	/* sf CLI: the flow gives grant_type */
	CHECK_INT(
	    match(
		"Error authenticating with JWT config due to: user hasn't approved this consumer"),
	    1);
	CHECK_STR(val("client"), "sf");
	CHECK_STR(val("grant_type"), "urn:ietf:params:oauth:grant-type:jwt-bearer");
	CHECK_STR(val("error_description"), "user hasn't approved this consumer");
	CHECK_STR(val("error"), "");
	CHECK_INT(
	    match(
		"Error authenticating with the refresh token due to: expired access/refresh token"),
	    1);
	CHECK_STR(val("grant_type"), "refresh_token");
	CHECK_STR(val("error_description"), "expired access/refresh token");

	/* PHP Guzzle: host lower-cased, error taken from a body cut short */
	CHECK_INT(
	    match("Client error: `POST https://Acme.My.Salesforce.com/services/oauth2/token` "
		  "resulted in a `400 Bad Request` response: {\"error\":\"invalid_client_id\","
		  "\"error_description\":\"client identif (truncated...)"),
	    1);
	CHECK_INT(ev.kind, KIND_TOKEN_RESPONSE);
	CHECK_STR(val("client"), "guzzle");
	CHECK_STR(val("method"), "POST");
	CHECK_STR(val("scheme"), "https");
	CHECK_STR(val("host"), "acme.my.salesforce.com");
	CHECK_STR(val("path"), "/services/oauth2/token");
	CHECK_STR(val("http_status"), "400");
	CHECK_STR(val("error"), "invalid_client_id");
	CHECK_STR(val("error_description"), "client identif (truncated...)");
	CHECK_INT(
	    match("Server error: `GET https://acme.my.salesforce.com/services/data/v59.0/limits` "
		  "resulted in a `503 Service Unavailable` response"),
	    1);
	CHECK_INT(ev.kind, KIND_API_ERROR);
	CHECK_STR(val("http_status"), "503");

	/* Python requests: host and path from the URL */
	CHECK_INT(match("requests.exceptions.HTTPError: 400 Client Error: Bad Request for url: "
			"https://test.salesforce.com/services/oauth2/token"),
		  1);
	CHECK_INT(ev.kind, KIND_TOKEN_RESPONSE);
	CHECK_STR(val("client"), "python-requests");
	CHECK_STR(val("host"), "test.salesforce.com");
	CHECK_STR(val("path"), "/services/oauth2/token");
	CHECK_STR(val("http_status"), "400");
	CHECK_INT(
	    match("401 Client Error: Unauthorized for url: https://acme.my.salesforce.com:443/"
		  "services/data/v59.0/query?q=SELECT"),
	    1);
	CHECK_INT(ev.kind, KIND_API_ERROR);
	CHECK_STR(val("path"), "/services/data/v59.0/query");

	/* Java */
	CHECK_INT(match("com.google.api.client.http.HttpResponseException: 400 Bad Request"), 1);
	CHECK_STR(val("client"), "java");
	CHECK_STR(val("http_status"), "400");

	/* REST / SOAP codes */
	CHECK_INT(match("INVALID_SESSION_ID: Session expired or invalid"), 1);
	CHECK_INT(ev.kind, KIND_API_ERROR);
	CHECK_STR(val("error_code"), "INVALID_SESSION_ID");
	CHECK_STR(val("message"), "Session expired or invalid");
	CHECK_INT(match("sf: API_CURRENTLY_DISABLED: API is disabled for this User"), 1);
	CHECK_STR(val("error_code"), "API_CURRENTLY_DISABLED");
	CHECK_STR(val("message"), "API is disabled for this User");
	CHECK_INT(
	    match("INSUFFICIENT_ACCESS_ON_CROSS_REFERENCE_ENTITY: insufficient access rights on "
		  "cross-reference id"),
	    1);
	CHECK_STR(val("error_code"), "INSUFFICIENT_ACCESS_ON_CROSS_REFERENCE_ENTITY");
	CHECK_INT(match("<faultcode>sf:LOGIN_MUST_USE_SECURITY_TOKEN</faultcode><faultstring>"
			"LOGIN_MUST_USE_SECURITY_TOKEN: Are you at a new location?</faultstring>"),
		  1);
	CHECK_STR(val("error_code"), "LOGIN_MUST_USE_SECURITY_TOKEN");
	CHECK_STR(val("message"), "LOGIN_MUST_USE_SECURITY_TOKEN: Are you at a new location?");

	/* The wrong-licence family: constant codes */
	CHECK_INT(match("Can't assign permission set Reports to user Integration User. The user "
			"license doesn't allow the permission: Run Reports"),
		  1);
	CHECK_INT(ev.kind, KIND_API_ERROR);
	CHECK_STR(val("error_code"), "PERMSET_LICENSE_MISMATCH");
	CHECK_STR(val("message"), "Can't assign permission set Reports to user Integration User. "
				  "The user license doesn't allow the permission: Run Reports");
	CHECK_INT(match("Can’t assign permission set X to user y. The permission set contains an "
			"object that requires a license. Before continuing, assign the user to the "
			"related permission set license."),
		  1);
	CHECK_STR(val("error_code"), "PERMSET_LICENSE_REQUIRED");
	CHECK_INT(match("Error: No more available licenses for this permission set"), 1);
	CHECK_STR(val("error_code"), "PERMSET_LICENSE_EXHAUSTED");

	/* Nothing to see. */
	CHECK_INT(match("INFO sync finished, 42 records"), 0);
	CHECK_INT(match(""), 0);
	CHECK_INT(match("my_invalid_grant: no word boundary"), 0);
}

static void test_time_prefix(void)
{
	CHECK_INT(match("2026-11-03 14:02:11,123 ERROR invalid_grant: authentication failure"), 1);
	CHECK_STR(val("time"), "2026-11-03 14:02:11");
	CHECK_INT(ev.time_ms, 1793714531000LL);
	CHECK_STR(val("error"), "invalid_grant");

	CHECK_INT(match("[2026-11-03T14:02:11.500Z] invalid_client: invalid client credentials"),
		  1);
	CHECK_STR(val("time"), "2026-11-03T14:02:11.500Z");
	CHECK_INT(ev.time_ms, 1793714531500LL);

	CHECK_INT(match("E, [2026-11-03T14:02:11.123456 #4242] ERROR -- : "
			"Restforce::AuthenticationError: invalid_grant: inactive user"),
		  1);
	CHECK_INT(ev.time_ms, 1793714531123LL);

	CHECK_INT(match("2026-11-03T15:02:11+01:00 INVALID_SESSION_ID: Session expired or invalid"),
		  1);
	CHECK_INT(ev.time_ms, 1793714531000LL);

	/* No stamp at the start: no time. */
	CHECK_INT(match("at 2026-11-03 14:02:11 invalid_grant: authentication failure"), 1);
	CHECK_STR(val("time"), "");
	CHECK_INT(ev.time_ms, EVENT_NO_TIME);
}

static void test_hostile(void)
{
	/* Invalid UTF-8 is a barrier, not an error. */
	CHECK_INT(match("\xff\xfe invalid_grant: authentication failure"), 1);
	CHECK_STR(val("error_description"), "authentication failure");

	/* A long line without a signature is cheap; one with it still matches. */
	size_t n = SFDIAG_MAX_LINE;
	char *big = xmalloc(n + 64);
	memset(big, 'a', n);
	clock_t t0 = clock();
	CHECK_INT(xline(sc, big, n), 0);
	memset(big, '_', n);
	CHECK_INT(xline(sc, big, n), 0);
	memcpy(big + n - 41, " invalid_grant: authentication failure", 38);
	CHECK_INT(xline(sc, big, n - 3), 1);
	CHECK(clock() - t0 < 5 * CLOCKS_PER_SEC);
	free(big);
}

static void run_all(void)
{
	setup();
	test_load_real();
	test_load_errors();
	test_wrappers();
	test_time_prefix();
	test_hostile();
	teardown();
}

UNIT_MAIN(run_all)
