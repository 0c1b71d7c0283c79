/*
 * pattern.c - /RE/FLAGS parsed, expanded and compiled (see pattern.h).
 */
#include "rules/pattern.h"

#include <stdlib.h>
#include <string.h>

#include "base/util.h"

int pattern_valid_name(const char *s, size_t n)
{
	if (n == 0 || !(*s >= 'a' && *s <= 'z'))
		return 0;
	for (size_t i = 1; i < n; i++) {
		char c = s[i];
		if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-'))
			return 0;
	}
	return 1;
}

/* The define named name[0..n), or NULL; the loader's own, writable view. */
static struct define *find_define(const struct pattern_defs *defs, const char *name, size_t n)
{
	for (size_t i = 0; defs && i < defs->n; i++)
		if (strncmp(defs->d[i].name, name, n) == 0 && defs->d[i].name[n] == '\0')
			return &defs->d[i];
	return NULL;
}

const struct define *pattern_find_define(const struct pattern_defs *defs, const char *name,
					 size_t n)
{
	return find_define(defs, name, n);
}

/* A run of the expanded pattern: from exp_off on, it comes from the source
 * at src (a literal run), or from the reference written at src. */
struct run {
	size_t exp_off;
	const char *src;
	int ref;
};

struct expansion {
	struct strbuf text;
	struct run *run;
	size_t nruns, cap;
};

static void add_run(struct expansion *x, const char *src, int ref)
{
	x->run = xgrow(x->run, &x->cap, x->nruns + 1, sizeof *x->run);
	x->run[x->nruns++] = (struct run){x->text.len, src, ref};
}

/* The source byte that the expanded offset off came from; *ref set when it
 * lies inside a define's text. */
static const char *source_of(const struct expansion *x, size_t off, int *ref)
{
	size_t k = 0;
	while (k + 1 < x->nruns && x->run[k + 1].exp_off <= off)
		k++;
	*ref = x->nruns ? x->run[k].ref : 0;
	if (!x->nruns)
		return NULL;
	return x->run[k].ref ? x->run[k].src : x->run[k].src + (off - x->run[k].exp_off);
}

/*
 * Expand the %{NAME} references of src[0..n) into x.  Returns 0, or -1
 * after reporting an unknown or malformed reference.
 */
static int expand(struct lexer *lx, struct pattern_defs *defs, const char *src, size_t n,
		  struct expansion *x)
{
	size_t i = 0;
	sb_add(&x->text, "", 0);
	add_run(x, src, 0);
	while (i < n) {
		if (src[i] == '\\' && i + 1 < n) {
			sb_add(&x->text, src + i, 2);
			i += 2;
			continue;
		}
		if (src[i] != '%' || i + 1 >= n || src[i + 1] != '{') {
			sb_addc(&x->text, src[i++]);
			continue;
		}
		const char *name = src + i + 2;
		const char *close = memchr(name, '}', n - i - 2);
		size_t len = close ? (size_t)(close - name) : 0;
		if (!close || !pattern_valid_name(name, len)) {
			lex_error(lx, src + i,
				  "'%%{' must start a reference %%{NAME} to a define (write \\%%{ "
				  "for the text)");
			return -1;
		}
		struct define *d = find_define(defs, name, len);
		if (!d) {
			lex_error(lx, src + i,
				  "unknown pattern %%{%.*s}: define it first with `define %.*s "
				  "/RE/`",
				  (int)len, name, (int)len, name);
			return -1;
		}
		d->uses++;
		add_run(x, src + i, 1);
		sb_adds(&x->text, d->expansion);
		i += 2 + len + 1;
		add_run(x, src + i, 0);
	}
	return 0;
}

void pattern_free(struct pattern *p)
{
	pcre2_code_free(p->re);
	free(p->source);
	memset(p, 0, sizeof *p);
}

/* pattern_compile(), and when expanded is not NULL, the pattern with its
 * references expanded, as compiled. */
static int compile(struct lexer *lx, struct pattern_defs *defs, char *arg, int use_jit,
		   struct pattern *out, char **after, struct strbuf *expanded)
{
	memset(out, 0, sizeof *out);
	char *close = strrchr(arg, '/');
	if (*arg != '/' || close == arg) {
		lex_error(lx, arg, "expected a pattern written /RE/FLAGS");
		return -1;
	}
	uint32_t opts = PATTERN_OPTIONS;
	char *f = close + 1;
	size_t nf = 0;
	for (; *f && *f != ' ' && *f != '\t'; f++) {
		const char *known = strchr(PATTERN_FLAGS, *f);
		if (!known || nf + 1 >= sizeof out->flags) {
			lex_error(lx, f, "unknown pattern flag '%c' (use i, m, s or x)", *f);
			return -1;
		}
		static const uint32_t bit[] = {PCRE2_CASELESS, PCRE2_MULTILINE, PCRE2_DOTALL,
					       PCRE2_EXTENDED};
		opts |= bit[known - PATTERN_FLAGS];
		out->flags[nf++] = *f;
	}
	const char *src = arg + 1;
	size_t n = (size_t)(close - src);
	struct expansion x = {0};
	if (expand(lx, defs, src, n, &x) != 0) {
		sb_free(&x.text);
		free(x.run);
		return -1;
	}
	int errcode;
	PCRE2_SIZE erroff;
	out->re =
	    pcre2_compile((PCRE2_SPTR)sb_str(&x.text), x.text.len, opts, &errcode, &erroff, NULL);
	if (!out->re) {
		PCRE2_UCHAR msg[120];
		pcre2_get_error_message(errcode, msg, sizeof msg);
		int ref;
		const char *at = source_of(&x, (size_t)erroff, &ref);
		size_t soff = at ? (size_t)(at - src) : 0;
		if (ref)
			lex_error(lx, at, "bad pattern in this reference: %s", (const char *)msg);
		else
			lex_error(lx, at, "bad pattern at offset %zu: %s", soff, (const char *)msg);
		sb_free(&x.text);
		free(x.run);
		return -1;
	}
	if (expanded)
		*expanded = x.text;
	else
		sb_free(&x.text);
	free(x.run);
	/* Without the JIT (--no-jit, or none for this CPU) the interpreter runs. */
	out->jit = use_jit && pcre2_jit_compile(out->re, PCRE2_JIT_COMPLETE) == 0;
	out->source = xstrndup(src, n);
	*after = f;
	return 0;
}

int pattern_compile(struct lexer *lx, struct pattern_defs *defs, char *arg, int use_jit,
		    struct pattern *out, char **after)
{
	return compile(lx, defs, arg, use_jit, out, after, NULL);
}

int pattern_define(struct lexer *lx, struct pattern_defs *defs, char *arg, int use_jit)
{
	char *rest;
	char *name = str_take_word(arg, &rest);
	if (!pattern_valid_name(name, strlen(name))) {
		lex_error(lx, name, "define: name '%s' must be [a-z][a-z0-9_-]*", name);
		return -1;
	}
	const struct define *old = pattern_find_define(defs, name, strlen(name));
	if (old) {
		lex_error(lx, name, "define %s: already defined at %s:%d", name, old->file,
			  old->line);
		return -1;
	}
	struct pattern p;
	struct strbuf expanded = {0};
	char *after;
	if (compile(lx, defs, rest, use_jit, &p, &after, &expanded) != 0)
		return -1;
	while (*after == ' ' || *after == '\t')
		after++;
	if (*after) {
		lex_error(lx, after, "define %s: unexpected text after the pattern", name);
		pattern_free(&p);
		sb_free(&expanded);
		return -1;
	}
	/* Spliced in as a group with its own flags, and n: the NO_AUTO_CAPTURE
	 * that (?^ would otherwise reset. */
	struct strbuf exp = {0};
	sb_printf(&exp, "(?^n%s:%s)", p.flags, sb_str(&expanded));
	sb_free(&expanded);

	defs->d = xgrow(defs->d, &defs->cap, defs->n + 1, sizeof *defs->d);
	struct define *d = &defs->d[defs->n++];
	memset(d, 0, sizeof *d);
	d->name = xstrdup(name);
	d->source = p.source;
	memcpy(d->flags, p.flags, sizeof d->flags);
	d->expansion = xstrdup(sb_str(&exp));
	d->file = xstrdup(lx->file);
	d->line = lx->line;
	sb_free(&exp);
	pcre2_code_free(p.re);
	return 0;
}

void pattern_defs_free(struct pattern_defs *defs)
{
	for (size_t i = 0; i < defs->n; i++) {
		free(defs->d[i].name);
		free(defs->d[i].source);
		free(defs->d[i].expansion);
		free(defs->d[i].file);
	}
	free(defs->d);
	memset(defs, 0, sizeof *defs);
}
