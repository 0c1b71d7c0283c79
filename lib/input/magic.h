/*
 * magic.h - what a file is, told by its first bytes, for the files sfdiag
 * cannot read itself: a workbook from before 2007, a PDF print of the Login
 * History page, a screenshot.  Each names the advice that says what to ask
 * the customer for instead, so that a refusal always says what to do; the
 * advice's words are data (rules/report.conf, one `advice-*` message each),
 * since they speak of Salesforce screens.
 *
 * Ownership: the table is static; magic_identify() returns a pointer into it.
 */
#ifndef SFDIAG_INPUT_MAGIC_H
#define SFDIAG_INPUT_MAGIC_H

#include <stddef.h>

/* Which advice a refused file gets (the engine takes its report.conf text). */
enum magic_advice {
	MAGIC_ADVICE_OLD_WORKBOOK, /* save it again as .xlsx or CSV */
	MAGIC_ADVICE_DOWNLOAD,	   /* ask for the Login History download */
	MAGIC_ADVICE_RTF,	   /* save it as plain text */
};

struct file_magic {
	const char *what; /* "an Excel 97-2003 workbook (.xls)" */
	enum magic_advice advice;
};

/* The kind of file head[0..n) starts, or NULL when it is none of those
 * sfdiag knows it cannot read. */
const struct file_magic *magic_identify(const void *head, size_t n);

/* 1 when head starts a zip archive (local file header or empty archive). */
int magic_is_zip(const void *head, size_t n);

#endif
