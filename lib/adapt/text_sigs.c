/*
 * text_sigs.c - see text_sigs.h.
 */
#include "adapt/text_sigs.h"

#include <stdlib.h>
#include <string.h>

#include "base/util.h"

/* Longest literal taken from a pattern. */
#define SIG_LIT_MAX 120
/* Most alternatives taken from one leading group. */
#define SIG_ALTS 8

struct sig {
	const struct cond *cond;
	unsigned kind;
	int anchored; /* the pattern starts with ^ */
};

struct text_sigs {
	const struct ruleset *rs;
	struct sig *s;
	size_t n, cap;
};

/* A byte that stands for itself in a PCRE2 pattern (outside a class). */
static int plain(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       (c != '\0' && strchr(" '\",-:;=!@#&~`<>_/", c) != NULL);
}

static int quantifier(char c)
{
	return c == '?' || c == '*' || c == '{';
}

/*
 * The literal p starts with, up to a metacharacter: escaped punctuation
 * counts as itself; a byte a quantifier follows is left out (it may be
 * absent).  Writes it to out (size SIG_LIT_MAX + 1), returns its length
 * and sets *end past what was read.
 */
static size_t literal_run(const char *p, const char **end, char *out)
{
	size_t n = 0;
	while (*p && n < SIG_LIT_MAX) {
		size_t len = 1;
		char c = *p;
		if (c == '\\') {
			char e = p[1];
			if (e == '\0' || (e >= 'a' && e <= 'z') || (e >= 'A' && e <= 'Z') ||
			    (e >= '0' && e <= '9'))
				break;
			c = e;
			len = 2;
		} else if (!plain(c)) {
			break;
		}
		if (quantifier(p[len]))
			break;
		out[n++] = c;
		p += len;
	}
	out[n] = '\0';
	*end = p;
	return n;
}

/*
 * The literals every match of pattern starts with: one, or one per
 * alternative of a leading (?:a|b) group.  Returns how many (0 when the
 * pattern does not start with literals of LITSCAN_MIN bytes or more, or
 * has a top-level alternation).
 */
static size_t pattern_literals(const char *pat, int *anchored, char lits[][SIG_LIT_MAX + 1])
{
	int depth = 0, in_class = 0;
	for (const char *q = pat; *q; q++) {
		if (*q == '\\' && q[1]) {
			q++;
		} else if (in_class) {
			in_class = *q != ']';
		} else if (*q == '[') {
			in_class = 1;
		} else if (*q == '(') {
			depth++;
		} else if (*q == ')') {
			depth--;
		} else if (*q == '|' && depth == 0) {
			return 0;
		}
	}
	const char *p = pat;
	*anchored = *p == '^';
	if (*anchored)
		p++;
	size_t n = 0;
	if (strncmp(p, "(?:", 3) == 0) {
		p += 3;
		for (;;) {
			const char *e;
			size_t k = literal_run(p, &e, lits[n]);
			if (k < LITSCAN_MIN || n + 1 >= SIG_ALTS || (*e != '|' && *e != ')'))
				return 0;
			n++;
			if (*e == ')')
				return quantifier(e[1]) ? 0 : n;
			p = e + 1;
		}
	}
	const char *e;
	size_t k = literal_run(p, &e, lits[0]);
	return k >= LITSCAN_MIN ? 1 : 0;
}

static int accepts_empty(const struct cond *c, pcre2_match_data *md)
{
	int rc = pcre2_match(c->pat.re, (PCRE2_SPTR) "", 0, 0, 0, md, NULL);
	return (rc >= 0) != (c->negate != 0);
}

static int said_field(const struct ruleset *rs, int f)
{
	const int said[] = {rs->f.error,   rs->f.error_code,  rs->f.error_description,
			    rs->f.message, rs->f.http_status, rs->f.body_kind};
	for (size_t k = 0; k < sizeof said / sizeof said[0]; k++)
		if (f == said[k])
			return 1;
	return 0;
}

/*
 * The rule's top-level conditions other than the one at `skip` (the
 * signature's node, or the `any` group holding it) hold for an event that
 * says only the signature's field: each test of what was said accepts an
 * absent value, and no other group tests what was said at all.
 */
static int others_hold(const struct ruleset *rs, const struct rule *r, size_t skip,
		       pcre2_match_data *md)
{
	for (size_t i = 0; i < r->nconds; i += 1 + r->conds[i].span) {
		const struct cond *o = &r->conds[i];
		if (i == skip)
			continue;
		if (o->type == COND_MATCH) {
			if (said_field(rs, o->field) && !accepts_empty(o, md))
				return 0;
		} else if (o->type == COND_COMPARE) {
			if (said_field(rs, o->field) || said_field(rs, o->other))
				return 0;
		} else {
			for (size_t k = i + 1; k <= i + o->span; k++)
				if (said_field(rs, r->conds[k].field) ||
				    (r->conds[k].type == COND_COMPARE &&
				     said_field(rs, r->conds[k].other)))
					return 0;
		}
	}
	return 1;
}

static void add_sig(struct text_sigs *ts, const struct ruleset *rs, const struct rule *r,
		    size_t node, size_t skip, unsigned kind, struct litscan *ls, unsigned cls,
		    pcre2_match_data *md)
{
	char lits[SIG_ALTS][SIG_LIT_MAX + 1];
	const struct cond *c = &r->conds[node];
	if (c->type != COND_MATCH || c->negate || !c->pat.source ||
	    (c->field != rs->f.error_description && c->field != rs->f.message) ||
	    strchr(c->pat.flags, 'x'))
		return;
	int anchored;
	size_t nl = pattern_literals(c->pat.source, &anchored, lits);
	if (!nl || !others_hold(rs, r, skip, md))
		return;
	ts->s = xgrow(ts->s, &ts->cap, ts->n + 1, sizeof *ts->s);
	ts->s[ts->n] = (struct sig){c, kind, anchored};
	for (size_t a = 0; a < nl; a++)
		litscan_add(ls, lits[a], strlen(lits[a]), cls, (unsigned)ts->n);
	ts->n++;
}

struct text_sigs *text_sigs_new(const struct ruleset *rs, struct litscan *ls, unsigned cls)
{
	struct text_sigs *ts = xcalloc(1, sizeof *ts);
	ts->rs = rs;
	pcre2_match_data *md = pcre2_match_data_create(1, NULL);
	if (!md)
		return ts;
	for (size_t i = 0; i < rs->nrules; i++) {
		const struct rule *r = &rs->rules[i];
		unsigned kind = (r->kinds & KIND_TOKEN_RESPONSE) ? KIND_TOKEN_RESPONSE
				: (r->kinds & KIND_API_ERROR)	 ? KIND_API_ERROR
								 : 0;
		if (!kind)
			continue;
		/* Top-level tests, and the alternatives of a top-level `any`. */
		for (size_t k = 0; k < r->nconds; k += 1 + r->conds[k].span) {
			const struct cond *c = &r->conds[k];
			if (c->type == COND_MATCH)
				add_sig(ts, rs, r, k, k, kind, ls, cls, md);
			else if (c->type == COND_ANY)
				for (size_t m = k + 1; m <= k + c->span; m += 1 + r->conds[m].span)
					add_sig(ts, rs, r, m, k, kind, ls, cls, md);
		}
	}
	pcre2_match_data_free(md);
	return ts;
}

void text_sigs_free(struct text_sigs *ts)
{
	if (!ts)
		return;
	free(ts->s);
	free(ts);
}

size_t text_sigs_count(const struct text_sigs *ts)
{
	return ts ? ts->n : 0;
}

/* Where the value that starts at line[pos] ends: at the quote or bracket
 * that closes the one before it, else at a quote, tag or brace that cannot
 * be part of a sentence; trailing blanks and separators are left out. */
static size_t value_end(const char *line, size_t n, size_t pos)
{
	char open = pos > 0 ? line[pos - 1] : '\0';
	char close = open == '('    ? ')'
		     : open == '['  ? ']'
		     : open == '\'' ? '\''
		     : open == '`'  ? '`'
				    : '\0';
	size_t e = pos;
	while (e < n) {
		char c = line[e];
		if (c == '"' || c == '<' || c == '}' || c == '\\' || (close && c == close))
			break;
		e++;
	}
	while (e > pos && (line[e - 1] == ' ' || line[e - 1] == '\t' || line[e - 1] == ',' ||
			   line[e - 1] == ';'))
		e--;
	return e;
}

int text_sigs_match(const struct text_sigs *ts, unsigned id, const char *line, size_t n, size_t pos,
		    struct event *ev, pcre2_match_data *md, pcre2_match_context *mctx)
{
	if (!ts || id >= ts->n || pos >= n)
		return 0;
	const struct sig *s = &ts->s[id];
	/* A literal in the middle of a word is not the start of a sentence. */
	if (pos > 0) {
		char b = line[pos - 1];
		if ((b >= 'a' && b <= 'z') || (b >= 'A' && b <= 'Z') || (b >= '0' && b <= '9'))
			return 0;
	}
	size_t e = value_end(line, n, pos);
	if (e <= pos)
		return 0;
	int rc = pcre2_match(s->cond->pat.re, (PCRE2_SPTR)(line + pos), e - pos, 0, 0, md, mctx);
	if (rc < 0)
		return 0;
	event_clear(ev);
	ev->kind = s->kind;
	event_set(ev, ts->rs, s->cond->field, line + pos, e - pos);
	return 1;
}
