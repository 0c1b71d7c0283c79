/*
 * timeparse.h - turn the time stamps found in Salesforce exports into UTC.
 *
 * Accepted forms (all with optional surrounding white space):
 *   ISO 8601      2026-11-28T13:57:01Z, ...01.123Z, ...01.000+0000,
 *                 ...01+00:00, ...01-0800, "2026-11-28 13:57:01" (space),
 *                 with or without seconds and fractions (1-9 digits);
 *   ELF           20261128135701.123 (yyyyMMddHHmmss[.SSS], always UTC);
 *   locale        11/28/2026 1:57 PM, 11/28/2026 13:57, 28/11/2026 13:57:01,
 *                 28.11.2026 13:57, optional seconds, optional AM/PM;
 * each optionally followed by a zone: Z, UTC, GMT, +hh:mm, +hhmm, +hh,
 * GMT+hh:mm / UTC-hh, or one of the abbreviations in timeparse.c's table
 * (PST, EDT, CET, ...).
 *
 * Slash dates are read month first (the en_US form Salesforce defaults to)
 * unless the first number is over 12; a date where both readings are possible
 * and they differ sets TIME_AMBIGUOUS_DMY.  A slash date whose first number
 * is over 12 sets TIME_DAY_FIRST (it can only be day first), one whose
 * second is over 12 TIME_MONTH_FIRST, so that a caller can settle the order
 * of a whole file from its rows (time_parse_day_first).
 */
#ifndef SFDIAG_TIMEPARSE_H
#define SFDIAG_TIMEPARSE_H

#include <stddef.h>
#include <stdint.h>

enum time_zone {
	TIME_ZONE_EXPLICIT, /* Z, an offset, or a known zone word */
	TIME_ZONE_NONE,	    /* no zone given: taken as UTC, callers must say so */
	TIME_ZONE_UNKNOWN,  /* a zone word we do not know: taken as UTC */
};

enum { TIME_AMBIGUOUS_DMY = 1, TIME_DAY_FIRST = 2, TIME_MONTH_FIRST = 4 };

struct parsed_time {
	int64_t ms; /* milliseconds since 1970-01-01T00:00:00Z */
	enum time_zone zone;
	int flags; /* TIME_AMBIGUOUS_DMY */
};

/* Returns 0 and fills *out, or -1 when s[0..n) is not a time we know. */
int time_parse(const char *s, size_t n, struct parsed_time *out);
/* The same, reading a slash date that could be either day first (the
 * flags are those time_parse gives). */
int time_parse_day_first(const char *s, size_t n, struct parsed_time *out);

/* "2026-11-03T14:02:05Z" (seconds precision); buf must hold 32 bytes. */
void time_format_iso(int64_t ms, char *buf);
/* "2026-11-03 14:02 UTC"; buf must hold 32 bytes. */
void time_format_short(int64_t ms, char *buf);

#endif
