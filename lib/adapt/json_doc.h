/*
 * json_doc.h - what the two halves of the JSON reader share.
 *
 * json_stream.c cuts the bytes of an input into top-level JSON values and,
 * in a login-record export, the array of records into its elements, as the
 * bytes arrive; adapt_json.c knows the shapes: it reads a whole value
 * (json_doc_read) or one element of a streamed array (json_element).
 */
#ifndef SFDIAG_JSON_DOC_H
#define SFDIAG_JSON_DOC_H

#include <stddef.h>
#include <stdint.h>

#include "adapt/adapter.h"

/* Field of a record key, through a small cache: the records of one export
 * repeat the same keys in the same order, and mapping a key through the
 * aliases of fields.conf costs a few hundred string comparisons. */
struct key_cache {
	char key[32][48]; /* copies: records are parsed one at a time */
	int field[32];
	size_t n;
};

/* One JSON text being read: a whole value, or one element of an array. */
struct jctx {
	struct adapter_ctx *ac;
	const char *buf; /* the text, NUL-terminated at buf[len] */
	size_t len;
	long line0;	      /* the line of buf[0] (0: 1) */
	const char *hint;     /* search position for line numbers of entries */
	const char *seen;     /* line_at has counted the lines up to here... */
	long seen_line;	      /* ...and this is the line there (0: nothing yet) */
	struct key_cache *kc; /* record keys -> fields, shared by the values of
				 a JSON Lines file */
};

/*
 * Read every value of jc->buf as a whole document: a token body, REST
 * errors, a HAR, a Postman collection, settings, login records, an sf
 * --json error (refused when deeper than SFDIAG_MAX_JSON_DEPTH or larger
 * than SFDIAG_MAX_JSON_NODES).  Returns 0; -1 after an error note when the
 * text does not parse (the rest of the input is not read); -2 after one
 * when the value is refused whole (the next value of the input may be read).
 */
int json_doc_read(struct jctx *jc);

/* The state of one streamed array: what its elements turned out to be. */
struct json_elems {
	int har;	  /* the entries of a HAR */
	int responses;	  /* -1 not known yet; 1 REST error items; 0 records */
	int any;	  /* an element was used: the reading stands */
	size_t total;	  /* elements given to json_element */
	size_t used;	  /* HAR entries that concern us */
	const char *stop; /* where the last element that did not parse stopped */
	struct key_cache kc;
};

/*
 * One element [p, p+len) of a streamed array, its first byte at line
 * (p NUL-terminated at len): a HAR entry, a REST error item or a login (or
 * audit) record, emitted.  Returns 1 when used, 0 when it is none of them
 * (nothing emitted or counted), -1 when it does not parse.
 */
int json_element(struct jctx *jc, struct json_elems *st, const char *p, size_t len, long line);
/* After the last element: the HAR summary note. */
void json_elems_finish(struct jctx *jc, const struct json_elems *st);

/* The `array` layout whose path is the keys last[1..depth], each inside an
 * object (open[k] == '{'), or NULL. */
const struct json_array *json_layout_at(const struct ruleset *rs, char last[][64], const char *open,
					size_t depth);

#endif
