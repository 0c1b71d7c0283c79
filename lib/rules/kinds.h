/*
 * kinds.h - the kinds of input evidence, declared once.
 *
 * Every event has one kind; a rule applies to one or more (`applies NAME`
 * in the rules language).  Everything that depends on the list of kinds
 * (the rule language's names, the words of the report, the description of
 * an input, the per-kind counters of the engine) reads kind_table, so adding
 * a kind is one row here plus the adapter that produces it.
 *
 * Ownership: the table is static and read-only.
 */
#ifndef SFDIAG_RULES_KINDS_H
#define SFDIAG_RULES_KINDS_H

/* Input kinds a rule can apply to (bit set); bit k is kind_table[k]. */
enum event_kind {
	KIND_LOGIN_HISTORY = 1u << 0,  /* a login export row */
	KIND_TOKEN_RESPONSE = 1u << 1, /* an OAuth token/authorize response */
	KIND_API_ERROR = 1u << 2,      /* a REST/SOAP error or admin message */
	KIND_SETTINGS = 1u << 3,       /* a connection settings file */
	KIND_AUDIT_TRAIL = 1u << 4,    /* a Setup Audit Trail row: a change, not a failure */
};

#define KIND_COUNT 5

/* Kinds whose events are changes made in Setup: evidence of why a failure
 * began, never failures themselves (engine/changes.h keeps them). */
#define KIND_CHANGE KIND_AUDIT_TRAIL

/* Kinds whose events are checklists: every rule that holds reports. */
#define KIND_CHECKLIST KIND_SETTINGS

struct kind_def {
	unsigned bit;
	const char *name;	       /* in the rules language: "token-response" */
	const char *event[2];	       /* one, many: "login", "logins" */
	const char *failure[2];	       /* one, many, explained by a rule: "failed login" */
	const char *as_json, *as_text; /* an input that held only this kind */
};

extern const struct kind_def kind_table[KIND_COUNT];

/* The kind of the lowest bit set in kinds, or NULL when none is. */
const struct kind_def *kind_first(unsigned kinds);
/* Kind bit for a name ("token-response"), or 0. */
unsigned kind_parse(const char *name);
/* The name of the lowest kind in kinds, or "?". */
const char *kind_name(unsigned kinds);

#endif
