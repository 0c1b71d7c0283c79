/*
 * ticket.h - read one ticket into a sink: a folder of customer files, an
 * archive of them, or single files.  `sfdiag triage` reads each ticket with
 * these, and so does `sfdiag FOLDER` or `sfdiag ARCHIVE`.
 *
 * Inside a ticket nothing is trusted: a folder is walked with lstat, so a
 * symbolic link is noted and never followed; files are opened with
 * O_NOFOLLOW; hidden files are skipped with an info note; archives, told by
 * their content (arc_probe), are read in place through arc_read
 * (input/archive.h) with its limits.
 *
 * A file met a second time (named twice, inside a folder also named, or a
 * hard link) is read once; the repeat gets an info note.
 *
 * The reader hands what it opens to a sink (engine/run.h gives one that feeds
 * a run), so this stage knows nothing of what reads the inputs.
 *
 * Ownership: the reader borrows its sink and limits; every input it opens is
 * the sink's to close.  Zero-initialise it with those set, and
 * ticket_reader_free it.
 */
#ifndef SFDIAG_TICKET_H
#define SFDIAG_TICKET_H

#include <stddef.h>

#include "base/note.h"
#include "base/util.h"
#include "input/archive.h"
#include "input/input.h"

/* Where a ticket's files go. */
struct ticket_sink {
	void *ctx;
	/* An opened input; the sink reads and closes it. */
	void (*input)(void *ctx, struct input *in);
	/* A problem with a file or folder (file may be NULL). */
	void (*note)(void *ctx, enum note_level level, const char *file, const char *msg);
	/* An operand that names an input but could not be opened. */
	void (*unreadable)(void *ctx, const char *path, const char *msg);
};

struct ticket_reader {
	struct ticket_sink sink;
	const struct arc_limits *lim;
	size_t open_failed; /* files that could not be opened, archives not read */
	struct strset seen; /* "device:inode" of every file read, to read each once */
};

/* Free what the reader keeps (not its sink). */
void ticket_reader_free(struct ticket_reader *t);

/* One file of a ticket: an archive member by member, anything else as one
 * input; a symbolic link is not followed. */
void ticket_read_file(struct ticket_reader *t, const char *path);

/* Every file under dir, in path order, down to SFDIAG_MAX_TICKET_DEPTH and
 * up to SFDIAG_MAX_TICKET_FILES. */
void ticket_read_dir(struct ticket_reader *t, const char *dir);

/* A command-line operand: "-" is stdin, a folder is read with
 * ticket_read_dir, an archive member by member, anything else as one input.
 * A symbolic link the user names is followed. */
void ticket_read_operand(struct ticket_reader *t, const char *path);

/* 1 when path is an archive to read member by member: told by its content
 * (a zip saved as "attachment", a 7z), or by its name (.zip, .tar, .tar.gz,
 * .tgz) when the content is too broken to tell, so that arc_read says what
 * is wrong with it; a workbook (.xlsx, .ods) is one input, not an archive. */
int ticket_is_archive(const char *path);

/* "a/b" from a and b, with one '/' between them; the caller frees it. */
char *path_join(const char *a, const char *b);

#endif
