/*
 * event.h - the normalized event every adapter produces and every rule reads.
 *
 * An event is a flat array of field values indexed by the field numbers of the
 * loaded ruleset (fields.conf), plus the parsed time and where it came from.
 * Values are borrowed: they point into the adapter's row buffer and are valid
 * only during the sink callback.  A NULL value means the field is absent;
 * rules see an absent field as the empty string.
 */
#ifndef SFDIAG_EVENT_H
#define SFDIAG_EVENT_H

#include <stddef.h>
#include <stdint.h>

#include "base/limits.h"
#include "base/timeparse.h"
#include "rules/kinds.h"

#define EVENT_NO_TIME INT64_MIN

struct event {
	unsigned kind;
	const char *val[SFDIAG_MAX_FIELDS];
	size_t len[SFDIAG_MAX_FIELDS];
	int64_t time_ms;     /* EVENT_NO_TIME when absent or unparsable */
	enum time_zone zone; /* how time_ms was obtained */
	int time_flags;	     /* TIME_AMBIGUOUS_DMY */
	uint64_t fell_back;  /* bit f: field f was filled by its fallback */
	char scratch[512];   /* event_keep() copies here */
	size_t scratch_len;
	const char *file;  /* input name as given on the command line */
	unsigned file_seq; /* order of the file in the run, from 0 */
	long line;	   /* first physical line of the record, from 1 */
};

/* Reset every field to absent and empty the scratch area; keeps file. */
void event_clear(struct event *ev);

/* Copy s[0..n) into the event's scratch area (for values with no other home,
 * such as a number printed as text); returns the copy, cut to what fits. */
const char *event_keep(struct event *ev, const char *s, size_t *n);

#endif

struct ruleset;

/*
 * Set field f of ev from raw bytes v[0..n) the way every adapter must: trim
 * white space, drop a Data Loader formula guard (a ' before = + - @), replace
 * a coded value by its text (codes.conf) and keep the raw code in FIELD_code,
 * and for the time field parse the time stamp.  v must stay valid while ev is
 * used.
 */
void event_set(struct event *ev, const struct ruleset *rs, int f, const char *v, size_t n);

/* Complete an event once all its fields are set: fill absent fields from
 * their fallback (fields.conf "fallback user user_id"). */
void event_finish(struct event *ev, const struct ruleset *rs);
