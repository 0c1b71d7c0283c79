/*
 * input.h - byte sources, decoded to UTF-8.
 *
 * An input turns a file, stdin or any caller-supplied reader into a stream of
 * UTF-8 bytes: gzip is detected by its magic bytes (1F 8B) and inflated with
 * zlib, including multi-member streams; a UTF-8 BOM is dropped; UTF-16LE/BE
 * with a BOM is transcoded to UTF-8.  An input with no BOM whose first 64 KiB
 * are not UTF-8 and hold no UTF-8 multi-byte character at all (a spreadsheet
 * re-save) is read as windows-1252 and transcoded.  Nothing else is changed:
 * a stray invalid byte in a UTF-8 input passes through for the adapters to
 * report with a line number.
 *
 * Ownership: an input owns its source and closes it in input_close().  Error
 * texts are written into the caller's buffer; they never contain input bytes
 * other than the file name.
 */
#ifndef SFDIAG_INPUT_H
#define SFDIAG_INPUT_H

#include <stddef.h>
#include <stdint.h>

enum input_encoding {
	INPUT_UTF8,	/* no BOM */
	INPUT_UTF8_BOM, /* BOM dropped */
	INPUT_UTF16LE,	/* BOM dropped, or none and every other byte zero; transcoded */
	INPUT_UTF16BE,	/* the same, big-endian */
	INPUT_CP1252,	/* no BOM, not UTF-8 in its first 64 KiB: windows-1252, transcoded */
};

/* A raw byte reader.  read returns bytes read, 0 at EOF, -1 on error. */
struct input_source {
	void *ctx;
	long (*read)(void *ctx, void *buf, size_t n);
	void (*close)(void *ctx);
};

struct input;

/* Open path ("-" is stdin).  Returns NULL and fills err on failure. */
struct input *input_open_file(const char *path, char *err, size_t errlen);
/* Read an open descriptor, which the input owns and closes; name is used in
 * messages and copied. */
struct input *input_open_fd(const char *name, int fd);
/* Wrap a caller's reader; name is used in messages and copied. */
struct input *input_open_source(const char *name, struct input_source src);

/*
 * Look at the first decoded bytes without consuming them.  *p and *n receive
 * up to SFDIAG_PEEK (64 KiB) bytes; fewer at end of input, or when an error
 * follows them (input_read then returns those bytes first and the error
 * after).  Returns 0, or -1 with err filled when no byte precedes the error.
 */
#define SFDIAG_PEEK (64u * 1024u)
int input_peek(struct input *in, const char **p, size_t *n, char *err, size_t errlen);

/*
 * Read up to n decoded bytes.  Returns the count, 0 at end of input, or -1
 * with err filled: "truncated gzip stream", "corrupt gzip stream: ...",
 * "decompressed size exceeds SFDIAG_MAX_DECOMPRESSED (16 GiB)",
 * "truncated UTF-16 (odd byte count)", "read error: <strerror>".
 * After -1 every further call returns -1.
 */
long input_read(struct input *in, char *buf, size_t n, char *err, size_t errlen);

const char *input_name(const struct input *in);
int input_was_gzip(const struct input *in);
enum input_encoding input_encoding(const struct input *in);
/* Bytes after the last gzip member that start no other member: not read
 * as data.  Known once input_read has returned 0; *nonzero (may be NULL)
 * is set when they are not all NUL padding. */
uint64_t input_trailing_bytes(const struct input *in, int *nonzero);
/* Bytes read from the source so far (compressed size for gzip). */
uint64_t input_raw_bytes(const struct input *in);

/*
 * Where an input came from: depth is the number of containers (archives,
 * emails) it was taken out of, 0 for a file named or found in a folder;
 * text_only marks the text part of an email, to be read as pasted text
 * whatever it starts with.  Set by the container readers right after
 * opening it.
 */
void input_set_origin(struct input *in, unsigned depth, int text_only);
unsigned input_depth(const struct input *in);
int input_text_only(const struct input *in);

void input_close(struct input *in);

/*
 * The descriptor of a regular file opened by input_open_file or
 * input_open_fd whose bytes need no decoding (not gzip, UTF-8 with or
 * without BOM), for readers that want to pread() ranges of it in parallel;
 * -1 otherwise.  Valid after the first peek
 * or read, until input_close; the caller must not close it or move its offset.
 */
int input_fd(const struct input *in);

/* Lower the decompressed-size limit (for tests); 0 restores
 * SFDIAG_MAX_DECOMPRESSED. */
void input_set_max_decompressed(uint64_t limit);

#endif
