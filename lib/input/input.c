/*
 * input.c - see input.h.
 *
 * Three fixed buffers make a pipeline, so memory stays bounded whatever the
 * input size:
 *
 *   source --read--> raw --inflate--> mid --transcode--> out --> caller
 *
 * raw holds source bytes waiting for zlib (and the sniffed first bytes); mid
 * holds the byte stream after gunzip (for plain input, source bytes are read
 * straight into mid); out holds decoded UTF-8, and is also the peek buffer.
 * Sniffing (gzip magic, then BOM) is lazy: it happens at the first peek or
 * read, so input_was_gzip() and input_encoding() are meaningful after that.
 *
 * Errors are sticky.  When one is found, the bytes decoded before it are still
 * delivered; the error is reported once they are consumed, and from then on.
 */
#include "input/input.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include "base/limits.h"
#include "base/util.h"

#define RAW_SIZE (64u * 1024u)
#define MID_SIZE (64u * 1024u)
#define OUT_SIZE (SFDIAG_PEEK + 4u) /* room for one more UTF-8 sequence */

static uint64_t max_decompressed = SFDIAG_MAX_DECOMPRESSED;

struct input {
	char *name;
	struct input_source src;
	int plain_fd;	    /* a regular file opened by name, else -1 */
	unsigned depth;	    /* containers (archives, emails) it is inside */
	int text_only;	    /* an email's text part: read as pasted text */
	int src_eof;	    /* the source returned 0 */
	uint64_t raw_total; /* bytes read from the source */

	int sniffed;
	int gzip;
	enum input_encoding enc;

	z_stream z;
	int z_init;
	int in_member;	      /* inside a gzip member */
	int z_done;	      /* all members inflated */
	uint64_t inflated;    /* decompressed bytes so far */
	uint64_t trailing;    /* bytes after the last member (not gzip data) */
	int trailing_nonzero; /* ... some of them other than NUL padding */

	int mid_eof; /* nothing more will enter mid */
	int failed;  /* errmsg holds a sticky error */
	char errmsg[160];

	unsigned char raw[RAW_SIZE];
	size_t raw_pos, raw_len;
	unsigned char mid[MID_SIZE];
	size_t mid_pos, mid_len;
	char out[OUT_SIZE];
	size_t out_pos, out_len;
};

/*
 * Lower the decompressed-size limit for later inputs (tests); 0 restores
 * SFDIAG_MAX_DECOMPRESSED.
 */
void input_set_max_decompressed(uint64_t limit)
{
	max_decompressed = limit ? limit : SFDIAG_MAX_DECOMPRESSED;
}

/* Record the sticky error "what" or "what: detail"; returns -1. */
static int fail(struct input *in, const char *what, const char *detail)
{
	if (!in->failed) {
		snprintf(in->errmsg, sizeof in->errmsg, "%s%s%s", what, detail ? ": " : "",
			 detail ? detail : "");
		in->failed = 1;
	}
	return -1;
}

static void copy_err(const struct input *in, char *err, size_t errlen)
{
	if (err != NULL && errlen > 0)
		snprintf(err, errlen, "%s", in->errmsg);
}

/* One read from the source; 0 at EOF, -1 with the error recorded. */
static long source_read(struct input *in, void *buf, size_t n)
{
	if (in->src_eof)
		return 0;
	errno = 0;
	long r = in->src.read(in->src.ctx, buf, n);
	if (r < 0 || (size_t)r > n)
		return fail(in, "read error", strerror(errno ? errno : EIO));
	if (r == 0)
		in->src_eof = 1;
	in->raw_total += (uint64_t)r;
	return r;
}

/* Make raw hold at least k unread bytes unless the source ends first. */
static int raw_want(struct input *in, size_t k)
{
	if (in->raw_len - in->raw_pos >= k)
		return 0;
	if (in->raw_pos > 0) {
		memmove(in->raw, in->raw + in->raw_pos, in->raw_len - in->raw_pos);
		in->raw_len -= in->raw_pos;
		in->raw_pos = 0;
	}
	while (in->raw_len < k && !in->src_eof) {
		long r = source_read(in, in->raw + in->raw_len, RAW_SIZE - in->raw_len);
		if (r < 0)
			return -1;
		in->raw_len += (size_t)r;
	}
	return 0;
}

/*
 * Inflate into mid[mid_len..]: returns bytes added, 0 when the gzip data is
 * finished, -1 on error.  Members follow one another until the data ends;
 * bytes after a member that do not start another are not gzip data: they
 * are read to the end and counted (input_trailing_bytes), so that the
 * reader can say so, where zlib's own gzread drops them silently.
 */
static int count_trailing(struct input *in)
{
	for (;;) {
		for (size_t i = in->raw_pos; i < in->raw_len; i++)
			in->trailing_nonzero |= in->raw[i] != 0;
		in->trailing += in->raw_len - in->raw_pos;
		in->raw_pos = in->raw_len = 0;
		if (in->src_eof)
			return 0;
		long r = source_read(in, in->raw, RAW_SIZE);
		if (r < 0)
			return -1;
		in->raw_len = (size_t)r;
	}
}

static long inflate_some(struct input *in)
{
	for (;;) {
		if (in->z_done)
			return 0;
		if (!in->in_member) {
			if (raw_want(in, 2) < 0)
				return -1;
			const unsigned char *p = in->raw + in->raw_pos;
			if (in->raw_len - in->raw_pos < 2 || p[0] != 0x1F || p[1] != 0x8B) {
				in->z_done = 1;
				return count_trailing(in) < 0 ? -1 : 0;
			}
			if (inflateReset(&in->z) != Z_OK)
				return fail(in, "corrupt gzip stream", "cannot reset");
			in->in_member = 1;
		}
		if (in->raw_pos == in->raw_len && raw_want(in, 1) < 0)
			return -1;
		size_t avail_in = in->raw_len - in->raw_pos;
		size_t space = MID_SIZE - in->mid_len;
		in->z.next_in = in->raw + in->raw_pos;
		in->z.avail_in = (uInt)avail_in;
		in->z.next_out = in->mid + in->mid_len;
		in->z.avail_out = (uInt)space;
		int ret = inflate(&in->z, Z_NO_FLUSH);
		size_t used = avail_in - in->z.avail_in;
		size_t made = space - in->z.avail_out;
		in->raw_pos += used;
		in->inflated += made;
		if (in->inflated > max_decompressed)
			return fail(in,
				    "decompressed size exceeds "
				    "SFDIAG_MAX_DECOMPRESSED (16 GiB)",
				    NULL);
		switch (ret) {
		case Z_STREAM_END:
			in->in_member = 0;
			break;
		case Z_OK:
			break;
		case Z_BUF_ERROR:
			/* No progress: zlib wants input that the source no longer has. */
			if (made == 0 && in->src_eof && in->raw_pos == in->raw_len)
				return fail(in, "truncated gzip stream", NULL);
			break;
		case Z_MEM_ERROR:
			return fail(in, "out of memory inflating gzip stream", NULL);
		default:
			/* Output made in the same call (say, before a bad CRC) is
			 * still delivered, so the result does not depend on how the
			 * source chunks its reads. */
			fail(in, "corrupt gzip stream", in->z.msg ? in->z.msg : "invalid data");
			if (made == 0)
				return -1;
			break;
		}
		if (made > 0) {
			in->mid_len += made;
			return (long)made;
		}
		if (in->in_member && ret == Z_OK && used == 0 && in->src_eof &&
		    in->raw_pos == in->raw_len)
			return fail(in, "truncated gzip stream", NULL);
	}
}

/*
 * Append the next bytes of the (gunzipped) byte stream to mid: returns bytes
 * added, 0 at its end, -1 on error.  Unconsumed mid bytes (at most a partial
 * UTF-16 unit or surrogate pair) are moved to the front first.
 */
static long fill_mid(struct input *in)
{
	if (in->mid_pos > 0) {
		memmove(in->mid, in->mid + in->mid_pos, in->mid_len - in->mid_pos);
		in->mid_len -= in->mid_pos;
		in->mid_pos = 0;
	}
	if (in->gzip)
		return inflate_some(in);
	size_t space = MID_SIZE - in->mid_len;
	size_t have = in->raw_len - in->raw_pos;
	if (have > 0) {
		size_t k = have < space ? have : space;
		memcpy(in->mid + in->mid_len, in->raw + in->raw_pos, k);
		in->raw_pos += k;
		in->mid_len += k;
		return (long)k;
	}
	long r = source_read(in, in->mid + in->mid_len, space);
	if (r > 0)
		in->mid_len += (size_t)r;
	return r;
}

/* Detect gzip from the first two source bytes, then a BOM from the first three
 * bytes of the byte stream. */
/*
 * Not UTF-8, and not one valid UTF-8 multi-byte character in the sample: the
 * bytes above 0x7F are single-byte characters, most likely windows-1252 from a
 * spreadsheet.  A sequence cut by the end of the sample does not count.
 */
static int looks_cp1252(const unsigned char *p, size_t n, int eof)
{
	int invalid = 0;
	size_t i = 0;
	if (memchr(p, 0, n))
		return 0; /* NUL bytes: UTF-16 without BOM or binary, not text */
	while (i < n) {
		unsigned c = p[i];
		size_t need = c < 0x80		       ? 0
			      : c >= 0xC2 && c <= 0xDF ? 1
			      : c >= 0xE0 && c <= 0xEF ? 2
			      : c >= 0xF0 && c <= 0xF4 ? 3
						       : 9;
		if (need == 0) {
			i++;
			continue;
		}
		if (need != 9 && i + need >= n && !eof)
			break; /* cut by the sample's end */
		size_t k = 1;
		while (need != 9 && k <= need && i + k < n && (p[i + k] & 0xC0) == 0x80)
			k++;
		if (need != 9 && k == need + 1)
			return 0; /* a real UTF-8 character: not windows-1252 */
		invalid = 1;
		i++;
	}
	return invalid;
}

/*
 * UTF-16 without a BOM, as some Windows tools write it: in text that is
 * mostly ASCII, every other byte is zero.  Returns INPUT_UTF16LE when at
 * least 9 in 10 of the sample's code units are a non-zero byte then a zero
 * byte, INPUT_UTF16BE for the mirror image, else INPUT_UTF8.  Fewer than
 * four units decide nothing.
 */
static enum input_encoding looks_utf16(const unsigned char *p, size_t n)
{
	size_t units = n / 2, le = 0, be = 0;
	if (units < 4)
		return INPUT_UTF8;
	for (size_t i = 0; i < units; i++) {
		le += p[2 * i] != 0 && p[2 * i + 1] == 0;
		be += p[2 * i] == 0 && p[2 * i + 1] != 0;
	}
	if (le * 10 >= units * 9)
		return INPUT_UTF16LE;
	if (be * 10 >= units * 9)
		return INPUT_UTF16BE;
	return INPUT_UTF8;
}

static int sniff(struct input *in)
{
	in->sniffed = 1;
	if (raw_want(in, 2) < 0)
		return -1;
	if (in->raw_len >= 2 && in->raw[0] == 0x1F && in->raw[1] == 0x8B) {
		in->gzip = 1;
		if (inflateInit2(&in->z, 16 + MAX_WBITS) != Z_OK)
			return fail(in, "out of memory inflating gzip stream", NULL);
		in->z_init = 1;
	}
	while (in->mid_len < 3 && !in->mid_eof && !in->failed) {
		long r = fill_mid(in);
		if (r < 0)
			return -1;
		if (r == 0)
			in->mid_eof = 1;
	}
	const unsigned char *m = in->mid;
	if (in->mid_len >= 3 && m[0] == 0xEF && m[1] == 0xBB && m[2] == 0xBF) {
		in->enc = INPUT_UTF8_BOM;
		in->mid_pos = 3;
	} else if (in->mid_len >= 2 && m[0] == 0xFF && m[1] == 0xFE) {
		in->enc = INPUT_UTF16LE;
		in->mid_pos = 2;
	} else if (in->mid_len >= 2 && m[0] == 0xFE && m[1] == 0xFF) {
		in->enc = INPUT_UTF16BE;
		in->mid_pos = 2;
	} else {
		/* A read error here is sticky and reported after the bytes before
		 * it, as always: judge the encoding on what arrived. */
		while (in->mid_len < MID_SIZE && !in->mid_eof && !in->failed) {
			long r = fill_mid(in);
			if (r < 0)
				break;
			if (r == 0)
				in->mid_eof = 1;
		}
		in->enc = looks_utf16(in->mid, in->mid_len);
		if (in->enc == INPUT_UTF8 &&
		    looks_cp1252(in->mid, in->mid_len, in->mid_eof || in->failed))
			in->enc = INPUT_CP1252;
	}
	return 0;
}

static size_t put_utf8(char *o, uint32_t cp)
{
	if (cp < 0x80) {
		o[0] = (char)cp;
		return 1;
	} else if (cp < 0x800) {
		o[0] = (char)(0xC0 | (cp >> 6));
		o[1] = (char)(0x80 | (cp & 0x3F));
		return 2;
	} else if (cp < 0x10000) {
		o[0] = (char)(0xE0 | (cp >> 12));
		o[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
		o[2] = (char)(0x80 | (cp & 0x3F));
		return 3;
	}
	o[0] = (char)(0xF0 | (cp >> 18));
	o[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
	o[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
	o[3] = (char)(0x80 | (cp & 0x3F));
	return 4;
}

/*
 * Move decoded bytes from mid to out: returns bytes produced (0 when mid needs
 * more or out is full), or -1.  UTF-16 surrogate pairs are joined; a lone
 * surrogate becomes U+FFFD; an odd final byte is an error.
 */
static long decode(struct input *in)
{
	size_t space = OUT_SIZE - in->out_len;
	size_t have = in->mid_len - in->mid_pos;
	if (in->enc == INPUT_UTF8 || in->enc == INPUT_UTF8_BOM) {
		size_t k = have < space ? have : space;
		memcpy(in->out + in->out_len, in->mid + in->mid_pos, k);
		in->mid_pos += k;
		in->out_len += k;
		return (long)k;
	}
	if (in->enc == INPUT_CP1252) {
		/* 0x80-0x9F per the windows-1252 table; 0xA0-0xFF are Latin-1. */
		static const uint16_t c1[32] = {
		    0x20AC, 0xFFFD, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021,
		    0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0xFFFD, 0x017D, 0xFFFD,
		    0xFFFD, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014,
		    0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0xFFFD, 0x017E, 0x0178};
		size_t start = in->out_len;
		while (in->mid_pos < in->mid_len && OUT_SIZE - in->out_len >= 4) {
			unsigned char b = in->mid[in->mid_pos++];
			uint32_t u = b < 0x80 ? b : b < 0xA0 ? c1[b - 0x80] : b;
			in->out_len += put_utf8(in->out + in->out_len, u);
		}
		return (long)(in->out_len - start);
	}
	int le = in->enc == INPUT_UTF16LE;
	size_t start = in->out_len;
	while (have >= 2 && OUT_SIZE - in->out_len >= 4) {
		const unsigned char *p = in->mid + in->mid_pos;
		uint32_t u = le ? (uint32_t)(p[0] | p[1] << 8) : (uint32_t)(p[0] << 8 | p[1]);
		size_t used = 2;
		if (u >= 0xD800 && u <= 0xDBFF) {
			if (have < 4 && !in->mid_eof)
				break;
			uint32_t v = 0;
			if (have >= 4)
				v = le ? (uint32_t)(p[2] | p[3] << 8)
				       : (uint32_t)(p[2] << 8 | p[3]);
			if (v >= 0xDC00 && v <= 0xDFFF) {
				u = 0x10000 + ((u - 0xD800) << 10) + (v - 0xDC00);
				used = 4;
			} else {
				u = 0xFFFD;
			}
		} else if (u >= 0xDC00 && u <= 0xDFFF) {
			u = 0xFFFD;
		}
		in->out_len += put_utf8(in->out + in->out_len, u);
		in->mid_pos += used;
		have -= used;
	}
	if (have == 1 && in->mid_eof && in->out_len == start)
		return fail(in, "truncated UTF-16 (odd byte count)", NULL);
	return (long)(in->out_len - start);
}

/* Fill out until it holds want unread bytes, the input ends, or an error is
 * recorded (reported later, after the bytes before it). */
static void fill_out(struct input *in, size_t want)
{
	if (in->out_pos == in->out_len) {
		in->out_pos = in->out_len = 0;
	} else if (in->out_pos > 0 && in->out_len - in->out_pos < want) {
		memmove(in->out, in->out + in->out_pos, in->out_len - in->out_pos);
		in->out_len -= in->out_pos;
		in->out_pos = 0;
	}
	if (!in->sniffed && sniff(in) < 0)
		return;
	while (in->out_len - in->out_pos < want) {
		long r = decode(in);
		if (r < 0)
			return;
		if (r > 0)
			continue;
		if (in->failed || OUT_SIZE - in->out_len < 4 || in->mid_eof)
			return;
		r = fill_mid(in);
		if (r < 0)
			return;
		if (r == 0)
			in->mid_eof = 1;
	}
}

int input_peek(struct input *in, const char **p, size_t *n, char *err, size_t errlen)
{
	fill_out(in, SFDIAG_PEEK);
	size_t have = in->out_len - in->out_pos;
	if (have == 0 && in->failed) {
		copy_err(in, err, errlen);
		*p = NULL;
		*n = 0;
		return -1;
	}
	*p = in->out + in->out_pos;
	*n = have < SFDIAG_PEEK ? have : SFDIAG_PEEK;
	return 0;
}

long input_read(struct input *in, char *buf, size_t n, char *err, size_t errlen)
{
	/* UTF-8 needs no decoding: once out is drained, hand over mid's bytes,
	 * or for a plain file the source's, without the extra copies. */
	if (in->out_pos == in->out_len && in->sniffed && !in->failed &&
	    (in->enc == INPUT_UTF8 || in->enc == INPUT_UTF8_BOM)) {
		size_t have = in->mid_len - in->mid_pos;
		if (have) {
			size_t k = n < have ? n : have;
			memcpy(buf, in->mid + in->mid_pos, k);
			in->mid_pos += k;
			return (long)k;
		}
		/* Big reads only: small ones keep the source's usual chunking. */
		if (!in->gzip && !in->mid_eof && in->raw_pos == in->raw_len && n >= MID_SIZE) {
			long r = source_read(in, buf, n);
			if (r > 0)
				return r;
			if (r == 0)
				in->mid_eof = 1;
		}
	}
	if (in->out_pos == in->out_len)
		fill_out(in, 1);
	size_t have = in->out_len - in->out_pos;
	if (have == 0) {
		if (!in->failed)
			return 0;
		copy_err(in, err, errlen);
		return -1;
	}
	if (n > have)
		n = have;
	memcpy(buf, in->out + in->out_pos, n);
	in->out_pos += n;
	return (long)n;
}

struct file_ctx {
	int fd;
	int owned; /* not stdin: close it */
};

static long file_read(void *ctx, void *buf, size_t n)
{
	struct file_ctx *f = ctx;
	for (;;) {
		ssize_t r = read(f->fd, buf, n);
		if (r >= 0 || errno != EINTR)
			return (long)r;
	}
}

static void file_close(void *ctx)
{
	struct file_ctx *f = ctx;
	if (f->owned)
		close(f->fd);
	free(f);
}

struct input *input_open_file(const char *path, char *err, size_t errlen)
{
	struct file_ctx *f = xmalloc(sizeof *f);
	const char *name = path;
	if (strcmp(path, "-") == 0) {
		f->fd = STDIN_FILENO;
		f->owned = 0;
		name = "<stdin>";
	} else {
		struct stat st;
		f->fd = open(path, O_RDONLY | O_CLOEXEC);
		f->owned = 1;
		int e = f->fd < 0 ? errno : 0;
		if (!e && fstat(f->fd, &st) == 0 && S_ISDIR(st.st_mode))
			e = EISDIR;
		if (e) {
			if (err != NULL && errlen > 0)
				snprintf(err, errlen, "cannot open: %s", strerror(e));
			if (f->fd >= 0)
				close(f->fd);
			free(f);
			return NULL;
		}
	}
	struct input_source src = {f, file_read, file_close};
	struct input *in = input_open_source(name, src);
	struct stat st;
	if (f->owned && fstat(f->fd, &st) == 0 && S_ISREG(st.st_mode))
		in->plain_fd = f->fd;
	return in;
}

struct input *input_open_fd(const char *name, int fd)
{
	struct file_ctx *f = xmalloc(sizeof *f);
	f->fd = fd;
	f->owned = 1;
	struct input_source src = {f, file_read, file_close};
	struct input *in = input_open_source(name, src);
	struct stat st;
	if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode))
		in->plain_fd = fd;
	return in;
}

struct input *input_open_source(const char *name, struct input_source src)
{
	struct input *in = xcalloc(1, sizeof *in);
	in->name = xstrdup(name ? name : "<input>");
	in->src = src;
	in->enc = INPUT_UTF8;
	in->plain_fd = -1;
	return in;
}

int input_fd(const struct input *in)
{
	if (!in->sniffed || in->gzip || (in->enc != INPUT_UTF8 && in->enc != INPUT_UTF8_BOM))
		return -1;
	return in->plain_fd;
}

const char *input_name(const struct input *in)
{
	return in->name;
}

uint64_t input_trailing_bytes(const struct input *in, int *nonzero)
{
	if (nonzero)
		*nonzero = in->trailing_nonzero;
	return in->trailing;
}

int input_was_gzip(const struct input *in)
{
	return in->gzip;
}

enum input_encoding input_encoding(const struct input *in)
{
	return in->enc;
}

uint64_t input_raw_bytes(const struct input *in)
{
	return in->raw_total;
}

void input_set_origin(struct input *in, unsigned depth, int text_only)
{
	in->depth = depth;
	in->text_only = text_only;
}

unsigned input_depth(const struct input *in)
{
	return in->depth;
}

int input_text_only(const struct input *in)
{
	return in->text_only;
}

void input_close(struct input *in)
{
	if (in == NULL)
		return;
	if (in->z_init)
		inflateEnd(&in->z);
	if (in->src.close)
		in->src.close(in->src.ctx);
	free(in->name);
	free(in);
}
