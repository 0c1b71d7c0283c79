/*
 * summary.h - the summary of many tickets (sfdiag triage), and its writers.
 *
 * The batch stage (batch/triage.c) diagnoses each ticket, keeps a small
 * struct summary_ticket from the ticket's report model once the run is done,
 * rolls the findings up by cause across tickets, and hands the whole to one
 * of the writers below (render_triage.c), which only format it.  Titles and
 * note messages are kept as model sentences (struct report_text), so the
 * writers mask and escape what came from input in one place, as the report
 * writers do.
 *
 * Ownership: the batch stage owns every summary_ticket and summary_cause
 * and frees them; a struct summary only points at them.
 * The writers borrow it for the call.
 */
#ifndef SFDIAG_REPORT_SUMMARY_H
#define SFDIAG_REPORT_SUMMARY_H

#include <stddef.h>
#include <stdint.h>

#include "base/util.h"
#include "report/model.h"
#include "rules/report_conf.h"

/* What is kept of one finding once its run is freed. */
struct summary_finding {
	int rule;	/* index into the ruleset, -1: failures no rule explains */
	const char *id; /* owned by the ruleset, or static */
	enum severity sev;
	uint64_t count;
	int64_t first, last;
	struct report_text title; /* placeholders filled */
	/* For incidents across tickets (batch/incident.c): the most frequent
	 * status (else what was said), the source IP the integration last logged
	 * in fine from, and the value each report.conf incident-key compares
	 * (its field's most frequent value, or its IPv4 network); NULL: none. */
	char *what;
	int what_field;
	char *last_good_ip;
	char *key[REPORT_MAX_INCIDENT_KEYS];
};

/* An input error or warning of a ticket (info notes are not kept). */
struct summary_note {
	enum note_level level;
	char *file; /* NULL: about the whole ticket */
	long line;
	struct report_text msg;
};

struct summary_ticket {
	char *name; /* as found on disk (escaped when written) */
	size_t files;
	uint64_t records;
	struct summary_finding *f; /* in report order: f[0] is the top cause */
	size_t nf;
	struct summary_note *notes;
	size_t nnotes, notes_cap;
	uint64_t notes_dropped;
	int trouble; /* an input error or warning, or a --out write error */
};

/* One cause across tickets: the findings of one rule. */
struct summary_cause {
	int rule;
	const char *id;
	enum severity sev;
	size_t tickets; /* how many tickets have it */
	uint64_t count; /* its events over those tickets */
	int64_t first;
	const struct report_text *title; /* the tickets' own title when they all
					    agree, else the rule's told without
					    evidence (generic) */
	struct report_text generic;
	size_t *which; /* ticket indexes, in ticket order */
};

/* Tickets whose findings of one rule began within the incident window of
 * each other and share a key's value (report.conf incident-key). */
struct summary_member {
	size_t ticket;	/* index in struct summary t */
	size_t finding; /* index in that ticket's f */
};

struct summary_incident {
	size_t key; /* in rs->report->ikeys */
	int rule;
	const char *id;
	enum severity sev;
	struct summary_member *m; /* in ticket order */
	size_t nm;		  /* tickets, >= incident_min_tickets */
	uint64_t count;		  /* their events */
	int64_t first, last;	  /* the earliest and the latest onset */
	const char *value;	  /* the shared value (a member's key) */
	struct report_text headline;
};

struct summary {
	const struct ruleset *rs;
	const char *dir; /* the folder of tickets, as given */
	enum severity fail_on;
	const struct summary_ticket *const *t; /* in ticket-name order */
	size_t n;
	const struct summary_cause *c; /* most tickets first */
	size_t nc;
	const struct summary_incident *inc; /* most tickets first */
	size_t ninc;
	size_t files, trouble; /* totals over the tickets */
	uint64_t records;
};

/* ---- the writers (render_triage.c): each appends to out ---- */

void summary_text(struct strbuf *out, const struct summary *s);
void summary_csv(struct strbuf *out, const struct summary *s);
void summary_md(struct strbuf *out, const struct summary *s);
/* One row per incident (--out DIR/incidents.csv). */
void summary_incidents_csv(struct strbuf *out, const struct summary *s);
/* One self-contained HTML page (render_triage_html.c). */
void summary_html(struct strbuf *out, const struct summary *s);
/* The whole summary as one JSON document; each ticket's part is the text
 * that summary_ticket_json(t, 1) gave, in ticket order (json[k]). */
void summary_json(struct strbuf *out, const struct summary *s, char *const *json);
/* One ticket as JSON: one line (formatted 0, for jsonl) or indented for its
 * place in summary_json.  Returns a malloc'd string. */
char *summary_ticket_json(const struct ruleset *rs, const struct summary_ticket *t, int formatted);
/* "FILE:LINE: msg" of a note, escaped for a terminal and masked. */
void summary_note_text(struct strbuf *out, const struct ruleset *rs, const struct summary_note *n);

#endif
