/*
 * mask.h - the secrets masker: the one layer every string passes through on
 * its way out of sfdiag (report values, evidence, file and archive-member
 * names, notes, errors on stderr, triage file names and CSV cells).
 *
 * It recognises a credential by what it is, not by one spelling of its key:
 *   - shapes: PCRE2 patterns (session ids "00D...!...", refresh tokens,
 *     JWTs, "Bearer ..." and "Basic ...", PEM blocks, URL user-info); each
 *     match, or the part after \K, is a secret;
 *   - keys: a value written after a credential-like key ("password",
 *     "client_secret", "SF_PASSWORD", "securityToken"...) in any case, with
 *     any separator (= : => %3D, JSON, XML, Python repr) and any quoting or
 *     escaping, is a secret as a whole, up to its closing quote however
 *     often it is escaped, spaces and escaped quotes included.
 * Both come from rules/secrets.conf (docs/rules.md, "secrets.conf").
 *
 * A secret is replaced by its shape, "[secret: 24 chars, A-Z a-z 0-9]", so
 * that a reader still sees how long it was and what it was made of.
 * Masking is idempotent: a shape already in the text is left as it is.
 *
 * Ownership: a struct masker owns its patterns and words; it is filled once
 * (mask_add_*) and then only read, by any number of threads at once.
 */
#ifndef SFDIAG_BASE_MASK_H
#define SFDIAG_BASE_MASK_H

#ifndef PCRE2_CODE_UNIT_WIDTH
#define PCRE2_CODE_UNIT_WIDTH 8
#endif
#include <pcre2.h>
#include <stddef.h>

#include "base/util.h"

/* How a key word is compared with the key written in the text, once both
 * are folded (ASCII lowercase; '_', '-' and '.' left out). */
enum mask_key_match {
	MASK_KEY_SUFFIX, /* "key": the text's key ends with the word */
	MASK_KEY_EXACT,	 /* "key-exact": the key is the word */
	MASK_KEY_QUERY,	 /* "key-query": the key is the word and '=' follows */
	MASK_KEY_NOT,	 /* "not-key": a key that starts with the word is none
			    (error codes: INVALID_SESSION_ID: message) */
};

struct mask_key {
	char *word; /* folded */
	size_t len;
	enum mask_key_match match;
};

struct masker {
	pcre2_code **re; /* shapes; owned */
	size_t nre;
	struct mask_key *keys;
	size_t nkeys;
	char **schemes; /* "Bearer", "Basic"...: kept in front of the value */
	size_t nschemes;
};

/* Take ownership of a compiled shape pattern. */
void mask_add_pattern(struct masker *m, pcre2_code *re);
/*
 * One line of secrets.conf other than "mask": DIRECTIVE is "key",
 * "key-exact", "key-query", "not-key" or "scheme", WORDS its blank-separated words.
 * Returns 0, or -1 with a message in err (an unknown directive, a word
 * that folds to nothing, no words).
 */
int mask_add_words(struct masker *m, const char *directive, const char *words, char *err,
		   size_t errsz);
void mask_free(struct masker *m);

/*
 * Append s[0..n) to out with every secret replaced by its shape.  s may
 * hold any bytes (invalid UTF-8, NULs).  Returns the number of secrets
 * masked.  A NULL masker masks nothing.
 */
size_t mask_apply(const struct masker *m, struct strbuf *out, const char *s, size_t n);
/* The same, of a C string. */
size_t mask_str(const struct masker *m, struct strbuf *out, const char *s);

/* "[secret: 24 chars, A-Z a-z 0-9]": what a masked value is shown as. */
void mask_shape(struct strbuf *out, const char *s, size_t n);

#endif
