/*
 * text_kv.h - an error said as `key: value` or `key=value` in a line:
 * `error: invalid_grant` (then `error_description: ...` on the next line),
 * logfmt (`error=invalid_grant error_description="authentication
 * failure"`), a WWW-Authenticate header, Java's toString()
 * (`TokenErrorResponse{error='invalid_grant', errorDescription='...'}`).
 *
 * Keys are matched like JSON keys, through the `key token-response` and
 * `key api-error` lines of fields.conf (case, `_`, `-`, `.` and spaces
 * ignored), so `errorDescription` and `error_description` are one key.  A
 * value is taken quoted, or bare up to a separator or the next `key=`.  To
 * tell a key from prose ("error: could not connect"), an `error` value must
 * be an OAuth-style code (lower case words joined by `_`) and an
 * `error_code` value an upper-case code, unless a description comes with
 * it; a message alone is never enough.
 *
 * Ownership: plain functions; values point into the scanned line.
 */
#ifndef SFDIAG_ADAPT_TEXT_KV_H
#define SFDIAG_ADAPT_TEXT_KV_H

#include <stddef.h>

#include "adapt/event.h"
#include "rules/ruleset.h"

/*
 * Read the error keys of s[0..n) into ev (cleared first).  Returns the
 * kind (KIND_TOKEN_RESPONSE or KIND_API_ERROR) when s says an error this
 * way, else 0.
 */
unsigned text_kv_scan(const struct ruleset *rs, const char *s, size_t n, struct event *ev);

#endif
