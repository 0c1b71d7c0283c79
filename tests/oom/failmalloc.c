/*
 * failmalloc.c - an LD_PRELOAD shim that makes allocations fail, for the
 * out-of-memory tests (tests/oom/run), in the spirit of jq's inject_errors.
 *
 *   OOM_FAIL_AT=N     the Nth allocation (from 1) and, with OOM_MODE=after
 *                     (the default), every later one returns NULL/ENOMEM;
 *                     with OOM_MODE=once only the Nth fails.
 *   OOM_TRACE=1       print a backtrace of the failing allocation(s) to
 *                     stderr (to find who ignores a NULL).
 *   OOM_COUNT_FILE=F  at exit, write the number of allocations made to F
 *                     (to choose the range of N).
 *
 * malloc, calloc, realloc, reallocarray, posix_memalign, aligned_alloc,
 * memalign, valloc and strdup/strndup (via malloc) are counted.  The real
 * allocator is glibc's __libc_* entry points, so no dlsym is needed.
 *
 * Counting starts when the program starts (__libc_start_main, interposed):
 * the constructors of the shared libraries, which run before it, are not
 * sfdiag's code (GLib's type system allocates there, and by GLib's policy
 * aborts when it cannot).
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <execinfo.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

extern void *__libc_malloc(size_t n);
extern void *__libc_calloc(size_t n, size_t size);
extern void *__libc_realloc(void *p, size_t n);
extern void *__libc_memalign(size_t align, size_t n);

static unsigned long calls, fail_at;
static int once, inited, priming, started;

static void report(void)
{
	unsigned long n = calls; /* before fopen allocates */
	const char *f = getenv("OOM_COUNT_FILE");
	if (!f)
		return;
	FILE *fp = fopen(f, "w");
	if (fp) {
		fprintf(fp, "%lu\n", n);
		fclose(fp);
	}
}

static void init(void)
{
	inited = 1;
	const char *s = getenv("OOM_FAIL_AT");
	fail_at = s ? strtoul(s, NULL, 10) : 0;
	const char *m = getenv("OOM_MODE");
	once = m && strcmp(m, "once") == 0;
	if (getenv("OOM_COUNT_FILE"))
		atexit(report);
	if (getenv("OOM_TRACE")) {
		/* The first backtrace() loads libgcc_s, which allocates. */
		void *pc[2];
		priming = 1;
		backtrace(pc, 2);
		priming = 0;
	}
}

/* 1 if this allocation must fail. */
static int fail_now(void)
{
	if (!inited)
		init();
	if (priming || !started)
		return 0; /* not counted: the counts must not depend on OOM_TRACE */
	calls++;
	if (fail_at == 0 || calls < fail_at)
		return 0;
	if (once && calls != fail_at)
		return 0;
	errno = ENOMEM;
	static int tracing;
	if (!tracing && getenv("OOM_TRACE")) {
		void *pcs[32];
		tracing = 1;
		int k = backtrace(pcs, 32);
		backtrace_symbols_fd(pcs, k, 2);
		tracing = 0;
	}
	return 1;
}

typedef int (*main_fn)(int, char **, char **);
typedef int (*start_fn)(main_fn, int, char **, void (*)(void), void (*)(void), void (*)(void),
			void *);

int __libc_start_main(main_fn main, int argc, char **argv, void (*init_fn)(void),
		      void (*fini)(void), void (*rtld_fini)(void), void *stack_end);

int __libc_start_main(main_fn main, int argc, char **argv, void (*init_fn)(void),
		      void (*fini)(void), void (*rtld_fini)(void), void *stack_end)
{
	start_fn real = (start_fn)dlsym(RTLD_NEXT, "__libc_start_main");
	started = 1;
	return real(main, argc, argv, init_fn, fini, rtld_fini, stack_end);
}

void *malloc(size_t n)
{
	return fail_now() ? NULL : __libc_malloc(n);
}

void *calloc(size_t n, size_t size)
{
	return fail_now() ? NULL : __libc_calloc(n, size);
}

void *realloc(void *p, size_t n)
{
	/* realloc(p, 0) frees; never fail it. */
	if (p && n == 0)
		return __libc_realloc(p, n);
	return fail_now() ? NULL : __libc_realloc(p, n);
}

void *reallocarray(void *p, size_t n, size_t size)
{
	if (size && n > (size_t)-1 / size) {
		errno = ENOMEM;
		return NULL;
	}
	return realloc(p, n * size);
}

void *memalign(size_t align, size_t n)
{
	return fail_now() ? NULL : __libc_memalign(align, n);
}

void *aligned_alloc(size_t align, size_t n)
{
	return memalign(align, n);
}

void *valloc(size_t n)
{
	return memalign((size_t)sysconf(_SC_PAGESIZE), n);
}

int posix_memalign(void **out, size_t align, size_t n)
{
	void *p = memalign(align, n);
	if (!p)
		return ENOMEM;
	*out = p;
	return 0;
}
