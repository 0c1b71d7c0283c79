/*
 * extract.c - load and compile rules/extract.conf (see rules/extract.h).
 */
#include "rules/extract.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/util.h"

/* ---- loading ---- */

struct xloader {
	struct ruleset *rs;
	struct extract_set *set;
	struct lexer lx;
	int use_jit;
	struct extractor cur;
	int in_stanza;
	size_t cap;
};

static int valid_id(const char *s)
{
	if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9')))
		return 0;
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') || *s == '-'))
			return 0;
	return 1;
}

static int is_blank(char c)
{
	return c == ' ' || c == '\t';
}

static void free_litlist(struct litlist *l)
{
	for (size_t i = 0; i < l->n; i++)
		free(l->lit[i]);
	free(l->lit);
	memset(l, 0, sizeof *l);
}

/*
 * Parse "A | B | C" (at rest, in the lexer's current line) into l,
 * appending.  Each literal is EXTRACT_MIN_LITERAL to 255 bytes (the
 * prefilter hashes 4-byte windows).  Returns 0, or -1 after an error.
 */
static int parse_litlist(struct xloader *ld, const char *what, char *rest, struct litlist *l)
{
	int bad = 0;
	if (!*rest) {
		lex_error(&ld->lx, rest, "%s: expected LITERAL | LITERAL ...", what);
		return -1;
	}
	for (char *p = rest; p;) {
		char *bar = strchr(p, '|');
		if (bar)
			*bar = '\0';
		size_t n = strlen(p);
		while (n && is_blank(p[n - 1]))
			n--;
		while (n && is_blank(*p)) {
			p++;
			n--;
		}
		if (n < EXTRACT_MIN_LITERAL || n > 255) {
			lex_error(&ld->lx, p, "%s: literal '%.*s' must be %d to 255 bytes long",
				  what, (int)n, p, EXTRACT_MIN_LITERAL);
			bad = 1;
		} else {
			l->lit = xrealloc(l->lit, (l->n + 1) * sizeof *l->lit);
			l->lit[l->n++] = xstrndup(p, n);
		}
		p = bar ? bar + 1 : NULL;
	}
	return bad ? -1 : 0;
}

/* Case-insensitive (ASCII) substring test, as the prefilter compares. */
static int contains_ci(const char *s, const char *lit)
{
	size_t n = strlen(s), k = strlen(lit);
	for (size_t i = 0; k <= n && i <= n - k; i++) {
		size_t j = 0;
		while (j < k && (s[i + j] | 0x20) == (lit[j] | 0x20))
			j++;
		if (j == k)
			return 1;
	}
	return 0;
}

static int litlist_hit(const struct litlist *l, const char *s)
{
	for (size_t i = 0; i < l->n; i++)
		if (contains_ci(s, l->lit[i]))
			return 1;
	return 0;
}

static void free_extractor(struct extractor *e)
{
	free(e->id);
	pcre2_code_free(e->re);
	free(e->group_field);
	for (size_t i = 0; i < e->nfixed; i++)
		free(e->fixed[i].value);
	free(e->fixed);
	for (size_t i = 0; i < e->nexamples; i++)
		free(e->examples[i].text);
	free(e->examples);
	free_litlist(&e->needs);
	memset(e, 0, sizeof *e);
}

/*
 * Compile the pattern at arg (pattern.h) into e, and map its named groups to
 * fields through the name table (PCRE2_INFO_NAMETABLE).
 */
static int compile_pattern(struct xloader *ld, struct extractor *e, char *arg)
{
	struct pattern p;
	char *after;
	if (pattern_compile(&ld->lx, &ld->rs->defines, arg, ld->use_jit, &p, &after) != 0)
		return -1;
	while (*after == ' ' || *after == '\t')
		after++;
	if (*after) {
		lex_error(&ld->lx, after, "unexpected text after the pattern");
		pattern_free(&p);
		return -1;
	}
	pcre2_code *re = p.re;
	uint32_t ngroups = 0, namecount = 0, entsize = 0;
	PCRE2_SPTR table = NULL;
	pcre2_pattern_info(re, PCRE2_INFO_CAPTURECOUNT, &ngroups);
	pcre2_pattern_info(re, PCRE2_INFO_NAMECOUNT, &namecount);
	pcre2_pattern_info(re, PCRE2_INFO_NAMEENTRYSIZE, &entsize);
	pcre2_pattern_info(re, PCRE2_INFO_NAMETABLE, &table);
	int *gf = xmalloc(((size_t)ngroups + 1) * sizeof *gf);
	for (uint32_t g = 0; g <= ngroups; g++)
		gf[g] = -1;
	int bad = 0;
	for (uint32_t i = 0; i < namecount; i++) {
		PCRE2_SPTR ent = table + (size_t)i * entsize;
		uint32_t g = ((uint32_t)ent[0] << 8) | ent[1];
		const char *name = (const char *)(ent + 2);
		int f = rules_field(ld->rs, name);
		if (f < 0) {
			lex_error(&ld->lx, arg,
				  "named group '%s' is not a declared field (fields.conf)", name);
			bad = 1;
			continue;
		}
		if (g <= ngroups)
			gf[g] = f;
	}
	if (!bad && namecount == 0) {
		lex_error(&ld->lx, arg,
			  "pattern has no named group: name each value (?<FIELD>...)");
		bad = 1;
	}
	if (bad) {
		free(gf);
		pattern_free(&p);
		return -1;
	}
	pcre2_code_free(e->re);
	free(e->group_field);
	e->re = re;
	e->jit = p.jit;
	e->ngroups = ngroups;
	e->group_field = gf;
	p.re = NULL;
	pattern_free(&p);
	if (ngroups > ld->set->max_groups)
		ld->set->max_groups = ngroups;
	return 0;
}

static void add_fixed(struct extractor *e, int field, const char *value)
{
	for (size_t i = 0; i < e->nfixed; i++) {
		if (e->fixed[i].field == field) {
			free(e->fixed[i].value);
			e->fixed[i].value = xstrdup(value);
			return;
		}
	}
	e->fixed = xrealloc(e->fixed, (e->nfixed + 1) * sizeof *e->fixed);
	e->fixed[e->nfixed].field = field;
	e->fixed[e->nfixed].value = xstrdup(value);
	e->nfixed++;
}

/* Close the current stanza: keep it if it is complete. */
static void finish_stanza(struct xloader *ld)
{
	struct extractor *e = &ld->cur;
	if (!e->kind) {
		lex_error_line(&ld->lx, e->line, "extract %s: missing 'kind'", e->id);
		e->bad = 1;
	}
	if (!e->re && !e->bad) {
		lex_error_line(&ld->lx, e->line, "extract %s: missing 'pattern'", e->id);
		e->bad = 1;
	}
	if (!e->nexamples) {
		lex_error_line(&ld->lx, e->line, "extract %s: needs at least one 'example'", e->id);
		e->bad = 1;
	}
	/* The prefilter skips lines without a `needs` literal: an example
	 * without one would be a signature the reader can never see. */
	for (size_t i = 0; e->needs.n && i < e->nexamples; i++) {
		if (litlist_hit(&e->needs, e->examples[i].text))
			continue;
		lex_error_line(&ld->lx, e->examples[i].line,
			       "extract %s: example holds none of the 'needs' literals", e->id);
		e->bad = 1;
	}
	if (e->bad) {
		free_extractor(e);
	} else {
		struct extract_set *x = ld->set;
		x->x = xgrow(x->x, &ld->cap, x->n + 1, sizeof *x->x);
		x->x[x->n++] = *e;
		memset(e, 0, sizeof *e);
	}
	ld->in_stanza = 0;
}

static void start_stanza(struct xloader *ld, char *rest)
{
	struct extractor *e = &ld->cur;
	char *id = str_take_word(rest, &rest);
	if (!valid_id(id)) {
		lex_error(&ld->lx, id, "extract: bad id '%s' (use [a-z0-9][a-z0-9-]*)", id);
	} else {
		for (size_t i = 0; i < ld->set->n; i++)
			if (strcmp(ld->set->x[i].id, id) == 0)
				lex_error(&ld->lx, id, "extract %s: id already used at line %d", id,
					  ld->set->x[i].line);
	}
	if (*rest)
		lex_error(&ld->lx, rest, "extract %s: unexpected text after the id", id);
	memset(e, 0, sizeof *e);
	e->id = xstrdup(id);
	e->line = ld->lx.line;
	ld->in_stanza = 1;
}

/* `xml KIND FIELD NAME | NAME ...` */
static void parse_xml(struct xloader *ld, char *rest)
{
	char *kname = str_take_word(rest, &rest);
	char *fname = str_take_word(rest, &rest);
	unsigned k = kind_parse(kname);
	int f = rules_field(ld->rs, fname);
	if (!k || (k != KIND_TOKEN_RESPONSE && k != KIND_API_ERROR)) {
		lex_error(&ld->lx, kname,
			  "xml: expected the kind token-response or api-error, got '%s'", kname);
		return;
	}
	if (f < 0) {
		lex_error(&ld->lx, fname, "xml: unknown field '%s' (declare it in fields.conf)",
			  fname);
		return;
	}
	struct xml_map m = {k, f, {0}};
	if (parse_litlist(ld, "xml", rest, &m.names) != 0) {
		free_litlist(&m.names);
		return;
	}
	struct extract_set *x = ld->set;
	x->xml = xrealloc(x->xml, (x->nxml + 1) * sizeof *x->xml);
	x->xml[x->nxml++] = m;
}

/* A line's one pattern, with nothing after it: the compiled pattern, or
 * NULL after an error. */
static pcre2_code *compile_alone(struct xloader *ld, char *rest)
{
	struct pattern p;
	char *after;
	if (pattern_compile(&ld->lx, &ld->rs->defines, rest, ld->use_jit, &p, &after) != 0)
		return NULL;
	while (is_blank(*after))
		after++;
	if (*after) {
		lex_error(&ld->lx, after, "unexpected text after the pattern");
		pattern_free(&p);
		return NULL;
	}
	pcre2_code *re = p.re;
	p.re = NULL;
	pattern_free(&p);
	return re;
}

/* `status-pattern /RE/`: any pattern, no named group needed. */
static void parse_status(struct xloader *ld, char *kw, char *rest)
{
	if (ld->set->status_re) {
		lex_error(&ld->lx, kw, "status-pattern: given twice");
		return;
	}
	ld->set->status_re = compile_alone(ld, rest);
}

/* `row-columns FIELD|- ...`: the page's columns, in order. */
static void parse_row_columns(struct xloader *ld, char *kw, char *rest)
{
	struct extract_set *x = ld->set;
	if (x->nrow_cols) {
		lex_error(&ld->lx, kw, "row-columns: given twice");
		return;
	}
	char *w;
	while (*(w = str_take_word(rest, &rest))) {
		int f = strcmp(w, "-") == 0 ? -1 : rules_field(ld->rs, w);
		if (f < 0 && strcmp(w, "-") != 0) {
			lex_error(&ld->lx, w,
				  "row-columns: unknown field '%s' (declare it in "
				  "fields.conf, or write - for a column sfdiag ignores)",
				  w);
			continue;
		}
		x->row_cols = xrealloc(x->row_cols, (x->nrow_cols + 1) * sizeof *x->row_cols);
		x->row_cols[x->nrow_cols++] = f;
	}
	if (!x->nrow_cols)
		lex_error(&ld->lx, kw, "row-columns: expected the page's fields, in order");
}

/* `row-cell FIELD /RE/`: what a value of that column looks like. */
static void parse_row_cell(struct xloader *ld, char *kw, char *rest)
{
	char *name = str_take_word(rest, &rest);
	int f = rules_field(ld->rs, name);
	if (f < 0) {
		lex_error(&ld->lx, *name ? name : kw, "row-cell: unknown field '%s'", name);
		return;
	}
	if (ld->set->row_cell[f]) {
		lex_error(&ld->lx, name, "row-cell %s: given twice", name);
		return;
	}
	ld->set->row_cell[f] = compile_alone(ld, rest);
}

/* `row-require FIELD ...`: a row is recognised only when it shows them. */
static void parse_row_require(struct xloader *ld, char *kw, char *rest)
{
	char *w;
	int any = 0;
	while (*(w = str_take_word(rest, &rest))) {
		int f = rules_field(ld->rs, w);
		if (f < 0)
			lex_error(&ld->lx, w, "row-require: unknown field '%s'", w);
		else
			ld->set->row_require |= (uint64_t)1 << f;
		any = 1;
	}
	if (!any)
		lex_error(&ld->lx, kw, "row-require: expected fields");
}

/* One logical line. */
static void parse_line(struct xloader *ld, char *text)
{
	char *rest;
	char *kw = str_take_word(text, &rest);
	struct ruleset *rs = ld->rs;
	struct lexer *lx = &ld->lx;
	struct extractor *e = &ld->cur;

	if (!ld->in_stanza) {
		if (strcmp(kw, "extract") == 0) {
			start_stanza(ld, rest);
		} else if (strcmp(kw, "prefix") == 0) {
			if (ld->set->has_prefix) {
				lex_error(lx, kw, "prefix: given twice");
				return;
			}
			if (compile_pattern(ld, &ld->set->prefix, rest) == 0)
				ld->set->has_prefix = 1;
		} else if (strcmp(kw, "define") == 0) {
			pattern_define(lx, &rs->defines, rest, ld->use_jit);
		} else if (strcmp(kw, "vocabulary") == 0) {
			parse_litlist(ld, "vocabulary", rest, &ld->set->vocabulary);
		} else if (strcmp(kw, "status-needs") == 0) {
			parse_litlist(ld, "status-needs", rest, &ld->set->status_needs);
		} else if (strcmp(kw, "status-pattern") == 0) {
			parse_status(ld, kw, rest);
		} else if (strcmp(kw, "xml") == 0) {
			parse_xml(ld, rest);
		} else if (strcmp(kw, "row-columns") == 0) {
			parse_row_columns(ld, kw, rest);
		} else if (strcmp(kw, "row-cell") == 0) {
			parse_row_cell(ld, kw, rest);
		} else if (strcmp(kw, "row-require") == 0) {
			parse_row_require(ld, kw, rest);
		} else if (strcmp(kw, "end") == 0) {
			lex_error(lx, kw, "'end' without 'extract'");
		} else {
			lex_error(
			    lx, kw,
			    "expected 'extract ID', 'prefix /RE/', 'define', 'vocabulary', "
			    "'status-pattern', 'status-needs', 'xml', 'row-columns', 'row-cell' "
			    "or 'row-require', got '%s'",
			    kw);
		}
		return;
	}

	if (strcmp(kw, "end") == 0) {
		if (*rest)
			lex_error(lx, rest, "unexpected text after 'end'");
		finish_stanza(ld);
	} else if (strcmp(kw, "extract") == 0) {
		lex_error(lx, kw, "extract %s: missing 'end' before this 'extract'", e->id);
		finish_stanza(ld);
		start_stanza(ld, rest);
	} else if (strcmp(kw, "kind") == 0) {
		char *name = str_take_word(rest, &rest);
		unsigned k = kind_parse(name);
		if (!k || *rest) {
			lex_error(lx, name,
				  "kind: expected one input kind (token-response, api-error, ...), "
				  "got '%s%s%s'",
				  name, *rest ? " " : "", rest);
			e->bad = 1;
		} else if (e->kind) {
			lex_error(lx, kw, "extract %s: 'kind' given twice", e->id);
		} else {
			e->kind = k;
		}
	} else if (strcmp(kw, "client") == 0) {
		char *name = str_take_word(rest, &rest);
		int f = rs->f.client;
		if (!*name || *rest) {
			lex_error(lx, name, "client: expected one word");
			e->bad = 1;
		} else if (f < 0) {
			lex_error(lx, kw,
				  "client: the field 'client' is not declared (fields.conf)");
			e->bad = 1;
		} else if (e->has_client) {
			lex_error(lx, kw, "extract %s: 'client' given twice", e->id);
		} else {
			e->has_client = 1;
			add_fixed(e, f, name);
		}
	} else if (strcmp(kw, "field") == 0) {
		char *name = str_take_word(rest, &rest);
		int f = rules_field(rs, name);
		if (f < 0) {
			lex_error(lx, name, "field: unknown field '%s' (declare it in fields.conf)",
				  name);
			e->bad = 1;
		} else if (!*rest) {
			lex_error(lx, name, "field %s: missing value", name);
			e->bad = 1;
		} else {
			add_fixed(e, f, rest);
		}
	} else if (strcmp(kw, "pattern") == 0) {
		if (e->re) {
			lex_error(lx, kw, "extract %s: 'pattern' given twice", e->id);
			e->bad = 1;
		} else if (compile_pattern(ld, e, rest) != 0) {
			e->bad = 1;
		}
	} else if (strcmp(kw, "needs") == 0) {
		if (e->needs.n)
			lex_error(lx, kw, "extract %s: 'needs' given twice", e->id);
		if (e->needs.n || parse_litlist(ld, "needs", rest, &e->needs) != 0)
			e->bad = 1;
	} else if (strcmp(kw, "example") == 0) {
		if (!*rest) {
			lex_error(lx, kw, "example: missing text");
			e->bad = 1;
			return;
		}
		e->examples = xrealloc(e->examples, (e->nexamples + 1) * sizeof *e->examples);
		e->examples[e->nexamples].line = lx->line;
		e->examples[e->nexamples].text = xstrdup(rest);
		e->nexamples++;
	} else {
		lex_error(lx, kw,
			  "extract %s: unknown directive '%s' (kind, client, field, pattern, "
			  "needs, example, end)",
			  e->id, kw);
		e->bad = 1;
	}
}

struct extract_set *extract_load(struct ruleset *rs, const char *path, int use_jit,
				 rules_error_fn err, void *ctx, int *nerr)
{
	*nerr = 0;
	struct extract_set *x = xcalloc(1, sizeof *x);
	x->file = xstrdup(path);
	x->f_host = rs->f.host;
	struct xloader ld = {.rs = rs, .set = x, .use_jit = use_jit};
	int rc = lex_open(&ld.lx, x->file, err, ctx);
	if (rc != 0) {
		*nerr = ld.lx.nerrors;
		extract_free(x);
		return NULL; /* -1: no extract.conf, which is allowed */
	}
	char *text;
	while ((text = lex_next(&ld.lx)) != NULL)
		parse_line(&ld, text);
	if (ld.in_stanza) {
		lex_error_line(&ld.lx, ld.cur.line, "extract %s: missing 'end'", ld.cur.id);
		free_extractor(&ld.cur);
	}
	if (x->status_re && !x->status_needs.n)
		lex_error_line(
		    &ld.lx, 0,
		    "status-pattern needs a 'status-needs' list (the prefilter's literals)");
	lex_close(&ld.lx);
	if (ld.lx.nerrors) {
		*nerr = ld.lx.nerrors;
		extract_free(x);
		return NULL;
	}
	return x;
}

void extract_free(struct extract_set *x)
{
	if (!x)
		return;
	for (size_t i = 0; i < x->n; i++)
		free_extractor(&x->x[i]);
	free(x->x);
	free_extractor(&x->prefix);
	free_litlist(&x->vocabulary);
	free(x->row_cols);
	for (size_t f = 0; f < SFDIAG_MAX_FIELDS; f++)
		pcre2_code_free(x->row_cell[f]);
	free_litlist(&x->status_needs);
	pcre2_code_free(x->status_re);
	for (size_t i = 0; i < x->nxml; i++)
		free_litlist(&x->xml[i].names);
	free(x->xml);
	free(x->file);
	free(x);
}

size_t extract_count(const struct extract_set *x)
{
	return x ? x->n : 0;
}

/* ---- matching ---- */
