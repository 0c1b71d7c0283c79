/*
 * test_forms.c - one signature in every form pasted text brings it gives
 * one and the same rule: the OAuth pair invalid_grant / "authentication
 * failure" as a JSON body, escaped JSON, pretty JSON over lines, a Python
 * dict, a Ruby hash, a Node util.inspect dump, key: value lines, logfmt,
 * Java's toString(), a library line, an XML token response, sf --json
 * output and a bare sentence; and a SOAP fault on one line and laid out
 * over many.  Against the real rules/ directory.
 */
#include <stdlib.h>
#include <string.h>

#include "adapt/adapter.h"
#include "base/util.h"
#include "engine/matcher.h"
#include "rules/ruleset.h"
#include "unit.h"

static struct ruleset *rs;
static struct matcher *m;
static struct strbuf errors;

static void collect(void *ctx, const char *msg)
{
	(void)ctx;
	sb_adds(&errors, msg);
	sb_addc(&errors, '\n');
}

struct mem {
	const char *s;
	size_t n, pos;
};

static long mem_read(void *ctx, void *buf, size_t n)
{
	struct mem *mm = ctx;
	size_t k = mm->n - mm->pos;
	if (k > n)
		k = n;
	memcpy(buf, mm->s + mm->pos, k);
	mm->pos += k;
	return (long)k;
}

static char rules_seen[8][64];
static long lines_seen[8];
static size_t nseen;

static void on_event(void *ctx, const struct event *ev)
{
	(void)ctx;
	if (nseen >= 8)
		return;
	int v = matcher_classify(m, ev);
	snprintf(rules_seen[nseen], sizeof rules_seen[nseen], "%s",
		 v >= 0 ? rs->rules[v].id : "(none)");
	lines_seen[nseen] = ev->line;
	nseen++;
}

static void on_note(void *ctx, enum note_level level, long line, const char *msg)
{
	(void)ctx;
	(void)level;
	(void)line;
	(void)msg;
}

/* Read text as a pasted text file; returns the number of events. */
static size_t read_text(const char *text)
{
	nseen = 0;
	struct mem mm = {text, strlen(text), 0};
	struct adapter_ctx ac = {.rs = rs, .file = "form.txt", .emit = on_event, .note = on_note};
	struct input *in =
	    input_open_source("form.txt", (struct input_source){&mm, mem_read, NULL});
	CHECK_INT(text_read(in, &ac), 0);
	input_close(in);
	return nseen;
}

static const char *const oauth_forms[] = {
    /* JSON body after a log message */
    "2026-11-03 14:02:11 ERROR token call failed: "
    "{\"error\":\"invalid_grant\",\"error_description\":\"authentication failure\"}\n",
    /* escaped JSON inside a JSON log line */
    "{\"level\":\"error\",\"body\":\"{\\\"error\\\":\\\"invalid_grant\\\","
    "\\\"error_description\\\":\\\"authentication failure\\\"}\"}\n",
    /* pretty JSON on the lines after the message */
    "token request failed, response body:\n{\n  \"error\" : \"invalid_grant\",\n"
    "  \"error_description\" : \"authentication failure\"\n}\n",
    /* pretty JSON with the log prefix on every line */
    "2026-11-03 14:02:11.118 [main] ERROR c.a.Token - body:\n"
    "2026-11-03 14:02:11.118 [main] ERROR c.a.Token - {\n"
    "2026-11-03 14:02:11.118 [main] ERROR c.a.Token -   \"error\" : \"invalid_grant\",\n"
    "2026-11-03 14:02:11.119 [main] ERROR c.a.Token -   \"error_description\" : "
    "\"authentication failure\"\n"
    "2026-11-03 14:02:11.119 [main] ERROR c.a.Token - }\n",
    /* Python repr of a dict */
    "ERROR sync: {'error': 'invalid_grant', 'error_description': 'authentication failure'}\n",
    /* Ruby inspect of a hash, and a symbol-keyed one */
    "ERROR -- : {\"error\" => \"invalid_grant\", \"error_description\" => \"authentication "
    "failure\"}\n",
    "ERROR -- : {:error=>\"invalid_grant\", :error_description=>\"authentication failure\"}\n",
    /* Node util.inspect with the body as a string */
    "{\n  statusCode: 400,\n  body: '{\"error\":\"invalid_grant\",\"error_description\":"
    "\"authentication failure\"}',\n}\n",
    /* key: value lines, logfmt, Java toString() */
    "error: invalid_grant\nerror_description: authentication failure\n",
    "level=error error=invalid_grant error_description=\"authentication failure\"\n",
    "TokenErrorResponse{error='invalid_grant', errorDescription='authentication failure'}\n",
    /* a library's line, and a bare pair in a CLI's error list */
    "Restforce::AuthenticationError: invalid_grant: authentication failure (400)\n",
    "Errors encountered:\n  invalid_grant: authentication failure\n",
    /* XML token response over lines */
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<OAuth>\n  <error>invalid_grant</error>\n"
    "  <error_description>authentication failure</error_description>\n</OAuth>\n",
    /* the description alone, in a sentence */
    "The connector only says \"authentication failure\" since Monday.\n",
};

static void test_oauth_forms(void)
{
	for (size_t i = 0; i < sizeof oauth_forms / sizeof oauth_forms[0]; i++) {
		size_t n = read_text(oauth_forms[i]);
		CHECK_INT(n, 1);
		if (n != 1)
			fprintf(stderr, "form %zu gave %zu events\n", i, n);
		CHECK_STR(rules_seen[0], "token-authentication-failure");
	}
}

static const char *const soap_forms[] = {
    "<soapenv:Fault><faultcode>sf:INVALID_LOGIN</faultcode><faultstring>INVALID_LOGIN: "
    "Invalid username, password, security token; or user locked out.</faultstring>"
    "</soapenv:Fault>\n",
    "login failed, response:\n"
    "<soapenv:Envelope xmlns:soapenv=\"http://schemas.xmlsoap.org/soap/envelope/\" "
    "xmlns:sf=\"urn:fault.partner.soap.sforce.com\">\n"
    " <soapenv:Body>\n  <soapenv:Fault>\n"
    "   <faultcode>sf:INVALID_LOGIN</faultcode>\n"
    "   <faultstring>INVALID_LOGIN: Invalid username, password, security token; or user "
    "locked out.</faultstring>\n"
    "   <detail><sf:LoginFault><sf:exceptionCode>INVALID_LOGIN</sf:exceptionCode>\n"
    "    <sf:exceptionMessage>Invalid username, password, security token; or user locked "
    "out.</sf:exceptionMessage></sf:LoginFault></detail>\n"
    "  </soapenv:Fault>\n </soapenv:Body>\n</soapenv:Envelope>\n",
    /* a SOAP fault over lines, each with a syslog prefix */
    "Nov 03 14:02:11 host app[7]: <soapenv:Envelope "
    "xmlns:soapenv=\"http://schemas.xmlsoap.org/soap/envelope/\">\n"
    "Nov 03 14:02:11 host app[7]:  <soapenv:Body><soapenv:Fault>\n"
    "Nov 03 14:02:11 host app[7]:   <faultcode>sf:INVALID_LOGIN</faultcode>\n"
    "Nov 03 14:02:11 host app[7]:   <faultstring>INVALID_LOGIN: Invalid username, password, "
    "security token; or user locked out.</faultstring>\n"
    "Nov 03 14:02:11 host app[7]:  </soapenv:Fault></soapenv:Body>\n"
    "Nov 03 14:02:11 host app[7]: </soapenv:Envelope>\n",
    "[Error: INVALID_LOGIN: Invalid username, password, security token; or user locked out.]\n",
    "{\"faultcode\":\"sf:INVALID_LOGIN\",\"exceptionCode\":\"INVALID_LOGIN\"}\n",
};

static void test_soap_forms(void)
{
	for (size_t i = 0; i < sizeof soap_forms / sizeof soap_forms[0]; i++) {
		size_t n = read_text(soap_forms[i]);
		/* The JSON form has no error key fields.conf knows: its code is
		 * read by the extractor from the line. */
		CHECK_INT(n, 1);
		if (n != 1)
			fprintf(stderr, "soap form %zu gave %zu events\n", i, n);
		CHECK_STR(rules_seen[0], "soap-invalid-login");
	}
	/* One fault over many lines is one event, cited at its first line. */
	read_text(soap_forms[1]);
	CHECK_INT(lines_seen[0], 2);
}

static void test_entities_refused(void)
{
	/* An entity declaration refuses the document; its lines are then read
	 * one by one and the code on its own line is still found. */
	static const char t[] =
	    "<?xml version=\"1.0\"?>\n"
	    "<!DOCTYPE r [<!ENTITY a \"aaaaaaaaaa\"><!ENTITY b \"&a;&a;&a;\">]>\n"
	    "<r>\n<faultcode>sf:INVALID_LOGIN</faultcode>\n<x>&b;</x>\n</r>\n";
	size_t n = read_text(t);
	CHECK_INT(n, 1);
	CHECK_STR(rules_seen[0], "soap-invalid-login");
	CHECK_INT(lines_seen[0], 4);
}

static void run_all(void)
{
	rs = rules_load(SFDIAG_SRCDIR "/rules", 1, collect, NULL);
	if (!rs) {
		fprintf(stderr, "cannot load rules/:\n%s", sb_str(&errors));
		exit(1);
	}
	m = matcher_new(rs);
	test_oauth_forms();
	test_soap_forms();
	test_entities_refused();
	matcher_free(m);
	rules_free(rs);
	sb_free(&errors);
}

UNIT_MAIN(run_all)
