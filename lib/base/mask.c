/*
 * mask.c - the secrets masker (see mask.h).
 *
 * mask_apply finds the secrets of a text as byte ranges, merges the ranges
 * that touch or overlap, and writes the text with each range replaced by
 * its shape.  Two finders run over the same text:
 *
 *   shapes  every match of every pattern, on a copy of the text in which
 *           each byte of invalid UTF-8 is replaced by one SUB (0x1A), so
 *           that the UTF-8 patterns run on any input and offsets stay those
 *           of the original;
 *   keys    a scan for KEY SEPARATOR VALUE, where KEY folds to a key word
 *           and VALUE is taken whole (value_end below).
 *
 * When a pattern gives up (PCRE2's match limit, on hostile text) the whole
 * text counts as secret: masking too much is a lost detail, masking too
 * little is a leak.
 */
#include "base/mask.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/limits.h"

#define MASK_MAX_KEY 128 /* longest key token looked at, in bytes */
#define SUB	     0x1A

struct span {
	size_t a, b;
};

struct spans {
	struct span *v;
	size_t n, cap;
};

static void span_add(struct spans *sp, size_t a, size_t b)
{
	if (b <= a)
		return;
	sp->v = xgrow(sp->v, &sp->cap, sp->n + 1, sizeof *sp->v);
	sp->v[sp->n].a = a;
	sp->v[sp->n].b = b;
	sp->n++;
}

/* ---- building ---- */

void mask_add_pattern(struct masker *m, pcre2_code *re)
{
	size_t cap = m->nre;
	m->re = xgrow(m->re, &cap, m->nre + 1, sizeof *m->re);
	m->re[m->nre++] = re;
}

static char fold_char(char c)
{
	return c >= 'A' && c <= 'Z' ? (char)(c + 32) : c;
}

/* Fold s[0..n) into buf (size > n): lowercase, '_' '-' '.' left out. */
static size_t fold(const char *s, size_t n, char *buf)
{
	size_t k = 0;
	for (size_t i = 0; i < n; i++)
		if (s[i] != '_' && s[i] != '-' && s[i] != '.')
			buf[k++] = fold_char(s[i]);
	buf[k] = '\0';
	return k;
}

int mask_add_words(struct masker *m, const char *directive, const char *words, char *err,
		   size_t errsz)
{
	int scheme = strcmp(directive, "scheme") == 0;
	enum mask_key_match match = MASK_KEY_SUFFIX;
	if (strcmp(directive, "key-exact") == 0)
		match = MASK_KEY_EXACT;
	else if (strcmp(directive, "key-query") == 0)
		match = MASK_KEY_QUERY;
	else if (strcmp(directive, "not-key") == 0)
		match = MASK_KEY_NOT;
	else if (!scheme && strcmp(directive, "key") != 0) {
		snprintf(err, errsz,
			 "unknown directive '%s' (expected mask, key, key-exact, key-query, "
			 "not-key or scheme)",
			 directive);
		return -1;
	}
	int added = 0;
	for (const char *p = words; *p;) {
		p += strspn(p, " \t");
		size_t n = strcspn(p, " \t");
		if (!n)
			break;
		if (n >= MASK_MAX_KEY) {
			snprintf(err, errsz, "word '%.20s...' is longer than %d bytes", p,
				 MASK_MAX_KEY - 1);
			return -1;
		}
		if (scheme) {
			size_t cap = m->nschemes;
			m->schemes = xgrow(m->schemes, &cap, m->nschemes + 1, sizeof *m->schemes);
			m->schemes[m->nschemes++] = xstrndup(p, n);
		} else {
			char buf[MASK_MAX_KEY];
			size_t k = fold(p, n, buf);
			if (!k) {
				snprintf(err, errsz, "key word '%.*s' has no letter or digit",
					 (int)n, p);
				return -1;
			}
			size_t cap = m->nkeys;
			m->keys = xgrow(m->keys, &cap, m->nkeys + 1, sizeof *m->keys);
			m->keys[m->nkeys].word = xstrdup(buf);
			m->keys[m->nkeys].len = k;
			m->keys[m->nkeys].match = match;
			m->nkeys++;
		}
		added++;
		p += n;
	}
	if (!added) {
		snprintf(err, errsz, "'%s' needs at least one word", directive);
		return -1;
	}
	return 0;
}

void mask_free(struct masker *m)
{
	for (size_t i = 0; i < m->nre; i++)
		pcre2_code_free(m->re[i]);
	for (size_t i = 0; i < m->nkeys; i++)
		free(m->keys[i].word);
	for (size_t i = 0; i < m->nschemes; i++)
		free(m->schemes[i]);
	free(m->re);
	free(m->keys);
	free(m->schemes);
	memset(m, 0, sizeof *m);
}

/* ---- the shape of a secret ---- */

void mask_shape(struct strbuf *out, const char *s, size_t n)
{
	int up = 0, low = 0, dig = 0, other = 0, space = 0;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c >= 'A' && c <= 'Z')
			up = 1;
		else if (c >= 'a' && c <= 'z')
			low = 1;
		else if (c >= '0' && c <= '9')
			dig = 1;
		else if (c == ' ' || c == '\t')
			space = 1;
		else
			other = 1;
	}
	sb_printf(out, "[secret: %zu char%s", n, n == 1 ? "" : "s");
	if (n)
		sb_printf(out, ",%s%s%s%s%s", up ? " A-Z" : "", low ? " a-z" : "",
			  dig ? " 0-9" : "", other ? " symbols" : "", space ? " spaces" : "");
	sb_addc(out, ']');
}

/* If s[i..n) starts a shape written by mask_shape, its length; else 0. */
static size_t shape_at(const char *s, size_t n, size_t i)
{
	static const char open[] = "[secret: ";
	size_t k = sizeof open - 1;
	if (n - i <= k || memcmp(s + i, open, k) != 0 || s[i + k] < '0' || s[i + k] > '9')
		return 0;
	for (size_t j = i + k; j < n && j - i < 64; j++) {
		if (s[j] == ']')
			return j + 1 - i;
		if (s[j] != ' ' && s[j] != ',' && s[j] != '-' && !(s[j] >= 'a' && s[j] <= 'z') &&
		    !(s[j] >= 'A' && s[j] <= 'Z') && !(s[j] >= '0' && s[j] <= '9'))
			return 0;
	}
	return 0;
}

/* ---- shapes: the patterns ---- */

/* Length of the valid UTF-8 sequence at s[i..n), or 0. */
static size_t utf8_at(const char *s, size_t n, size_t i)
{
	unsigned char c = (unsigned char)s[i];
	size_t len = c < 0x80 ? 1 : c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC2 ? 2 : 0;
	size_t bad;
	if (!len || len > n - i || (len > 1 && !utf8_valid(s + i, len, &bad)))
		return 0;
	return len;
}

static void find_patterns(const struct masker *m, const char *s, size_t n, struct spans *sp)
{
	char *t = xmalloc(n + 1);
	for (size_t i = 0; i < n;) {
		size_t len = utf8_at(s, n, i);
		if (len) {
			memcpy(t + i, s + i, len);
			i += len;
		} else {
			t[i++] = SUB;
		}
	}
	t[n] = '\0';
	pcre2_match_data *md = pcre2_match_data_create(1, NULL);
	pcre2_match_context *mc = pcre2_match_context_create(NULL);
	if (!md || !mc) {
		fputs("sfdiag: out of memory\n", stderr);
		exit(2);
	}
	pcre2_set_match_limit(mc, SFDIAG_PCRE2_MATCH_LIMIT);
	pcre2_set_depth_limit(mc, SFDIAG_PCRE2_DEPTH_LIMIT);
	pcre2_set_heap_limit(mc, SFDIAG_PCRE2_HEAP_LIMIT_KIB);
	for (size_t r = 0; r < m->nre; r++) {
		size_t pos = 0;
		while (pos <= n) {
			int rc = pcre2_match(m->re[r], (PCRE2_SPTR)t, n, pos, 0, md, mc);
			if (rc == PCRE2_ERROR_NOMATCH)
				break;
			if (rc < 0) {
				/* Gave up: the whole text is treated as a secret. */
				span_add(sp, 0, n);
				break;
			}
			const PCRE2_SIZE *ov = pcre2_get_ovector_pointer(md);
			size_t a = ov[0], b = ov[1];
			if (b > a)
				span_add(sp, a, b);
			/* Past the match; past one character when it was empty. */
			size_t next = b > pos ? b : pos + 1;
			while (next < n && ((unsigned char)t[next] & 0xC0) == 0x80)
				next++;
			pos = next;
		}
	}
	pcre2_match_context_free(mc);
	pcre2_match_data_free(md);
	free(t);
}

/* ---- keys: KEY SEPARATOR VALUE ---- */

static int is_alnum(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

static int is_keych(char c)
{
	return is_alnum(c) || c == '_' || c == '-' || c == '.';
}

static int is_blank(char c)
{
	return c == ' ' || c == '\t';
}

/* s[i..n) starts with lit, ASCII case ignored. */
static int at(const char *s, size_t n, size_t i, const char *lit)
{
	size_t k = strlen(lit);
	if (n - i < k)
		return 0;
	for (size_t j = 0; j < k; j++)
		if (fold_char(s[i + j]) != fold_char(lit[j]))
			return 0;
	return 1;
}

static const struct mask_key *key_word(const struct masker *m, const char *tok, size_t n, int query)
{
	char buf[MASK_MAX_KEY];
	size_t k = fold(tok, n, buf);
	if (!k)
		return NULL;
	for (size_t i = 0; i < m->nkeys; i++) {
		const struct mask_key *w = &m->keys[i];
		if (w->match == MASK_KEY_NOT && w->len <= k && memcmp(buf, w->word, w->len) == 0)
			return NULL;
	}
	for (size_t i = 0; i < m->nkeys; i++) {
		const struct mask_key *w = &m->keys[i];
		if (w->len > k || w->match == MASK_KEY_NOT)
			continue;
		if (w->match == MASK_KEY_SUFFIX ? memcmp(buf + k - w->len, w->word, w->len) == 0
						: w->len == k && memcmp(buf, w->word, k) == 0) {
			if (w->match != MASK_KEY_QUERY || query)
				return w;
		}
	}
	return NULL;
}

/* Entity and percent-encoded quotes, each closed by itself. */
static const char *const coded_quotes[] = {"&quot;", "&#34;",  "&#x22;", "&#39;",
					   "&#x27;", "&apos;", "%22",	 "%27"};

static size_t coded_quote_at(const char *s, size_t n, size_t i, const char **which)
{
	for (size_t q = 0; q < sizeof coded_quotes / sizeof coded_quotes[0]; q++)
		if (at(s, n, i, coded_quotes[q])) {
			*which = coded_quotes[q];
			return strlen(coded_quotes[q]);
		}
	return 0;
}

/* A quote at s[i], possibly escaped: the escape character in *ec ('\\',
 * or '/' where a reader turned backslashes into slashes, as unzip does with
 * Windows member names), how many of them come before it in *esc, and its
 * length; 0 if there is none. */
static size_t quote_at(const char *s, size_t n, size_t i, char *q, size_t *esc, char *ec)
{
	size_t r = 0;
	char e = i < n && s[i] == '/' ? '/' : '\\';
	while (i + r < n && s[i + r] == e)
		r++;
	if (i + r < n && (s[i + r] == '"' || s[i + r] == '\'')) {
		*q = s[i + r];
		*esc = r;
		*ec = e;
		return r + 1;
	}
	return 0;
}

/*
 * The end of a value that opened with quote q escaped by esc characters ec:
 * at the first q whose run of rr escapes closes it.  A quote escaped k
 * times (esc = 2^k - 1) is closed by a run with (rr + 1) / (esc + 1) odd;
 * an escaped quote inside the value (run 2 * esc + 1) and escaped
 * backslashes before it do not.  Returns the offset of the first escape of
 * the closing run (the value's end), and the offset past the quote in
 * *after; an unterminated value ends at the line's end.
 */
static size_t quoted_end(const char *s, size_t n, size_t v, char q, size_t esc, char ec,
			 size_t *after)
{
	size_t i = v;
	for (; i < n && s[i] != '\n' && s[i] != '\r'; i++) {
		if (s[i] != q)
			continue;
		size_t rr = 0;
		while (i - rr > v && s[i - rr - 1] == ec)
			rr++;
		size_t unit = esc + 1;
		if ((rr + 1) % unit == 0 && ((rr + 1) / unit) % 2 == 1) {
			*after = i + 1;
			return i - esc;
		}
	}
	*after = i;
	return i;
}

/* A key token and its separator at s[i..): is what follows a value? */
static int next_is_key(const char *s, size_t n, size_t i)
{
	size_t j = i;
	while (j < n && is_keych(s[j]))
		j++;
	if (j == i || !is_alnum(s[i]))
		return 0;
	if (j < n && (s[j] == '"' || s[j] == '\''))
		j++;
	while (j < n && is_blank(s[j]))
		j++;
	/* "KEY=" but not base64 padding ("...ZA=="), "KEY:" but not "scheme://" */
	if (j < n && s[j] == '=')
		return j + 1 >= n || (s[j + 1] != '=' && !is_blank(s[j + 1]));
	return j < n && s[j] == ':' && (j + 1 >= n || s[j + 1] != '/');
}

/*
 * The end of an unquoted value starting at v: at the end of the line, at
 * the structure around it (& < " ' a JSON escape, an encoded & or quote),
 * at ", " or "; ", at a closing bracket that ends a word, or at blanks
 * followed by the next KEY= / KEY: (a log line's next field).  Blanks at
 * its end are not part of it.
 */
static size_t unquoted_end(const char *s, size_t n, size_t v)
{
	size_t i = v;
	while (i < n) {
		char c = s[i];
		if (c == '\n' || c == '\r' || c == '&' || c == '<' || c == '"' || c == '\'')
			break;
		if (c == '\\' && i + 1 < n && strchr("\"'nrt", s[i + 1]))
			break;
		if (c == '%' && (at(s, n, i, "%26") || at(s, n, i, "%22") || at(s, n, i, "%27")))
			break;
		if ((c == ',' || c == ';') && (i + 1 >= n || is_blank(s[i + 1])))
			break;
		if ((c == '}' || c == ']' || c == ')') &&
		    (i + 1 >= n || is_blank(s[i + 1]) || strchr(",;}])\"'", s[i + 1])))
			break;
		if (is_blank(c)) {
			size_t j = i;
			while (j < n && is_blank(s[j]))
				j++;
			if (j >= n || next_is_key(s, n, j))
				break;
			i = j;
			continue;
		}
		i++;
	}
	while (i > v && is_blank(s[i - 1]))
		i--;
	return i;
}

/* A scheme word ("Bearer") and its blank at the value's start: its length. */
static size_t scheme_at(const struct masker *m, const char *s, size_t n, size_t v)
{
	for (size_t k = 0; k < m->nschemes; k++) {
		const char *w = m->schemes[k];
		size_t len = strlen(w);
		if (!at(s, n, v, w))
			continue;
		size_t j = v + len;
		if (j < n && is_blank(s[j])) {
			while (j < n && is_blank(s[j]))
				j++;
			return j - v;
		}
		if (at(s, n, j, "%20"))
			return j + 3 - v;
		if (j < n && s[j] == '+')
			return j + 1 - v;
	}
	return 0;
}

/*
 * After a key token ending at i: its separator.  Returns the offset of
 * the value's first byte, or 0 when no separator follows; *query is set
 * when it was '=' (so a key-query word applies) and *xml when it closed a
 * tag (the value then ends at '<').
 */
static size_t separator(const char *s, size_t n, size_t i, int flag, int *query, int *xml)
{
	size_t j = i, esc;
	char q, ec;
	const char *cq;
	*query = *xml = 0;
	size_t ql = quote_at(s, n, j, &q, &esc, &ec);
	if (!ql)
		ql = coded_quote_at(s, n, j, &cq);
	j += ql;
	while (j < n && is_blank(s[j]))
		j++;
	if (at(s, n, j, "=>")) {
		j += 2;
	} else if (j < n && s[j] == '=') {
		*query = 1;
		j++;
	} else if (at(s, n, j, "%3D")) {
		*query = 1;
		j += 3;
	} else if (j < n && s[j] == ':') {
		size_t sl = j + 1;
		while (sl < n && s[sl] == '/')
			sl++;
		if ((j + 1 < n && s[j + 1] == ':') || (sl > j + 1 && (sl >= n || s[sl] != '"')))
			return 0; /* "Token::x", "token://", but not :///" (slashed quotes) */
		j++;
	} else if (!ql && j == i && j < n && s[j] == '>') {
		*xml = 1;
		j++;
	} else if (!ql && j == i && at(s, n, j, "&gt;")) {
		*xml = 1;
		j += 4;
	} else if (flag && j > i && !ql) {
		/* "--password VALUE" on a command line */
	} else {
		return 0;
	}
	while (j < n && is_blank(s[j]))
		j++;
	return j;
}

/* One KEY SEPARATOR VALUE at s[i..) (i starts a key token): adds the
 * value's range and returns where scanning goes on. */
static size_t key_value(const struct masker *m, const char *s, size_t n, size_t i, struct spans *sp)
{
	size_t e = i;
	while (e < n && is_keych(s[e]))
		e++;
	if (e - i >= MASK_MAX_KEY)
		return e;
	int query, xml;
	/* "--password VALUE": a flag is a word of its own on a command line. */
	int flag = s[i] == '-' && (i == 0 || is_blank(s[i - 1]));
	size_t v = separator(s, n, e, flag, &query, &xml);
	if (!v || !key_word(m, s + i, e - i, query))
		return e;
	if (v >= n || shape_at(s, n, v))
		return v;
	size_t end, after, esc;
	char q, ec;
	const char *cq;
	size_t ql = quote_at(s, n, v, &q, &esc, &ec);
	size_t cl = ql ? 0 : coded_quote_at(s, n, v, &cq);
	/* A value that is a shape already was masked as a whole. */
	if ((ql && shape_at(s, n, v + ql)) || (cl && shape_at(s, n, v + cl)))
		return v + ql + cl;
	if (ql) {
		v += ql;
		end = quoted_end(s, n, v, q, esc, ec, &after);
	} else if (cl) {
		v += cl;
		const char *close = NULL;
		for (end = v; end < n && s[end] != '\n'; end++)
			if (coded_quote_at(s, n, end, &close) && strcmp(close, cq) == 0)
				break;
		after = end < n && s[end] != '\n' ? end + cl : end;
	} else if (xml) {
		for (end = v; end < n && s[end] != '<' && s[end] != '\n' && !at(s, n, end, "&lt;");)
			end++;
		after = end;
	} else {
		if (s[v] == '{' || s[v] == '[')
			return v; /* an object: its own keys are scanned */
		v += scheme_at(m, s, n, v);
		if (shape_at(s, n, v))
			return v;
		end = unquoted_end(s, n, v);
		after = end;
		static const char *const literal[] = {"null", "true", "false", "None"};
		for (size_t k = 0; k < sizeof literal / sizeof literal[0]; k++)
			if (end - v == strlen(literal[k]) && at(s, n, v, literal[k]))
				return after;
	}
	if (ql || cl || xml)
		v += scheme_at(m, s, end, v);
	span_add(sp, v, end);
	return after > i ? after : i + 1;
}

static int cmp_size(const void *x, const void *y)
{
	size_t a = *(const size_t *)x, b = *(const size_t *)y;
	return a < b ? -1 : a > b;
}

/*
 * A key token starts after a character that is not one, or where a shape
 * found by a pattern ends: once masked, the shape's closing ']' comes
 * before it, so the same key is found in the masked text (idempotence).
 */
static void find_keys(const struct masker *m, const char *s, size_t n, struct spans *sp)
{
	if (!m->nkeys)
		return;
	size_t nends = sp->n, e = 0;
	size_t *ends = xmalloc((nends ? nends : 1) * sizeof *ends);
	for (size_t k = 0; k < nends; k++)
		ends[k] = sp->v[k].b;
	if (nends)
		qsort(ends, nends, sizeof *ends, cmp_size);
	/* Where the last value ended (after its closing quote, which may be
	 * "%22"), or a shape: a key may start there too. */
	size_t i = 0, resume = 0;
	while (i < n) {
		while (e < nends && ends[e] < i)
			e++;
		size_t shape = s[i] == '[' ? shape_at(s, n, i) : 0;
		if (shape) {
			i += shape;
			resume = i;
		} else if (is_keych(s[i]) && (i == 0 || !is_keych(s[i - 1]) || i == resume ||
					      (e < nends && ends[e] == i))) {
			i = key_value(m, s, n, i, sp);
			resume = i;
		} else {
			i++;
		}
	}
	free(ends);
}

/* ---- applying ---- */

static int cmp_span(const void *x, const void *y)
{
	const struct span *a = x, *b = y;
	return a->a < b->a ? -1 : a->a > b->a ? 1 : 0;
}

/* One pass: s[0..n) to out with the secrets found (with all, everything
 * but the shapes already there) replaced by their shapes; returns how many. */
static size_t mask_once(const struct masker *m, struct strbuf *out, const char *s, size_t n,
			int all)
{
	struct spans sp = {0};
	if (all) {
		span_add(&sp, 0, n);
	} else {
		find_patterns(m, s, n, &sp);
		find_keys(m, s, n, &sp);
	}
	/* Shapes already in the text stay as they are. */
	struct spans keep = {0};
	for (size_t i = 0; i < n; i++) {
		size_t k = s[i] == '[' ? shape_at(s, n, i) : 0;
		if (k) {
			span_add(&keep, i, i + k);
			i += k - 1;
		}
	}
	if (sp.n)
		qsort(sp.v, sp.n, sizeof *sp.v, cmp_span);
	size_t pos = 0, masked = 0, kp = 0;
	for (size_t i = 0; i < sp.n;) {
		size_t a = sp.v[i].a, b = sp.v[i].b;
		for (i++; i < sp.n && sp.v[i].a <= b; i++)
			if (sp.v[i].b > b)
				b = sp.v[i].b;
		if (a < pos)
			a = pos;
		/* Leave out shapes inside [a, b): they are masked already. */
		while (a < b) {
			while (kp < keep.n && keep.v[kp].b <= a)
				kp++;
			size_t stop = b;
			if (kp < keep.n && keep.v[kp].a < b)
				stop = keep.v[kp].a > a ? keep.v[kp].a : a;
			sb_add(out, s + pos, a - pos);
			if (stop > a) {
				mask_shape(out, s + a, stop - a);
				masked++;
			}
			pos = stop;
			if (kp < keep.n && keep.v[kp].a <= stop && keep.v[kp].b > stop) {
				sb_add(out, s + stop, keep.v[kp].b - stop);
				pos = keep.v[kp].b;
			}
			a = pos;
		}
	}
	sb_add(out, s + pos, n - pos);
	free(sp.v);
	free(keep.v);
	return masked;
}

/* Passes before whatever is still found is masked whole (see mask_apply). */
#define MASK_MAX_PASSES 8

/*
 * Idempotence by construction: a pass keeps the shapes already in its text
 * (a shape opens with '[' and closes with ']', so one written next to other
 * text cannot join it), but a shape written where a secret was can make the
 * text around it read differently ("key=[secret: ...] rest"), so the masked
 * text is masked again until a pass finds nothing.  Each pass that masks
 * something leaves fewer bytes outside shapes, so this ends; after
 * MASK_MAX_PASSES, what is left outside shapes is masked whole.  Text with
 * no secret costs one pass.
 */
size_t mask_apply(const struct masker *m, struct strbuf *out, const char *s, size_t n)
{
	if (!m || n == 0 || (!m->nre && !m->nkeys)) {
		sb_add(out, s, n);
		return 0;
	}
	struct strbuf cur = {0};
	size_t total = mask_once(m, &cur, s, n, 0);
	for (int pass = 1; total; pass++) {
		struct strbuf next = {0};
		size_t k = mask_once(m, &next, cur.buf, cur.len, pass >= MASK_MAX_PASSES);
		if (k == 0) {
			sb_free(&next);
			break;
		}
		total += k;
		sb_free(&cur);
		cur = next;
	}
	if (total)
		sb_add(out, cur.buf, cur.len);
	else
		sb_add(out, s, n);
	sb_free(&cur);
	return total;
}

size_t mask_str(const struct masker *m, struct strbuf *out, const char *s)
{
	return mask_apply(m, out, s, strlen(s));
}
