/*
 * incident.h - incidents across tickets: tickets that broke at once.
 *
 * incidents_find() groups the findings of many tickets' summaries by the
 * data of rules/report.conf (incident-window, incident-min-tickets,
 * incident-key): findings of one rule whose first failures lie within the
 * window from the earliest of them, and whose most frequent value of a
 * key's field (or its IPv4 network) is the same, in at least the minimum
 * number of tickets.  Keys are tried in report.conf order; a finding joins
 * at most one incident.  The result depends only on the summaries and their
 * order (ticket-name order), never on threads.
 *
 * Ownership: the incidents point into the tickets (value) and the ruleset
 * (id); free them with incidents_free() before those.
 */
#ifndef SFDIAG_BATCH_INCIDENT_H
#define SFDIAG_BATCH_INCIDENT_H

#include <stddef.h>

#include "report/summary.h"

/* What a ticket's summary keeps of finding rf for incidents (sf->what,
 * last_good_ip, key[]), from its report model. */
void incident_keep(struct summary_finding *sf, const struct ruleset *rs,
		   const struct report_finding *rf);
void incident_keep_free(struct summary_finding *sf);

/* The incidents among n tickets, most tickets first, then the most severe,
 * then the most events; *out is malloc'd. */
size_t incidents_find(const struct ruleset *rs, const struct summary_ticket *const *t, size_t n,
		      struct summary_incident **out);
void incidents_free(struct summary_incident *v, size_t n);

#endif
