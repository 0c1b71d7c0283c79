/*
 * fuzz_rules.c - the rule-file parser and compiler: the input is the one
 * .rules file of a temporary rules directory that also holds the real
 * patterns.conf, fields.conf, codes.conf, secrets.conf and report.conf.  A
 * ruleset that loads is self-tested (its examples run through the matcher).
 */
#include "fuzz_common.h"

#include <unistd.h>

#include "engine/selftest.h"

static char dir[256], file[300];
static FILE *devnull;

static void copy(const char *name)
{
	char from[4096], to[512], buf[65536];
	snprintf(from, sizeof from, "%s/%s", fuzz_rules_dir(), name);
	snprintf(to, sizeof to, "%s/%s", dir, name);
	FILE *in = fopen(from, "rb"), *out = fopen(to, "wb");
	size_t n;
	while (in && out && (n = fread(buf, 1, sizeof buf, in)) > 0)
		fwrite(buf, 1, n, out);
	if (in)
		fclose(in);
	if (out)
		fclose(out);
}

static void cleanup(void)
{
	static const char *const names[] = {"patterns.conf", "fields.conf", "codes.conf",
					    "secrets.conf",  "report.conf", "fuzz.rules"};
	char p[512];
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
		snprintf(p, sizeof p, "%s/%s", dir, names[i]);
		unlink(p);
	}
	rmdir(dir);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	const char *tmp = getenv("TMPDIR");
	snprintf(dir, sizeof dir, "%s/sfdiag-fuzz-rules.XXXXXX", tmp && *tmp ? tmp : "/tmp");
	if (!mkdtemp(dir))
		abort();
	copy("patterns.conf");
	copy("fields.conf");
	copy("codes.conf");
	copy("secrets.conf");
	copy("report.conf");
	snprintf(file, sizeof file, "%s/fuzz.rules", dir);
	atexit(cleanup);
	devnull = fopen("/dev/null", "w");
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	FILE *fp = fopen(file, "wb");
	if (!fp)
		abort();
	fwrite(data, 1, size, fp);
	fclose(fp);
	/* JIT on odd sizes only: half the inputs exercise each matcher mode. */
	struct ruleset *rs = rules_load(file, (int)(size & 1), fuzz_rules_error, NULL);
	if (rs) {
		selftest_run(rs, devnull);
		rules_free(rs);
	}
	return 0;
}
