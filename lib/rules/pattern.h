/*
 * pattern.h - every regular expression of a rules directory, written
 * /RE/FLAGS, parsed and compiled one way (docs/rules.md "Patterns").
 *
 * The same text means the same thing in a rule's `when`, a fields.conf
 * `success` or `exchange`, a secrets.conf `mask` and an extract.conf
 * `pattern` or `prefix`:
 *   - the pattern runs from the first '/' to the last '/' of the argument;
 *     only flag letters follow it, then (where the directive allows) words;
 *   - flags: i caseless, m multi-line, s dot-all, x extended; nothing else;
 *   - every pattern is compiled with PCRE2_UTF | PCRE2_MATCH_INVALID_UTF (an
 *     invalid byte in a value is a barrier no match crosses, never an
 *     error), PCRE2_NEVER_BACKSLASH_C, PCRE2_NO_AUTO_CAPTURE (only named
 *     groups capture) and PCRE2_DUPNAMES (one name in several alternatives),
 *     then JIT-compiled unless the JIT is off or unavailable;
 *   - %{NAME} stands for the pattern of `define NAME /RE/FLAGS`, spliced in
 *     as the group (?^nFLAGS:RE), so it keeps its own flags whatever the
 *     flags around it; \%{ is a literal "%{".
 * Errors name the file, line and column of the offending byte.
 *
 * Ownership: a struct pattern owns its compiled code and copies, freed by
 * pattern_free().  A struct pattern_defs owns its defines (pattern_defs_free);
 * the ruleset holds one for the whole directory, and a define is known from
 * its line on, in load order.
 */
#ifndef SFDIAG_RULES_PATTERN_H
#define SFDIAG_RULES_PATTERN_H

#include <stddef.h>

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include "rules/lexer.h"

/* The flag letters a pattern may carry, and the compile options of all. */
#define PATTERN_FLAGS "imsx"
#define PATTERN_OPTIONS                                                                            \
	(PCRE2_UTF | PCRE2_MATCH_INVALID_UTF | PCRE2_NEVER_BACKSLASH_C | PCRE2_NO_AUTO_CAPTURE |   \
	 PCRE2_DUPNAMES)

struct pattern {
	pcre2_code *re;
	char *source;  /* between the slashes, as written, %{NAME} included */
	char flags[8]; /* the flag letters as written */
	int jit;       /* re is JIT-compiled */
};

/* `define NAME /RE/FLAGS`: a named pattern. */
struct define {
	char *name;
	char *source;	 /* as written */
	char flags[8];	 /* as written */
	char *expansion; /* what %{NAME} becomes: (?^nFLAGS:RE, references expanded) */
	char *file;	 /* where it is defined */
	int line;
	unsigned uses; /* patterns that refer to it, counted while loading */
};

struct pattern_defs {
	struct define *d;
	size_t n, cap;
};

/*
 * Compile the pattern written at arg, a pointer into lx's current line, with
 * the defines of defs (NULL: none).  Returns 0, *out filled and *after the
 * first byte after the flags; -1 after reporting the error through lx.
 */
int pattern_compile(struct lexer *lx, struct pattern_defs *defs, char *arg, int use_jit,
		    struct pattern *out, char **after);
void pattern_free(struct pattern *p);

/*
 * The directive `define NAME /RE/FLAGS`, arg pointing at NAME.  The pattern
 * is compiled once here, so that its errors point at the define.  Returns 0,
 * or -1 after reporting (a name given twice, a bad pattern, trailing words).
 */
int pattern_define(struct lexer *lx, struct pattern_defs *defs, char *arg, int use_jit);
const struct define *pattern_find_define(const struct pattern_defs *defs, const char *name,
					 size_t n);
void pattern_defs_free(struct pattern_defs *defs);

/* 1 if s is a valid define or steps name: [a-z][a-z0-9_-]*. */
int pattern_valid_name(const char *s, size_t n);

#endif
