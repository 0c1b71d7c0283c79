/*
 * report_text.c - the sentences of a report (struct report_text, model.h):
 * fixed text and values read from input kept apart as spans, so that each
 * writer masks and escapes input in one place.
 */
#include "report/model.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/util.h"

static void text_grow(struct report_text *t, size_t n)
{
	if (t->len + n + 1 > t->cap) {
		size_t cap = t->cap ? t->cap : 64;
		while (t->len + n + 1 > cap)
			cap *= 2;
		t->buf = xrealloc(t->buf, cap);
		t->cap = cap;
	}
}

static void text_span(struct report_text *t, const char *s, size_t n, int input, int field)
{
	if (!n && !input)
		return;
	text_grow(t, n);
	if (n)
		memcpy(t->buf + t->len, s, n);
	/* Adjacent fixed text joins one span. */
	struct report_span *last = t->nspan ? &t->span[t->nspan - 1] : NULL;
	if (!input && last && !last->input) {
		last->len += n;
	} else {
		t->span = xgrow(t->span, &t->spancap, t->nspan + 1, sizeof *t->span);
		t->span[t->nspan++] = (struct report_span){t->len, n, input, input ? field : -1};
	}
	t->len += n;
	t->buf[t->len] = '\0';
}

void report_text_lit(struct report_text *t, const char *s, size_t n)
{
	text_span(t, s, n, 0, -1);
}

void report_text_lits(struct report_text *t, const char *s)
{
	text_span(t, s, strlen(s), 0, -1);
}

void report_text_input(struct report_text *t, int field, const char *s, size_t n)
{
	text_span(t, s, n, 1, field);
}

/* Append src's spans to t. */
void report_text_append(struct report_text *t, const struct report_text *src)
{
	for (size_t i = 0; i < src->nspan; i++) {
		const struct report_span *sp = &src->span[i];
		text_span(t, src->buf + sp->off, sp->len, sp->input, sp->field);
	}
}

void report_text_copy(struct report_text *dst, const struct report_text *src)
{
	memset(dst, 0, sizeof *dst);
	report_text_append(dst, src);
}

int report_text_equal(const struct report_text *a, const struct report_text *b)
{
	if (a->len != b->len || a->nspan != b->nspan)
		return 0;
	if (a->len && memcmp(a->buf, b->buf, a->len) != 0)
		return 0;
	for (size_t i = 0; i < a->nspan; i++)
		if (a->span[i].len != b->span[i].len || a->span[i].input != b->span[i].input ||
		    a->span[i].field != b->span[i].field)
			return 0;
	return 1;
}

void report_text_free(struct report_text *t)
{
	free(t->buf);
	free(t->span);
	memset(t, 0, sizeof *t);
}

void report_text_flat(struct strbuf *out, const struct ruleset *rs, const struct report_text *t,
		      report_value_fn value)
{
	for (size_t i = 0; i < t->nspan; i++) {
		const struct report_span *sp = &t->span[i];
		if (sp->input)
			value(out, rs, sp->field, t->buf + sp->off, sp->len);
		else
			sb_add(out, t->buf + sp->off, sp->len);
	}
}

int report_text_template(struct report_text *t, const char *tmpl, report_fill_fn fill, void *ctx)
{
	const char *p = tmpl;
	while (*p) {
		const char *q = strchr(p, '{');
		if (!q) {
			report_text_lits(t, p);
			break;
		}
		report_text_lit(t, p, (size_t)(q - p));
		if (q[1] == '{') {
			report_text_lits(t, "{");
			p = q + 2;
			continue;
		}
		const char *end = strchr(q, '}');
		if (!end) {
			report_text_lits(t, q);
			break;
		}
		const char *after = end + 1;
		if (fill(ctx, t, q + 1, (size_t)(end - q - 1), &after) < 0)
			return -1;
		p = after;
	}
	return 0;
}
