/*
 * transcript.c - HTTP transcripts (`curl -i`, `curl -v`), one event per
 * final response.
 *
 * A transcript is read with a small state machine: request facts (the `$ curl`
 * command, `> ` request lines, `* ` info lines, an echoed request) accumulate
 * until a status line opens a response; its headers and body follow, and the
 * next status line, request or info line, or the end closes it.
 */
#include "adapt/adapter.h"

#include <cjson/cJSON.h>
#include <stdlib.h>
#include <string.h>

#include "adapt/text_json.h"
#include "adapt/text_util.h"
#include "base/util.h"

/* Longest excerpt of an HTML or text body kept in `message`. */
#define BODY_EXCERPT 200

/* ---- HTTP pieces ---- */

/* "HTTP/1.1 400 Bad Request", "HTTP/2 400": the status code, or 0. */
static int status_line(const char *s, size_t n)
{
	if (!tx_starts_with(s, n, "HTTP/") || n < 10)
		return 0;
	size_t i = 5;
	if (!tx_is_digit(s[i++]))
		return 0;
	if (i < n && s[i] == '.') {
		i++;
		if (i >= n || !tx_is_digit(s[i++]))
			return 0;
	}
	if (i + 4 > n || s[i] != ' ' || !tx_is_digit(s[i + 1]) || !tx_is_digit(s[i + 2]) ||
	    !tx_is_digit(s[i + 3]))
		return 0;
	if (i + 4 < n && s[i + 4] != ' ' && s[i + 4] != '\r')
		return 0;
	int code = (s[i + 1] - '0') * 100 + (s[i + 2] - '0') * 10 + (s[i + 3] - '0');
	return code >= 100 && code <= 599 ? code : 0;
}

/* The three digits of a status line status_line() accepted. */
static const char *status_digits(const char *s, size_t n)
{
	const char *sp = memchr(s, ' ', n);
	return sp + 1;
}

/* "POST /services/oauth2/token HTTP/1.1": 1 and the method and target. */
static int request_line(const char *s, size_t n, size_t *mlen, const char **target, size_t *tlen)
{
	size_t i = 0;
	while (i < n && s[i] >= 'A' && s[i] <= 'Z')
		i++;
	if (i < 3 || i > 7 || i >= n || s[i] != ' ')
		return 0;
	size_t t = i + 1, e = t;
	while (e < n && s[e] != ' ')
		e++;
	if (e == t || e >= n || !tx_starts_with(s + e + 1, n - e - 1, "HTTP/"))
		return 0;
	if (s[t] != '/' && !tx_starts_with(s + t, e - t, "http"))
		return 0;
	*mlen = i;
	*target = s + t;
	*tlen = e - t;
	return 1;
}

/* "Name: value": 1 and the name and trimmed value. */
static int header_line(const char *s, size_t n, const char **name, size_t *nlen, const char **val,
		       size_t *vlen)
{
	const char *c = memchr(s, ':', n);
	if (!c || c == s)
		return 0;
	for (const char *q = s; q < c; q++)
		if (tx_is_space(*q))
			return 0;
	*name = s;
	*nlen = (size_t)(c - s);
	size_t vl = n - (size_t)(c - s) - 1;
	*val = str_trim(c + 1, &vl);
	*vlen = vl;
	return 1;
}

/* "Tue, 03 Nov 2026 14:02:11 GMT" as "2026-11-03T14:02:11Z" in out[32]. */
static int http_date(const char *s, size_t n, char *out)
{
	static const char months[] = "JanFebMarAprMayJunJulAugSepOctNovDec";
	const char *c = memchr(s, ',', n);
	size_t i = c ? (size_t)(c - s) + 1 : 0;
	while (i < n && s[i] == ' ')
		i++;
	int day = 0, k = 0;
	while (i < n && tx_is_digit(s[i]) && k < 2) {
		day = day * 10 + (s[i++] - '0');
		k++;
	}
	if (!k || i + 18 > n || s[i] != ' ')
		return -1;
	i++;
	int mon = 0;
	for (int m = 0; m < 12; m++)
		if (memcmp(s + i, months + 3 * m, 3) == 0)
			mon = m + 1;
	if (!mon || s[i + 3] != ' ')
		return -1;
	i += 4;
	const char *y = s + i, *t = s + i + 5;
	for (int j = 0; j < 4; j++)
		if (!tx_is_digit(y[j]))
			return -1;
	if (y[4] != ' ' || !tx_is_digit(t[0]) || !tx_is_digit(t[1]) || t[2] != ':' ||
	    !tx_is_digit(t[3]) || !tx_is_digit(t[4]) || t[5] != ':' || !tx_is_digit(t[6]) ||
	    !tx_is_digit(t[7]))
		return -1;
	if (day < 1 || day > 31)
		return -1;
	/* yyyy-mm-ddThh:mm:ssZ */
	memcpy(out, y, 4);
	out[4] = '-';
	out[5] = (char)('0' + mon / 10);
	out[6] = (char)('0' + mon % 10);
	out[7] = '-';
	out[8] = (char)('0' + day / 10);
	out[9] = (char)('0' + day % 10);
	out[10] = 'T';
	memcpy(out + 11, t, 8);
	out[19] = 'Z';
	out[20] = '\0';
	return 0;
}

/* The text of from..to without tags, white space collapsed, at most
 * BODY_EXCERPT bytes, into out. */
static size_t strip_tags(const char *from, const char *to, char *out)
{
	size_t o = 0;
	int in_tag = 0, space = 0;
	for (const char *p = from; p < to && o < BODY_EXCERPT; p++) {
		if (*p == '<') {
			in_tag = 1;
			space = o > 0;
			continue;
		}
		if (in_tag) {
			in_tag = *p != '>';
			continue;
		}
		if (tx_is_space(*p)) {
			space = o > 0;
			continue;
		}
		if (space && o + 1 < BODY_EXCERPT)
			out[o++] = ' ';
		space = 0;
		out[o++] = *p;
	}
	return tx_utf8_cut(out, o);
}

/* Excerpt of an HTML body: its <title>, else its text. */
static size_t html_excerpt(const char *s, size_t n, char *out)
{
	const char *t = tx_find_ci(s, n, "<title");
	if (t) {
		const char *gt = memchr(t, '>', (size_t)(s + n - t));
		const char *close = gt ? tx_find_ci(gt, (size_t)(s + n - gt), "</title") : NULL;
		if (gt && close) {
			size_t o = strip_tags(gt + 1, close, out);
			if (o)
				return o;
		}
	}
	return strip_tags(s, s + n, out);
}

/* First line of a text body, trimmed, at most BODY_EXCERPT bytes. */
static size_t text_excerpt(const char *s, size_t n, char *out)
{
	s = str_trim(s, &n);
	const char *nl = memchr(s, '\n', n);
	if (nl)
		n = (size_t)(nl - s);
	s = str_trim(s, &n);
	if (n > BODY_EXCERPT)
		n = BODY_EXCERPT;
	memcpy(out, s, n);
	return tx_utf8_cut(out, n);
}

/* ---- transcripts ---- */

int transcript_sniff(const char *head, size_t n)
{
	size_t pos = 0;
	int first = 1, lines = 0;
	while (pos < n && lines < 400) {
		const char *s = head + pos;
		const char *nl = memchr(s, '\n', n - pos);
		size_t len = nl ? (size_t)(nl - s) : n - pos;
		pos += len + 1;
		lines++;
		if (len && s[len - 1] == '\r')
			len--;
		size_t tl = len;
		const char *t = str_trim(s, &tl);
		if (first) {
			if (tl == 0)
				continue;
			size_t ml, tgl;
			const char *tg;
			if (!(tx_starts_with(t, tl, "$ curl ") || tx_starts_with(t, tl, "curl ") ||
			      tx_starts_with(t, tl, "% curl ") || tx_starts_with(s, len, "* ") ||
			      tx_starts_with(s, len, "> ") || tx_starts_with(s, len, "< ") ||
			      status_line(s, len) || request_line(s, len, &ml, &tg, &tgl)))
				return 0;
			first = 0;
		}
		if (status_line(s, len) ||
		    (tx_starts_with(s, len, "< ") && status_line(s + 2, len - 2)))
			return 1;
	}
	return 0;
}

enum tstate {
	T_IDLE,
	T_REQ_HEADERS, /* after an echoed request line (curl -i) */
	T_REQ_BODY,
	T_RESP_HEADERS,
	T_BODY,
};

struct req {
	struct strbuf host, scheme, path, method, grant_type;
	unsigned seq; /* bumped whenever a request fact is learnt */
};

struct resp {
	int active;
	int code;
	long line;
	char status[4];
	struct strbuf content_type, date, location, body;
	int body_cut;
};

struct transcript {
	struct adapter_ctx *ac;
	const struct ruleset *rs;
	enum tstate state;
	struct req req;
	struct resp resp;
	unsigned seq_at_resp;	/* req.seq when the last response ended */
	struct strbuf location; /* Location of the last 3xx, for curl -i -L */
	int location_code;
	int curl_more; /* the `curl` command goes on (backslash) */
	int expect;    /* what the next curl word is (enum below) */
	int have_data;
	int explicit_method;
	struct strbuf tok;
	int f_status, f_host, f_scheme, f_path, f_method, f_grant, f_ctype, f_body_kind, f_message;
	struct event ev, item;
	unsigned long notes;
};

static void req_reset(struct req *r)
{
	sb_reset(&r->host);
	sb_reset(&r->scheme);
	sb_reset(&r->path);
	sb_reset(&r->method);
	sb_reset(&r->grant_type);
	r->seq++;
}

static void req_free(struct req *r)
{
	sb_free(&r->host);
	sb_free(&r->scheme);
	sb_free(&r->path);
	sb_free(&r->method);
	sb_free(&r->grant_type);
}

static void set_host(struct transcript *tr, const char *s, size_t n)
{
	const char *colon = memchr(s, ':', n);
	if (colon && s[0] != '[')
		n = (size_t)(colon - s);
	if (n == 0)
		return;
	sb_reset(&tr->req.host);
	for (size_t i = 0; i < n; i++)
		sb_addc(&tr->req.host, tx_to_lower(s[i]));
	tr->req.seq++;
}

/* grant_type=VALUE in a form body or query (or "grant_type":"VALUE"). */
static void scan_grant_type(struct transcript *tr, const char *s, size_t n)
{
	const char *g = s;
	size_t left = n;
	while ((g = tx_find(g, left, "grant_type")) != NULL) {
		size_t off = (size_t)(g - s);
		int bounded = off == 0 || tx_in_set(s[off - 1], "?&\"' {,");
		const char *v = g + 10;
		size_t rest = n - off - 10;
		g = v;
		left = rest;
		if (!bounded)
			continue;
		if (rest && *v == '=') {
			v++;
			rest--;
			size_t e = 0;
			while (e < rest && v[e] != '&' && v[e] != '\'' && v[e] != '"' &&
			       !tx_is_space(v[e]))
				e++;
			if (e) {
				sb_reset(&tr->req.grant_type);
				tx_url_decode(&tr->req.grant_type, v, e);
				tr->req.seq++;
			}
			return;
		}
		if (rest >= 2 && v[0] == '"') { /* JSON: "grant_type" : "x" */
			size_t i = 1;
			while (i < rest && tx_is_space(v[i]))
				i++;
			if (i < rest && v[i] == ':') {
				i++;
				while (i < rest && tx_is_space(v[i]))
					i++;
				if (i < rest && v[i] == '"') {
					const char *q = memchr(v + i + 1, '"', rest - i - 1);
					if (q) {
						tx_sb_set(&tr->req.grant_type, v + i + 1,
							  (size_t)(q - (v + i + 1)));
						tr->req.seq++;
					}
				}
			}
			return;
		}
	}
}

/* scheme://[user@]host[:port][/path][?query][#frag] */
static void set_url(struct transcript *tr, const char *s, size_t n)
{
	const char *sep = tx_find(s, n, "://");
	if (!sep)
		return;
	sb_reset(&tr->req.scheme);
	for (const char *p = s; p < sep; p++)
		sb_addc(&tr->req.scheme, tx_to_lower(*p));
	const char *h = sep + 3, *end = s + n;
	const char *pe = h;
	while (pe < end && *pe != '/' && *pe != '?' && *pe != '#')
		pe++;
	const char *at = memchr(h, '@', (size_t)(pe - h));
	if (at)
		h = at + 1;
	set_host(tr, h, (size_t)(pe - h));
	const char *q = pe;
	while (q < end && *q != '?' && *q != '#')
		q++;
	tx_sb_set(&tr->req.path, pe, (size_t)(q - pe));
	if (tr->req.path.len == 0)
		tx_sb_set(&tr->req.path, "/", 1);
	if (q < end && *q == '?')
		scan_grant_type(tr, q + 1, (size_t)(end - q - 1));
	tr->req.seq++;
}

static void set_method(struct transcript *tr, const char *s, size_t n)
{
	sb_reset(&tr->req.method);
	for (size_t i = 0; i < n; i++)
		sb_addc(&tr->req.method, (s[i] >= 'a' && s[i] <= 'z') ? (char)(s[i] - 32) : s[i]);
	tr->req.seq++;
}

/* Request target: origin form "/path?q" or absolute form (proxies). */
static void set_target(struct transcript *tr, const char *t, size_t n)
{
	if (n && t[0] != '/') {
		set_url(tr, t, n);
		return;
	}
	const char *q = memchr(t, '?', n);
	size_t pl = q ? (size_t)(q - t) : n;
	tx_sb_set(&tr->req.path, t, pl);
	if (q)
		scan_grant_type(tr, q + 1, n - pl - 1);
	tr->req.seq++;
}

/* ---- the curl command line ---- */

enum { CURL_NONE, CURL_URL, CURL_METHOD, CURL_DATA, CURL_SKIP };

static int curl_opt(const char *w, const char *const *list)
{
	for (; *list; list++)
		if (strcmp(w, *list) == 0)
			return 1;
	return 0;
}

static void curl_word(struct transcript *tr, const char *w, size_t n)
{
	static const char *const data_opts[] = {"-d",
						"--data",
						"--data-raw",
						"--data-binary",
						"--data-ascii",
						"--data-urlencode",
						"-F",
						"--form",
						"--form-string",
						"--json",
						NULL};
	static const char *const arg_opts[] = {"-H",
					       "--header",
					       "-u",
					       "--user",
					       "-o",
					       "--output",
					       "-A",
					       "--user-agent",
					       "-e",
					       "--referer",
					       "-b",
					       "--cookie",
					       "-c",
					       "--cookie-jar",
					       "-x",
					       "--proxy",
					       "-m",
					       "--max-time",
					       "--connect-timeout",
					       "-w",
					       "--write-out",
					       "--cacert",
					       "--cert",
					       "-E",
					       "--key",
					       "--resolve",
					       "-T",
					       "--upload-file",
					       "-K",
					       "--config",
					       "--retry",
					       "--trace",
					       "--trace-ascii",
					       "-r",
					       "--range",
					       "-U",
					       "--proxy-user",
					       "--oauth2-bearer",
					       NULL};
	int expect = tr->expect;
	tr->expect = CURL_NONE;
	switch (expect) {
	case CURL_URL:
		set_url(tr, w, n);
		return;
	case CURL_METHOD:
		set_method(tr, w, n);
		tr->explicit_method = 1;
		return;
	case CURL_DATA:
		tr->have_data = 1;
		scan_grant_type(tr, w, n);
		return;
	case CURL_SKIP:
		return;
	default:
		break;
	}
	if (n == 0)
		return;
	if (w[0] != '-') {
		if (tx_starts_with(w, n, "http://") || tx_starts_with(w, n, "https://") ||
		    tx_starts_with(w, n, "HTTP://") || tx_starts_with(w, n, "HTTPS://"))
			set_url(tr, w, n);
		return;
	}
	if (strcmp(w, "--url") == 0) {
		tr->expect = CURL_URL;
	} else if (strcmp(w, "-X") == 0 || strcmp(w, "--request") == 0) {
		tr->expect = CURL_METHOD;
	} else if (n > 2 && w[1] == 'X') {
		set_method(tr, w + 2, n - 2);
		tr->explicit_method = 1;
	} else if (curl_opt(w, data_opts)) {
		tr->expect = CURL_DATA;
	} else if (n > 2 && w[1] == 'd' && w[0] == '-') {
		tr->have_data = 1;
		scan_grant_type(tr, w + 2, n - 2);
	} else if (strncmp(w, "--data", 6) == 0 && memchr(w, '=', n)) {
		tr->have_data = 1;
		scan_grant_type(tr, w, n);
	} else if (strcmp(w, "-G") == 0 || strcmp(w, "--get") == 0) {
		set_method(tr, "GET", 3);
		tr->explicit_method = 1;
	} else if (curl_opt(w, arg_opts)) {
		tr->expect = CURL_SKIP;
	}
}

/* Split a shell command line into words (quotes and backslashes honoured).
 * Returns 1 when the line ends with a continuation backslash. */
static int curl_words(struct transcript *tr, const char *s, size_t n)
{
	size_t i = 0;
	while (i < n) {
		while (i < n && tx_is_space(s[i]))
			i++;
		if (i >= n)
			break;
		if (s[i] == '\\' && i + 1 == n)
			return 1;
		sb_reset(&tr->tok);
		sb_add(&tr->tok, "", 0);
		while (i < n && !tx_is_space(s[i])) {
			char c = s[i++];
			if (c == '\'') {
				while (i < n && s[i] != '\'')
					sb_addc(&tr->tok, s[i++]);
				i++;
			} else if (c == '"') {
				while (i < n && s[i] != '"') {
					if (s[i] == '\\' && i + 1 < n)
						i++;
					sb_addc(&tr->tok, s[i++]);
				}
				i++;
			} else if (c == '\\' && i < n) {
				sb_addc(&tr->tok, s[i++]);
			} else {
				sb_addc(&tr->tok, c);
			}
		}
		curl_word(tr, tr->tok.buf ? tr->tok.buf : "", tr->tok.len);
	}
	return 0;
}

static void curl_command(struct transcript *tr, const char *s, size_t n, int first)
{
	if (first) {
		req_reset(&tr->req);
		sb_reset(&tr->location);
		tr->expect = CURL_NONE;
		tr->have_data = 0;
		tr->explicit_method = 0;
	}
	tr->curl_more = curl_words(tr, s, n);
	if (!tr->curl_more && !tr->explicit_method)
		set_method(tr, tr->have_data ? "POST" : "GET", tr->have_data ? 4 : 3);
}

/* ---- responses ---- */

static void tset(struct transcript *tr, struct event *ev, int f, const char *v, size_t n)
{
	if (f >= 0 && n)
		event_set(ev, tr->rs, f, v, n);
}

static unsigned fallback_kind(struct transcript *tr)
{
	unsigned kind =
	    rules_exchange_kind(tr->ac->rs, sb_str(&tr->req.path), tr->req.path.len, tr->resp.code);
	if (kind == KIND_TOKEN_RESPONSE)
		return kind;
	if (tr->resp.code >= 400)
		return KIND_API_ERROR;
	return 0;
}

static void end_response(struct transcript *tr)
{
	struct resp *r = &tr->resp;
	struct adapter_ctx *ac = tr->ac;
	const struct ruleset *rs = tr->rs;
	struct event *ev = &tr->ev;
	if (!r->active)
		return;
	r->active = 0;
	tr->state = T_IDLE;
	tr->seq_at_resp = tr->req.seq;
	if (r->code >= 300 && r->code < 400 && r->location.len) {
		tx_sb_set(&tr->location, r->location.buf, r->location.len);
		tr->location_code = r->code;
	} else {
		sb_reset(&tr->location);
	}
	if (r->code < 200) /* 100 Continue and friends: not an answer */
		return;
	ac->records++;

	event_clear(ev);
	ev->file = ac->file;
	ev->file_seq = ac->file_seq;
	ev->line = r->line;
	tset(tr, ev, tr->f_status, r->status, 3);
	tset(tr, ev, tr->f_host, tr->req.host.buf, tr->req.host.len);
	tset(tr, ev, tr->f_scheme, tr->req.scheme.buf, tr->req.scheme.len);
	tset(tr, ev, tr->f_path, tr->req.path.buf, tr->req.path.len);
	tset(tr, ev, tr->f_method, tr->req.method.buf, tr->req.method.len);
	tset(tr, ev, tr->f_grant, tr->req.grant_type.buf, tr->req.grant_type.len);
	tset(tr, ev, tr->f_ctype, r->content_type.buf, r->content_type.len);
	char iso[32];
	if (rs->f.time >= 0 && r->date.len && http_date(r->date.buf, r->date.len, iso) == 0) {
		size_t n = strlen(iso);
		const char *v = event_keep(ev, iso, &n);
		event_set(ev, rs, rs->f.time, v, n);
	}

	size_t blen = r->body.len;
	const char *body = str_trim(r->body.len ? r->body.buf : "", &blen);
	const char *kind_name = "text";
	cJSON *root = NULL;
	int html =
	    r->content_type.len && tx_find_ci(r->content_type.buf, r->content_type.len, "html");
	if (blen == 0) {
		kind_name = "empty";
	} else if (body[0] == '{' || body[0] == '[') {
		root = tj_parse_bounded(body, blen);
		if (root)
			kind_name = "json";
	} else if (html || body[0] == '<') {
		kind_name = "html";
	}
	tset(tr, ev, tr->f_body_kind, kind_name, strlen(kind_name));
	if (!root && blen && tr->f_message >= 0) {
		char ex[BODY_EXCERPT + 1];
		size_t n = kind_name[0] == 'h' ? html_excerpt(body, blen, ex)
					       : text_excerpt(body, blen, ex);
		if (n) {
			const char *v = event_keep(ev, ex, &n);
			event_set(ev, rs, tr->f_message, v, n);
		}
	}

	int emitted = 0;
	if (cJSON_IsArray(root)) {
		const cJSON *it;
		cJSON_ArrayForEach(it, root)
		{
			if (!cJSON_IsObject(it))
				continue;
			tr->item = *ev;
			unsigned k = json_response_event(rs, it, &tr->item);
			if (!k)
				continue;
			tr->item.kind = k;
			tx_emit(ac, &tr->item, &tr->notes);
			emitted++;
		}
	} else if (cJSON_IsObject(root)) {
		unsigned k = json_response_event(rs, root, ev);
		if (k) {
			ev->kind = k;
			tx_emit(ac, ev, &tr->notes);
			emitted++;
		}
	}
	if (!emitted) {
		ev->kind = fallback_kind(tr);
		if (ev->kind)
			tx_emit(ac, ev, &tr->notes);
		else
			ac->skipped++;
	}
	cJSON_Delete(root);
}

static void start_response(struct transcript *tr, int code, const char *s, long line)
{
	end_response(tr);
	/* curl -i -L prints no request for the redirected call: follow Location. */
	if (tr->location.len && tr->req.seq == tr->seq_at_resp) {
		set_url(tr, tr->location.buf, tr->location.len);
		int c = tr->location_code;
		if (c == 303 ||
		    ((c == 301 || c == 302) && strcmp(sb_str(&tr->req.method), "POST") == 0))
			set_method(tr, "GET", 3);
	}
	sb_reset(&tr->location);
	struct resp *r = &tr->resp;
	r->active = 1;
	r->code = code;
	r->line = line;
	memcpy(r->status, s, 3);
	r->status[3] = '\0';
	sb_reset(&r->content_type);
	sb_reset(&r->date);
	sb_reset(&r->location);
	sb_reset(&r->body);
	r->body_cut = 0;
	tr->state = T_RESP_HEADERS;
}

static void response_header(struct transcript *tr, const char *s, size_t n)
{
	const char *name, *val;
	size_t nl, vl;
	if (!header_line(s, n, &name, &nl, &val, &vl))
		return;
	if (str_ieq(name, nl, "content-type"))
		tx_sb_set(&tr->resp.content_type, val, vl);
	else if (str_ieq(name, nl, "date"))
		tx_sb_set(&tr->resp.date, val, vl);
	else if (str_ieq(name, nl, "location"))
		tx_sb_set(&tr->resp.location, val, vl);
}

static void request_header(struct transcript *tr, const char *s, size_t n)
{
	const char *name, *val;
	size_t nl, vl;
	if (header_line(s, n, &name, &nl, &val, &vl) && str_ieq(name, nl, "host"))
		set_host(tr, val, vl);
}

static void body_line(struct transcript *tr, const char *s, size_t n, long line)
{
	struct resp *r = &tr->resp;
	/* curl -v appends its info line to a body without a final newline. */
	const char *info = tx_find(s, n, "* Connection #");
	if (!info)
		info = tx_find(s, n, "* Closing connection");
	size_t take = info ? (size_t)(info - s) : n;
	if (r->body.len + take + 1 > SFDIAG_MAX_FIELD) {
		if (!r->body_cut && tr->notes++ < SFDIAG_MAX_NOTES_PER_FILE)
			adapter_note(
			    tr->ac, NOTE_WARNING, line,
			    "response body longer than SFDIAG_MAX_FIELD (%u bytes); the rest "
			    "is not read",
			    SFDIAG_MAX_FIELD);
		r->body_cut = 1;
	} else {
		sb_add(&r->body, s, take);
		sb_addc(&r->body, '\n');
	}
	if (info)
		end_response(tr);
}

/* `* ` info lines from curl -v. */
static void info_line(struct transcript *tr, const char *s, size_t n)
{
	const char *p;
	if (tx_starts_with(s, n, "Connected to ")) {
		const char *h = s + 13;
		size_t hl = 0;
		while (13 + hl < n && !tx_is_space(h[hl]))
			hl++;
		set_host(tr, h, hl);
		if ((p = tx_find(s, n, " port ")) != NULL && tr->req.scheme.len == 0) {
			if (tx_starts_with(p + 6, (size_t)(s + n - p - 6), "443"))
				tx_sb_set(&tr->req.scheme, "https", 5);
			else if (tx_starts_with(p + 6, (size_t)(s + n - p - 6), "80"))
				tx_sb_set(&tr->req.scheme, "http", 4);
		}
	} else if ((p = tx_find(s, n, "Issue another request to this URL: ")) != NULL) {
		p += 35;
		size_t l = (size_t)(s + n - p);
		if (l && (*p == '\'' || *p == '"')) {
			p++;
			l--;
			if (l && (p[l - 1] == '\'' || p[l - 1] == '"'))
				l--;
		}
		set_url(tr, p, l);
	} else if (tx_starts_with(s, n, "[HTTP/2] [") &&
		   (p = memchr(s + 10, '[', n - 10)) != NULL) {
		size_t l = (size_t)(s + n - p);
		if (l && p[l - 1] == ']')
			l--;
		if (tx_starts_with(p, l, "[:method: "))
			set_method(tr, p + 10, l - 10);
		else if (tx_starts_with(p, l, "[:authority: "))
			set_host(tr, p + 13, l - 13);
		else if (tx_starts_with(p, l, "[:path: "))
			set_target(tr, p + 8, l - 8);
		else if (tx_starts_with(p, l, "[:scheme: "))
			tx_sb_set(&tr->req.scheme, p + 10, l - 10);
	} else if (tx_starts_with(s, n, "SSL connection using") || tx_starts_with(s, n, "ALPN") ||
		   tx_starts_with(s, n, "TLS")) {
		if (tr->req.scheme.len == 0)
			tx_sb_set(&tr->req.scheme, "https", 5);
	}
}

static int curl_prompt(const char *s, size_t n, size_t *skip)
{
	size_t tl = n;
	const char *t = str_trim(s, &tl);
	static const char *const pre[] = {"$ curl ", "% curl ", "# curl ", "curl "};
	for (size_t i = 0; i < sizeof pre / sizeof pre[0]; i++) {
		if (tx_starts_with(t, tl, pre[i])) {
			*skip = (size_t)(t - s) + strlen(pre[i]);
			return 1;
		}
	}
	return 0;
}

static void transcript_line(struct transcript *tr, const char *s, size_t n, long line)
{
	size_t skip, ml, tl;
	const char *target;
	int code;

	if (tr->curl_more) {
		curl_command(tr, s, n, 0);
		return;
	}
	if (curl_prompt(s, n, &skip)) {
		end_response(tr);
		curl_command(tr, s + skip, n - skip, 1);
		tr->state = T_IDLE;
		return;
	}
	if (n >= 1 && (s[0] == '*' || s[0] == '>' || s[0] == '<') && (n == 1 || s[1] == ' ')) {
		const char *c = n > 2 ? s + 2 : "";
		size_t cn = n > 2 ? n - 2 : 0;
		if (s[0] == '*') {
			/* With 2>&1, curl's stderr lines often come before the body
			 * on stdout: keep the response open for a late body until a
			 * new connection or request begins. */
			if (tr->state == T_BODY &&
			    (tr->resp.body.len || tx_starts_with(c, cn, "Connected to ") ||
			     tx_starts_with(c, cn, "Issue another request") ||
			     tx_starts_with(c, cn, "  Trying ")))
				end_response(tr);
			info_line(tr, c, cn);
		} else if (s[0] == '>') {
			end_response(tr);
			if (request_line(c, cn, &ml, &target, &tl)) {
				set_method(tr, c, ml);
				set_target(tr, target, tl);
			} else if (cn) {
				request_header(tr, c, cn);
			}
		} else if ((code = status_line(c, cn)) != 0) {
			start_response(tr, code, status_digits(c, cn), line);
		} else if (tr->resp.active && tr->state == T_RESP_HEADERS) {
			size_t tn = cn;
			str_trim(c, &tn);
			if (tn == 0)
				tr->state = T_BODY;
			else
				response_header(tr, c, cn);
		}
		return;
	}
	if ((s[0] == '{' || s[0] == '}') && tx_starts_with(s + 1, n - 1, " [") &&
	    tx_find(s, n, " bytes data]"))
		return; /* curl -v progress notes */

	if ((code = status_line(s, n)) != 0) {
		start_response(tr, code, status_digits(s, n), line);
		return;
	}
	switch (tr->state) {
	case T_BODY:
		body_line(tr, s, n, line);
		return;
	case T_RESP_HEADERS: {
		size_t tn = n;
		str_trim(s, &tn);
		if (tn == 0)
			tr->state = T_BODY;
		else
			response_header(tr, s, n);
		return;
	}
	case T_REQ_HEADERS: {
		size_t tn = n;
		str_trim(s, &tn);
		if (tn == 0)
			tr->state = T_REQ_BODY;
		else
			request_header(tr, s, n);
		return;
	}
	case T_REQ_BODY:
		scan_grant_type(tr, s, n);
		return;
	case T_IDLE:
		if (request_line(s, n, &ml, &target, &tl)) {
			set_method(tr, s, ml);
			set_target(tr, target, tl);
			tr->state = T_REQ_HEADERS;
		}
		return;
	}
}

static void transcript_init(struct transcript *tr, struct adapter_ctx *ac)
{
	memset(tr, 0, sizeof *tr);
	const struct ruleset *rs = ac->rs;
	tr->ac = ac;
	tr->rs = rs;
	tr->f_status = rs->f.http_status;
	tr->f_host = rs->f.host;
	tr->f_scheme = rs->f.scheme;
	tr->f_path = rs->f.path;
	tr->f_method = rs->f.method;
	tr->f_grant = rs->f.grant_type;
	tr->f_ctype = rs->f.content_type;
	tr->f_body_kind = rs->f.body_kind;
	tr->f_message = rs->f.message;
}

static void transcript_free(struct transcript *tr)
{
	req_free(&tr->req);
	sb_free(&tr->resp.content_type);
	sb_free(&tr->resp.date);
	sb_free(&tr->resp.location);
	sb_free(&tr->resp.body);
	sb_free(&tr->location);
	sb_free(&tr->tok);
}

int transcript_read(struct input *in, struct adapter_ctx *ac)
{
	struct transcript *tr = xmalloc(sizeof *tr);
	struct lines l;
	const char *p;
	size_t n;

	transcript_init(tr, ac);
	text_lines_init(&l, in, ac);
	while (text_lines_next(&l, &p, &n))
		transcript_line(tr, p, n, l.lineno);
	end_response(tr);
	int rc = l.failed ? -1 : 0;
	text_lines_free(&l);
	transcript_free(tr);
	free(tr);
	return rc;
}
