/*
 * mime.h - an email saved as a file (.eml: RFC 5322 headers, MIME body),
 * told by its content, read with GMime.
 *
 * Each attachment becomes an input of the ticket, named "MAIL/FILENAME" like
 * an archive member ("ARCHIVE/MEMBER"), its file name decoded from RFC 2047
 * or RFC 2231 form; an archive attached to it is read member by member
 * (arc_read_source), and an email attached to it (message/rfc822) has its
 * own parts read, down to SFDIAG_MAX_NESTING containers.  The text of the
 * message (text/plain, or text/html reduced to text; in a
 * multipart/alternative, the plain text when there is one) is an input
 * named "MAIL/(message text)", converted to UTF-8 from its charset and
 * marked to be read as pasted text.  Content is decoded (base64,
 * quoted-printable, uuencode) through a stream as it is read: no attachment
 * is held decoded in memory.  The email itself is held, raw, up to
 * SFDIAG_MAX_MAIL_BYTES; its parts count against the archive limits
 * (members, bytes per member, bytes in all).
 *
 * GMime is initialised once per process, on first use, from any thread.
 *
 * Ownership: mime_read() borrows everything; every input it hands out is
 * the visitor's, which must input_close() it before returning.
 */
#ifndef SFDIAG_INPUT_MIME_H
#define SFDIAG_INPUT_MIME_H

#include <stddef.h>

#include "base/note.h"
#include "input/archive.h"
#include "input/input.h"

struct mime_visitor {
	void *ctx;
	/* One attachment, archive member or text part, as an input whose
	 * origin (input_depth, input_text_only) is set. */
	void (*member)(void *ctx, struct input *in);
	/* A problem with the email (file is its name) or one of its parts. */
	void (*note)(void *ctx, enum note_level level, const char *file, const char *msg);
};

/* What one email held. */
struct mime_stats {
	unsigned long attachments; /* handed out as inputs (archive members included) */
	unsigned long texts;	   /* text parts handed out */
	unsigned long skipped;	   /* parts not read (after a note) */
};

/* 1 when head starts with a block of RFC 5322 header fields that names an
 * email (From:, Subject:, MIME-Version:, Message-ID:, Received: ...),
 * ended by an empty line; an HTTP response, a curl transcript or a log of
 * "key: value" lines is none. */
int mime_sniff(const char *head, size_t n);

/* Read the email in into v.  Returns 0, or -1 when it could not be read at
 * all (after a note); *st is filled either way. */
int mime_read(struct input *in, const struct arc_limits *lim, const struct mime_visitor *v,
	      struct mime_stats *st);

#endif
