/*
 * fuzz_render.c - the report model into every format.  The input is cut at
 * each "\n--8<--\n" into up to four inputs of one run (a ticket: login
 * rows, a token response, a log, settings ...), read through the real
 * pipeline; the report is built once and rendered as text (with and without
 * colour, at the width the first byte picks), JSON, Markdown and HTML.
 * Besides memory errors it checks what the writers promise:
 *   - the JSON report is one valid JSON document;
 *   - no output holds a control byte but TAB and LF (the text report in
 *     colour: but ESC starting its own SGR sequences), nor a bidirectional
 *     override or isolate (U+202A-202E, U+2066-2069) as raw UTF-8;
 *   - the HTML report holds no "<script".
 */
#define _GNU_SOURCE
#include "fuzz_common.h"

#include <cjson/cJSON.h>

#include "engine/run.h"
#include "report/render.h"

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	input_set_max_decompressed(16u << 20);
	fuzz_ruleset();
	return 0;
}

/* Render with fn into memory; the caller frees *out. */
static size_t render_mem(int (*fn)(FILE *, const struct report *, const struct render_opts *),
			 const struct report *rep, const struct render_opts *ro, char **out)
{
	size_t n = 0;
	*out = NULL;
	FILE *fp = open_memstream(out, &n);
	if (!fp)
		abort();
	fn(fp, rep, ro);
	fclose(fp);
	return n;
}

static void check_bytes(const char *what, const char *s, size_t n, int color)
{
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		int ok =
		    c >= 0x20 || c == '\t' || c == '\n' || (color && c == 0x1B && s[i + 1] == '[');
		if (!ok) {
			fprintf(stderr, "fuzz_render: %s: control byte 0x%02X at %zu\n", what, c,
				i);
			abort();
		}
		/* E2 80 AA-AE, E2 81 A6-A9 */
		if (c == 0xE2 && i + 2 < n &&
		    (((unsigned char)s[i + 1] == 0x80 && (unsigned char)s[i + 2] >= 0xAA &&
		      (unsigned char)s[i + 2] <= 0xAE) ||
		     ((unsigned char)s[i + 1] == 0x81 && (unsigned char)s[i + 2] >= 0xA6 &&
		      (unsigned char)s[i + 2] <= 0xA9))) {
			fprintf(stderr, "fuzz_render: %s: raw bidi control at %zu\n", what, i);
			abort();
		}
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char cut[] = "\n--8<--\n";
	static const char *const names[] = {"logins.csv", "token.json", "connector.log",
					    "settings.json"};
	if (size == 0)
		return 0;
	unsigned pick = data[0];
	data++;
	size--;
	struct run r;
	if (run_init(&r, fuzz_ruleset()) != 0)
		return 0;
	struct fuzz_mem m[4];
	size_t off = 0;
	for (int k = 0; k < 4 && off <= size; k++) {
		const uint8_t *p = data + off;
		const uint8_t *e = k < 3 ? memmem(p, size - off, cut, sizeof cut - 1) : NULL;
		size_t len = e ? (size_t)(e - p) : size - off;
		m[k] = (struct fuzz_mem){p, len, 0, 0};
		struct input_source src = {&m[k], fuzz_mem_read, fuzz_mem_close};
		run_input(&r, input_open_source(names[k], src));
		if (!e)
			break;
		off += len + sizeof cut - 1;
	}
	run_finish(&r);
	static const enum severity fail_on[] = {SEV_INFO, SEV_WARNING, SEV_ERROR, SEV_NONE};
	struct report *rep = report_build(&r, fail_on[pick & 3]);
	struct render_opts ro = {.color = (pick >> 2) & 1, .width = 40 + (int)(pick >> 3) * 4};
	char *out;
	size_t n = render_mem(render_text, rep, &ro, &out);
	check_bytes("text", out, n, ro.color);
	free(out);
	ro.color = 0;
	n = render_mem(render_json, rep, &ro, &out);
	check_bytes("json", out, n, 0);
	cJSON *doc = cJSON_ParseWithLength(out, n);
	if (!doc) {
		fprintf(stderr, "fuzz_render: the JSON report does not parse\n");
		abort();
	}
	cJSON_Delete(doc);
	free(out);
	n = render_mem(render_md, rep, &ro, &out);
	check_bytes("md", out, n, 0);
	free(out);
	n = render_mem(render_html, rep, &ro, &out);
	check_bytes("html", out, n, 0);
	if (memmem(out, n, "<script", 7)) {
		fprintf(stderr, "fuzz_render: <script in the HTML report\n");
		abort();
	}
	free(out);
	report_free(rep);
	run_free(&r);
	return 0;
}
