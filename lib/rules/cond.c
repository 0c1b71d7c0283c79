/*
 * cond.c - one condition of a rule or of fields.conf `success`, parsed and
 * compiled; condition trees counted and described (see load.h, ruleset.h).
 */
#include <stdlib.h>
#include <string.h>

#include "base/util.h"
#include "rules/load.h"

static const struct {
	const char *op;
	enum cond_cmp cmp;
} comparisons[] = {
    {"==", CMP_EQ},
    {"!=", CMP_NE},
    {"starts-with", CMP_STARTS},
    {"ends-with", CMP_ENDS},
    {"contains", CMP_CONTAINS},
};

static const char *cmp_name(enum cond_cmp cmp)
{
	for (size_t i = 0; i < sizeof comparisons / sizeof comparisons[0]; i++)
		if (comparisons[i].cmp == cmp)
			return comparisons[i].op;
	return "?";
}

void cond_free(struct cond *c)
{
	pattern_free(&c->pat);
}

static struct cond *push(struct cond **v, size_t *n, size_t *cap, enum cond_type type, int line)
{
	*v = xgrow(*v, cap, *n + 1, sizeof **v);
	struct cond *c = &(*v)[(*n)++];
	memset(c, 0, sizeof *c);
	c->type = type;
	c->field = c->other = -1;
	c->line = line;
	return c;
}

/* The field named by the word at name (NUL-terminated), or -1 after an error. */
static int field_at(struct loader *ld, const char *name)
{
	int f = rules_field(ld->rs, name);
	if (f < 0)
		lex_error(&ld->lx, name, "unknown field '%s' (declare it in fields.conf)", name);
	return f;
}

/* The comparison op names, or -1. */
static int comparison_of(const char *op)
{
	for (size_t i = 0; i < sizeof comparisons / sizeof comparisons[0]; i++)
		if (strcmp(op, comparisons[i].op) == 0)
			return (int)comparisons[i].cmp;
	return -1;
}

int cond_parse(struct loader *ld, char *text, struct cond **v, size_t *n, size_t *cap)
{
	struct ruleset *rs = ld->rs;
	struct lexer *lx = &ld->lx;
	char *rest;
	char *fname = str_take_word(text, &rest);
	char *op = str_take_word(rest, &rest);
	size_t first = *n;

	/* FIELD, or a list A|B|C: the test holds when it holds for any of them. */
	int fields[SFDIAG_MAX_FIELDS];
	size_t nf = 0;
	for (char *p = fname;;) {
		char *bar = strchr(p, '|');
		if (bar)
			*bar = '\0';
		if (nf == SFDIAG_MAX_FIELDS) {
			lex_error(lx, p, "more than SFDIAG_MAX_FIELDS fields in one list");
			return -1;
		}
		if ((fields[nf++] = field_at(ld, p)) < 0)
			return -1;
		if (!bar)
			break;
		p = bar + 1;
	}

	int cmp = comparison_of(op);
	if (cmp >= 0) {
		char *oname = str_take_word(rest, &rest);
		if (nf > 1) {
			lex_error(lx, fname,
				  "a comparison takes one field on each side, not a list");
			return -1;
		}
		if (!*oname) {
			lex_error(lx, oname, "'%s' needs a field after it", op);
			return -1;
		}
		int g = field_at(ld, oname);
		if (g < 0)
			return -1;
		if (*rest) {
			lex_error(lx, rest, "unexpected text after '%s %s %s'", fname, op, oname);
			return -1;
		}
		if (g == fields[0]) {
			lex_error(lx, oname, "'%s' is compared with itself", fname);
			return -1;
		}
		struct cond *c = push(v, n, cap, COND_COMPARE, lx->line);
		c->field = fields[0];
		c->other = g;
		c->cmp = (enum cond_cmp)cmp;
		return 0;
	}
	if (strcmp(op, "~") != 0 && strcmp(op, "!~") != 0) {
		lex_error(lx, op,
			  "expected ~, !~, ==, !=, starts-with, ends-with or contains after '%s', "
			  "got '%s'",
			  fname, op);
		return -1;
	}
	if (nf > 1)
		push(v, n, cap, COND_ANY, lx->line)->span = nf;
	for (size_t i = 0; i < nf; i++) {
		struct pattern pat;
		char *after;
		if (pattern_compile(lx, &rs->defines, rest, rs->use_jit, &pat, &after) != 0)
			goto fail;
		while (*after == ' ' || *after == '\t')
			after++;
		if (*after) {
			lex_error(lx, after, "unexpected text after the pattern");
			pattern_free(&pat);
			goto fail;
		}
		struct cond *c = push(v, n, cap, COND_MATCH, lx->line);
		c->field = fields[i];
		c->negate = op[0] == '!';
		c->pat = pat;
	}
	/* Ids only once all compiled, so that a failure takes none. */
	for (size_t i = first; i < *n; i++)
		if ((*v)[i].type == COND_MATCH)
			(*v)[i].id = rs->fields[(*v)[i].field].nconds++;
	return 0;
fail:
	for (size_t i = first; i < *n; i++)
		cond_free(&(*v)[i]);
	*n = first;
	return -1;
}

size_t rules_count_tests(const struct rule *r)
{
	size_t k = 0;
	for (size_t i = 0; i < r->nconds; i++)
		k += r->conds[i].type == COND_MATCH || r->conds[i].type == COND_COMPARE;
	return k;
}

/* Describe c[0..n) at depth; returns nothing, appends lines. */
static void describe(const struct ruleset *rs, const struct cond *c, size_t n, struct strbuf *out,
		     int indent)
{
	static const char *const group[] = {
	    [COND_ALL] = "all of:", [COND_ANY] = "any of:", [COND_NONE] = "none of:"};
	for (size_t i = 0; i < n; i++) {
		sb_printf(out, "%*s", indent, "");
		switch (c[i].type) {
		case COND_MATCH:
			sb_printf(out, "%s %s /%s/%s\n", rs->fields[c[i].field].name,
				  c[i].negate ? "!~" : "~", c[i].pat.source, c[i].pat.flags);
			break;
		case COND_COMPARE:
			sb_printf(out, "%s %s %s\n", rs->fields[c[i].field].name,
				  cmp_name(c[i].cmp), rs->fields[c[i].other].name);
			break;
		case COND_ALL:
		case COND_ANY:
		case COND_NONE:
			sb_printf(out, "%s\n", group[c[i].type]);
			describe(rs, c + i + 1, c[i].span, out, indent + 2);
			i += c[i].span;
			break;
		}
	}
}

/* Add the defines that source refers to (and theirs) to used[], once each. */
static void collect_defines(const struct ruleset *rs, const char *source,
			    const struct define **used, size_t *nused, size_t max)
{
	for (const char *s = source; (s = strstr(s, "%{")) != NULL; s += 2) {
		if (s > source && s[-1] == '\\')
			continue;
		const char *e = strchr(s + 2, '}');
		const struct define *d =
		    e ? pattern_find_define(&rs->defines, s + 2, (size_t)(e - s - 2)) : NULL;
		if (!d)
			continue;
		size_t k = 0;
		while (k < *nused && used[k] != d)
			k++;
		if (k < *nused || *nused == max)
			continue;
		used[(*nused)++] = d;
		collect_defines(rs, d->source, used, nused, max);
	}
}

void rules_describe_conds(const struct ruleset *rs, const struct cond *c, size_t n,
			  struct strbuf *out, int indent)
{
	describe(rs, c, n, out, indent);
	const struct define *used[64];
	size_t nused = 0;
	for (size_t i = 0; i < n; i++)
		if (c[i].type == COND_MATCH)
			collect_defines(rs, c[i].pat.source, used, &nused,
					sizeof used / sizeof used[0]);
	for (size_t k = 0; k < nused; k++)
		sb_printf(out, "%*swhere %%{%s} is /%s/%s\n", indent, "", used[k]->name,
			  used[k]->source, used[k]->flags);
}
