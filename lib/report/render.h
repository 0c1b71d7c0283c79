/*
 * render.h - turn a finished run into output.  Renderers only read the run;
 * analysis never happens here.  Every value that came from input is escaped
 * for the output's format (control characters and ANSI escapes for a
 * terminal, JSON string escapes for JSON).
 *
 * Each renderer writes to fp and returns 0, or -1 if a write failed.
 */
#ifndef SFDIAG_RENDER_H
#define SFDIAG_RENDER_H

#include <stdio.h>

#include "base/util.h"
#include "engine/run.h"

struct render_opts {
	int color;	       /* ANSI colour */
	int width;	       /* wrap width for text (80) */
	enum severity fail_on; /* for the verdict line */
};

int render_text(FILE *fp, const struct run *r, const struct render_opts *o);
int render_json(FILE *fp, const struct run *r, const struct render_opts *o);
int render_md(FILE *fp, const struct run *r, const struct render_opts *o);
int render_html(FILE *fp, const struct run *r, const struct render_opts *o);

/* ---- shared by the renderers (render.c) ---- */

/* Expand {placeholders} of a rule text with the finding's evidence; fi may
 * be NULL (a rule shown without evidence), and a field with no value reads
 * "the <field name>". */
void render_expand(struct strbuf *out, const struct run *r, const struct finding *fi,
		   const char *tmpl);
/* One sentence on a group: when it last succeeded, and since when it fails. */
void render_story(struct strbuf *out, const struct run *r, const struct group *g);
/* Groups of a finding, most failures first (ties by user, then app).
 * Returns how many; *out is malloc'd. */
size_t render_groups(const struct finding *fi, const struct group ***out);
/* Append s with control characters, DEL, C1 controls and invalid UTF-8
 * escaped as \xNN, so input cannot drive the terminal. */
void render_escape_term(struct strbuf *out, const char *s, size_t n);
/* Input text for output: secrets.conf masks applied, then escaped. */
void render_text_value(struct strbuf *out, const struct ruleset *rs, const char *s, size_t n);
/* A field's value: a secret field as its shape only, else as above. */
void render_value(struct strbuf *out, const struct ruleset *rs, int field, const char *s, size_t n);
/* How a renderer writes one input value (masked and escaped for it). */
typedef void (*render_value_fn)(struct strbuf *out, const struct ruleset *rs, int field,
				const char *s, size_t n);
/* "a (3), b (1), +2 more": the top max (at most 20) values of a tally, each
 * written by value; returns how many were shown (0 writes nothing). */
size_t render_tally_list(struct strbuf *out, const struct ruleset *rs, int field,
			 const struct tally *t, size_t max, render_value_fn value);
/* "[secret: 24 chars, A-Z a-z 0-9]" */
void render_shape(struct strbuf *out, const char *s, size_t n);
/* Display width of UTF-8 text, one column per code point. */
size_t render_columns(const char *s, size_t n);
/* Append text word-wrapped to width columns: the first line continues at
 * column col (already written), the others start indented by indent; ends
 * with a line break. */
void render_wrap(struct strbuf *out, const char *text, size_t col, size_t indent, size_t width);
/* Append s made inert for Markdown (render_md.c): emphasis, code, link and
 * table punctuation escaped, < > & as entities, bare URLs broken; at_start:
 * s opens a block, where "-" or "1." would start a list. */
void render_md_text(struct strbuf *o, const char *s, int at_start);
/* "1,234" */
void render_count(struct strbuf *out, uint64_t n);
/* "Read 2 inputs: 56 logins (15 succeeded, 41 failed), 1 token response, 3
 * records skipped; FIRST to LAST." (plain text, nothing from input). */
void render_summary(struct strbuf *out, const struct run *r);
/* What one event explained by rule is called ("failed login", "token
 * response", "API error", "settings file"; "failure" for rule -1), by the
 * rule's first kind. */
const char *render_noun(const struct ruleset *rs, int rule, int plural);
/* How an input was read: "login-history export, gzip, UTF-16, semicolon-delimited",
 * "JSON: connection settings", or "not read" (constant text only). */
void render_read_as(struct strbuf *out, const struct input_summary *in);
/*
 * For a catch-all finding whose real reason may be in Login History (one of
 * its rule's candidates is a Login History rule) and that nothing explained:
 * when the ticket's Login History does not reach the finding's time (within
 * SFDIAG_CORRELATE_WINDOW_MS), write one sentence saying so and what to
 * export, and return 1; else write nothing and return 0.  Plain text.
 */
int render_coverage_gap(struct strbuf *out, const struct run *r, const struct finding *fi);
/* Number of findings at or above each severity. */
void render_severity_counts(const struct run *r, size_t counts[3]);

#endif
