/*
 * text_util.c - see text_util.h.
 */
#include "adapt/text_util.h"

#include <stdlib.h>
#include <string.h>

#include "base/timeparse.h"

int tx_is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f' || c == '\v';
}

int tx_is_digit(char c)
{
	return c >= '0' && c <= '9';
}

char tx_to_lower(char c)
{
	return (c >= 'A' && c <= 'Z') ? (char)(c + 32) : c;
}

/* c is one of the characters of set (never NUL). */
int tx_in_set(char c, const char *set)
{
	return c != '\0' && strchr(set, c) != NULL;
}

int tx_starts_with(const char *s, size_t n, const char *lit)
{
	size_t k = strlen(lit);
	return n >= k && memcmp(s, lit, k) == 0;
}

/* Case-insensitive search of lit in s[0..n). */
const char *tx_find_ci(const char *s, size_t n, const char *lit)
{
	size_t k = strlen(lit);
	for (size_t i = 0; k <= n && i <= n - k; i++) {
		size_t j = 0;
		while (j < k && tx_to_lower(s[i + j]) == tx_to_lower(lit[j]))
			j++;
		if (j == k)
			return s + i;
	}
	return NULL;
}

const char *tx_find(const char *s, size_t n, const char *lit)
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

void tx_sb_set(struct strbuf *sb, const char *s, size_t n)
{
	sb_reset(sb);
	sb_add(sb, s, n);
}

int tx_hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = tx_to_lower(c);
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

/* Append the URL-decoded s[0..n) (%XX and '+') to sb. */
void tx_url_decode(struct strbuf *sb, const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '+') {
			sb_addc(sb, ' ');
		} else if (s[i] == '%' && i + 2 < n && tx_hexval(s[i + 1]) >= 0 &&
			   tx_hexval(s[i + 2]) >= 0) {
			sb_addc(sb, (char)(tx_hexval(s[i + 1]) * 16 + tx_hexval(s[i + 2])));
			i += 2;
		} else {
			sb_addc(sb, s[i]);
		}
	}
}

/* Cut n so that s[0..n) does not end inside a UTF-8 sequence. */
size_t tx_utf8_cut(const char *s, size_t n)
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
int tx_event_utf8_ok(const struct event *ev, const struct ruleset *rs)
{
	size_t bad;
	for (size_t f = 0; f < rs->nfields; f++)
		if (ev->val[f] && !utf8_valid(ev->val[f], ev->len[f], &bad))
			return 0;
	return 1;
}

/* Copy into dst the fields src has and dst lacks (and src's time). */
void tx_fill_missing(struct event *dst, const struct event *src, const struct ruleset *rs)
{
	for (size_t f = 0; f < rs->nfields; f++) {
		if (dst->val[f] || !src->val[f])
			continue;
		dst->val[f] = src->val[f];
		dst->len[f] = src->len[f];
		if ((int)f == rs->f.time) {
			dst->time_ms = src->time_ms;
			dst->zone = src->zone;
			dst->time_flags = src->time_flags;
		}
	}
}

/* A leading time stamp of a log line ("2026-11-03T14:02:11.123Z",
 * "[2026-11-03 14:02:11,123]", "E, [2026-...]"): sets the time field of ev
 * when it has none. */
void tx_line_time(struct event *ev, const struct ruleset *rs, const char *p, size_t n)
{
	if (rs->f.time < 0 || ev->val[rs->f.time])
		return;
	size_t i = 0;
	while (i < n && i < 8 && (p[i] == ' ' || p[i] == '\t'))
		i++;
	if (i + 3 < n && p[i] >= 'A' && p[i] <= 'Z' && p[i + 1] == ',' && p[i + 2] == ' ')
		i += 3;
	if (i < n && p[i] == '[')
		i++;
	size_t s = i;
	if (n - s < 16 || !tx_is_digit(p[s]) || !tx_is_digit(p[s + 3]) || p[s + 4] != '-')
		return;
	size_t e = s;
	while (e < n && e - s < 40 &&
	       (tx_is_digit(p[e]) || tx_in_set(p[e], "-:T.+Z") ||
		(p[e] == ' ' && e + 3 < n && tx_is_digit(p[e + 1]) && tx_is_digit(p[e + 2]) &&
		 p[e + 3] == ':' && e - s == 10)))
		e++;
	while (e > s && (p[e - 1] == '.' || p[e - 1] == ':' || p[e - 1] == '-'))
		e--;
	struct parsed_time t;
	if (e - s >= 16 && time_parse(p + s, e - s, &t) == 0)
		event_set(ev, rs, rs->f.time, p + s, e - s);
}

/* ---- the line reader ---- */

void text_lines_init(struct lines *l, struct input *in, struct adapter_ctx *ac)
{
	memset(l, 0, sizeof *l);
	l->in = in;
	l->ac = ac;
	l->chunk = xmalloc(TEXT_CHUNK);
}

void text_lines_free(struct lines *l)
{
	if (l->ncut > 1)
		adapter_note(l->ac, NOTE_WARNING, 0,
			     "%lu lines were longer than SFDIAG_MAX_LINE (%u bytes); only the "
			     "first %u bytes of each were scanned",
			     l->ncut, SFDIAG_MAX_LINE, SFDIAG_MAX_LINE);
	free(l->chunk);
	sb_free(&l->line);
}

/* The next line without its line break: 1, or 0 at the end.  A line that
 * lies wholly in the current chunk is returned in place; only a line that
 * straddles two chunks is copied. */
int text_lines_next(struct lines *l, const char **p, size_t *n)
{
	int any = 0, cut = 0;
	const char *out = NULL;
	size_t len = 0;
	sb_reset(&l->line);
	for (;;) {
		if (l->cpos == l->clen) {
			if (l->eof)
				break;
			char err[256];
			long got = input_read(l->in, l->chunk, TEXT_CHUNK, err, sizeof err);
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
		const char *s = l->chunk + l->cpos;
		size_t avail = l->clen - l->cpos;
		const char *nl = memchr(s, '\n', avail);
		size_t take = nl ? (size_t)(nl - s) : avail;
		if (!any && nl && take <= SFDIAG_MAX_LINE) {
			/* The common case: the whole line is in the chunk. */
			any = 1;
			out = s;
			len = take;
			l->cpos += take + 1;
			break;
		}
		any = 1;
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
	if (!out) {
		out = l->line.buf;
		len = l->line.len;
	}
	if (!cut && len && out[len - 1] == '\r')
		len--;
	if (cut && l->ncut++ == 0)
		adapter_note(l->ac, NOTE_WARNING, l->lineno,
			     "line longer than SFDIAG_MAX_LINE (%u bytes); only its first %u bytes "
			     "were scanned",
			     SFDIAG_MAX_LINE, SFDIAG_MAX_LINE);
	*p = len ? out : "";
	*n = len;
	return 1;
}

void tx_emit(struct adapter_ctx *ac, struct event *ev, unsigned long *notes)
{
	const struct ruleset *rs = ac->rs;
	if (!tx_event_utf8_ok(ev, rs)) {
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
