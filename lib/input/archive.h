/*
 * archive.h - read an archive in place, member by member, with libarchive and
 * the limits of base/limits.h against bombs: zip, 7z, tar (plain or
 * compressed with gzip, bzip2, xz or zstd), cpio, rar, ISO 9660, cab, xar and
 * lha, recognised by their content.
 *
 * Included as "input/archive.h": the stage folder keeps it from shadowing
 * libarchive's <archive.h>.
 *
 * Ownership: arc_read() borrows the path and limits; every member input it
 * hands out belongs to the callback, which must input_close() it.
 */
#ifndef SFDIAG_INPUT_ARCHIVE_H
#define SFDIAG_INPUT_ARCHIVE_H

#include <stddef.h>
#include <stdint.h>

#include "base/limits.h"
#include "base/note.h"
#include "input/input.h"

struct arc_limits {
	uint64_t max_bytes;	  /* SFDIAG_MAX_ARCHIVE_BYTES */
	uint64_t max_entry_bytes; /* SFDIAG_MAX_ARCHIVE_ENTRY_BYTES */
	uint64_t max_entries;	  /* SFDIAG_MAX_ARCHIVE_ENTRIES */
};

/* The limits above. */
struct arc_limits arc_default_limits(void);

struct arc_visitor {
	void *ctx;
	/* One regular member, as an input named "ARCHIVE/MEMBER"; must close it
	 * before returning (the input reads straight from the archive). */
	void (*member)(void *ctx, struct input *in);
	/* A problem with the archive (file NULL) or a member (file set). */
	void (*note)(void *ctx, enum note_level level, const char *file, const char *msg);
	/* The nesting depth given to the members (input_set_origin); 0 means 1,
	 * an archive named or found in a folder. */
	unsigned depth;
};

/*
 * Read the archive at path without unpacking it:
 * hand each regular member to v->member in archive order.  The archive itself
 * is opened with O_NOFOLLOW.  Members are skipped, with a note, when they are
 * symbolic or hard links, devices or FIFOs (warning), when their name is
 * absolute or has a ".." component (warning), or when they would exceed a
 * limit (error; reading stops at the total or entry-count limit).  Folders
 * are skipped silently, hidden files (a name component starting with '.',
 * as __MACOSX/ and .DS_Store) with an info note; a "./" component (as `tar
 * czf t.tgz .` writes) is no hidden file, and is left out of the name.  Returns the number of
 * members handed out, or -1 if the archive could not be opened or read at
 * all (after a note).
 */
long arc_read(const char *path, const struct arc_limits *lim, const struct arc_visitor *v);

/* Length of the archive suffix of name (".zip", ".tar", ".tar.gz", ".tgz",
 * any case), or 0 if name is not an archive name. */
size_t arc_suffix(const char *name);

enum arc_content {
	ARC_NONE,     /* not an archive (a CSV, a gzip'ed CSV, a log...) */
	ARC_ARCHIVE,  /* an archive of files: read it member by member */
	ARC_WORKBOOK, /* a zip that is an Office Open XML or OpenDocument file
			 (.xlsx, .ods): one input, for the workbook reader */
};

/*
 * What the file at path holds, told by its content, never its name: a zip
 * saved as "attachment", a 7z, a tar compressed with gzip, bzip2, xz or
 * zstd... every format arc_read reads.  A regular file only (O_NOFOLLOW); a
 * file that cannot be opened is ARC_NONE (the reader then says why).
 */
enum arc_content arc_probe(const char *path);

/* The same for the first n bytes of a file (n up to 64 KiB is plenty), as
 * an email attachment starts. */
enum arc_content arc_probe_mem(const void *head, size_t n);

/* 1 when head starts an archive that can only be read from a file, since it
 * keeps its index at the end (7z): it cannot be read from a stream. */
int arc_needs_seek(const void *head, size_t n);

/*
 * arc_read for an archive read from a stream (an email's attachment), named
 * name in notes and member names; its source is closed before returning.
 * Zip, tar (compressed or not), cpio, rar, cab, ISO 9660 read this way; 7z
 * does not (arc_needs_seek).
 */
long arc_read_source(const char *name, struct input_source src, const struct arc_limits *lim,
		     const struct arc_visitor *v);

#endif
