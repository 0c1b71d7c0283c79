/*
 * csvline.h - a fast path in front of libcsv for simple CSV lines.
 *
 * libcsv reads a byte at a time through a state machine and a callback per
 * byte class; on a Login History export that costs more than everything else
 * sfdiag does.  Most export lines are simple: fields that are either bare,
 * with no quote and no blank at either end, or wholly quoted with no quote
 * inside.  csvline_split cuts such a line with memchr and gives exactly the
 * fields libcsv would give (CSV_STRICT, default space and terminator
 * handling), and refuses every other line, which then goes to libcsv.  The
 * unit test and the fuzz_csvline harness check the "exactly" against libcsv
 * itself.
 */
#ifndef SFDIAG_CSVLINE_H
#define SFDIAG_CSVLINE_H

#include <stddef.h>

/* One field: its bytes are line[off .. off + len). */
struct csvline_field {
	size_t off;
	size_t len;
};

/*
 * Split line[0..n), one physical line without its '\n' (a final '\r' is
 * allowed and dropped), at delim.  Returns the number of fields, at most
 * max, stored in out; or -1 when the line is not simple, holds more than
 * max fields, or would give libcsv no record at all (a blank line).  The
 * caller then parses the line with libcsv.  Nothing is allocated.
 */
long csvline_split(const char *line, size_t n, char delim, struct csvline_field *out, size_t max);

#endif
