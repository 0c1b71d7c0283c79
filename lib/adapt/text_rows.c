/*
 * text_rows.c - a pasted Login History row; see text_rows.h.
 */
#include "adapt/text_rows.h"

#include <string.h>

#include "rules/kinds.h"

#define ROW_MAX_CELLS 64

struct cell {
	const char *p;
	size_t n;
};

/* Cut the line at TABs (every TAB, so empty cells stay), or, with no TAB,
 * at runs of two or more blanks.  Returns the number of cells, 0 when the
 * line has no separator at all or too many cells. */
static size_t cut(const char *s, size_t n, struct cell *c)
{
	size_t k = 0, start = 0;
	int tabs = memchr(s, '\t', n) != NULL;
	for (size_t i = 0; i <= n; i++) {
		size_t sep = 0;
		if (i == n || (tabs && s[i] == '\t'))
			sep = 1;
		else if (!tabs && s[i] == ' ' && i + 1 < n && s[i + 1] == ' ')
			for (sep = 0; i + sep < n && s[i + sep] == ' '; sep++)
				;
		if (!sep)
			continue;
		if (k == ROW_MAX_CELLS)
			return 0;
		const char *p = s + start;
		size_t len = i - start;
		while (len && (p[0] == ' ' || p[0] == '\r')) {
			p++;
			len--;
		}
		while (len && (p[len - 1] == ' ' || p[len - 1] == '\r'))
			len--;
		c[k].p = p;
		c[k++].n = len;
		i += sep ? sep - 1 : 0;
		start = i + 1;
	}
	return k >= 2 ? k : 0;
}

static int two_blanks(const char *s, size_t n)
{
	for (const char *p = s; (p = memchr(p, ' ', n - (size_t)(p - s))) && p + 1 < s + n; p++)
		if (p[1] == ' ')
			return 1;
	return 0;
}

static int cell_is(const struct extract_set *x, int f, const struct cell *c, pcre2_match_data *md,
		   pcre2_match_context *mctx)
{
	const pcre2_code *re = f >= 0 ? x->row_cell[f] : NULL;
	return re && c->n && pcre2_match(re, (PCRE2_SPTR)c->p, c->n, 0, 0, md, mctx) >= 0;
}

/* The first column from col on whose pattern cell c matches, with only
 * pattern-less columns (left empty) before it; or -1. */
static long next_anchor(const struct extract_set *x, size_t col, const struct cell *c,
			pcre2_match_data *md, pcre2_match_context *mctx)
{
	for (size_t j = col; j < x->nrow_cols; j++) {
		int f = x->row_cols[j];
		if (cell_is(x, f, c, md, mctx))
			return (long)j;
		if (f >= 0 && x->row_cell[f])
			return -1; /* an anchor column this cell is not */
	}
	return -1;
}

int text_row_event(const struct ruleset *rs, const struct extract_set *x, pcre2_match_data *md,
		   pcre2_match_context *mctx, const char *s, size_t n, struct event *ev)
{
	struct cell c[ROW_MAX_CELLS];
	if (!x || !x->nrow_cols || !x->row_require || n < 16)
		return 0;
	/* Cheap first: a separator and a username's '@'. */
	if (!memchr(s, '@', n) || (!memchr(s, '\t', n) && !two_blanks(s, n)))
		return 0;
	size_t k = cut(s, n, c);
	if (k < 3)
		return 0;
	/* The selection starts at the first column the first cell can be. */
	long start = -1;
	for (size_t j = 0; j < x->nrow_cols && start < 0; j++)
		if (cell_is(x, x->row_cols[j], &c[0], md, mctx))
			start = (long)j;
	if (start < 0)
		return 0;
	event_clear(ev);
	uint64_t seen = 0;
	size_t col = (size_t)start;
	for (size_t i = 0; i < k; i++, col++) {
		if (col >= x->nrow_cols)
			return 0; /* more cells than the page has columns */
		int f = x->row_cols[col];
		if (f >= 0 && x->row_cell[f] && !cell_is(x, f, &c[i], md, mctx)) {
			if (c[i].n == 0)
				continue; /* an empty cell of an anchor column */
			return 0;
		}
		if ((f < 0 || !x->row_cell[f]) && c[i].n) {
			/* A pattern-less column: unless the cell is the next anchor's
			 * value and this column was left out (spaces drop empty cells). */
			long a = next_anchor(x, col + 1, &c[i], md, mctx);
			if (a >= 0 && !memchr(s, '\t', n)) {
				col = (size_t)a;
				f = x->row_cols[col];
			}
		}
		if (f >= 0 && c[i].n) {
			event_set(ev, rs, f, c[i].p, c[i].n);
			seen |= (uint64_t)1 << f;
		}
	}
	if ((seen & x->row_require) != x->row_require)
		return 0;
	ev->kind = KIND_LOGIN_HISTORY;
	return 1;
}
