/*
 * test_archive.c - the ticket archive reader (archive.c): members handed out
 * in archive order, and hostile entries skipped with a note.  The archives are
 * written with libarchive into a temporary folder.
 */
#include <archive.h>
#include <archive_entry.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

#include "base/util.h"
#include "input/archive.h"
#include "unit.h"

static char tmpdir[64];

struct member {
	const char *name;
	const char *target; /* symbolic or hard link target, else NULL */
	int hard;
	const char *data; /* NULL: data_len zero bytes */
	size_t data_len;
	unsigned type; /* AE_IFREG when 0 */
};

enum fmt { ZIP, TAR, TGZ, SEVENZ, TXZ, TZST };

static char *write_archive(const char *file, enum fmt fmt, const struct member *m, size_t n)
{
	static char path[128];
	snprintf(path, sizeof path, "%s/%s", tmpdir, file);
	struct archive *a = archive_write_new();
	if (fmt == ZIP)
		archive_write_set_format_zip(a);
	else if (fmt == SEVENZ)
		archive_write_set_format_7zip(a);
	else
		archive_write_set_format_pax_restricted(a);
	if (fmt == TGZ)
		archive_write_add_filter_gzip(a);
	else if (fmt == TXZ)
		archive_write_add_filter_xz(a);
	else if (fmt == TZST)
		archive_write_add_filter_zstd(a);
	CHECK(archive_write_open_filename(a, path) == ARCHIVE_OK);
	for (size_t i = 0; i < n; i++) {
		struct archive_entry *e = archive_entry_new();
		size_t len = m[i].data ? strlen(m[i].data) : m[i].data_len;
		archive_entry_set_pathname(e, m[i].name);
		archive_entry_set_perm(e, 0644);
		archive_entry_set_mtime(e, 1700000000, 0);
		if (m[i].target && m[i].hard) {
			archive_entry_set_filetype(e, AE_IFREG);
			archive_entry_set_hardlink(e, m[i].target);
			len = 0;
		} else if (m[i].target) {
			archive_entry_set_filetype(e, AE_IFLNK);
			archive_entry_set_symlink(e, m[i].target);
			len = 0;
		} else {
			archive_entry_set_filetype(e, m[i].type ? m[i].type : AE_IFREG);
			if (m[i].type == AE_IFDIR)
				len = 0;
		}
		archive_entry_set_size(e, (la_int64_t)len);
		CHECK(archive_write_header(a, e) == ARCHIVE_OK);
		if (len && m[i].data) {
			CHECK(archive_write_data(a, m[i].data, len) == (la_ssize_t)len);
		} else if (len) {
			char *zeros = xcalloc(1, len);
			CHECK(archive_write_data(a, zeros, len) == (la_ssize_t)len);
			free(zeros);
		}
		archive_entry_free(e);
	}
	CHECK(archive_write_close(a) == ARCHIVE_OK);
	archive_write_free(a);
	return path;
}

/* What the visitor saw: "member-name=content;" and "level:member-name:msg;". */
struct seen {
	struct strbuf members;
	struct strbuf notes;
	size_t prefix; /* length of "DIR/ARCHIVE/" to cut from names */
};

static void on_member(void *ctx, struct input *in)
{
	struct seen *s = ctx;
	char buf[4096], err[256];
	long r;
	const char *name = input_name(in);
	sb_adds(&s->members, strlen(name) > s->prefix ? name + s->prefix : name);
	sb_addc(&s->members, '=');
	while ((r = input_read(in, buf, sizeof buf, err, sizeof err)) > 0)
		sb_add(&s->members, buf, (size_t)r);
	if (r < 0)
		sb_printf(&s->members, "<%s>", err);
	sb_addc(&s->members, ';');
	input_close(in);
}

static void on_note(void *ctx, enum note_level level, const char *file, const char *msg)
{
	struct seen *s = ctx;
	sb_adds(&s->notes, level == NOTE_ERROR ? "E:" : level == NOTE_WARNING ? "W:" : "I:");
	if (file)
		sb_adds(&s->notes, strlen(file) > s->prefix ? file + s->prefix : "(archive)");
	sb_addc(&s->notes, ':');
	sb_adds(&s->notes, msg);
	sb_addc(&s->notes, ';');
}

static long read_it(const char *path, const struct arc_limits *lim, struct seen *s)
{
	struct arc_visitor v = {s, on_member, on_note, 1};
	memset(s, 0, sizeof *s);
	s->prefix = strlen(path) + 1;
	return arc_read(path, lim, &v);
}

/* strstr for a buffer that may hold NUL bytes (members of zeros). */
static int contains(const struct strbuf *b, const char *needle)
{
	size_t k = strlen(needle);
	for (size_t i = 0; i + k <= b->len; i++)
		if (memcmp(b->buf + i, needle, k) == 0)
			return 1;
	return 0;
}

static void seen_free(struct seen *s)
{
	sb_free(&s->members);
	sb_free(&s->notes);
}

static const struct member two_csv[] = {
    {.name = "ticket/", .type = AE_IFDIR},
    {.name = "ticket/a.csv", .data = "Status\nSuccess\n"},
    {.name = "ticket/b.csv", .data = "Status\nRestricted IP\n"},
};

static void test_zip_and_tgz(void)
{
	struct arc_limits lim = arc_default_limits();
	struct seen s;
	const enum fmt fmts[] = {ZIP, TGZ, TAR};
	const char *names[] = {"two.zip", "two.tar.gz", "two.tar"};
	for (size_t i = 0; i < 3; i++) {
		char *p = write_archive(names[i], fmts[i], two_csv, 3);
		CHECK_INT(read_it(p, &lim, &s), 2);
		CHECK_STR(sb_str(&s.members),
			  "ticket/a.csv=Status\nSuccess\n;ticket/b.csv=Status\nRestricted IP\n;");
		CHECK_STR(sb_str(&s.notes), "");
		seen_free(&s);
	}
}

static void test_traversal(void)
{
	static const struct member m[] = {
	    {.name = "../evil.csv", .data = "Status\nx\n"},
	    {.name = "/etc/abs.csv", .data = "Status\nx\n"},
	    {.name = "a/../../up.csv", .data = "Status\nx\n"},
	    {.name = "ok..csv", .data = "Status\nok\n"},
	};
	struct arc_limits lim = arc_default_limits();
	struct seen s;
	char *p = write_archive("evil.tar", TAR, m, 4);
	CHECK_INT(read_it(p, &lim, &s), 1);
	CHECK_STR(sb_str(&s.members), "ok..csv=Status\nok\n;");
	CHECK_STR(sb_str(&s.notes),
		  "W:../evil.csv:member name is absolute or contains \"..\" (path traversal); "
		  "skipped;"
		  "W:/etc/abs.csv:member name is absolute or contains \"..\" (path traversal); "
		  "skipped;"
		  "W:a/../../up.csv:member name is absolute or contains \"..\" (path traversal); "
		  "skipped;");
	seen_free(&s);

	p = write_archive("evil.zip", ZIP, m, 1);
	CHECK_INT(read_it(p, &lim, &s), 0);
	CHECK_STR(sb_str(&s.members), "");
	CHECK(strstr(sb_str(&s.notes), "W:../evil.csv:member name is absolute") != NULL);
	seen_free(&s);
}

static void test_links(void)
{
	static const struct member m[] = {
	    {.name = "data.csv", .data = "Status\nSuccess\n"},
	    {.name = "link.csv", .target = "/etc/passwd"},
	    {.name = "hard.csv", .target = "data.csv", .hard = 1},
	    {.name = ".DS_Store", .data = "junk"},
	    {.name = "__MACOSX/._data.csv", .data = "junk"},
	};
	struct arc_limits lim = arc_default_limits();
	struct seen s;
	char *p = write_archive("links.tar.gz", TGZ, m, 5);
	CHECK_INT(read_it(p, &lim, &s), 1);
	CHECK_STR(sb_str(&s.members), "data.csv=Status\nSuccess\n;");
	CHECK_STR(sb_str(&s.notes),
		  "W:link.csv:symbolic link in the archive; not followed, skipped;"
		  "W:hard.csv:hard link in the archive; not followed, skipped;"
		  "I:.DS_Store:hidden file; skipped;"
		  "I:__MACOSX/._data.csv:hidden file; skipped;");
	seen_free(&s);

	p = write_archive("links.zip", ZIP, m, 2);
	CHECK_INT(read_it(p, &lim, &s), 1);
	CHECK_STR(sb_str(&s.notes),
		  "W:link.csv:symbolic link in the archive; not followed, skipped;");
	seen_free(&s);
}

static void test_limits(void)
{
	static const struct member m[] = {
	    {.name = "big.csv", .data_len = 1u << 20},
	    {.name = "small.csv", .data = "Status\nSuccess\n"},
	};
	struct arc_limits lim = arc_default_limits();
	struct seen s;
	char *p = write_archive("bomb.tar.gz", TGZ, m, 2);

	/* One member too big: refused, the next one still read. */
	lim.max_entry_bytes = 64u << 10;
	CHECK_INT(read_it(p, &lim, &s), 1);
	CHECK(strstr(sb_str(&s.notes),
		     "E:big.csv:member expands to more than "
		     "SFDIAG_MAX_ARCHIVE_ENTRY_BYTES (65536 bytes): refused") != NULL);
	CHECK(contains(&s.members, "small.csv=Status\nSuccess\n;"));
	seen_free(&s);

	/* The whole archive too big: the rest is not read. */
	lim = arc_default_limits();
	lim.max_bytes = 100u << 10;
	CHECK_INT(read_it(p, &lim, &s), 1);
	CHECK(contains(&s.members, "<read error: File too large>;"));
	CHECK(strstr(sb_str(&s.notes), "E:(archive):archive expands to more than "
				       "SFDIAG_MAX_ARCHIVE_BYTES (102400 bytes): refused") != NULL);
	CHECK(!contains(&s.members, "small.csv"));
	seen_free(&s);

	/* The zip header says how big the member is: refused before inflating. */
	p = write_archive("bomb.zip", ZIP, m, 2);
	lim = arc_default_limits();
	lim.max_entry_bytes = 64u << 10;
	CHECK_INT(read_it(p, &lim, &s), 1);
	CHECK(strstr(sb_str(&s.notes), "E:big.csv:member expands to more than") != NULL);
	seen_free(&s);

	/* Too many entries. */
	p = write_archive("many.zip", ZIP, two_csv, 3);
	lim = arc_default_limits();
	lim.max_entries = 2;
	CHECK_INT(read_it(p, &lim, &s), 1);
	CHECK_STR(sb_str(&s.notes),
		  "E:(archive):more than SFDIAG_MAX_ARCHIVE_ENTRIES (2) entries; the rest was not "
		  "read;");
	seen_free(&s);
}

static void test_not_archive(void)
{
	struct arc_limits lim = arc_default_limits();
	struct seen s;
	char path[128], link[128];
	snprintf(path, sizeof path, "%s/garbage.zip", tmpdir);
	FILE *fp = fopen(path, "w");
	CHECK(fp != NULL);
	fputs("this is not a zip file at all, just text\n", fp);
	fclose(fp);
	CHECK_INT(read_it(path, &lim, &s), -1);
	CHECK(strncmp(sb_str(&s.notes), "E:(archive):", 12) == 0);
	seen_free(&s);

	/* An archive reached through a symbolic link is not opened. */
	snprintf(link, sizeof link, "%s/link.zip", tmpdir);
	snprintf(path, sizeof path, "%s/two.zip", tmpdir);
	CHECK(symlink(path, link) == 0);
	CHECK_INT(read_it(link, &lim, &s), -1);
	CHECK(strstr(sb_str(&s.notes), "cannot open archive") != NULL);
	seen_free(&s);
}

/* Write text to DIR/name and return the path. */
static char *write_plain(const char *name, const char *text, size_t n)
{
	static char path[128];
	snprintf(path, sizeof path, "%s/%s", tmpdir, name);
	FILE *fp = fopen(path, "wb");
	CHECK(fp != NULL);
	CHECK(fwrite(text, 1, n, fp) == n);
	fclose(fp);
	return path;
}

/* Archives are told by their content, whatever their name; a workbook and a
 * gzip'ed CSV are not archives. */
static void test_probe(void)
{
	struct arc_limits lim = arc_default_limits();
	struct seen s;
	const struct {
		const char *name;
		enum fmt fmt;
	} cases[] = {{"attachment", ZIP},
		     {"download", SEVENZ},
		     {"export.bin", TXZ},
		     {"t.data", TZST},
		     {"noext", TGZ}};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		char *p = write_archive(cases[i].name, cases[i].fmt, two_csv, 3);
		CHECK_INT(arc_probe(p), ARC_ARCHIVE);
		CHECK_INT(read_it(p, &lim, &s), 2);
		CHECK_STR(sb_str(&s.members),
			  "ticket/a.csv=Status\nSuccess\n;ticket/b.csv=Status\nRestricted IP\n;");
		seen_free(&s);
	}
	/* `tar czf t.tgz .` names its members ./x: read, not hidden, shown as x. */
	static const struct member dot[] = {
	    {.name = "./", .type = AE_IFDIR},
	    {.name = "./LoginHistory.csv", .data = "Status\nSuccess\n"},
	    {.name = "./.DS_Store", .data = "x"},
	};
	char *p = write_archive("dot.tgz", TGZ, dot, 3);
	CHECK_INT(read_it(p, &lim, &s), 1);
	CHECK_STR(sb_str(&s.members), "LoginHistory.csv=Status\nSuccess\n;");
	CHECK_STR(sb_str(&s.notes), "I:.DS_Store:hidden file; skipped;");
	seen_free(&s);

	static const struct member book[] = {
	    {.name = "[Content_Types].xml", .data = "<Types/>"},
	    {.name = "xl/workbook.xml", .data = "<workbook/>"},
	};
	p = write_archive("Login History", ZIP, book, 2);
	CHECK_INT(arc_probe(p), ARC_WORKBOOK);
	p = write_plain("LoginHistory.csv", "Status\nSuccess\n", 15);
	CHECK_INT(arc_probe(p), ARC_NONE);
	/* A gzip'ed CSV (the Setup GZIP download) is one input, not an archive. */
	static const char csv_gz[] = {
	    "\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\x03\x0b\x2e\x49\x2c\x29\x2d\xe6"
	    "\x0a\x2e\x4d\x4e\x4e\x2d\x2e\xe6\x02\x00\xc5\x2b\x7b\xc3\x0f\x00\x00\x00"};
	p = write_plain("LoginHistory.csv.gz", csv_gz, sizeof csv_gz - 1);
	CHECK_INT(arc_probe(p), ARC_NONE);
	CHECK_INT(arc_probe("/nonexistent/file"), ARC_NONE);
	/* Zeros through gzip read as the end of an empty tar: no archive. */
	char zpath[128];
	snprintf(zpath, sizeof zpath, "%s/zeros.gz", tmpdir);
	gzFile z = gzopen(zpath, "wb");
	static const char zeros[8192];
	CHECK(z != NULL && gzwrite(z, zeros, sizeof zeros) == (int)sizeof zeros);
	gzclose(z);
	CHECK_INT(arc_probe(zpath), ARC_NONE);
}

static void test_suffix(void)
{
	CHECK_INT(arc_suffix("t.zip"), 4);
	CHECK_INT(arc_suffix("T.ZIP"), 4);
	CHECK_INT(arc_suffix("t.tar.gz"), 7);
	CHECK_INT(arc_suffix("t.tgz"), 4);
	CHECK_INT(arc_suffix("t.tar"), 4);
	CHECK_INT(arc_suffix("t.csv.gz"), 0);
	CHECK_INT(arc_suffix(".zip"), 0);
	CHECK_INT(arc_suffix("zip"), 0);
}

static void setup(void)
{
	snprintf(tmpdir, sizeof tmpdir, "/tmp/sfdiag-test-archive.XXXXXX");
	CHECK(mkdtemp(tmpdir) != NULL);
}

static void cleanup(void)
{
	char cmd[128];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
	CHECK(system(cmd) == 0);
}

UNIT_MAIN(setup, test_zip_and_tgz, test_traversal, test_links, test_limits, test_not_archive,
	  test_probe, test_suffix, cleanup)
