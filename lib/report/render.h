/*
 * render.h - the writers, and what they share.
 *
 * A writer formats a report model (report/model.h) and nothing else: every
 * decision about what to say was taken when the model was built.  Each
 * writer turns a value read from input into output in one place (its value
 * function: render_value, then its own escaping), so that no input reaches
 * an output unmasked or able to drive a terminal, a Markdown renderer or a
 * browser.
 *
 * Each writer writes to fp and returns 0, or -1 if a write failed; it
 * borrows the report for the call.
 */
#ifndef SFDIAG_RENDER_H
#define SFDIAG_RENDER_H

#include <stdio.h>

#include "base/util.h"
#include "report/model.h"

struct render_opts {
	int color;	/* ANSI colour */
	int width;	/* wrap width for text (80) */
	int no_details; /* Markdown: leave out "Details for support" */
};

int render_text(FILE *fp, const struct report *m, const struct render_opts *o);
int render_json(FILE *fp, const struct report *m, const struct render_opts *o);
int render_md(FILE *fp, const struct report *m, const struct render_opts *o);
int render_html(FILE *fp, const struct report *m, const struct render_opts *o);

/* ---- input made safe (render.c) ---- */

/* Append s with control characters, DEL, C1 controls and invalid UTF-8
 * escaped as \xNN, so input cannot drive the terminal, and bidirectional
 * overrides and isolates, zero-width characters and U+2028/2029 as \uXXXX,
 * so input cannot make a report read differently from what it is (every
 * writer's input text passes through here: text, Markdown, HTML, JSON). */
void render_escape_term(struct strbuf *out, const char *s, size_t n);
/* Input text for output: secrets.conf masks applied, then escaped. */
void render_text_value(struct strbuf *out, const struct ruleset *rs, const char *s, size_t n);
/* A field's value: a secret field as its shape only, else as above; a
 * report_value_fn, and the first step of every writer's own. */
void render_value(struct strbuf *out, const struct ruleset *rs, int field, const char *s, size_t n);
/* "[secret: 24 chars, A-Z a-z 0-9]" */
void render_shape(struct strbuf *out, const char *s, size_t n);
/* Append s made inert for Markdown (render_md.c): emphasis, code, link and
 * table punctuation escaped, < > & as entities, bare URLs broken; at_start:
 * s opens a block, where "-" or "1." would start a list. */
void render_md_text(struct strbuf *o, const char *s, int at_start);

/* ---- HTML (render_html.c), shared with the triage page ---- */

/* Append s with the five HTML specials (& < > " ') as entities; s is text
 * already masked and escaped for a terminal. */
void render_html_text(struct strbuf *o, const char *s);
/* The style sheet of the HTML pages (a <style> element's content). */
extern const char render_html_css[];

/* ---- layout ---- */

/* "1,234" */
void render_count(struct strbuf *out, uint64_t n);
/* Display width of UTF-8 text, one column per code point. */
size_t render_columns(const char *s, size_t n);
/* Append text word-wrapped to width columns: the first line continues at
 * column col (already written), the others start indented by indent; ends
 * with a line break. */
void render_wrap(struct strbuf *out, const char *text, size_t col, size_t indent, size_t width);
/* The brief listing of an evidence row, "a (3), b (1), +2 more", each value
 * written by value; returns how many values it showed (0 writes nothing). */
size_t render_row_list(struct strbuf *out, const struct ruleset *rs, const struct report_row *row,
		       report_value_fn value);

/* ---- words ---- */

/* How an input was read: "login-history export, gzip, UTF-16, semicolon-delimited",
 * "JSON: connection settings", or "not read" (constant text only). */
void render_read_as(struct strbuf *out, const struct input_summary *in);
/* A note's level as JSON names it ("error", "warning", "info"), and as the
 * readable reports say it ("error", "warning", "note"). */
const char *render_level_name(enum note_level l);
const char *render_level_word(enum note_level l);
/* "Error", "Warning", "Info". */
const char *render_severity_word(enum severity s);
/* The customer's own file name, without the folders it was read from. */
const char *render_basename(const char *path);
/* The settings' test request (m->test) as one shell command: the lines
 * joined by " \\" continuations, each after the first indented by two
 * spaces, every input span through value; nothing when m->ntest is 0. */
void render_test_command(struct strbuf *out, const struct report *m, report_value_fn value);
/* s with its first letter in upper case. */
void render_capital(struct strbuf *out, const char *s);
/* "3 problems found (2 errors, 1 warning, 0 info)", or with no finding the
 * model's none_found ("No problems found" only when every input was read);
 * render_severity_counts writes the part in parentheses. */
void render_verdict(struct strbuf *out, const struct report *m);
void render_severity_counts(struct strbuf *out, const struct report *m);

/* A rule's reference, "URL (comment)": the URL and the link's label (the
 * comment without its parentheses, else the URL).  Returns 0, and sets
 * nothing, for a reference that is not a URL. */
struct render_ref {
	const char *url, *label;
	size_t url_len, label_len;
};
int render_ref_parse(const char *ref, struct render_ref *out);

#endif
