/*
 * test_json.c - JSON inputs (token bodies, REST errors, HAR, Postman,
 * settings), correlation and secret masking, against the shipped rules/.
 */
#include <stdlib.h>
#include <string.h>

#include "adapt/adapter.h"
#include "base/util.h"
#include "engine/correlate.h"
#include "engine/run.h"
#include "report/render.h"
#include "unit.h"

static struct ruleset *rs;

static void quiet(void *ctx, const char *msg)
{
	(void)ctx;
	fprintf(stderr, "rules: %s\n", msg);
}

/* A reader over a string, for input_open_source. */
struct mem {
	const char *p;
	size_t n, off;
	size_t most; /* bytes per read at most (0: no limit) */
};

static long mem_read(void *ctx, void *buf, size_t n)
{
	struct mem *m = ctx;
	if (m->most && n > m->most)
		n = m->most;
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

/* The first event a JSON text gives, through json_read's classification. */
struct grab {
	struct event ev;
	int n;
	char store[4096];
	char notes[512];
	long note_line; /* of the first note */
	long last_line; /* of the last event */
	char last_status[64];
};

static void grab_emit(void *ctx, const struct event *ev)
{
	struct grab *g = ctx;
	int fs = rules_field(rs, "status");
	g->last_line = ev->line;
	snprintf(g->last_status, sizeof g->last_status, "%.*s",
		 fs >= 0 && ev->val[fs] ? (int)ev->len[fs] : 0,
		 fs >= 0 && ev->val[fs] ? ev->val[fs] : "");
	if (g->n++ == 0) {
		/* Copy the values we check into store, as run.c does. */
		size_t off = 0;
		g->ev = *ev;
		for (size_t f = 0; f < rs->nfields; f++) {
			if (!ev->val[f])
				continue;
			if (off + ev->len[f] + 1 > sizeof g->store) {
				g->ev.val[f] = NULL; /* too long to keep; len stays */
				continue;
			}
			memcpy(g->store + off, ev->val[f], ev->len[f]);
			g->store[off + ev->len[f]] = '\0';
			g->ev.val[f] = g->store + off;
			off += ev->len[f] + 1;
		}
	}
}

static void grab_note(void *ctx, enum note_level level, long line, const char *msg)
{
	struct grab *g = ctx;
	(void)level;
	if (!g->notes[0])
		g->note_line = line;
	snprintf(g->notes + strlen(g->notes), sizeof g->notes - strlen(g->notes), "%s|", msg);
}

/* Read text as one JSON input, in reads of at most `most` bytes (0: any). */
static struct grab *read_json_in(const char *text, size_t most)
{
	static struct grab g;
	memset(&g, 0, sizeof g);
	struct adapter_ctx ac = {
	    .rs = rs, .file = "t.json", .ctx = &g, .emit = grab_emit, .note = grab_note};
	struct mem *m = xcalloc(1, sizeof *m);
	m->p = text;
	m->n = strlen(text);
	m->most = most;
	struct input_source src = {m, mem_read, mem_close};
	struct input *in = input_open_source("t.json", src);
	json_read(in, &ac);
	input_close(in);
	return &g;
}

static struct grab *read_json(const char *text)
{
	return read_json_in(text, 0);
}

static const char *field(const struct event *ev, const char *name)
{
	int f = rules_field(rs, name);
	return f >= 0 && ev->val[f] ? ev->val[f] : "";
}

static void test_token_body(void)
{
	struct grab *g = read_json("{\"error_description\":\"authentication failure\","
				   "\"error\":\"invalid_grant\"}");
	CHECK_INT(g->n, 1);
	CHECK_INT(g->ev.kind, KIND_TOKEN_RESPONSE);
	CHECK_STR(field(&g->ev, "error"), "invalid_grant");
	CHECK_STR(field(&g->ev, "error_description"), "authentication failure");
	CHECK_STR(field(&g->ev, "body_kind"), "json");

	g = read_json(
	    "[{\"message\":\"Session expired or invalid\",\"errorCode\":\"INVALID_SESSION_ID\"},"
	    "{\"message\":\"x\",\"errorCode\":\"REQUEST_LIMIT_EXCEEDED\"}]");
	CHECK_INT(g->n, 2);
	CHECK_INT(g->ev.kind, KIND_API_ERROR);
	CHECK_STR(field(&g->ev, "error_code"), "INVALID_SESSION_ID");

	/* A success body is a token response with no error. */
	g = read_json(
	    "{\"access_token\":\"00Dx!y\",\"instance_url\":\"https://a.my.salesforce.com\"}");
	CHECK_INT(g->n, 1);
	CHECK_STR(field(&g->ev, "error"), "");
	CHECK_STR(field(&g->ev, "instance_url"), "https://a.my.salesforce.com");
}

static void test_har(void)
{
	struct grab *g = read_json(
	    "{\"log\":{\"entries\":[{\"startedDateTime\":\"2026-11-03T14:02:00.000Z\","
	    "\"request\":{\"method\":\"GET\",\"url\":\"https://cdn.example.com/app.js\"},"
	    "\"response\":{\"status\":200,\"content\":{\"text\":\"x\"}}},"
	    "{\"startedDateTime\":\"2026-11-03T14:02:01.000Z\",\"request\":{\"method\":\"POST\","
	    "\"url\":\"https://Acme.My.Salesforce.com:443/services/oauth2/token?x=1\","
	    "\"postData\":{\"text\":\"grant_type=password&username=a%40b.com\"}},"
	    "\"response\":{\"status\":400,\"content\":{\"mimeType\":\"application/json\","
	    "\"text\":\"{\\\"error\\\":\\\"invalid_client\\\",\\\"error_description\\\":"
	    "\\\"invalid client credentials\\\"}\"}}}]}}");
	CHECK_INT(g->n, 1); /* the CDN entry does not count */
	CHECK_STR(field(&g->ev, "host"), "acme.my.salesforce.com");
	CHECK_STR(field(&g->ev, "path"), "/services/oauth2/token");
	CHECK_STR(field(&g->ev, "scheme"), "https");
	CHECK_STR(field(&g->ev, "grant_type"), "password");
	CHECK_STR(field(&g->ev, "user"), "a@b.com");
	CHECK_STR(field(&g->ev, "http_status"), "400");
	CHECK_STR(field(&g->ev, "error"), "invalid_client");
	CHECK_INT(g->ev.time_ms, 1793714521000LL);

	g = read_json("{\"log\":{\"entries\":[{\"request\":{\"url\":\"https://x.example/\"},"
		      "\"response\":{\"status\":200}}]}}");
	CHECK_INT(g->n, 0);
	CHECK(strstr(g->notes, "none to a Salesforce authentication endpoint") != NULL);
}

/* Strings over SFDIAG_MAX_JSON_STRING are left out as the document is read,
 * so a HAR full of page bodies still fits; escapes are followed across the
 * reader's 64 KiB chunks. */
static void test_long_strings(void)
{
	struct strbuf t = {0};
	sb_adds(&t,
		"{\"log\":{\"entries\":[{\"request\":{\"url\":\"https://cdn.example.com/a.js\"},"
		"\"response\":{\"status\":200,\"content\":{\"text\":\"");
	/* Escaped quotes all along, kept and then cut: read 7 bytes at a time,
	 * many of them are split between two reads. */
	for (int i = 0; i < 50000; i++)
		sb_adds(&t, "\\\"");
	sb_adds(&t, "\"}}},{\"request\":{\"method\":\"POST\","
		    "\"url\":\"https://acme.my.salesforce.com/services/oauth2/token\"},"
		    "\"response\":{\"status\":400,\"content\":{\"text\":"
		    "\"{\\\"error\\\":\\\"invalid_grant\\\",\\\"error_description\\\":"
		    "\\\"authentication failure\\\"}\"}}}]}}");
	struct grab *g = read_json_in(sb_str(&t), 7);
	CHECK_INT(g->n, 1);
	CHECK_STR(field(&g->ev, "error"), "invalid_grant");
	CHECK_STR(field(&g->ev, "host"), "acme.my.salesforce.com");
	CHECK(strstr(g->notes, "left out 1 string longer than SFDIAG_MAX_JSON_STRING") != NULL);
	sb_free(&t);

	/* At the limit a string is kept whole. */
	sb_adds(&t, "{\"error\":\"invalid_grant\",\"error_description\":\"");
	for (int i = 0; i < 65536; i++)
		sb_addc(&t, 'z');
	sb_adds(&t, "\"}");
	g = read_json(sb_str(&t));
	CHECK_INT(g->n, 1);
	CHECK_INT(g->ev.len[rules_field(rs, "error_description")], 65536);
	CHECK(strstr(g->notes, "left out") == NULL);
	sb_free(&t);
}

/* An array of records is read an element at a time: the same events as
 * one tree, and a broken element keeps the records before it. */
static void test_record_elements(void)
{
	struct grab *g = read_json("{\"status\":0,\"result\":{\"records\":[\n"
				   "{\"Status\":\"Restricted IP\",\"UserId\":\"005a\"},\n"
				   "{\"Status\":\"Success\",\"UserId\":\"005b\"}],\"done\":true}}");
	CHECK_INT(g->n, 2);
	CHECK_INT(g->ev.kind, KIND_LOGIN_HISTORY);
	CHECK_STR(field(&g->ev, "status"), "Restricted IP");
	CHECK_INT(g->ev.line, 2);

	/* A broken element is skipped and named; the records after it are read. */
	g = read_json("[{\"Status\":\"Restricted IP\"},\n{\"Status\":\"Success\" \"x\":1},\n"
		      "{\"Status\":\"Success\"}]");
	CHECK_INT(g->n, 2);
	CHECK(strstr(g->notes, "element of the array at the top level skipped: not valid JSON") !=
	      NULL);
	CHECK_INT(g->note_line, 2);

	/* Not records (no status): read whole, as before. */
	g = read_json("{\"records\":[{\"Id\":\"1\"}]}");
	CHECK_INT(g->n, 0);
	/* A REST error array: every item counts. */
	g = read_json(
	    "[{\"message\":\"Session expired or invalid\",\"errorCode\":\"INVALID_SESSION_ID\"},"
	    "{\"message\":\"m\",\"errorCode\":\"REQUEST_LIMIT_EXCEEDED\"}]");
	CHECK_INT(g->n, 2);
	CHECK_INT(g->ev.kind, KIND_API_ERROR);
}

/* A record export is cut into records as the bytes arrive: the same
 * events, lines and notes however the reads fall (one byte at a time, or
 * across escapes, long strings and element boundaries). */
static void test_stream_chunks(void)
{
	struct strbuf t = {0};
	sb_adds(&t,
		"{\"status\": 0,\n \"result\": {\"note\": \"[{\\\"x\\\"\",\n  \"records\": [\n");
	for (int i = 0; i < 40; i++)
		sb_printf(&t,
			  "   {\"attributes\": {\"type\": \"LoginHistory\"},\n"
			  "    \"Username\": \"u%d\\\"q\\\\@x.com\", \"Status\": \"%s\",\n"
			  "    \"SourceIp\": \"192.0.2.%d\"}%s\n",
			  i, i % 3 ? "Restricted IP" : "Success", i, i < 39 ? "," : "");
	sb_adds(&t, "  ], \"totalSize\": 40, \"done\": true}}\n");
	static const size_t most[] = {1, 2, 3, 7, 64, 4096, 0};
	for (size_t k = 0; k < sizeof most / sizeof most[0]; k++) {
		struct grab *g = read_json_in(sb_str(&t), most[k]);
		CHECK_INT(g->n, 40);
		CHECK_INT(g->ev.line, 4);
		CHECK_STR(field(&g->ev, "user"), "u0\"q\\@x.com");
		CHECK_INT(g->last_line, 4 + 3 * 39);
		CHECK_STR(g->last_status, "Success");
		CHECK_STR(g->notes, "");
	}
	sb_free(&t);

	/* Wrapped one level down, by a log shipper, in a top-level array. */
	struct grab *g =
	    read_json("[{\"@timestamp\":\"2026-11-20T05:00:18Z\",\n"
		      " \"event\":{\"Status\":\"Restricted IP\",\"Username\":\"a@x.com\"}},\n"
		      "{\"@timestamp\":\"2026-11-20T06:00:18Z\",\n"
		      " \"event\":{\"Status\":\"Success\",\"Username\":\"a@x.com\"}}]");
	CHECK_INT(g->n, 2);
	CHECK_STR(field(&g->ev, "user"), "a@x.com");
	CHECK_INT(g->last_line, 3);
}

/* Past SFDIAG_MAX_JSON_ELEMENT bytes, nothing of the value is kept whole:
 * an element over the limit is skipped and named, elements that are no
 * records are counted, a string over 64 KiB in a record is left out, and
 * an input that ends inside an element says where and how many records
 * came before. */
static void test_stream_limits(void)
{
	struct strbuf t = {0};
	sb_adds(&t, "{\"records\": [\n{\"Status\": \"Restricted IP\", \"Note\": \"");
	for (int i = 0; i < 70000; i++)
		sb_addc(&t, 'n');
	sb_adds(&t, "\"},\n{\"Status\": \"Success\"");
	for (int k = 0; k < 20; k++) {
		sb_printf(&t, ", \"Pad%d\": \"", k);
		for (int i = 0; i < 60000; i++)
			sb_addc(&t, 'p');
		sb_addc(&t, '"');
	}
	sb_adds(&t, "},\n1, \"two\", [3], {\"Id\": 4},\n{\"Status\": \"Invalid Password\"}]}");
	for (int pass = 0; pass < 2; pass++) {
		struct grab *g = read_json_in(sb_str(&t), pass ? 1000 : 0);
		CHECK_INT(g->n, 2);
		CHECK_STR(field(&g->ev, "status"), "Restricted IP");
		CHECK_STR(g->last_status, "Invalid Password");
		CHECK_INT(g->last_line, 5);
		CHECK(strstr(g->notes, "skipped: larger than SFDIAG_MAX_JSON_ELEMENT (1 MiB)") !=
		      NULL);
		CHECK_INT(g->note_line, 3);
		CHECK(strstr(g->notes,
			     "4 of the 7 elements of the array at records are not login records") !=
		      NULL);
		CHECK(strstr(g->notes, "left out 1 string longer than SFDIAG_MAX_JSON_STRING") !=
		      NULL);
	}
	/* Cut short inside the third element. */
	size_t cut = (size_t)(strstr(sb_str(&t), "1, \"two\"") - sb_str(&t));
	struct strbuf c = {0};
	sb_add(&c, sb_str(&t), cut);
	sb_adds(&c, "{\"Status\": \"Succ");
	struct grab *g = read_json(sb_str(&c));
	CHECK_INT(g->n, 1);
	CHECK(strstr(g->notes, "truncated JSON: the input ends inside the element that starts "
			       "here, after 1 record of the array at records (line 1)") != NULL);
	sb_free(&c);
	sb_free(&t);

	/* In JSON Lines, a value refused whole (too deep) is named and the
	 * next one is read. */
	sb_adds(&c, "{\"Status\":\"Restricted IP\"}\n{\"a\":");
	for (int i = 0; i < 300; i++)
		sb_addc(&c, '[');
	for (int i = 0; i < 300; i++)
		sb_addc(&c, ']');
	sb_adds(&c, "}\n{\"Status\":\"Success\"}\n");
	g = read_json(sb_str(&c));
	CHECK_INT(g->n, 2);
	CHECK_STR(g->last_status, "Success");
	CHECK(strstr(g->notes, "over SFDIAG_MAX_JSON_DEPTH") != NULL);
	CHECK_INT(g->note_line, 2);
	sb_free(&c);
}

/* JSON Lines of login records: one per line, plain or wrapped one level
 * down by a log shipper; a numeric "status" is no login status. */
static void test_login_lines(void)
{
	struct grab *g = read_json("{\"EventDate\":\"2026-11-03T10:00:00Z\",\"Status\":"
				   "\"Invalid Password\",\"Username\":\"ann@example.com\"}\n"
				   "{\"EventDate\":\"2026-11-03T10:01:00Z\",\"Status\":\"Success\","
				   "\"Username\":\"ann@example.com\"}\n");
	CHECK_INT(g->n, 2);
	CHECK_INT(g->ev.kind, KIND_LOGIN_HISTORY);
	CHECK_STR(field(&g->ev, "status"), "Invalid Password");
	CHECK_STR(field(&g->ev, "user"), "ann@example.com");

	g = read_json("{\"@timestamp\":\"2026-11-03T10:00:00Z\",\"event\":{\"Status\":"
		      "\"Restricted IP\",\"Username\":\"bob@example.com\"}}\n");
	CHECK_INT(g->n, 1);
	CHECK_STR(field(&g->ev, "status"), "Restricted IP");

	g = read_json("{\"message\":\"{\\\"Status\\\":\\\"Restricted IP\\\"}\"}\n");
	CHECK_INT(g->n, 1);
	CHECK_STR(field(&g->ev, "status"), "Restricted IP");

	/* An `sf --json` error: "status" is its exit status, not a login's. */
	g = read_json("{\"status\":1,\"name\":\"JwtAuthError\",\"message\":\"Error "
		      "authenticating with JWT config due to: user hasn't approved this "
		      "consumer\"}");
	CHECK(g->n == 0 || g->ev.kind != KIND_LOGIN_HISTORY);
}

static void test_postman(void)
{
	/* A v2.1 collection: a folder with one request and two saved responses,
	 * one of them from a non-auth endpoint. */
	struct grab *g = read_json(
	    "{\"info\":{\"name\":\"sf\",\"schema\":\"https://schema.getpostman.com/json/"
	    "collection/v2.1.0/collection.json\"},\"item\":[{\"name\":\"auth\",\"item\":[{"
	    "\"name\":\"token\",\"request\":{\"method\":\"POST\",\"url\":{\"raw\":"
	    "\"https://test.salesforce.com/services/oauth2/token\"},\"body\":{\"mode\":"
	    "\"urlencoded\",\"urlencoded\":[{\"key\":\"grant_type\",\"value\":"
	    "\"client_credentials\"}]}},\"response\":[{\"name\":\"bad\",\"originalRequest\":{"
	    "\"method\":\"POST\",\"url\":\"https://test.salesforce.com/services/oauth2/token\","
	    "\"body\":{\"mode\":\"urlencoded\",\"urlencoded\":[{\"key\":\"grant_type\","
	    "\"value\":\"client_credentials\"}]}},\"code\":400,\"header\":[{\"key\":"
	    "\"Content-Type\",\"value\":\"application/json\"}],\"body\":\"{\\\"error\\\":"
	    "\\\"invalid_grant\\\",\\\"error_description\\\":\\\"request not supported on "
	    "this domain\\\"}\"},{\"name\":\"other\",\"originalRequest\":{\"url\":"
	    "\"https://example.com/x\"},\"code\":200,\"body\":\"ok\"}]}]}]}");
	CHECK_INT(g->n, 1);
	CHECK_INT(g->ev.kind, KIND_TOKEN_RESPONSE);
	CHECK_STR(field(&g->ev, "host"), "test.salesforce.com");
	CHECK_STR(field(&g->ev, "grant_type"), "client_credentials");
	CHECK_STR(field(&g->ev, "http_status"), "400");
	CHECK_STR(field(&g->ev, "error_description"), "request not supported on this domain");
	CHECK_STR(field(&g->ev, "content_type"), "application/json");

	g = read_json("{\"info\":{\"name\":\"x\"},\"item\":[{\"name\":\"a\"}]}");
	CHECK_INT(g->n, 0);
	CHECK(strstr(g->notes, "no saved response") != NULL);
}

static void test_settings(void)
{
	struct grab *g = read_json("{\"baseUrl\":\"http://acme.lightning.force.com/home\","
				   "\"username\":\" a@b.com \",\"password\":\"pwTOKEN123\","
				   "\"securityToken\":\"TOKEN123\",\"clientId\":\"\","
				   "\"proxy\":\"p\",\"retries\":3}");
	CHECK_INT(g->n, 1);
	CHECK_INT(g->ev.kind, KIND_SETTINGS);
	CHECK_STR(field(&g->ev, "scheme"), "http");
	CHECK_STR(field(&g->ev, "host"), "acme.lightning.force.com");
	CHECK_STR(field(&g->ev, "path"), "/home");
	CHECK_STR(field(&g->ev, "user"), "a@b.com");
	CHECK_STR(field(&g->ev, "padded"), "username");
	CHECK_STR(field(&g->ev, "empty"), "clientId");
	CHECK_STR(field(&g->ev, "unknown_keys"), "proxy, retries");
	/* Both halves of the password + token check reach the rules, which
	 * compare them (settings.rules: password ends-with security_token). */
	CHECK_STR(field(&g->ev, "password"), "pwTOKEN123");
	CHECK_STR(field(&g->ev, "security_token"), "TOKEN123");
	CHECK(strstr(g->notes, "proxy, retries") != NULL);

	/* Nested one level, no password or token. */
	g = read_json(
	    "{\"salesforce\":{\"baseUrl\":\"acme.my.salesforce.com\",\"username\":\"u\"}}");
	CHECK_INT(g->n, 1);
	CHECK_STR(field(&g->ev, "host"), "acme.my.salesforce.com");
	CHECK_STR(field(&g->ev, "scheme"), "");
	CHECK_STR(field(&g->ev, "password"), "");
}

static void test_bad_json(void)
{
	struct grab *g = read_json("{\"error\":\"invalid_gr");
	CHECK_INT(g->n, 0);
	CHECK(strstr(g->notes, "invalid or truncated JSON") != NULL);

	char *deep = xmalloc(20002);
	memset(deep, '[', 10000);
	memset(deep + 10000, ']', 10000);
	deep[20000] = '\0';
	g = read_json(deep);
	CHECK(strstr(g->notes, "SFDIAG_MAX_JSON_DEPTH") != NULL);
	free(deep);

	g = read_json("{\"hello\":\"world\"}");
	CHECK(strstr(g->notes, "JSON not recognised") != NULL);
}

static void test_masking(void)
{
	struct strbuf sb = {0};
	const char *s = "Bearer 00D5g000004ABCD!AQ4AQabcdefghijklmnopqrstuvwxyz0123456789 and "
			"password=hunter2&x=1 and {\"client_secret\":\"s3cr3t\"}";
	render_text_value(&sb, rs, s, strlen(s));
	CHECK(strstr(sb_str(&sb), "00D5g") == NULL);
	CHECK(strstr(sb_str(&sb), "hunter2") == NULL);
	CHECK(strstr(sb_str(&sb), "s3cr3t") == NULL);
	/* Masked values show their shape, as secret fields do. */
	CHECK(strstr(sb_str(&sb), "password=[secret: 7 chars, a-z 0-9]&x=1") != NULL);
	sb_reset(&sb);
	int pw = rules_field(rs, "password");
	render_value(&sb, rs, pw, "Ab1!", 4);
	CHECK_STR(sb_str(&sb), "[secret: 4 chars, A-Z a-z 0-9 symbols]");
	sb_free(&sb);
}

static void test_correlation(void)
{
	struct run r;
	CHECK_INT(run_init(&r, rs), 0);
	feed(&r, "lh.csv",
	     "Username,Login Time,Source IP,Login Type,Status,Application\n"
	     "c@acme.com,2026-11-03T13:00:00Z,34.2.1.5,Remote Access 2.0,Success,Conn\n"
	     "c@acme.com,2026-11-03T14:01:00Z,34.2.1.5,Remote Access 2.0,"
	     "Username-Password Flow Disabled,Conn\n"
	     "d@acme.com,2026-11-03T14:01:00Z,34.2.1.6,Remote Access 2.0,Invalid Password,Conn\n");
	feed(&r, "settings.json",
	     "{\"baseUrl\":\"https://acme.my.salesforce.com\",\"username\":\"c@acme.com\"}");
	feed(&r, "tok.json",
	     "{\"error\":\"invalid_grant\",\"error_description\":\"authentication failure\"}");
	run_finish(&r);
	const struct rule *cand = rules_find(rs, "token-authentication-failure");
	const struct rule *flow = rules_find(rs, "username-password-flow-disabled");
	CHECK(cand && flow);
	if (cand && flow) {
		const struct finding *fi = r.f.by_rule[cand - rs->rules];
		CHECK(fi != NULL);
		if (fi)
			CHECK_INT(fi->explained_by, (int)(flow - rs->rules));
	}
	run_free(&r);
}

/*
 * Where a document keeps its array is fields.conf data (`array PATH [har]`),
 * not C: with the shipped lines replaced by `array data.items`, that layout
 * is read and the shipped ones are not.
 */
static void test_array_layouts(void)
{
	char dir[] = "/tmp/sfdiag-test-json-XXXXXX", cmd[256];
	if (!mkdtemp(dir)) {
		perror("mkdtemp");
		exit(1);
	}
	snprintf(cmd, sizeof cmd,
		 "cp %s/rules/*.conf %s/rules/*.rules %s/ && sed -i '/^array /d' %s/fields.conf && "
		 "echo 'array data.items' >> %s/fields.conf",
		 SFDIAG_SRCDIR, SFDIAG_SRCDIR, dir, dir, dir);
	CHECK_INT(system(cmd), 0);
	struct ruleset *shipped = rs;
	rs = rules_load(dir, 1, quiet, NULL);
	CHECK(rs != NULL);
	if (rs) {
		CHECK_INT(rs->narrays, 1);
		struct grab *g =
		    read_json("{\"data\":{\"items\":[\n"
			      "{\"Status\":\"Restricted IP\"},{\"Status\":\"Success\"}]}}");
		CHECK_INT(g->n, 2);
		CHECK_INT(g->ev.kind, KIND_LOGIN_HISTORY);
		CHECK_INT(g->ev.line, 2);
		g = read_json("{\"records\":[{\"Status\":\"Restricted IP\"}]}");
		CHECK_INT(g->n, 0);
		CHECK(strstr(g->notes, "JSON not recognised") != NULL);
		g = read_json("{\"log\":{\"entries\":[{\"request\":{\"url\":"
			      "\"https://login.salesforce.com/services/oauth2/token\"}}]}}");
		CHECK(strstr(g->notes, "JSON not recognised") != NULL);
		rules_free(rs);
	}
	rs = shipped;
	snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
	CHECK_INT(system(cmd), 0);
}

static void setup(void)
{
	rs = rules_load(SFDIAG_SRCDIR "/rules", 1, quiet, NULL);
	if (!rs) {
		fprintf(stderr, "cannot load rules\n");
		exit(1);
	}
}

static void teardown(void)
{
	rules_free(rs);
}

UNIT_MAIN(setup, test_token_body, test_har, test_long_strings, test_record_elements,
	  test_stream_chunks, test_stream_limits, test_login_lines, test_array_layouts,
	  test_postman, test_settings, test_bad_json, test_masking, test_correlation, teardown)
