/*
 * fuzz_text.c - HTTP transcripts (curl -i / -v) and the pasted-text scanner
 * (embedded and multi-line JSON and near-JSON, XML faults through expat,
 * key-value errors, URL-encoded errors, extract.conf patterns, the rules'
 * descriptions found as bare text).
 */
#include "fuzz_common.h"

#include "adapt/extract.h"

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	struct ruleset *rs = fuzz_ruleset();
	if (!rs->extract) {
		/* Until rules_load loads extract.conf itself. */
		char path[4096];
		int nerr = 0;
		snprintf(path, sizeof path, "%s/extract.conf", fuzz_rules_dir());
		rs->extract = extract_load(rs, path, 1, fuzz_rules_error, NULL, &nerr);
	}
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const struct ruleset *rs = fuzz_ruleset();
	unsigned long events = 0;
	struct fuzz_mem m;
	struct adapter_ctx ac = {
	    .rs = rs, .file = "fuzz-input", .ctx = &events, .emit = fuzz_emit, .note = fuzz_note};
	const char *head;
	size_t n;
	char err[256];

	struct input *in = fuzz_input(&m, data, size);
	if (input_peek(in, &head, &n, err, sizeof err) == 0 && transcript_sniff(head, n))
		transcript_read(in, &ac);
	input_close(in);

	in = fuzz_input(&m, data, size);
	text_read(in, &ac);
	input_close(in);
	return 0;
}
