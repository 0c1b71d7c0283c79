/*
 * text_json.h - JSON and the literals that look like it, inside text.
 *
 * Logs print objects in many near-JSON dialects: Node's util.inspect
 * ({ statusCode: 400, body: '{"error":...}' }), Python's repr of a dict
 * ({'error': 'invalid_grant'}, True/None), Ruby's inspect of a hash
 * ({"error" => "invalid_grant"}, {:error=>...}, nil), and JSON with
 * trailing commas.  tj_parse() reads strict JSON with cJSON and, when that
 * fails, rewrites the literal into JSON first: single-quoted strings become
 * double-quoted, bare keys are quoted, `=>` and a lone `=` become `:`,
 * trailing commas go, and the other languages' constants become JSON's.  A
 * text that is none of these is refused; nothing is guessed beyond that.
 *
 * The brace tracker finds where a value that starts with `{` or `[` ends,
 * across lines, with strings of either quote skipped, so that a document
 * printed over many lines is read as one.
 *
 * Ownership: plain functions; the returned tree belongs to the caller
 * (cJSON_Delete).
 */
#ifndef SFDIAG_ADAPT_TEXT_JSON_H
#define SFDIAG_ADAPT_TEXT_JSON_H

#include <cjson/cJSON.h>
#include <stddef.h>
#include <stdint.h>

#include "base/util.h"

/* Where a bracketed value ends, fed a piece at a time. */
struct tj_depth {
	int depth;
	char quote; /* inside a string opened by this quote, or 0 */
	int esc;
};

/*
 * Feed s[0..n) (the first byte fed must be the opening `{` or `[`).
 * Returns 1 and sets *end (offset in s just past the closing bracket)
 * when the value closes in this piece; 0 while it is still open; -1 when
 * the nesting goes over SFDIAG_MAX_JSON_DEPTH.
 */
int tj_feed(struct tj_depth *d, const char *s, size_t n, size_t *end);

/*
 * Parse s[0..n) as JSON, else as a near-JSON literal (scratch holds the
 * rewrite).  Returns the tree, or NULL.  *near is set to 1 when the rewrite
 * was needed.
 */
cJSON *tj_parse(const char *s, size_t n, struct strbuf *scratch, int *near);

/*
 * At least as many as the values cJSON would make of the JSON text
 * s[0..n): brackets and commas outside strings, plus one.
 */
uint64_t tj_values(const char *s, size_t n);

/* cJSON_ParseWithLength, refused (NULL) when s[0..n) holds more than
 * SFDIAG_MAX_JSON_NODES values: every JSON tree sfdiag builds is bounded
 * by what it holds, not only by its bytes.  tj_parse() uses it. */
cJSON *tj_parse_bounded(const char *s, size_t n);

/*
 * Whether s[0..n), the first bytes of an input, can begin a sequence of
 * JSON values (what json_read() reads): 1 when no byte of it breaks the
 * grammar (a value cut short by the end of s is fine), else 0 with *bad
 * set to the offset of the first byte that does.  Used to read a text that
 * only starts like JSON ("[Error: ...]", "[2026-11-03 ...] INFO", a
 * util.inspect dump) as text instead of refusing it.
 */
int tj_prefix_ok(const char *s, size_t n, size_t *bad);

#endif
