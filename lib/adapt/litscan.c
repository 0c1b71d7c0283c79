/*
 * litscan.c - see litscan.h.
 */
#include "adapt/litscan.h"

#include <stdlib.h>
#include <string.h>

#include "base/util.h"

#define LS_BITS	 16
#define LS_SLOTS (1u << LS_BITS)
#define LS_NONE	 UINT32_MAX

struct lit {
	unsigned char *folded;
	size_t n;
	unsigned cls, id;
	uint32_t next; /* next literal with the same hash, or LS_NONE */
};

struct litscan {
	uint8_t bits[LS_SLOTS / 8];
	uint32_t head[LS_SLOTS]; /* first literal of each hash chain */
	struct lit *lits;
	size_t n, cap;
};

static uint32_t window(const unsigned char *p)
{
	uint32_t v;
	memcpy(&v, p, sizeof v);
	return v | 0x20202020u;
}

static uint32_t hash(uint32_t v)
{
	return (v * 0x9E3779B1u) >> (32 - LS_BITS);
}

struct litscan *litscan_new(void)
{
	struct litscan *ls = xcalloc(1, sizeof *ls);
	for (size_t i = 0; i < LS_SLOTS; i++)
		ls->head[i] = LS_NONE;
	return ls;
}

void litscan_free(struct litscan *ls)
{
	if (!ls)
		return;
	for (size_t i = 0; i < ls->n; i++)
		free(ls->lits[i].folded);
	free(ls->lits);
	free(ls);
}

int litscan_add(struct litscan *ls, const char *lit, size_t n, unsigned cls, unsigned id)
{
	if (n < LITSCAN_MIN || ls->n >= LS_NONE - 1)
		return 0;
	ls->lits = xgrow(ls->lits, &ls->cap, ls->n + 1, sizeof *ls->lits);
	struct lit *l = &ls->lits[ls->n];
	l->folded = xmalloc(n);
	for (size_t i = 0; i < n; i++)
		l->folded[i] = (unsigned char)(lit[i] | 0x20);
	l->n = n;
	l->cls = cls;
	l->id = id;
	uint32_t h = hash(window(l->folded));
	l->next = ls->head[h];
	ls->head[h] = (uint32_t)ls->n++;
	ls->bits[h >> 3] = (uint8_t)(ls->bits[h >> 3] | (1u << (h & 7)));
	return 1;
}

static int same_folded(const unsigned char *s, const unsigned char *f, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)(s[i] | 0x20) != f[i])
			return 0;
	return 1;
}

unsigned litscan_scan(const struct litscan *ls, const char *s, size_t n, struct lit_hit *out,
		      size_t max, size_t *nout)
{
	const unsigned char *p = (const unsigned char *)s;
	unsigned found = 0;
	size_t got = 0;
	if (n >= LITSCAN_MIN) {
		size_t last = n - LITSCAN_MIN;
		for (size_t i = 0; i <= last; i++) {
			uint32_t h = hash(window(p + i));
			if (!(ls->bits[h >> 3] & (1u << (h & 7))))
				continue;
			for (uint32_t k = ls->head[h]; k != LS_NONE; k = ls->lits[k].next) {
				const struct lit *l = &ls->lits[k];
				if (l->n > n - i || !same_folded(p + i, l->folded, l->n))
					continue;
				found |= 1u << l->cls;
				if (got < max)
					out[got++] = (struct lit_hit){l->cls, l->id, i};
			}
		}
	}
	if (nout)
		*nout = got;
	return found;
}

int litscan_contains(const char *s, size_t n, const char *lit, size_t k)
{
	const unsigned char *p = (const unsigned char *)s;
	unsigned char f[256];
	if (k == 0 || k > sizeof f || k > n)
		return 0;
	for (size_t i = 0; i < k; i++)
		f[i] = (unsigned char)(lit[i] | 0x20);
	for (size_t i = 0; i + k <= n; i++)
		if (same_folded(p + i, f, k))
			return 1;
	return 0;
}
