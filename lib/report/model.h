/*
 * model.h - the report of one finished run: built once, formatted by every
 * writer.
 *
 * report_build() does all the analysis a report needs: the findings in
 * report order and what each explains, each finding's evidence rows (which
 * fields, in what order and under what label is rules/report.conf), the
 * "who is affected" stories and whether they tell anything, the candidate
 * causes, the coverage gap, the timeline, the notes, the inputs read and
 * those not read (the headline every format opens with), the summary
 * counts and the verdict (engine/verdict.h).  The writers
 * (render_text.c, render_json.c, render_md.c, render_html.c) only lay it out.
 *
 * Text is format-neutral.  A sentence is a struct report_text: fixed text
 * and values read from input kept apart as spans, so that a writer turns
 * input into output in one place (its value function: masking, then its own
 * escaping) and nothing from input can reach an output unmasked.  A value is
 * a struct report_value, with the field it came from (a secret field is
 * shown as its shape only).
 *
 * To extend the model (a ranking, an "In short" paragraph), add the field to
 * struct report or struct report_finding and fill it in report_build(); the
 * writers that show it read it, the others are unchanged.
 *
 * Ownership: report_build() returns a report the caller frees with
 * report_free().  It borrows the run and the run's ruleset (values point
 * into the run's findings) and must be freed before the run.  It is read-only
 * once built, so several writers may format it in turn.
 */
#ifndef SFDIAG_REPORT_MODEL_H
#define SFDIAG_REPORT_MODEL_H

#include <stddef.h>
#include <stdint.h>

#include "engine/run.h"
#include "engine/verdict.h"
#include "rules/report_conf.h"

/* Values listed per evidence row: all of them in JSON, the first
 * REPORT_BRIEF_VALUES in a brief listing (text, Markdown, HTML). */
#define REPORT_MAX_VALUES   20
#define REPORT_BRIEF_VALUES 5
/* Stories ("who is affected") told per finding in text, Markdown and HTML. */
#define REPORT_BRIEF_STORIES 5
/* Inputs the headline names; the others are "N more (see Inputs)". */
#define REPORT_HEADLINE_INPUTS 3

/* One piece of a sentence: fixed text, or a value read from input. */
struct report_span {
	size_t off, len; /* in the text's buffer */
	int input;	 /* 1: read from input, to be masked and escaped */
	int field;	 /* input: the field it came from, or -1 (free text) */
};

/* A sentence: its bytes in one buffer, cut into spans. */
struct report_text {
	char *buf;
	size_t len, cap;
	struct report_span *span;
	size_t nspan, spancap;
};

/* A value from input, counted; s points into the run and may be empty. */
struct report_value {
	const char *s;
	size_t n;
	uint64_t count;
};

/* One evidence row: the top values of a tally, and what a listing omits. */
struct report_row {
	const struct report_evidence *def;	  /* NULL for a group's source IPs */
	int field;				  /* of the values, or -1: free text */
	struct report_value v[REPORT_MAX_VALUES]; /* most frequent first */
	size_t nv;
	int other;     /* values beyond v exist (JSON: an "other" item) */
	uint64_t rest; /* their occurrences, with those of the empty value among v */
	/* The brief listing: the non-empty values among the first
	 * REPORT_BRIEF_VALUES of v, and the distinct values it leaves out
	 * (with their occurrences, for a "N more" table row). */
	const struct report_value *brief[REPORT_BRIEF_VALUES];
	size_t nbrief;
	size_t brief_more;
	uint64_t brief_rest;
};

/* One (user, application) of a finding. */
struct report_group {
	const struct group *g; /* user, application, count, first, last */
	struct report_row ips; /* its source IPs */
	uint64_t successes;    /* successful logins of the same pair */
	int64_t last_success;  /* EVENT_NO_TIME when none */
	struct report_text story;
};

struct report_candidate {
	const char *id;
	struct report_text title;
};

/* A finding's events over the run's time axis, summed into at most
 * REPORT_SPARK_CELLS cells (the text report's sparkline). */
#define REPORT_SPARK_CELLS 48
struct report_spark {
	size_t ncells; /* 0: nothing to draw */
	uint64_t cell[REPORT_SPARK_CELLS];
	uint64_t max;
	int64_t from, to; /* the axis' first and last bucket, as times */
	int64_t cell_ms;  /* what one cell spans */
};

/* Where a finding stands for the integration (docs/ranking.md): the report
 * order is this first, severity and count only break ties. */
enum report_standing {
	REPORT_NOW,	 /* the integration's, no later success of its user and app */
	REPORT_RESOLVED, /* the integration's, and successes resumed since */
	REPORT_OTHER,	 /* another user's or app's */
};

struct report_finding {
	const struct finding *fi; /* counts, times, examples (fi->ex) */
	enum report_standing standing;
	int64_t resolved_since; /* REPORT_RESOLVED: when successes resumed */
	int64_t latest;		/* its last event, or that of what it explains */
	/* The integration's group that explains the failure, and the last
	 * successful login of its pair before the failures began: NULL and
	 * EVENT_NO_TIME when the data has none. */
	const struct report_group *integ;
	const char *last_good_ip; /* points into the run; may be "" */
	int64_t last_good;
	const struct rule *rule; /* NULL: failures no rule explains */
	const char *id;
	enum severity severity;
	const char *noun; /* the events, by the rule's kind: "failed login(s)" */
	struct report_text title;
	int has_cause;
	struct report_text cause;
	struct report_text *fix; /* the rule's steps, placeholders filled */
	size_t nfix;
	struct report_row said;	 /* what its responses and errors said */
	struct report_row *rows; /* one per report.conf evidence row, in order */
	size_t nrows;
	struct report_group *groups; /* most failures first, at most
					SFDIAG_MAX_REPORT_GROUPS */
	size_t ngroups;
	size_t groups_total; /* pairs tracked, listed or not */
	int stories;	     /* the groups tell a login story worth telling */
	size_t nstories;     /* the brief number of stories told */
	size_t stories_more; /* pairs not told in brief */
	/* Correlation: findings this one explains, each complete; the id of
	 * the one that explains this one (only inside explains[]). */
	struct report_finding *explains;
	size_t nexplains;
	const char *explained_by;
	/* When nothing narrowed a catch-all: its possible causes and how to
	 * tell them apart (empty for a finding another explains). */
	struct report_candidate *cands;
	size_t ncands;
	struct report_text *tell;
	size_t ntell;
	int has_gap; /* its time lies outside the ticket's Login History */
	struct report_text gap;
	/* Failures no rule explains: the fix, and a rule to start from. */
	struct report_text unknown_fix, unknown_draft;
	struct report_text *draft;
	size_t ndraft;
	/* The Setup change that likely began it (engine/changes.h): the
	 * sentence and the index of the change in report.changes, or -1; the
	 * later change that reversed it, or -1.  When a change could explain
	 * it but the run read no Setup Audit Trail, which export would. */
	int has_trigger;
	struct report_text trigger;
	int trigger_change;
	int has_fixed;
	struct report_text fixed;
	int fixed_change;
	int has_no_trail;
	struct report_text no_trail;
	struct report_spark spark;
	/* Its events per bucket of the run's axis, with those of the findings
	 * it explains (the HTML chart's series): SFDIAG_TIMELINE_BUCKETS
	 * counts, the finding's own when it explains nothing. */
	const uint64_t *series;
	uint64_t *summed; /* owned: the sum, when it explains others */
};

/* A Setup change the audit-trail rules classified: evidence, not a
 * finding.  line: "TIME ACTOR: SENTENCE" for a listing. */
struct report_change {
	const struct change *c;
	const char *id;	   /* the change rule's id */
	const char *title; /* the change rule's title (fixed text) */
	struct report_text line;
	int blamed; /* the likely trigger of at least one finding */
};

/* A note about an input or the run; msg may quote input. */
struct report_note {
	enum note_level level;
	const char *file; /* NULL: about the whole run */
	long line;
	struct report_text msg;
};

/* An input not read, or read only in part (struct report, not_read). */
struct report_unread {
	const char *file; /* as named, borrowed from the run */
	int in_part;	  /* read, but not to the end */
	int has_why;
	struct report_text why; /* its first error note, as input */
};

/* What the run read, in numbers. */
struct report_counts {
	size_t inputs;
	uint64_t records, skipped; /* over the inputs */
	uint64_t events, successes, failures;
	uint64_t by_kind[KIND_COUNT]; /* events per kind, in kind_table order */
	uint64_t untimed, zone_none, zone_unknown, ambiguous_dmy;
	int64_t first, last; /* EVENT_NO_TIME when no event had a time */
	int input_errors;    /* error notes given */
};

struct report {
	const struct ruleset *rs;
	struct verdict verdict;
	enum severity fail_on;
	struct report_counts counts;
	/* Whether every input was read to the end (verdict.trouble unset), and
	 * when not, what every format says first: the headline ("Could not
	 * read 1 of 2 inputs: NAME (why)."), naming up to
	 * REPORT_HEADLINE_INPUTS inputs, and the inputs concerned, in the
	 * order read.  none_found is the findings line when there are none:
	 * "No problems found" only when complete. */
	int complete;
	struct report_text headline; /* empty when complete */
	struct report_unread *not_read;
	size_t nnot_read;
	const char *none_found;
	struct report_text summary; /* "Read 2 inputs: ..." */
	/* "In short": two or three plain sentences on the first finding, what
	 * broke and when, the fact that proves it, the one step to take. */
	struct report_text in_short[3];
	size_t nshort;
	/* The next step when the run read connection settings: the request
	 * that tests them (report.conf test-intro and test-line, for their
	 * grant type), every secret an environment variable.  ntest is 0 when
	 * the run read no settings, no test is given for their grant type, or
	 * the settings lack a value the request names (host, username). */
	struct report_text test_intro;
	struct report_text *test; /* one shell line each, without continuations */
	size_t ntest;
	struct report_text page_title;
	struct report_finding *f; /* in report order (findings_sorted) */
	size_t nf;
	/* The time axis of every series, and the successful logins on it. */
	const struct timeline_axis *axis;
	const uint64_t *successes;
	const struct input_summary *inputs; /* the run's, in the order read */
	size_t ninputs;
	struct report_note *notes;
	size_t nnotes;
	uint64_t notes_dropped;
	/* Setup changes, oldest first (a Setup download lists newest first),
	 * then those with no readable time; and the audit-trail rows read,
	 * those no rule classified, and those beyond SFDIAG_MAX_CHANGES. */
	struct report_change *changes;
	size_t nchanges;
	const struct changes *ch; /* the run's, borrowed */
	uint64_t changes_seen, changes_unrelated, changes_dropped;
};

struct report *report_build(const struct run *r, enum severity fail_on);
void report_free(struct report *m);

/*
 * The title of a rule told without evidence ("... of the user"): what a
 * summary over many runs says when the runs' titles differ.  out is
 * initialised here; free it with report_text_free().
 */
void report_rule_title(struct report_text *out, const struct ruleset *rs, int rule);

/* What the events explained by rule (-1: by none) are called, by the
 * rule's first kind: "failed login(s)", "token response(s)"... */
const char *report_noun(const struct ruleset *rs, int rule, int plural);

/* ---- sentences ---- */

/* Append fixed text, or a value from input (of field, -1 for free text). */
void report_text_lit(struct report_text *t, const char *s, size_t n);
void report_text_lits(struct report_text *t, const char *s);
void report_text_input(struct report_text *t, int field, const char *s, size_t n);
/* A deep copy (dst is overwritten), equality of content, release. */
/*
 * Append the template tmpl to t: its text as fixed spans, "{{" as "{", and
 * each {NAME} through fill(ctx, t, name, n, &after), where after points
 * past the '}' and fill may move it on to consume more.  An unclosed '{'
 * and all that follows is kept as text.  Returns 0, or -1 as soon as fill
 * does (t then holds what was appended so far).
 */
typedef int (*report_fill_fn)(void *ctx, struct report_text *t, const char *name, size_t n,
			      const char **after);
int report_text_template(struct report_text *t, const char *tmpl, report_fill_fn fill, void *ctx);

/* Append src (its text and spans) to t. */
void report_text_append(struct report_text *t, const struct report_text *src);
void report_text_copy(struct report_text *dst, const struct report_text *src);
int report_text_equal(const struct report_text *a, const struct report_text *b);
void report_text_free(struct report_text *t);

/* How a writer turns one value from input into output text. */
typedef void (*report_value_fn)(struct strbuf *out, const struct ruleset *rs, int field,
				const char *s, size_t n);
/* The sentence as one string: fixed text as is, every input span through
 * value.  A writer escapes the result for its format. */
void report_text_flat(struct strbuf *out, const struct ruleset *rs, const struct report_text *t,
		      report_value_fn value);

#endif
