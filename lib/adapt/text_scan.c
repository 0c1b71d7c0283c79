/*
 * text_scan.c - signatures in pasted text: log excerpts, stack traces, CLI
 * output, a line in an email.
 *
 * Signature first.  Every line goes through the literal prefilter
 * (litscan.h), which holds the required substrings of everything sought:
 * each extract.conf pattern's `needs`, the descriptions and messages the
 * rules test (text_sigs.h), the JSON error keys of fields.conf, the XML
 * elements of extract.conf's `xml` lines, and the failure vocabulary.  A
 * line with none of them costs one pass of the filter, and PCRE2 never
 * sees it.  A line with some is read, in order, for:
 *
 *   1. JSON or near-JSON objects in it (also with \" escapes; text_json.h),
 *      an object with an error key being one event, and strings inside an
 *      object (sf --json's message and stack, util.inspect's body) read
 *      in turn as JSON or as text;
 *   2. an XML error body in it (text_xml.h);
 *   3. a URL-encoded error=...&error_description=... pair;
 *   4. the extract.conf patterns: the first that matches, and when it only
 *      found a wrapper (a status, a URL), the first later one that finds
 *      what the wrapper wraps;
 *   5. `key: value` / `key=value` errors (text_kv.h), consecutive lines
 *      making one event;
 *   6. the bare descriptions and messages the rules test.
 *
 * Whatever wrapper matched the line (step 4) adds the context it knows to
 * the event of steps 1-3, 5 and 6.  A wrapper line that names an HTTP
 * status but no error is held for one non-blank line: when the next line
 * (or document) is the body, the two make one event.
 *
 * A line that opens a bracket or an XML element it does not close starts a
 * document: the following lines are collected (at most SFDIAG_MAX_TEXT_DOC
 * bytes and SFDIAG_MAX_TEXT_DOC_LINES lines) until it closes, and it is
 * read as one.  A document that does not close, or says no error, has its
 * lines read one by one after all, so nothing is lost.
 *
 * Lines with failure vocabulary (extract.conf `vocabulary`, `status-pattern`)
 * that gave no signature are counted: when the input gave no signature at
 * all, the first SFDIAG_MAX_UNRECOGNIZED_LINES become events of their own,
 * which no rule explains, so the report shows them as unrecognized
 * failures instead of "no problems found"; otherwise a note counts them.
 */
#include "adapt/adapter.h"

#include <cjson/cJSON.h>
#include <stdlib.h>
#include <string.h>

#include "adapt/extract.h"
#include "adapt/litscan.h"
#include "adapt/text_json.h"
#include "adapt/text_kv.h"
#include "adapt/text_rows.h"
#include "adapt/text_sigs.h"
#include "adapt/text_util.h"
#include "adapt/text_xml.h"
#include "base/util.h"

/* At most this many `{` / `[` starts are tried per line and unescape level. */
#define TEXT_JSON_TRIES 16
/* At most this many `error=` occurrences are looked at per line. */
#define TEXT_URL_TRIES 8
/* At most this many `<` starts are tried per line. */
#define TEXT_XML_TRIES 4
/* Prefilter hits kept per line. */
#define TEXT_HITS 64
/* Strings of one JSON document read as text, and how deep JSON held in a
 * string is read. */
#define TEXT_JSON_STRINGS 256
#define TEXT_JSON_NEST	  2
/* Distinct signatures remembered per line or document (duplicates, such
 * as sf --json's message repeated in its stack, are one event). */
#define TEXT_SEEN 16

/* The prefilter's classes (litscan.h). */
enum {
	CLS_NEEDS,  /* an extractor's `needs`: id = extractor */
	CLS_VOCAB,  /* failure vocabulary */
	CLS_STATUS, /* the status pattern's `status-needs` */
	CLS_DESC,   /* a description a rule tests: id = text_sigs id */
	CLS_KEY,    /* a JSON error key (fields.conf), also error=... */
	CLS_XML,    /* an element of an `xml` line */
};

/* An event kept past its line: the line it came from is gone. */
struct held {
	int active;
	struct event ev;
	char store[4096];
	size_t used;
};

struct failure {
	long line;
	char *text;
};

/* A document being collected over several lines. */
/* The longest log prefix a document's lines may carry. */
#define TEXT_PREFIX_MAX 160

struct doc {
	int active;
	int xml;
	struct strbuf text;  /* the document, from its opening byte */
	struct strbuf lines; /* every line it took, whole, for a re-read */
	size_t *off;	     /* start of each line in `lines` */
	long *lineno;
	size_t nlines, cap;
	struct tj_depth depth;
	char root[128];	    /* XML: the root element's name, "" until seen */
	struct strbuf head; /* the line before it, when it was the wrapper */
	long owns[2];	    /* failure lines that are its context, uncounted if it says an error */
	int nowns;
	/* The log prefix written before its first byte ("2026-11-03 14:00:02
	 * ERROR c.a.Token - "), taken off each later line that starts with a
	 * prefix of the same shape; empty when it started a line. */
	char prefix[TEXT_PREFIX_MAX];
	size_t prefix_len;
};

struct textscan {
	struct adapter_ctx *ac;
	const struct ruleset *rs;
	const struct extract_set *x;
	struct extract_scanner *sc;
	struct litscan *ls;
	struct text_sigs *sigs;
	struct text_xml *xmlr;
	pcre2_match_data *md;
	pcre2_match_context *mctx;
	unsigned char *cand; /* per extractor: may match this line */
	int unfiltered;	     /* some extractor has no `needs`: it sees every line */
	struct event ev, wrap, wrap2, kv;
	struct event swrap, swrap2;  /* extractors run on a string of a document */
	const struct event *wrapper; /* the extract.conf match of the line */
	int wrap_state;		     /* 0 not tried, 1 matched, -1 no match */
	const char *line;	     /* the line (or document head) being read */
	size_t line_len;
	long lineno;
	struct lit_hit hits[TEXT_HITS];
	size_t nhits;
	unsigned cls;
	struct strbuf unesc[2], decoded, near, piece;
	struct held held, kvh;
	struct doc doc;
	int replaying;
	struct strbuf prev; /* the last line read in full */
	long prev_lineno;
	long prev_failure; /* line number of the last failure line, or 0 */
	uint64_t seen[TEXT_SEEN];
	size_t nseen;
	long ctx_status; /* an HTTP status the enclosing object named, or 0 */
	int nest;
	unsigned long emitted;	/* events given */
	unsigned long failures; /* failure lines without a signature */
	struct failure fail[SFDIAG_MAX_UNRECOGNIZED_LINES];
	size_t nfail;
	long first_failure;
	unsigned long notes;
};

static void text_line(struct textscan *ts, const char *s, size_t n, long lineno);
static const struct event *wrapper(struct textscan *ts);

/* ---- emitting ---- */

static void out(struct textscan *ts, struct event *ev)
{
	ts->emitted++;
	tx_emit(ts->ac, ev, &ts->notes);
}

/* Copy ev's values into h's store so that they outlive the line. */
static void hold(struct textscan *ts, struct held *h, const struct event *ev)
{
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

/* Add to h the values of ev it lacks. */
static void hold_more(struct textscan *ts, struct held *h, const struct event *ev)
{
	for (size_t f = 0; f < ts->rs->nfields; f++) {
		size_t n = ev->len[f];
		if (!ev->val[f] || h->ev.val[f] || h->used + n + 1 > sizeof h->store)
			continue;
		memcpy(h->store + h->used, ev->val[f], n);
		h->store[h->used + n] = '\0';
		h->ev.val[f] = h->store + h->used;
		h->ev.len[f] = n;
		h->used += n + 1;
	}
}

static void hold_flush(struct textscan *ts, struct held *h)
{
	if (!h->active)
		return;
	h->active = 0;
	out(ts, &h->ev);
}

/* A hash of what ev says, to drop a repeat within one line or document. */
static uint64_t said_hash(const struct textscan *ts, const struct event *ev)
{
	const struct ruleset *rs = ts->rs;
	const int f[] = {rs->f.error, rs->f.error_code, rs->f.error_description, rs->f.message};
	uint64_t h = 1469598103934665603ull ^ ev->kind;
	for (size_t i = 0; i < sizeof f / sizeof f[0]; i++) {
		if (f[i] < 0 || !ev->val[f[i]])
			continue;
		for (size_t k = 0; k < ev->len[f[i]]; k++)
			h = (h ^ (unsigned char)ev->val[f[i]][k]) * 1099511628211ull;
		h = (h ^ 0xff) * 1099511628211ull;
	}
	return h;
}

/*
 * Emit ev, a signature found on the current line or document: the line's
 * wrapper (and an HTTP status the enclosing object named) add context, and
 * a held wrapper line takes it as its body (the wrapper's line is cited).
 */
static void sig_emit(struct textscan *ts, struct event *ev)
{
	const struct ruleset *rs = ts->rs;
	uint64_t h = said_hash(ts, ev);
	for (size_t i = 0; i < ts->nseen; i++)
		if (ts->seen[i] == h)
			return;
	if (ts->nseen < TEXT_SEEN)
		ts->seen[ts->nseen++] = h;
	ev->file = ts->ac->file;
	ev->file_seq = ts->ac->file_seq;
	ev->line = ts->lineno;
	const struct event *w = wrapper(ts);
	if (w && w != ev)
		tx_fill_missing(ev, w, rs);
	if (ts->ctx_status && rs->f.http_status >= 0 && !ev->val[rs->f.http_status]) {
		char num[16];
		size_t k = (size_t)snprintf(num, sizeof num, "%ld", ts->ctx_status);
		const char *v = event_keep(ev, num, &k);
		event_set(ev, rs, rs->f.http_status, v, k);
	}
	struct held *hd = &ts->held;
	if (hd->active) {
		int st = rs->f.http_status;
		if (!(st >= 0 && ev->val[st] && hd->ev.val[st] &&
		      (ev->len[st] != hd->ev.len[st] ||
		       memcmp(ev->val[st], hd->ev.val[st], ev->len[st]) != 0))) {
			tx_fill_missing(ev, &hd->ev, rs);
			ev->line = hd->ev.line;
			hd->active = 0;
		} else {
			hold_flush(ts, hd);
		}
	}
	tx_line_time(ev, rs, ts->line, ts->line_len);
	out(ts, ev);
}

/* The extract.conf match of the current line, computed once. */
static const struct event *wrapper(struct textscan *ts)
{
	if (ts->wrap_state == 0) {
		ts->wrapper = ts->sc ? extract_line(ts->sc, ts->rs, ts->line, ts->line_len,
						    ts->cand, &ts->wrap, &ts->wrap2)
				     : NULL;
		ts->wrap_state = ts->wrapper ? 1 : -1;
	}
	return ts->wrapper;
}

/* ---- 1. JSON and near-JSON ---- */

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
 * (depth first over at most a few levels and members). */
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

/* An HTTP status an object names beside its body (util.inspect's
 * statusCode, a log's status), 100-599, else 0. */
static long object_status(const cJSON *o)
{
	static const char *const keys[] = {"statusCode", "status", "status_code", "httpStatus"};
	for (size_t i = 0; cJSON_IsObject(o) && i < sizeof keys / sizeof keys[0]; i++) {
		const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, keys[i]);
		if (cJSON_IsNumber(v) && v->valuedouble >= 100 && v->valuedouble < 600)
			return (long)v->valuedouble;
	}
	return 0;
}

static int text_signature(struct textscan *ts, const char *s, size_t n);
static int json_events(struct textscan *ts, const cJSON *root);

static int one_error(struct textscan *ts, const cJSON *obj)
{
	event_clear(&ts->ev);
	unsigned k = json_response_event(ts->rs, obj, &ts->ev);
	if (!k)
		return 0;
	ts->ev.kind = k;
	sig_emit(ts, &ts->ev);
	return 1;
}

/* Strings inside a document that said no error: JSON held in a string, or
 * text (split at line breaks) that holds a signature. */
static int json_strings(struct textscan *ts, const cJSON *node, int depth, int *budget)
{
	int got = 0;
	const cJSON *it;
	if (depth > 8)
		return 0;
	cJSON_ArrayForEach(it, node)
	{
		if (--*budget < 0)
			break;
		if (cJSON_IsObject(it) || cJSON_IsArray(it)) {
			got += json_strings(ts, it, depth + 1, budget);
			continue;
		}
		const char *v = cJSON_IsString(it) ? it->valuestring : NULL;
		if (!v || !*v)
			continue;
		size_t n = strlen(v), t = n;
		const char *s = str_trim(v, &t);
		if (t && (*s == '{' || *s == '[') && ts->nest < TEXT_JSON_NEST) {
			struct strbuf scratch = {0};
			int near;
			cJSON *inner = tj_parse(s, t, &scratch, &near);
			sb_free(&scratch);
			if (inner) {
				ts->nest++;
				got += json_events(ts, inner);
				ts->nest--;
				cJSON_Delete(inner);
				continue;
			}
		}
		for (const char *p = v, *end = v + n; p < end;) {
			const char *nl = memchr(p, '\n', (size_t)(end - p));
			size_t k = nl ? (size_t)(nl - p) : (size_t)(end - p);
			got += text_signature(ts, p, k);
			p += k + 1;
		}
	}
	return got;
}

/* Events for the error object(s) in root, else for the signatures in its
 * strings; returns how many. */
static int json_events(struct textscan *ts, const cJSON *root)
{
	long saved = ts->ctx_status;
	long st = object_status(root);
	if (st)
		ts->ctx_status = st;
	int count = 0;
	const cJSON *target = find_error(ts->rs, root, 0);
	if (target && cJSON_IsArray(target)) {
		const cJSON *it;
		cJSON_ArrayForEach(it, target) if (has_error_key(ts->rs, it)) count +=
		    one_error(ts, it);
	} else if (target) {
		count = one_error(ts, target);
	} else {
		int budget = TEXT_JSON_STRINGS;
		count = json_strings(ts, root, 0, &budget);
	}
	ts->ctx_status = saved;
	return count;
}

/* Parse JSON or near-JSON values that start at `{` (or `[` before `{` or a
 * quote) in s[0..n). */
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
			if (q < s + n && (*q == '{' || *q == '\''))
				start = a;
		}
		if (!start)
			break;
		tries++;
		struct tj_depth d = {0};
		size_t end = 0, off = (size_t)(start - s);
		if (tj_feed(&d, start, n - off, &end) != 1) {
			pos = off + 1;
			continue;
		}
		int near;
		cJSON *root = tj_parse(start, end, &ts->near, &near);
		if (!root) {
			pos = off + 1;
			continue;
		}
		int got = json_events(ts, root);
		cJSON_Delete(root);
		if (got)
			return got;
		pos = off + end;
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

static int json_stage(struct textscan *ts, const char *s, size_t n)
{
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

/* ---- 2. XML ---- */

static void on_xml(void *ctx, struct event *ev)
{
	sig_emit(ctx, ev);
}

static int xml_stage(struct textscan *ts, const char *s, size_t n)
{
	if (!ts->xmlr)
		return 0;
	size_t pos = 0;
	for (int tries = 0; tries < TEXT_XML_TRIES && pos < n; tries++) {
		const char *lt = memchr(s + pos, '<', n - pos);
		if (!lt || lt + 1 >= s + n)
			return 0;
		size_t off = (size_t)(lt - s);
		char c = lt[1];
		pos = off + 1;
		if (!(c == '?' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')))
			continue;
		int got = text_xml_parse(ts->xmlr, lt, n - off, on_xml, ts);
		if (got > 0)
			return got;
	}
	return 0;
}

/* ---- 3. URL-encoded pairs ---- */

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

static int url_stage(struct textscan *ts, const char *s, size_t n)
{
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
		/* In a query or fragment (?error= #error= or with &): a lone
		 * error=... elsewhere is logfmt, for the key-value reader. */
		if (!ev || elen == 0 ||
		    !(memchr(qs, '&', (size_t)(qe - qs)) || (qs > s && tx_in_set(qs[-1], "?#"))))
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
		event_set(e, ts->rs, ts->rs->f.error, d->buf + o, d->len - o);
		sb_addc(d, '\0');
		if (dv) {
			o = d->len;
			tx_url_decode(d, dv, dlen);
			event_set(e, ts->rs, ts->rs->f.error_description, d->buf + o, d->len - o);
			sb_addc(d, '\0');
		}
		if (uv) {
			o = d->len;
			tx_url_decode(d, uv, ulen);
			event_set(e, ts->rs, ts->rs->f.error_uri, d->buf + o, d->len - o);
			sb_addc(d, '\0');
		}
		sig_emit(ts, e);
		return 1;
	}
	return 0;
}

/* "POST https://host/path" on its own line after a held wrapper (newer
 * google-http-client messages): complete the held event's request. */
static int held_request(struct textscan *ts, const char *s, size_t n)
{
	const struct ruleset *rs = ts->rs;
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
	} parts[] = {{rs->f.method, s, m, 0},
		     {rs->f.scheme, u, (size_t)(sep - u), 1},
		     {rs->f.host, hs, (size_t)(he - hs), 1},
		     {rs->f.path, ps, (size_t)(pe - ps), 0}};
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
		event_set(&h->ev, rs, f, d, len);
	}
	return 1;
}

/* ---- 5. key: value ---- */

/* A key-value error on the current line: it joins the one held from the
 * line before when it adds fields of the same kind, else starts one. */
static int kv_stage(struct textscan *ts, const char *s, size_t n)
{
	struct event *ev = &ts->kv;
	if (!text_kv_scan(ts->rs, s, n, ev))
		return 0;
	struct held *h = &ts->kvh;
	const struct ruleset *rs = ts->rs;
	int coded = (rs->f.error >= 0 && ev->val[rs->f.error]) ||
		    (rs->f.error_code >= 0 && ev->val[rs->f.error_code]);
	if (!coded && !(h->active && h->ev.kind == ev->kind))
		return 0; /* a description alone only completes the line before */
	if (h->active && h->ev.kind == ev->kind) {
		int overlap = 0;
		for (size_t f = 0; f < ts->rs->nfields && !overlap; f++)
			overlap = ev->val[f] && h->ev.val[f];
		if (!overlap) {
			hold_more(ts, h, ev);
			return 1;
		}
	}
	hold_flush(ts, h);
	ev->file = ts->ac->file;
	ev->file_seq = ts->ac->file_seq;
	ev->line = ts->lineno;
	if (ts->wrapper)
		tx_fill_missing(ev, ts->wrapper, ts->rs);
	tx_line_time(ev, ts->rs, ts->line, ts->line_len);
	hold(ts, h, ev);
	/* What the held key-value event says is emitted through sig_emit's
	 * rules when it is complete (kv_flush). */
	return 1;
}

static void kv_flush(struct textscan *ts)
{
	struct held *h = &ts->kvh;
	if (!h->active)
		return;
	h->active = 0;
	long line = ts->lineno;
	const char *l = ts->line;
	size_t ln = ts->line_len;
	const struct event *w = ts->wrapper;
	int state = ts->wrap_state;
	size_t nseen = ts->nseen;
	ts->lineno = h->ev.line;
	ts->line = "";
	ts->line_len = 0;
	ts->wrapper = NULL;
	ts->wrap_state = -1;
	ts->nseen = 0;
	sig_emit(ts, &h->ev);
	ts->lineno = line;
	ts->line = l;
	ts->line_len = ln;
	ts->wrapper = w;
	ts->wrap_state = state;
	ts->nseen = nseen;
}

/* ---- the stages together ---- */

/* The candidate extractors of the line: those whose `needs` hit, and
 * those without `needs`. */
static void set_candidates(struct textscan *ts, const struct lit_hit *hits, size_t nh)
{
	if (!ts->x || !ts->cand)
		return;
	for (size_t i = 0; i < ts->x->n; i++)
		ts->cand[i] = ts->x->x[i].needs.n == 0;
	for (size_t i = 0; i < nh; i++)
		if (hits[i].cls == CLS_NEEDS && hits[i].id < ts->x->n)
			ts->cand[hits[i].id] = 1;
}

/*
 * Steps 4-6 on s[0..n), text that is not the current line itself (a
 * string inside a document): extractors, key-value, descriptions.
 */
static int text_signature(struct textscan *ts, const char *s, size_t n)
{
	size_t nh = 0;
	struct lit_hit hits[TEXT_HITS];
	unsigned cls = litscan_scan(ts->ls, s, n, hits, TEXT_HITS, &nh);
	if (!cls && !ts->unfiltered)
		return 0;
	/* The string is its own line: no wrapper of the document's line. */
	const struct event *saved = ts->wrapper;
	int saved_state = ts->wrap_state;
	ts->wrapper = NULL;
	ts->wrap_state = -1;
	set_candidates(ts, hits, nh);
	int got = 0;
	const struct event *w =
	    ts->sc ? extract_line(ts->sc, ts->rs, s, n, ts->cand, &ts->swrap, &ts->swrap2) : NULL;
	if (w && extract_says(ts->rs, w)) {
		sig_emit(ts, (struct event *)w);
		got = 1;
	}
	if (!got && (cls & (1u << CLS_KEY)) && text_kv_scan(ts->rs, s, n, &ts->kv) &&
	    extract_says(ts->rs, &ts->kv) &&
	    ((ts->rs->f.error >= 0 && ts->kv.val[ts->rs->f.error]) ||
	     (ts->rs->f.error_code >= 0 && ts->kv.val[ts->rs->f.error_code]))) {
		sig_emit(ts, &ts->kv);
		got = 1;
	}
	for (size_t i = 0; !got && (cls & (1u << CLS_DESC)) && i < nh; i++) {
		if (hits[i].cls == CLS_DESC &&
		    text_sigs_match(ts->sigs, hits[i].id, s, n, hits[i].pos, &ts->ev, ts->md,
				    ts->mctx)) {
			sig_emit(ts, &ts->ev);
			got = 1;
		}
	}
	set_candidates(ts, ts->hits, ts->nhits);
	ts->wrapper = saved;
	ts->wrap_state = saved_state;
	return got;
}

/* ---- failure vocabulary ---- */

static int failure_vocabulary(struct textscan *ts, const char *s, size_t n)
{
	if (ts->cls & (1u << CLS_VOCAB))
		return 1;
	if (!(ts->cls & (1u << CLS_STATUS)) || !ts->x->status_re)
		return 0;
	return pcre2_match(ts->x->status_re, (PCRE2_SPTR)s, n, 0, 0, ts->md, ts->mctx) >= 0;
}

static void failure_line(struct textscan *ts, const char *s, size_t n)
{
	ts->failures++;
	ts->prev_failure = ts->lineno;
	if (!ts->first_failure)
		ts->first_failure = ts->lineno;
	if (ts->nfail >= SFDIAG_MAX_UNRECOGNIZED_LINES)
		return;
	size_t t = n;
	s = str_trim(s, &t);
	t = tx_utf8_cut(s, t > 300 ? 300 : t);
	ts->fail[ts->nfail].line = ts->lineno;
	ts->fail[ts->nfail].text = xstrndup(s, t);
	ts->nfail++;
}

/* A failure line turned out to be the wrapper of a signature after all. */
static void failure_unsay(struct textscan *ts, long line)
{
	if (!ts->failures)
		return;
	ts->failures--;
	if (ts->nfail && ts->fail[ts->nfail - 1].line == line) {
		free(ts->fail[--ts->nfail].text);
	}
	if (ts->first_failure == line)
		ts->first_failure = ts->nfail ? ts->fail[0].line : 0;
}

/* ---- documents over several lines ---- */

static int letter(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

/* The XML element name at s[0..n) (after '<'), into root. */
static void xml_name(const char *s, size_t n, char *root, size_t cap)
{
	size_t k = 0;
	while (k < n && k + 1 < cap && !tx_is_space(s[k]) && s[k] != '>' && s[k] != '/')
		k++;
	memcpy(root, s, k);
	root[k] = '\0';
}

/* Whether line s[0..n) closes XML element root. */
static int xml_closes(const char *s, size_t n, const char *root)
{
	char close[140];
	snprintf(close, sizeof close, "</%s", root);
	const char *p = tx_find(s, n, close);
	size_t k = strlen(close);
	return p && (p + k == s + n || p[k] == '>' || tx_is_space(p[k]));
}

static int opens_doc_at(const char *s, size_t n, size_t *at, int *xml);

/* An XML document written after a log prefix: "<?xml" or a namespaced root
 * ("<soapenv:Envelope", "<Fault xmlns=...") after a space, so that a word in
 * angle brackets inside a sentence does not open one. */
static int opens_xml_after_prefix(const char *s, size_t n, size_t *at, int *xml)
{
	size_t lim = n < TEXT_PREFIX_MAX ? n : TEXT_PREFIX_MAX;
	for (size_t a = 1; a + 1 < lim; a++) {
		if (s[a] != '<' || s[a - 1] != ' ' || !(s[a + 1] == '?' || letter(s[a + 1])))
			continue;
		size_t e = a + 1;
		while (e < n && s[e] != '>' && !tx_is_space(s[e]))
			e++;
		int namespaced = s[a + 1] == '?' || memchr(s + a, ':', e - a) ||
				 tx_find(s + a, n - a, "xmlns") != NULL;
		if (!namespaced)
			return 0;
		size_t rel;
		if (!opens_doc_at(s + a, n - a, &rel, xml) || !*xml)
			return 0;
		*at = a + rel;
		return 1;
	}
	return 0;
}

/* Does s[0..n) open a document it does not close?  *at gets where it
 * starts, *xml whether it is XML. */
static int opens_doc(const char *s, size_t n, size_t *at, int *xml)
{
	if (opens_doc_at(s, n, at, xml))
		return 1;
	return opens_xml_after_prefix(s, n, at, xml);
}

static int opens_doc_at(const char *s, size_t n, size_t *at, int *xml)
{
	size_t a = 0, b = n;
	while (a < n && tx_is_space(s[a]))
		a++;
	while (b > a && tx_is_space(s[b - 1]))
		b--;
	if (a >= b)
		return 0;
	char first = s[a], last = s[b - 1];
	if (first == '<' && a + 1 < b && (s[a + 1] == '?' || letter(s[a + 1]))) {
		if (s[a + 1] == '?') {
			/* <?xml ...?> alone, or followed by the root on this line */
			const char *q = tx_find(s + a, b - a, "?>");
			const char *r = q ? memchr(q, '<', (size_t)(s + b - q)) : NULL;
			if (!r) {
				*at = a;
				*xml = 1;
				return q != NULL;
			}
			char root[128];
			xml_name(r + 1, (size_t)(s + b - r - 1), root, sizeof root);
			*at = a;
			*xml = 1;
			return root[0] && !xml_closes(s, b, root) && s[b - 2] != '/';
		}
		char root[128];
		xml_name(s + a + 1, b - a - 1, root, sizeof root);
		*at = a;
		*xml = 1;
		return root[0] && !xml_closes(s, b, root) && !(last == '>' && s[b - 2] == '/');
	}
	size_t o;
	if (first == '{' || first == '[')
		o = a;
	else if (last == '{' || last == '[')
		o = b - 1;
	else
		return 0;
	struct tj_depth d = {0};
	size_t end;
	if (tj_feed(&d, s + o, b - o, &end) != 0)
		return 0;
	*at = o;
	*xml = 0;
	return 1;
}

static void doc_add_line(struct doc *d, const char *s, size_t n, long lineno)
{
	if (d->nlines == d->cap) {
		d->cap = d->cap ? 2 * d->cap : 32;
		d->off = xrealloc(d->off, d->cap * sizeof *d->off);
		d->lineno = xrealloc(d->lineno, d->cap * sizeof *d->lineno);
	}
	d->off[d->nlines] = d->lines.len;
	d->lineno[d->nlines] = lineno;
	d->nlines++;
	sb_add(&d->lines, s, n);
	sb_addc(&d->lines, '\n');
}

/* A document opens on the current line.  prev_failure is the last failure
 * line before it, and this_fails whether the current line is one: a failure
 * line just before it, or its own, is its context, and goes uncounted if
 * the document says an error. */
static void doc_start(struct textscan *ts, const char *s, size_t n, size_t at, int xml,
		      long prev_failure, int this_fails)
{
	struct doc *d = &ts->doc;
	kv_flush(ts);
	d->active = 1;
	d->xml = xml;
	d->nlines = 0;
	d->nowns = 0;
	sb_reset(&d->text);
	sb_reset(&d->lines);
	sb_reset(&d->head);
	memset(&d->depth, 0, sizeof d->depth);
	d->root[0] = '\0';
	if (prev_failure == ts->lineno - 1 && ts->prev_lineno == ts->lineno - 1)
		d->owns[d->nowns++] = ts->lineno - 1;
	if (this_fails)
		d->owns[d->nowns++] = ts->lineno;
	if (ts->prev_lineno == ts->lineno - 1) {
		sb_add(&d->head, ts->prev.buf, ts->prev.len);
	}
	doc_add_line(d, s, n, ts->lineno);
	sb_add(&d->text, s + at, n - at);
	sb_addc(&d->text, '\n');
	d->prefix_len = 0;
	for (size_t i = 0; i < at && at <= sizeof d->prefix; i++) {
		if (!tx_is_space(s[i])) {
			memcpy(d->prefix, s, at);
			d->prefix_len = at;
			break;
		}
	}
	if (xml) {
		const char *r = s + at;
		size_t rn = n - at;
		if (rn > 1 && r[1] == '?') {
			const char *q = tx_find(r, rn, "?>");
			r = q ? memchr(q, '<', (size_t)(s + n - q)) : NULL;
			rn = r ? (size_t)(s + n - r) : 0;
		}
		if (r && rn > 1)
			xml_name(r + 1, rn - 1, d->root, sizeof d->root);
	} else {
		size_t end;
		tj_feed(&d->depth, s + at, n - at, &end);
	}
}

/* Read the collected lines after the first one by one (no document may
 * start among them). */
static void doc_replay(struct textscan *ts)
{
	struct doc *d = &ts->doc;
	d->active = 0;
	ts->replaying = 1;
	for (size_t i = 1; i < d->nlines; i++) {
		size_t end = i + 1 < d->nlines ? d->off[i + 1] : d->lines.len;
		text_line(ts, d->lines.buf + d->off[i], end - d->off[i] - 1, d->lineno[i]);
	}
	ts->replaying = 0;
}

/* The document closed: read it as one, or line by line when it says no
 * error. */
static void doc_finish(struct textscan *ts)
{
	struct doc *d = &ts->doc;
	long line = ts->lineno;
	ts->lineno = d->lineno[0];
	/* The wrapper line before it gives the context (and time); else its
	 * own first line, whose log prefix may hold the time. */
	ts->line = d->head.len ? d->head.buf : d->lines.buf;
	ts->line_len =
	    d->head.len ? d->head.len : (d->nlines > 1 ? d->off[1] - 1 : d->lines.len - 1);
	ts->wrapper = NULL;
	ts->wrap_state = -1;
	ts->nseen = 0;
	unsigned long before = ts->emitted;
	int got = 0;
	if (d->xml) {
		got = text_xml_parse(ts->xmlr, d->text.buf, d->text.len, on_xml, ts) > 0;
	} else {
		int near;
		cJSON *root = tj_parse(d->text.buf, d->text.len, &ts->near, &near);
		if (root) {
			got = json_events(ts, root) > 0;
			cJSON_Delete(root);
		}
	}
	ts->lineno = line;
	if (got || ts->emitted != before) {
		d->active = 0;
		for (int k = d->nowns; k-- > 0;)
			failure_unsay(ts, d->owns[k]);
		return;
	}
	doc_replay(ts);
}

/* Does s start with a log prefix of the same shape as the document's first
 * (the same bytes, any digit for a digit: the time stamp moves on)?  Its
 * length, or 0. */
static size_t same_prefix(const struct doc *d, const char *s, size_t n)
{
	if (!d->prefix_len || n < d->prefix_len)
		return 0;
	for (size_t i = 0; i < d->prefix_len; i++) {
		int pd = d->prefix[i] >= '0' && d->prefix[i] <= '9';
		int sd = s[i] >= '0' && s[i] <= '9';
		if (pd ? !sd : s[i] != d->prefix[i])
			return 0;
	}
	return d->prefix_len;
}

/* A line while a document is open. */
static void doc_line(struct textscan *ts, const char *s, size_t n)
{
	struct doc *d = &ts->doc;
	doc_add_line(d, s, n, ts->lineno);
	size_t cut = same_prefix(d, s, n);
	s += cut;
	n -= cut;
	if (d->xml) {
		if (!d->root[0]) {
			size_t a = 0;
			while (a < n && tx_is_space(s[a]))
				a++;
			if (a + 1 < n && s[a] == '<' && letter(s[a + 1]))
				xml_name(s + a + 1, n - a - 1, d->root, sizeof d->root);
		}
		sb_add(&d->text, s, n);
		sb_addc(&d->text, '\n');
		if (d->root[0] && xml_closes(s, n, d->root)) {
			doc_finish(ts);
			return;
		}
	} else {
		size_t end = 0;
		int r = tj_feed(&d->depth, s, n, &end);
		sb_add(&d->text, s, r == 1 ? end : n);
		sb_addc(&d->text, '\n');
		if (r == 1) {
			doc_finish(ts);
			return;
		}
		if (r < 0) {
			doc_replay(ts);
			return;
		}
	}
	if (d->text.len > SFDIAG_MAX_TEXT_DOC || d->nlines >= SFDIAG_MAX_TEXT_DOC_LINES)
		doc_replay(ts);
}

/* ---- one line ---- */

/* Steps 1-6 on the current line; 1 when it gave a signature (or completed
 * a held one). */
static int line_slow(struct textscan *ts, const char *s, size_t n)
{
	const struct ruleset *rs = ts->rs;
	if (ts->held.active && held_request(ts, s, n))
		return 1;
	set_candidates(ts, ts->hits, ts->nhits);
	ts->nseen = 0;
	unsigned long before = ts->emitted;
	unsigned cls = ts->cls;
	int got = 0;
	if (memchr(s, '{', n))
		got = json_stage(ts, s, n);
	if (!got && (cls & (1u << CLS_XML)))
		got = xml_stage(ts, s, n);
	if (!got && (cls & (1u << CLS_KEY)) && tx_find(s, n, "error="))
		got = url_stage(ts, s, n);
	if (got)
		return 1;
	const struct event *w = wrapper(ts);
	int says = w && extract_says(rs, w);
	if (says) {
		kv_flush(ts);
		hold_flush(ts, &ts->held);
		struct event *ev = (struct event *)w;
		sig_emit(ts, ev); /* it is the event, not its own context */
		return 1;
	}
	if ((cls & (1u << CLS_KEY)) && kv_stage(ts, s, n))
		return 1;
	for (size_t i = 0; (cls & (1u << CLS_DESC)) && i < ts->nhits; i++) {
		const struct lit_hit *h = &ts->hits[i];
		if (h->cls == CLS_DESC &&
		    text_sigs_match(ts->sigs, h->id, s, n, h->pos, &ts->ev, ts->md, ts->mctx)) {
			kv_flush(ts);
			sig_emit(ts, &ts->ev);
			return 1;
		}
	}
	kv_flush(ts);
	if (w) {
		/* A wrapper alone: with a status, it waits for its body. */
		hold_flush(ts, &ts->held);
		struct event *ev = (struct event *)w;
		ev->file = ts->ac->file;
		ev->file_seq = ts->ac->file_seq;
		ev->line = ts->lineno;
		tx_line_time(ev, rs, s, n);
		if (rs->f.http_status >= 0 && ev->val[rs->f.http_status])
			hold(ts, &ts->held, ev);
		else
			out(ts, ev);
		return 1;
	}
	return ts->emitted != before;
}

static void text_line(struct textscan *ts, const char *s, size_t n, long lineno)
{
	ts->line = s;
	ts->line_len = n;
	ts->lineno = lineno;
	ts->wrap_state = 0;
	ts->wrapper = NULL;
	if (!ts->replaying)
		ts->ac->records++;

	if (ts->doc.active) {
		doc_line(ts, s, n);
		return;
	}
	size_t tn = n;
	str_trim(s, &tn);
	if (tn == 0)
		return; /* a blank line keeps a held wrapper waiting */
	if (text_row_event(ts->rs, ts->x, ts->md, ts->mctx, s, n, &ts->ev)) {
		/* A row copied from the Login History page. */
		kv_flush(ts);
		ts->ev.file = ts->ac->file;
		ts->ev.file_seq = ts->ac->file_seq;
		ts->ev.line = lineno;
		out(ts, &ts->ev);
		return;
	}
	ts->cls = litscan_scan(ts->ls, s, n, ts->hits, TEXT_HITS, &ts->nhits);
	size_t at;
	int xml;
	if (!ts->cls && !ts->held.active && !ts->unfiltered) {
		kv_flush(ts);
		if (!ts->replaying && opens_doc(s, n, &at, &xml))
			doc_start(ts, s, n, at, xml, ts->prev_failure, 0);
		return;
	}
	long prev_failure = ts->prev_failure;
	int got = line_slow(ts, s, n);
	int fails = !got && failure_vocabulary(ts, s, n);
	if (fails)
		failure_line(ts, s, n);
	if (!got) {
		if (ts->held.active && ts->wrap_state < 0)
			hold_flush(ts, &ts->held);
		/* before this line becomes prev: the line before is the head */
		if (!ts->replaying && opens_doc(s, n, &at, &xml))
			doc_start(ts, s, n, at, xml, prev_failure, fails);
		sb_reset(&ts->prev);
		sb_add(&ts->prev, s, n);
		ts->prev_lineno = lineno;
	}
}

/* ---- set-up ---- */

/* Literals of the JSON error keys: the first bytes of every `key` alias
 * of error, error_code and error_description (aliases are stored without
 * separators, so the prefix is what every spelling of it starts with). */
static void add_key_literals(struct textscan *ts)
{
	const struct ruleset *rs = ts->rs;
	for (size_t i = 0; i < rs->nkeys; i++) {
		const struct json_key *k = &rs->keys[i];
		if (!(k->kind & (KIND_TOKEN_RESPONSE | KIND_API_ERROR)) ||
		    (k->field != rs->f.error && k->field != rs->f.error_code &&
		     k->field != rs->f.error_description))
			continue;
		size_t n = strlen(k->alias);
		litscan_add(ts->ls, k->alias, n < 5 ? n : 5, CLS_KEY, 0);
	}
}

static void add_literals(struct textscan *ts)
{
	const struct extract_set *x = ts->x;
	add_key_literals(ts);
	ts->sigs = text_sigs_new(ts->rs, ts->ls, CLS_DESC);
	if (!x)
		return;
	for (size_t i = 0; i < x->n; i++) {
		ts->unfiltered |= x->x[i].needs.n == 0;
		for (size_t k = 0; k < x->x[i].needs.n; k++)
			litscan_add(ts->ls, x->x[i].needs.lit[k], strlen(x->x[i].needs.lit[k]),
				    CLS_NEEDS, (unsigned)i);
	}
	for (size_t k = 0; k < x->vocabulary.n; k++)
		litscan_add(ts->ls, x->vocabulary.lit[k], strlen(x->vocabulary.lit[k]), CLS_VOCAB,
			    0);
	for (size_t k = 0; k < x->status_needs.n; k++)
		litscan_add(ts->ls, x->status_needs.lit[k], strlen(x->status_needs.lit[k]),
			    CLS_STATUS, 0);
	for (size_t i = 0; i < x->nxml; i++)
		for (size_t k = 0; k < x->xml[i].names.n; k++)
			litscan_add(ts->ls, x->xml[i].names.lit[k], strlen(x->xml[i].names.lit[k]),
				    CLS_XML, 0);
}

/* End of input: what was held, a document left open, and what the
 * failure lines say. */
static void text_finish(struct textscan *ts)
{
	if (ts->doc.active)
		doc_replay(ts);
	kv_flush(ts);
	hold_flush(ts, &ts->held);
	struct adapter_ctx *ac = ts->ac;
	if (!ts->failures)
		return;
	if (ts->emitted) {
		adapter_note(ac, NOTE_INFO, ts->first_failure,
			     "%lu other line%s with failure words (error, failed, denied, ...) "
			     "matched no signature; the first is line %ld",
			     ts->failures, ts->failures == 1 ? "" : "s", ts->first_failure);
		return;
	}
	/* No signature at all: the failure lines themselves are the finding. */
	const struct ruleset *rs = ts->rs;
	for (size_t i = 0; i < ts->nfail; i++) {
		struct event *ev = &ts->ev;
		event_clear(ev);
		ev->kind = KIND_API_ERROR;
		ev->file = ac->file;
		ev->file_seq = ac->file_seq;
		ev->line = ts->fail[i].line;
		const char *t = ts->fail[i].text;
		size_t tn = strlen(t);
		event_set(ev, rs, rs->f.message, t, tn);
		if (rs->f.body_kind >= 0)
			event_set(ev, rs, rs->f.body_kind, "text", 4);
		tx_line_time(ev, rs, t, tn);
		out(ts, ev);
	}
	/* Everything was read: the finding says what was not understood, so
	 * this is information, not an input problem (exit 2). */
	adapter_note(ac, NOTE_INFO, ts->fail[0].line,
		     "no known signature, but %lu line%s with failure words (error, failed, "
		     "denied, ...); %s reported as unrecognized failures%s",
		     ts->failures, ts->failures == 1 ? "" : "s",
		     ts->failures == 1		? "it is"
		     : ts->nfail < ts->failures ? "the first are"
						: "they are",
		     ts->nfail < ts->failures ? " (SFDIAG_MAX_UNRECOGNIZED_LINES), the rest counted"
					      : "");
}

static struct textscan *ts_new(struct adapter_ctx *ac)
{
	struct textscan *ts = xcalloc(1, sizeof *ts);
	const struct ruleset *rs = ac->rs;
	ts->ac = ac;
	ts->rs = rs;
	ts->x = rs->extract;
	ts->sc = rs->extract ? extract_scanner_new(rs->extract) : NULL;
	ts->cand = ts->x && ts->x->n ? xcalloc(ts->x->n, 1) : NULL;
	ts->ls = litscan_new();
	ts->xmlr = text_xml_new(rs, rs->extract);
	ts->md = pcre2_match_data_create(1, NULL);
	ts->mctx = pcre2_match_context_create(NULL);
	if (ts->mctx) {
		pcre2_set_match_limit(ts->mctx, SFDIAG_PCRE2_MATCH_LIMIT);
		pcre2_set_depth_limit(ts->mctx, SFDIAG_PCRE2_DEPTH_LIMIT);
	}
	add_literals(ts);
	event_clear(&ts->ev);
	event_clear(&ts->wrap);
	return ts;
}

static void ts_free(struct textscan *ts)
{
	extract_scanner_free(ts->sc);
	litscan_free(ts->ls);
	text_sigs_free(ts->sigs);
	text_xml_free(ts->xmlr);
	pcre2_match_data_free(ts->md);
	pcre2_match_context_free(ts->mctx);
	free(ts->cand);
	for (size_t i = 0; i < ts->nfail; i++)
		free(ts->fail[i].text);
	struct strbuf *bufs[] = {&ts->unesc[0], &ts->unesc[1],	&ts->decoded,
				 &ts->near,	&ts->piece,	&ts->prev,
				 &ts->doc.text, &ts->doc.lines, &ts->doc.head};
	for (size_t i = 0; i < sizeof bufs / sizeof bufs[0]; i++)
		sb_free(bufs[i]);
	free(ts->doc.off);
	free(ts->doc.lineno);
	free(ts);
}

int text_read(struct input *in, struct adapter_ctx *ac)
{
	struct textscan *ts = ts_new(ac);
	struct lines l;
	const char *p;
	size_t n;

	text_lines_init(&l, in, ac);
	while (text_lines_next(&l, &p, &n))
		text_line(ts, p, n, l.lineno);
	text_finish(ts);
	int rc = l.failed ? -1 : 0;
	text_lines_free(&l);
	ts_free(ts);
	return rc;
}

unsigned long text_read_tree(const cJSON *root, long line, struct adapter_ctx *ac)
{
	struct textscan *ts = ts_new(ac);
	ts->lineno = line;
	ts->line = "";
	ts->line_len = 0;
	ts->wrap_state = -1;
	json_events(ts, root);
	hold_flush(ts, &ts->held);
	unsigned long got = ts->emitted;
	ts_free(ts);
	return got;
}
