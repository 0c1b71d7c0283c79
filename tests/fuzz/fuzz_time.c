/*
 * fuzz_time.c - time_parse and the formatters on what it returns.
 */
#include "fuzz_common.h"

#include "base/timeparse.h"

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* An exact-size copy, so that a read past n shows under ASan. */
	char *s = malloc(size ? size : 1);
	if (!s)
		return 0;
	memcpy(s, data, size);
	struct parsed_time t;
	if (time_parse(s, size, &t) == 0) {
		char buf[32];
		time_format_iso(t.ms, buf);
		time_format_short(t.ms, buf);
	}
	free(s);
	return 0;
}
