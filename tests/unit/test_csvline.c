/*
 * test_csvline.c - the memchr fast path against libcsv itself.
 *
 * Every line csvline_split accepts must give exactly the fields libcsv gives
 * with the options sfdiag uses; lines it refuses go to libcsv anyway, so a
 * refusal is never wrong, only slower.  Hand-written cases pin the common
 * shapes, and a seeded generator compares a million short lines built from
 * the bytes that matter (quotes, blanks, CR, delimiters).
 */
#include <stdint.h>
#include <string.h>

#include "adapt/csvline.h"
#include "csv_oracle.h"
#include "unit.h"

enum { MAXF = 64 };

/* 1 if the fast path either refuses line or agrees with libcsv on it. */
static int agrees(const char *line, size_t n, char delim, int *accepted)
{
	struct csvline_field f[MAXF];
	long k = csvline_split(line, n, delim, f, MAXF);
	*accepted = k >= 0;
	return k < 0 || csv_oracle_agrees(line, n, delim, f, k);
}

static long split(const char *s, char delim, struct csvline_field *f)
{
	return csvline_split(s, strlen(s), delim, f, MAXF);
}

static void test_shapes(void)
{
	struct csvline_field f[MAXF];
	const char *s = "Username,Login Time,Source IP";
	CHECK_INT(split(s, ',', f), 3);
	CHECK_INT(f[1].off, 9);
	CHECK_INT(f[1].len, 10);

	s = "\"20240102\",\"a,b\",\"\"";
	CHECK_INT(split(s, ',', f), 3);
	CHECK(f[1].len == 3 && memcmp(s + f[1].off, "a,b", 3) == 0);
	CHECK_INT(f[2].len, 0);

	CHECK_INT(split("a,,b,\r", ',', f), 4); /* CRLF, empty and trailing fields */
	CHECK_INT(f[3].len, 0);
	CHECK_INT(split("a;b|c", ';', f), 2);
	CHECK_INT(split("a\t b", '\t', f), -1); /* libcsv would trim the blank */

	/* Refused: every one needs libcsv's full state machine. */
	CHECK_INT(split("", ',', f), -1);
	CHECK_INT(split("\r", ',', f), -1);
	CHECK_INT(split("a, b", ',', f), -1);
	CHECK_INT(split("a,b ", ',', f), -1);
	CHECK_INT(split("a,\"b\"\"c\"", ',', f), -1);
	CHECK_INT(split("a,\"b", ',', f), -1);	/* the field goes on past the line */
	CHECK_INT(split("a\"b,c", ',', f), -1); /* strict-mode error */
	CHECK_INT(split("\"a\"b,c", ',', f), -1);
	CHECK_INT(split("a\rb", ',', f), -1); /* a lone CR ends a record */
	CHECK_INT(split(" \"a\",b", ',', f), -1);
	CHECK_INT(csvline_split("a,b,c", 5, ',', f, 2), -1); /* more than max */
	CHECK_INT(csvline_split("a,b,", 4, ',', f, 2), -1);
	CHECK_INT(csvline_split("a,b", 3, ',', f, 2), 2);

	int acc;
	const char *cases[] = {"Username,Login Time,Source IP",
			       "\"a\",\"b,c\",\"\"",
			       "a,,b,\r",
			       ",",
			       ",,",
			       "\"\"",
			       "\"\",",
			       "x\0y,z"};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		size_t n = i == 7 ? 5 : strlen(cases[i]);
		CHECK(agrees(cases[i], n, ',', &acc));
		CHECK(acc);
	}
}

static uint64_t rng = 0x9E3779B97F4A7C15ull;

static unsigned next_rand(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (unsigned)(rng >> 32);
}

static void test_against_libcsv(void)
{
	static const char alphabet[] = "ab,;\t|\" \r\xC3\xA9";
	static const char delims[] = ",;\t|";
	long accepted = 0, disagreed = 0;
	const long trials = 1000000;
	for (long t = 0; t < trials; t++) {
		char line[24];
		size_t n = next_rand() % sizeof line;
		/* Mostly plain bytes, so that many lines are simple enough to accept. */
		for (size_t i = 0; i < n; i++) {
			unsigned r = next_rand() % 20;
			line[i] = r < 9 ? alphabet[r % 2]
					: alphabet[r - 9 < sizeof alphabet - 1 ? r - 9 : 0];
		}
		char delim = delims[next_rand() % 4];
		int acc;
		if (!agrees(line, n, delim, &acc)) {
			if (disagreed++ < 5) {
				fprintf(stderr, "disagreement, delim 0x%02x:",
					(unsigned)(unsigned char)delim);
				for (size_t i = 0; i < n; i++)
					fprintf(stderr, " %02x", (unsigned)(unsigned char)line[i]);
				fputc('\n', stderr);
			}
		}
		accepted += acc;
	}
	CHECK_INT(disagreed, 0);
	/* The comparison means something only if the fast path takes a real share. */
	CHECK(accepted > trials / 5);
	CHECK(accepted < trials);
}

UNIT_MAIN(test_shapes, test_against_libcsv)
