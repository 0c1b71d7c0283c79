/*
 * text_scan.c - signatures in pasted text: log excerpts, stack traces, CLI
 * output, a line in an email.
 *
 * Pasted text is scanned per line for, in order: JSON error objects embedded
 * in the line (plain or with \" escapes), a URL-encoded error=... pair, then
 * the extract.conf patterns.  A wrapper line that names an HTTP status but no
 * error (Java's "HttpResponseException: 400 Bad Request", Guzzle's "...
 * response:", Python's "400 Client Error ... for url: ...") is held for one
 * non-blank line: when the next line is the JSON body, the two make one event.
 */
#include "adapt/adapter.h"

#include <cjson/cJSON.h>
#include <stdlib.h>
#include <string.h>

#include "adapt/extract.h"
#include "adapt/text_util.h"
#include "base/util.h"

/* At most this many `{` / `[` starts are tried per line and unescape level. */
#define TEXT_JSON_TRIES 16
/* At most this many `error=` occurrences are looked at per line. */
#define TEXT_URL_TRIES 8

/* ---- pasted text ---- */

struct held {
	int active;
	struct event ev;
	char store[4096]; /* the held values: the line they came from is gone */
	size_t used;
};

struct textscan {
	struct adapter_ctx *ac;
	const struct ruleset *rs;
	struct extract_scanner *sc;
	struct event ev, wrap;
	int wrap_state;	  /* 0 not tried, 1 matched, -1 no match */
	const char *line; /* the line being scanned */
	size_t line_len;
	long lineno;
	struct strbuf unesc[2];
	struct strbuf decoded;
	struct held held;
	int f_status, f_error, f_desc, f_uri, f_code, f_host, f_scheme, f_path, f_method;
	unsigned long notes;
};

/* Copy ev's values into the hold's store so that they outlive the line. */
static void hold(struct textscan *ts, const struct event *ev)
{
	struct held *h = &ts->held;
	h->ev = *ev;
	h->used = 0;
	for (size_t f = 0; f < ts->rs->nfields; f++) {
		if (!ev->val[f])
			continue;
		size_t n = ev->len[f];
		if (h->used + n + 1 > sizeof h->store) {
			h->ev.val[f] = NULL;
			h->ev.len[f] = 0;
			continue;
		}
		memcpy(h->store + h->used, ev->val[f], n);
		h->store[h->used + n] = '\0';
		h->ev.val[f] = h->store + h->used;
		h->used += n + 1;
	}
	h->active = 1;
}

static void hold_flush(struct textscan *ts)
{
	if (!ts->held.active)
		return;
	ts->held.active = 0;
	tx_emit(ts->ac, &ts->held.ev, &ts->notes);
}

/* Emit ev, found on the current line; mergeable events complete a held
 * wrapper line (the wrapper's line is cited). */
static void text_emit(struct textscan *ts, struct event *ev, int mergeable)
{
	ev->file = ts->ac->file;
	ev->file_seq = ts->ac->file_seq;
	ev->line = ts->lineno;
	if (ts->held.active) {
		if (mergeable && !(ts->f_status >= 0 && ev->val[ts->f_status])) {
			tx_fill_missing(ev, &ts->held.ev, ts->rs);
			ev->line = ts->held.ev.line;
			ts->held.active = 0;
		} else {
			hold_flush(ts);
		}
	}
	tx_line_time(ev, ts->rs, ts->line, ts->line_len);
	tx_emit(ts->ac, ev, &ts->notes);
}

/* The extract.conf match of the current line, computed once. */
static const struct event *wrapper(struct textscan *ts)
{
	if (ts->wrap_state == 0) {
		int ok = ts->sc && extract_line(ts->sc, ts->rs, ts->line, ts->line_len, &ts->wrap);
		ts->wrap_state = ok ? 1 : -1;
	}
	return ts->wrap_state > 0 ? &ts->wrap : NULL;
}

/* An error object: a key that fields.conf's `key` lines map to error or
 * error_code (a success body does not count in a log). */
static int has_error_key(const struct ruleset *rs, const cJSON *o)
{
	return json_response_kind(rs, o, 1) != 0;
}

static int error_array(const struct ruleset *rs, const cJSON *a)
{
	const cJSON *it;
	if (!cJSON_IsArray(a))
		return 0;
	cJSON_ArrayForEach(it, a) if (has_error_key(rs, it)) return 1;
	return 0;
}

/* The first object with an error key, or array of such objects, in node
 * (breadth first over at most a few levels and members). */
static const cJSON *find_error(const struct ruleset *rs, const cJSON *node, int depth)
{
	if (has_error_key(rs, node) || error_array(rs, node))
		return node;
	if (depth >= 4 || !(cJSON_IsObject(node) || cJSON_IsArray(node)))
		return NULL;
	const cJSON *it;
	int seen = 0;
	cJSON_ArrayForEach(it, node)
	{
		if (seen++ >= 64)
			break;
		const cJSON *f = find_error(rs, it, depth + 1);
		if (f)
			return f;
	}
	return NULL;
}

/* Events for the error object(s) in root; returns how many. */
static int json_events(struct textscan *ts, const cJSON *root)
{
	const cJSON *target = find_error(ts->rs, root, 0);
	if (!target)
		return 0;
	int count = 0;
	const cJSON *one = target, *it;
	if (cJSON_IsArray(target)) {
		cJSON_ArrayForEach(it, target)
		{
			if (!has_error_key(ts->rs, it))
				continue;
			event_clear(&ts->ev);
			unsigned k = json_response_event(ts->rs, it, &ts->ev);
			if (!k)
				continue;
			ts->ev.kind = k;
			const struct event *w = wrapper(ts);
			if (w)
				tx_fill_missing(&ts->ev, w, ts->rs);
			text_emit(ts, &ts->ev, 1);
			count++;
		}
		return count;
	}
	event_clear(&ts->ev);
	unsigned k = json_response_event(ts->rs, one, &ts->ev);
	if (!k)
		return 0;
	ts->ev.kind = k;
	const struct event *w = wrapper(ts);
	if (w)
		tx_fill_missing(&ts->ev, w, ts->rs);
	text_emit(ts, &ts->ev, 1);
	return 1;
}

/* Parse JSON values starting at `{` (or `[{`) in s[0..n). */
static int json_scan(struct textscan *ts, const char *s, size_t n)
{
	size_t pos = 0;
	int tries = 0;
	while (pos < n && tries < TEXT_JSON_TRIES) {
		const char *b = memchr(s + pos, '{', n - pos);
		const char *a = memchr(s + pos, '[', (size_t)((b ? b : s + n) - (s + pos)));
		const char *start = b;
		if (a) {
			const char *q = a + 1;
			while (q < s + n && tx_is_space(*q))
				q++;
			if (q < s + n && *q == '{')
				start = a;
		}
		if (!start)
			break;
		tries++;
		const char *end = NULL;
		cJSON *root = cJSON_ParseWithLengthOpts(start, (size_t)(s + n - start), &end, 0);
		if (!root) {
			pos = (size_t)(start - s) + 1;
			continue;
		}
		int got = json_events(ts, root);
		cJSON_Delete(root);
		if (got)
			return got;
		pos = end && end > start ? (size_t)(end - s) : (size_t)(start - s) + 1;
	}
	return 0;
}

/* s with \" turned into " and \\ into \ (one level), into sb. */
static void unescape(struct strbuf *sb, const char *s, size_t n)
{
	sb_reset(sb);
	sb_add(sb, "", 0);
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '\\' && i + 1 < n && (s[i + 1] == '"' || s[i + 1] == '\\')) {
			sb_addc(sb, s[++i]);
			continue;
		}
		sb_addc(sb, s[i]);
	}
}

static int json_stage(struct textscan *ts)
{
	const char *s = ts->line;
	size_t n = ts->line_len;
	if (!memchr(s, '{', n))
		return 0;
	int got = json_scan(ts, s, n);
	for (int level = 0; !got && level < 2 && tx_find(s, n, "\\\""); level++) {
		unescape(&ts->unesc[level], s, n);
		s = ts->unesc[level].buf;
		n = ts->unesc[level].len;
		got = json_scan(ts, s, n);
	}
	return got;
}

/* Value of param name in the query s[0..n): where and how long, or NULL. */
static const char *query_param(const char *s, size_t n, const char *name, size_t *len)
{
	size_t k = strlen(name);
	const char *p = s;
	while ((p = tx_find(p, (size_t)(s + n - p), name)) != NULL) {
		const char *after = p + k;
		int bounded = p == s || tx_in_set(p[-1], "?&#");
		if (bounded && after < s + n && *after == '=') {
			const char *v = after + 1, *e = v;
			while (e < s + n && *e != '&' && *e != '#')
				e++;
			*len = (size_t)(e - v);
			return v;
		}
		p = after;
	}
	return NULL;
}

static int url_stage(struct textscan *ts)
{
	const char *s = ts->line;
	size_t n = ts->line_len;
	const char *p = s;
	for (int tries = 0;
	     tries < TEXT_URL_TRIES && (p = tx_find(p, (size_t)(s + n - p), "error=")); tries++) {
		const char *at = p;
		p += 6;
		if (at != s && !tx_in_set(at[-1], "?&# \t\"'(<"))
			continue;
		/* The parameter string: back to ? # or a blank, on to a blank or quote. */
		const char *qs = at;
		while (qs > s && !tx_in_set(qs[-1], "?# \t\"'(<"))
			qs--;
		const char *qe = at;
		while (qe < s + n && !tx_is_space(*qe) && !tx_in_set(*qe, "\"'<>)"))
			qe++;
		size_t elen, dlen = 0, ulen = 0;
		const char *ev = query_param(qs, (size_t)(qe - qs), "error", &elen);
		const char *dv = query_param(qs, (size_t)(qe - qs), "error_description", &dlen);
		const char *uv = query_param(qs, (size_t)(qe - qs), "error_uri", &ulen);
		if (!ev || elen == 0)
			continue;
		int code_like = 1;
		for (size_t i = 0; i < elen; i++)
			if (!((ev[i] >= 'a' && ev[i] <= 'z') || ev[i] == '_'))
				code_like = 0;
		if (!code_like)
			continue;
		/* Decode all three into one buffer sized up front: pointers stay put. */
		struct strbuf *d = &ts->decoded;
		sb_reset(d);
		d->buf = xgrow(d->buf, &d->cap, elen + dlen + ulen + 8, 1);
		struct event *e = &ts->ev;
		event_clear(e);
		e->kind = KIND_TOKEN_RESPONSE;
		size_t o = d->len;
		tx_url_decode(d, ev, elen);
		event_set(e, ts->rs, ts->f_error, d->buf + o, d->len - o);
		sb_addc(d, '\0');
		if (dv) {
			o = d->len;
			tx_url_decode(d, dv, dlen);
			event_set(e, ts->rs, ts->f_desc, d->buf + o, d->len - o);
			sb_addc(d, '\0');
		}
		if (uv) {
			o = d->len;
			tx_url_decode(d, uv, ulen);
			event_set(e, ts->rs, ts->f_uri, d->buf + o, d->len - o);
			sb_addc(d, '\0');
		}
		text_emit(ts, e, 1);
		return 1;
	}
	return 0;
}

/* "POST https://host/path" on its own line after a held wrapper (newer
 * google-http-client messages): complete the held event's request. */
static int held_request(struct textscan *ts, const char *s, size_t n)
{
	size_t tn = n;
	s = str_trim(s, &tn);
	size_t m = 0;
	while (m < tn && s[m] >= 'A' && s[m] <= 'Z')
		m++;
	if (m < 3 || m > 7 || m + 9 > tn || s[m] != ' ' ||
	    !(tx_starts_with(s + m + 1, tn - m - 1, "https://") ||
	      tx_starts_with(s + m + 1, tn - m - 1, "http://")))
		return 0;
	struct held *h = &ts->held;
	const char *u = s + m + 1, *end = s + tn;
	const char *sep = tx_find(u, (size_t)(end - u), "://");
	const char *hs = sep + 3, *he = hs;
	while (he < end && *he != '/' && *he != ':' && *he != '?' && !tx_is_space(*he))
		he++;
	const char *ps = he;
	while (ps < end && *ps != '/' && !tx_is_space(*ps))
		ps++;
	const char *pe = ps;
	while (pe < end && *pe != '?' && *pe != '#' && !tx_is_space(*pe))
		pe++;
	struct {
		int f;
		const char *v;
		size_t n;
		int lower;
	} parts[] = {{ts->f_method, s, m, 0},
		     {ts->f_scheme, u, (size_t)(sep - u), 1},
		     {ts->f_host, hs, (size_t)(he - hs), 1},
		     {ts->f_path, ps, (size_t)(pe - ps), 0}};
	for (size_t i = 0; i < sizeof parts / sizeof parts[0]; i++) {
		int f = parts[i].f;
		size_t len = parts[i].n;
		if (f < 0 || h->ev.val[f] || len == 0 || h->used + len + 1 > sizeof h->store)
			continue;
		char *d = h->store + h->used;
		for (size_t k = 0; k < len; k++)
			d[k] = parts[i].lower ? tx_to_lower(parts[i].v[k]) : parts[i].v[k];
		d[len] = '\0';
		h->used += len + 1;
		event_set(&h->ev, ts->rs, f, d, len);
	}
	return 1;
}

static void text_line(struct textscan *ts, const char *s, size_t n, long lineno)
{
	ts->line = s;
	ts->line_len = n;
	ts->lineno = lineno;
	ts->wrap_state = 0;
	ts->ac->records++;

	size_t tn = n;
	str_trim(s, &tn);
	if (tn == 0)
		return; /* a blank line keeps a held wrapper waiting */
	if (ts->held.active && held_request(ts, s, n))
		return;
	if (json_stage(ts) || (tx_find(s, n, "error=") && url_stage(ts)))
		return;
	hold_flush(ts);
	const struct event *w = wrapper(ts);
	if (!w)
		return;
	struct event *ev = &ts->wrap;
	ev->file = ts->ac->file;
	ev->file_seq = ts->ac->file_seq;
	ev->line = lineno;
	tx_line_time(ev, ts->rs, s, n);
	int has_status = ts->f_status >= 0 && ev->val[ts->f_status];
	int has_error = (ts->f_error >= 0 && ev->val[ts->f_error]) ||
			(ts->f_code >= 0 && ev->val[ts->f_code]) ||
			(ts->f_desc >= 0 && ev->val[ts->f_desc]);
	if (has_status && !has_error)
		hold(ts, ev); /* the body may follow on the next line */
	else
		tx_emit(ts->ac, ev, &ts->notes);
}

int text_read(struct input *in, struct adapter_ctx *ac)
{
	struct textscan *ts = xcalloc(1, sizeof *ts);
	const struct ruleset *rs = ac->rs;
	struct lines l;
	const char *p;
	size_t n;

	ts->ac = ac;
	ts->rs = rs;
	ts->sc = rs->extract ? extract_scanner_new(rs->extract) : NULL;
	ts->f_status = rs->f.http_status;
	ts->f_error = rs->f.error;
	ts->f_desc = rs->f.error_description;
	ts->f_uri = rs->f.error_uri;
	ts->f_code = rs->f.error_code;
	ts->f_host = rs->f.host;
	ts->f_scheme = rs->f.scheme;
	ts->f_path = rs->f.path;
	ts->f_method = rs->f.method;
	event_clear(&ts->ev);
	event_clear(&ts->wrap);

	text_lines_init(&l, in, ac);
	while (text_lines_next(&l, &p, &n))
		text_line(ts, p, n, l.lineno);
	hold_flush(ts);
	int rc = l.failed ? -1 : 0;
	text_lines_free(&l);
	extract_scanner_free(ts->sc);
	sb_free(&ts->unesc[0]);
	sb_free(&ts->unesc[1]);
	sb_free(&ts->decoded);
	free(ts);
	return rc;
}
