/*
 * fuzz_mime.c - the email reader (lib/input/mime.c): GMime's parser, the
 * part streams (base64, quoted-printable, charsets), the HTML reducer, and
 * archives attached to an email.  Each part is read to its end; text parts
 * go through the text reader, as a run reads them.  Seeds are the test
 * emails (make-corpora) and a few small hand-made ones.
 */
#include "fuzz_common.h"
#include "input/mime.h"

struct ctx {
	const struct ruleset *rs;
	unsigned long bytes, events;
};

static void member(void *vctx, struct input *in)
{
	struct ctx *c = vctx;
	char buf[4096], err[256];
	long got;
	if (input_text_only(in)) {
		struct adapter_ctx ac = {.rs = c->rs,
					 .file = input_name(in),
					 .ctx = &c->events,
					 .emit = fuzz_emit,
					 .note = fuzz_note};
		text_read(in, &ac);
	} else {
		while ((got = input_read(in, buf, sizeof buf, err, sizeof err)) > 0)
			c->bytes += (unsigned long)got;
	}
	volatile size_t len = strlen(input_name(in));
	(void)len;
	input_close(in);
}

static void note(void *vctx, enum note_level level, const char *f, const char *msg)
{
	(void)vctx;
	(void)level;
	volatile size_t n = strlen(msg) + (f ? strlen(f) : 0);
	(void)n;
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	fuzz_ruleset();
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ctx c = {fuzz_ruleset(), 0, 0};
	struct fuzz_mem m;
	struct input *in = fuzz_input(&m, data, size);
	const char *head;
	size_t n;
	char err[256];
	struct arc_limits lim = {
	    .max_bytes = 8u << 20, .max_entry_bytes = 4u << 20, .max_entries = 200};
	struct mime_visitor v = {&c, member, note};
	struct mime_stats st;
	/* Every input, not only those mime_sniff accepts: GMime must survive
	 * what the sniffer would turn away too. */
	if (input_peek(in, &head, &n, err, sizeof err) == 0) {
		volatile int sniffed = mime_sniff(head, n);
		(void)sniffed;
		mime_read(in, &lim, &v, &st);
	}
	input_close(in);
	return 0;
}
