/*
 * extract.h - the compiled form of rules/extract.conf (docs/rules.md
 * "extract.conf"): the signatures sought in pasted text, each a PCRE2
 * pattern whose named groups fill fields.
 *
 * An extract set is loaded once with the ruleset and is immutable afterwards;
 * the scanner (adapt/extract.h) reads it from any number of threads.
 *
 * Every pattern is compiled once by pattern_compile() (pattern.h), like
 * every other pattern of the rules directory, and the file is read through
 * the same lexer (lexer.h).  Named groups are resolved to field numbers at
 * load time through the name table (PCRE2_INFO_NAMETABLE); a group that
 * names no declared field is an error, so a typo cannot silently drop a
 * value.
 *
 * Ownership: the ruleset owns its extract set and frees it with itself.
 */
#ifndef SFDIAG_RULES_EXTRACT_H
#define SFDIAG_RULES_EXTRACT_H

#include <stddef.h>
#include <stdint.h>

#include "base/limits.h"
#include "rules/ruleset.h"

/* A `field NAME VALUE` or `client NAME` directive: a constant value. */
struct fixed {
	int field;
	char *value;
};

struct xsample {
	int line;
	char *text;
};

/* Shortest `needs` or `vocabulary` literal: the text readers' prefilter
 * (adapt/litscan.h) hashes 4-byte windows. */
#define EXTRACT_MIN_LITERAL 4

/* A list of literals: `needs A | B | C`, `vocabulary ...`. */
struct litlist {
	char **lit;
	size_t n;
};

/* `xml KIND FIELD NAME | NAME`: an XML element whose text fills FIELD of
 * an event of KIND; where several names fill one field, the first listed
 * wins. */
struct xml_map {
	unsigned kind;
	int field;
	struct litlist names;
};

struct extractor {
	char *id;
	int line; /* of the `extract` line */
	unsigned kind;
	pcre2_code *re;
	int jit;	  /* re is JIT-compiled: match with pcre2_jit_match */
	uint32_t ngroups; /* capture groups */
	int *group_field; /* group number -> field, or -1; [0] unused */
	struct fixed *fixed;
	size_t nfixed;
	struct xsample *examples;
	size_t nexamples;
	struct litlist needs; /* one of these occurs in every line it matches */
	int has_client;
	int bad; /* a directive failed: drop at `end` */
};

struct extract_set {
	char *file;
	struct extractor *x;
	size_t n;
	struct extractor prefix; /* `prefix /RE/`: fields every match may take */
	int has_prefix;
	uint32_t max_groups;
	int f_host;
	/* The failure vocabulary: a line holding one of these words, or
	 * matching the status pattern (which needs one of status_needs), is a
	 * failure line even when no signature matches it. */
	struct litlist vocabulary;
	pcre2_code *status_re;
	struct litlist status_needs;
	struct xml_map *xml;
	size_t nxml;
	/* Rows copied from the Login History page (no header): the page's
	 * columns in order (`row-columns`, a field or -1 each), the pattern a
	 * column's value must match to be recognised (`row-cell`, by field,
	 * NULL when any value goes), and the fields a row must show
	 * (`row-require`, bit f for field f). */
	int *row_cols;
	size_t nrow_cols;
	pcre2_code *row_cell[SFDIAG_MAX_FIELDS];
	uint64_t row_require;
};

/*
 * Load path against the fields and defines of rs (its patterns may use
 * %{NAME}, and its own `define` lines add to rs's).  Returns NULL with *nerr = 0 when the
 * file does not exist, NULL with *nerr > 0 after reporting errors through err
 * ("FILE:LINE[:COL]: message"), else the set.
 */
struct extract_set *extract_load(struct ruleset *rs, const char *path, int use_jit,
				 rules_error_fn err, void *ctx, int *nerr);
void extract_free(struct extract_set *x);
size_t extract_count(const struct extract_set *x);

#endif
