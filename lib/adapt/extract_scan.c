/*
 * extract_scan.c - match log lines against the compiled extract.conf
 * (see adapt/extract.h).
 *
 * A scanner owns one match context (SFDIAG_PCRE2_* limits) and one
 * match_data sized for the pattern with the most capture groups, so it
 * serves every extractor.
 */
#include "adapt/extract.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/util.h"

struct extract_scanner {
	const struct extract_set *set;
	pcre2_match_data *md;
	pcre2_match_context *mctx;
	unsigned long limit_hits; /* matches stopped by a PCRE2 limit */
};

struct extract_scanner *extract_scanner_new(const struct extract_set *x)
{
	if (!x)
		return NULL;
	struct extract_scanner *sc = xcalloc(1, sizeof *sc);
	sc->set = x;
	sc->md = pcre2_match_data_create(x->max_groups + 1, NULL);
	sc->mctx = pcre2_match_context_create(NULL);
	if (!sc->md || !sc->mctx) {
		extract_scanner_free(sc);
		return NULL;
	}
	pcre2_set_match_limit(sc->mctx, SFDIAG_PCRE2_MATCH_LIMIT);
	pcre2_set_depth_limit(sc->mctx, SFDIAG_PCRE2_DEPTH_LIMIT);
	pcre2_set_heap_limit(sc->mctx, SFDIAG_PCRE2_HEAP_LIMIT_KIB);
	return sc;
}

void extract_scanner_free(struct extract_scanner *sc)
{
	if (!sc)
		return;
	pcre2_match_data_free(sc->md);
	pcre2_match_context_free(sc->mctx);
	free(sc);
}

/* 1 on a match (ovector valid), 0 otherwise; a PCRE2 limit counts as no. */
static int run(struct extract_scanner *sc, const struct extractor *e, const char *line, size_t n)
{
	/* pcre2_jit_match skips pcre2_match's argument checks, which cost as
	 * much as a failed JIT match on a short line. */
	int rc = e->jit ? pcre2_jit_match(e->re, (PCRE2_SPTR)line, n, 0, 0, sc->md, sc->mctx)
			: pcre2_match(e->re, (PCRE2_SPTR)line, n, 0, 0, sc->md, sc->mctx);
	if (rc > 0)
		return 1;
	if (rc != PCRE2_ERROR_NOMATCH)
		sc->limit_hits++;
	return 0;
}

static void set_value(struct event *ev, const struct ruleset *rs, const struct extract_set *x,
		      int f, const char *v, size_t n)
{
	if (f == x->f_host) {
		/* Host names are compared in lower case everywhere. */
		char low[256];
		int upper = 0;
		for (size_t i = 0; i < n && !upper; i++)
			upper = v[i] >= 'A' && v[i] <= 'Z';
		if (upper && n < sizeof low) {
			for (size_t i = 0; i < n; i++)
				low[i] = (char)((v[i] >= 'A' && v[i] <= 'Z') ? v[i] + 32 : v[i]);
			v = event_keep(ev, low, &n);
		}
	}
	event_set(ev, rs, f, v, n);
}

/* Fill the fields of e's named groups from the last match; *filled counts
 * the fields set (only_absent: leave fields that already have a value). */
static size_t take_groups(struct extract_scanner *sc, const struct ruleset *rs,
			  const struct extractor *e, const char *line, struct event *ev,
			  int only_absent)
{
	PCRE2_SIZE *ov = pcre2_get_ovector_pointer(sc->md);
	size_t filled = 0;
	for (uint32_t g = 1; g <= e->ngroups; g++) {
		int f = e->group_field[g];
		if (f < 0 || ov[2 * g] == PCRE2_UNSET)
			continue;
		if (only_absent && ev->val[f])
			continue;
		set_value(ev, rs, sc->set, f, line + ov[2 * g], ov[2 * g + 1] - ov[2 * g]);
		filled++;
	}
	return filled;
}

/* Index of the first extractor from `from` on that matches, filling ev; -1
 * when none.  With cand, only extractors i with cand[i] are tried.
 * *filled gets the fields its named groups set. */
static long match_first(struct extract_scanner *sc, const struct ruleset *rs, const char *line,
			size_t n, const unsigned char *cand, size_t from, struct event *ev,
			size_t *filled)
{
	const struct extract_set *x = sc->set;
	for (size_t i = from; i < x->n; i++) {
		const struct extractor *e = &x->x[i];
		if ((cand && !cand[i]) || !run(sc, e, line, n))
			continue;
		event_clear(ev);
		ev->kind = e->kind;
		for (size_t k = 0; k < e->nfixed; k++)
			event_set(ev, rs, e->fixed[k].field, e->fixed[k].value,
				  strlen(e->fixed[k].value));
		*filled = take_groups(sc, rs, e, line, ev, 0);
		if (x->has_prefix && run(sc, &x->prefix, line, n))
			take_groups(sc, rs, &x->prefix, line, ev, 1);
		return (long)i;
	}
	return -1;
}

int extract_says(const struct ruleset *rs, const struct event *ev)
{
	const int f[] = {rs->f.error, rs->f.error_code, rs->f.error_description, rs->f.message};
	for (size_t i = 0; i < sizeof f / sizeof f[0]; i++)
		if (f[i] >= 0 && ev->val[f[i]])
			return 1;
	return 0;
}

const struct event *extract_line(struct extract_scanner *sc, const struct ruleset *rs,
				 const char *line, size_t n, const unsigned char *cand,
				 struct event *ev, struct event *sig)
{
	size_t filled;
	if (!sc)
		return NULL;
	long w = match_first(sc, rs, line, n, cand, 0, ev, &filled);
	if (w < 0)
		return NULL;
	if (extract_says(rs, ev))
		return ev;
	/* A wrapper that says no error: a later extractor may find the
	 * signature it wraps; the wrapper then only adds what it knows. */
	for (long k = w;
	     (k = match_first(sc, rs, line, n, cand, (size_t)k + 1, sig, &filled)) >= 0;) {
		if (!extract_says(rs, sig))
			continue;
		for (size_t f = 0; f < rs->nfields; f++) {
			if (sig->val[f] || !ev->val[f])
				continue;
			sig->val[f] = ev->val[f];
			sig->len[f] = ev->len[f];
			if ((int)f == rs->f.time) {
				sig->time_ms = ev->time_ms;
				sig->zone = ev->zone;
				sig->time_flags = ev->time_flags;
			}
		}
		return sig;
	}
	return ev;
}

void extract_selftest(const struct ruleset *rs, FILE *out, int *pass, int *fail)
{
	const struct extract_set *x = rs->extract;
	if (!x)
		return;
	struct extract_scanner *sc = extract_scanner_new(x);
	if (!sc) {
		fprintf(out, "%s: out of memory for the extract scanner\n", x->file);
		(*fail)++;
		return;
	}
	struct event *ev = xmalloc(sizeof *ev);
	for (size_t i = 0; i < x->n; i++) {
		const struct extractor *e = &x->x[i];
		for (size_t k = 0; k < e->nexamples; k++) {
			const char *t = e->examples[k].text;
			size_t filled = 0;
			ev->file = x->file;
			long got = match_first(sc, rs, t, strlen(t), NULL, 0, ev, &filled);
			if (got == (long)i && filled > 0) {
				(*pass)++;
				continue;
			}
			(*fail)++;
			if (got < 0)
				fprintf(out, "%s:%d: extract %s: example matches no extractor\n",
					x->file, e->examples[k].line, e->id);
			else if (got != (long)i)
				fprintf(
				    out,
				    "%s:%d: extract %s: example is matched first by extract %s\n",
				    x->file, e->examples[k].line, e->id, x->x[got].id);
			else
				fprintf(out, "%s:%d: extract %s: example fills no field\n", x->file,
					e->examples[k].line, e->id);
		}
	}
	free(ev);
	extract_scanner_free(sc);
}
