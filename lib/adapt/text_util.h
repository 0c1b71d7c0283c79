/*
 * text_util.h - what the readers of text (transcript.c, text_scan.c) share:
 * a bounded line reader and small string helpers.
 *
 * The line reader takes the input one physical line at a time through a
 * bounded buffer, in place where the line lies in one chunk of input: a line longer than
 * SFDIAG_MAX_LINE is scanned in its first SFDIAG_MAX_LINE bytes (and said so once), so memory stays
 * flat and every byte is looked at a constant number of times.
 *
 * Ownership: a struct lines borrows its input and adapter context; its
 * buffers are freed by text_lines_free().
 */
#ifndef SFDIAG_ADAPT_TEXT_UTIL_H
#define SFDIAG_ADAPT_TEXT_UTIL_H

#include <stddef.h>

#include "adapt/adapter.h"
#include "base/util.h"

#define TEXT_CHUNK (256u * 1024u)

struct lines {
	struct input *in;
	struct adapter_ctx *ac;
	char *chunk;
	size_t clen, cpos;
	struct strbuf line;
	long lineno;
	int eof;
	int failed;
	unsigned long ncut; /* lines longer than SFDIAG_MAX_LINE */
};

int tx_is_space(char c);

int tx_is_digit(char c);

char tx_to_lower(char c);

/* c is one of the characters of set (never NUL). */
int tx_in_set(char c, const char *set);

int tx_starts_with(const char *s, size_t n, const char *lit);

/* Case-insensitive search of lit in s[0..n). */
const char *tx_find_ci(const char *s, size_t n, const char *lit);

const char *tx_find(const char *s, size_t n, const char *lit);

void tx_sb_set(struct strbuf *sb, const char *s, size_t n);

int tx_hexval(char c);

/* Append the URL-decoded s[0..n) (%XX and '+') to sb. */
void tx_url_decode(struct strbuf *sb, const char *s, size_t n);

/* Cut n so that s[0..n) does not end inside a UTF-8 sequence. */
size_t tx_utf8_cut(const char *s, size_t n);

/* 1 when every value of ev is valid UTF-8. */
int tx_event_utf8_ok(const struct event *ev, const struct ruleset *rs);

/* Copy into dst the fields src has and dst lacks (and src's time). */
void tx_fill_missing(struct event *dst, const struct event *src, const struct ruleset *rs);

/* A leading time stamp of a log line ("2026-11-03T14:02:11.123Z",
 * "[2026-11-03 14:02:11,123]", "E, [2026-...]"): sets the time field of ev
 * when it has none. */
void tx_line_time(struct event *ev, const struct ruleset *rs, const char *p, size_t n);

void text_lines_init(struct lines *l, struct input *in, struct adapter_ctx *ac);

void text_lines_free(struct lines *l);

/* The next line without its line break: 1, or 0 at the end.  *p stays
 * valid until the next call (it may point into the reader's chunk). */
int text_lines_next(struct lines *l, const char **p, size_t *n);

/* Emit ev through ac once every value is valid UTF-8 (event_finish first);
 * else count it skipped, with a warning while *notes allows. */
void tx_emit(struct adapter_ctx *ac, struct event *ev, unsigned long *notes);

#endif
