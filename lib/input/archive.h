/*
 * triage.h - batch triage: many tickets (folders or archives), one summary.
 *
 * `sfdiag triage DIR` treats each folder directly under DIR as one ticket, each
 * .zip/.tar/.tar.gz/.tgz there as one ticket read in place (archive.c), and the
 * loose files at the top as one more.  Each ticket is one struct run (run.h);
 * worker threads share one immutable ruleset.  Every output is built from
 * small per-ticket summaries in ticket-name order, so it is byte-identical
 * whatever -j is and however the threads are scheduled.
 *
 * This header also declares the archive reader (archive.c).  It is not called
 * archive.h on purpose: with -Isrc such a header would shadow libarchive's
 * <archive.h>, as a csv.h would shadow libcsv's.
 *
 * Ownership: arc_read() borrows the path and limits; every member input it
 * hands out belongs to the callback, which must input_close() it (run_input
 * does).
 */
#ifndef SFDIAG_TRIAGE_H
#define SFDIAG_TRIAGE_H

#include <stddef.h>
#include <stdint.h>

#include "input/input.h"
#include "engine/run.h"

/* Archive limits (hostile archives: zip bombs, millions of entries).  Error
 * messages name them, like the ones in limits.h. */
#ifndef SFDIAG_MAX_ARCHIVE_BYTES
#define SFDIAG_MAX_ARCHIVE_BYTES (8ull << 30) /* uncompressed bytes per archive */
#endif
#ifndef SFDIAG_MAX_ARCHIVE_ENTRY_BYTES
#define SFDIAG_MAX_ARCHIVE_ENTRY_BYTES (4ull << 30) /* uncompressed bytes per member */
#endif
#ifndef SFDIAG_MAX_ARCHIVE_ENTRIES
#define SFDIAG_MAX_ARCHIVE_ENTRIES 10000u /* entries per archive, of any type */
#endif
/* Files in one ticket folder, and its deepest sub-folder. */
#ifndef SFDIAG_MAX_TICKET_FILES
#define SFDIAG_MAX_TICKET_FILES 10000u
#endif
#ifndef SFDIAG_MAX_TICKET_DEPTH
#define SFDIAG_MAX_TICKET_DEPTH 32
#endif

/* ---- archive.c ---- */

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
};

/*
 * Read the zip, tar, tar.gz or tgz archive at path without unpacking it:
 * hand each regular member to v->member in archive order.  The archive itself
 * is opened with O_NOFOLLOW.  Members are skipped, with a note, when they are
 * symbolic or hard links, devices or FIFOs (warning), when their name is
 * absolute or has a ".." component (warning), or when they would exceed a
 * limit (error; reading stops at the total or entry-count limit).  Folders
 * are skipped silently, hidden files (a name component starting with '.',
 * as __MACOSX/ and .DS_Store) with an info note.  Returns the number of
 * members handed out, or -1 if the archive could not be opened or read at
 * all (after a note).
 */
long arc_read(const char *path, const struct arc_limits *lim, const struct arc_visitor *v);

/* Length of the archive suffix of name (".zip", ".tar", ".tar.gz", ".tgz",
 * any case), or 0 if name is not an archive name. */
size_t arc_suffix(const char *name);

/* ---- triage.c ---- */

/* `sfdiag triage ...`: argv[0] is "triage".  rules_opt, use_jit and jobs
 * (0 when not given) are the main options given before the subcommand (they
 * may be repeated after it).
 * Returns the exit status (0, 1 or 2, as sfdiag's) after flushing and closing
 * stdout. */
int triage_main(int argc, char **argv, const char *rules_opt, int use_jit, long jobs);

#endif
