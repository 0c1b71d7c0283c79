/*
 * ruleset.h - the compiled knowledge base: fields, code tables and rules.
 *
 * rules_load() reads a rules directory (docs/rules.md describes the language)
 * and returns an immutable ruleset: every pattern is compiled and JIT-compiled
 * once, and after loading nothing writes to it, so any number of threads may
 * share one ruleset, each with its own struct matcher (matcher.h).  This is
 * the split YARA makes between YR_RULES and YR_SCANNER.
 *
 * Ownership: the caller owns the returned ruleset and frees it with
 * rules_free().  Errors are handed to the caller's callback one at a time as
 * "FILE:LINE[:COL]: message"; loading goes on after an error to report as many
 * as possible, and then fails.
 */
#ifndef SFDIAG_RULESET_H
#define SFDIAG_RULESET_H

#include <stddef.h>
#include <stdint.h>

#include "base/limits.h"
#include "base/mask.h"
#include "base/note.h"
#include "rules/kinds.h"
#include "rules/pattern.h"

enum severity {
	SEV_NONE = -1, /* only for --fail-on never */
	SEV_INFO = 0,
	SEV_WARNING = 1,
	SEV_ERROR = 2,
};

const char *severity_name(enum severity s);
/* Returns 0 and sets *out, or -1 for an unknown name. */
int severity_parse(const char *name, enum severity *out);

/* A JSON object key that fills a field, for one input kind. */
struct json_key {
	unsigned kind;
	int field;
	char *alias; /* normalized like a header */
};

/* fields.conf "exchange KIND /RE/ [refused]": HTTP exchanges (HAR, Postman,
 * transcripts) whose URL or path matches concern authentication, and give
 * events of KIND; with "refused", only when the answer was 401 or 403. */
struct exchange {
	unsigned kind;
	int refused_only;
	pcre2_code *re;
};

/*
 * A rule's conditions are a tree kept flat, in the order written: a group
 * node (`any`, `all`, `none`) is followed by the span nodes of its members.
 * The rule itself is an implicit `all` of its top-level nodes.
 */
enum cond_type {
	COND_MATCH,   /* FIELD ~ /RE/ or FIELD !~ /RE/ */
	COND_COMPARE, /* FIELD OP FIELD */
	COND_ALL,     /* all of the members hold */
	COND_ANY,     /* at least one member holds */
	COND_NONE,    /* no member holds */
};

/* The comparisons of two fields, exact and byte for byte. */
enum cond_cmp {
	CMP_EQ,	      /* == */
	CMP_NE,	      /* != */
	CMP_STARTS,   /* starts-with */
	CMP_ENDS,     /* ends-with */
	CMP_CONTAINS, /* contains */
};

struct cond {
	enum cond_type type;
	int field;	    /* MATCH, COMPARE: the field tested */
	int other;	    /* COMPARE: the field it is compared with */
	int negate;	    /* MATCH: !~ */
	enum cond_cmp cmp;  /* COMPARE */
	unsigned id;	    /* MATCH: index among the conditions on the same field */
	size_t span;	    /* groups: how many nodes follow that belong to it */
	int line;	    /* where it was written */
	struct pattern pat; /* MATCH */
};

/* An example or counter-example: field=value pairs. */
struct sample {
	int line;
	size_t n;
	int *field;
	char **value;
};

struct rule {
	char *id;
	char *title;
	enum severity severity;
	unsigned kinds;	    /* enum event_kind bits */
	struct cond *conds; /* the condition tree, flat (struct cond) */
	size_t nconds;	    /* nodes, groups included */
	char *cause;	    /* NULL if none */
	char *short_fix;    /* `short`: the one step of "In short", or NULL */
	char **fix;	    /* the steps, shared ones (`fix @NAME`) included */
	size_t nfix;
	int *fix_from; /* per step: the index of the shared steps it comes from, or -1 */
	char **refs;
	size_t nrefs;
	struct sample *examples;
	size_t nexamples;
	struct sample *counters;
	size_t ncounters;
	int *candidates; /* rule indexes that may be the real cause */
	size_t ncandidates;
	char **candidate_ids; /* as written, resolved after loading */
	char **tell;	      /* how to tell the candidates apart */
	size_t ntell;
	/* A change rule (applies audit-trail): the failure rules a change it
	 * classifies can start ("triggers ID..."), within window_ms before the
	 * first failure ("window 30m"); and the change rule it undoes
	 * ("reverses ID"), which names the fix.  Ids as written, resolved after
	 * loading; -1 when unset. */
	int *triggers;
	size_t ntriggers;
	char **trigger_ids;
	int64_t window_ms;
	int reverses;
	char *reverses_id;
	const char *file; /* owned by the ruleset */
	int line;
	unsigned char placeholders[SFDIAG_MAX_FIELDS]; /* fields used as {name} */
	unsigned bad_conds;			       /* while loading: conditions that failed */
	int *fix_line; /* while loading: the line of each fix, for `fix @NAME` errors */
};

/* `steps NAME` ... `end`: fix steps that rules include with `fix @NAME`. */
struct steps {
	char *name;
	char **fix;
	size_t nfix;
	const char *file; /* owned by the ruleset */
	int line;
	unsigned uses; /* rules that include them */
};

/* fields.conf "array PATH [har]": a JSON member (keys joined by '.') that
 * holds the array of records or REST error items, or the entries of a HAR. */
struct json_array {
	char *path; /* as written */
	char **part;
	size_t nparts; /* at most SFDIAG_MAX_JSON_PATH */
	int har;
};

struct field_def {
	char *name;
	char **aliases; /* normalized: lower case, no space/_/-/. */
	size_t naliases;
	unsigned nconds; /* conditions that test this field */
	int has_codes;	 /* codes.conf has entries for this field */
	unsigned used;	 /* kinds (bits) for which a condition, a placeholder or
			    the engine reads the field; adapters may skip fields
			    their kind does not use */
	int secret;	 /* never printed; evidence shows its shape only */
};

/* A column a login export should have: without it (and its fallback) the
 * reader notes, at level, what the report lacks (fields.conf `expect`). */
struct field_expect {
	int field;
	enum note_level level;
	char *text; /* "no Username column: users are unknown" */
};

/*
 * The fields that code reads or fills by name, each the number of a field
 * of fields.conf.  rules_load() binds them through one table (rules.c) and
 * refuses a fields.conf that lacks one, naming what needs it, so renaming a
 * field in rules/ can never silently turn a lookup into -1.
 */
struct engine_fields {
	/* every kind: time stamp, evidence groups, success, IP evidence */
	int time, user, application, status, source_ip;
	/* HTTP exchanges: transcripts, HAR, Postman, log lines */
	int http_status, host, scheme, path, method, grant_type, content_type, body_kind;
	/* what a response or an error said */
	int error, error_description, error_uri, error_code, message, access_token, client;
	/* connection settings */
	int base_url, password, security_token, padded, empty, unknown_keys;
	/* Setup Audit Trail: the API code, the sentence, the Setup section */
	int action, display, section, delegate_user;
};

struct code_entry {
	int field;
	char *key;
	char *text;
};

struct ruleset {
	char *dir;
	struct field_def fields[SFDIAG_MAX_FIELDS];
	size_t nfields;
	struct engine_fields f;		      /* the fields the code reads by name */
	int code_field_of[SFDIAG_MAX_FIELDS]; /* FIELD -> FIELD_code, or -1 */
	int fallback[SFDIAG_MAX_FIELDS];      /* FIELD -> field used when absent, or -1 */
	int fallback_list[SFDIAG_MAX_FIELDS]; /* the fields that have a fallback */
	size_t nfallbacks;
	int required[SFDIAG_MAX_FIELDS];
	size_t nrequired;
	struct field_expect expects[SFDIAG_MAX_FIELDS]; /* fields.conf `expect`, in order */
	size_t nexpects;
	struct cond *success; /* ANDed per kind: success_kind[i] is cond i's kind */
	unsigned *success_kind;
	size_t nsuccess;
	struct json_key *keys;
	size_t nkeys;
	struct exchange *exchanges; /* fields.conf, in order */
	size_t nexchanges;
	struct masker mask;	     /* secrets.conf: every output passes through it */
	struct extract_set *extract; /* extract.conf (extract.h), or NULL */
	struct report_conf *report;  /* report.conf (report_conf.h); set once loaded */
	struct pattern_defs defines; /* `define NAME /RE/`, every file's */
	struct steps *steps;	     /* `steps NAME`, every .rules file's */
	size_t nsteps;
	struct json_array *arrays; /* fields.conf "array", in order */
	size_t narrays;
	struct code_entry *codes; /* open-addressed hash, ncodes_cap slots */
	size_t ncodes_cap;
	size_t ncodes;
	struct rule *rules;
	size_t nrules;
	char **files; /* names of the files loaded */
	size_t nfiles;
	int use_jit;
};

/*
 * Load the rules directory dir (or, if dir names a file, that file plus the
 * fields.conf and codes.conf beside it).  use_jit = 0 keeps the interpreter
 * (for --no-jit).  Returns NULL after reporting every error through err.
 */
struct ruleset *rules_load(const char *dir, int use_jit, rules_error_fn err, void *ctx);
void rules_free(struct ruleset *rs);

/* Field number of name, or -1. */
int rules_field(const struct ruleset *rs, const char *name);
/* A duration, "90s", "30m", "2h" or "1d" (1 to 10,000 units), into *ms:
 * 0, or -1 for anything else. */
int rules_duration(const char *s, int64_t *ms);
/* Normalize a header or alias for comparison: lower case, drop ' ', '_', '-', '.'. */
void rules_normalize_header(const char *s, size_t n, char *out, size_t outlen);
/* Field whose alias list contains the normalized header h; *rank gets the
 * alias position (lower wins).  -1 when none. */
int rules_field_for_header(const struct ruleset *rs, const char *h, int *rank);
/* For the loader: set the text of (field, key) in the code table. */
void rules_code_put(struct ruleset *rs, int field, const char *key, const char *text);
/* The replacement text for a coded value, or NULL. */
const char *rules_code(const struct ruleset *rs, int field, const char *val, size_t n);
/* Field that JSON key (normalized) fills for kind, or -1. */
int rules_field_for_key(const struct ruleset *rs, unsigned kind, const char *norm);
/* The same, with *rank set to the key's position in fields.conf (lower wins
 * when several columns of one file fill one field). */
int rules_field_for_key_rank(const struct ruleset *rs, unsigned kind, const char *norm, int *rank);
/*
 * The kind of event an HTTP exchange with this URL (or path) and status
 * gives: that of the first fields.conf "exchange" that matches, or 0 when the
 * exchange does not concern authentication.
 */
unsigned rules_exchange_kind(const struct ruleset *rs, const char *url, size_t n, int status);
/* Rule by id, or NULL. */
const struct rule *rules_find(const struct ruleset *rs, const char *id);
/* Shared steps by name, or NULL. */
const struct steps *rules_find_steps(const struct ruleset *rs, const char *name);

/* Conditions (MATCH and COMPARE nodes) of a rule, groups not counted. */
size_t rules_count_tests(const struct rule *r);

/*
 * Append to out the conditions c[0..n) as they are written, one per line,
 * each line starting with indent spaces and members of a group indented two
 * more, then one "where %{NAME} is /RE/FLAGS" line for each define they use.
 * For --explain and `rules list`.
 */
void rules_describe_conds(const struct ruleset *rs, const struct cond *c, size_t n,
			  struct strbuf *out, int indent);

/*
 * Locate the rules directory: --rules, then $SFDIAG_RULES, then
 * ../share/sfdiag/rules beside the running binary's bin/ folder (so an
 * installed tree still works once copied or moved; found through
 * /proc/self/exe where the system has it), then the data directory compiled
 * in, then rules/ in the source tree.  Returns a static string or the
 * argument; NULL if none exists.
 */
const char *rules_locate(const char *opt);

#endif
