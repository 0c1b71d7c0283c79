/*
 * conf.c - the directive files of a rules directory: patterns.conf,
 * fields.conf, codes.conf and secrets.conf (docs/rules.md).  Each is one
 * directive per logical line; `define NAME /RE/FLAGS` is allowed in all.
 */
#include <stdlib.h>
#include <string.h>

#include "base/util.h"
#include "rules/load.h"

static int valid_field_name(const char *s)
{
	if (!*s)
		return 0;
	for (const char *p = s; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '_'))
			return 0;
	return 1;
}

/* A field named by the word at name, or -1 after "WHAT: unknown field". */
static int known_field(struct loader *ld, const char *what, const char *name)
{
	int f = rules_field(ld->rs, name);
	if (f < 0)
		lex_error(&ld->lx, name, "%s: unknown field '%s'", what, name);
	return f;
}

/* ---- fields.conf ---- */

/* Append the '|'-separated header aliases in list to f, normalized; an
 * alias another field already has is an error, one f has is skipped (the
 * same label in two languages). */
static void add_aliases(struct loader *ld, struct field_def *f, char *list)
{
	const struct ruleset *rs = ld->rs;
	size_t cap = f->naliases;
	while (*list) {
		char *bar = strchr(list, '|');
		size_t n = bar ? (size_t)(bar - list) : strlen(list);
		char norm[256];
		rules_normalize_header(list, n, norm, sizeof norm);
		if (norm[0]) {
			int rank;
			int other = rules_field_for_header(rs, norm, &rank);
			if (other >= 0 && other != (int)(f - rs->fields)) {
				lex_error(&ld->lx, list,
					  "alias '%.*s' already belongs to field '%s'", (int)n,
					  list, rs->fields[other].name);
			} else if (other < 0) {
				f->aliases =
				    xgrow(f->aliases, &cap, f->naliases + 1, sizeof *f->aliases);
				f->aliases[f->naliases++] = xstrdup(norm);
			}
		}
		list = bar ? bar + 1 : list + n;
	}
}

static void field_directive(struct loader *ld, char *rest)
{
	struct ruleset *rs = ld->rs;
	char *name = str_take_word(rest, &rest);
	if (!valid_field_name(name)) {
		lex_error(&ld->lx, name, "field name '%s' must be lower case letters, digits and _",
			  name);
		return;
	}
	if (rules_field(rs, name) >= 0) {
		lex_error(&ld->lx, name, "field '%s' declared twice", name);
		return;
	}
	if (rs->nfields >= SFDIAG_MAX_FIELDS) {
		lex_error(&ld->lx, name, "more than SFDIAG_MAX_FIELDS (%d) fields",
			  SFDIAG_MAX_FIELDS);
		return;
	}
	struct field_def *f = &rs->fields[rs->nfields++];
	f->name = xstrdup(name);
	add_aliases(ld, f, rest);
}

/* alias FIELD ALIAS | ...: more headers of a declared field (the labels of
 * a translated export), ranked after those before. */
static void alias_directive(struct loader *ld, char *rest)
{
	char *name = str_take_word(rest, &rest);
	int f = known_field(ld, "alias", name);
	if (f < 0)
		return;
	if (!*rest) {
		lex_error(&ld->lx, name, "alias: no header given for field '%s'", name);
		return;
	}
	add_aliases(ld, &ld->rs->fields[f], rest);
}

/* expect FIELD info|warning TEXT: a login export whose header fills neither
 * FIELD nor its fallback gets a note of that level saying TEXT. */
static void expect_directive(struct loader *ld, char *rest)
{
	struct ruleset *rs = ld->rs;
	char *name = str_take_word(rest, &rest);
	char *level = str_take_word(rest, &rest);
	int f = known_field(ld, "expect", name);
	if (f < 0)
		return;
	if (strcmp(level, "info") != 0 && strcmp(level, "warning") != 0) {
		lex_error(&ld->lx, level, "expect %s: level must be info or warning, not '%s'",
			  name, level);
		return;
	}
	if (!*rest) {
		lex_error(&ld->lx, name, "expect %s: say what the report lacks without it", name);
		return;
	}
	if (rs->nexpects >= SFDIAG_MAX_FIELDS) {
		lex_error(&ld->lx, name, "more than SFDIAG_MAX_FIELDS (%d) expect lines",
			  SFDIAG_MAX_FIELDS);
		return;
	}
	struct field_expect *e = &rs->expects[rs->nexpects++];
	e->field = f;
	e->level = level[0] == 'w' ? NOTE_WARNING : NOTE_INFO;
	e->text = xstrdup(rest);
}

static void success_directive(struct loader *ld, char *rest)
{
	struct ruleset *rs = ld->rs;
	/* success [KIND] CONDITION; the kind defaults to login-history. */
	unsigned kind = KIND_LOGIN_HISTORY;
	char first[64];
	size_t wl = strcspn(rest, " \t");
	snprintf(first, sizeof first, "%.*s", (int)wl, rest);
	if (kind_parse(first)) {
		kind = kind_parse(first);
		rest += wl;
		while (*rest == ' ' || *rest == '\t')
			rest++;
	}
	size_t n = rs->nsuccess, cap = rs->nsuccess;
	if (cond_parse(ld, rest, &rs->success, &n, &cap) != 0)
		return;
	for (size_t i = rs->nsuccess; i < n; i++) {
		if (rs->success[i].type != COND_MATCH && rs->success[i].type != COND_COMPARE) {
			lex_error(&ld->lx, rest,
				  "success: one field per condition (a list A|B is an `any`, and "
				  "the success conditions are ANDed)");
			for (size_t k = rs->nsuccess; k < n; k++)
				cond_free(&rs->success[k]);
			return;
		}
	}
	size_t kcap = rs->nsuccess;
	rs->success_kind = xgrow(rs->success_kind, &kcap, n, sizeof *rs->success_kind);
	for (size_t i = rs->nsuccess; i < n; i++)
		rs->success_kind[i] = kind;
	rs->nsuccess = n;
}

static void key_directive(struct loader *ld, char *rest)
{
	struct ruleset *rs = ld->rs;
	char *kname = str_take_word(rest, &rest);
	char *fname = str_take_word(rest, &rest);
	unsigned kind = kind_parse(kname);
	if (!kind) {
		lex_error(&ld->lx, kname, "key: unknown input kind '%s'", kname);
		return;
	}
	int f = known_field(ld, "key", fname);
	if (f < 0)
		return;
	while (*rest) {
		char *bar = strchr(rest, '|');
		size_t n = bar ? (size_t)(bar - rest) : strlen(rest);
		char norm[256];
		rules_normalize_header(rest, n, norm, sizeof norm);
		if (norm[0]) {
			int other = rules_field_for_key(rs, kind, norm);
			if (other >= 0 && other != f)
				lex_error(&ld->lx, rest,
					  "key '%.*s' of %s already fills field '%s'", (int)n, rest,
					  kname, rs->fields[other].name);
			size_t kcap = rs->nkeys;
			rs->keys = xgrow(rs->keys, &kcap, rs->nkeys + 1, sizeof *rs->keys);
			rs->keys[rs->nkeys++] = (struct json_key){kind, f, xstrdup(norm)};
		}
		rest = bar ? bar + 1 : rest + n;
	}
}

static void exchange_directive(struct loader *ld, char *rest)
{
	struct ruleset *rs = ld->rs;
	char *kname = str_take_word(rest, &rest), *after;
	unsigned kind = kind_parse(kname);
	if (!kind) {
		lex_error(&ld->lx, kname, "exchange: unknown input kind '%s'", kname);
		return;
	}
	struct pattern p;
	if (pattern_compile(&ld->lx, &rs->defines, rest, rs->use_jit, &p, &after) != 0)
		return;
	while (*after == ' ' || *after == '\t')
		after++;
	if (*after && strcmp(after, "refused") != 0) {
		lex_error(&ld->lx, after,
			  "exchange: expected 'refused' or nothing after the pattern, not '%s'",
			  after);
		pattern_free(&p);
		return;
	}
	size_t cap = rs->nexchanges;
	rs->exchanges = xgrow(rs->exchanges, &cap, rs->nexchanges + 1, sizeof *rs->exchanges);
	rs->exchanges[rs->nexchanges++] = (struct exchange){kind, *after != '\0', p.re};
	p.re = NULL;
	pattern_free(&p);
}

/* array PATH [har]: PATH is keys joined by '.', each [A-Za-z0-9_$-]+. */
static void array_directive(struct loader *ld, char *rest)
{
	struct ruleset *rs = ld->rs;
	char *path = str_take_word(rest, &rest);
	char *har = str_take_word(rest, &rest);
	if (*har && strcmp(har, "har") != 0) {
		lex_error(&ld->lx, har, "array: expected 'har' or nothing after the path, not '%s'",
			  har);
		return;
	}
	if (*rest) {
		lex_error(&ld->lx, rest, "array: unexpected text after '%s'", har);
		return;
	}
	struct json_array a = {.har = *har != '\0'};
	size_t cap = 0;
	for (const char *p = path;;) {
		size_t n = strcspn(p, ".");
		int ok = n > 0 && n < 64;
		for (size_t i = 0; ok && i < n; i++)
			ok = (p[i] >= 'a' && p[i] <= 'z') || (p[i] >= 'A' && p[i] <= 'Z') ||
			     (p[i] >= '0' && p[i] <= '9') || p[i] == '_' || p[i] == '-' ||
			     p[i] == '$';
		if (!ok || a.nparts == SFDIAG_MAX_JSON_PATH) {
			lex_error(
			    &ld->lx, p,
			    ok ? "array: a path of more than SFDIAG_MAX_JSON_PATH (%d) keys"
			       : "array: the path needs keys of 1-63 letters, digits, _, - or $ "
				 "joined by '.' (at most %d)",
			    SFDIAG_MAX_JSON_PATH);
			for (size_t i = 0; i < a.nparts; i++)
				free(a.part[i]);
			free(a.part);
			return;
		}
		a.part = xgrow(a.part, &cap, a.nparts + 1, sizeof *a.part);
		a.part[a.nparts++] = xstrndup(p, n);
		if (!p[n])
			break;
		p += n + 1;
	}
	a.path = xstrdup(path);
	size_t acap = rs->narrays;
	rs->arrays = xgrow(rs->arrays, &acap, rs->narrays + 1, sizeof *rs->arrays);
	rs->arrays[rs->narrays++] = a;
}

void conf_parse_fields(struct loader *ld)
{
	struct ruleset *rs = ld->rs;
	char *text;
	while ((text = lex_next(&ld->lx)) != NULL) {
		char *rest;
		char *kw = str_take_word(text, &rest);
		if (strcmp(kw, "field") == 0) {
			field_directive(ld, rest);
		} else if (strcmp(kw, "alias") == 0) {
			alias_directive(ld, rest);
		} else if (strcmp(kw, "expect") == 0) {
			expect_directive(ld, rest);
		} else if (strcmp(kw, "require") == 0) {
			char *name = str_take_word(rest, &rest);
			int f = known_field(ld, "require", name);
			if (f >= 0 && rs->nrequired < SFDIAG_MAX_FIELDS)
				rs->required[rs->nrequired++] = f;
		} else if (strcmp(kw, "fallback") == 0) {
			char *name = str_take_word(rest, &rest);
			char *from = str_take_word(rest, &rest);
			int f = rules_field(rs, name), g = rules_field(rs, from);
			if (f < 0 || g < 0 || f == g)
				lex_error(&ld->lx, name,
					  "fallback needs two different declared fields, not '%s' "
					  "'%s'",
					  name, from);
			else
				rs->fallback[f] = g;
		} else if (strcmp(kw, "success") == 0) {
			success_directive(ld, rest);
		} else if (strcmp(kw, "key") == 0) {
			key_directive(ld, rest);
		} else if (strcmp(kw, "exchange") == 0) {
			exchange_directive(ld, rest);
		} else if (strcmp(kw, "array") == 0) {
			array_directive(ld, rest);
		} else if (strcmp(kw, "secret") == 0) {
			char *name = str_take_word(rest, &rest);
			int f = known_field(ld, "secret", name);
			if (f >= 0)
				rs->fields[f].secret = 1;
		} else if (strcmp(kw, "define") == 0) {
			pattern_define(&ld->lx, &rs->defines, rest, rs->use_jit);
		} else {
			lex_error(
			    &ld->lx, kw,
			    "unknown directive '%s' (expected field, alias, expect, fallback, "
			    "require, success, key, exchange, array, secret or define)",
			    kw);
		}
	}
}

/* ---- codes.conf ---- */

void conf_parse_codes(struct loader *ld)
{
	char *text;
	while ((text = lex_next(&ld->lx)) != NULL) {
		char *rest;
		char *kw = str_take_word(text, &rest);
		if (strcmp(kw, "define") == 0) {
			pattern_define(&ld->lx, &ld->rs->defines, rest, ld->rs->use_jit);
			continue;
		}
		if (strcmp(kw, "code") != 0) {
			lex_error(&ld->lx, kw, "unknown directive '%s' (expected code)", kw);
			continue;
		}
		char *fname = str_take_word(rest, &rest);
		char *key = str_take_word(rest, &rest);
		int f = known_field(ld, "code", fname);
		if (f < 0)
			continue;
		if (!*key || !*rest) {
			lex_error(&ld->lx, NULL, "code needs FIELD KEY TEXT");
			continue;
		}
		rules_code_put(ld->rs, f, key, rest);
		ld->rs->fields[f].has_codes = 1;
	}
}

/* ---- secrets.conf ---- */

void conf_parse_secrets(struct loader *ld)
{
	struct ruleset *rs = ld->rs;
	char *text;
	while ((text = lex_next(&ld->lx)) != NULL) {
		char *rest, *after;
		char *kw = str_take_word(text, &rest);
		if (strcmp(kw, "define") == 0) {
			pattern_define(&ld->lx, &rs->defines, rest, rs->use_jit);
			continue;
		}
		if (strcmp(kw, "mask") != 0) {
			/* key, key-exact, key-query, scheme: words for base/mask.c */
			char err[160];
			if (mask_add_words(&rs->mask, kw, rest, err, sizeof err) != 0)
				lex_error(&ld->lx, kw, "%s", err);
			continue;
		}
		struct pattern p;
		if (pattern_compile(&ld->lx, &rs->defines, rest, rs->use_jit, &p, &after) != 0)
			continue;
		while (*after == ' ' || *after == '\t')
			after++;
		if (*after) {
			lex_error(&ld->lx, after, "mask: unexpected text after the pattern");
			pattern_free(&p);
			continue;
		}
		mask_add_pattern(&rs->mask, p.re);
		p.re = NULL;
		pattern_free(&p);
	}
}

/* ---- patterns.conf ---- */

void conf_parse_patterns(struct loader *ld)
{
	char *text;
	while ((text = lex_next(&ld->lx)) != NULL) {
		char *rest;
		char *kw = str_take_word(text, &rest);
		if (strcmp(kw, "define") == 0)
			pattern_define(&ld->lx, &ld->rs->defines, rest, ld->rs->use_jit);
		else
			lex_error(&ld->lx, kw, "unknown directive '%s' (expected define)", kw);
	}
}
