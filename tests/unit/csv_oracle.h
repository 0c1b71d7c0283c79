/*
 * csv_oracle.h - libcsv as the oracle for src/csvline.c, shared by
 * tests/unit/test_csvline.c and tests/fuzz/fuzz_csvline.c.
 *
 * csv_oracle_agrees(line, n, delim, f, k) feeds line + "\n" to libcsv with
 * the options adapt_login_csv.c uses and returns 1 if that gives exactly one
 * record whose fields are the k fields f of line, else 0.
 */
#ifndef SFDIAG_CSV_ORACLE_H
#define SFDIAG_CSV_ORACLE_H

#include <csv.h>
#include <stdlib.h>
#include <string.h>

#include "adapt/csvline.h"

struct csv_oracle {
	const char *line;
	const struct csvline_field *f;
	size_t k;
	size_t nf; /* fields libcsv gave so far */
	int rows;
	int differ;
};

static void csv_oracle_field(void *data, size_t n, void *ctx)
{
	struct csv_oracle *o = ctx;
	size_t i = o->nf++;
	if (i >= o->k || o->f[i].len != n || (n && memcmp(data, o->line + o->f[i].off, n) != 0))
		o->differ = 1;
}

static void csv_oracle_row(int term, void *ctx)
{
	(void)term;
	((struct csv_oracle *)ctx)->rows++;
}

static int csv_oracle_agrees(const char *line, size_t n, char delim, const struct csvline_field *f,
			     long k)
{
	struct csv_oracle o = {.line = line, .f = f, .k = (size_t)k};
	struct csv_parser p;
	char *fed = malloc(n + 1);
	if (!fed || csv_init(&p, CSV_STRICT | CSV_STRICT_FINI | CSV_APPEND_NULL) != 0)
		abort();
	csv_set_delim(&p, (unsigned char)delim);
	memcpy(fed, line, n);
	fed[n] = '\n';
	int ok = csv_parse(&p, fed, n + 1, csv_oracle_field, csv_oracle_row, &o) == n + 1 &&
		 csv_fini(&p, csv_oracle_field, csv_oracle_row, &o) == 0;
	csv_free(&p);
	free(fed);
	return ok && !o.differ && o.rows == 1 && o.nf == o.k;
}

#endif
