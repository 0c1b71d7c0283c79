/*
 * matcher.h - decide which rule explains an event.
 *
 * A matcher is the per-thread half of the rule engine: it owns PCRE2 match
 * data and two bounded caches, and reads a shared, immutable ruleset.
 *   - Per field, the result of each condition on each distinct value, so each
 *     pattern runs once per distinct value (Login History fields have a few
 *     dozen distinct statuses and login types in millions of rows).
 *   - Per distinct tuple of the fields rules test, the final verdict, so most
 *     rows cost one hash lookup.
 * Both caches are emptied when they reach SFDIAG_MAX_CACHE entries, which
 * keeps memory flat whatever the input.
 *
 * Ownership: the caller owns the matcher; it must not outlive its ruleset.
 */
#ifndef SFDIAG_MATCHER_H
#define SFDIAG_MATCHER_H

#include "adapt/event.h"
#include "rules/ruleset.h"

enum {
	MATCH_NONE = -1,    /* no rule explains the event */
	MATCH_SUCCESS = -2, /* a successful login (fields.conf "success") */
};

struct matcher;

struct matcher *matcher_new(const struct ruleset *rs);
void matcher_free(struct matcher *m);

/* The index of the first rule that explains ev, MATCH_SUCCESS or MATCH_NONE.
 * Success (the fields.conf "success" conditions of ev's kind, if it has any)
 * is tested first. */
int matcher_classify(struct matcher *m, const struct event *ev);

/* 1 if every condition of rules[idx] holds for ev (ignores rule order). */
int matcher_rule_holds(struct matcher *m, size_t idx, const struct event *ev);

/* 1 if node `node` of rules[idx].conds (a condition or a whole block) holds
 * for ev on its own, whatever the rest of the rule says: `rules test` uses
 * it to check that every alternative of an `any` has an example. */
int matcher_cond_holds(struct matcher *m, size_t idx, size_t node, const struct event *ev);

/* How often rules[idx] was skipped because a pattern hit a PCRE2 limit
 * (idx == nrules counts the success conditions). */
unsigned long matcher_limit_hits(const struct matcher *m, size_t idx);

/* Add src's limit-hit counts to dst's (a worker's, merged into its run),
 * and the rules it gave up. */
void matcher_add_hits(struct matcher *dst, const struct matcher *src);

/* 1 if rules[idx] was given up: a pattern of it ran into a PCRE2 limit on
 * SFDIAG_MAX_RULE_LIMIT_HITS distinct values, and from then on it is not
 * tested (it holds for nothing) for the rest of the run.  Each reader of a
 * big CSV read in two halves counts its own. */
int matcher_given_up(const struct matcher *m, size_t idx);

#endif
