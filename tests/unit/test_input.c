/*
 * test_input.c - byte sources: plain, BOMs, UTF-16, gzip (single, multi,
 * truncated, corrupt, bomb limit), peek, errors.
 *
 * Files are written under a mkdtemp directory that is removed at the end.
 * Every case that can is also run through a source that hands out one byte
 * per read, so that each buffer boundary is crossed at every position.
 * Literals use octal escapes where a letter follows, which \x would swallow.
 */
#include "input/input.h"
#include "input/prefetch.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <unistd.h>
#include <zlib.h>

#include "base/util.h"
#include "unit.h"

static char dir[64];
static int nfiles;

/* Write n bytes to a new file in dir; returns its path (static storage). */
static const char *put_file(const void *data, size_t n)
{
	static char path[128];
	snprintf(path, sizeof path, "%s/f%d", dir, nfiles++);
	FILE *f = fopen(path, "wb");
	if (f == NULL || fwrite(data, 1, n, f) != n || fclose(f) != 0) {
		perror(path);
		exit(1);
	}
	return path;
}

/* An in-memory source that gives at most chunk bytes per read and fails
 * with EIO once fail_at bytes were given (if fail_at is set) or always
 * (broken). */
struct mem_src {
	const unsigned char *p;
	size_t n, pos, chunk, fail_at;
	int broken; /* every read fails */
	int closed;
};

static long mem_read(void *ctx, void *buf, size_t n)
{
	struct mem_src *m = ctx;
	if (m->broken || (m->fail_at && m->pos >= m->fail_at)) {
		errno = EIO;
		return -1;
	}
	size_t k = m->n - m->pos;
	if (k > m->chunk)
		k = m->chunk;
	if (k > n)
		k = n;
	memcpy(buf, m->p + m->pos, k);
	m->pos += k;
	return (long)k;
}

static void mem_close(void *ctx)
{
	((struct mem_src *)ctx)->closed++;
}

static struct input *open_mem(struct mem_src *m, const void *data, size_t n, size_t chunk)
{
	memset(m, 0, sizeof *m);
	m->p = data;
	m->n = n;
	m->chunk = chunk;
	struct input_source src = {m, mem_read, mem_close};
	return input_open_source("mem", src);
}

/* Read everything in reads of chunk bytes; returns 0 at EOF or -1. */
static int slurp(struct input *in, struct strbuf *sb, size_t chunk, char *err, size_t errlen)
{
	char buf[100000];
	err[0] = '\0';
	for (;;) {
		long r = input_read(in, buf, chunk, err, errlen);
		if (r <= 0)
			return (int)r;
		sb_add(sb, buf, (size_t)r);
	}
}

/*
 * Decode data through a file (read in 4096-byte pieces) and through a
 * one-byte-per-read source (read in 7-byte pieces); both must give want, then
 * end with wanterr ("" for a clean end).
 */
static void expect(const void *data, size_t n, const void *want, size_t wantn, const char *wanterr,
		   enum input_encoding enc, int gz)
{
	for (int pass = 0; pass < 2; pass++) {
		char err[256];
		struct strbuf sb = {0};
		struct mem_src m;
		struct input *in = pass == 0 ? input_open_file(put_file(data, n), err, sizeof err)
					     : open_mem(&m, data, n, 1);
		CHECK(in != NULL);
		if (in == NULL)
			return;
		int rc = slurp(in, &sb, pass == 0 ? 4096 : 7, err, sizeof err);
		CHECK_INT(rc, *wanterr ? -1 : 0);
		CHECK_STR(err, wanterr);
		CHECK_INT(sb.len, wantn);
		CHECK(sb.len == wantn && memcmp(sb_str(&sb), want, wantn) == 0);
		CHECK_INT(input_encoding(in), enc);
		CHECK_INT(input_was_gzip(in), gz);
		/* Files here are under 64 KiB: the first read takes them whole. */
		CHECK_INT(input_raw_bytes(in), pass == 0 ? n : m.pos);
		/* Errors are sticky; EOF stays EOF. */
		char buf[8];
		CHECK_INT(input_read(in, buf, sizeof buf, err, sizeof err), *wanterr ? -1 : 0);
		CHECK_STR(err, wanterr);
		input_close(in);
		if (pass == 1)
			CHECK_INT(m.closed, 1);
		sb_free(&sb);
	}
}

/* gzip n bytes in memory (one member); caller frees. */
static unsigned char *gzip_mem(const void *data, size_t n, size_t *outn)
{
	z_stream z;
	memset(&z, 0, sizeof z);
	if (deflateInit2(&z, 6, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY) != Z_OK)
		exit(1);
	size_t cap = deflateBound(&z, (uLong)n) + 64;
	unsigned char *out = xmalloc(cap);
	z.next_in = (Bytef *)(uintptr_t)data;
	z.avail_in = (uInt)n;
	z.next_out = out;
	z.avail_out = (uInt)cap;
	if (deflate(&z, Z_FINISH) != Z_STREAM_END)
		exit(1);
	*outn = (size_t)z.total_out;
	deflateEnd(&z);
	return out;
}

#define S(lit) lit, sizeof(lit) - 1

/* Peeking shows exactly want[0..n). */
static void peek_is(struct input *in, const void *want, size_t n)
{
	char err[128];
	const char *p;
	size_t pn;
	CHECK_INT(input_peek(in, &p, &pn, err, sizeof err), 0);
	CHECK_INT(pn, n);
	CHECK(pn == n && memcmp(p, want, n) == 0);
}

static void test_plain(void)
{
	expect(S("a,b\nc,d\n"), S("a,b\nc,d\n"), "", INPUT_UTF8, 0);
	expect(S(""), S(""), "", INPUT_UTF8, 0);
	expect(S("x"), S("x"), "", INPUT_UTF8, 0);
	/* An Excel re-save: "José;São Paulo;€" in windows-1252. */
	expect(S("Jos\xe9;S\xe3o Paulo;\x80\n"), S("Jos\xc3\xa9;S\xc3\xa3o Paulo;\xe2\x82\xac\n"),
	       "", INPUT_CP1252, 0);
	/* One real UTF-8 character keeps the whole input UTF-8, stray bytes and all. */
	expect(S("Jos\xc3\xa9 \xff\n"), S("Jos\xc3\xa9 \xff\n"), "", INPUT_UTF8, 0);
	/* Invalid UTF-8 and NULs pass through untouched. */
	/* A NUL byte rules windows-1252 out: the bytes pass through. */
	expect(S("\xc3(\0\x80z"), S("\xc3(\0\x80z"), "", INPUT_UTF8, 0);
	expect(S("\x1f"), S("\x1f"), "", INPUT_UTF8, 0);
	expect(S("\x1f\x8a\n"), S("\x1f\xc5\xa0\n"), "", INPUT_CP1252, 0);
	/* A BOM only counts at the start. */
	expect(S("a\xef\xbb\xbf"), S("a\xef\xbb\xbf"), "", INPUT_UTF8, 0);
}

static void test_utf8_bom(void)
{
	expect(S("\357\273\277a,b\n"), S("a,b\n"), "", INPUT_UTF8_BOM, 0);
	expect(S("\xef\xbb\xbf"), S(""), "", INPUT_UTF8_BOM, 0);
	expect(S("\xef\xbb\xbf\xef\xbb\xbf"), S("\xef\xbb\xbf"), "", INPUT_UTF8_BOM, 0);
	expect(S("\xef\xbb"), S("\xc3\xaf\xc2\xbb"), "", INPUT_CP1252, 0);
}

static void test_utf16(void)
{
	/* "Hé€😀\n": U+1F600 is the pair D83D DE00. */
	const char *utf8 = "H\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80\n";
	expect(S("\xff\xfeH\0\xe9\0\xac\x20\x3d\xd8\x00\xde\n\0"), utf8, strlen(utf8), "",
	       INPUT_UTF16LE, 0);
	expect(S("\xfe\xff\0H\0\xe9\x20\xac\xd8\x3d\xde\x00\0\n"), utf8, strlen(utf8), "",
	       INPUT_UTF16BE, 0);
	expect(S("\xff\xfe"), S(""), "", INPUT_UTF16LE, 0);
	/* U+0000 and U+FFFF are characters like any other. */
	expect(S("\xfe\xff\0\0\xff\xff"), S("\0\xef\xbf\xbf"), "", INPUT_UTF16BE, 0);
	/* Lone surrogates: high then 'A', lone low, high at the end. */
	expect(S("\377\376\075\330A\0\000\336B\0\075\330"),
	       S("\357\277\275A\357\277\275B\357\277\275"), "", INPUT_UTF16LE, 0);
	/* Two highs then a low: the first is lone, the second pairs. */
	expect(S("\xfe\xff\xd8\x3d\xd8\x3d\xde\x00"), S("\xef\xbf\xbd\xf0\x9f\x98\x80"), "",
	       INPUT_UTF16BE, 0);
	/* Odd byte count: the whole units are delivered first. */
	expect(S("\377\376A\0B"), S("A"), "truncated UTF-16 (odd byte count)", INPUT_UTF16LE, 0);
	expect(S("\xfe\xff\x00"), S(""), "truncated UTF-16 (odd byte count)", INPUT_UTF16BE, 0);
	expect(S("\xff\xfe\x3d\xd8\x00"), S("\xef\xbf\xbd"), "truncated UTF-16 (odd byte count)",
	       INPUT_UTF16LE, 0);
	/* No BOM: every other byte zero. */
	expect(S("a\0,\0b\0\n\0c\0,\0d\0\n\0"), S("a,b\nc,d\n"), "", INPUT_UTF16LE, 0);
	expect(S("\0a\0,\0b\0\n\0c\0,\0d\0\n"), S("a,b\nc,d\n"), "", INPUT_UTF16BE, 0);
	/* Non-ASCII units lower the share; one in ten is still UTF-16. */
	expect(S("J\0o\0s\0\xe9\0,\0S\0\xe3\0o\0,\0\xac\x20"),
	       S("Jos\xc3\xa9,S\xc3\xa3o,\xe2\x82\xac"), "", INPUT_UTF16LE, 0);
	/* Too short to judge, or zeros without the pattern: bytes pass through. */
	expect(S("A\0B\0C\0"), S("A\0B\0C\0"), "", INPUT_UTF8, 0);
	expect(S("\0\0\0\0\1\2\3\4"), S("\0\0\0\0\1\2\3\4"), "", INPUT_UTF8, 0);
	expect(S("ab\0\0cd\0\0ef\0\0"), S("ab\0\0cd\0\0ef\0\0"), "", INPUT_UTF8, 0);
}

/*
 * Large UTF-16 input: a 10-byte group ("a", U+00E9, U+1F600, "b") repeated,
 * so that 64 KiB buffer edges fall at every offset in it, mid-pair included.
 */
static void test_utf16_large(void)
{
	static const unsigned char grp[10] = {'a', 0, 0xE9, 0, 0x3D, 0xD8, 0x00, 0xDE, 'b', 0};
	size_t groups = 40000, n = 2 + groups * 10;
	unsigned char *data = xmalloc(n);
	struct strbuf want = {0};
	data[0] = 0xFF;
	data[1] = 0xFE;
	for (size_t i = 0; i < groups; i++) {
		memcpy(data + 2 + i * 10, grp, 10);
		sb_adds(&want, "a\303\251\360\237\230\200b");
	}
	expect(data, n, want.buf, want.len, "", INPUT_UTF16LE, 0);

	/* Peek gives exactly SFDIAG_PEEK bytes, the same ones read gives. */
	char err[128];
	struct input *in = input_open_file(put_file(data, n), err, sizeof err);
	peek_is(in, want.buf, SFDIAG_PEEK);
	struct strbuf got = {0};
	CHECK_INT(slurp(in, &got, 65537, err, sizeof err), 0);
	CHECK(got.len == want.len && memcmp(got.buf, want.buf, want.len) == 0);
	input_close(in);
	sb_free(&got);
	sb_free(&want);
	free(data);
}

static void test_gzip(void)
{
	const char text[] = "Username,Status\nalice@example.com,Invalid Password\n";
	size_t gn, n;
	unsigned char *gz = gzip_mem(text, sizeof text - 1, &gn);
	expect(gz, gn, S(text), "", INPUT_UTF8, 1);

	/* gzip of a UTF-16 file with a BOM. */
	unsigned char *gz16 = gzip_mem(S("\377\376O\0K\0"), &n);
	expect(gz16, n, S("OK"), "", INPUT_UTF16LE, 1);
	free(gz16);

	/* Empty member. */
	unsigned char *gz0 = gzip_mem("", 0, &n);
	expect(gz0, n, S(""), "", INPUT_UTF8, 1);
	free(gz0);
	free(gz);
}

static void test_gzip_multi(void)
{
	/* Two members written by zlib's gzopen/gzwrite ("ab" appends a member). */
	char path[128];
	snprintf(path, sizeof path, "%s/multi.gz", dir);
	gzFile g = gzopen(path, "wb");
	CHECK(g != NULL && gzwrite(g, "first\n", 6) == 6 && gzclose(g) == Z_OK);
	g = gzopen(path, "ab");
	CHECK(g != NULL && gzwrite(g, "second\n", 7) == 7 && gzclose(g) == Z_OK);
	unsigned char data[512];
	FILE *f = fopen(path, "rb");
	size_t n = f ? fread(data, 1, sizeof data, f) : 0;
	if (f)
		fclose(f);
	unlink(path);
	CHECK(n > 40 && n < sizeof data);
	expect(data, n, S("first\nsecond\n"), "", INPUT_UTF8, 1);

	/* Three members, the middle one empty, one of them with a BOM inside. */
	size_t an, bn, cn;
	unsigned char *a = gzip_mem(S("\357\273\277x,"), &an);
	unsigned char *b = gzip_mem("", 0, &bn);
	unsigned char *c = gzip_mem(S("y\n"), &cn);
	unsigned char *all = xmalloc(an + bn + cn + 8);
	memcpy(all, a, an);
	memcpy(all + an, b, bn);
	memcpy(all + an + bn, c, cn);
	expect(all, an + bn + cn, S("x,y\n"), "", INPUT_UTF8_BOM, 1);

	/* Trailing bytes that do not start a member are ignored, as gzread does. */
	memcpy(all + an, "\0\0\0\0", 4);
	expect(all, an + 4, S("x,"), "", INPUT_UTF8_BOM, 1);
	all[an] = 0x1F;
	expect(all, an + 1, S("x,"), "", INPUT_UTF8_BOM, 1);
	/* ...but a second member cut short is truncation. */
	memcpy(all + an, c, cn);
	expect(all, an + 2, S("x,"), "truncated gzip stream", INPUT_UTF8_BOM, 1);
	expect(all, an + cn - 1, S("x,y\n"), "truncated gzip stream", INPUT_UTF8_BOM, 1);
	free(a);
	free(b);
	free(c);
	free(all);
}

static unsigned char *make_big(size_t n)
{
	unsigned char *big = xmalloc(n);
	for (size_t i = 0; i < n; i++)
		big[i] = (unsigned char)"0123456789abcdef,\n"[i * 7 % 18] ^ (i % 97 == 0);
	return big;
}

/* gz with byte at xor'ed by x gives want, then "corrupt gzip stream: why". */
static void flip(const unsigned char *gz, size_t n, size_t at, unsigned x, const char *want,
		 const char *why)
{
	char msg[128];
	unsigned char *bad = xmalloc(n);
	memcpy(bad, gz, n);
	bad[at] ^= (unsigned char)x;
	snprintf(msg, sizeof msg, "corrupt gzip stream: %s", why);
	expect(bad, n, want, strlen(want), msg, INPUT_UTF8, 1);
	free(bad);
}

static void test_gzip_bad(void)
{
	const char text[] = "a,b\n1,2\n";
	size_t gn, bn;
	unsigned char *gz = gzip_mem(S(text), &gn);
	unsigned char *big = make_big(300000);
	unsigned char *bgz = gzip_mem(big, 300000, &bn);

	/* Truncated: every byte of the data arrives, then the error. */
	expect(bgz, bn - 8, big, 300000, "truncated gzip stream", INPUT_UTF8, 1);
	expect(bgz, bn - 1, big, 300000, "truncated gzip stream", INPUT_UTF8, 1);
	expect(gz, gn - 4, S(text), "truncated gzip stream", INPUT_UTF8, 1);
	expect(gz, 2, S(""), "truncated gzip stream", INPUT_UTF8, 1);
	expect(gz, 10, S(""), "truncated gzip stream", INPUT_UTF8, 1);

	/* Corrupt header, body and trailer. */
	flip(gz, gn, 2, 0x0F, "", "unknown compression method");
	flip(gz, gn, 3, 0xE0, "", "unknown header flags set");
	flip(gz, gn, 10, 0x07 ^ gz[10], "", "invalid block type");
	flip(gz, gn, gn - 8, 1, text, "incorrect data check");
	flip(gz, gn, gn - 4, 1, text, "incorrect length check");
	free(bgz);
	free(big);
	free(gz);
}

static void test_limit(void)
{
	unsigned char *big = make_big(5000);
	size_t gn;
	unsigned char *gz = gzip_mem(big, 5000, &gn);
	for (size_t chunk = 1; chunk <= 65536; chunk *= 16) {
		char err[128];
		struct strbuf sb = {0};
		struct mem_src m;
		input_set_max_decompressed(1000);
		struct input *in = open_mem(&m, gz, gn, chunk);
		CHECK_INT(slurp(in, &sb, 64, err, sizeof err), -1);
		CHECK_STR(err, "decompressed size exceeds SFDIAG_MAX_DECOMPRESSED (16 GiB)");
		CHECK(sb.len <= 1000 && memcmp(sb_str(&sb), big, sb.len) == 0);
		input_close(in);
		sb_reset(&sb);
		/* Exactly at the limit is fine; 0 restores the default. */
		input_set_max_decompressed(5000);
		in = open_mem(&m, gz, gn, chunk);
		CHECK_INT(slurp(in, &sb, 64, err, sizeof err), 0);
		CHECK_INT(sb.len, 5000);
		input_close(in);
		input_set_max_decompressed(0);
		sb_free(&sb);
	}
	/* Plain input is not limited. */
	input_set_max_decompressed(10);
	expect(big, 5000, big, 5000, "", INPUT_UTF8, 0);
	input_set_max_decompressed(0);
	free(gz);
	free(big);
}

static void test_peek(void)
{
	char err[128], buf[16];
	const char *p;
	size_t n;
	struct input *in = input_open_file(put_file(S("\357\273\277abcdef")), err, sizeof err);
	peek_is(in, "abcdef", 6);
	peek_is(in, "abcdef", 6);
	CHECK_INT(input_read(in, buf, 3, err, sizeof err), 3);
	CHECK(memcmp(buf, "abc", 3) == 0);
	peek_is(in, "def", 3);
	CHECK_INT(input_read(in, buf, sizeof buf, err, sizeof err), 3);
	CHECK(memcmp(buf, "def", 3) == 0);
	peek_is(in, "", 0);
	CHECK_INT(input_read(in, buf, sizeof buf, err, sizeof err), 0);
	input_close(in);

	/* Empty input. */
	in = input_open_file(put_file("", 0), err, sizeof err);
	peek_is(in, "", 0);
	CHECK_INT(input_read(in, buf, sizeof buf, err, sizeof err), 0);
	input_close(in);

	/* Large input, plain through a 1-byte source and gzip from a file:
	 * exactly SFDIAG_PEEK bytes, and again after a partial read. */
	unsigned char *big = make_big(300000);
	size_t gn;
	unsigned char *gz = gzip_mem(big, 300000, &gn);
	for (int pass = 0; pass < 2; pass++) {
		struct mem_src m;
		in = pass ? input_open_file(put_file(gz, gn), err, sizeof err)
			  : open_mem(&m, big, 300000, 1);
		peek_is(in, big, SFDIAG_PEEK);
		CHECK_INT(input_read(in, buf, 10, err, sizeof err), 10);
		CHECK(memcmp(buf, big, 10) == 0);
		peek_is(in, big + 10, SFDIAG_PEEK);
		struct strbuf sb = {0};
		CHECK_INT(slurp(in, &sb, 1000, err, sizeof err), 0);
		CHECK(sb.len == 300000 - 10 && memcmp(sb.buf, big + 10, sb.len) == 0);
		CHECK_INT(input_was_gzip(in), pass);
		input_close(in);
		sb_free(&sb);
	}

	/* A truncated gzip: peek shows the data, the error comes after it. */
	size_t tn;
	unsigned char *tgz = gzip_mem(S("a,b\n"), &tn);
	in = input_open_file(put_file(tgz, tn - 8), err, sizeof err);
	peek_is(in, "a,b\n", 4);
	CHECK_INT(input_read(in, buf, sizeof buf, err, sizeof err), 4);
	CHECK_INT(input_read(in, buf, sizeof buf, err, sizeof err), -1);
	CHECK_STR(err, "truncated gzip stream");
	CHECK_INT(input_peek(in, &p, &n, err, sizeof err), -1);
	input_close(in);
	/* Nothing before the error: peek fails. */
	in = input_open_file(put_file(tgz, 5), err, sizeof err);
	strcpy(err, "x");
	CHECK_INT(input_peek(in, &p, &n, err, sizeof err), -1);
	CHECK_STR(err, "truncated gzip stream");
	CHECK_INT(input_read(in, buf, sizeof buf, err, sizeof err), -1);
	input_close(in);
	free(tgz);
	free(gz);
	free(big);
}

static void test_errors(void)
{
	char err[128], buf[16];
	struct input *in = input_open_file("/nonexistent/sfdiag-test", err, sizeof err);
	CHECK(in == NULL);
	CHECK_STR(err, "cannot open: No such file or directory");
	in = input_open_file(dir, err, sizeof err);
	CHECK(in == NULL);
	CHECK_STR(err, "cannot open: Is a directory");

	/* A read error after some data: the data, then the error, sticky. */
	struct mem_src m;
	struct strbuf sb = {0};
	in = open_mem(&m, "abcdefgh", 8, 3);
	m.fail_at = 5;
	CHECK_STR(input_name(in), "mem");
	CHECK_INT(slurp(in, &sb, 2, err, sizeof err), -1);
	CHECK_STR(err, "read error: Input/output error");
	CHECK(sb.len == 6 && memcmp(sb.buf, "abcdef", 6) == 0);
	strcpy(err, "x");
	CHECK_INT(input_read(in, buf, sizeof buf, err, sizeof err), -1);
	CHECK_STR(err, "read error: Input/output error");
	input_close(in);
	CHECK_INT(m.closed, 1);
	sb_free(&sb);

	/* A read error inside a gzip stream. */
	size_t gn;
	unsigned char *big = make_big(100000);
	unsigned char *gz = gzip_mem(big, 100000, &gn);
	in = open_mem(&m, gz, gn, 16);
	m.fail_at = gn / 2;
	CHECK_INT(slurp(in, &sb, 4096, err, sizeof err), -1);
	CHECK_STR(err, "read error: Input/output error");
	CHECK(sb.len < 100000 && memcmp(sb_str(&sb), big, sb.len) == 0);
	input_close(in);
	sb_free(&sb);
	free(gz);
	free(big);

	/* A NULL name and a NULL err buffer are allowed. */
	memset(&m, 0, sizeof m);
	in = input_open_source(NULL, (struct input_source){&m, mem_read, NULL});
	CHECK_STR(input_name(in), "<input>");
	m.broken = 1;
	CHECK_INT(input_read(in, buf, sizeof buf, NULL, 0), -1);
	CHECK_INT(input_read(in, buf, sizeof buf, NULL, 0), -1);
	input_close(in);
	input_close(NULL);
}

static void test_stdin(void)
{
	char err[128];
	int fd = open(put_file(S("\xfe\xff\0h\0i")), O_RDONLY);
	int saved = dup(STDIN_FILENO);
	CHECK(fd >= 0 && saved >= 0 && dup2(fd, STDIN_FILENO) == STDIN_FILENO);
	close(fd);
	struct input *in = input_open_file("-", err, sizeof err);
	CHECK_STR(input_name(in), "<stdin>");
	struct strbuf sb = {0};
	CHECK_INT(slurp(in, &sb, 100, err, sizeof err), 0);
	CHECK_STR(sb_str(&sb), "hi");
	CHECK_INT(input_encoding(in), INPUT_UTF16BE);
	input_close(in);
	/* stdin is not closed by input_close. */
	CHECK(fcntl(STDIN_FILENO, F_GETFD) != -1);
	dup2(saved, STDIN_FILENO);
	close(saved);
	sb_free(&sb);
}

/* Mutated gzip and UTF-16 inputs in random chunk sizes never crash. */
static void test_fuzz(void)
{
	unsigned char *big = make_big(20000);
	size_t gn;
	unsigned char *gz = gzip_mem(big, 20000, &gn);
	unsigned char *buf = xmalloc(gn);
	unsigned char u16[64] = {0xFF, 0xFE, 0x3D, 0xD8, 0x00, 0xDE, 'a', 0, 0xDC, 0xDC};
	char err[128];
	srand(4242);
	for (int i = 0; i < 3000; i++) {
		int gzip = i % 2 == 0;
		size_t n = gzip ? gn : sizeof u16;
		memcpy(buf, gzip ? gz : u16, n);
		for (int e = 1 + rand() % 4; e > 0; e--)
			buf[(size_t)rand() % n] = (unsigned char)rand();
		if (!gzip && rand() % 2)
			buf[(size_t)rand() % 2] = (unsigned char)(rand() % 2 ? 0xFE : 0xFF);
		n = (size_t)rand() % (n + 1);
		struct mem_src m;
		struct strbuf sb = {0};
		struct input *in = open_mem(&m, buf, n, 1 + (size_t)rand() % 5000);
		const char *p;
		size_t pn;
		if (input_peek(in, &p, &pn, err, sizeof err) == 0)
			CHECK(pn <= SFDIAG_PEEK);
		slurp(in, &sb, 1 + (size_t)rand() % 9000, err, sizeof err);
		input_close(in);
		sb_free(&sb);
	}
	free(buf);
	free(gz);
	free(big);
}

static void cleanup(void)
{
	char path[128];
	for (int i = 0; i < nfiles; i++) {
		snprintf(path, sizeof path, "%s/f%d", dir, i);
		unlink(path);
	}
	CHECK_INT(rmdir(dir), 0);
}

static void setup(void)
{
	const char *tmp = getenv("TMPDIR");
	snprintf(dir, sizeof dir, "%s/sfdiag-input-XXXXXX", tmp && strlen(tmp) < 30 ? tmp : "/tmp");
	if (mkdtemp(dir) == NULL) {
		perror(dir);
		exit(1);
	}
}

/* Everything through a prefetch thread; returns the final 0 or -1. */
static long via_prefetch(struct input *in, struct strbuf *sb, char *err, size_t errlen)
{
	struct prefetch *p = prefetch_start(in);
	const char *data;
	long r;
	err[0] = '\0';
	CHECK(p != NULL);
	if (!p)
		return -2;
	while ((r = prefetch_next(p, &data, err, errlen)) > 0)
		sb_add(sb, data, (size_t)r);
	/* The end repeats. */
	char again[256];
	CHECK_INT(prefetch_next(p, &data, again, sizeof again), r);
	prefetch_stop(p);
	return r;
}

/* A prefetched input gives exactly what reading it directly gives: the
 * same bytes, then the same end or error. */
static void test_prefetch(void)
{
	size_t n = 3u << 20; /* over PREFETCH_BLOCKS * PREFETCH_BLOCK: the ring wraps */
	char *text = xmalloc(n);
	for (size_t i = 0; i < n; i++)
		text[i] = (char)(i % 61 == 60 ? '\n' : 'a' + (char)((i * 7919u) % 26u));
	size_t gzn;
	unsigned char *gz = gzip_mem(text, n, &gzn);
	struct {
		size_t len;	/* bytes of gz given */
		size_t fail_at; /* the source fails from here (0: never) */
	} cases[] = {{gzn, 0}, {gzn - 1000, 0}, {gzn, gzn / 2}};
	for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
		struct mem_src m1, m2;
		struct strbuf direct = {0}, ahead = {0};
		char e1[256], e2[256];
		struct input *a = open_mem(&m1, gz, cases[c].len, 4096);
		struct input *b = open_mem(&m2, gz, cases[c].len, 4096);
		m1.fail_at = m2.fail_at = cases[c].fail_at;
		int r1 = slurp(a, &direct, 65536, e1, sizeof e1);
		long r2 = via_prefetch(b, &ahead, e2, sizeof e2);
		CHECK_INT(r2, r1);
		CHECK_STR(e2, e1);
		CHECK_INT(ahead.len, direct.len);
		CHECK(ahead.len == direct.len && memcmp(ahead.buf, direct.buf, direct.len) == 0);
		CHECK(c > 0 || (direct.len == n && memcmp(direct.buf, text, n) == 0));
		CHECK(c == 0 || r1 == -1);
		input_close(a);
		input_close(b);
		sb_free(&direct);
		sb_free(&ahead);
	}
	/* Stopping early, with the reader blocked on a full ring, ends it. */
	struct mem_src m;
	struct input *in = open_mem(&m, gz, gzn, 4096);
	struct prefetch *p = prefetch_start(in);
	const char *data;
	CHECK(p && prefetch_next(p, &data, NULL, 0) > 0);
	prefetch_stop(p);
	input_close(in);
	free(gz);
	free(text);
}

UNIT_MAIN(setup, test_plain, test_utf8_bom, test_utf16, test_utf16_large, test_gzip,
	  test_gzip_multi, test_gzip_bad, test_limit, test_peek, test_errors, test_stdin, test_fuzz,
	  test_prefetch, cleanup)
