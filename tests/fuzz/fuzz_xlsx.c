/*
 * fuzz_xlsx.c - the Excel workbook reader (adapt_xlsx.c): a zip of XML
 * parts read through libarchive and expat, its sheets fed to the login CSV
 * reader.  Seeds are the test workbooks (make-corpora).
 */
#include "fuzz_common.h"

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	fuzz_ruleset();
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const struct ruleset *rs = fuzz_ruleset();
	unsigned long events = 0;
	struct fuzz_mem m;
	struct adapter_ctx ac = {
	    .rs = rs, .file = "fuzz-input", .ctx = &events, .emit = fuzz_emit, .note = fuzz_note};
	struct input *in = fuzz_input(&m, data, size);
	const char *head;
	size_t n;
	char err[256];
	const char *what;
	if (input_peek(in, &head, &n, err, sizeof err) == 0 && xlsx_sniff(head, n))
		xlsx_read(in, &ac, &what);
	input_close(in);
	return 0;
}
