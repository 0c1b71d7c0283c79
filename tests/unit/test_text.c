/*
 * test_text.c - HTTP transcripts and pasted text (adapt_text.c), against the
 * real rules/fields.conf and rules/extract.conf.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "adapt/adapter.h"
#include "adapt/extract.h"
#include "base/util.h"
#include "rules/ruleset.h"
#include "unit.h"

static char dir[64];
static struct strbuf errors;
static struct ruleset *rs;
static struct extract_set *xs;

/* ---- set-up: the real field registry and extract.conf ---- */

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

static void write_file(const char *name, const char *text, size_t n)
{
	FILE *fp = fopen(path_in(name), "w");
	if (!fp || fwrite(text, 1, n, fp) != n) {
		perror(name);
		exit(1);
	}
	fclose(fp);
}

static void setup(void)
{
	strcpy(dir, "/tmp/sfdiag-test-text-XXXXXX");
	if (!mkdtemp(dir)) {
		perror("mkdtemp");
		exit(1);
	}
	struct strbuf sb = {0};
	char buf[4096];
	size_t got;
	FILE *fp = fopen(SFDIAG_SRCDIR "/rules/fields.conf", "r");
	if (!fp) {
		perror("fields.conf");
		exit(1);
	}
	while ((got = fread(buf, 1, sizeof buf, fp)) > 0)
		sb_add(&sb, buf, got);
	fclose(fp);
	write_file("fields.conf", sb_str(&sb), sb.len);
	sb_reset(&sb);
	fp = fopen(SFDIAG_SRCDIR "/rules/report.conf", "r");
	if (!fp) {
		perror("report.conf");
		exit(1);
	}
	while ((got = fread(buf, 1, sizeof buf, fp)) > 0)
		sb_add(&sb, buf, got);
	fclose(fp);
	write_file("report.conf", sb_str(&sb), sb.len);
	sb_free(&sb);
	write_file("codes.conf", "", 0);
	const char *rule = "rule t\n  title T\n  severity info\n  applies token-response\n"
			   "  when error ~ /^x$/\n  fix f\n  ref r\n  example error=x\n"
			   "  counter error=y\nend\n";
	write_file("t.rules", rule, strlen(rule));
	rs = rules_load(path_in("t.rules"), 1, collect, NULL);
	if (!rs) {
		fprintf(stderr, "cannot load the test ruleset:\n%s", sb_str(&errors));
		exit(1);
	}
	int nerr;
	xs = extract_load(rs, SFDIAG_SRCDIR "/rules/extract.conf", 1, collect, NULL, &nerr);
	if (!xs) {
		fprintf(stderr, "cannot load rules/extract.conf:\n%s", sb_str(&errors));
		exit(1);
	}
	rs->extract = xs;
}

static void teardown(void)
{
	rs->extract = NULL;
	extract_free(xs);
	rules_free(rs);
	sb_free(&errors);
	char cmd[128];
	snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
	if (system(cmd) != 0)
		fprintf(stderr, "cannot remove %s\n", dir);
}

/* ---- running an adapter on a string ---- */

struct mem {
	const char *s;
	size_t n, pos;
};

static long mem_read(void *ctx, void *buf, size_t n)
{
	struct mem *m = ctx;
	size_t k = m->n - m->pos;
	if (k > n)
		k = n;
	if (k > 1000)
		k = 1000 + (m->pos % 7); /* odd chunk sizes split lines anywhere */
	memcpy(buf, m->s + m->pos, k);
	m->pos += k;
	return (long)k;
}

#define MAX_EVENTS 16

struct got {
	unsigned kind;
	long line;
	int64_t time_ms;
	char *val[SFDIAG_MAX_FIELDS];
};

static struct got events[MAX_EVENTS];
static size_t nevents;
static struct strbuf notes;
static struct adapter_ctx ac;

static void on_event(void *ctx, const struct event *ev)
{
	(void)ctx;
	if (nevents >= MAX_EVENTS)
		return;
	struct got *g = &events[nevents++];
	g->kind = ev->kind;
	g->line = ev->line;
	g->time_ms = ev->time_ms;
	CHECK_STR(ev->file, "mem.txt");
	for (size_t f = 0; f < rs->nfields; f++)
		g->val[f] = ev->val[f] ? xstrndup(ev->val[f], ev->len[f]) : NULL;
}

static void on_note(void *ctx, enum note_level level, long line, const char *msg)
{
	(void)ctx;
	sb_printf(&notes, "%s:%ld: %s\n",
		  level == NOTE_ERROR	  ? "error"
		  : level == NOTE_WARNING ? "warning"
					  : "info",
		  line, msg);
}

static void reset(void)
{
	for (size_t i = 0; i < nevents; i++)
		for (size_t f = 0; f < rs->nfields; f++)
			free(events[i].val[f]);
	nevents = 0;
	sb_reset(&notes);
	sb_add(&notes, "", 0);
	memset(&ac, 0, sizeof ac);
	ac.rs = rs;
	ac.file = "mem.txt";
	ac.emit = on_event;
	ac.note = on_note;
}

enum { TRANSCRIPT, TEXT };

static int run(int which, const char *s, size_t n)
{
	reset();
	struct mem m = {s, n, 0};
	struct input *in = input_open_source("mem.txt", (struct input_source){&m, mem_read, NULL});
	int rc = which == TRANSCRIPT ? transcript_read(in, &ac) : text_read(in, &ac);
	input_close(in);
	return rc;
}

/* Field name of event i, "" when absent. */
static const char *fv(size_t i, const char *name)
{
	int f = rules_field(rs, name);
	if (i >= nevents || f < 0 || !events[i].val[f])
		return "";
	return events[i].val[f];
}

/* ---- transcripts ---- */

static const char curl_i[] =
    "POST /services/oauth2/token HTTP/1.1\r\n"
    "Host: Login.Salesforce.com\r\n"
    "Content-Type: application/x-www-form-urlencoded\r\n"
    "\r\n"
    "grant_type=password&client_id=3MVG9xyz&username=a%40b.com&password=hunter2\r\n"
    "\r\n"
    "HTTP/1.1 400 Bad Request\r\n"
    "Date: Tue, 03 Nov 2026 14:02:11 GMT\r\n"
    "Content-Type: application/json;charset=UTF-8\r\n"
    "Cache-Control: no-cache,must-revalidate,max-age=0,no-store,private\r\n"
    "\r\n"
    "{\"error\":\"invalid_grant\",\"error_description\":\"authentication failure\"}\r\n";

static void test_curl_i(void)
{
	CHECK_INT(transcript_sniff(curl_i, sizeof curl_i - 1), 1);
	CHECK_INT(run(TRANSCRIPT, curl_i, sizeof curl_i - 1), 0);
	CHECK_INT(nevents, 1);
	CHECK_INT(events[0].kind, KIND_TOKEN_RESPONSE);
	CHECK_INT(events[0].line, 7);
	CHECK_STR(fv(0, "http_status"), "400");
	CHECK_STR(fv(0, "host"), "login.salesforce.com");
	CHECK_STR(fv(0, "path"), "/services/oauth2/token");
	CHECK_STR(fv(0, "method"), "POST");
	CHECK_STR(fv(0, "grant_type"), "password");
	CHECK_STR(fv(0, "content_type"), "application/json;charset=UTF-8");
	CHECK_STR(fv(0, "body_kind"), "json");
	CHECK_STR(fv(0, "error"), "invalid_grant");
	CHECK_STR(fv(0, "error_description"), "authentication failure");
	CHECK_INT(events[0].time_ms, 1793714531000LL);
	CHECK_INT(ac.records, 1);
	CHECK_STR(sb_str(&notes), "");

	/* A `$ curl` command gives URL and grant_type; HTTP/2; a REST array. */
	static const char cmd[] =
	    "$ curl -si https://acme.my.salesforce.com/services/data/v59.0/limits \\\n"
	    "    -H 'Authorization: Bearer 00Dxx!abc'\n"
	    "HTTP/2 401 \n"
	    "content-type: application/json;charset=UTF-8\n"
	    "\n"
	    "[{\"message\":\"Session expired or invalid\",\"errorCode\":\"INVALID_SESSION_ID\"},\n"
	    " {\"message\":\"second\",\"errorCode\":\"INVALID_SESSION_ID\"}]\n"
	    "$ curl -s -i \"https://login.salesforce.com/services/oauth2/token\" -d "
	    "\"grant_type=client_credentials&client_id=x\"\n"
	    "HTTP/1.1 400 Bad Request\n"
	    "\n"
	    "{\"error_description\":\"request not supported on this "
	    "domain\",\"error\":\"invalid_grant\"}";
	CHECK_INT(transcript_sniff(cmd, sizeof cmd - 1), 1);
	CHECK_INT(run(TRANSCRIPT, cmd, sizeof cmd - 1), 0);
	CHECK_INT(nevents, 3);
	CHECK_INT(events[0].kind, KIND_API_ERROR);
	CHECK_INT(events[0].line, 3);
	CHECK_STR(fv(0, "http_status"), "401");
	CHECK_STR(fv(0, "scheme"), "https");
	CHECK_STR(fv(0, "host"), "acme.my.salesforce.com");
	CHECK_STR(fv(0, "path"), "/services/data/v59.0/limits");
	CHECK_STR(fv(0, "method"), "GET");
	CHECK_STR(fv(0, "error_code"), "INVALID_SESSION_ID");
	CHECK_STR(fv(0, "message"), "Session expired or invalid");
	CHECK_STR(fv(1, "message"), "second");
	CHECK_INT(events[2].kind, KIND_TOKEN_RESPONSE);
	CHECK_INT(events[2].line, 9);
	CHECK_STR(fv(2, "method"), "POST");
	CHECK_STR(fv(2, "grant_type"), "client_credentials");
	CHECK_STR(fv(2, "host"), "login.salesforce.com");
	CHECK_STR(fv(2, "error_description"), "request not supported on this domain");
	CHECK_INT(ac.records, 2);

	/* curl -i -L: no request lines, so the 302's Location names the next host. */
	static const char redir[] =
	    "HTTP/1.1 302 Found\n"
	    "Location: https://acme.my.salesforce.com/services/oauth2/token\n"
	    "\n"
	    "HTTP/1.1 405 Method Not Allowed\n"
	    "Content-Type: text/plain\n"
	    "\n"
	    "Only POST allowed\n";
	CHECK_INT(run(TRANSCRIPT, redir, sizeof redir - 1), 0);
	/* The 302 has no request to place it: not an auth exchange, counted as skipped. */
	CHECK_INT(nevents, 1);
	CHECK_INT(ac.records, 2);
	CHECK_INT(ac.skipped, 1);
	CHECK_INT(events[0].line, 4);
	CHECK_STR(fv(0, "http_status"), "405");
	CHECK_STR(fv(0, "host"), "acme.my.salesforce.com");
	CHECK_STR(fv(0, "body_kind"), "text");
	CHECK_STR(fv(0, "message"), "Only POST allowed");
	CHECK_INT(events[0].kind, KIND_TOKEN_RESPONSE);
}

static const char curl_v[] =
    "$ curl -v -L https://acme.lightning.force.com/services/oauth2/token \\\n"
    "    -d grant_type=password -d client_id=x\n"
    "*   Trying 192.0.2.1:443...\n"
    "* Connected to acme.lightning.force.com (192.0.2.1) port 443 (#0)\n"
    "> POST /services/oauth2/token HTTP/1.1\n"
    "> Host: acme.lightning.force.com\n"
    "> User-Agent: curl/7.88.1\n"
    "> Content-Type: application/x-www-form-urlencoded\n"
    ">\n"
    "< HTTP/1.1 302 Found\n"
    "< Location: https://acme.my.salesforce.com/services/oauth2/token\n"
    "* Added cookie BrowserId=\"x\" for domain salesforce.com, path /, expire 0\n"
    "< Content-Length: 0\n"
    "<\n"
    "* Connection #0 to host acme.lightning.force.com left intact\n"
    "* Issue another request to this URL: 'https://acme.my.salesforce.com/services/oauth2/token'\n"
    "* Switch from POST to GET\n"
    "* Connected to acme.my.salesforce.com (192.0.2.2) port 443 (#1)\n"
    "> GET /services/oauth2/token HTTP/1.1\n"
    "> Host: acme.my.salesforce.com\n"
    ">\n"
    "{ [5 bytes data]\n"
    "< HTTP/1.1 405 Method Not Allowed\n"
    "< Date: Tue, 03 Nov 2026 14:02:11 GMT\n"
    "< Content-Type: text/html;charset=iso-8859-1\n"
    "<\n"
    "<html>\n<head><title>Error 405 Only POST allowed</title></head>\n"
    "<body><h2>HTTP ERROR 405</h2></body>\n"
    "</html>* Connection #1 to host acme.my.salesforce.com left intact\n";

static void test_curl_v(void)
{
	CHECK_INT(transcript_sniff(curl_v, sizeof curl_v - 1), 1);
	CHECK_INT(run(TRANSCRIPT, curl_v, sizeof curl_v - 1), 0);
	CHECK_INT(nevents, 2);
	CHECK_INT(events[0].kind, KIND_TOKEN_RESPONSE);
	CHECK_INT(events[0].line, 10);
	CHECK_STR(fv(0, "http_status"), "302");
	CHECK_STR(fv(0, "host"), "acme.lightning.force.com");
	CHECK_STR(fv(0, "scheme"), "https");
	CHECK_STR(fv(0, "method"), "POST");
	CHECK_STR(fv(0, "grant_type"), "password");
	CHECK_STR(fv(0, "body_kind"), "empty");
	CHECK_INT(events[1].kind, KIND_TOKEN_RESPONSE);
	CHECK_INT(events[1].line, 23);
	CHECK_STR(fv(1, "http_status"), "405");
	CHECK_STR(fv(1, "host"), "acme.my.salesforce.com");
	CHECK_STR(fv(1, "path"), "/services/oauth2/token");
	CHECK_STR(fv(1, "method"), "GET");
	CHECK_STR(fv(1, "content_type"), "text/html;charset=iso-8859-1");
	CHECK_STR(fv(1, "body_kind"), "html");
	CHECK_STR(fv(1, "message"), "Error 405 Only POST allowed");
	CHECK_INT(events[1].time_ms, 1793714531000LL);
	CHECK_INT(ac.records, 2);

	/* HTTP/2 pseudo-headers in curl 8's info lines. */
	static const char h2[] =
	    "* [HTTP/2] [1] OPENED stream for https://x.my.salesforce.com/a\n"
	    "* [HTTP/2] [1] [:method: POST]\n"
	    "* [HTTP/2] [1] [:authority: X.my.salesforce.com]\n"
	    "* [HTTP/2] [1] [:path: /services/oauth2/token]\n"
	    "< HTTP/2 400 \n"
	    "< content-type: application/json\n"
	    "< \n"
	    "{\"error\":\"invalid_client\",\"error_description\":\"invalid client "
	    "credentials\"}\n";
	CHECK_INT(transcript_sniff(h2, sizeof h2 - 1), 1);
	CHECK_INT(run(TRANSCRIPT, h2, sizeof h2 - 1), 0);
	CHECK_INT(nevents, 1);
	CHECK_STR(fv(0, "host"), "x.my.salesforce.com");
	CHECK_STR(fv(0, "method"), "POST");
	CHECK_STR(fv(0, "error"), "invalid_client");

	/* curl -v 2>&1: stderr's closing info line comes before the body. */
	static const char late[] =
	    "> POST /services/oauth2/token HTTP/2\n"
	    "> Host: acme.my.salesforce.com\n"
	    ">\n"
	    "* upload completely sent off: 246 bytes\n"
	    "< HTTP/2 400\n"
	    "<\n"
	    "* Connection #0 to host acme.my.salesforce.com left intact\n"
	    "{\"error\":\"invalid_grant\",\"error_description\":\"authentication "
	    "failure\"}\n";
	CHECK_INT(run(TRANSCRIPT, late, sizeof late - 1), 0);
	CHECK_INT(nevents, 1);
	CHECK_INT(events[0].line, 5);
	CHECK_STR(fv(0, "body_kind"), "json");
	CHECK_STR(fv(0, "error"), "invalid_grant");
	CHECK_STR(fv(0, "host"), "acme.my.salesforce.com");
}

static void test_sniff(void)
{
	static const char *const no[] = {
	    "{\"error\":\"invalid_grant\"}",
	    "2026-11-03 ERROR invalid_grant: authentication failure\nHTTP/1.1 400 Bad Request\n",
	    "Login Time,Username,Status\n",
	    "* a markdown list\n* without any status line\n",
	    "",
	};
	for (size_t i = 0; i < sizeof no / sizeof no[0]; i++)
		CHECK_INT(transcript_sniff(no[i], strlen(no[i])), 0);
	static const char *const yes[] = {
	    "HTTP/1.1 200 OK\n\n{}",
	    "\n\n< HTTP/2 400\n",
	    "curl -i https://x\nHTTP/1.0 500 Internal Server Error\n",
	};
	for (size_t i = 0; i < sizeof yes / sizeof yes[0]; i++)
		CHECK_INT(transcript_sniff(yes[i], strlen(yes[i])), 1);
}

/* ---- pasted text ---- */

static const char log_text[] =
    "2026-11-03 14:02:10,001 INFO starting sync\n"
    "2026-11-03 14:02:11,123 ERROR token call failed: {\"error\":\"invalid_grant\","
    "\"error_description\":\"authentication failure\"} retrying\n"
    "[2026-11-03T14:02:13Z] response body=\"{\\\"error\\\":\\\"invalid_client_id\\\","
    "\\\"error_description\\\":\\\"client identifier invalid\\\"}\"\n"
    "REST call failed: [{\"message\":\"Session expired or invalid\",\"errorCode\":"
    "\"INVALID_SESSION_ID\"},{\"message\":\"TotalRequests Limit exceeded.\",\"errorCode\":"
    "\"REQUEST_LIMIT_EXCEEDED\"}]\n"
    "com.google.api.client.http.HttpResponseException: 400 Bad Request\n"
    "POST https://Login.Salesforce.com/services/oauth2/token\n"
    "{\"error\":\"unsupported_grant_type\",\"error_description\":\"grant type not supported\"}\n"
    "E, [2026-11-03T14:02:14.000000 #42] ERROR -- : Restforce::AuthenticationError: "
    "invalid_grant: inactive user (400)\n"
    "Client error: `POST https://login.salesforce.com/services/oauth2/token` resulted in a "
    "`400 Bad Request` response: {\"error\":\"invalid_grant\",\"error_description\":"
    "\"authentication failure\"}\n"
    "{\"level\":\"warn\",\"msg\":\"no error here\"}\n"
    "{\"level\":\"error\",\"response\":{\"status\":400,\"body\":{\"error\":\"inactive_user\","
    "\"error_description\":\"User is inactive\"}}}\n"
    "400 Client Error: Bad Request for url: https://test.salesforce.com/services/oauth2/token\n"
    "\n"
    "just a line\n";

static void test_log(void)
{
	CHECK_INT(transcript_sniff(log_text, sizeof log_text - 1), 0);
	CHECK_INT(run(TEXT, log_text, sizeof log_text - 1), 0);
	CHECK_INT(ac.records, 14);
	CHECK_INT(nevents, 9);

	CHECK_INT(events[0].kind, KIND_TOKEN_RESPONSE);
	CHECK_INT(events[0].line, 2);
	CHECK_STR(fv(0, "error"), "invalid_grant");
	CHECK_STR(fv(0, "error_description"), "authentication failure");
	CHECK_INT(events[0].time_ms, 1793714531000LL);

	CHECK_INT(events[1].line, 3);
	CHECK_STR(fv(1, "error"), "invalid_client_id");
	CHECK_STR(fv(1, "error_description"), "client identifier invalid");
	CHECK_INT(events[1].time_ms, 1793714533000LL);

	CHECK_INT(events[2].kind, KIND_API_ERROR);
	CHECK_INT(events[2].line, 4);
	CHECK_STR(fv(2, "error_code"), "INVALID_SESSION_ID");
	CHECK_INT(events[3].line, 4);
	CHECK_STR(fv(3, "error_code"), "REQUEST_LIMIT_EXCEEDED");
	CHECK_STR(fv(3, "message"), "TotalRequests Limit exceeded.");

	/* Java: wrapper, request line and body make one event, cited at the wrapper. */
	CHECK_INT(events[4].kind, KIND_TOKEN_RESPONSE);
	CHECK_INT(events[4].line, 5);
	CHECK_STR(fv(4, "client"), "java");
	CHECK_STR(fv(4, "http_status"), "400");
	CHECK_STR(fv(4, "method"), "POST");
	CHECK_STR(fv(4, "host"), "login.salesforce.com");
	CHECK_STR(fv(4, "path"), "/services/oauth2/token");
	CHECK_STR(fv(4, "error"), "unsupported_grant_type");

	CHECK_INT(events[5].line, 8);
	CHECK_STR(fv(5, "client"), "restforce");
	CHECK_STR(fv(5, "error_description"), "inactive user");
	CHECK_INT(events[5].time_ms, 1793714534000LL);

	/* Guzzle with the JSON on the same line: the JSON's pair, the wrapper's context. */
	CHECK_INT(events[6].line, 9);
	CHECK_STR(fv(6, "client"), "guzzle");
	CHECK_STR(fv(6, "http_status"), "400");
	CHECK_STR(fv(6, "host"), "login.salesforce.com");
	CHECK_STR(fv(6, "error"), "invalid_grant");

	/* A nested error object in a structured log line. */
	CHECK_INT(events[7].line, 11);
	CHECK_STR(fv(7, "error"), "inactive_user");

	/* Python requests with no body after it: emitted alone at the end. */
	CHECK_INT(events[8].line, 12);
	CHECK_STR(fv(8, "client"), "python-requests");
	CHECK_STR(fv(8, "host"), "test.salesforce.com");
	CHECK_STR(fv(8, "error"), "");
	/* "no error here" has a failure word and no signature: counted. */
	CHECK_STR(sb_str(&notes), "info:10: 1 other line with failure words (error, failed, "
				  "denied, ...) matched no signature; the first is line 10\n");
}

static void test_authorize_url(void)
{
	static const char t[] =
	    "Redirected to https://app.example.com/oauth/callback?error=invalid_client_id&"
	    "error_description=client%20identifier+invalid&state=xyz\n"
	    "#error=redirect_uri_mismatch&error_description=redirect_uri%20must%20match%20"
	    "configuration\n"
	    "terror=nothing&error_description=no\n"
	    "error=Not%20A%20Code\n";
	CHECK_INT(run(TEXT, t, sizeof t - 1), 0);
	CHECK_INT(nevents, 2);
	CHECK_INT(events[0].kind, KIND_TOKEN_RESPONSE);
	CHECK_INT(events[0].line, 1);
	CHECK_STR(fv(0, "error"), "invalid_client_id");
	CHECK_STR(fv(0, "error_description"), "client identifier invalid");
	CHECK_INT(events[1].line, 2);
	CHECK_STR(fv(1, "error"), "redirect_uri_mismatch");
	CHECK_STR(fv(1, "error_description"), "redirect_uri must match configuration");
}

static void test_long_line(void)
{
	size_t n = SFDIAG_MAX_LINE + 5000;
	char *t = xmalloc(2 * n + 200);
	size_t o = 0;
	const char *a = "invalid_grant: authentication failure ";
	memcpy(t, a, strlen(a));
	o = strlen(a);
	memset(t + o, 'x', n - o);
	o = n;
	/* A signature past the limit is not seen. */
	memcpy(t + o - 40, "INVALID_SESSION_ID: Session expired", 35);
	t[o++] = '\n';
	const char *b = "INVALID_SESSION_ID: Session expired or invalid\n";
	memcpy(t + o, b, strlen(b));
	o += strlen(b);
	memset(t + o, '{', n); /* a hostile line: many candidate starts */
	o += n;
	CHECK(o < 2 * n + 200);

	clock_t t0 = clock();
	CHECK_INT(run(TEXT, t, o), 0);
	CHECK(clock() - t0 < 10 * CLOCKS_PER_SEC);
	CHECK_INT(ac.records, 3);
	CHECK_INT(nevents, 2);
	CHECK_INT(events[0].line, 1);
	CHECK_STR(fv(0, "error"), "invalid_grant");
	CHECK_INT(events[1].line, 2);
	CHECK_STR(fv(1, "error_code"), "INVALID_SESSION_ID");
	CHECK_STR(sb_str(&notes),
		  "warning:1: line longer than SFDIAG_MAX_LINE (1048576 bytes); only its first "
		  "1048576 bytes were scanned\n"
		  "warning:0: 2 lines were longer than SFDIAG_MAX_LINE (1048576 bytes); only the "
		  "first 1048576 bytes of each were scanned\n");

	/* Transcripts use the same reader. */
	CHECK_INT(run(TRANSCRIPT, t, o), 0);
	CHECK_INT(nevents, 0);
	free(t);
}

static void test_bad_utf8(void)
{
	/* The first line's real UTF-8 character keeps the input UTF-8 (else it
	 * would be read as windows-1252, where every byte is valid). */
	static const char t[] = "log of caf\xc3\xa9 sync\n"
				"{\"error\":\"invalid_grant\",\"error_description\":\"bad \xff\"}\n"
				"error=invalid_grant&error_description=%FF\n"
				"\xff invalid_grant: still found\n";
	CHECK_INT(run(TEXT, t, sizeof t - 1), 0);
	CHECK_INT(nevents, 1);
	CHECK_INT(events[0].line, 4);
	CHECK_INT(ac.skipped, 2);
	CHECK(strstr(sb_str(&notes), "warning:2: invalid UTF-8") != NULL);
	CHECK(strstr(sb_str(&notes), "warning:3: invalid UTF-8") != NULL);
}

static void run_all(void)
{
	setup();
	sb_add(&notes, "", 0);
	test_sniff();
	test_curl_i();
	test_curl_v();
	test_log();
	test_authorize_url();
	test_long_line();
	test_bad_utf8();
	reset();
	sb_free(&notes);
	teardown();
}

UNIT_MAIN(run_all)
