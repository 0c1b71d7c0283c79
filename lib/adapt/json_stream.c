/*
 * json_stream.c - json_read(): a JSON input cut into what cJSON parses, as
 * the bytes arrive.
 *
 * A small byte-level state machine (strings, escapes, nesting depth; no
 * grammar) finds the top-level values of the input one after another (one,
 * or many in a JSON Lines file).  A value is read whole (json_doc_read, at
 * most SFDIAG_MAX_JSON_BYTES) unless it is a login-record export: a
 * top-level array, or an object whose array at a path of fields.conf
 * `array` (`result.records`, `records`, `log.entries har`) is reached.  Then
 * that array's elements are handed to json_element one at a time as each
 * closes, and only the element being read is held (at most
 * SFDIAG_MAX_JSON_ELEMENT bytes and SFDIAG_MAX_JSON_NODES values), so
 * memory stays flat whatever the size of the export.  Strings longer than
 * SFDIAG_MAX_JSON_STRING are left out as they are read, everywhere.
 *
 * Until an element of the array has been used, and while the value is
 * under SFDIAG_MAX_JSON_ELEMENT bytes, the whole value is kept as well: a
 * small document whose array holds no record is then read whole, as any
 * other document, so that its shape decides (an error object deeper down,
 * a signature in a string).  Beyond that, elements that are not records
 * are counted, skipped and named in one note.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "adapt/adapter.h"
#include "adapt/json_doc.h"
#include "base/limits.h"
#include "base/util.h"

#define JSON_LEFT_OUT "[sfdiag: a string of over 64 KiB, left out]"

enum jmode {
	J_TOP,	   /* between top-level values */
	J_VALUE,   /* in a value read whole */
	J_ARRAY,   /* in the streamed array, between its elements */
	J_ELEMENT, /* in an object or array element of it */
	J_SCALAR,  /* in a scalar element of it (a number, a string, ...) */
	J_TAIL,	   /* in the value, after the streamed array */
};

struct jstream {
	struct adapter_ctx *ac;
	struct key_cache kc; /* the values of a JSON Lines file share it */
	enum jmode mode;
	long line;    /* the line of the byte being read */
	size_t depth; /* containers open */
	int in_str, esc;
	int stop; /* reading ended early (after a note) */
	int rc;

	/* The text kept (doc): the whole value, or while streaming the
	 * element being read.  Bytes [run, i) of the chunk are still to be
	 * appended when keep is set. */
	struct strbuf doc;
	int keep;
	size_t run;
	long doc_line; /* the line the value starts on */

	/* Strings: where the current one starts in doc, whether it was cut. */
	size_t str_start;
	int str_cut;
	uint64_t strings_cut, bytes_cut;

	/* Keys on the way to the array (J_VALUE, depth <= SFDIAG_MAX_JSON_PATH). */
	int key_on;
	size_t key_len;
	char key[64];
	char last[SFDIAG_MAX_JSON_PATH + 1][64];
	char open[SFDIAG_MAX_JSON_PATH + 1];

	/* The streamed array. */
	size_t arr; /* depth inside it */
	long arr_line;
	char path[SFDIAG_MAX_JSON_PATH * 64 + 16];
	int retain; /* doc still holds the whole value */
	struct json_elems st;
	uint64_t records0; /* ac->records when the array opened */
	size_t el_off;	   /* the element's first byte in doc */
	long el_line;
	size_t el_depth; /* deepest nesting inside the element */
	uint64_t el_nodes;
	int el_over; /* over SFDIAG_MAX_JSON_ELEMENT: not kept, skipped */
	uint64_t elements, not_records;
	long not_record_line;
	/* Elements that could not be read while the value was kept whole:
	 * noted once the value will not be read whole after all. */
	uint64_t held_bad;
	long held_bad_line;
	const char *held_bad_why;
};

/* ---- the kept text ---- */

static void flush(struct jstream *js, const char *p, size_t i)
{
	if (js->keep && i > js->run)
		sb_add(&js->doc, p + js->run, i - js->run);
	js->run = i;
}

static void doc_cut(struct jstream *js, size_t len)
{
	js->doc.len = len;
	if (js->doc.buf)
		js->doc.buf[len] = '\0';
}

/* The value is no longer kept whole: note the elements that could not be
 * read meanwhile, and keep only the element being read, if any. */
static void drop_retained(struct jstream *js)
{
	if (!js->retain)
		return;
	js->retain = 0;
	if (js->held_bad) {
		adapter_note(js->ac, NOTE_WARNING, js->held_bad_line,
			     "%llu element%s of the array at %s skipped, the first here: %s",
			     (unsigned long long)js->held_bad, js->held_bad == 1 ? "" : "s",
			     js->path, js->held_bad_why);
		js->ac->skipped += js->held_bad;
		js->held_bad = 0;
	}
	if (js->mode == J_ELEMENT && !js->el_over) {
		size_t n = js->doc.len - js->el_off;
		memmove(js->doc.buf, js->doc.buf + js->el_off, n);
		if (js->in_str)
			js->str_start -= js->el_off;
		doc_cut(js, n);
		js->el_off = 0;
	} else {
		doc_cut(js, 0);
		js->keep = js->mode == J_ELEMENT && !js->el_over;
	}
}

/* An element that cannot be read: named now, or once the value is known
 * not to be read whole. */
static void element_bad(struct jstream *js, long line, const char *why)
{
	if (js->retain) {
		if (!js->held_bad++) {
			js->held_bad_line = line;
			js->held_bad_why = why;
		}
		return;
	}
	adapter_note(js->ac, NOTE_WARNING, line, "element of the array at %s skipped: %s", js->path,
		     why);
	js->ac->skipped++;
}

static void not_record(struct jstream *js, long line)
{
	js->elements++;
	if (!js->not_records++)
		js->not_record_line = line;
}

/* ---- the streamed array ---- */

static void array_begin(struct jstream *js, const struct json_array *a)
{
	js->arr = js->depth + 1;
	js->arr_line = js->line;
	js->retain = 1;
	js->records0 = js->ac->records;
	memset(&js->st, 0, sizeof js->st);
	js->st.responses = -1;
	js->st.har = a && a->har;
	js->elements = js->not_records = js->held_bad = 0;
	if (!a) {
		snprintf(js->path, sizeof js->path, "the top level");
		return;
	}
	size_t o = 0;
	for (size_t k = 0; k < a->nparts; k++)
		o += (size_t)snprintf(js->path + o, sizeof js->path - o, "%s%s", k ? "." : "",
				      a->part[k]);
}

static void element_begin(struct jstream *js)
{
	if (!js->retain)
		doc_cut(js, 0);
	js->mode = J_ELEMENT;
	js->keep = 1;
	js->el_off = js->doc.len;
	js->el_line = js->line;
	js->el_depth = 1;
	js->el_nodes = 1;
	js->el_over = 0;
	js->elements++;
}

/* Element bytes over SFDIAG_MAX_JSON_ELEMENT: stop keeping them. */
static void element_check(struct jstream *js)
{
	if (js->retain && js->doc.len > SFDIAG_MAX_JSON_ELEMENT)
		drop_retained(js);
	if (js->mode == J_ELEMENT && !js->el_over &&
	    js->doc.len - js->el_off > SFDIAG_MAX_JSON_ELEMENT) {
		js->el_over = 1;
		js->keep = 0;
		doc_cut(js, js->el_off);
	}
}

static void element_end(struct jstream *js)
{
	int used = 0;
	element_check(js);
	if (js->el_over) {
		element_bad(js, js->el_line,
			    "larger than SFDIAG_MAX_JSON_ELEMENT (1 MiB) once strings over 64 KiB "
			    "are left out; no login record is that large");
	} else if (js->el_depth > SFDIAG_MAX_JSON_DEPTH) {
		element_bad(js, js->el_line,
			    "nested deeper than SFDIAG_MAX_JSON_DEPTH (256 levels)");
	} else if (js->el_nodes > SFDIAG_MAX_JSON_NODES) {
		element_bad(js, js->el_line,
			    "more than SFDIAG_MAX_JSON_NODES (262,144) values in one element");
	} else {
		struct jctx jc = {.ac = js->ac,
				  .buf = js->doc.buf + js->el_off,
				  .len = js->doc.len - js->el_off,
				  .line0 = js->el_line};
		int r = json_element(&jc, &js->st, jc.buf, jc.len, js->el_line);
		if (r < 0)
			element_bad(js, js->el_line, "not valid JSON");
		else if (r == 0 && !js->not_records++)
			js->not_record_line = js->el_line;
		used = r > 0;
	}
	js->mode = J_ARRAY;
	if (used)
		drop_retained(js);
	js->keep = js->retain;
	if (!js->retain)
		doc_cut(js, 0);
}

/* The array has been read to its end (or the input ended inside it). */
static void array_finish(struct jstream *js)
{
	struct jctx jc = {.ac = js->ac};
	json_elems_finish(&jc, &js->st);
	if (js->not_records) {
		adapter_note(js->ac, NOTE_WARNING, js->not_record_line,
			     "%llu of the %llu elements of the array at %s are not login "
			     "records, REST errors or HAR entries (the first is on this line): "
			     "skipped",
			     (unsigned long long)js->not_records, (unsigned long long)js->elements,
			     js->path);
		js->ac->skipped += js->not_records;
	}
}

/* ---- values ---- */

static void value_read_whole(struct jstream *js)
{
	struct jctx jc = {.ac = js->ac,
			  .buf = sb_str(&js->doc),
			  .len = js->doc.len,
			  .line0 = js->doc_line,
			  .kc = &js->kc};
	int r = json_doc_read(&jc);
	if (r == -1)
		js->stop = 1;
	if (r < 0)
		js->rc = -1;
}

/* The value that began at doc_line has closed. */
static void value_end(struct jstream *js)
{
	if (js->mode == J_VALUE || js->retain)
		value_read_whole(js);
	else
		array_finish(js);
	js->mode = J_TOP;
	js->keep = 0;
	js->retain = 0;
	doc_cut(js, 0);
}

static void garbage(struct jstream *js)
{
	adapter_note(js->ac, NOTE_ERROR, js->line,
		     "invalid or truncated JSON (parsing stopped here); the rest of the file "
		     "was not read");
	js->rc = -1;
	js->stop = 1;
}

/* ---- the bytes ---- */

/* In a string from p[i]: returns the index after what was taken. */
static size_t in_string(struct jstream *js, const char *p, size_t i, size_t n)
{
	size_t j = i;
	if (js->esc) {
		js->esc = 0;
		j++;
	}
	while (j < n) {
		char c = p[j];
		if (c == '"' || c == '\\' || c == '\n')
			break;
		j++;
	}
	if (js->key_on) {
		for (size_t k = i; k < j; k++) {
			if (js->key_len < sizeof js->key - 1)
				js->key[js->key_len] = p[k];
			js->key_len++;
		}
	}
	if (js->keep && !js->str_cut) {
		size_t have = js->doc.len + (j - js->run) - js->str_start;
		if (have > SFDIAG_MAX_JSON_STRING) {
			js->bytes_cut += have;
			js->strings_cut++;
			js->str_cut = 1;
			flush(js, p, j); /* whatever the chunk size, doc reaches str_start */
			doc_cut(js, js->str_start);
			sb_adds(&js->doc, JSON_LEFT_OUT);
			js->run = j;
		}
	} else if (js->str_cut) {
		js->bytes_cut += j - i;
		js->run = j;
	}
	if (j >= n)
		return j;
	char c = p[j];
	if (c == '\n') {
		js->line++;
	} else if (c == '\\') {
		js->esc = 1;
	} else {
		js->in_str = 0;
		if (js->str_cut)
			js->run = j; /* the closing quote is kept */
		if (js->key_on) {
			size_t d = js->depth;
			if (js->key_len < sizeof js->key)
				memcpy(js->last[d], js->key, js->key_len);
			js->last[d][js->key_len < sizeof js->key ? js->key_len : 0] = '\0';
		}
		js->key_on = 0;
	}
	if (js->str_cut && c != '"')
		js->run = j + 1;
	return j + 1;
}

static void string_begin(struct jstream *js, const char *p, size_t i)
{
	js->in_str = 1;
	js->esc = 0;
	js->str_cut = 0;
	js->str_start = js->doc.len + (i + 1 - js->run);
	js->key_on = js->mode == J_VALUE && js->depth <= SFDIAG_MAX_JSON_PATH;
	js->key_len = 0;
	(void)p;
}

static void open_container(struct jstream *js, const char *p, size_t i, char c)
{
	switch (js->mode) {
	case J_TOP:
		js->mode = J_VALUE;
		js->keep = 1;
		js->run = i;
		js->doc_line = js->line;
		doc_cut(js, 0);
		memset(js->last, 0, sizeof js->last);
		/* fall through */
	case J_VALUE:
		if (c == '[') {
			const struct json_array *a = NULL;
			if (js->depth == 0 || (js->depth <= SFDIAG_MAX_JSON_PATH &&
					       (a = json_layout_at(js->ac->rs, js->last, js->open,
								   js->depth)) != NULL)) {
				array_begin(js, a);
				js->mode = J_ARRAY;
			}
		}
		if (js->depth <= SFDIAG_MAX_JSON_PATH)
			js->open[js->depth] = c;
		break;
	case J_ARRAY:
		flush(js, p, i);
		element_begin(js);
		js->run = i;
		break;
	case J_ELEMENT:
		js->el_nodes++;
		if (js->depth + 1 - js->arr > js->el_depth)
			js->el_depth = js->depth + 1 - js->arr;
		break;
	default:
		break;
	}
	js->depth++;
}

static void close_container(struct jstream *js, const char *p, size_t i)
{
	js->depth--;
	if (js->mode == J_ELEMENT && js->depth == js->arr) {
		flush(js, p, i + 1);
		element_end(js);
		js->run = i + 1;
	} else if (js->mode == J_ARRAY && js->depth + 1 == js->arr) {
		js->mode = J_TAIL;
	}
	if (js->depth == 0) {
		flush(js, p, i + 1);
		value_end(js);
		js->run = i + 1;
	}
}

/*
 * The bytes of an element, the bulk of an export, with the state in
 * registers: from p[i] up to (not including) the byte that closes the
 * element, or a string that does not close in this chunk (which the
 * general loop then reads from its opening quote), or n.  A string that
 * opens and closes within one chunk (of at most SFDIAG_MAX_JSON_STRING
 * bytes) is never cut.
 */
static size_t element_fast(struct jstream *js, const char *p, size_t i, size_t n)
{
	size_t depth = js->depth, arr = js->arr, deepest = js->el_depth;
	uint64_t nodes = js->el_nodes;
	long line = js->line;
	while (i < n) {
		char c = p[i];
		if (c == '"') {
			size_t j = i + 1;
			long nl = 0;
			for (;;) {
				while (j < n && p[j] != '"' && p[j] != '\\' && p[j] != '\n')
					j++;
				if (j >= n)
					goto out; /* not closed in this chunk */
				if (p[j] == '"')
					break;
				if (p[j] == '\n')
					nl++;
				j += p[j] == '\\' ? 2 : 1;
			}
			line += nl;
			i = j + 1;
			continue;
		}
		switch (c) {
		case '\n':
			line++;
			break;
		case '{':
		case '[':
			depth++;
			nodes++;
			if (depth - arr > deepest)
				deepest = depth - arr;
			break;
		case ',':
			nodes++;
			break;
		case '}':
		case ']':
			if (depth - 1 == arr)
				goto out; /* the element closes: the general loop */
			depth--;
			break;
		default:
			break;
		}
		i++;
	}
out:
	js->depth = depth;
	js->el_depth = deepest;
	js->el_nodes = nodes;
	js->line = line;
	return i;
}

static void feed(struct jstream *js, const char *p, size_t n)
{
	size_t i = 0;
	js->run = 0;
	while (i < n && !js->stop) {
		if (js->in_str) {
			i = in_string(js, p, i, n);
			continue;
		}
		if (js->mode == J_ELEMENT) {
			size_t k = element_fast(js, p, i, n);
			if (k != i) {
				i = k;
				continue;
			}
		}
		char c = p[i];
		switch (c) {
		case '\n':
			js->line++;
			/* fall through */
		case ' ':
		case '\t':
		case '\r':
			if (js->mode == J_SCALAR)
				js->mode = J_ARRAY;
			break;
		case '"':
			if (js->mode == J_TOP) {
				garbage(js);
				break;
			}
			if (js->mode == J_ARRAY) {
				not_record(js, js->line);
				js->mode = J_SCALAR;
			}
			string_begin(js, p, i);
			break;
		case '{':
		case '[':
			if (js->mode == J_SCALAR)
				js->mode = J_ARRAY;
			open_container(js, p, i, c);
			break;
		case '}':
		case ']':
			if (js->mode == J_TOP) {
				garbage(js);
				break;
			}
			if (js->mode == J_SCALAR)
				js->mode = J_ARRAY;
			close_container(js, p, i);
			break;
		case ',':
			if (js->mode == J_SCALAR)
				js->mode = J_ARRAY;
			else if (js->mode == J_ELEMENT)
				js->el_nodes++;
			break;
		default:
			if (js->mode == J_TOP) {
				garbage(js);
			} else if (js->mode == J_ARRAY) {
				not_record(js, js->line);
				js->mode = J_SCALAR;
			}
			break;
		}
		i++;
	}
	if (!js->stop)
		flush(js, p, n);
}

/* The input ended (or failed: err) with the value open. */
static void ended_open(struct jstream *js, const char *err)
{
	if (js->mode == J_VALUE || js->retain) {
		if (err) {
			adapter_note(js->ac, NOTE_ERROR, 0, "%s; not read", err);
			js->rc = -1;
			return;
		}
		value_read_whole(js);
		js->rc = -1;
		return;
	}
	uint64_t got = js->ac->records - js->records0;
	const char *what = js->mode == J_ELEMENT ? "inside the element that starts here"
			   : js->mode == J_TAIL	 ? "after the array of records, before the "
						   "document closes"
						 : "inside the array of records";
	long line = js->mode == J_ELEMENT ? js->el_line : js->line;
	if (err)
		adapter_note(js->ac, NOTE_ERROR, line,
			     "%s: the input stops %s, after %llu record%s of the array at %s (line "
			     "%ld); the rest was not read",
			     err, what, (unsigned long long)got, got == 1 ? "" : "s", js->path,
			     js->arr_line);
	else
		adapter_note(js->ac, NOTE_ERROR, line,
			     "truncated JSON: the input ends %s, after %llu record%s of the array "
			     "at %s (line %ld)",
			     what, (unsigned long long)got, got == 1 ? "" : "s", js->path,
			     js->arr_line);
	if (js->mode == J_ELEMENT)
		js->ac->skipped++;
	array_finish(js);
	js->rc = -1;
}

int json_read(struct input *in, struct adapter_ctx *ac)
{
	struct jstream *js = xcalloc(1, sizeof *js);
	char err[256];
	char *chunk = xmalloc(64 * 1024);
	long got = 0;
	js->ac = ac;
	js->line = 1;
	while (!js->stop && (got = input_read(in, chunk, 64 * 1024, err, sizeof err)) > 0) {
		feed(js, chunk, (size_t)got);
		if (js->stop)
			break;
		if (js->mode == J_VALUE && js->doc.len > SFDIAG_MAX_JSON_BYTES) {
			adapter_note(
			    ac, NOTE_ERROR, js->doc_line > 1 ? js->doc_line : 0,
			    "JSON document larger than SFDIAG_MAX_JSON_BYTES (%u MiB), even "
			    "with strings over 64 KiB left out; not read",
			    SFDIAG_MAX_JSON_BYTES >> 20);
			js->rc = -1;
			js->stop = 1;
			break;
		}
		if (js->mode == J_ARRAY || js->mode == J_ELEMENT || js->mode == J_SCALAR ||
		    js->mode == J_TAIL)
			element_check(js);
	}
	if (!js->stop && got < 0) {
		if (js->mode == J_TOP) {
			adapter_note(ac, NOTE_ERROR, 0, "%s; not read", err);
			js->rc = -1;
		} else {
			ended_open(js, err);
		}
	} else if (!js->stop && js->mode != J_TOP) {
		ended_open(js, NULL);
	}
	if (js->strings_cut)
		adapter_note(ac, NOTE_INFO, 0,
			     "left out %llu string%s longer than SFDIAG_MAX_JSON_STRING (64 KiB), "
			     "%llu bytes in all (page and script bodies; no token or error body is "
			     "that long)",
			     (unsigned long long)js->strings_cut, js->strings_cut == 1 ? "" : "s",
			     (unsigned long long)js->bytes_cut);
	int rc = js->rc;
	sb_free(&js->doc);
	free(chunk);
	free(js);
	return rc;
}
