/*
 * fuzz_archive.c - arc_read on the bytes as a .zip/.tar/.tar.gz, with
 * lowered limits; every member is read to the end through its input.
 */
#include "fuzz_common.h"

#include <unistd.h>

#include "input/archive.h"

static char path[300];

static void cleanup(void)
{
	unlink(path);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	const char *tmp = getenv("TMPDIR");
	snprintf(path, sizeof path, "%s/sfdiag-fuzz-arc.XXXXXX", tmp && *tmp ? tmp : "/tmp");
	int fd = mkstemp(path);
	if (fd < 0)
		abort();
	close(fd);
	atexit(cleanup);
	return 0;
}

static void member(void *ctx, struct input *in)
{
	unsigned long *total = ctx;
	char buf[4096], err[256];
	const char *head;
	size_t n;
	long got;
	if (input_peek(in, &head, &n, err, sizeof err) == 0)
		*total += n;
	while ((got = input_read(in, buf, sizeof buf, err, sizeof err)) > 0)
		*total += (unsigned long)got;
	volatile size_t len = strlen(input_name(in));
	(void)len;
	input_close(in);
}

static void note(void *ctx, enum note_level level, const char *f, const char *msg)
{
	(void)ctx;
	(void)level;
	volatile size_t n = strlen(msg) + (f ? strlen(f) : 0);
	(void)n;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	FILE *fp = fopen(path, "wb");
	if (!fp)
		abort();
	fwrite(data, 1, size, fp);
	fclose(fp);
	struct arc_limits lim = {
	    .max_bytes = 8u << 20, .max_entry_bytes = 4u << 20, .max_entries = 200};
	unsigned long total = 0;
	struct arc_visitor v = {&total, member, note, 1};
	arc_read(path, &lim, &v);
	return 0;
}
