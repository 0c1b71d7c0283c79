/*
 * fuzz_csv.c - the whole pipeline on one input, as `sfdiag FILE` runs it:
 * decoding (gzip, BOM, UTF-16), detection, the login CSV adapter with header
 * mapping, rules, findings, and both renderers.
 */
#include "fuzz_common.h"

#include "engine/run.h"
#include "report/render.h"

static FILE *devnull;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	input_set_max_decompressed(16u << 20);
	fuzz_ruleset();
	devnull = fopen("/dev/null", "w");
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct run r;
	struct fuzz_mem m;
	if (run_init(&r, fuzz_ruleset()) != 0)
		return 0;
	run_input(&r, fuzz_input(&m, data, size));
	run_finish(&r);
	struct render_opts ro = {.color = size & 1, .width = 80};
	struct report *rep = report_build(&r, SEV_WARNING);
	render_text(devnull, rep, &ro);
	render_json(devnull, rep, &ro);
	render_md(devnull, rep, &ro);
	render_html(devnull, rep, &ro);
	report_free(rep);
	run_free(&r);
	return 0;
}
