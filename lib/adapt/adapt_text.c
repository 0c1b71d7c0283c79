/*
 * adapt_text.c - HTTP transcripts (`curl -i`, `curl -v`) and pasted text.
 *
 * Both readers take the input one physical line at a time through a bounded
 * line buffer: a line longer than SFDIAG_MAX_LINE is scanned in its first
 * SFDIAG_MAX_LINE bytes (and said so once), so memory stays flat and every
 * byte is looked at a constant number of times.
 *
 * A transcript is read with a small state machine: request facts (the `$ curl`
 * command, `> ` request lines, `* ` info lines, an echoed request) accumulate
 * until a status line opens a response; its headers and body follow, and the
 * next status line, request or info line, or the end closes it.  One event
 * per final response.
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
#include "base/util.h"

/* At most this many `{` / `[` starts are tried per line and unescape level. */
#define TEXT_JSON_TRIES 16
/* At most this many `error=` occurrences are looked at per line. */
#define TEXT_URL_TRIES 8
/* Longest excerpt of an HTML or text body kept in `message`. */
#define BODY_EXCERPT 200

/* ---- small helpers ---- */

static int is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f' || c == '\v';
}

static int is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static char to_lower(char c)
{
	return (c >= 'A' && c <= 'Z') ? (char)(c + 32) : c;
}

/* c is one of the characters of set (never NUL). */
static int in_set(char c, const char *set)
{
	return c != '\0' && strchr(set, c) != NULL;
}

static int starts_with(const char *s, size_t n, const char *lit)
{
	size_t k = strlen(lit);
	return n >= k && memcmp(s, lit, k) == 0;
}

/* Case-insensitive search of lit in s[0..n). */
static const char *find_ci(const char *s, size_t n, const char *lit)
{
	size_t k = strlen(lit);
	for (size_t i = 0; k <= n && i <= n - k; i++) {
		size_t j = 0;
		while (j < k && to_lower(s[i + j]) == to_lower(lit[j]))
			j++;
		if (j == k)
			return s + i;
	}
	return NULL;
}

static const char *find(const char *s, size_t n, const char *lit)
{
	size_t k = strlen(lit);
	if (k == 0 || n < k)
		return NULL;
	const char *end = s + n - k;
	for (const char *p = s; p <= end; p++) {
		p = memchr(p, lit[0], (size_t)(end - p) + 1);
		if (!p)
			return NULL;
		if (memcmp(p, lit, k) == 0)
			return p;
	}
	return NULL;
}

static void sb_set(struct strbuf *sb, const char *s, size_t n)
{
	sb_reset(sb);
	sb_add(sb, s, n);
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = to_lower(c);
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

/* Append the URL-decoded s[0..n) (%XX and '+') to sb. */
static void url_decode(struct strbuf *sb, const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '+') {
			sb_addc(sb, ' ');
		} else if (s[i] == '%' && i + 2 < n && hexval(s[i + 1]) >= 0 &&
			   hexval(s[i + 2]) >= 0) {
			sb_addc(sb, (char)(hexval(s[i + 1]) * 16 + hexval(s[i + 2])));
			i += 2;
		} else {
			sb_addc(sb, s[i]);
		}
	}
}

/* Cut n so that s[0..n) does not end inside a UTF-8 sequence. */
static size_t utf8_cut(const char *s, size_t n)
{
	size_t k = n;
	while (k > 0 && ((unsigned char)s[k - 1] & 0xC0) == 0x80)
		k--;
	if (k > 0 && ((unsigned char)s[k - 1] & 0x80)) {
		unsigned char lead = (unsigned char)s[k - 1];
		size_t need = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : lead >= 0xC0 ? 2 : 1;
		if (n - (k - 1) < need)
			return k - 1;
	}
	return n;
}

/* 1 when every value of ev is valid UTF-8. */
static int event_utf8_ok(const struct event *ev, const struct ruleset *rs)
{
	size_t bad;
	for (size_t f = 0; f < rs->nfields; f++)
		if (ev->val[f] && !utf8_valid(ev->val[f], ev->len[f], &bad))
			return 0;
	return 1;
}

/* Copy into dst the fields src has and dst lacks (and src's time). */
static void fill_missing(struct event *dst, const struct event *src, const struct ruleset *rs)
{
	for (size_t f = 0; f < rs->nfields; f++) {
		if (dst->val[f] || !src->val[f])
			continue;
		dst->val[f] = src->val[f];
		dst->len[f] = src->len[f];
		if ((int)f == rs->f_time) {
			dst->time_ms = src->time_ms;
			dst->zone = src->zone;
			dst->time_flags = src->time_flags;
		}
	}
}

/* A leading time stamp of a log line ("2026-11-03T14:02:11.123Z",
 * "[2026-11-03 14:02:11,123]", "E, [2026-...]"): sets the time field of ev
 * when it has none. */
static void line_time(struct event *ev, const struct ruleset *rs, const char *p, size_t n)
{
	if (rs->f_time < 0 || ev->val[rs->f_time])
		return;
	size_t i = 0;
	while (i < n && i < 8 && (p[i] == ' ' || p[i] == '\t'))
		i++;
	if (i + 3 < n && p[i] >= 'A' && p[i] <= 'Z' && p[i + 1] == ',' && p[i + 2] == ' ')
		i += 3;
	if (i < n && p[i] == '[')
		i++;
	size_t s = i;
	if (n - s < 16 || !is_digit(p[s]) || !is_digit(p[s + 3]) || p[s + 4] != '-')
		return;
	size_t e = s;
	while (e < n && e - s < 40 &&
	       (is_digit(p[e]) || in_set(p[e], "-:T.+Z") ||
		(p[e] == ' ' && e + 3 < n && is_digit(p[e + 1]) && is_digit(p[e + 2]) &&
		 p[e + 3] == ':' && e - s == 10)))
		e++;
	while (e > s && (p[e - 1] == '.' || p[e - 1] == ':' || p[e - 1] == '-'))
		e--;
	struct parsed_time t;
	if (e - s >= 16 && time_parse(p + s, e - s, &t) == 0)
		event_set(ev, rs, rs->f_time, p + s, e - s);
}

/* ---- the line reader ---- */

struct lines {
	struct input *in;
	struct adapter_ctx *ac;
	char *chunk;
	size_t clen, cpos;
	struct strbuf line;
	long lineno;
	int eof;
	int failed;
	unsigned long ncut; /* lines longer than SFDIAG_MAX_LINE */
};

#define CHUNK (64u * 1024u)

static void lines_init(struct lines *l, struct input *in, struct adapter_ctx *ac)
{
	memset(l, 0, sizeof *l);
	l->in = in;
	l->ac = ac;
	l->chunk = xmalloc(CHUNK);
}

static void lines_free(struct lines *l)
{
	if (l->ncut > 1)
		adapter_note(l->ac, NOTE_WARNING, 0,
			     "%lu lines were longer than SFDIAG_MAX_LINE (%u bytes); only the "
			     "first %u bytes of each were scanned",
			     l->ncut, SFDIAG_MAX_LINE, SFDIAG_MAX_LINE);
	free(l->chunk);
	sb_free(&l->line);
}

/* The next line without its line break: 1, or 0 at the end. */
static int lines_next(struct lines *l, const char **p, size_t *n)
{
	int any = 0, cut = 0;
	sb_reset(&l->line);
	for (;;) {
		if (l->cpos == l->clen) {
			if (l->eof)
				break;
			char err[256];
			long got = input_read(l->in, l->chunk, CHUNK, err, sizeof err);
			if (got <= 0) {
				if (got < 0) {
					adapter_note(l->ac, NOTE_ERROR, l->lineno + 1, "%s", err);
					l->failed = 1;
				}
				l->eof = 1;
				break;
			}
			l->clen = (size_t)got;
			l->cpos = 0;
		}
		any = 1;
		const char *s = l->chunk + l->cpos;
		size_t avail = l->clen - l->cpos;
		const char *nl = memchr(s, '\n', avail);
		size_t take = nl ? (size_t)(nl - s) : avail;
		size_t room = SFDIAG_MAX_LINE - l->line.len;
		if (take > room) {
			cut = 1;
			sb_add(&l->line, s, room);
		} else {
			sb_add(&l->line, s, take);
		}
		l->cpos += take + (nl ? 1 : 0);
		if (nl)
			break;
	}
	if (!any)
		return 0;
	l->lineno++;
	size_t len = l->line.len;
	if (!cut && len && l->line.buf[len - 1] == '\r')
		len--;
	if (cut && l->ncut++ == 0)
		adapter_note(l->ac, NOTE_WARNING, l->lineno,
			     "line longer than SFDIAG_MAX_LINE (%u bytes); only its first %u bytes "
			     "were scanned",
			     SFDIAG_MAX_LINE, SFDIAG_MAX_LINE);
	*p = len ? l->line.buf : "";
	*n = len;
	return 1;
}

/* ---- HTTP pieces ---- */

/* "HTTP/1.1 400 Bad Request", "HTTP/2 400": the status code, or 0. */
static int status_line(const char *s, size_t n)
{
	if (!starts_with(s, n, "HTTP/") || n < 10)
		return 0;
	size_t i = 5;
	if (!is_digit(s[i++]))
		return 0;
	if (i < n && s[i] == '.') {
		i++;
		if (i >= n || !is_digit(s[i++]))
			return 0;
	}
	if (i + 4 > n || s[i] != ' ' || !is_digit(s[i + 1]) || !is_digit(s[i + 2]) ||
	    !is_digit(s[i + 3]))
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
	if (e == t || e >= n || !starts_with(s + e + 1, n - e - 1, "HTTP/"))
		return 0;
	if (s[t] != '/' && !starts_with(s + t, e - t, "http"))
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
		if (is_space(*q))
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
	while (i < n && is_digit(s[i]) && k < 2) {
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
		if (!is_digit(y[j]))
			return -1;
	if (y[4] != ' ' || !is_digit(t[0]) || !is_digit(t[1]) || t[2] != ':' || !is_digit(t[3]) ||
	    !is_digit(t[4]) || t[5] != ':' || !is_digit(t[6]) || !is_digit(t[7]))
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
		if (is_space(*p)) {
			space = o > 0;
			continue;
		}
		if (space && o + 1 < BODY_EXCERPT)
			out[o++] = ' ';
		space = 0;
		out[o++] = *p;
	}
	return utf8_cut(out, o);
}

/* Excerpt of an HTML body: its <title>, else its text. */
static size_t html_excerpt(const char *s, size_t n, char *out)
{
	const char *t = find_ci(s, n, "<title");
	if (t) {
		const char *gt = memchr(t, '>', (size_t)(s + n - t));
		const char *close = gt ? find_ci(gt, (size_t)(s + n - gt), "</title") : NULL;
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
	return utf8_cut(out, n);
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
			if (!(starts_with(t, tl, "$ curl ") || starts_with(t, tl, "curl ") ||
			      starts_with(t, tl, "% curl ") || starts_with(s, len, "* ") ||
			      starts_with(s, len, "> ") || starts_with(s, len, "< ") ||
			      status_line(s, len) || request_line(s, len, &ml, &tg, &tgl)))
				return 0;
			first = 0;
		}
		if (status_line(s, len) ||
		    (starts_with(s, len, "< ") && status_line(s + 2, len - 2)))
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
		sb_addc(&tr->req.host, to_lower(s[i]));
	tr->req.seq++;
}

/* grant_type=VALUE in a form body or query (or "grant_type":"VALUE"). */
static void scan_grant_type(struct transcript *tr, const char *s, size_t n)
{
	const char *g = s;
	size_t left = n;
	while ((g = find(g, left, "grant_type")) != NULL) {
		size_t off = (size_t)(g - s);
		int bounded = off == 0 || in_set(s[off - 1], "?&\"' {,");
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
			       !is_space(v[e]))
				e++;
			if (e) {
				sb_reset(&tr->req.grant_type);
				url_decode(&tr->req.grant_type, v, e);
				tr->req.seq++;
			}
			return;
		}
		if (rest >= 2 && v[0] == '"') { /* JSON: "grant_type" : "x" */
			size_t i = 1;
			while (i < rest && is_space(v[i]))
				i++;
			if (i < rest && v[i] == ':') {
				i++;
				while (i < rest && is_space(v[i]))
					i++;
				if (i < rest && v[i] == '"') {
					const char *q = memchr(v + i + 1, '"', rest - i - 1);
					if (q) {
						sb_set(&tr->req.grant_type, v + i + 1,
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
	const char *sep = find(s, n, "://");
	if (!sep)
		return;
	sb_reset(&tr->req.scheme);
	for (const char *p = s; p < sep; p++)
		sb_addc(&tr->req.scheme, to_lower(*p));
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
	sb_set(&tr->req.path, pe, (size_t)(q - pe));
	if (tr->req.path.len == 0)
		sb_set(&tr->req.path, "/", 1);
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
	sb_set(&tr->req.path, t, pl);
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
		if (starts_with(w, n, "http://") || starts_with(w, n, "https://") ||
		    starts_with(w, n, "HTTP://") || starts_with(w, n, "HTTPS://"))
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
		while (i < n && is_space(s[i]))
			i++;
		if (i >= n)
			break;
		if (s[i] == '\\' && i + 1 == n)
			return 1;
		sb_reset(&tr->tok);
		sb_add(&tr->tok, "", 0);
		while (i < n && !is_space(s[i])) {
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

static void emit(struct adapter_ctx *ac, struct event *ev, unsigned long *notes)
{
	const struct ruleset *rs = ac->rs;
	if (!event_utf8_ok(ev, rs)) {
		ac->skipped++;
		if ((*notes)++ < SFDIAG_MAX_NOTES_PER_FILE)
			adapter_note(
			    ac, NOTE_WARNING, ev->line,
			    "invalid UTF-8 in an error value; skipped (re-save the file as "
			    "UTF-8)");
		return;
	}
	event_finish(ev, rs);
	ac->emit(ac->ctx, ev);
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
		sb_set(&tr->location, r->location.buf, r->location.len);
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
	if (rs->f_time >= 0 && r->date.len && http_date(r->date.buf, r->date.len, iso) == 0) {
		size_t n = strlen(iso);
		const char *v = event_keep(ev, iso, &n);
		event_set(ev, rs, rs->f_time, v, n);
	}

	size_t blen = r->body.len;
	const char *body = str_trim(r->body.len ? r->body.buf : "", &blen);
	const char *kind_name = "text";
	cJSON *root = NULL;
	int html = r->content_type.len && find_ci(r->content_type.buf, r->content_type.len, "html");
	if (blen == 0) {
		kind_name = "empty";
	} else if (body[0] == '{' || body[0] == '[') {
		root = cJSON_ParseWithLengthOpts(body, blen, NULL, 0);
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
			emit(ac, &tr->item, &tr->notes);
			emitted++;
		}
	} else if (cJSON_IsObject(root)) {
		unsigned k = json_response_event(rs, root, ev);
		if (k) {
			ev->kind = k;
			emit(ac, ev, &tr->notes);
			emitted++;
		}
	}
	if (!emitted) {
		ev->kind = fallback_kind(tr);
		if (ev->kind)
			emit(ac, ev, &tr->notes);
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
		sb_set(&tr->resp.content_type, val, vl);
	else if (str_ieq(name, nl, "date"))
		sb_set(&tr->resp.date, val, vl);
	else if (str_ieq(name, nl, "location"))
		sb_set(&tr->resp.location, val, vl);
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
	const char *info = find(s, n, "* Connection #");
	if (!info)
		info = find(s, n, "* Closing connection");
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
	if (starts_with(s, n, "Connected to ")) {
		const char *h = s + 13;
		size_t hl = 0;
		while (13 + hl < n && !is_space(h[hl]))
			hl++;
		set_host(tr, h, hl);
		if ((p = find(s, n, " port ")) != NULL && tr->req.scheme.len == 0) {
			if (starts_with(p + 6, (size_t)(s + n - p - 6), "443"))
				sb_set(&tr->req.scheme, "https", 5);
			else if (starts_with(p + 6, (size_t)(s + n - p - 6), "80"))
				sb_set(&tr->req.scheme, "http", 4);
		}
	} else if ((p = find(s, n, "Issue another request to this URL: ")) != NULL) {
		p += 35;
		size_t l = (size_t)(s + n - p);
		if (l && (*p == '\'' || *p == '"')) {
			p++;
			l--;
			if (l && (p[l - 1] == '\'' || p[l - 1] == '"'))
				l--;
		}
		set_url(tr, p, l);
	} else if (starts_with(s, n, "[HTTP/2] [") && (p = memchr(s + 10, '[', n - 10)) != NULL) {
		size_t l = (size_t)(s + n - p);
		if (l && p[l - 1] == ']')
			l--;
		if (starts_with(p, l, "[:method: "))
			set_method(tr, p + 10, l - 10);
		else if (starts_with(p, l, "[:authority: "))
			set_host(tr, p + 13, l - 13);
		else if (starts_with(p, l, "[:path: "))
			set_target(tr, p + 8, l - 8);
		else if (starts_with(p, l, "[:scheme: "))
			sb_set(&tr->req.scheme, p + 10, l - 10);
	} else if (starts_with(s, n, "SSL connection using") || starts_with(s, n, "ALPN") ||
		   starts_with(s, n, "TLS")) {
		if (tr->req.scheme.len == 0)
			sb_set(&tr->req.scheme, "https", 5);
	}
}

static int curl_prompt(const char *s, size_t n, size_t *skip)
{
	size_t tl = n;
	const char *t = str_trim(s, &tl);
	static const char *const pre[] = {"$ curl ", "% curl ", "# curl ", "curl "};
	for (size_t i = 0; i < sizeof pre / sizeof pre[0]; i++) {
		if (starts_with(t, tl, pre[i])) {
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
			    (tr->resp.body.len || starts_with(c, cn, "Connected to ") ||
			     starts_with(c, cn, "Issue another request") ||
			     starts_with(c, cn, "  Trying ")))
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
	if ((s[0] == '{' || s[0] == '}') && starts_with(s + 1, n - 1, " [") &&
	    find(s, n, " bytes data]"))
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
	tr->f_status = rules_field(rs, "http_status");
	tr->f_host = rules_field(rs, "host");
	tr->f_scheme = rules_field(rs, "scheme");
	tr->f_path = rules_field(rs, "path");
	tr->f_method = rules_field(rs, "method");
	tr->f_grant = rules_field(rs, "grant_type");
	tr->f_ctype = rules_field(rs, "content_type");
	tr->f_body_kind = rules_field(rs, "body_kind");
	tr->f_message = rules_field(rs, "message");
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
	lines_init(&l, in, ac);
	while (lines_next(&l, &p, &n))
		transcript_line(tr, p, n, l.lineno);
	end_response(tr);
	int rc = l.failed ? -1 : 0;
	lines_free(&l);
	transcript_free(tr);
	free(tr);
	return rc;
}

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
	emit(ts->ac, &ts->held.ev, &ts->notes);
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
			fill_missing(ev, &ts->held.ev, ts->rs);
			ev->line = ts->held.ev.line;
			ts->held.active = 0;
		} else {
			hold_flush(ts);
		}
	}
	line_time(ev, ts->rs, ts->line, ts->line_len);
	emit(ts->ac, ev, &ts->notes);
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
				fill_missing(&ts->ev, w, ts->rs);
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
		fill_missing(&ts->ev, w, ts->rs);
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
			while (q < s + n && is_space(*q))
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
	for (int level = 0; !got && level < 2 && find(s, n, "\\\""); level++) {
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
	while ((p = find(p, (size_t)(s + n - p), name)) != NULL) {
		const char *after = p + k;
		int bounded = p == s || in_set(p[-1], "?&#");
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
	for (int tries = 0; tries < TEXT_URL_TRIES && (p = find(p, (size_t)(s + n - p), "error="));
	     tries++) {
		const char *at = p;
		p += 6;
		if (at != s && !in_set(at[-1], "?&# \t\"'(<"))
			continue;
		/* The parameter string: back to ? # or a blank, on to a blank or quote. */
		const char *qs = at;
		while (qs > s && !in_set(qs[-1], "?# \t\"'(<"))
			qs--;
		const char *qe = at;
		while (qe < s + n && !is_space(*qe) && !in_set(*qe, "\"'<>)"))
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
		url_decode(d, ev, elen);
		event_set(e, ts->rs, ts->f_error, d->buf + o, d->len - o);
		sb_addc(d, '\0');
		if (dv) {
			o = d->len;
			url_decode(d, dv, dlen);
			event_set(e, ts->rs, ts->f_desc, d->buf + o, d->len - o);
			sb_addc(d, '\0');
		}
		if (uv) {
			o = d->len;
			url_decode(d, uv, ulen);
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
	    !(starts_with(s + m + 1, tn - m - 1, "https://") ||
	      starts_with(s + m + 1, tn - m - 1, "http://")))
		return 0;
	struct held *h = &ts->held;
	const char *u = s + m + 1, *end = s + tn;
	const char *sep = find(u, (size_t)(end - u), "://");
	const char *hs = sep + 3, *he = hs;
	while (he < end && *he != '/' && *he != ':' && *he != '?' && !is_space(*he))
		he++;
	const char *ps = he;
	while (ps < end && *ps != '/' && !is_space(*ps))
		ps++;
	const char *pe = ps;
	while (pe < end && *pe != '?' && *pe != '#' && !is_space(*pe))
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
			d[k] = parts[i].lower ? to_lower(parts[i].v[k]) : parts[i].v[k];
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
	if (json_stage(ts) || (find(s, n, "error=") && url_stage(ts)))
		return;
	hold_flush(ts);
	const struct event *w = wrapper(ts);
	if (!w)
		return;
	struct event *ev = &ts->wrap;
	ev->file = ts->ac->file;
	ev->file_seq = ts->ac->file_seq;
	ev->line = lineno;
	line_time(ev, ts->rs, s, n);
	int has_status = ts->f_status >= 0 && ev->val[ts->f_status];
	int has_error = (ts->f_error >= 0 && ev->val[ts->f_error]) ||
			(ts->f_code >= 0 && ev->val[ts->f_code]) ||
			(ts->f_desc >= 0 && ev->val[ts->f_desc]);
	if (has_status && !has_error)
		hold(ts, ev); /* the body may follow on the next line */
	else
		emit(ts->ac, ev, &ts->notes);
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
	ts->f_status = rules_field(rs, "http_status");
	ts->f_error = rules_field(rs, "error");
	ts->f_desc = rules_field(rs, "error_description");
	ts->f_uri = rules_field(rs, "error_uri");
	ts->f_code = rules_field(rs, "error_code");
	ts->f_host = rules_field(rs, "host");
	ts->f_scheme = rules_field(rs, "scheme");
	ts->f_path = rules_field(rs, "path");
	ts->f_method = rules_field(rs, "method");
	event_clear(&ts->ev);
	event_clear(&ts->wrap);

	lines_init(&l, in, ac);
	while (lines_next(&l, &p, &n))
		text_line(ts, p, n, l.lineno);
	hold_flush(ts);
	int rc = l.failed ? -1 : 0;
	lines_free(&l);
	extract_scanner_free(ts->sc);
	sb_free(&ts->unesc[0]);
	sb_free(&ts->unesc[1]);
	sb_free(&ts->decoded);
	free(ts);
	return rc;
}
