/*
 * extract.c - load and compile rules/extract.conf (see rules/extract.h).
 */
#include "rules/extract.h"

#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/util.h"

/* ---- loading ---- */

struct xloader {
	const struct ruleset *rs;
	struct extract_set *set;
	rules_error_fn err;
	void *ctx;
	int use_jit;
	int line;
	int nerrors;
	struct extractor cur;
	int in_stanza;
	size_t cap;
};

static void xerror(struct xloader *ld, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void xerror(struct xloader *ld, const char *fmt, ...)
{
	struct strbuf sb = {0};
	va_list ap;
	sb_printf(&sb, "%s:%d: ", ld->set->file, ld->line);
	va_start(ap, fmt);
	sb_vprintf(&sb, fmt, ap);
	va_end(ap);
	ld->err(ld->ctx, sb_str(&sb));
	sb_free(&sb);
	ld->nerrors++;
}

static int is_blank(char c)
{
	return c == ' ' || c == '\t';
}

static int valid_id(const char *s)
{
	if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9')))
		return 0;
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') || *s == '-'))
			return 0;
	return 1;
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
	memset(e, 0, sizeof *e);
}

/*
 * Compile "/RE/FLAGS" (arg, at 0-based column col0 of the line) into e.
 * Reports "FILE:LINE:COL: bad pattern at offset N: ..." with COL pointing at
 * the offending byte of the line.
 */
static int compile_pattern(struct xloader *ld, struct extractor *e, const char *arg, size_t col0)
{
	const char *close = strrchr(arg, '/');
	if (arg[0] != '/' || close == arg) {
		xerror(ld, "pattern must be written /.../");
		return -1;
	}
	uint32_t opts =
	    PCRE2_UTF | PCRE2_MATCH_INVALID_UTF | PCRE2_NEVER_BACKSLASH_C | PCRE2_DUPNAMES;
	for (const char *f = close + 1; *f; f++) {
		switch (*f) {
		case 'i':
			opts |= PCRE2_CASELESS;
			break;
		case 'x':
			opts |= PCRE2_EXTENDED;
			break;
		case 's':
			opts |= PCRE2_DOTALL;
			break;
		case 'm':
			opts |= PCRE2_MULTILINE;
			break;
		default:
			xerror(ld, "unknown pattern flag '%c' (use i, x, s or m)", *f);
			return -1;
		}
	}
	int errcode;
	PCRE2_SIZE erroff;
	size_t plen = (size_t)(close - arg - 1);
	pcre2_code *re = pcre2_compile((PCRE2_SPTR)(arg + 1), plen, opts, &errcode, &erroff, NULL);
	if (!re) {
		PCRE2_UCHAR msg[120];
		pcre2_get_error_message(errcode, msg, sizeof msg);
		struct strbuf sb = {0};
		sb_printf(&sb, "%s:%d:%zu: bad pattern at offset %zu: %s", ld->set->file, ld->line,
			  col0 + 1 + (size_t)erroff + 1, (size_t)erroff, (const char *)msg);
		ld->err(ld->ctx, sb_str(&sb));
		sb_free(&sb);
		ld->nerrors++;
		return -1;
	}

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
			xerror(ld, "named group '%s' is not a declared field (fields.conf)", name);
			bad = 1;
			continue;
		}
		if (g <= ngroups)
			gf[g] = f;
	}
	if (bad) {
		free(gf);
		pcre2_code_free(re);
		return -1;
	}
	if (namecount == 0) {
		xerror(ld, "pattern has no named group: name each value (?<FIELD>...)");
		free(gf);
		pcre2_code_free(re);
		return -1;
	}
	/* Without the JIT (--no-jit, or no JIT for this CPU) the interpreter runs. */
	int jit = ld->use_jit && pcre2_jit_compile(re, PCRE2_JIT_COMPLETE) == 0;
	pcre2_code_free(e->re);
	free(e->group_field);
	e->re = re;
	e->jit = jit;
	e->ngroups = ngroups;
	e->group_field = gf;
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
	int line = ld->line;
	ld->line = e->line;
	if (!e->kind) {
		xerror(ld, "extract %s: missing 'kind'", e->id);
		e->bad = 1;
	}
	if (!e->re && !e->bad) {
		xerror(ld, "extract %s: missing 'pattern'", e->id);
		e->bad = 1;
	}
	if (!e->nexamples) {
		xerror(ld, "extract %s: needs at least one 'example'", e->id);
		e->bad = 1;
	}
	ld->line = line;
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
		xerror(ld, "extract: bad id '%s' (use [a-z0-9][a-z0-9-]*)", id);
	} else {
		for (size_t i = 0; i < ld->set->n; i++)
			if (strcmp(ld->set->x[i].id, id) == 0)
				xerror(ld, "extract %s: id already used at line %d", id,
				       ld->set->x[i].line);
	}
	if (*rest)
		xerror(ld, "extract %s: unexpected text after the id", id);
	memset(e, 0, sizeof *e);
	e->id = xstrdup(id);
	e->line = ld->line;
	ld->in_stanza = 1;
}

/* One logical line; text keeps its indentation so that columns are right. */
static void parse_line(struct xloader *ld, char *text)
{
	char *rest;
	char *kw = str_take_word(text, &rest);
	size_t col = (size_t)(rest - text);
	const struct ruleset *rs = ld->rs;
	struct extractor *e = &ld->cur;

	if (!ld->in_stanza) {
		if (strcmp(kw, "extract") == 0) {
			start_stanza(ld, rest);
		} else if (strcmp(kw, "prefix") == 0) {
			if (ld->set->has_prefix) {
				xerror(ld, "prefix: given twice");
				return;
			}
			if (compile_pattern(ld, &ld->set->prefix, rest, col) == 0)
				ld->set->has_prefix = 1;
		} else if (strcmp(kw, "end") == 0) {
			xerror(ld, "'end' without 'extract'");
		} else {
			xerror(ld, "expected 'extract ID' or 'prefix /RE/', got '%s'", kw);
		}
		return;
	}

	if (strcmp(kw, "end") == 0) {
		if (*rest)
			xerror(ld, "unexpected text after 'end'");
		finish_stanza(ld);
	} else if (strcmp(kw, "extract") == 0) {
		xerror(ld, "extract %s: missing 'end' before this 'extract'", e->id);
		finish_stanza(ld);
		start_stanza(ld, rest);
	} else if (strcmp(kw, "kind") == 0) {
		char *name = str_take_word(rest, &rest);
		unsigned k = kind_parse(name);
		if (!k || *rest) {
			xerror(ld,
			       "kind: expected one input kind (token-response, api-error, ...), "
			       "got '%s%s%s'",
			       name, *rest ? " " : "", rest);
			e->bad = 1;
		} else if (e->kind) {
			xerror(ld, "extract %s: 'kind' given twice", e->id);
		} else {
			e->kind = k;
		}
	} else if (strcmp(kw, "client") == 0) {
		char *name = str_take_word(rest, &rest);
		int f = rs->f.client;
		if (!*name || *rest) {
			xerror(ld, "client: expected one word");
			e->bad = 1;
		} else if (f < 0) {
			xerror(ld, "client: the field 'client' is not declared (fields.conf)");
			e->bad = 1;
		} else if (e->has_client) {
			xerror(ld, "extract %s: 'client' given twice", e->id);
		} else {
			e->has_client = 1;
			add_fixed(e, f, name);
		}
	} else if (strcmp(kw, "field") == 0) {
		char *name = str_take_word(rest, &rest);
		int f = rules_field(rs, name);
		if (f < 0) {
			xerror(ld, "field: unknown field '%s' (declare it in fields.conf)", name);
			e->bad = 1;
		} else if (!*rest) {
			xerror(ld, "field %s: missing value", name);
			e->bad = 1;
		} else {
			add_fixed(e, f, rest);
		}
	} else if (strcmp(kw, "pattern") == 0) {
		if (e->re) {
			xerror(ld, "extract %s: 'pattern' given twice", e->id);
			e->bad = 1;
		} else if (compile_pattern(ld, e, rest, col) != 0) {
			e->bad = 1;
		}
	} else if (strcmp(kw, "example") == 0) {
		if (!*rest) {
			xerror(ld, "example: missing text");
			e->bad = 1;
			return;
		}
		e->examples = xrealloc(e->examples, (e->nexamples + 1) * sizeof *e->examples);
		e->examples[e->nexamples].line = ld->line;
		e->examples[e->nexamples].text = xstrdup(rest);
		e->nexamples++;
	} else {
		xerror(ld,
		       "extract %s: unknown directive '%s' (kind, client, field, pattern, "
		       "example, end)",
		       e->id, kw);
		e->bad = 1;
	}
}

/*
 * Read path one logical line at a time: comments and blank lines skipped,
 * a trailing backslash joins the next line with one space.
 */
static int read_file(struct xloader *ld, FILE *fp)
{
	char *line = NULL;
	size_t cap = 0;
	struct strbuf sb = {0};
	int lineno = 0, start = 0, joining = 0, skipping = 0;

	while (getline(&line, &cap, fp) > 0) {
		lineno++;
		str_rtrim(line);
		char *text = line;
		if (joining) {
			while (is_blank(*text))
				text++;
		} else {
			start = lineno;
			skipping = 0;
			sb_reset(&sb);
			const char *p = line;
			while (is_blank(*p))
				p++;
			if (*p == '#' || *p == '\0')
				continue;
		}
		size_t n = strlen(text);
		joining = n && text[n - 1] == '\\';
		if (joining) {
			text[--n] = '\0';
			str_rtrim(text);
			n = strlen(text);
		}
		if (!skipping && sb.len + n + 1 > SFDIAG_MAX_RULE_LINE) {
			ld->line = start;
			xerror(ld, "line longer than SFDIAG_MAX_RULE_LINE (%d bytes)",
			       SFDIAG_MAX_RULE_LINE);
			skipping = 1;
		}
		if (skipping)
			continue;
		sb_add(&sb, text, n);
		if (joining) {
			sb_addc(&sb, ' ');
			continue;
		}
		ld->line = start;
		parse_line(ld, sb.buf);
	}
	if (joining && !skipping && sb.len) { /* a backslash on the last line */
		ld->line = start;
		parse_line(ld, sb.buf);
	}
	int rc = ferror(fp) ? -1 : 0;
	free(line);
	sb_free(&sb);
	return rc;
}

struct extract_set *extract_load(const struct ruleset *rs, const char *path, int use_jit,
				 rules_error_fn err, void *ctx, int *nerr)
{
	*nerr = 0;
	FILE *fp = fopen(path, "r");
	if (!fp) {
		if (errno == ENOENT)
			return NULL;
		struct strbuf sb = {0};
		sb_printf(&sb, "%s: %s", path, strerror(errno));
		err(ctx, sb_str(&sb));
		sb_free(&sb);
		*nerr = 1;
		return NULL;
	}
	struct extract_set *x = xcalloc(1, sizeof *x);
	x->file = xstrdup(path);
	x->f_host = rs->f.host;
	struct xloader ld = {.rs = rs, .set = x, .err = err, .ctx = ctx, .use_jit = use_jit};

	if (read_file(&ld, fp) != 0) {
		ld.line = 0;
		struct strbuf sb = {0};
		sb_printf(&sb, "%s: read error", path);
		err(ctx, sb_str(&sb));
		sb_free(&sb);
		ld.nerrors++;
	}
	fclose(fp);
	if (ld.in_stanza) {
		ld.line = ld.cur.line;
		xerror(&ld, "extract %s: missing 'end'", ld.cur.id);
		free_extractor(&ld.cur);
	}
	if (ld.nerrors) {
		*nerr = ld.nerrors;
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
	free(x->file);
	free(x);
}

size_t extract_count(const struct extract_set *x)
{
	return x ? x->n : 0;
}

/* ---- matching ---- */
