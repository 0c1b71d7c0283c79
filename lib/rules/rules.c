/*
 * rules.c - load and compile a rules directory (see ruleset.h, docs/rules.md).
 */
#include "rules/ruleset.h"

#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/util.h"
#include "rules/extract.h"
#include "rules/report_conf.h"

/* Parser state for one file. */
struct loader {
	struct ruleset *rs;
	rules_error_fn err;
	void *ctx;
	const char *file; /* owned by rs->files */
	int line;	  /* line where the current directive starts */
	size_t col;	  /* column of the directive's argument, 0-based */
	int nerrors;
	rules_line_fn user_fn; /* rules_read_lines: the caller's line callback */
	void *user_ctx;
};

static void lerror(struct loader *ld, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static pcre2_code *compile_slashed(struct loader *ld, char *rest, const char *what, char **after);

static void lerror(struct loader *ld, const char *fmt, ...)
{
	struct strbuf sb = {0};
	va_list ap;
	if (ld->line > 0)
		sb_printf(&sb, "%s:%d: ", ld->file, ld->line);
	else
		sb_printf(&sb, "%s: ", ld->file);
	va_start(ap, fmt);
	sb_vprintf(&sb, fmt, ap);
	va_end(ap);
	ld->err(ld->ctx, sb_str(&sb));
	sb_free(&sb);
	ld->nerrors++;
}

/* ---- lexical helpers ---- */

static int is_blank(char c)
{
	return c == ' ' || c == '\t';
}

static int valid_name(const char *s, int allow_dash)
{
	if (!*s)
		return 0;
	for (const char *p = s; *p; p++) {
		if ((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '_')
			continue;
		if (allow_dash && *p == '-' && p != s)
			continue;
		return 0;
	}
	return 1;
}

/*
 * Read the next logical line (joining backslash continuations) into *sb.
 * Returns 0 at end of file, 1 otherwise; *start gets the first physical line.
 */
static int read_logical(FILE *fp, struct strbuf *sb, int *lineno, int *start, struct loader *ld)
{
	char *line = NULL;
	size_t cap = 0;
	ssize_t got;
	int any = 0;
	sb_reset(sb);
	while ((got = getline(&line, &cap, fp)) > 0) {
		(*lineno)++;
		if (!any)
			*start = *lineno;
		any = 1;
		str_rtrim(line);
		char *text = line;
		if (sb->len) /* a continuation: its indentation is not part of the text */
			while (is_blank(*text))
				text++;
		size_t n = strlen(text);
		if (sb->len + n > SFDIAG_MAX_RULE_LINE) {
			ld->line = *start;
			lerror(ld, "line longer than SFDIAG_MAX_RULE_LINE (%d bytes)",
			       SFDIAG_MAX_RULE_LINE);
			sb_reset(sb);
			free(line);
			return 1;
		}
		if (n && text[n - 1] == '\\') {
			/* One space joins the lines, whatever blanks were around the break. */
			text[n - 1] = '\0';
			str_rtrim(text);
			sb_adds(sb, text);
			sb_addc(sb, ' ');
			continue;
		}
		sb_add(sb, text, n);
		break;
	}
	free(line);
	if (any && sb->len == 0)
		sb_add(sb, "", 0);
	return any;
}

/* ---- conditions ---- */

static void free_cond(struct cond *c)
{
	pcre2_code_free(c->re);
	free(c->pattern);
	free(c->flags);
}

/* text is the condition; col0 its 0-based column in the line, for errors. */
static int compile_cond(struct loader *ld, struct cond *c, const char *text, size_t col0)
{
	char *buf = xstrdup(text), *rest;
	char *fname = str_take_word(buf, &rest);
	char *op = str_take_word(rest, &rest);
	int rc = -1;

	memset(c, 0, sizeof *c);
	c->field = rules_field(ld->rs, fname);
	if (c->field < 0) {
		lerror(ld, "unknown field '%s' (declare it in fields.conf)", fname);
		goto out;
	}
	if (strcmp(op, "~") == 0) {
		c->negate = 0;
	} else if (strcmp(op, "!~") == 0) {
		c->negate = 1;
	} else {
		lerror(ld, "expected '~' or '!~' after '%s', got '%s'", fname, op);
		goto out;
	}
	char *open = rest, *close = strrchr(rest, '/');
	if (*open != '/' || close == open) {
		lerror(ld, "pattern must be written /.../ after '%s'", op);
		goto out;
	}
	uint32_t opts = PCRE2_UTF | PCRE2_NO_AUTO_CAPTURE | PCRE2_NEVER_BACKSLASH_C;
	for (char *f = close + 1; *f; f++) {
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
			lerror(ld, "unknown pattern flag '%c' (use i, x, s or m)", *f);
			goto out;
		}
	}
	c->pattern = xstrndup(open + 1, (size_t)(close - open - 1));
	c->flags = xstrdup(close + 1);
	int errcode;
	PCRE2_SIZE erroff;
	c->re = pcre2_compile((PCRE2_SPTR)c->pattern, strlen(c->pattern), opts, &errcode, &erroff,
			      NULL);
	if (c->re == NULL) {
		PCRE2_UCHAR msg[120];
		pcre2_get_error_message(errcode, msg, sizeof msg);
		/* Column of the offending byte in the directive text, 1-based. */
		size_t col = col0 + (size_t)(open + 1 - buf) + erroff + 1;
		struct strbuf sb = {0};
		sb_printf(&sb, "%s:%d:%zu: bad pattern at offset %zu: %s", ld->file, ld->line, col,
			  (size_t)erroff, (const char *)msg);
		ld->err(ld->ctx, sb_str(&sb));
		sb_free(&sb);
		ld->nerrors++;
		goto out;
	}
	if (ld->rs->use_jit)
		(void)pcre2_jit_compile(c->re,
					PCRE2_JIT_COMPLETE); /* falls back to the interpreter */
	c->id = ld->rs->fields[c->field].nconds++;
	rc = 0;
out:
	if (rc != 0)
		free_cond(c);
	free(buf);
	return rc;
}

/* ---- fields.conf ---- */

static void parse_fields_line(struct loader *ld, char *text)
{
	struct ruleset *rs = ld->rs;
	char *rest;
	char *kw = str_take_word(text, &rest);

	if (strcmp(kw, "field") == 0) {
		char *name = str_take_word(rest, &rest);
		if (!valid_name(name, 0)) {
			lerror(ld, "field name '%s' must be lower case letters, digits and _",
			       name);
			return;
		}
		if (rules_field(rs, name) >= 0) {
			lerror(ld, "field '%s' declared twice", name);
			return;
		}
		if (rs->nfields >= SFDIAG_MAX_FIELDS) {
			lerror(ld, "more than SFDIAG_MAX_FIELDS (%d) fields", SFDIAG_MAX_FIELDS);
			return;
		}
		struct field_def *f = &rs->fields[rs->nfields++];
		f->name = xstrdup(name);
		size_t cap = 0;
		while (*rest) {
			char *bar = strchr(rest, '|');
			size_t n = bar ? (size_t)(bar - rest) : strlen(rest);
			char norm[256];
			rules_normalize_header(rest, n, norm, sizeof norm);
			if (norm[0]) {
				int rank;
				int other = rules_field_for_header(rs, norm, &rank);
				if (other >= 0 && other != (int)(f - rs->fields))
					lerror(ld, "alias '%.*s' already belongs to field '%s'",
					       (int)n, rest, rs->fields[other].name);
				f->aliases =
				    xgrow(f->aliases, &cap, f->naliases + 1, sizeof *f->aliases);
				f->aliases[f->naliases++] = xstrdup(norm);
			}
			rest = bar ? bar + 1 : rest + n;
		}
	} else if (strcmp(kw, "require") == 0) {
		char *name = str_take_word(rest, &rest);
		int f = rules_field(rs, name);
		if (f < 0)
			lerror(ld, "require: unknown field '%s'", name);
		else
			rs->required[rs->nrequired++] = f;
	} else if (strcmp(kw, "fallback") == 0) {
		char *name = str_take_word(rest, &rest);
		char *from = str_take_word(rest, &rest);
		int f = rules_field(rs, name), g = rules_field(rs, from);
		if (f < 0 || g < 0 || f == g)
			lerror(ld, "fallback needs two different declared fields, not '%s' '%s'",
			       name, from);
		else
			rs->fallback[f] = g;
	} else if (strcmp(kw, "success") == 0) {
		/* success [KIND] CONDITION; the kind defaults to login-history. */
		unsigned kind = KIND_LOGIN_HISTORY;
		char first[64];
		size_t wl = strcspn(rest, " \t");
		snprintf(first, sizeof first, "%.*s", (int)wl, rest);
		if (kind_parse(first)) {
			kind = kind_parse(first);
			char *after = rest + wl;
			while (is_blank(*after))
				after++;
			ld->col += (size_t)(after - rest);
			rest = after;
		}
		size_t cap = rs->nsuccess, kcap = rs->nsuccess;
		struct cond c;
		if (compile_cond(ld, &c, rest, ld->col) == 0) {
			rs->success =
			    xgrow(rs->success, &cap, rs->nsuccess + 1, sizeof *rs->success);
			rs->success_kind = xgrow(rs->success_kind, &kcap, rs->nsuccess + 1,
						 sizeof *rs->success_kind);
			rs->success_kind[rs->nsuccess] = kind;
			rs->success[rs->nsuccess++] = c;
		}
	} else if (strcmp(kw, "key") == 0) {
		char *kname = str_take_word(rest, &rest);
		char *fname = str_take_word(rest, &rest);
		unsigned kind = kind_parse(kname);
		int f = rules_field(rs, fname);
		if (!kind) {
			lerror(ld, "key: unknown input kind '%s'", kname);
			return;
		}
		if (f < 0) {
			lerror(ld, "key: unknown field '%s'", fname);
			return;
		}
		while (*rest) {
			char *bar = strchr(rest, '|');
			size_t n = bar ? (size_t)(bar - rest) : strlen(rest);
			char norm[256];
			rules_normalize_header(rest, n, norm, sizeof norm);
			if (norm[0]) {
				int other = rules_field_for_key(rs, kind, norm);
				if (other >= 0 && other != f)
					lerror(ld, "key '%.*s' of %s already fills field '%s'",
					       (int)n, rest, kname, rs->fields[other].name);
				size_t kcap = rs->nkeys;
				rs->keys = xgrow(rs->keys, &kcap, rs->nkeys + 1, sizeof *rs->keys);
				rs->keys[rs->nkeys++] = (struct json_key){kind, f, xstrdup(norm)};
			}
			rest = bar ? bar + 1 : rest + n;
		}
	} else if (strcmp(kw, "exchange") == 0) {
		char *kname = str_take_word(rest, &rest), *after;
		unsigned kind = kind_parse(kname);
		if (!kind) {
			lerror(ld, "exchange: unknown input kind '%s'", kname);
			return;
		}
		ld->col += (size_t)(rest - kname);
		pcre2_code *re = compile_slashed(ld, rest, "exchange", &after);
		if (!re)
			return;
		while (*after == ' ' || *after == '\t')
			after++;
		if (*after && strcmp(after, "refused") != 0) {
			lerror(
			    ld,
			    "exchange: expected 'refused' or nothing after the pattern, not '%s'",
			    after);
			pcre2_code_free(re);
			return;
		}
		size_t cap = rs->nexchanges;
		rs->exchanges =
		    xgrow(rs->exchanges, &cap, rs->nexchanges + 1, sizeof *rs->exchanges);
		rs->exchanges[rs->nexchanges++] = (struct exchange){kind, *after != '\0', re};
	} else if (strcmp(kw, "secret") == 0) {
		char *name = str_take_word(rest, &rest);
		int f = rules_field(rs, name);
		if (f < 0)
			lerror(ld, "secret: unknown field '%s'", name);
		else
			rs->fields[f].secret = 1;
	} else {
		lerror(ld,
		       "unknown directive '%s' (expected field, fallback, require, success, key, "
		       "exchange or secret)",
		       kw);
	}
}

/* ---- codes.conf ---- */

static void parse_codes_line(struct loader *ld, char *text)
{
	char *rest;
	char *kw = str_take_word(text, &rest);
	if (strcmp(kw, "code") != 0) {
		lerror(ld, "unknown directive '%s' (expected code)", kw);
		return;
	}
	char *fname = str_take_word(rest, &rest);
	char *key = str_take_word(rest, &rest);
	int f = rules_field(ld->rs, fname);
	if (f < 0) {
		lerror(ld, "code: unknown field '%s'", fname);
		return;
	}
	if (!*key || !*rest) {
		lerror(ld, "code needs FIELD KEY TEXT");
		return;
	}
	rules_code_put(ld->rs, f, key, rest);
	ld->rs->fields[f].has_codes = 1;
}

/* ---- secrets.conf (and fields.conf "exchange") ---- */

/*
 * Compile "/RE/flags" at rest (flags i or x only), for errors at the line's
 * column ld->col; NULL after an error.  *after gets what follows the flags.
 */
static pcre2_code *compile_slashed(struct loader *ld, char *rest, const char *what, char **after)
{
	struct ruleset *rs = ld->rs;
	/* The pattern ends at the last '/' of the line: trailing words (an
	 * exchange's "refused") hold none. */
	char *slash = strrchr(rest, '/');
	if (*rest != '/' || slash == rest) {
		lerror(ld, "%s needs a pattern written /.../", what);
		return NULL;
	}
	char *tail = slash + 1;
	while (*tail && *tail != ' ' && *tail != '\t')
		tail++;
	uint32_t opts = PCRE2_UTF | PCRE2_NEVER_BACKSLASH_C;
	for (char *f = slash + 1; f < tail; f++) {
		if (*f == 'i')
			opts |= PCRE2_CASELESS;
		else if (*f == 'x')
			opts |= PCRE2_EXTENDED;
		else {
			lerror(ld, "unknown pattern flag '%c' (use i or x)", *f);
			return NULL;
		}
	}
	*after = tail;
	int errcode;
	PCRE2_SIZE erroff;
	pcre2_code *re = pcre2_compile((PCRE2_SPTR)(rest + 1), (size_t)(slash - rest - 1), opts,
				       &errcode, &erroff, NULL);
	if (!re) {
		PCRE2_UCHAR msg[120];
		pcre2_get_error_message(errcode, msg, sizeof msg);
		struct strbuf sb = {0};
		sb_printf(&sb, "%s:%d:%zu: bad pattern at offset %zu: %s", ld->file, ld->line,
			  ld->col + 1 + (size_t)erroff + 1, (size_t)erroff, (const char *)msg);
		ld->err(ld->ctx, sb_str(&sb));
		sb_free(&sb);
		ld->nerrors++;
		return NULL;
	}
	if (rs->use_jit)
		(void)pcre2_jit_compile(re, PCRE2_JIT_COMPLETE);
	return re;
}

static void parse_secrets_line(struct loader *ld, char *text)
{
	struct ruleset *rs = ld->rs;
	char *rest, *after;
	char *kw = str_take_word(text, &rest);
	if (strcmp(kw, "mask") != 0) {
		/* key, key-exact, key-query, scheme: words for base/mask.c */
		char err[160];
		if (mask_add_words(&rs->mask, kw, rest, err, sizeof err) != 0)
			lerror(ld, "%s", err);
		return;
	}
	pcre2_code *re = compile_slashed(ld, rest, "mask", &after);
	if (!re)
		return;
	mask_add_pattern(&rs->mask, re);
}

/* ---- *.rules ---- */

static void add_str(char ***v, size_t *n, const char *s)
{
	size_t cap = *n;
	*v = xgrow(*v, &cap, *n + 1, sizeof **v);
	(*v)[(*n)++] = xstrdup(s);
}

/* Check the {placeholders} of text and mark the fields they use. */
static void scan_placeholders(struct loader *ld, struct rule *r, const char *text)
{
	for (const char *p = text; *p; p++) {
		if (*p != '{')
			continue;
		if (p[1] == '{') {
			p++;
			continue;
		}
		const char *end = strchr(p, '}');
		if (!end) {
			lerror(ld, "unclosed '{' in text");
			return;
		}
		char name[64];
		size_t n = (size_t)(end - p - 1);
		if (n >= sizeof name)
			n = sizeof name - 1;
		memcpy(name, p + 1, n);
		name[n] = '\0';
		int f = rules_field(ld->rs, name);
		if (f >= 0)
			r->placeholders[f] = 1;
		else if (strcmp(name, "count") && strcmp(name, "first_seen") &&
			 strcmp(name, "last_seen"))
			lerror(ld, "unknown placeholder {%s}", name);
		p = end;
	}
}

static void free_sample(struct sample *s);

static int parse_sample(struct loader *ld, struct sample *s, const char *text)
{
	size_t cap = 0;
	memset(s, 0, sizeof *s);
	s->line = ld->line;
	struct strbuf item = {0};
	const char *p = text;
	for (;;) {
		sb_reset(&item);
		while (*p && *p != ';') {
			if (p[0] == '\\' && p[1] == ';')
				p++;
			sb_addc(&item, *p++);
		}
		if (item.len) {
			char *it = item.buf;
			char *eq = strchr(it, '=');
			if (!eq) {
				lerror(ld, "example item '%s' is not FIELD=VALUE", it);
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
				lerror(ld, "example: unknown field '%s'", name);
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
		lerror(ld, "empty example");
		return -1;
	}
	return 0;
}

static void free_sample(struct sample *s)
{
	for (size_t i = 0; i < s->n; i++)
		free(s->value[i]);
	free(s->value);
	free(s->field);
}

static void free_rule(struct rule *r)
{
	free(r->id);
	free(r->title);
	free(r->cause);
	free(r->short_fix);
	for (size_t i = 0; i < r->nconds; i++)
		free_cond(&r->conds[i]);
	free(r->conds);
	for (size_t i = 0; i < r->nfix; i++)
		free(r->fix[i]);
	free(r->fix);
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
}

/* Check a finished stanza; returns 0 when complete. */
static int finish_rule(struct loader *ld, struct rule *r)
{
	int before = ld->nerrors;
	ld->line = r->line;
	if (!r->title)
		lerror(ld, "rule %s has no title", r->id);
	if ((int)r->severity < 0)
		lerror(ld, "rule %s has no severity", r->id);
	if (!r->kinds)
		lerror(ld, "rule %s has no applies", r->id);
	if (!r->nconds && !r->bad_conds)
		lerror(ld, "rule %s has no when", r->id);
	if (r->bad_conds)
		ld->nerrors++; /* already reported; the rule is dropped */
	if (!r->nfix)
		lerror(ld, "rule %s has no fix", r->id);
	if (!r->nrefs)
		lerror(ld, "rule %s has no ref (say where the signature comes from)", r->id);
	if (!r->nexamples)
		lerror(ld, "rule %s has no example", r->id);
	if (!r->ncounters)
		lerror(ld, "rule %s has no counter", r->id);
	return ld->nerrors != before;
}

static void parse_rules_file(struct loader *ld, FILE *fp)
{
	struct ruleset *rs = ld->rs;
	struct strbuf sb = {0};
	struct rule *r = NULL;
	int lineno = 0, start = 0;
	size_t rcap = rs->nrules;

	while (read_logical(fp, &sb, &lineno, &start, ld)) {
		ld->line = start;
		char *text = sb.buf, *rest;
		while (is_blank(*text))
			text++;
		if (*text == '\0' || *text == '#')
			continue;
		char *kw = str_take_word(text, &rest);

		if (strcmp(kw, "rule") == 0) {
			if (r) {
				lerror(ld, "rule %s is missing its 'end'", r->id);
				if (finish_rule(ld, r)) {
					free_rule(r);
					rs->nrules--;
				}
				ld->line = start;
			}
			char *id = str_take_word(rest, &rest);
			if (!valid_name(id, 1)) {
				lerror(ld, "rule id '%s' must be lower case letters, digits and -",
				       id);
				r = NULL;
				continue;
			}
			if (rules_find(rs, id))
				lerror(ld, "rule id '%s' is used twice", id);
			if (rs->nrules >= SFDIAG_MAX_RULES) {
				lerror(ld, "more than SFDIAG_MAX_RULES (%d) rules",
				       SFDIAG_MAX_RULES);
				break;
			}
			rs->rules = xgrow(rs->rules, &rcap, rs->nrules + 1, sizeof *rs->rules);
			r = &rs->rules[rs->nrules++];
			memset(r, 0, sizeof *r);
			r->id = xstrdup(id);
			r->severity = SEV_NONE;
			r->file = ld->file;
			r->line = start;
			continue;
		}
		if (!r) {
			lerror(ld, "'%s' outside a rule stanza", kw);
			continue;
		}
		if (!*rest && strcmp(kw, "end") != 0) {
			lerror(ld, "'%s' needs a value", kw);
			continue;
		}
		if (strcmp(kw, "end") == 0) {
			if (finish_rule(ld, r)) {
				free_rule(r);
				rs->nrules--;
			}
			r = NULL;
		} else if (strcmp(kw, "title") == 0) {
			free(r->title);
			r->title = xstrdup(rest);
			scan_placeholders(ld, r, rest);
		} else if (strcmp(kw, "severity") == 0) {
			if (severity_parse(rest, &r->severity) != 0 || r->severity == SEV_NONE)
				lerror(ld, "severity must be info, warning or error, not '%s'",
				       rest);
		} else if (strcmp(kw, "applies") == 0) {
			char *w;
			while (*(w = str_take_word(rest, &rest))) {
				unsigned bit = kind_parse(w);
				if (!bit)
					lerror(ld, "unknown input kind '%s'", w);
				r->kinds |= bit;
			}
		} else if (strcmp(kw, "when") == 0) {
			struct cond c;
			size_t cap = r->nconds;
			if (compile_cond(ld, &c, rest, (size_t)(rest - sb.buf)) == 0) {
				r->conds = xgrow(r->conds, &cap, r->nconds + 1, sizeof *r->conds);
				r->conds[r->nconds++] = c;
			} else {
				r->bad_conds++;
			}
		} else if (strcmp(kw, "short") == 0) {
			if (r->short_fix)
				lerror(ld, "rule %s: short given twice (one step, one line)",
				       r->id);
			else
				r->short_fix = xstrdup(rest);
			scan_placeholders(ld, r, rest);
		} else if (strcmp(kw, "cause") == 0) {
			if (r->cause) {
				size_t old = strlen(r->cause), add = strlen(rest);
				r->cause = xrealloc(r->cause, old + add + 2);
				r->cause[old] = ' ';
				memcpy(r->cause + old + 1, rest, add + 1);
			} else {
				r->cause = xstrdup(rest);
			}
			scan_placeholders(ld, r, rest);
		} else if (strcmp(kw, "fix") == 0) {
			add_str(&r->fix, &r->nfix, rest);
			scan_placeholders(ld, r, rest);
		} else if (strcmp(kw, "ref") == 0) {
			add_str(&r->refs, &r->nrefs, rest);
		} else if (strcmp(kw, "candidates") == 0) {
			char *w;
			while (*(w = str_take_word(rest, &rest))) {
				size_t n = r->ncandidates;
				add_str(&r->candidate_ids, &n, w);
				r->ncandidates = n;
			}
		} else if (strcmp(kw, "tell") == 0) {
			add_str(&r->tell, &r->ntell, rest);
			scan_placeholders(ld, r, rest);
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
			lerror(ld, "unknown directive '%s'", kw);
		}
	}
	if (r) {
		lerror(ld, "rule %s is missing its 'end'", r->id);
		if (finish_rule(ld, r)) {
			free_rule(r);
			rs->nrules--;
		}
	}
	sb_free(&sb);
}

/* Parse a line-oriented data file (fields.conf or codes.conf). */
static void parse_data_file(struct loader *ld, FILE *fp, void (*fn)(struct loader *, char *))
{
	struct strbuf sb = {0};
	int lineno = 0, start = 0;
	while (read_logical(fp, &sb, &lineno, &start, ld)) {
		ld->line = start;
		char *text = sb.buf;
		while (is_blank(*text))
			text++;
		if (*text == '\0' || *text == '#')
			continue;
		/* The argument starts after the keyword and its blanks. */
		const char *arg = text;
		while (*arg && !is_blank(*arg))
			arg++;
		while (is_blank(*arg))
			arg++;
		ld->col = (size_t)(arg - sb.buf);
		fn(ld, text);
	}
	sb_free(&sb);
}

static const char *keep_name(struct ruleset *rs, const char *path)
{
	size_t cap = rs->nfiles;
	rs->files = xgrow(rs->files, &cap, rs->nfiles + 1, sizeof *rs->files);
	rs->files[rs->nfiles] = xstrdup(path);
	return rs->files[rs->nfiles++];
}

static int load_file(struct loader *ld, const char *path, int which)
{
	ld->file = keep_name(ld->rs, path);
	ld->line = 0;
	FILE *fp = fopen(path, "r");
	if (!fp) {
		if (which == 3 && errno == ENOENT)
			return 0; /* secrets.conf is optional */
		lerror(ld, "cannot open: %s", strerror(errno));
		return -1;
	}
	if (which == 3)
		parse_data_file(ld, fp, parse_secrets_line);
	else if (which == 0)
		parse_data_file(ld, fp, parse_fields_line);
	else if (which == 1)
		parse_data_file(ld, fp, parse_codes_line);
	else
		parse_rules_file(ld, fp);
	fclose(fp);
	return 0;
}

/* Turn each rule's candidate ids into rule indexes. */
static void resolve_candidates(struct loader *ld)
{
	struct ruleset *rs = ld->rs;
	for (size_t i = 0; i < rs->nrules; i++) {
		struct rule *r = &rs->rules[i];
		if (!r->ncandidates)
			continue;
		r->candidates = xcalloc(r->ncandidates, sizeof *r->candidates);
		for (size_t k = 0; k < r->ncandidates; k++) {
			const struct rule *c = rules_find(rs, r->candidate_ids[k]);
			r->candidates[k] = c ? (int)(c - rs->rules) : -1;
			if (!c || c == r) {
				ld->file = r->file;
				ld->line = r->line;
				lerror(ld, "rule %s: candidate '%s' is %s", r->id,
				       r->candidate_ids[k], c ? "the rule itself" : "not a rule");
			}
		}
	}
}

/* Mark the fields anything reads, so adapters can skip the others. */
static void mark_used(struct ruleset *rs)
{
	const unsigned all = ~0u;
	const int engine[] = {rs->f.time, rs->f.user, rs->f.application, rs->f.status,
			      rs->f.source_ip};
	for (size_t i = 0; i < sizeof engine / sizeof engine[0]; i++)
		if (engine[i] >= 0)
			rs->fields[engine[i]].used = all;
	for (size_t i = 0; i < rs->nsuccess; i++)
		rs->fields[rs->success[i].field].used |= rs->success_kind[i];
	for (size_t i = 0; i < rs->nrules; i++) {
		const struct rule *r = &rs->rules[i];
		for (size_t k = 0; k < r->nconds; k++)
			rs->fields[r->conds[k].field].used |= r->kinds;
		for (size_t f = 0; f < rs->nfields; f++)
			if (r->placeholders[f])
				rs->fields[f].used |= r->kinds;
	}
	/* A fallback's source is read too, and a FIELD_code is filled from FIELD. */
	for (size_t f = 0; f < rs->nfields; f++) {
		if (rs->fallback[f] >= 0)
			rs->fields[rs->fallback[f]].used |= rs->fields[f].used;
		if (rs->code_field_of[f] >= 0)
			rs->fields[f].used |= rs->fields[rs->code_field_of[f]].used;
	}
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The fields code reads by name (struct engine_fields), and who needs each. */
static const struct {
	const char *name;
	size_t off;
	const char *needed_by;
} engine_field_table[] = {
#define EF(name, why)                                                                              \
	{                                                                                          \
#name, offsetof(struct engine_fields, name), why                                   \
	}
    EF(time, "every input: the time of an event"),
    EF(user, "every input: findings group their evidence by user"),
    EF(application, "every input: findings group their evidence by application"),
    EF(status, "Login History: success is decided on it"),
    EF(source_ip, "Login History: the IP evidence of every finding"),
    EF(http_status, "HTTP exchanges and log lines: the response status"),
    EF(host, "HTTP exchanges: the host, and settings context for responses"),
    EF(scheme, "HTTP exchanges: http or https"),
    EF(path, "HTTP exchanges: the endpoint path"),
    EF(method, "HTTP exchanges: the request method"),
    EF(grant_type, "token requests: the OAuth flow"),
    EF(content_type, "HTTP exchanges: the body's content type"),
    EF(body_kind, "HTTP exchanges: whether the body was JSON, HTML, text or empty"),
    EF(error, "token responses: the OAuth error"),
    EF(error_description, "token responses: the OAuth error description"),
    EF(error_uri, "token responses: the OAuth error URI"),
    EF(error_code, "API errors: the REST or SOAP error code"),
    EF(message, "API errors: the message"),
    EF(access_token, "token responses: a success body"),
    EF(client, "log lines: the client library that wrote them"),
    EF(base_url, "settings: the Salesforce host"),
    EF(password, "settings: the password"),
    EF(security_token, "settings: the security token"),
    EF(padded, "settings: values with blanks around them"),
    EF(empty, "settings: values left empty"),
    EF(unknown_keys, "settings: keys sfdiag does not know"),
    EF(password_has_token, "settings: a password that already ends with the token"),
#undef EF
};

/* Bind struct engine_fields after fields.conf: every entry must be declared. */
static void bind_engine_fields(struct loader *ld)
{
	struct ruleset *rs = ld->rs;
	for (size_t i = 0; i < sizeof engine_field_table / sizeof engine_field_table[0]; i++) {
		int f = rules_field(rs, engine_field_table[i].name);
		*(int *)(void *)((char *)&rs->f + engine_field_table[i].off) = f;
		if (f < 0) {
			ld->line = 0;
			lerror(ld, "no field '%s' (%s): declare it with `field %s`",
			       engine_field_table[i].name, engine_field_table[i].needed_by,
			       engine_field_table[i].name);
		}
	}
}

static int is_dir(const char *p)
{
	struct stat st;
	return stat(p, &st) == 0 && S_ISDIR(st.st_mode);
}

struct ruleset *rules_load(const char *path, int use_jit, rules_error_fn err, void *ctx)
{
	struct ruleset *rs = xcalloc(1, sizeof *rs);
	struct loader ld = {.rs = rs, .err = err, .ctx = ctx, .file = path};
	char **names = NULL;
	size_t nnames = 0, cap = 0;
	struct strbuf p = {0};

	rs->use_jit = use_jit;
	for (size_t i = 0; i < SFDIAG_MAX_FIELDS; i++)
		rs->fallback[i] = -1;
	if (is_dir(path)) {
		rs->dir = xstrdup(path);
		DIR *d = opendir(path);
		struct dirent *de;
		while (d && (de = readdir(d)) != NULL) {
			size_t n = strlen(de->d_name);
			if (n > 6 && strcmp(de->d_name + n - 6, ".rules") == 0) {
				names = xgrow(names, &cap, nnames + 1, sizeof *names);
				names[nnames++] = xstrdup(de->d_name);
			}
		}
		if (d)
			closedir(d);
		qsort(names, nnames, sizeof *names, cmp_str);
	} else {
		const char *slash = strrchr(path, '/');
		rs->dir = slash ? xstrndup(path, (size_t)(slash - path)) : xstrdup(".");
		names = xgrow(names, &cap, 1, sizeof *names);
		names[nnames++] = xstrdup(slash ? slash + 1 : path);
	}

	sb_printf(&p, "%s/fields.conf", rs->dir);
	if (load_file(&ld, sb_str(&p), 0) == 0)
		bind_engine_fields(&ld);
	sb_reset(&p);
	sb_printf(&p, "%s/codes.conf", rs->dir);
	load_file(&ld, sb_str(&p), 1);
	sb_reset(&p);
	sb_printf(&p, "%s/secrets.conf", rs->dir);
	load_file(&ld, sb_str(&p), 3);
	sb_reset(&p);
	sb_printf(&p, "%s/extract.conf", rs->dir);
	int xerr = 0;
	rs->extract = extract_load(rs, sb_str(&p), use_jit, err, ctx, &xerr);
	ld.nerrors += xerr;
	sb_reset(&p);
	sb_printf(&p, "%s/report.conf", rs->dir);
	rs->report = report_conf_begin(rs, sb_str(&p), err, ctx);
	xerr = rules_read_lines(sb_str(&p), report_conf_line, rs->report, err, ctx);
	int missing = xerr < 0;
	ld.nerrors += report_conf_end(&rs->report, missing, missing ? 0 : xerr);
	for (size_t i = 0; i < nnames; i++) {
		sb_reset(&p);
		sb_printf(&p, "%s/%s", rs->dir, names[i]);
		load_file(&ld, sb_str(&p), 2);
		free(names[i]);
	}
	free(names);
	sb_free(&p);

	for (size_t i = 0; i < rs->nfields; i++) {
		char name[96];
		snprintf(name, sizeof name, "%s_code", rs->fields[i].name);
		rs->code_field_of[i] = rules_field(rs, name);
	}
	resolve_candidates(&ld);
	mark_used(rs);
	for (size_t f = 0; f < rs->nfields; f++)
		if (rs->fallback[f] >= 0)
			rs->fallback_list[rs->nfallbacks++] = (int)f;
	ld.file = rs->dir;
	ld.line = 0;
	if (rs->f.status < 0)
		lerror(&ld, "fields.conf must declare the field 'status'");
	if (rs->nrules == 0 && ld.nerrors == 0)
		lerror(&ld, "no rules found (*.rules)");
	if (ld.nerrors) {
		rules_free(rs);
		return NULL;
	}
	return rs;
}

void rules_free(struct ruleset *rs)
{
	if (!rs)
		return;
	for (size_t i = 0; i < rs->nfields; i++) {
		free(rs->fields[i].name);
		for (size_t a = 0; a < rs->fields[i].naliases; a++)
			free(rs->fields[i].aliases[a]);
		free(rs->fields[i].aliases);
	}
	for (size_t i = 0; i < rs->nsuccess; i++)
		free_cond(&rs->success[i]);
	free(rs->success);
	free(rs->success_kind);
	for (size_t i = 0; i < rs->nkeys; i++)
		free(rs->keys[i].alias);
	free(rs->keys);
	mask_free(&rs->mask);
	extract_free(rs->extract);
	report_conf_free(rs->report);
	for (size_t i = 0; i < rs->nexchanges; i++)
		pcre2_code_free(rs->exchanges[i].re);
	free(rs->exchanges);
	for (size_t i = 0; i < rs->ncodes_cap; i++) {
		free(rs->codes[i].key);
		free(rs->codes[i].text);
	}
	free(rs->codes);
	for (size_t i = 0; i < rs->nrules; i++)
		free_rule(&rs->rules[i]);
	free(rs->rules);
	for (size_t i = 0; i < rs->nfiles; i++)
		free(rs->files[i]);
	free(rs->files);
	free(rs->dir);
	free(rs);
}

/* PREFIX/share/sfdiag/rules for the binary PREFIX/bin/sfdiag that runs,
 * wherever the installed tree was copied or moved; "" when unknown. */
static const char *rules_beside_binary(void)
{
	static char path[4096];
	ssize_t n = readlink("/proc/self/exe", path, sizeof path - 1);
	if (n <= 0 || (size_t)n >= sizeof path - 32)
		return "";
	path[n] = '\0';
	char *slash = strrchr(path, '/');
	if (!slash)
		return "";
	*slash = '\0'; /* PREFIX/bin */
	slash = strrchr(path, '/');
	if (!slash || strcmp(slash, "/bin") != 0)
		return "";
	/* Room is left above: n < sizeof path - 32. */
	static const char tail[] = "/share/sfdiag/rules";
	memcpy(slash, tail, sizeof tail);
	return path;
}

const char *rules_locate(const char *opt)
{
	const char *fixed[] = {rules_beside_binary(), SFDIAG_DATADIR "/rules",
			       SFDIAG_SRCDIR "/rules"};
	struct stat st;
	if (opt)
		return opt;
	const char *env = getenv("SFDIAG_RULES");
	if (env && *env)
		return env;
	for (size_t i = 0; i < sizeof fixed / sizeof fixed[0]; i++)
		if (*fixed[i] && stat(fixed[i], &st) == 0 && S_ISDIR(st.st_mode))
			return fixed[i];
	return NULL;
}

static void forward_line(struct loader *ld, char *text)
{
	ld->user_fn(ld->user_ctx, ld->file, ld->line, text);
}

int rules_read_lines(const char *path, rules_line_fn line, void *ctx, rules_error_fn err,
		     void *errctx)
{
	struct ruleset dummy;
	memset(&dummy, 0, sizeof dummy);
	struct loader ld = {.rs = &dummy,
			    .err = err,
			    .ctx = errctx,
			    .file = path,
			    .user_fn = line,
			    .user_ctx = ctx};
	FILE *fp = fopen(path, "r");
	if (!fp) {
		if (errno == ENOENT)
			return -1;
		lerror(&ld, "cannot open: %s", strerror(errno));
		return ld.nerrors;
	}
	parse_data_file(&ld, fp, forward_line);
	fclose(fp);
	return ld.nerrors;
}
