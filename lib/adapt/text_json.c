/*
 * text_json.c - see text_json.h.
 */
#include "adapt/text_json.h"

#include <string.h>

#include "base/limits.h"

int tj_feed(struct tj_depth *d, const char *s, size_t n, size_t *end)
{
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		if (d->quote) {
			if (d->esc)
				d->esc = 0;
			else if (c == '\\')
				d->esc = 1;
			else if (c == d->quote)
				d->quote = 0;
			continue;
		}
		if (c == '"' || c == '\'') {
			/* An apostrophe inside a bare word (Java's toString, prose) is
			 * not a quote: only one that opens a value or a key is. */
			if (c == '\'' && i > 0 &&
			    ((s[i - 1] >= 'a' && s[i - 1] <= 'z') ||
			     (s[i - 1] >= 'A' && s[i - 1] <= 'Z')))
				continue;
			d->quote = c;
		} else if (c == '{' || c == '[') {
			if (++d->depth > SFDIAG_MAX_JSON_DEPTH)
				return -1;
		} else if (c == '}' || c == ']') {
			if (--d->depth <= 0) {
				*end = i + 1;
				return 1;
			}
		}
	}
	return 0;
}

static int ident_start(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == '$';
}

static int ident_char(char c)
{
	return ident_start(c) || (c >= '0' && c <= '9');
}

static int is_ws(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* The last byte written that is not white space, or 0. */
static char last_nonws(const struct strbuf *out, size_t *at)
{
	size_t k = out->len;
	while (k > 0 && is_ws(out->buf[k - 1]))
		k--;
	*at = k ? k - 1 : 0;
	return k ? out->buf[k - 1] : '\0';
}

/* Copy a string quoted by q at s[*i] as a JSON string. */
static int copy_string(struct strbuf *out, const char *s, size_t n, size_t *i)
{
	char q = s[*i];
	sb_addc(out, '"');
	for (size_t k = *i + 1; k < n; k++) {
		char c = s[k];
		if (c == '\\' && k + 1 < n) {
			if (s[k + 1] == '\'') {
				sb_addc(out, '\'');
			} else {
				sb_addc(out, '\\');
				sb_addc(out, s[k + 1]);
			}
			k++;
		} else if (c == q) {
			sb_addc(out, '"');
			*i = k + 1;
			return 0;
		} else if (c == '"') {
			sb_adds(out, "\\\"");
		} else if (c == '\n') {
			sb_adds(out, "\\n");
		} else {
			sb_addc(out, c);
		}
	}
	return -1;
}

/* The JSON for a bare word used as a value: the other languages' constants,
 * else the word as a string. */
static void bare_value(struct strbuf *out, const char *w, size_t k)
{
	static const char *const map[][2] = {
	    {"true", "true"},	{"false", "false"},   {"null", "null"}, {"True", "true"},
	    {"False", "false"}, {"None", "null"},     {"nil", "null"},	{"undefined", "null"},
	    {"NaN", "null"},	{"Infinity", "null"},
	};
	for (size_t i = 0; i < sizeof map / sizeof map[0]; i++) {
		if (strlen(map[i][0]) == k && memcmp(map[i][0], w, k) == 0) {
			sb_adds(out, map[i][1]);
			return;
		}
	}
	sb_addc(out, '"');
	sb_add(out, w, k);
	sb_addc(out, '"');
}

/* Rewrite a near-JSON literal into JSON (see text_json.h); -1 when it is
 * not one. */
static int rewrite(const char *s, size_t n, struct strbuf *out)
{
	sb_reset(out);
	for (size_t i = 0; i < n;) {
		char c = s[i];
		if (is_ws(c)) {
			sb_addc(out, c);
			i++;
		} else if (c == '"' || c == '\'') {
			if (copy_string(out, s, n, &i) != 0)
				return -1;
		} else if (c == '}' || c == ']') {
			size_t at;
			if (last_nonws(out, &at) == ',')
				out->len = at; /* a trailing comma */
			sb_addc(out, c);
			i++;
		} else if (c == '{' || c == '[' || c == ',') {
			/* Node's [Object], [Array], [Circular *1], [Function: f]. */
			if (c == '[' && i + 1 < n && s[i + 1] >= 'A' && s[i + 1] <= 'Z') {
				const char *close = memchr(s + i, ']', n - i);
				if (close) {
					sb_adds(out, "null");
					i = (size_t)(close - s) + 1;
					continue;
				}
			}
			sb_addc(out, c);
			i++;
		} else if (c == '=' && i + 1 < n && s[i + 1] == '>') {
			sb_addc(out, ':');
			i += 2;
		} else if (c == ':' || c == '=') {
			/* A Ruby symbol key (:error=>) loses its colon. */
			if (c == ':' && i + 1 < n && ident_start(s[i + 1])) {
				i++;
				continue;
			}
			sb_addc(out, ':');
			i++;
		} else if (c == '-' || (c >= '0' && c <= '9')) {
			while (i < n && (s[i] == '-' || s[i] == '+' || s[i] == '.' || s[i] == 'e' ||
					 s[i] == 'E' || (s[i] >= '0' && s[i] <= '9')))
				sb_addc(out, s[i++]);
		} else if (ident_start(c)) {
			size_t k = i;
			while (k < n && ident_char(s[k]))
				k++;
			size_t j = k;
			while (j < n && is_ws(s[j]))
				j++;
			if (j < n && (s[j] == '{' || s[j] == '[') &&
			    (i == 0 || out->len == 0 || !strchr(":,", s[i - 1]))) {
				/* A class name before an object (IncomingMessage {). */
				i = j;
				continue;
			}
			if (j < n && (s[j] == ':' || s[j] == '=')) {
				sb_addc(out, '"');
				sb_add(out, s + i, k - i);
				sb_addc(out, '"');
			} else {
				bare_value(out, s + i, k - i);
			}
			i = k;
		} else if (c == '<') {
			/* Node's <ref *1> before an object. */
			const char *close = memchr(s + i, '>', n - i);
			if (!close)
				return -1;
			i = (size_t)(close - s) + 1;
		} else {
			return -1;
		}
	}
	return 0;
}

uint64_t tj_values(const char *s, size_t n)
{
	uint64_t k = 1;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		if (c == '"') {
			for (i++; i < n && s[i] != '"'; i++)
				i += s[i] == '\\';
		} else if (c == '{' || c == '[' || c == ',') {
			k++;
		}
	}
	return k;
}

cJSON *tj_parse_bounded(const char *s, size_t n)
{
	if (tj_values(s, n) > SFDIAG_MAX_JSON_NODES)
		return NULL;
	return cJSON_ParseWithLengthOpts(s, n, NULL, 0);
}

cJSON *tj_parse(const char *s, size_t n, struct strbuf *scratch, int *near)
{
	*near = 0;
	cJSON *v = tj_parse_bounded(s, n);
	if (v)
		return v;
	if (rewrite(s, n, scratch) != 0)
		return NULL;
	*near = 1;
	return tj_parse_bounded(scratch->buf, scratch->len);
}

/* What the JSON grammar allows next. */
enum tj_want {
	TJ_VALUE,	   /* a value (top level, after ':' or ',' in an array) */
	TJ_VALUE_OR_CLOSE, /* after '[' */
	TJ_KEY_OR_CLOSE,   /* after '{' */
	TJ_KEY,		   /* after ',' in an object */
	TJ_COLON,
	TJ_NEXT, /* ',' or the container's close (top level: another value) */
};

int tj_prefix_ok(const char *s, size_t n, size_t *bad)
{
	char stack[SFDIAG_MAX_JSON_DEPTH];
	int depth = 0;
	enum tj_want want = TJ_VALUE;
	size_t i = 0;
	while (i < n) {
		char c = s[i];
		if (is_ws(c)) {
			i++;
			continue;
		}
		int is_key = want == TJ_KEY || want == TJ_KEY_OR_CLOSE;
		if (c == '"' && (is_key || want == TJ_VALUE || want == TJ_VALUE_OR_CLOSE)) {
			size_t k = i + 1;
			while (k < n && s[k] != '"') {
				if ((unsigned char)s[k] < 0x20) {
					*bad = k;
					return 0;
				}
				k += s[k] == '\\' ? 2 : 1;
			}
			if (k >= n)
				return 1; /* cut short inside a string */
			i = k + 1;
			want = is_key ? TJ_COLON : TJ_NEXT;
			continue;
		}
		if ((c == '}' && (want == TJ_KEY_OR_CLOSE ||
				  (want == TJ_NEXT && depth && stack[depth - 1] == '{'))) ||
		    (c == ']' && (want == TJ_VALUE_OR_CLOSE ||
				  (want == TJ_NEXT && depth && stack[depth - 1] == '[')))) {
			depth--;
			i++;
			want = TJ_NEXT;
			continue;
		}
		if (c == ',' && want == TJ_NEXT && depth) {
			want = stack[depth - 1] == '{' ? TJ_KEY : TJ_VALUE;
			i++;
			continue;
		}
		if (c == ':' && want == TJ_COLON) {
			want = TJ_VALUE;
			i++;
			continue;
		}
		if (want == TJ_NEXT && depth == 0)
			want = TJ_VALUE; /* JSON lines: the next value */
		if (want != TJ_VALUE && want != TJ_VALUE_OR_CLOSE) {
			*bad = i;
			return 0;
		}
		if (c == '{' || c == '[') {
			if (depth >= SFDIAG_MAX_JSON_DEPTH)
				return 1; /* json_read reports the depth */
			stack[depth++] = c;
			want = c == '{' ? TJ_KEY_OR_CLOSE : TJ_VALUE_OR_CLOSE;
			i++;
			continue;
		}
		if (c == '-' || (c >= '0' && c <= '9')) {
			size_t k = i;
			while (k < n && (s[k] == '-' || s[k] == '+' || s[k] == '.' || s[k] == 'e' ||
					 s[k] == 'E' || (s[k] >= '0' && s[k] <= '9')))
				k++;
			if (k < n && !is_ws(s[k]) && !strchr(",]}", s[k])) {
				*bad = k;
				return 0;
			}
			i = k;
			want = TJ_NEXT;
			continue;
		}
		static const char *const words[] = {"true", "false", "null"};
		int ok = 0;
		for (size_t w = 0; w < 3 && !ok; w++) {
			size_t len = strlen(words[w]);
			size_t have = n - i < len ? n - i : len;
			if (memcmp(s + i, words[w], have) == 0) {
				if (have < len)
					return 1; /* cut short */
				i += len;
				ok = 1;
			}
		}
		if (!ok) {
			*bad = i;
			return 0;
		}
		want = TJ_NEXT;
	}
	return 1;
}
