/*
 * litscan.h - the literal prefilter of the text readers: which of a set of
 * required substrings occur in a line, case-insensitively, in one pass.
 *
 * Every signature the text readers look for (an extract.conf pattern, a
 * description a rule tests, the failure vocabulary) names substrings one of
 * which any line it matches must contain.  A line that contains none of
 * them is skipped without running PCRE2, so the cost of a log is one pass
 * of this filter over its bytes.  The filter hashes every 4-byte window,
 * folded to lower case (byte | 0x20), into a 2^16-bit set: a clear bit rules
 * the window out; a set bit is checked against the literals of that hash
 * chain.  Folding also maps a few non-letters onto each other ('[' and '{',
 * '_' and DEL); those are false candidates, which the patterns then reject,
 * never missed ones.
 *
 * Ownership: the caller owns a litscan (litscan_new / litscan_free); once
 * built it is only read, so threads may share one.
 */
#ifndef SFDIAG_ADAPT_LITSCAN_H
#define SFDIAG_ADAPT_LITSCAN_H

#include <stddef.h>
#include <stdint.h>

/* Shortest literal: the filter hashes 4-byte windows. */
#define LITSCAN_MIN 4

struct litscan;

/* What a literal stands for: a class (the caller's numbering, 0..15) and
 * an id within it. */
struct lit_hit {
	unsigned cls;
	unsigned id;
	size_t pos; /* offset of the match in the scanned text */
};

struct litscan *litscan_new(void);
void litscan_free(struct litscan *ls);

/* Add lit[0..n) (n >= LITSCAN_MIN, else ignored and 0 returned) for
 * (cls, id).  Returns 1 when added.  Call before the first scan. */
int litscan_add(struct litscan *ls, const char *lit, size_t n, unsigned cls, unsigned id);

/*
 * Scan s[0..n).  Returns a bit set of the classes found (bit cls), and puts
 * up to max hits, in text order, into out (*nout gets how many).  A literal
 * that occurs several times is reported at each position.
 */
unsigned litscan_scan(const struct litscan *ls, const char *s, size_t n, struct lit_hit *out,
		      size_t max, size_t *nout);

/* 1 when lit[0..k) occurs in s[0..n), compared like the filter (folded). */
int litscan_contains(const char *s, size_t n, const char *lit, size_t k);

#endif
