/*
 * fuzz_settings.c - the settings checks (rules/settings.rules) on
 * connection settings built from fuzzed values.  The input's lines are the
 * values of baseUrl, username, password, securityToken, clientId,
 * clientSecret, loginUrl and grantType, in that order (as JSON strings, so
 * any bytes reach the checks); the settings go through the real pipeline
 * and the report is rendered as text and JSON.  Besides memory errors it
 * checks that no secret leaves: a password, security token or client
 * secret of 12 bytes or more that shows in a report must show there as
 * well when that value is replaced by another of its length (then it is
 * the report's own text, or another value's), else it leaked.
 */
#define _GNU_SOURCE
#include "fuzz_common.h"

#include <cjson/cJSON.h>

#include "engine/run.h"
#include "report/render.h"

enum { NKEYS = 8 };
static const char *const keys[NKEYS] = {"baseUrl",  "username",	    "password", "securityToken",
					"clientId", "clientSecret", "loginUrl", "grantType"};
static const int secret[NKEYS] = {0, 0, 1, 1, 0, 1, 0, 0};

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	fuzz_ruleset();
	return 0;
}

/* The text and JSON reports of the settings vals[0..NKEYS) (NULL: key
 * left out), back to back, in *out (malloc'd); returns the length. */
static size_t diagnose(char *const *vals, char **out)
{
	cJSON *obj = cJSON_CreateObject();
	for (int k = 0; k < NKEYS; k++)
		if (vals[k])
			cJSON_AddStringToObject(obj, keys[k], vals[k]);
	char *doc = cJSON_PrintUnformatted(obj);
	cJSON_Delete(obj);
	if (!doc)
		abort();
	struct run r;
	size_t n = 0;
	*out = NULL;
	if (run_init(&r, fuzz_ruleset()) != 0) {
		free(doc);
		return 0;
	}
	struct fuzz_mem m = {(const uint8_t *)doc, strlen(doc), 0, 0};
	struct input_source src = {&m, fuzz_mem_read, fuzz_mem_close};
	run_input(&r, input_open_source("connector-settings.json", src));
	run_finish(&r);
	struct report *rep = report_build(&r, SEV_ERROR);
	struct render_opts ro = {.color = 0, .width = 80};
	FILE *fp = open_memstream(out, &n);
	if (!fp)
		abort();
	render_text(fp, rep, &ro);
	render_json(fp, rep, &ro);
	fclose(fp);
	report_free(rep);
	run_free(&r);
	free(doc);
	return n;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *vals[NKEYS] = {0};
	size_t a = 0;
	for (int k = 0; k < NKEYS && a <= size; k++) {
		const uint8_t *nl = memchr(data + a, '\n', size - a);
		size_t len = nl ? (size_t)(nl - (data + a)) : size - a;
		/* A line "-" leaves the key out. */
		if (!(len == 1 && data[a] == '-')) {
			vals[k] = malloc(len + 1);
			memcpy(vals[k], data + a, len);
			vals[k][len] = '\0'; /* a NUL inside ends the JSON string there */
		}
		if (!nl)
			break;
		a += len + 1;
	}
	char *out;
	size_t n = diagnose(vals, &out);
	for (int k = 0; k < NKEYS; k++) {
		size_t len = vals[k] ? strlen(vals[k]) : 0;
		if (!secret[k] || len < 12 || !memmem(out, n, vals[k], len))
			continue;
		char *keep = vals[k];
		vals[k] = malloc(len + 1);
		memset(vals[k], 'Q', len);
		vals[k][len] = '\0';
		char *out2;
		size_t n2 = diagnose(vals, &out2);
		int leaked = !memmem(out2, n2, keep, len);
		free(out2);
		free(vals[k]);
		vals[k] = keep;
		if (leaked) {
			fprintf(stderr, "fuzz_settings: the %s \"%s\" is in the report\n", keys[k],
				keep);
			abort();
		}
	}
	free(out);
	for (int k = 0; k < NKEYS; k++)
		free(vals[k]);
	return 0;
}
