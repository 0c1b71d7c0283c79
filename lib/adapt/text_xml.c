/*
 * text_xml.c - see text_xml.h.
 */
#include "adapt/text_xml.h"

#include <expat.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "adapt/text_util.h"
#include "base/limits.h"
#include "base/util.h"

/* Text kept of one element, and of one record's values in all. */
#define XML_TEXT_MAX 2048
#define XML_STORE    8192

struct text_xml {
	const struct ruleset *rs;
	const struct extract_set *x;
	XML_Parser p;
	text_xml_fn fn;
	void *ctx;
	int depth;
	struct strbuf text; /* character data of the innermost open element */
	int refused;
	int records;
	/* the record being read */
	unsigned kind;
	int rec_depth; /* depth of the element that holds its values; -1: none */
	int rank[SFDIAG_MAX_FIELDS];
	size_t off[SFDIAG_MAX_FIELDS], len[SFDIAG_MAX_FIELDS];
	char store[XML_STORE];
	size_t used;
	struct event ev;
};

static const char *local_name(const char *name)
{
	const char *c = strrchr(name, ':');
	return c ? c + 1 : name;
}

static int same_ci(const char *a, const char *b)
{
	for (; *a && *b; a++, b++)
		if ((*a | 0x20) != (*b | 0x20))
			return 0;
	return *a == *b;
}

static void record_reset(struct text_xml *tx)
{
	tx->kind = 0;
	tx->rec_depth = -1;
	tx->used = 0;
	for (size_t f = 0; f < SFDIAG_MAX_FIELDS; f++)
		tx->rank[f] = INT_MAX;
}

static void record_emit(struct text_xml *tx)
{
	if (!tx->kind)
		return;
	struct event *ev = &tx->ev;
	event_clear(ev);
	ev->kind = tx->kind;
	for (size_t f = 0; f < tx->rs->nfields; f++)
		if (tx->rank[f] != INT_MAX)
			event_set(ev, tx->rs, (int)f, tx->store + tx->off[f], tx->len[f]);
	tx->records++;
	tx->fn(tx->ctx, ev);
	record_reset(tx);
}

static void XMLCALL on_start(void *ud, const XML_Char *name, const XML_Char **atts)
{
	(void)name;
	(void)atts;
	struct text_xml *tx = ud;
	/* expat keeps every open element: refuse absurd nesting before it
	 * costs memory (150,000 levels fit in one 1 MiB line). */
	if (++tx->depth > SFDIAG_MAX_XML_DEPTH) {
		tx->refused = 1;
		XML_StopParser(tx->p, XML_FALSE);
	}
	sb_reset(&tx->text);
}

static void XMLCALL on_text(void *ud, const XML_Char *s, int len)
{
	struct text_xml *tx = ud;
	if (len > 0 && tx->text.len < XML_TEXT_MAX) {
		size_t k = (size_t)len;
		if (k > XML_TEXT_MAX - tx->text.len)
			k = XML_TEXT_MAX - tx->text.len;
		sb_add(&tx->text, s, k);
	}
}

/* Keep the text of a closing element when a mapping names it. */
static void take_value(struct text_xml *tx, const char *local)
{
	const struct extract_set *x = tx->x;
	for (size_t i = 0; i < x->nxml; i++) {
		const struct xml_map *m = &x->xml[i];
		for (size_t a = 0; a < m->names.n; a++) {
			if (!same_ci(local, m->names.lit[a]))
				continue;
			if (tx->kind && tx->kind != m->kind)
				return;
			size_t n = tx->text.len;
			const char *v = str_trim(sb_str(&tx->text), &n);
			if (n == 0 || (int)a >= tx->rank[m->field])
				return;
			/* A QName value (sf:INVALID_LOGIN): its local part. */
			const char *colon = memchr(v, ':', n);
			if (m->field == tx->rs->f.error_code && colon && !memchr(v, ' ', n)) {
				n -= (size_t)(colon + 1 - v);
				v = colon + 1;
			}
			n = tx_utf8_cut(v, n > 1000 ? 1000 : n);
			if (tx->used + n > sizeof tx->store)
				return;
			memcpy(tx->store + tx->used, v, n);
			tx->off[m->field] = tx->used;
			tx->len[m->field] = n;
			tx->used += n;
			tx->rank[m->field] = (int)a;
			if (!tx->kind) {
				tx->kind = m->kind;
				tx->rec_depth = tx->depth - 1;
			}
			return;
		}
	}
}

static void XMLCALL on_end(void *ud, const XML_Char *name)
{
	struct text_xml *tx = ud;
	take_value(tx, local_name(name));
	if (tx->kind && tx->depth == tx->rec_depth)
		record_emit(tx);
	tx->depth--;
	if (tx->depth == 0 && tx->kind) /* the root closed: its record is whole */
		record_emit(tx);
	sb_reset(&tx->text);
}

/* An entity declaration: refuse the document (no expansion, ever). */
static void XMLCALL on_entity(void *ud, const XML_Char *name, int is_param, const XML_Char *value,
			      int vlen, const XML_Char *base, const XML_Char *sysid,
			      const XML_Char *pubid, const XML_Char *notation)
{
	(void)name;
	(void)is_param;
	(void)value;
	(void)vlen;
	(void)base;
	(void)sysid;
	(void)pubid;
	(void)notation;
	struct text_xml *tx = ud;
	tx->refused = 1;
	XML_StopParser(tx->p, XML_FALSE);
}

struct text_xml *text_xml_new(const struct ruleset *rs, const struct extract_set *x)
{
	if (!x || !x->nxml)
		return NULL;
	struct text_xml *tx = xcalloc(1, sizeof *tx);
	tx->rs = rs;
	tx->x = x;
	tx->p = XML_ParserCreate("UTF-8");
	if (!tx->p) {
		free(tx);
		return NULL;
	}
	return tx;
}

void text_xml_free(struct text_xml *tx)
{
	if (!tx)
		return;
	XML_ParserFree(tx->p);
	sb_free(&tx->text);
	free(tx);
}

int text_xml_parse(struct text_xml *tx, const char *s, size_t n, text_xml_fn fn, void *ctx)
{
	if (!tx || n > INT_MAX)
		return -1;
	XML_ParserReset(tx->p, "UTF-8");
	XML_SetUserData(tx->p, tx);
	XML_SetElementHandler(tx->p, on_start, on_end);
	XML_SetCharacterDataHandler(tx->p, on_text);
	XML_SetEntityDeclHandler(tx->p, on_entity);
	XML_SetParamEntityParsing(tx->p, XML_PARAM_ENTITY_PARSING_NEVER);
	tx->fn = fn;
	tx->ctx = ctx;
	tx->depth = 0;
	tx->refused = 0;
	tx->records = 0;
	sb_reset(&tx->text);
	record_reset(tx);
	/* Text after the root element (the rest of a log line) is an error
	 * for expat, not for the records already read; an unclosed record is
	 * dropped. */
	enum XML_Status st = XML_Parse(tx->p, s, (int)n, 1);
	if (tx->refused || (st != XML_STATUS_OK && tx->records == 0))
		return -1;
	return tx->records;
}
