/*
 * prefetch.h - read an input ahead on a second thread.
 *
 * Inflating gzip (and transcoding UTF-16 or windows-1252) costs about as
 * much as parsing what comes out, so with a spare core the two can overlap.
 * prefetch_start hands the input to a reader thread that fills a ring of
 * PREFETCH_BLOCKS blocks of PREFETCH_BLOCK bytes (memory stays flat); the
 * consumer takes them in order.  The bytes, and the error if any, are
 * exactly what input_read would have given, in the same order.
 *
 * Ownership: the input stays the caller's, but from prefetch_start to
 * prefetch_stop only the reader thread touches it.
 */
#ifndef SFDIAG_PREFETCH_H
#define SFDIAG_PREFETCH_H

#include <stddef.h>

#include "input/input.h"

#define PREFETCH_BLOCKS 4
#define PREFETCH_BLOCK	(256u * 1024u)

struct prefetch;

/* Start reading in ahead.  NULL when no thread could be started: then read
 * in directly. */
struct prefetch *prefetch_start(struct input *in);

/*
 * The next block: returns its length and points *data at it (valid until
 * the next call or prefetch_stop); 0 at the end of the input; -1 with the
 * input's error message in err.  After 0 or -1 every call returns the same.
 */
long prefetch_next(struct prefetch *p, const char **data, char *err, size_t errlen);

/* Stop the reader wherever it is, wait for it, and free everything. */
void prefetch_stop(struct prefetch *p);

#endif
