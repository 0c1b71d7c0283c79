/*
 * util.c - see util.h.
 */
#include "base/util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* The innermost out-of-memory guard of this thread, or NULL. */
static _Thread_local struct oom_guard *guard;

void oom_guard_push(struct oom_guard *g)
{
	g->prev = guard;
	guard = g;
}

void oom_guard_pop(struct oom_guard *g)
{
	guard = g->prev;
}

_Noreturn void oom_raise(void)
{
	struct oom_guard *g = guard;
	if (g) {
		guard = g->prev;
		longjmp(g->jb, 1);
	}
	fputs("sfdiag: out of memory\n", stderr);
	exit(2);
}

static void oom(void)
{
	oom_raise();
}

void *xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);
	if (p == NULL)
		oom();
	return p;
}

void *xcalloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size ? size : 1);
	if (p == NULL)
		oom();
	return p;
}

void *xrealloc(void *p, size_t n)
{
	void *q = realloc(p, n ? n : 1);
	if (q == NULL)
		oom();
	return q;
}

void *xgrow(void *p, size_t *cap, size_t need, size_t elem)
{
	size_t c = *cap;
	if (need <= c)
		return p;
	if (c < 8)
		c = 8;
	while (c < need) {
		if (c > SIZE_MAX / 2 / elem)
			oom();
		c *= 2;
	}
	p = xrealloc(p, c * elem);
	*cap = c;
	return p;
}

char *xstrdup(const char *s)
{
	return xstrndup(s, strlen(s));
}

char *xstrndup(const char *s, size_t n)
{
	char *d = xmalloc(n + 1);
	memcpy(d, s, n);
	d[n] = '\0';
	return d;
}

void sb_add(struct strbuf *sb, const char *s, size_t n)
{
	sb->buf = xgrow(sb->buf, &sb->cap, sb->len + n + 1, 1);
	if (n)
		memcpy(sb->buf + sb->len, s, n);
	sb->len += n;
	sb->buf[sb->len] = '\0';
}

void sb_adds(struct strbuf *sb, const char *s)
{
	sb_add(sb, s, strlen(s));
}

void sb_addc(struct strbuf *sb, char c)
{
	sb_add(sb, &c, 1);
}

void sb_vprintf(struct strbuf *sb, const char *fmt, va_list ap)
{
	va_list ap2;
	va_copy(ap2, ap);
	int n = vsnprintf(NULL, 0, fmt, ap2);
	va_end(ap2);
	if (n < 0)
		return;
	sb->buf = xgrow(sb->buf, &sb->cap, sb->len + (size_t)n + 1, 1);
	vsnprintf(sb->buf + sb->len, (size_t)n + 1, fmt, ap);
	sb->len += (size_t)n;
}

void sb_printf(struct strbuf *sb, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	sb_vprintf(sb, fmt, ap);
	va_end(ap);
}

void sb_reset(struct strbuf *sb)
{
	sb->len = 0;
	if (sb->buf)
		sb->buf[0] = '\0';
}

void sb_free(struct strbuf *sb)
{
	free(sb->buf);
	sb->buf = NULL;
	sb->len = sb->cap = 0;
}

const char *sb_str(const struct strbuf *sb)
{
	return sb->buf ? sb->buf : "";
}

uint64_t hash_bytes(const void *p, size_t n)
{
	/* Eight bytes per multiply; short keys (statuses, user names) dominate. */
	const unsigned char *b = p;
	uint64_t h = 0x9E3779B97F4A7C15ull ^ (n * 0xFF51AFD7ED558CCDull);
	while (n >= 8) {
		uint64_t w;
		memcpy(&w, b, 8);
		h = (h ^ w) * 0xC4CEB9FE1A85EC53ull;
		h ^= h >> 29;
		b += 8;
		n -= 8;
	}
	uint64_t w = 0;
	memcpy(&w, b, n);
	h = (h ^ w) * 0xC4CEB9FE1A85EC53ull;
	h ^= h >> 32;
	return h;
}

static int is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f' || c == '\v';
}

const char *str_trim(const char *s, size_t *n)
{
	size_t len = *n;
	while (len && is_space(*s)) {
		s++;
		len--;
	}
	while (len && is_space(s[len - 1]))
		len--;
	*n = len;
	return s;
}

int str_ieq(const char *s, size_t n, const char *lit)
{
	size_t i;
	for (i = 0; i < n; i++) {
		unsigned char a = (unsigned char)s[i], b = (unsigned char)lit[i];
		if (b == 0)
			return 0;
		if (a >= 'A' && a <= 'Z')
			a = (unsigned char)(a + 32);
		if (b >= 'A' && b <= 'Z')
			b = (unsigned char)(b + 32);
		if (a != b)
			return 0;
	}
	return lit[i] == '\0';
}

int utf8_valid(const char *s, size_t n, size_t *bad)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0;
	while (i < n) {
		/* Most export text is ASCII: skip it eight bytes at a time. */
		while (n - i >= 8) {
			uint64_t w;
			memcpy(&w, p + i, 8);
			if (w & 0x8080808080808080ull)
				break;
			i += 8;
		}
		if (i >= n)
			break;
		unsigned c = p[i];
		size_t need;
		unsigned min;
		if (c < 0x80) {
			i++;
			continue;
		} else if (c >= 0xC2 && c <= 0xDF) {
			need = 1;
			min = 0x80;
		} else if (c >= 0xE0 && c <= 0xEF) {
			need = 2;
			min = 0x800;
		} else if (c >= 0xF0 && c <= 0xF4) {
			need = 3;
			min = 0x10000;
		} else {
			goto fail;
		}
		if (need >= n - i)
			goto fail;
		unsigned cp = c & (0x3Fu >> need);
		for (size_t k = 1; k <= need; k++) {
			if ((p[i + k] & 0xC0) != 0x80)
				goto fail;
			cp = (cp << 6) | (p[i + k] & 0x3F);
		}
		if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
			goto fail;
		i += need + 1;
	}
	return 1;
fail:
	if (bad)
		*bad = i;
	return 0;
}

char *str_take_word(char *s, char **rest)
{
	while (*s == ' ' || *s == '\t')
		s++;
	char *w = s;
	while (*s && *s != ' ' && *s != '\t')
		s++;
	if (*s)
		*s++ = '\0';
	while (*s == ' ' || *s == '\t')
		s++;
	*rest = s;
	return w;
}

void str_rtrim(char *s)
{
	size_t n = strlen(s);
	while (n && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r' || s[n - 1] == '\n'))
		s[--n] = '\0';
}

static uint64_t hash_nocase(const char *s)
{
	uint64_t h = 0xCBF29CE484222325ull; /* FNV-1a over the lower-cased bytes */
	for (; *s; s++) {
		unsigned c = (unsigned char)*s;
		if (c - 'A' < 26u)
			c += 32;
		h = (h ^ c) * 0x100000001B3ull;
	}
	return h;
}

/* The slot holding s, or the empty slot where it would go; cap > 0. */
static char **strset_slot(char **slot, size_t cap, const char *s)
{
	size_t i = (size_t)hash_nocase(s) & (cap - 1);
	while (slot[i] && strcasecmp(slot[i], s) != 0)
		i = (i + 1) & (cap - 1);
	return &slot[i];
}

int strset_has_nocase(const struct strset *set, const char *s)
{
	return set->cap && *strset_slot(set->slot, set->cap, s) != NULL;
}

int strset_add_nocase(struct strset *set, const char *s)
{
	if (strset_has_nocase(set, s))
		return 1;
	if (2 * (set->n + 1) > set->cap) { /* keep the load under one half */
		size_t cap = set->cap ? 2 * set->cap : 16;
		char **slot = xcalloc(cap, sizeof *slot);
		for (size_t i = 0; i < set->cap; i++)
			if (set->slot[i])
				*strset_slot(slot, cap, set->slot[i]) = set->slot[i];
		free(set->slot);
		set->slot = slot;
		set->cap = cap;
	}
	*strset_slot(set->slot, set->cap, s) = xstrdup(s);
	set->n++;
	return 0;
}

void strset_free(struct strset *set)
{
	for (size_t i = 0; i < set->cap; i++)
		free(set->slot[i]);
	free(set->slot);
	set->slot = NULL;
	set->cap = set->n = 0;
}
