/*
 * rulefile.c - the *.rules files: `rule` stanzas with their condition
 * blocks, `steps` stanzas, and `define` (docs/rules.md "*.rules").
 *
 * A rule is checked when its `end` is read and dropped whole when anything
 * in it failed, so that a half-understood rule never runs.  What one file
 * cannot know alone, the shared steps a rule includes and the rules it
 * names as candidates, is resolved by rulefile_resolve() once every file is
 * read, so neither depends on the order of the files.
 */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "base/util.h"
#include "rules/load.h"

/* The parse of one file: the stanza open, if any, and its open blocks. */
struct stanza {
	struct rule *rule;		     /* a `rule` being read, or NULL */
	struct steps *steps;		     /* a `steps` being read, or NULL */
	size_t block[SFDIAG_MAX_COND_DEPTH]; /* open blocks: their node index */
	int block_line[SFDIAG_MAX_COND_DEPTH];
	size_t depth;
	size_t cond_cap;
};

static const char *const block_name[] = {
    [COND_ALL] = "all", [COND_ANY] = "any", [COND_NONE] = "none"};

static void add_str(char ***v, size_t *n, const char *s)
{
	size_t cap = *n;
	*v = xgrow(*v, &cap, *n + 1, sizeof **v);
	(*v)[(*n)++] = xstrdup(s);
}

static int valid_rule_id(const char *s)
{
	if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9')))
		return 0;
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') || *s == '-' ||
		      *s == '_'))
			return 0;
	return 1;
}

struct scan_ctx {
	struct loader *ld;
	struct lexer *lx;
	unsigned char *marks;
};

static void scan_one(void *ctx, const char *at, const char *s, size_t n)
{
	struct scan_ctx *c = ctx;
	char name[64];
	if (n >= sizeof name)
		n = sizeof name - 1;
	memcpy(name, s, n);
	name[n] = '\0';
	int f = rules_field(c->ld->rs, name);
	if (f >= 0 && c->marks)
		c->marks[f] = 1;
	else if (f < 0 && strcmp(name, "count") && strcmp(name, "first_seen") &&
		 strcmp(name, "last_seen") && c->lx)
		lex_error(c->lx, at, "unknown placeholder {%s}", name);
}

/*
 * Check the {placeholders} of text; mark the fields they use in marks (NULL:
 * only check).  lx may be NULL when the text was checked before (shared
 * steps included by a rule): then nothing is reported.
 */
static void scan_placeholders(struct loader *ld, struct lexer *lx, unsigned char *marks,
			      const char *text)
{
	struct scan_ctx c = {ld, lx, marks};
	const char *open = lex_placeholders(text, scan_one, &c);
	if (open && lx)
		lex_error(lx, open, "unclosed '{' in text (write {{ for a '{')");
}

/* ---- examples ---- */

static void free_sample(struct sample *s)
{
	for (size_t i = 0; i < s->n; i++)
		free(s->value[i]);
	free(s->value);
	free(s->field);
}

static int parse_sample(struct loader *ld, struct sample *s, const char *text)
{
	size_t cap = 0;
	memset(s, 0, sizeof *s);
	s->line = ld->lx.line;
	struct strbuf item = {0};
	const char *p = text;
	for (;;) {
		sb_reset(&item);
		const char *start = p;
		while (*p && *p != ';') {
			if (p[0] == '\\' && p[1] == ';')
				p++;
			sb_addc(&item, *p++);
		}
		if (item.len) {
			char *it = item.buf;
			char *eq = strchr(it, '=');
			if (!eq) {
				lex_error(&ld->lx, start, "example item '%s' is not FIELD=VALUE",
					  it);
				sb_free(&item);
				free_sample(s);
				return -1;
			}
			*eq = '\0';
			size_t fn = strlen(it);
			const char *fname = str_trim(it, &fn);
			char name[64];
			snprintf(name, sizeof name, "%.*s", (int)fn, fname);
			int f = rules_field(ld->rs, name);
			if (f < 0) {
				lex_error(&ld->lx, start, "example: unknown field '%s'", name);
				sb_free(&item);
				free_sample(s);
				return -1;
			}
			size_t vn = strlen(eq + 1);
			const char *v = str_trim(eq + 1, &vn);
			size_t vcap = s->n;
			s->field = xgrow(s->field, &cap, s->n + 1, sizeof *s->field);
			s->value = xgrow(s->value, &vcap, s->n + 1, sizeof *s->value);
			s->field[s->n] = f;
			s->value[s->n] = xstrndup(v, vn);
			s->n++;
		}
		if (!*p)
			break;
		p++;
	}
	sb_free(&item);
	if (s->n == 0) {
		lex_error(&ld->lx, text, "empty example");
		return -1;
	}
	return 0;
}

/* ---- freeing ---- */

void rulefile_free_rule(struct rule *r)
{
	free(r->id);
	free(r->title);
	free(r->cause);
	free(r->short_fix);
	for (size_t i = 0; i < r->nconds; i++)
		cond_free(&r->conds[i]);
	free(r->conds);
	for (size_t i = 0; i < r->nfix; i++)
		free(r->fix[i]);
	free(r->fix);
	free(r->fix_from);
	free(r->fix_line);
	for (size_t i = 0; i < r->nrefs; i++)
		free(r->refs[i]);
	free(r->refs);
	for (size_t i = 0; i < r->nexamples; i++)
		free_sample(&r->examples[i]);
	free(r->examples);
	for (size_t i = 0; i < r->ncounters; i++)
		free_sample(&r->counters[i]);
	free(r->counters);
	for (size_t i = 0; i < r->ncandidates; i++)
		free(r->candidate_ids[i]);
	free(r->candidate_ids);
	free(r->candidates);
	for (size_t i = 0; i < r->ntell; i++)
		free(r->tell[i]);
	free(r->tell);
	for (size_t i = 0; i < r->ntriggers; i++)
		free(r->trigger_ids[i]);
	free(r->trigger_ids);
	free(r->triggers);
	free(r->reverses_id);
}

void rulefile_free_steps(struct steps *s)
{
	free(s->name);
	for (size_t i = 0; i < s->nfix; i++)
		free(s->fix[i]);
	free(s->fix);
}

/* ---- stanzas ---- */

/* Check a finished rule; returns 0 when it is complete and sound. */
static int finish_rule(struct loader *ld, struct rule *r)
{
	struct lexer *lx = &ld->lx;
	int before = lx->nerrors;
	if (!r->title)
		lex_error_line(lx, r->line, "rule %s has no title", r->id);
	if ((int)r->severity < 0)
		lex_error_line(lx, r->line, "rule %s has no severity", r->id);
	if (!r->kinds)
		lex_error_line(lx, r->line, "rule %s has no applies", r->id);
	if (!r->nconds && !r->bad_conds)
		lex_error_line(lx, r->line, "rule %s has no when", r->id);
	if (r->bad_conds)
		lx->nerrors++; /* already reported; the rule is dropped */
	if (!r->nfix)
		lex_error_line(lx, r->line, "rule %s has no fix", r->id);
	if (!r->nrefs)
		lex_error_line(lx, r->line,
			       "rule %s has no ref (say where the signature comes from)", r->id);
	if (!r->nexamples)
		lex_error_line(lx, r->line, "rule %s has no example", r->id);
	if (!r->ncounters)
		lex_error_line(lx, r->line, "rule %s has no counter", r->id);
	if ((r->ntriggers || r->window_ms || r->reverses_id) && r->kinds != KIND_CHANGE)
		lex_error_line(lx, r->line,
			       "rule %s: triggers, window and reverses belong to rules that "
			       "apply only to audit-trail",
			       r->id);
	if (r->ntriggers && !r->window_ms)
		lex_error_line(lx, r->line,
			       "rule %s has triggers but no window (how long before the first "
			       "failure the change may fall, e.g. window 30m)",
			       r->id);
	return lx->nerrors != before;
}

int rules_duration(const char *s, int64_t *ms)
{
	char *end;
	long v = strtol(s, &end, 10);
	static const struct {
		char unit;
		int64_t ms;
	} units[] = {{'s', 1000}, {'m', 60000}, {'h', 3600000}, {'d', 86400000}};
	if (end == s || v <= 0 || v > 10000 || end[0] == '\0' || end[1] != '\0')
		return -1;
	for (size_t i = 0; i < sizeof units / sizeof units[0]; i++) {
		if (*end == units[i].unit) {
			*ms = v * units[i].ms;
			return 0;
		}
	}
	return -1;
}

/* Close the stanza st holds (at its `end`, or when something else starts). */
static void close_stanza(struct loader *ld, struct stanza *st)
{
	struct ruleset *rs = ld->rs;
	if (st->rule) {
		if (finish_rule(ld, st->rule)) {
			rulefile_free_rule(st->rule);
			rs->nrules--;
		}
	} else if (st->steps) {
		if (st->steps->nfix == 0) {
			lex_error_line(&ld->lx, st->steps->line, "steps %s has no fix",
				       st->steps->name);
			rulefile_free_steps(st->steps);
			rs->nsteps--;
		}
	}
	st->rule = NULL;
	st->steps = NULL;
	st->depth = 0;
	st->cond_cap = 0;
}

/* The stanza is not closed and something else starts at the current line
 * (next is that line, or 0 at the end of the file). */
static void unclosed(struct loader *ld, struct stanza *st, int next)
{
	char where[64];
	if (next)
		snprintf(where, sizeof where, "the next stanza starts at line %d", next);
	else
		snprintf(where, sizeof where, "the file ends first");
	for (size_t d = st->depth; st->rule && d-- > 0;) {
		const struct cond *g = &st->rule->conds[st->block[d]];
		lex_error_line(&ld->lx, st->block_line[d], "the '%s' block has no 'end'",
			       block_name[g->type]);
		st->rule->bad_conds++;
	}
	if (st->rule)
		lex_error_line(&ld->lx, st->rule->line, "rule %s is missing its 'end' (%s)",
			       st->rule->id, where);
	else if (st->steps)
		lex_error_line(&ld->lx, st->steps->line, "steps %s is missing its 'end' (%s)",
			       st->steps->name, where);
	close_stanza(ld, st);
}

static void start_rule(struct loader *ld, struct stanza *st, char *rest)
{
	struct ruleset *rs = ld->rs;
	char *id = str_take_word(rest, &rest);
	if (!valid_rule_id(id)) {
		lex_error(&ld->lx, id, "rule id '%s' must be lower case letters, digits and -", id);
		return;
	}
	if (*rest)
		lex_error(&ld->lx, rest, "rule %s: unexpected text after the id", id);
	if (rules_find(rs, id))
		lex_error(&ld->lx, id, "rule id '%s' is used twice", id);
	if (rs->nrules >= SFDIAG_MAX_RULES) {
		lex_error(&ld->lx, id, "more than SFDIAG_MAX_RULES (%d) rules", SFDIAG_MAX_RULES);
		return;
	}
	size_t cap = rs->nrules;
	rs->rules = xgrow(rs->rules, &cap, rs->nrules + 1, sizeof *rs->rules);
	struct rule *r = &rs->rules[rs->nrules++];
	memset(r, 0, sizeof *r);
	r->id = xstrdup(id);
	r->severity = SEV_NONE;
	r->reverses = -1;
	r->file = ld->lx.file;
	r->line = ld->lx.line;
	st->rule = r;
}

static void start_steps(struct loader *ld, struct stanza *st, char *rest)
{
	struct ruleset *rs = ld->rs;
	char *name = str_take_word(rest, &rest);
	if (!pattern_valid_name(name, strlen(name))) {
		lex_error(&ld->lx, name, "steps name '%s' must be [a-z][a-z0-9_-]*", name);
		return;
	}
	if (*rest)
		lex_error(&ld->lx, rest, "steps %s: unexpected text after the name", name);
	const struct steps *old = rules_find_steps(rs, name);
	if (old) {
		lex_error(&ld->lx, name, "steps %s: already defined at %s:%d", name, old->file,
			  old->line);
		return;
	}
	size_t cap = rs->nsteps;
	rs->steps = xgrow(rs->steps, &cap, rs->nsteps + 1, sizeof *rs->steps);
	struct steps *s = &rs->steps[rs->nsteps++];
	memset(s, 0, sizeof *s);
	s->name = xstrdup(name);
	s->file = ld->lx.file;
	s->line = ld->lx.line;
	st->steps = s;
}

/* A line inside `steps`. */
static void steps_line(struct loader *ld, struct stanza *st, char *kw, char *rest)
{
	struct steps *s = st->steps;
	if (strcmp(kw, "end") == 0) {
		if (*rest)
			lex_error(&ld->lx, rest, "unexpected text after 'end'");
		close_stanza(ld, st);
	} else if (strcmp(kw, "fix") == 0 && *rest) {
		if (rest[0] == '@')
			lex_error(&ld->lx, rest, "steps %s: shared steps cannot include others",
				  s->name);
		scan_placeholders(ld, &ld->lx, NULL, rest);
		add_str(&s->fix, &s->nfix, rest);
	} else {
		lex_error(&ld->lx, kw, "steps %s: expected 'fix TEXT' or 'end', got '%s'", s->name,
			  kw);
	}
}

/* `any`, `all`, `none` and `when` lines, and the `end` of a block. */
static int block_line(struct loader *ld, struct stanza *st, char *kw, char *rest)
{
	struct rule *r = st->rule;
	enum cond_type type;
	if (strcmp(kw, "any") == 0)
		type = COND_ANY;
	else if (strcmp(kw, "all") == 0)
		type = COND_ALL;
	else if (strcmp(kw, "none") == 0)
		type = COND_NONE;
	else if (strcmp(kw, "when") == 0) {
		if (!*rest) {
			lex_error(&ld->lx, kw, "'when' needs a condition");
			r->bad_conds++;
		} else if (cond_parse(ld, rest, &r->conds, &r->nconds, &st->cond_cap) != 0) {
			r->bad_conds++;
		}
		return 1;
	} else if (strcmp(kw, "end") == 0 && st->depth) {
		if (*rest)
			lex_error(&ld->lx, rest, "unexpected text after 'end'");
		size_t g = st->block[--st->depth];
		r->conds[g].span = r->nconds - g - 1;
		if (r->conds[g].span == 0) {
			lex_error_line(&ld->lx, st->block_line[st->depth], "empty '%s' block",
				       block_name[r->conds[g].type]);
			r->bad_conds++;
		}
		return 1;
	} else {
		return 0;
	}
	if (*rest)
		lex_error(&ld->lx, rest, "'%s' opens a block and takes nothing after it", kw);
	if (st->depth == SFDIAG_MAX_COND_DEPTH) {
		lex_error(&ld->lx, kw, "blocks nested deeper than SFDIAG_MAX_COND_DEPTH (%d)",
			  SFDIAG_MAX_COND_DEPTH);
		r->bad_conds++;
		return 1;
	}
	r->conds = xgrow(r->conds, &st->cond_cap, r->nconds + 1, sizeof *r->conds);
	struct cond *c = &r->conds[r->nconds];
	memset(c, 0, sizeof *c);
	c->type = type;
	c->field = c->other = -1;
	c->line = ld->lx.line;
	st->block_line[st->depth] = ld->lx.line;
	st->block[st->depth++] = r->nconds++;
	return 1;
}

/* A line inside `rule`, other than the condition lines. */
static void rule_line(struct loader *ld, struct stanza *st, char *kw, char *rest)
{
	struct rule *r = st->rule;
	struct lexer *lx = &ld->lx;
	if (block_line(ld, st, kw, rest))
		return;
	if (st->depth) {
		const struct cond *g = &r->conds[st->block[st->depth - 1]];
		lex_error(lx, kw,
			  "'%s' inside the '%s' block of line %d (a block holds when, any, all "
			  "and none; close it with 'end')",
			  kw, block_name[g->type], st->block_line[st->depth - 1]);
		r->bad_conds++;
		return;
	}
	if (strcmp(kw, "end") == 0) {
		if (*rest)
			lex_error(lx, rest, "unexpected text after 'end'");
		close_stanza(ld, st);
		return;
	}
	if (!*rest) {
		lex_error(lx, kw, "'%s' needs a value", kw);
		return;
	}
	if (strcmp(kw, "title") == 0) {
		free(r->title);
		r->title = xstrdup(rest);
		scan_placeholders(ld, lx, r->placeholders, rest);
	} else if (strcmp(kw, "severity") == 0) {
		if (severity_parse(rest, &r->severity) != 0 || r->severity == SEV_NONE)
			lex_error(lx, rest, "severity must be info, warning or error, not '%s'",
				  rest);
	} else if (strcmp(kw, "applies") == 0) {
		char *w;
		while (*(w = str_take_word(rest, &rest))) {
			unsigned bit = kind_parse(w);
			if (!bit)
				lex_error(lx, w, "unknown input kind '%s'", w);
			r->kinds |= bit;
		}
	} else if (strcmp(kw, "short") == 0) {
		if (r->short_fix)
			lex_error(lx, kw, "rule %s: short given twice (one step, one line)", r->id);
		else
			r->short_fix = xstrdup(rest);
		scan_placeholders(ld, lx, r->placeholders, rest);
	} else if (strcmp(kw, "cause") == 0) {
		if (r->cause) {
			size_t old = strlen(r->cause), add = strlen(rest);
			r->cause = xrealloc(r->cause, old + add + 2);
			r->cause[old] = ' ';
			memcpy(r->cause + old + 1, rest, add + 1);
		} else {
			r->cause = xstrdup(rest);
		}
		scan_placeholders(ld, lx, r->placeholders, rest);
	} else if (strcmp(kw, "fix") == 0) {
		/* `fix @NAME` is resolved once every file is read. */
		size_t cap = r->nfix; /* fix_line grows with fix, one slot each */
		r->fix_line = xgrow(r->fix_line, &cap, r->nfix + 1, sizeof *r->fix_line);
		r->fix_line[r->nfix] = lx->line;
		add_str(&r->fix, &r->nfix, rest);
		if (rest[0] != '@')
			scan_placeholders(ld, lx, r->placeholders, rest);
		else if (!pattern_valid_name(rest + 1, strlen(rest + 1)))
			lex_error(lx, rest, "fix @NAME: '%s' is not a steps name", rest + 1);
	} else if (strcmp(kw, "ref") == 0) {
		add_str(&r->refs, &r->nrefs, rest);
	} else if (strcmp(kw, "candidates") == 0) {
		char *w;
		while (*(w = str_take_word(rest, &rest)))
			add_str(&r->candidate_ids, &r->ncandidates, w);
	} else if (strcmp(kw, "triggers") == 0) {
		char *w;
		while (*(w = str_take_word(rest, &rest)))
			add_str(&r->trigger_ids, &r->ntriggers, w);
	} else if (strcmp(kw, "window") == 0) {
		if (rules_duration(rest, &r->window_ms) != 0)
			lex_error(lx, rest,
				  "window must be a duration such as 90s, 30m, 2h or 1d, not '%s'",
				  rest);
	} else if (strcmp(kw, "reverses") == 0) {
		free(r->reverses_id);
		r->reverses_id = xstrdup(rest);
	} else if (strcmp(kw, "tell") == 0) {
		add_str(&r->tell, &r->ntell, rest);
		scan_placeholders(ld, lx, r->placeholders, rest);
	} else if (strcmp(kw, "example") == 0 || strcmp(kw, "counter") == 0) {
		int ex = kw[0] == 'e';
		struct sample s;
		if (parse_sample(ld, &s, rest) == 0) {
			struct sample **v = ex ? &r->examples : &r->counters;
			size_t *n = ex ? &r->nexamples : &r->ncounters;
			size_t cap = *n;
			*v = xgrow(*v, &cap, *n + 1, sizeof **v);
			(*v)[(*n)++] = s;
		}
	} else {
		lex_error(lx, kw, "unknown directive '%s'", kw);
	}
}

void rulefile_parse(struct loader *ld)
{
	struct stanza st = {0};
	char *text;
	while ((text = lex_next(&ld->lx)) != NULL) {
		char *rest;
		char *kw = str_take_word(text, &rest);
		int starts = strcmp(kw, "rule") == 0 || strcmp(kw, "steps") == 0 ||
			     strcmp(kw, "define") == 0;
		if (starts && (st.rule || st.steps))
			unclosed(ld, &st, ld->lx.line);
		if (st.rule) {
			rule_line(ld, &st, kw, rest);
		} else if (st.steps) {
			steps_line(ld, &st, kw, rest);
		} else if (strcmp(kw, "rule") == 0) {
			start_rule(ld, &st, rest);
		} else if (strcmp(kw, "steps") == 0) {
			start_steps(ld, &st, rest);
		} else if (strcmp(kw, "define") == 0) {
			pattern_define(&ld->lx, &ld->rs->defines, rest, ld->rs->use_jit);
		} else {
			lex_error(&ld->lx, kw,
				  "'%s' outside a stanza (expected rule, steps or define)", kw);
		}
	}
	if (st.rule || st.steps)
		unclosed(ld, &st, 0);
}

/* ---- after every file ---- */

static void report(struct loader *ld, const char *file, int line, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static void report(struct loader *ld, const char *file, int line, const char *fmt, ...)
{
	struct strbuf sb = {0};
	va_list ap;
	sb_printf(&sb, "%s:%d: ", file, line);
	va_start(ap, fmt);
	sb_vprintf(&sb, fmt, ap);
	va_end(ap);
	ld->err(ld->ctx, sb_str(&sb));
	sb_free(&sb);
	ld->nerrors++;
}

/* The steps named name, writable: the loader counts their uses. */
static struct steps *find_steps(struct ruleset *rs, const char *name)
{
	for (size_t i = 0; i < rs->nsteps; i++)
		if (strcmp(rs->steps[i].name, name) == 0)
			return &rs->steps[i];
	return NULL;
}

/* Replace each `fix @NAME` of r by the steps of that name. */
static void include_steps(struct loader *ld, struct rule *r)
{
	struct ruleset *rs = ld->rs;
	char **fix = NULL;
	int *from = NULL;
	size_t n = 0, cap = 0, fcap = 0;
	for (size_t i = 0; i < r->nfix; i++) {
		struct steps *s = r->fix[i][0] == '@' ? find_steps(rs, r->fix[i] + 1) : NULL;
		if (r->fix[i][0] == '@' && !s)
			report(ld, r->file, r->fix_line[i], "rule %s: fix %s: no steps named '%s'",
			       r->id, r->fix[i], r->fix[i] + 1);
		size_t k = s ? s->nfix : 1;
		fix = xgrow(fix, &cap, n + k, sizeof *fix);
		from = xgrow(from, &fcap, n + k, sizeof *from);
		if (!s) {
			fix[n] = r->fix[i];
			from[n++] = -1;
			continue;
		}
		s->uses++;
		for (size_t j = 0; j < s->nfix; j++) {
			fix[n] = xstrdup(s->fix[j]);
			from[n++] = (int)(s - rs->steps);
			scan_placeholders(ld, NULL, r->placeholders, s->fix[j]);
		}
		free(r->fix[i]);
	}
	free(r->fix);
	free(r->fix_from);
	r->fix = fix;
	r->fix_from = from;
	r->nfix = n;
	free(r->fix_line);
	r->fix_line = NULL;
}

void rulefile_resolve(struct loader *ld)
{
	struct ruleset *rs = ld->rs;
	for (size_t i = 0; i < rs->nrules; i++) {
		struct rule *r = &rs->rules[i];
		include_steps(ld, r);
		/* A change triggers failures and reverses a change: check both ends. */
		if (r->ntriggers)
			r->triggers = xcalloc(r->ntriggers, sizeof *r->triggers);
		for (size_t k = 0; k < r->ntriggers; k++) {
			const struct rule *c = rules_find(rs, r->trigger_ids[k]);
			r->triggers[k] = c ? (int)(c - rs->rules) : -1;
			if (!c || (c->kinds & KIND_CHANGE))
				report(ld, r->file, r->line, "rule %s: triggers '%s', which is %s",
				       r->id, r->trigger_ids[k],
				       c ? "a change rule, not a failure rule" : "not a rule");
		}
		if (r->reverses_id) {
			const struct rule *c = rules_find(rs, r->reverses_id);
			r->reverses = c ? (int)(c - rs->rules) : -1;
			if (!c || c == r || c->kinds != KIND_CHANGE)
				report(ld, r->file, r->line, "rule %s: reverses '%s', which is %s",
				       r->id, r->reverses_id,
				       !c	? "not a rule"
				       : c == r ? "the rule itself"
						: "not a change rule (applies audit-trail)");
		}
		if (!r->ncandidates)
			continue;
		r->candidates = xcalloc(r->ncandidates, sizeof *r->candidates);
		for (size_t k = 0; k < r->ncandidates; k++) {
			const struct rule *c = rules_find(rs, r->candidate_ids[k]);
			r->candidates[k] = c ? (int)(c - rs->rules) : -1;
			if (!c || c == r)
				report(ld, r->file, r->line, "rule %s: candidate '%s' is %s", r->id,
				       r->candidate_ids[k], c ? "the rule itself" : "not a rule");
		}
	}
}
