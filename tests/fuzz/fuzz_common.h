/*
 * fuzz_common.h - shared by the libFuzzer harnesses in tests/fuzz/.
 *
 * Each harness defines LLVMFuzzerTestOneInput (and may define
 * LLVMFuzzerInitialize); it is linked either with clang -fsanitize=fuzzer
 * (run-fuzzers) or with replay.c and gcc + ASan (replay-all).
 *
 * The real rules directory is loaded once: $SFDIAG_RULES, else the source
 * tree's rules/ (SFDIAG_SRCDIR, set by the build scripts).
 */
#ifndef SFDIAG_FUZZ_COMMON_H
#define SFDIAG_FUZZ_COMMON_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "adapt/adapter.h"
#include "input/input.h"
#include "rules/ruleset.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* An input_source over a byte range; reads in small, varying chunks so
 * that chunk boundaries fall everywhere. */
struct fuzz_mem {
	const uint8_t *p;
	size_t n, off;
	unsigned step;
};

static inline long fuzz_mem_read(void *ctx, void *buf, size_t n)
{
	struct fuzz_mem *m = ctx;
	size_t left = m->n - m->off;
	size_t chunk = 1 + (m->step++ * 7919u) % 4096u;
	if (n > chunk)
		n = chunk;
	if (n > left)
		n = left;
	memcpy(buf, m->p + m->off, n);
	m->off += n;
	return (long)n;
}

static inline void fuzz_mem_close(void *ctx)
{
	(void)ctx;
}

/* The caller keeps *m alive until input_close. */
static inline struct input *fuzz_input(struct fuzz_mem *m, const uint8_t *data, size_t size)
{
	m->p = data;
	m->n = size;
	m->off = 0;
	m->step = 0;
	struct input_source src = {m, fuzz_mem_read, fuzz_mem_close};
	return input_open_source("fuzz-input", src);
}

static inline void fuzz_rules_error(void *ctx, const char *msg)
{
	(void)ctx;
	if (getenv("FUZZ_VERBOSE"))
		fprintf(stderr, "rules: %s\n", msg);
}

static inline const char *fuzz_rules_dir(void)
{
	const char *env = getenv("SFDIAG_RULES");
	return env && *env ? env : SFDIAG_SRCDIR "/rules";
}

/* The real ruleset, loaded on first use; aborts if it does not load (a
 * harness without rules would fuzz nothing). */
static inline struct ruleset *fuzz_ruleset(void)
{
	static struct ruleset *rs;
	if (!rs) {
		rs = rules_load(fuzz_rules_dir(), 1, fuzz_rules_error, NULL);
		if (!rs) {
			fprintf(stderr, "fuzz: cannot load rules from %s\n", fuzz_rules_dir());
			abort();
		}
	}
	return rs;
}

/* Adapter callbacks that only count. */
static inline void fuzz_emit(void *ctx, const struct event *ev)
{
	unsigned long *n = ctx;
	(*n)++;
	/* Touch every value so that a dangling pointer shows under ASan. */
	volatile unsigned char sink = 0;
	for (size_t f = 0; f < SFDIAG_MAX_FIELDS; f++)
		if (ev->val[f])
			for (size_t i = 0; i < ev->len[f]; i++)
				sink ^= (unsigned char)ev->val[f][i];
	(void)sink;
}

static inline void fuzz_note(void *ctx, enum note_level level, long line, const char *msg)
{
	(void)ctx;
	(void)level;
	(void)line;
	volatile size_t n = strlen(msg);
	(void)n;
}

#endif
