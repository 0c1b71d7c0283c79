/*
 * fuzz_mask.c - the secrets masker (base/mask.c) with the shipped
 * rules/secrets.conf, on any bytes.  Besides memory errors it checks what
 * the masker promises:
 *   - idempotence: masking the output again changes nothing and masks
 *     nothing (no secret survives, no shape is taken for one), for any
 *     input, also one that holds shapes ("[secret: ...]") planted in it;
 *   - valid UTF-8 in gives valid UTF-8 out (a shape never splits a
 *     character);
 *   - the output is bounded: at most one shape per input byte.
 * The first byte picks how the input is cut, so that values of every
 * length reach the masker as a writer would hand them over.
 */
#include "fuzz_common.h"

#include "base/mask.h"

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	(void)fuzz_ruleset();
	return 0;
}

static void check_one(const struct masker *m, const char *s, size_t n)
{
	struct strbuf once = {0}, twice = {0};
	mask_apply(m, &once, s, n);
	size_t again = mask_apply(m, &twice, sb_str(&once), once.len);
	if (again != 0 || once.len != twice.len ||
	    memcmp(sb_str(&once), sb_str(&twice), once.len)) {
		fprintf(stderr,
			"fuzz_mask: not idempotent (%zu masked again)\n  once:  %s\n  twice: %s\n",
			again, sb_str(&once), sb_str(&twice));
		abort();
	}
	size_t bad;
	if (utf8_valid(s, n, &bad) && !utf8_valid(sb_str(&once), once.len, &bad)) {
		fprintf(stderr, "fuzz_mask: valid UTF-8 in, invalid out at %zu\n", bad);
		abort();
	}
	if (once.len > 64 * (n + 1)) {
		fprintf(stderr, "fuzz_mask: %zu bytes out of %zu\n", once.len, n);
		abort();
	}
	sb_free(&once);
	sb_free(&twice);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const struct masker *m = &fuzz_ruleset()->mask;
	if (size == 0)
		return 0;
	/* An exact-size copy, so that a read past n shows under ASan. */
	size_t n = size - 1;
	char *s = malloc(n ? n : 1);
	if (!s)
		return 0;
	memcpy(s, data + 1, n);
	if (data[0] & 1) {
		check_one(m, s, n);
	} else {
		/* Line by line, as notes and log excerpts come. */
		size_t a = 0;
		for (size_t i = 0; i <= n; i++)
			if (i == n || s[i] == '\n') {
				check_one(m, s + a, i - a);
				a = i + 1;
			}
	}
	free(s);
	return 0;
}
