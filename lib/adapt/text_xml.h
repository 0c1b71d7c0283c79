/*
 * text_xml.h - XML error bodies inside text: SOAP faults, REST errors asked
 * for as XML, a token response in XML, whether on one line or laid out over
 * many.  One document gives one event per fault or error element, never one
 * per line, and no tag ever reaches a value.
 *
 * Parsed with expat, safely: no DTD is read and no entity is expanded.
 * Parameter entities and external DTD subsets are never parsed
 * (XML_PARAM_ENTITY_PARSING_NEVER), no external entity handler is set, so
 * nothing outside the text is ever fetched, and a document that declares
 * an entity is refused at the declaration (the "billion laughs" form needs
 * one); SOAP forbids DTDs anyway.  A document nested deeper than
 * SFDIAG_MAX_XML_DEPTH elements is refused too, as expat holds every open
 * element; its attributes are bounded by the document's bytes (at most
 * SFDIAG_MAX_TEXT_DOC, or SFDIAG_MAX_LINE on one line).  Which elements fill which field is data:
 * extract.conf's `xml KIND FIELD NAME | NAME` lines, matched on the local
 * name (the part after a namespace prefix).  A value that is a QName
 * (`sf:INVALID_LOGIN` in <faultcode>) keeps its local part.
 *
 * Ownership: the caller owns a struct text_xml and frees it with
 * text_xml_free(); events handed to the callback borrow its buffers for the
 * duration of the call.
 */
#ifndef SFDIAG_ADAPT_TEXT_XML_H
#define SFDIAG_ADAPT_TEXT_XML_H

#include <stddef.h>

#include "adapt/event.h"
#include "rules/extract.h"
#include "rules/ruleset.h"

/* Called with each complete fault or error record; returns nothing. */
typedef void (*text_xml_fn)(void *ctx, struct event *ev);

struct text_xml;

struct text_xml *text_xml_new(const struct ruleset *rs, const struct extract_set *x);
void text_xml_free(struct text_xml *tx);

/*
 * Parse the document s[0..n).  Every complete record goes to fn.  Returns
 * the number of records, or -1 when the text is not well-formed XML (or
 * was refused) before any record was complete.
 */
int text_xml_parse(struct text_xml *tx, const char *s, size_t n, text_xml_fn fn, void *ctx);

#endif
