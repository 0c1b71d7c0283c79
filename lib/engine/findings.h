/*
 * findings.h - aggregate classified events into findings with evidence.
 *
 * One finding per rule that explained at least one event (plus the built-in
 * "unrecognized-failure"), and inside it one group per (user, application).
 * Everything is bounded: distinct values are counted exactly up to
 * SFDIAG_MAX_DISTINCT per field, groups up to SFDIAG_MAX_GROUPS per finding,
 * and what does not fit is counted as "other" and said so in the report.
 * Memory therefore grows with the variety of the input, never with its rows.
 *
 * Ownership: a findings object copies every string it keeps; events are
 * borrowed only during findings_add().
 */
#ifndef SFDIAG_FINDINGS_H
#define SFDIAG_FINDINGS_H

#include <stddef.h>
#include <stdint.h>

#include "adapt/event.h"
#include "base/util.h"
#include "rules/ruleset.h"

struct tally_entry {
	char *s;
	size_t n;
	uint64_t hash;
	uint64_t count;
};

/* Exact counts of distinct strings, up to SFDIAG_MAX_DISTINCT of them. */
struct tally {
	struct tally_entry *slot;
	size_t cap, count;
	size_t limit; /* most distinct values; 0 means SFDIAG_MAX_DISTINCT */
	uint64_t total;
	uint64_t untracked; /* occurrences of values that did not fit */
};

void tally_add(struct tally *t, const char *s, size_t n, uint64_t k);
/* Pointers to up to max entries, most frequent first (ties: byte order).
 * Returns how many; out must hold max pointers. */
size_t tally_top(const struct tally *t, const struct tally_entry **out, size_t max);
void tally_free(struct tally *t);

struct example {
	const char *file; /* owned by struct findings */
	unsigned file_seq;
	long line;
	int64_t time_ms;
	char *status;
	char *user;
	char *application;
	char *source_ip;
	char *detail; /* responses and errors: what they said (findings_signature) */
};

struct group {
	char *user; /* "" when the export has no user column */
	char *application;
	size_t ulen, alen;
	uint64_t hash; /* of (user, application) */
	uint64_t count;
	int64_t first, last;
	struct tally ips;
};

struct finding {
	int rule;	  /* index into the ruleset, or -1: unrecognized failure */
	int explained_by; /* correlate.c: rule index of the finding that explains
			     this one (it is then reported inside that one), or -1 */
	uint64_t count;
	int64_t first, last; /* EVENT_NO_TIME when no event had a time */
	uint64_t untimed;
	uint64_t user_fell_back;	 /* events whose user is really a user id (fallback) */
	uint64_t kind_count[KIND_COUNT]; /* events per kind bit 0.. */
	struct tally *tally[SFDIAG_MAX_FIELDS]; /* fields kept as evidence */
	struct tally said;			/* responses and errors: what they said */
	struct group *groups;
	size_t ngroups, gcap;
	uint64_t ungrouped; /* events beyond SFDIAG_MAX_GROUPS groups */
	struct example ex[SFDIAG_MAX_EXAMPLES];
	size_t nex;
	uint64_t timeline[SFDIAG_TIMELINE_BUCKETS]; /* timed events per bucket (axis) */
};

/* The successes of one (user, application), for "last succeeded" evidence.
 * Only the pair's 64-bit hash is kept (never 0), to keep this table small. */
struct success {
	uint64_t hash;
	uint64_t count;
	int64_t first, last;
	/* The source IP of the latest success ("" when none was read): the
	 * last good address a report compares a failing one with. */
	char last_ip[SFDIAG_IP_TEXT_MAX];
};

/*
 * The time axis shared by every timeline series of a findings object.  A
 * bucket is width_ms long and starts at a multiple of width_ms since the
 * epoch, so its index is floor(time / width_ms); slot i of a series holds
 * bucket origin + i.  The width is the smallest of one hour, one day, then
 * 2, 4, 8... days that fits every timed event into SFDIAG_TIMELINE_BUCKETS
 * slots: it depends only on the times seen, never on their order, so a
 * split and merged run counts exactly what a single pass does.
 */
struct timeline_axis {
	int64_t width_ms; /* 0 until the first timed event */
	int64_t origin;	  /* bucket index held in slot 0 */
	int64_t lo, hi;	  /* bucket indexes of the earliest and latest counted event */
};

struct findings {
	const struct ruleset *rs;
	struct finding **by_rule; /* nrules + 1 slots; the last is unrecognized */
	struct success *succ;	  /* open-addressed on (user, application) */
	size_t scap, scount;
	uint64_t succ_untracked;
	uint64_t events, successes, failures; /* failures: explained or not, not settings */
	uint64_t kind_events[KIND_COUNT];     /* events per kind bit 0.. */
	uint64_t zone_none, zone_unknown, ambiguous_dmy, untimed;
	int64_t first, last;		 /* over all events */
	int64_t login_first, login_last; /* over Login History events */
	char **files;
	size_t nfiles;
	/* Who the integration is: the users and applications named by the
	 * inputs that come from the connector itself (settings, token
	 * responses, API errors, logs), not by Login History. */
	struct tally integ_users, integ_apps;
	int login_type;		   /* the login_type field, or -1 when fields.conf has none */
	struct timeline_axis axis; /* of succ_timeline and every finding's timeline */
	uint64_t succ_timeline[SFDIAG_TIMELINE_BUCKETS]; /* timed successes per bucket */
};

void findings_init(struct findings *f, const struct ruleset *rs);
void findings_free(struct findings *f);

/* Count one event (once, whatever it matches): totals, kinds, time range. */
void findings_count(struct findings *f, const struct event *ev);
/* Count ev under verdict (a rule index, MATCH_SUCCESS or MATCH_NONE); a
 * checklist event may be added under several rules. */
void findings_add(struct findings *f, const struct event *ev, int verdict);

/*
 * Add everything src counted to dst (both over the same ruleset), as if dst
 * had seen src's events after its own.  Examples stay the earliest by (file,
 * line); counts, tallies and groups add up.  src is left unchanged.
 */
void findings_merge(struct findings *dst, const struct findings *src);

/* Add delta to the line of every example (a second half read with lines
 * numbered from its own start). */
void findings_shift_lines(struct findings *f, long delta);

/* The success record of (user, application), or NULL. */
const struct success *findings_success(const struct findings *f, const char *user,
				       const char *application);

/* Findings in report order: severity, then count (both descending), then id;
 * findings explained by another (correlate.c) are left out: they are shown
 * inside the finding that explains them.  Returns how many; *out is malloc'd
 * and points into f. */
size_t findings_sorted(const struct findings *f, const struct finding ***out);

/*
 * What a response or error said, as one line: "error: error_description"
 * (OAuth), "error_code: message" (REST, SOAP, admin messages), or the HTTP
 * status and body kind.  Empty for login rows.  Written into out.
 */
void findings_signature(const struct ruleset *rs, const struct event *ev, struct strbuf *out);

/* Severity of a finding (unrecognized failures are warnings). */
enum severity finding_severity(const struct findings *f, const struct finding *fi);
/* Its id and title. */
const char *finding_id(const struct findings *f, const struct finding *fi);
const char *finding_title(const struct findings *f, const struct finding *fi);

#endif
