/*
 * text_sigs.h - the descriptions and messages the rules test, found as bare
 * text: "user hasn't approved this consumer" in a sentence, on its own line
 * in a CLI's "Errors encountered:" list, or in any wrapper no extractor
 * knows.
 *
 * Derived from the loaded rules, so a rule added to rules/ is found in
 * pasted text with no second copy of it: for every rule of kind
 * token-response or api-error, each condition `error_description ~ /RE/`
 * or `message ~ /RE/` whose pattern starts with a literal (or a group of
 * literal alternatives), and whose rule's other error-text conditions
 * accept an absent value, gives a signature.  Its literals go into the
 * text readers' prefilter; on a hit, the text from the literal to the end
 * of the sentence's quoting (a closing quote, bracket or tag) becomes the
 * field's value, and the rule's own compiled pattern must match it.  The
 * rules then decide, as for any event, which one explains it.
 *
 * Ownership: the caller owns a text_sigs (text_sigs_new / text_sigs_free);
 * it borrows the ruleset's compiled patterns and must not outlive it.
 */
#ifndef SFDIAG_ADAPT_TEXT_SIGS_H
#define SFDIAG_ADAPT_TEXT_SIGS_H

#include <stddef.h>

#include "adapt/event.h"
#include "adapt/litscan.h"
#include "rules/ruleset.h"

struct text_sigs;

/* Derive the signatures of rs and add their literals to ls as class cls,
 * the id being the signature's number. */
struct text_sigs *text_sigs_new(const struct ruleset *rs, struct litscan *ls, unsigned cls);
void text_sigs_free(struct text_sigs *ts);
size_t text_sigs_count(const struct text_sigs *ts);

/*
 * Signature id was hit at line[pos]: when its pattern matches the text
 * from there, fill ev (kind and field, pointing into line) and return 1.
 * md must have room for one pair; mctx bounds the match.
 */
int text_sigs_match(const struct text_sigs *ts, unsigned id, const char *line, size_t n, size_t pos,
		    struct event *ev, pcre2_match_data *md, pcre2_match_context *mctx);

#endif
