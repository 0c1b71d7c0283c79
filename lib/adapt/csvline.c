/*
 * csvline.c - cut simple CSV lines with memchr; see csvline.h.
 *
 * What libcsv does that the refusals below stand for (CSV_STRICT, default
 * is_space and is_term; csv(3) of libcsv 3.0.3, and measured against it by
 * tests/unit/test_csvline.c):
 *   - it trims spaces and tabs at both ends of a bare field: refuse a bare
 *     field that starts or ends with one, rather than trim it here;
 *   - any CR ends a record: refuse a CR anywhere but at the very end;
 *   - a quote in a bare field, or anything but the delimiter or the end of
 *     the line after a closing quote, is an error, and "" inside quotes is
 *     an escaped quote: refuse any quote that is not a field's first byte or
 *     its closing quote;
 *   - a blank line gives no record: refuse the empty line.
 * A quoted field that does not close on this line holds a line break, so it
 * is refused too.
 */
#include "adapt/csvline.h"

#include <string.h>

static int is_blank(char c)
{
	return c == ' ' || c == '\t';
}

long csvline_split(const char *line, size_t n, char delim, struct csvline_field *out, size_t max)
{
	if (n && line[n - 1] == '\r')
		n--;
	if (n == 0 || memchr(line, '\r', n))
		return -1;

	int quotes = memchr(line, '"', n) != NULL;
	size_t nf = 0, p = 0;
	for (;;) {
		size_t start, len, next;
		if (quotes && line[p] == '"') {
			const char *close = memchr(line + p + 1, '"', n - p - 1);
			if (!close)
				return -1;
			start = p + 1;
			len = (size_t)(close - line) - start;
			next = start + len + 1;
			if (next < n && line[next] != delim)
				return -1;
		} else {
			const char *d = memchr(line + p, delim, n - p);
			next = d ? (size_t)(d - line) : n;
			start = p;
			len = next - p;
			if (len && (is_blank(line[start]) || is_blank(line[next - 1])))
				return -1;
			if (quotes && len && memchr(line + start, '"', len))
				return -1;
		}
		if (nf == max)
			return -1;
		out[nf].off = start;
		out[nf].len = len;
		nf++;
		if (next >= n)
			return (long)nf;
		p = next + 1; /* past the delimiter; a final one gives an empty field */
		if (p == n) {
			if (nf == max)
				return -1;
			out[nf].off = n;
			out[nf].len = 0;
			return (long)++nf;
		}
	}
}
