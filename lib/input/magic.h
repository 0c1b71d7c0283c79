/*
 * magic.h - what a file is, told by its first bytes, for the files sfdiag
 * cannot read itself: a workbook from before 2007, a PDF print of the Login
 * History page, a screenshot.  Each comes with what to ask the customer for
 * instead, so that a refusal always says what to do.
 *
 * Ownership: the table is static; magic_identify() returns a pointer into it.
 */
#ifndef SFDIAG_INPUT_MAGIC_H
#define SFDIAG_INPUT_MAGIC_H

#include <stddef.h>

struct file_magic {
	const char *what;   /* "an Excel 97-2003 workbook (.xls)" */
	const char *advice; /* "save it as .xlsx or CSV and send that" */
};

/* The kind of file head[0..n) starts, or NULL when it is none of those
 * sfdiag knows it cannot read. */
const struct file_magic *magic_identify(const void *head, size_t n);

/* 1 when head starts a zip archive (local file header or empty archive). */
int magic_is_zip(const void *head, size_t n);

#endif
