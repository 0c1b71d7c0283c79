/*
 * archive.c - read the members of a ticket archive in place (see triage.h).
 *
 * libarchive streams each member; a member becomes an input (input.h) whose
 * reader calls archive_read_data, so gzip'ed or UTF-16 members are decoded by
 * input.c exactly like files.  Nothing is written to disk.  Every byte taken
 * from the archive, including bytes only skipped over, is counted against the
 * limits, so a decompression bomb costs at most SFDIAG_MAX_ARCHIVE_BYTES of
 * inflation before it is refused.
 */
#include <archive.h>
#include <archive_entry.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/util.h"
#include "input/archive.h"

struct arc_limits arc_default_limits(void)
{
	struct arc_limits l = {SFDIAG_MAX_ARCHIVE_BYTES, SFDIAG_MAX_ARCHIVE_ENTRY_BYTES,
			       SFDIAG_MAX_ARCHIVE_ENTRIES};
	return l;
}

size_t arc_suffix(const char *name)
{
	static const char *const sfx[] = {".tar.gz", ".tgz", ".zip", ".tar"};
	size_t n = strlen(name);
	for (size_t i = 0; i < sizeof sfx / sizeof sfx[0]; i++) {
		size_t k = strlen(sfx[i]);
		if (n > k && strcasecmp(name + n - k, sfx[i]) == 0)
			return k;
	}
	return 0;
}

enum over { OVER_NONE, OVER_ENTRY, OVER_TOTAL };

/* State of one archive while its members are read. */
struct reader {
	struct archive *a;
	const struct arc_limits *lim;
	uint64_t total; /* uncompressed bytes taken from the archive */
	uint64_t entry; /* of the current member */
	enum over over; /* a limit was hit */
	int skipping;	/* skipping the rest of an oversized member */
	int failed;	/* archive_read_data failed */
	char err[200];
};

/* Account n more bytes; returns 0, or -1 when a limit is passed. */
static int account(struct reader *rd, size_t n)
{
	rd->entry += n;
	rd->total += n;
	if (rd->total > rd->lim->max_bytes)
		rd->over = OVER_TOTAL;
	else if (!rd->skipping && rd->entry > rd->lim->max_entry_bytes)
		rd->over = OVER_ENTRY;
	return rd->over ? -1 : 0;
}

static long member_read(void *ctx, void *buf, size_t n)
{
	struct reader *rd = ctx;
	if (rd->over || rd->failed) {
		errno = rd->over ? EFBIG : EIO;
		return -1;
	}
	la_ssize_t r = archive_read_data(rd->a, buf, n);
	if (r < 0) {
		snprintf(rd->err, sizeof rd->err, "%s", archive_error_string(rd->a));
		rd->failed = 1;
		errno = EIO;
		return -1;
	}
	if (account(rd, (size_t)r) != 0) {
		errno = EFBIG;
		return -1;
	}
	return (long)r;
}

static void member_close(void *ctx)
{
	(void)ctx; /* the archive stays open for the next member */
}

/* Consume the rest of the current member, counting it (a tar.gz has to be
 * inflated to be skipped).  Returns 0, or -1 at a limit or a read error. */
static int drain(struct reader *rd)
{
	char buf[16384];
	while (!rd->over && !rd->failed) {
		la_ssize_t r = archive_read_data(rd->a, buf, sizeof buf);
		if (r == 0)
			return 0;
		if (r < 0) {
			snprintf(rd->err, sizeof rd->err, "%s", archive_error_string(rd->a));
			rd->failed = 1;
			break;
		}
		account(rd, (size_t)r);
	}
	return -1;
}

/* 1 if the member name is absolute or climbs out with a ".." component. */
static int unsafe_name(const char *name)
{
	if (name[0] == '/' || name[0] == '\\')
		return 1;
	if (((name[0] | 0x20) >= 'a' && (name[0] | 0x20) <= 'z') && name[1] == ':')
		return 1; /* C:\... */
	for (const char *p = name; *p;) {
		size_t n = strcspn(p, "/\\");
		if (n == 2 && p[0] == '.' && p[1] == '.')
			return 1;
		p += n;
		if (*p)
			p++;
	}
	return 0;
}

/* 1 if a component of the name starts with '.' (.DS_Store) or is __MACOSX;
 * a component that is "." alone (./LoginHistory.csv) names no file. */
static int hidden_name(const char *name)
{
	for (const char *p = name; *p;) {
		size_t n = strcspn(p, "/\\");
		if (n == 1 && p[0] == '.') {
			p += n;
			if (*p)
				p++;
			continue;
		}
		if ((n > 0 && p[0] == '.') || (n == 8 && strncmp(p, "__MACOSX", 8) == 0))
			return 1;
		p += n;
		if (*p)
			p++;
	}
	return 0;
}

static void note(const struct arc_visitor *v, enum note_level level, const char *file,
		 const char *fmt, ...) __attribute__((format(printf, 4, 5)));

static void note(const struct arc_visitor *v, enum note_level level, const char *file,
		 const char *fmt, ...)
{
	char msg[400];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	v->note(v->ctx, level, file, msg);
}

static void note_over(const struct arc_visitor *v, const struct reader *rd, const char *path,
		      const char *member)
{
	if (rd->over == OVER_TOTAL)
		note(v, NOTE_ERROR, path,
		     "archive expands to more than SFDIAG_MAX_ARCHIVE_BYTES (%llu bytes): refused "
		     "as a "
		     "possible decompression bomb; the rest of the archive was not read",
		     (unsigned long long)rd->lim->max_bytes);
	else
		note(v, NOTE_ERROR, member,
		     "member expands to more than SFDIAG_MAX_ARCHIVE_ENTRY_BYTES (%llu bytes): "
		     "refused "
		     "as a possible decompression bomb",
		     (unsigned long long)rd->lim->max_entry_bytes);
}

static const char *link_kind(struct archive_entry *e)
{
	if (archive_entry_hardlink(e))
		return "hard link";
	switch (archive_entry_filetype(e)) {
	case AE_IFLNK:
		return "symbolic link";
	case AE_IFCHR:
	case AE_IFBLK:
		return "device";
	case AE_IFIFO:
		return "FIFO";
	case AE_IFSOCK:
		return "socket";
	default:
		return "special file";
	}
}

/*
 * Handle one entry whose header was just read.  Returns 1 to go on, 0 to stop
 * reading the archive (a limit or a read error, after a note).
 */
static int entry(struct reader *rd, struct archive_entry *e, const char *path,
		 const struct arc_visitor *v, long *members)
{
	const char *name = archive_entry_pathname(e);
	struct strbuf disp = {0};
	int go_on = 1;

	const char *shown = name;
	while (shown && shown[0] == '.' && shown[1] == '/')
		shown += 2; /* "./LoginHistory.csv", as `tar czf t.tgz .` names it */
	sb_printf(&disp, "%s/%s", path, shown ? shown : "(unreadable name)");
	rd->entry = 0;
	if (archive_entry_filetype(e) == AE_IFDIR && !archive_entry_hardlink(e))
		goto skip;
	if (!name || !*name) {
		note(v, NOTE_WARNING, sb_str(&disp), "member name unreadable or empty; skipped");
		goto skip;
	}
	if (unsafe_name(name)) {
		note(v, NOTE_WARNING, sb_str(&disp),
		     "member name is absolute or contains \"..\" (path traversal); skipped");
		goto skip;
	}
	if (archive_entry_hardlink(e) || archive_entry_filetype(e) != AE_IFREG) {
		note(v, NOTE_WARNING, sb_str(&disp), "%s in the archive; not followed, skipped",
		     link_kind(e));
		goto skip;
	}
	if (hidden_name(name)) {
		note(v, NOTE_INFO, sb_str(&disp), "hidden file; skipped");
		goto skip;
	}
	if (archive_entry_size_is_set(e) && archive_entry_size(e) > 0 &&
	    (uint64_t)archive_entry_size(e) > rd->lim->max_entry_bytes) {
		rd->over = OVER_ENTRY;
		goto skip;
	}

	struct input_source src = {rd, member_read, member_close};
	struct input *in = input_open_source(sb_str(&disp), src);
	input_set_origin(in, v->depth ? v->depth : 1, 0);
	v->member(v->ctx, in);
	(*members)++;
skip:
	if (rd->over == OVER_ENTRY) {
		/* Refuse the member but go on with the next: skipping its rest is
		 * still counted against the archive's total. */
		note_over(v, rd, path, sb_str(&disp));
		rd->over = OVER_NONE;
		rd->skipping = 1;
	}
	/* Whatever the consumer left unread (it may stop early on a bad file). */
	if (!rd->over && !rd->failed)
		drain(rd);
	rd->skipping = 0;
	if (rd->over == OVER_TOTAL) {
		note_over(v, rd, path, sb_str(&disp));
		go_on = 0;
	} else if (rd->failed) {
		note(v, NOTE_ERROR, sb_str(&disp), "cannot read member: %s", rd->err);
		go_on = 0;
	}
	sb_free(&disp);
	return go_on;
}

/*
 * libarchive handles some allocation failures with exit(1) ("Fatal Internal
 * Error in libarchive: Out of memory"), and 1 means "findings" to sfdiag's
 * callers.  While any thread is inside arc_read, turn an exit into our
 * out-of-memory exit.  The count is process-wide: the exit may run its
 * handlers on another thread than the one libarchive failed in.
 */
static atomic_int in_libarchive;
static pthread_once_t exit_once = PTHREAD_ONCE_INIT;

static void libarchive_exit(void)
{
	if (atomic_load(&in_libarchive) > 0) {
		fputs("sfdiag: out of memory\n", stderr);
		_exit(2);
	}
}

static void register_exit(void)
{
	atexit(libarchive_exit);
}

static long arc_read_inner(const char *path, const struct arc_limits *lim,
			   const struct arc_visitor *v);

/*
 * The formats and filters arc_probe and arc_read accept: every archive a
 * ticket may arrive in, and no format that bids on plain text (mtree, warc,
 * raw).  A filter libarchive could only run as an external program
 * (ARCHIVE_WARN) is not kept: sfdiag starts no process.
 */
static void support_formats(struct archive *a)
{
	int (*const filters[])(struct archive *) = {
	    archive_read_support_filter_gzip, archive_read_support_filter_bzip2,
	    archive_read_support_filter_xz,   archive_read_support_filter_lzma,
	    archive_read_support_filter_zstd,
	};
	for (size_t i = 0; i < sizeof filters / sizeof filters[0]; i++)
		(void)filters[i](a); /* WARN: external program; never found, never run */
	archive_read_support_format_zip(a);
	archive_read_support_format_7zip(a);
	archive_read_support_format_tar(a);
	archive_read_support_format_gnutar(a);
	archive_read_support_format_cpio(a);
	archive_read_support_format_rar(a);
	archive_read_support_format_rar5(a);
	archive_read_support_format_iso9660(a);
	archive_read_support_format_cab(a);
	archive_read_support_format_xar(a);
	archive_read_support_format_lha(a);
}

/* First bytes of a file that may start an archive: a NUL byte (every
 * binary archive header has one) or the magic of a compression filter
 * (a tar.gz starts with 1F 8B).  Text never does, so most files are told
 * apart without libarchive. */
static int maybe_archive(const unsigned char *b, size_t n)
{
	if (memchr(b, '\0', n))
		return 1;
	return (n >= 2 && b[0] == 0x1F && b[1] == 0x8B) || (n >= 3 && memcmp(b, "BZh", 3) == 0) ||
	       (n >= 4 && memcmp(b, "\x28\xB5\x2F\xFD", 4) == 0) ||
	       (n >= 6 && memcmp(b, "7z\xBC\xAF\x27\x1C", 6) == 0) ||
	       (n >= 4 && memcmp(b, "Rar!", 4) == 0);
}

/* A zip member that makes the zip a workbook rather than a bundle of files. */
static int workbook_member(const char *name)
{
	return strcmp(name, "xl/workbook.xml") == 0 || strcmp(name, "[Content_Types].xml") == 0 ||
	       strcmp(name, "mimetype") == 0 || strcmp(name, "content.xml") == 0;
}

/* What the archive a was just opened on holds (see arc_probe). */
static enum arc_content probe_opened(struct archive *a, struct archive_entry *e, int opened)
{
	enum arc_content kind = ARC_NONE;
	/* A first member, not just an end: zeros inflated from a gzip read as
	 * an empty tar, and are no archive of files. */
	int r = opened == ARCHIVE_OK ? archive_read_next_header2(a, e) : ARCHIVE_FATAL;
	if (r != ARCHIVE_OK && r != ARCHIVE_WARN)
		return ARC_NONE;
	kind = ARC_ARCHIVE;
	/* An Office file names its parts early; look at a few. */
	int is_zip = archive_format(a) == ARCHIVE_FORMAT_ZIP ||
		     (archive_format(a) & ARCHIVE_FORMAT_BASE_MASK) == ARCHIVE_FORMAT_ZIP;
	for (int i = 0; is_zip && i < 64; i++) {
		const char *nm = archive_entry_pathname(e);
		if (nm && workbook_member(nm))
			return ARC_WORKBOOK;
		r = archive_read_next_header2(a, e);
		if (r != ARCHIVE_OK && r != ARCHIVE_WARN)
			break;
	}
	return kind;
}

enum arc_content arc_probe(const char *path)
{
	unsigned char head[512];
	int fd = open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
	struct stat st;
	if (fd < 0)
		return ARC_NONE;
	ssize_t got = fstat(fd, &st) == 0 && S_ISREG(st.st_mode) ? read(fd, head, sizeof head) : -1;
	if (got <= 0 || !maybe_archive(head, (size_t)got) || lseek(fd, 0, SEEK_SET) != 0) {
		close(fd);
		return ARC_NONE;
	}
	fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK);
	pthread_once(&exit_once, register_exit);
	atomic_fetch_add(&in_libarchive, 1);
	enum arc_content kind = ARC_NONE;
	struct archive *a = archive_read_new();
	struct archive_entry *e = a ? archive_entry_new() : NULL;
	if (e) {
		support_formats(a);
		kind = probe_opened(a, e, archive_read_open_fd(a, fd, 16384));
	}
	archive_entry_free(e);
	if (a)
		archive_read_free(a);
	atomic_fetch_sub(&in_libarchive, 1);
	close(fd);
	return kind;
}

enum arc_content arc_probe_mem(const void *head, size_t n)
{
	if (n == 0 || !maybe_archive(head, n < 512 ? n : 512))
		return ARC_NONE;
	pthread_once(&exit_once, register_exit);
	atomic_fetch_add(&in_libarchive, 1);
	enum arc_content kind = ARC_NONE;
	struct archive *a = archive_read_new();
	struct archive_entry *e = a ? archive_entry_new() : NULL;
	if (e) {
		support_formats(a);
		kind = probe_opened(a, e, archive_read_open_memory(a, head, n));
	}
	archive_entry_free(e);
	if (a)
		archive_read_free(a);
	atomic_fetch_sub(&in_libarchive, 1);
	return kind;
}

int arc_needs_seek(const void *head, size_t n)
{
	return n >= 6 && memcmp(head, "7z\xBC\xAF\x27\x1C", 6) == 0;
}

long arc_read(const char *path, const struct arc_limits *lim, const struct arc_visitor *v)
{
	pthread_once(&exit_once, register_exit);
	atomic_fetch_add(&in_libarchive, 1);
	struct oom_guard g;
	long n = -1;
	/* Out of memory while a member is read (inside a guard, as one ticket
	 * of a batch is): this thread has left libarchive; pass it on. */
	oom_guard_push(&g);
	if (setjmp(g.jb) == 0) {
		n = arc_read_inner(path, lim, v);
		oom_guard_pop(&g);
	} else {
		atomic_fetch_sub(&in_libarchive, 1);
		oom_raise();
	}
	atomic_fetch_sub(&in_libarchive, 1);
	return n;
}

/* Hand out the members of the archive rd->a, opened on path (a name). */
static long read_members(struct reader *rd, const char *path, const struct arc_visitor *v)
{
	const struct arc_limits *lim = rd->lim;
	/*
	 * Our own entry, checked: libarchive 3.6.2's archive_read_new() does
	 * not check the allocation of its internal entry, and
	 * archive_read_next_header() then crashes on it under memory pressure
	 * (found by tests/oom/run).
	 */
	struct archive_entry *e = archive_entry_new();
	if (!e) {
		note(v, NOTE_ERROR, path, "out of memory");
		return -1;
	}
	long members = 0;
	uint64_t entries = 0;
	for (;;) {
		int r = archive_read_next_header2(rd->a, e);
		if (r == ARCHIVE_EOF)
			break;
		if (r < ARCHIVE_WARN) {
			note(v, NOTE_ERROR, path, "corrupt archive: %s; the rest was not read",
			     archive_error_string(rd->a));
			if (members == 0 && entries == 0)
				members = -1;
			break;
		}
		if (++entries > lim->max_entries) {
			note(
			    v, NOTE_ERROR, path,
			    "more than SFDIAG_MAX_ARCHIVE_ENTRIES (%llu) entries; the rest was not "
			    "read",
			    (unsigned long long)lim->max_entries);
			break;
		}
		if (!entry(rd, e, path, v, &members))
			break;
	}
	archive_entry_free(e);
	return members;
}

static long arc_read_inner(const char *path, const struct arc_limits *lim,
			   const struct arc_visitor *v)
{
	int fd = open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
	struct stat st;
	if (fd < 0) {
		note(v, NOTE_ERROR, path, "cannot open archive: %s", strerror(errno));
		return -1;
	}
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		note(v, NOTE_ERROR, path, "not a regular file; not read");
		close(fd);
		return -1;
	}
	fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK);

	struct reader rd = {.lim = lim};
	rd.a = archive_read_new();
	if (!rd.a) {
		note(v, NOTE_ERROR, path, "out of memory");
		close(fd);
		return -1;
	}
	support_formats(rd.a);

	long members = -1;
	if (archive_read_open_fd(rd.a, fd, 16384) != ARCHIVE_OK)
		note(v, NOTE_ERROR, path, "not an archive sfdiag reads: %s",
		     archive_error_string(rd.a));
	else
		members = read_members(&rd, path, v);
	archive_read_free(rd.a);
	close(fd);
	return members;
}

/* libarchive's view of an input_source. */
struct src_reader {
	struct input_source src;
	char buf[16384];
	int failed;
};

static la_ssize_t src_read(struct archive *a, void *ctx, const void **buf)
{
	struct src_reader *s = ctx;
	long r = s->src.read(s->src.ctx, s->buf, sizeof s->buf);
	*buf = s->buf;
	if (r < 0) {
		s->failed = 1;
		archive_set_error(a, EIO, "read error in the enclosing file");
		return -1;
	}
	return (la_ssize_t)r;
}

long arc_read_source(const char *name, struct input_source src, const struct arc_limits *lim,
		     const struct arc_visitor *v)
{
	pthread_once(&exit_once, register_exit);
	atomic_fetch_add(&in_libarchive, 1);
	long members = -1;
	struct src_reader *s = xmalloc(sizeof *s);
	s->src = src;
	s->failed = 0;
	struct reader rd = {.lim = lim};
	rd.a = archive_read_new();
	if (!rd.a) {
		note(v, NOTE_ERROR, name, "out of memory");
		goto out;
	}
	support_formats(rd.a);
	if (archive_read_open(rd.a, s, NULL, src_read, NULL) != ARCHIVE_OK)
		note(v, NOTE_ERROR, name, "not an archive sfdiag reads: %s",
		     archive_error_string(rd.a));
	else
		members = read_members(&rd, name, v);
	archive_read_free(rd.a);
out:
	if (src.close)
		src.close(src.ctx);
	free(s);
	atomic_fetch_sub(&in_libarchive, 1);
	return members;
}
