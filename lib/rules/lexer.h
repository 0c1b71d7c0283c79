/*
 * lexer.h - the logical lines of every stanza file of a rules directory
 * (patterns.conf, fields.conf, codes.conf, secrets.conf, extract.conf and
 * *.rules), and the one way their errors are reported.
 *
 * The lexical rules (docs/rules.md "Lexical rules"), the same in every file:
 *   - a line whose first non-blank character is '#' is a comment, and a
 *     comment is one physical line (a backslash at its end continues
 *     nothing); blank lines are skipped;
 *   - a line ending in a backslash continues on the next: the backslash,
 *     the blanks around the break and the next line's indentation become
 *     one space;
 *   - a logical line is at most SFDIAG_MAX_RULE_LINE bytes and holds no NUL
 *     byte; one that breaks either is reported and skipped whole;
 *   - a file is at most SFDIAG_MAX_RULE_FILE bytes, so what the reader holds
 *     stays bounded whatever the file.
 *
 * A parser receives each logical line with its leading blanks removed, as a
 * writable string it may cut into words in place.  Any pointer into that
 * string names a place in the file: lex_error() maps it back through the
 * continuations to the physical line and column, so every message reads
 * "FILE:LINE:COL: message" (or "FILE:LINE: message" for a whole line, and
 * "FILE: message" for the whole file).
 *
 * Ownership: the caller owns the struct lexer (usually on its stack), opens
 * it with lex_open() and releases what it holds with lex_close().  The file
 * name is borrowed and must outlive the lexer; the current line is the
 * lexer's and changes at the next lex_next().
 */
#ifndef SFDIAG_RULES_LEXER_H
#define SFDIAG_RULES_LEXER_H

#include <stddef.h>
#include <stdio.h>

#include "base/util.h"

/* Receives each error message, one at a time, without a trailing newline. */
typedef void (*rules_error_fn)(void *ctx, const char *msg);

/* Where a piece of the logical line starts in the file. */
struct lex_piece {
	size_t off; /* offset in the logical line */
	int line;   /* physical line, 1-based */
	size_t col; /* column of that byte on its line, 1-based */
};

struct lexer {
	const char *file; /* borrowed */
	FILE *fp;
	rules_error_fn err;
	void *ctx;
	int nerrors;		 /* errors reported through this lexer */
	int line;		 /* first physical line of the current logical line */
	int phys;		 /* physical lines read so far */
	struct strbuf text;	 /* the current logical line */
	struct lex_piece *piece; /* where each joined physical line begins */
	size_t npieces, piece_cap;
	char *raw; /* getline's buffer */
	size_t raw_cap;
};

/*
 * Open path for reading.  Returns 0; -1 when it does not exist (nothing is
 * reported, so a caller may treat the file as optional); -2 after reporting
 * "FILE: cannot open: REASON", or a file over SFDIAG_MAX_RULE_FILE.  After -1 or -2 the lexer needs
 * no lex_close().
 */
int lex_open(struct lexer *lx, const char *path, rules_error_fn err, void *ctx);

/*
 * The next logical line, leading blanks removed (a writable string owned by
 * the lexer), or NULL at the end of the file or after a read error, which is
 * reported.
 */
char *lex_next(struct lexer *lx);

void lex_close(struct lexer *lx);

/* A lexer that reads nothing, for errors about file as a whole (or about
 * what was read from it before); needs no lex_close(). */
void lex_init(struct lexer *lx, const char *file, rules_error_fn err, void *ctx);

/*
 * Report an error at at, a pointer into the current line (or NULL for the
 * whole line): "FILE:LINE:COL: message".  Counts it in lx->nerrors.
 */
void lex_error(struct lexer *lx, const char *at, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Report an error about line (0: the whole file), for what spans several
 * lines, such as a stanza that lacks a directive. */
void lex_error_line(struct lexer *lx, int line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* The physical line and 1-based column of at, a pointer into the current
 * line (clamped to it). */
void lex_where(const struct lexer *lx, const char *at, int *line, size_t *col);

/* Each {NAME} of a text of the rules (a rule's text, a report.conf
 * message), "{{" being a literal "{": fn(ctx, at, name, n), at pointing at
 * its '{'.  Returns NULL, or the '{' that is never closed (what follows it
 * is not visited). */
typedef void (*lex_placeholder_fn)(void *ctx, const char *at, const char *name, size_t n);
const char *lex_placeholders(const char *text, lex_placeholder_fn fn, void *ctx);

#endif
