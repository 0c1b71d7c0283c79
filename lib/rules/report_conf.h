/*
 * report_conf.h - the compiled form of rules/report.conf (docs/rules.md,
 * "report.conf"): how a report presents what the engine found.
 *
 * Two kinds of knowledge live there rather than in C:
 *   - the evidence rows of a finding: which fields, in what order, under
 *     which label, and how a page lays each one out;
 *   - the fixed sentences that speak about Salesforce: where in Setup Login
 *     History is exported, where an unknown status is looked up, the rule
 *     stanza offered for failures no rule explains, the page's heading, and
 *     what to ask the customer for instead of a file sfdiag cannot read.
 *
 * The loader checks everything when the rules load: an evidence row
 * names a declared field (or `said`), a message is one the code asks for
 * (report_msg_table) and uses only the placeholders the code fills for it,
 * and every message the code needs is there, so a typo or a missing line is
 * a load error naming the file and line, never a blank in a report.
 *
 * Ownership: the ruleset owns its report_conf and frees it with itself
 * (rules_free); it is immutable once loaded and shared by every thread.
 */
#ifndef SFDIAG_RULES_REPORT_CONF_H
#define SFDIAG_RULES_REPORT_CONF_H

#include <stddef.h>

#include "rules/ruleset.h"

/* How a page lays an evidence row out (rules/report.conf, third word). */
enum report_layout {
	REPORT_LAYOUT_LIST,  /* "list": one line of values, "a (3), b (1), +2 more" */
	REPORT_LAYOUT_TABLE, /* "table": a table of the top values where a page has
				room (HTML); a list elsewhere */
	REPORT_LAYOUT_DATA,  /* "data": no label; only in the JSON report */
};

/* The widest label the terminal report's label column holds ("From IPs:"
 * and a blank fill ten columns). */
#define REPORT_SHORT_LABEL_MAX 8

/* `said` instead of a field: what responses and errors said (findings.h). */
#define REPORT_FIELD_SAID (-1)

/* One `evidence` line. */
struct report_evidence {
	char *name;	   /* the field's name, or "said" */
	int field;	   /* field number, or REPORT_FIELD_SAID */
	char *key;	   /* its member of "evidence" in the JSON report */
	char *label;	   /* NULL for REPORT_LAYOUT_DATA */
	char *short_label; /* the terminal report's label (the label when none given) */
	enum report_layout layout;
};

/* The sentences the code asks report.conf for. */
enum report_msg {
	REPORT_MSG_COVERAGE_GAP,   /* Login History does not reach a finding's time */
	REPORT_MSG_UNKNOWN_FIX,	   /* the fix of failures no rule explains */
	REPORT_MSG_UNKNOWN_DRAFT,  /* the same, in the text report, before the draft */
	REPORT_MSG_PAGE_TITLE,	   /* the heading of the HTML page */
	REPORT_MSG_CHANGE_TRIGGER, /* the Setup change that likely began a finding */
	REPORT_MSG_CHANGE_FIXED,   /* the later change that reversed it */
	REPORT_MSG_NO_AUDIT_TRAIL, /* a change could explain it, but no audit trail was given */
	/* What to do with a file refused by its first bytes (input/magic.h)
	 * or by what a zip holds: the note says "WHAT IT IS: ADVICE". */
	REPORT_MSG_ADVICE_OLD_WORKBOOK, /* an Excel 97-2003 (or other Office 97) file */
	REPORT_MSG_ADVICE_DOWNLOAD,	/* a PDF print or a screenshot of the page */
	REPORT_MSG_ADVICE_RTF,		/* an RTF document */
	REPORT_MSG_ADVICE_ODS,		/* an OpenDocument spreadsheet */
	REPORT_MSG_INCIDENT_NEW, /* an incident's shared source IP is not its last good one */
	REPORT_MSG_ADVICE_EMAIL, /* an email with nothing sfdiag can diagnose */
	REPORT_MSG_COUNT
};

#define REPORT_MSG_MAX_PLACEHOLDERS 8

/* What the code fills in a message, and what needs it. */
struct report_msg_def {
	const char *name;      /* after `message` in report.conf */
	const char *needed_by; /* for the error when it is missing */
	const char *placeholders[REPORT_MSG_MAX_PLACEHOLDERS]; /* NULL-terminated */
};

extern const struct report_msg_def report_msg_table[REPORT_MSG_COUNT];
/* The placeholders a `draft` line may use: {field}, {pattern}, {value},
 * {kind}, {counter}. */
extern const struct report_msg_def report_draft_def;
/* Those of a `test-line` ({host}, {username}) and a `test-intro` ({file}). */
extern const struct report_msg_def report_test_line_def, report_test_intro_def;

/* The request that tests connection settings of one grant type
 * (`test-intro GRANT TEXT` and its `test-line GRANT LINE`s). */
struct report_test {
	char *grant; /* as the settings name it, lower-cased */
	char *intro; /* the sentence before the request */
	char **line; /* the command, one shell line each, in order; the
			report joins them with " \\" continuations */
	size_t nline;
};

/* `draft-field KIND FIELD [contains] [optional "X"] COUNTER`: the draft for
 * failures of KIND tests FIELD and offers COUNTER ("field=value; ...") as
 * its counter-example.  {pattern} is the value, anchored at both ends unless
 * `contains` is given.  X, when given, is a prefix some values are written
 * with: {pattern} leaves it out and makes it optional ("^(X)?VALUE$"). */
struct report_draft_field {
	unsigned kind; /* one kind bit */
	int field;
	char *counter;
	char *optional; /* or NULL */
	int contains;	/* the pattern is not anchored */
};

/* Incidents across tickets (sfdiag triage): one `incident-key` with its
 * `incident-headline` and `incident-advice`.  Tickets whose findings of one
 * rule begin within the incident window of each other and share the most
 * frequent value of field (or its IPv4 /prefix) form an incident. */
#define REPORT_MAX_INCIDENT_KEYS 8
struct report_incident_key {
	char *name;	/* as report.conf names it ("ip") */
	int field;	/* the field whose most frequent value the tickets share */
	int prefix;	/* 0: the value itself; 8..32: its IPv4 network of that length */
	char *headline; /* placeholders: report_incident_headline_def */
	char *advice;	/* what the pattern usually means and what to do */
	int line;	/* where incident-key was given */
};

/* The placeholders of an incident headline: {tickets} {since} {what}
 * {value} {new} {cause}. */
extern const struct report_msg_def report_incident_headline_def;

struct report_conf {
	char *file; /* the path it was read from */
	/* `interactive-login-type`: Login Type values of a person at a browser,
	 * lower-cased; a login of any other type is an integration's. */
	char **interactive;
	size_t ninteractive;
	struct report_evidence *evidence;
	size_t nevidence;
	char *msg[REPORT_MSG_COUNT]; /* every one set once loaded */
	char **draft;		     /* the draft rule's lines, in order */
	size_t ndraft;
	struct report_draft_field *draft_fields; /* in the file's order */
	size_t ndraft_fields;
	/* The settings test requests, and the grant type assumed when the
	 * settings name none (`test-default-grant`, NULL: none assumed). */
	struct report_test *tests;
	size_t ntests;
	char *test_default;
	/* Incidents: the onsets' window, the fewest tickets that make one, and
	 * the keys in the order they are tried (the first that groups wins). */
	int64_t incident_window_ms;
	size_t incident_min_tickets;
	struct report_incident_key ikeys[REPORT_MAX_INCIDENT_KEYS];
	size_t nikeys;
	struct rcloader *loading; /* between report_conf_begin and _end only */
};

/*
 * Loading, by rules_load(): report_conf_begin() for path, against the fields
 * of rs; then each logical line of the file through report_conf_line() (a
 * rules_line_fn whose ctx is the report_conf); then report_conf_end(), told
 * whether the file was missing and how many errors the line reader gave.
 * Errors go through err as "FILE:LINE: message".  report_conf_end() returns
 * the number of errors and, when there were any, frees *rcp and sets it to
 * NULL.
 */
struct report_conf *report_conf_begin(const struct ruleset *rs, const char *path,
				      rules_error_fn err, void *ctx);
void report_conf_line(void *ctx, const char *file, int line, char *text);
int report_conf_end(struct report_conf **rcp, int missing, int read_errors);
void report_conf_free(struct report_conf *rc);

/* Whether login type s[0..n) is a person's at a browser (case-insensitive). */
int report_conf_interactive(const struct report_conf *rc, const char *s, size_t n);

/* The test request for grant type s[0..n) (case-insensitive), or NULL. */
const struct report_test *report_conf_test(const struct report_conf *rc, const char *s, size_t n);

/* Index of msg's placeholder name[0..n) in def, or -1. */
int report_placeholder(const struct report_msg_def *def, const char *name, size_t n);

#endif
