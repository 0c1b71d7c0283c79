/*
 * fuzz_json.c - the JSON reader (token bodies, REST errors, HAR, Postman,
 * settings, LoginHistory records) through json_read, then
 * json_response_event on every object of the same document.
 */
#include "fuzz_common.h"

#include <cjson/cJSON.h>

#include "adapt/event.h"

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	fuzz_ruleset();
	return 0;
}

static void each_object(const struct ruleset *rs, const cJSON *node, int depth, struct event *ev,
			unsigned long *budget)
{
	if (!node || depth > 64 || *budget == 0)
		return;
	(*budget)--;
	if (cJSON_IsObject(node)) {
		event_clear(ev);
		if (json_response_event(rs, node, ev))
			event_finish(ev, rs);
	}
	const cJSON *c;
	cJSON_ArrayForEach(c, node) each_object(rs, c, depth + 1, ev, budget);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const struct ruleset *rs = fuzz_ruleset();
	unsigned long events = 0;
	struct fuzz_mem m;
	struct adapter_ctx ac = {.rs = rs,
				 .file = "fuzz-input",
				 .ctx = &events,
				 .emit = fuzz_emit,
				 .note = fuzz_note,
				 .json_unknown = text_read_tree};
	struct input *in = fuzz_input(&m, data, size);
	const char *head;
	size_t n;
	char err[256];
	if (input_peek(in, &head, &n, err, sizeof err) == 0 && json_sniff(head, n))
		json_read(in, &ac);
	input_close(in);

	if (size > (1u << 20))
		return 0;
	cJSON *root = cJSON_ParseWithLength((const char *)data, size);
	if (root) {
		static struct event ev;
		unsigned long budget = 10000;
		each_object(rs, root, 0, &ev, &budget);
		cJSON_Delete(root);
	}
	return 0;
}
