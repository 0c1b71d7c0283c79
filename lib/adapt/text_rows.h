/*
 * text_rows.h - rows copied from the Login History page of Setup and pasted
 * into a ticket: no header, cells separated by TABs (as a browser copies a
 * table) or aligned with runs of spaces, in the page's column order.
 *
 * What the page shows is data (extract.conf): `row-columns` lists its
 * columns in order, `row-cell` what a column's value looks like (a time
 * stamp, a username, an IP address, a known login type or status), and
 * `row-require` which of them a line must show to be taken for a row.  A
 * selection may start at any column and, when aligned with spaces, leave
 * out empty cells of columns whose values have no pattern.
 *
 * Ownership: the caller keeps the match data; ev's values point into s.
 */
#ifndef SFDIAG_ADAPT_TEXT_ROWS_H
#define SFDIAG_ADAPT_TEXT_ROWS_H

#include <stddef.h>

#include "adapt/event.h"
#include "rules/extract.h"
#include "rules/ruleset.h"

/* 1 when the line s[0..n) is a pasted row: ev (cleared first) holds its
 * cells as a login-history event; else 0.  md needs one pair. */
int text_row_event(const struct ruleset *rs, const struct extract_set *x, pcre2_match_data *md,
		   pcre2_match_context *mctx, const char *s, size_t n, struct event *ev);

#endif
