/*
 * adapter.h - the interface between input adapters and the pipeline.
 *
 * An adapter reads one decoded input (input.h), turns each record into a
 * normalized event (event.h) and hands it to emit().  Problems go to note()
 * with the line they concern; an adapter never prints.  It counts the records
 * it read and the ones it skipped, so that nothing is dropped silently.
 */
#ifndef SFDIAG_ADAPTER_H
#define SFDIAG_ADAPTER_H

#include <stddef.h>
#include <stdint.h>

#include "adapt/event.h"
#include "base/note.h"
#include "input/input.h"
#include "rules/ruleset.h"

struct cJSON;

struct adapter_ctx {
	const struct ruleset *rs;
	const char *file;
	unsigned file_seq;
	void *ctx;
	void (*emit)(void *ctx, const struct event *ev);
	void (*note)(void *ctx, enum note_level level, long line, const char *msg);
	/* What a JSON reader does with a document of no shape it knows: the
	 * text reader's text_read_tree, set by the run (NULL: nothing).  A
	 * pointer, so that the JSON and text readers, which each use the
	 * other, do not call each other at link level. */
	unsigned long (*json_unknown)(const struct cJSON *root, long line, struct adapter_ctx *ac);
	uint64_t records; /* records read (header excluded) */
	uint64_t skipped; /* records not turned into events */
	/* The CSV readers' kind: 0 or KIND_LOGIN_HISTORY maps the header
	 * through the `field` aliases of fields.conf; KIND_AUDIT_TRAIL through
	 * its `key audit-trail` aliases.  Events get this kind. */
	unsigned csv_kind;
};

/* Report a problem through ac->note, printf-style. */
void adapter_note(struct adapter_ctx *ac, enum note_level level, long line, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/*
 * Login exports in CSV (Setup download, Data Loader, sf CLI, ELF Login,
 * LoginEvent).  login_csv_sniff() looks at the first bytes: it returns 1 and
 * the delimiter when the first line is a header with at least one column that
 * fields.conf maps to a required field, else 0.  login_csv_read() reads the
 * whole input; it returns 0, or -1 if it had to stop early (after a note).
 * With threads >= 2 a gzip, UTF-16 or windows-1252 input is decoded on a
 * second thread while this one parses (prefetch.h); the result is the same.
 */
int login_csv_sniff(const struct ruleset *rs, const char *head, size_t n, char *delim);
/*
 * A Setup Audit Trail export in CSV (Setup download, sf CLI, Data Loader):
 * 1 and the delimiter when the first line maps, through the `key
 * audit-trail` aliases, to a time column and to the sentence (`display`, or
 * in the Setup download an `action` column beside `section`).  Read it with
 * login_csv_read() and ac->csv_kind = KIND_AUDIT_TRAIL.
 */
int audit_csv_sniff(const struct ruleset *rs, const char *head, size_t n, char *delim);
int login_csv_read(struct input *in, char delim, struct adapter_ctx *ac, int threads);

/*
 * The same reader, fed by the caller: bytes are given in order with
 * login_csv_feed() (-1: reading had to stop, after a note), then
 * login_csv_finish().  Used to read two halves of one big file in parallel:
 * login_csv_plan_split() picks the first line break after the middle of
 * [start, size) of fd; the second reader is fed the header [start, hdr_end)
 * and then [split, size), numbering lines from 1 at the split; once the first
 * reader has reached the split, login_csv_line() on it gives the line number
 * the second reader's lines must be shifted by (minus one).
 * login_csv_at_boundary() says whether the first reader really ended between
 * records at the split; if not, its results stand alone and it must be fed
 * the rest of the file.  If so, the second reader takes over:
 * login_csv_continue_after() numbers its lines and counts its skipped-record
 * notes after the first reader's (login_csv_line(), login_csv_notes()), and
 * it alone is finished; the first is freed unfinished.  Notes the second
 * reader gave while reading the header repeat the first's and are dropped.
 */
struct login_csv;
struct login_csv *login_csv_new(char delim, struct adapter_ctx *ac);
int login_csv_feed(struct login_csv *r, const char *buf, size_t n);
void login_csv_set_line(struct login_csv *r, long line);
long login_csv_line(const struct login_csv *r);
int login_csv_at_boundary(const struct login_csv *r);
/* How often the reader started again after lines lost to an unmatched
 * quote (its notes then name absolute line numbers in their text). */
unsigned long login_csv_resyncs(const struct login_csv *r);
unsigned long login_csv_notes(const struct login_csv *r);
void login_csv_continue_after(struct login_csv *r, long lines, unsigned long notes);
int login_csv_finish(struct login_csv *r);
void login_csv_free(struct login_csv *r);
int login_csv_plan_split(int fd, uint64_t start, uint64_t size, uint64_t *hdr_end, uint64_t *split);

/*
 * JSON inputs (adapt_json.c): a token-endpoint body, a REST error array, a
 * HAR file, a Postman collection, connection settings, or LoginHistory /
 * LoginEvent records from a REST or sf CLI JSON export.  json_sniff() says
 * whether head starts a JSON document; json_read() (json_stream.c) reads
 * the input's JSON values one after another and emits their events: a
 * login-record export element by element as the bytes arrive, in flat
 * memory (SFDIAG_MAX_JSON_ELEMENT per record), any other document whole
 * (at most SFDIAG_MAX_JSON_BYTES).
 */
int json_sniff(const char *head, size_t n);
int json_read(struct input *in, struct adapter_ctx *ac);

/*
 * Fill ev from one parsed JSON object that is a token-endpoint body
 * ({"error":...} or {"access_token":...}) or one REST error item
 * ({"errorCode":...,"message":...}), through the `key` aliases of
 * fields.conf.  Returns the kind (KIND_TOKEN_RESPONSE or KIND_API_ERROR), or
 * 0 when obj is neither (ev is then untouched).  The event's values point
 * into obj: keep it until the event is emitted.  ev is not cleared first, so
 * a caller may set host, path and the like before or after.
 */
unsigned json_response_event(const struct ruleset *rs, const struct cJSON *obj, struct event *ev);
/* The kind json_response_event would give obj, without filling anything;
 * with errors_only, a success body (access_token, no error) gives 0. */
unsigned json_response_kind(const struct ruleset *rs, const struct cJSON *obj, int errors_only);

/*
 * Spreadsheets (adapt_xlsx.c): xlsx_sniff() says whether head starts a
 * zip; xlsx_read() reads every sheet of an Excel workbook (.xlsx) or
 * OpenDocument spreadsheet (.ods) whose first row is a login export header,
 * each row through the login CSV reader (line = row number), dates as UTC
 * times without zone.  *what gets which of the two it was ("Excel
 * workbook", "OpenDocument spreadsheet"), or NULL.  Returns 0, or -1 when
 * nothing could be read (after a note that says what to do: a zip that is
 * no workbook, a workbook with no export).
 */
int xlsx_sniff(const char *head, size_t n);
int xlsx_read(struct input *in, struct adapter_ctx *ac, const char **what);

/*
 * HTTP transcripts (transcript.c) and pasted text (text_scan.c).  transcript_sniff() says
 * whether head is a `curl -i` or `curl -v` transcript; transcript_read()
 * emits one event per response in it.  text_read() scans any other text line
 * by line: embedded JSON error objects (plain or with escaped quotes), URL-
 * encoded error=...&error_description=... pairs, and extract.conf patterns.
 */
int transcript_sniff(const char *head, size_t n);
int transcript_read(struct input *in, struct adapter_ctx *ac);
int text_read(struct input *in, struct adapter_ctx *ac);

/* For the JSON reader: a document of no shape it knows, read the way the
 * text reader reads a document inside text (an error object at any depth,
 * strings that hold JSON or a signature, as sf --json's message and
 * stack); events cite line.  Returns how many it gave. */
unsigned long text_read_tree(const struct cJSON *root, long line, struct adapter_ctx *ac);

#endif
