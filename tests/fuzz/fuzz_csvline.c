/*
 * fuzz_csvline.c - the csvline fast path must agree with libcsv.
 *
 * The first byte picks the delimiter (, ; TAB |); the rest, up to the first
 * line feed, is one line.  Whenever csvline_split accepts the line, libcsv
 * (with the options adapt_login_csv.c uses) must give exactly one record
 * with the same fields; any difference aborts.
 */
#include "fuzz_common.h"

#include <csv.h>

#include "csvline.h"

enum { MAXF = 512 };

struct got {
	char *buf;
	size_t used, cap;
	size_t off[MAXF], len[MAXF];
	size_t nf;
	int rows, wide;
};

static void on_field(void *data, size_t n, void *ctx)
{
	struct got *g = ctx;
	if (g->nf == MAXF) {
		g->wide = 1;
		return;
	}
	if (g->used + n > g->cap)
		abort(); /* cap is the line's length: a field cannot be longer */
	memcpy(g->buf + g->used, data, n);
	g->off[g->nf] = g->used;
	g->len[g->nf++] = n;
	g->used += n;
}

static void on_row(int term, void *ctx)
{
	(void)term;
	((struct got *)ctx)->rows++;
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char delims[] = ",;\t|";
	static struct csvline_field f[MAXF];
	if (size == 0)
		return 0;
	char delim = delims[data[0] % 4];
	const char *nl = memchr(data + 1, '\n', size - 1);
	size_t n = nl ? (size_t)(nl - (const char *)data) - 1 : size - 1;
	/* An exact-size copy, so that a read past n shows under ASan. */
	char *line = malloc(n ? n : 1);
	if (!line)
		return 0;
	memcpy(line, data + 1, n);
	long k = csvline_split(line, n, delim, f, MAXF);
	if (k >= 0) {
		struct csv_parser p;
		struct got g = {.cap = n + 1};
		g.buf = malloc(g.cap);
		char *fed = malloc(n + 1);
		if (!g.buf || !fed || csv_init(&p, CSV_STRICT | CSV_STRICT_FINI | CSV_APPEND_NULL) != 0)
			abort();
		csv_set_delim(&p, (unsigned char)delim);
		memcpy(fed, line, n);
		fed[n] = '\n';
		if (csv_parse(&p, fed, n + 1, on_field, on_row, &g) != n + 1 ||
		    csv_fini(&p, on_field, on_row, &g) != 0 || g.wide || g.rows != 1 ||
		    g.nf != (size_t)k)
			abort();
		for (size_t i = 0; i < g.nf; i++)
			if (g.len[i] != f[i].len ||
			    memcmp(g.buf + g.off[i], line + f[i].off, f[i].len) != 0)
				abort();
		csv_free(&p);
		free(fed);
		free(g.buf);
	}
	free(line);
	return 0;
}
