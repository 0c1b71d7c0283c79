/*
 * text_kv.c - see text_kv.h.
 */
#include "adapt/text_kv.h"

#include <string.h>

/* Most key-value pairs looked at per line. */
#define KV_MAX_PAIRS 32

static int ident_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c == '_' || c == '-' || c == '.';
}

static int blank(char c)
{
	return c == ' ' || c == '\t';
}

/* An OAuth-style code: [a-z0-9]+ joined by '_', with at least one '_'. */
static int oauth_code(const char *v, size_t n)
{
	int us = 0;
	for (size_t i = 0; i < n; i++) {
		if (v[i] == '_' && i > 0 && i + 1 < n && v[i + 1] != '_')
			us = 1;
		else if (!((v[i] >= 'a' && v[i] <= 'z') || (v[i] >= '0' && v[i] <= '9')))
			return 0;
	}
	return us;
}

/* An API error code: [A-Z][A-Z0-9_]+ with at least one '_'. */
static int api_code(const char *v, size_t n)
{
	if (n < 3 || !(v[0] >= 'A' && v[0] <= 'Z'))
		return 0;
	int us = 0;
	for (size_t i = 0; i < n; i++) {
		if (v[i] == '_')
			us = 1;
		else if (!((v[i] >= 'A' && v[i] <= 'Z') || (v[i] >= '0' && v[i] <= '9')))
			return 0;
	}
	return us;
}

/*
 * The value after a separator at s[i]: quoted, or bare up to , ; } ) ] &
 * or a blank that starts the next key=.  Sets *v, *vn; returns the offset
 * after the value.
 */
static size_t take_value(const char *s, size_t n, size_t i, char sep, const char **v, size_t *vn)
{
	while (i < n && blank(s[i]))
		i++;
	if (i < n && (s[i] == '"' || s[i] == '\'')) {
		char q = s[i];
		size_t e = i + 1;
		while (e < n && s[e] != q && !(s[e] == '\\' && e + 1 < n && s[e + 1] == q))
			e++;
		*v = s + i + 1;
		*vn = e - i - 1;
		return e < n ? e + 1 : e;
	}
	size_t e = i;
	while (e < n && !strchr(",;})]&\"", s[e])) {
		if (blank(s[e]) && sep == '=') {
			/* logfmt: a blank before "key=" ends the value */
			size_t k = e + 1;
			while (k < n && ident_char(s[k]))
				k++;
			if (k > e + 1 && k < n && s[k] == '=')
				break;
		}
		e++;
	}
	size_t end = e;
	while (e > i && blank(s[e - 1]))
		e--;
	*v = s + i;
	*vn = e - i;
	return end;
}

unsigned text_kv_scan(const struct ruleset *rs, const char *s, size_t n, struct event *ev)
{
	event_clear(ev);
	const int f_err = rs->f.error, f_desc = rs->f.error_description, f_code = rs->f.error_code,
		  f_msg = rs->f.message, f_uri = rs->f.error_uri;
	int pairs = 0;
	for (size_t i = 0; i < n && pairs < KV_MAX_PAIRS;) {
		if (!ident_char(s[i]) || (i > 0 && ident_char(s[i - 1]))) {
			i++;
			continue;
		}
		size_t k = i;
		while (k < n && ident_char(s[k]))
			k++;
		size_t key_end = k;
		if (k < n && (s[k] == '"' || s[k] == '\''))
			k++; /* "error": in a quoted-key form */
		while (k < n && blank(s[k]))
			k++;
		if (k >= n || (s[k] != ':' && s[k] != '=') || key_end - i > 40 ||
		    (s[k] == ':' && k + 1 < n && s[k + 1] == ':')) {
			i = key_end;
			continue;
		}
		char sep = s[k];
		pairs++;
		char norm[64];
		rules_normalize_header(s + i, key_end - i, norm, sizeof norm);
		int f = rules_field_for_key(rs, KIND_TOKEN_RESPONSE, norm);
		if (f < 0)
			f = rules_field_for_key(rs, KIND_API_ERROR, norm);
		const char *v;
		size_t vn;
		size_t next = take_value(s, n, k + 1, sep, &v, &vn);
		i = next > i ? next : i + 1;
		if (f < 0 || vn == 0 || ev->val[f] ||
		    (f != f_err && f != f_desc && f != f_code && f != f_msg && f != f_uri))
			continue;
		if (vn == 4 && memcmp(v, "null", 4) == 0)
			continue;
		event_set(ev, rs, f, v, vn);
	}
	int has_desc = f_desc >= 0 && ev->val[f_desc];
	int err_ok = f_err >= 0 && ev->val[f_err] &&
		     (has_desc || oauth_code(ev->val[f_err], ev->len[f_err]));
	int code_ok = f_code >= 0 && ev->val[f_code] && api_code(ev->val[f_code], ev->len[f_code]);
	if (f_err >= 0 && ev->val[f_err] && !err_ok) {
		ev->val[f_err] = NULL;
		ev->len[f_err] = 0;
	}
	if (f_code >= 0 && ev->val[f_code] && !code_ok) {
		ev->val[f_code] = NULL;
		ev->len[f_code] = 0;
	}
	if (err_ok || has_desc) {
		ev->kind = KIND_TOKEN_RESPONSE;
		if (f_code >= 0) /* one event is one kind */
			ev->val[f_code] = NULL;
		if (f_msg >= 0)
			ev->val[f_msg] = NULL;
		return ev->kind;
	}
	if (code_ok) {
		ev->kind = KIND_API_ERROR;
		if (f_uri >= 0)
			ev->val[f_uri] = NULL;
		return ev->kind;
	}
	event_clear(ev);
	return 0;
}
