/*
 * util.h - allocation that cannot fail, growable strings, small string helpers.
 *
 * Ownership: x*alloc and sb_* never return NULL; on out-of-memory they print
 * "sfdiag: out of memory" and exit(2), as OpenBSD's xmalloc does, unless
 * this thread is inside an out-of-memory guard (below).  A struct strbuf
 * owns its buffer; sb_free releases it and leaves an empty buffer.
 */
#ifndef SFDIAG_UTIL_H
#define SFDIAG_UTIL_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

void *xmalloc(size_t n);
void *xcalloc(size_t n, size_t size);
void *xrealloc(void *p, size_t n);
/* Grow an array of *cap elements of size elem so that it holds at least need. */
void *xgrow(void *p, size_t *cap, size_t need, size_t elem);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);

/*
 * An out-of-memory guard: a piece of work that may fail alone when an x*
 * allocation of this thread fails (one half of a split read, one ticket of
 * a batch), instead of the whole process exiting.  Use it so:
 *
 *	struct oom_guard g;
 *	oom_guard_push(&g);
 *	if (setjmp(g.jb) == 0) {
 *		... the work ...
 *		oom_guard_pop(&g);
 *	} else {
 *		... the allocation failed: g is already popped; the work's
 *		    state is abandoned (what it held is not freed) ...
 *	}
 *
 * Guards nest per thread: a failure returns to the innermost one, whose
 * handler may clean up what must not stay behind (join a thread, drop a
 * counter) and pass the failure on to the next with oom_raise().  With no
 * guard, oom_raise() prints "sfdiag: out of memory" and exits with 2.
 * Nothing that holds a lock may allocate inside a guard.
 */
struct oom_guard {
	jmp_buf jb;
	struct oom_guard *prev;
};
void oom_guard_push(struct oom_guard *g);
void oom_guard_pop(struct oom_guard *g);
_Noreturn void oom_raise(void);

struct strbuf {
	char *buf; /* NUL-terminated once anything was appended */
	size_t len;
	size_t cap;
};

void sb_add(struct strbuf *sb, const char *s, size_t n);
void sb_adds(struct strbuf *sb, const char *s);
void sb_addc(struct strbuf *sb, char c);
void sb_printf(struct strbuf *sb, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void sb_vprintf(struct strbuf *sb, const char *fmt, va_list ap);
void sb_reset(struct strbuf *sb);
void sb_free(struct strbuf *sb);
/* The contents as a C string ("" when empty). */
const char *sb_str(const struct strbuf *sb);

/* A fast 64-bit hash of n bytes (not cryptographic). */
uint64_t hash_bytes(const void *p, size_t n);

/* A set of C strings compared without regard to ASCII case.  Zero-initialise
 * it; the set owns copies of what is added; strset_free empties it. */
struct strset {
	char **slot;
	size_t cap; /* a power of two, or 0 */
	size_t n;
};
int strset_has_nocase(const struct strset *set, const char *s);
/* Add s unless an equal string is there: returns 1 if it was, else 0. */
int strset_add_nocase(struct strset *set, const char *s);
void strset_free(struct strset *set);

/* Trim ASCII white space at both ends; returns the new start, *n updated. */
const char *str_trim(const char *s, size_t *n);
/* Case-insensitive ASCII comparison of s[0..n) with the C string lit. */
int str_ieq(const char *s, size_t n, const char *lit);
/* The next blank-separated word of s, NUL-terminated in place; *rest gets
 * what follows it, leading blanks skipped. */
char *str_take_word(char *s, char **rest);
/* Drop trailing blanks and line breaks in place. */
void str_rtrim(char *s);
/* 1 if s[0..n) is valid UTF-8 (no overlongs, no surrogates); else 0 and
 * *bad is the offset of the first bad byte. */
int utf8_valid(const char *s, size_t n, size_t *bad);

#endif
