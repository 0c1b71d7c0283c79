/*
 * unit.h - a minimal unit-test harness.
 *
 * Each tests/unit/test_*.c file includes this header, writes its checks with
 * CHECK / CHECK_STR / CHECK_INT inside functions, and ends with
 * UNIT_MAIN(fn1, fn2, ...).  The runner prints one closing line,
 * "NAME: N passed, N failed", and exits non-zero if anything failed.
 */
#ifndef SFDIAG_UNIT_H
#define SFDIAG_UNIT_H

#include <stdio.h>
#include <string.h>

static int unit_pass, unit_fail;

#define CHECK(cond)                                                                                \
	do {                                                                                       \
		if (cond) {                                                                        \
			unit_pass++;                                                               \
		} else {                                                                           \
			unit_fail++;                                                               \
			fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #cond);   \
		}                                                                                  \
	} while (0)

#define CHECK_INT(got, want)                                                                       \
	do {                                                                                       \
		long long g_ = (long long)(got), w_ = (long long)(want);                           \
		if (g_ == w_) {                                                                    \
			unit_pass++;                                                               \
		} else {                                                                           \
			unit_fail++;                                                               \
			fprintf(stderr, "%s:%d: %s: got %lld, want %lld\n", __FILE__, __LINE__,    \
				#got, g_, w_);                                                     \
		}                                                                                  \
	} while (0)

#define CHECK_STR(got, want)                                                                       \
	do {                                                                                       \
		const char *g_ = (got), *w_ = (want);                                              \
		if (g_ && w_ && strcmp(g_, w_) == 0) {                                             \
			unit_pass++;                                                               \
		} else {                                                                           \
			unit_fail++;                                                               \
			fprintf(stderr, "%s:%d: %s: got \"%s\", want \"%s\"\n", __FILE__,          \
				__LINE__, #got, g_ ? g_ : "(null)", w_ ? w_ : "(null)");           \
		}                                                                                  \
	} while (0)

typedef void (*unit_fn)(void);

#define UNIT_MAIN(...)                                                                             \
	int main(void)                                                                             \
	{                                                                                          \
		unit_fn fns_[] = {__VA_ARGS__};                                                    \
		for (size_t i_ = 0; i_ < sizeof fns_ / sizeof fns_[0]; i_++)                       \
			fns_[i_]();                                                                \
		printf("%s: %d passed, %d failed\n", __FILE__, unit_pass, unit_fail);              \
		return unit_fail != 0;                                                             \
	}

#endif
