/*
 * fuzz_csvline.c - the csvline fast path must agree with libcsv.
 *
 * The first byte picks the delimiter (, ; TAB |); the rest, up to the first
 * line feed, is one line.  Whenever csvline_split accepts the line, libcsv
 * (with the options adapt_login_csv.c uses) must give exactly one record
 * with the same fields; any difference aborts.
 */
#include "fuzz_common.h"

#include "../unit/csv_oracle.h"
#include "adapt/csvline.h"

enum { MAXF = 512 };

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
	if (k >= 0 && !csv_oracle_agrees(line, n, delim, f, k))
		abort();
	free(line);
	return 0;
}
