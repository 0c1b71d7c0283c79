/*
 * ticket.c - read one ticket (a folder, an archive or files) into a sink;
 * see ticket.h.
 */
#include "input/ticket.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/util.h"

char *path_join(const char *a, const char *b)
{
	struct strbuf s = {0};
	size_t n = strlen(a);
	sb_add(&s, a, n);
	if (n && a[n - 1] != '/')
		sb_addc(&s, '/');
	sb_adds(&s, b);
	return s.buf;
}

/* Open a regular file without following a symbolic link (O_NOFOLLOW; a FIFO
 * cannot block us thanks to O_NONBLOCK and the S_ISREG check). */
static struct input *open_nofollow(const char *path, char *err, size_t errlen)
{
	int fd = open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
	struct stat st;
	if (fd < 0) {
		snprintf(err, errlen, "cannot open: %s",
			 errno == ELOOP ? "symbolic link (not followed)" : strerror(errno));
		return NULL;
	}
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		snprintf(err, errlen, "not a regular file; not read");
		close(fd);
		return NULL;
	}
	fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK);
	return input_open_fd(path, fd);
}

static void arc_member(void *ctx, struct input *in)
{
	struct ticket_reader *t = ctx;
	t->sink.input(t->sink.ctx, in);
}

static void note(const struct ticket_reader *t, enum note_level level, const char *file,
		 const char *msg)
{
	t->sink.note(t->sink.ctx, level, file, msg);
}

static void arc_note(void *ctx, enum note_level level, const char *file, const char *msg)
{
	note(ctx, level, file, msg);
}

void ticket_reader_free(struct ticket_reader *t)
{
	strset_free(&t->seen);
}

/* 1 the first time the file st describes is met, else 0 after a note. */
static int first_time(struct ticket_reader *t, const struct stat *st, const char *path)
{
	char key[64];
	snprintf(key, sizeof key, "%ju:%ju", (uintmax_t)st->st_dev, (uintmax_t)st->st_ino);
	if (!strset_add_nocase(&t->seen, key))
		return 1;
	note(t, NOTE_INFO, path,
	     "the same file as one already read (named twice, or a hard link); read once");
	return 0;
}

int ticket_is_archive(const char *path)
{
	enum arc_content c = arc_probe(path);
	return c == ARC_ARCHIVE || (c == ARC_NONE && arc_suffix(path));
}

static void read_archive(struct ticket_reader *t, const char *path)
{
	struct arc_visitor v = {t, arc_member, arc_note, 1};
	if (arc_read(path, t->lim, &v) < 0)
		t->open_failed++;
}

void ticket_read_file(struct ticket_reader *t, const char *path)
{
	char err[256];
	struct stat st;
	if (lstat(path, &st) == 0 && S_ISREG(st.st_mode) && !first_time(t, &st, path))
		return;
	if (ticket_is_archive(path)) {
		read_archive(t, path);
		return;
	}
	struct input *in = open_nofollow(path, err, sizeof err);
	if (!in) {
		note(t, NOTE_ERROR, path, err);
		t->open_failed++;
		return;
	}
	t->sink.input(t->sink.ctx, in);
}

enum entry_type { ENT_FILE, ENT_LINK, ENT_OTHER, ENT_HIDDEN, ENT_DEEP };

struct entry {
	char *path;
	enum entry_type type;
};

struct entries {
	struct entry *v;
	size_t n, cap;
	int truncated;
};

static void entries_add(struct entries *e, char *path, enum entry_type type)
{
	if (e->n >= SFDIAG_MAX_TICKET_FILES) {
		e->truncated = 1;
		free(path);
		return;
	}
	e->v = xgrow(e->v, &e->cap, e->n + 1, sizeof *e->v);
	e->v[e->n].path = path;
	e->v[e->n++].type = type;
}

/* Collect everything under dir (lstat: a symbolic link is never entered). */
static void walk(const struct ticket_reader *t, const char *dir, int depth, struct entries *out)
{
	DIR *d = opendir(dir);
	if (!d) {
		char msg[200];
		snprintf(msg, sizeof msg, "cannot read folder: %s", strerror(errno));
		note(t, NOTE_ERROR, dir, msg);
		return;
	}
	struct dirent *de;
	while ((de = readdir(d)) != NULL && !out->truncated) {
		const char *nm = de->d_name;
		if (strcmp(nm, ".") == 0 || strcmp(nm, "..") == 0)
			continue;
		char *p = path_join(dir, nm);
		struct stat st;
		if (nm[0] == '.' || strcmp(nm, "__MACOSX") == 0) {
			entries_add(out, p, ENT_HIDDEN);
		} else if (lstat(p, &st) != 0) {
			entries_add(out, p, ENT_OTHER);
		} else if (S_ISDIR(st.st_mode)) {
			if (depth + 1 > SFDIAG_MAX_TICKET_DEPTH) {
				entries_add(out, p, ENT_DEEP);
			} else {
				walk(t, p, depth + 1, out);
				free(p);
			}
		} else {
			entries_add(out, p,
				    S_ISREG(st.st_mode)	  ? ENT_FILE
				    : S_ISLNK(st.st_mode) ? ENT_LINK
							  : ENT_OTHER);
		}
	}
	closedir(d);
}

static int cmp_entry(const void *a, const void *b)
{
	return strcmp(((const struct entry *)a)->path, ((const struct entry *)b)->path);
}

void ticket_read_dir(struct ticket_reader *t, const char *dir)
{
	struct entries e = {0};
	size_t files = 0, hidden = 0;
	walk(t, dir, 0, &e);
	if (e.n > 1)
		qsort(e.v, e.n, sizeof *e.v, cmp_entry);
	for (size_t i = 0; i < e.n; i++) {
		const char *p = e.v[i].path;
		files += e.v[i].type == ENT_FILE;
		hidden += e.v[i].type == ENT_HIDDEN;
		switch (e.v[i].type) {
		case ENT_FILE:
			ticket_read_file(t, p);
			break;
		case ENT_LINK:
			note(t, NOTE_WARNING, p, "symbolic link; not followed, skipped");
			break;
		case ENT_OTHER:
			note(t, NOTE_WARNING, p, "not a regular file; skipped");
			break;
		case ENT_HIDDEN:
			note(t, NOTE_INFO, p, "hidden; skipped");
			break;
		case ENT_DEEP:
			note(t, NOTE_WARNING, p,
			     "folder nested deeper than SFDIAG_MAX_TICKET_DEPTH; skipped");
			break;
		}
		free(e.v[i].path);
	}
	if (e.truncated) {
		char msg[160];
		snprintf(msg, sizeof msg,
			 "more than SFDIAG_MAX_TICKET_FILES (%u) files; the rest was not read",
			 SFDIAG_MAX_TICKET_FILES);
		note(t, NOTE_ERROR, dir, msg);
	}
	/* A folder with nothing to read is an error, not a clean ticket. */
	if (files == 0 && !e.truncated) {
		char msg[200];
		if (hidden)
			snprintf(msg, sizeof msg,
				 "folder holds no file to read (only %zu hidden one%s, skipped); "
				 "put the customer's files in it",
				 hidden, hidden == 1 ? "" : "s");
		else
			snprintf(msg, sizeof msg,
				 "folder holds no file to read; put the customer's files in it");
		note(t, NOTE_ERROR, dir, msg);
	}
	free(e.v);
}

/* Folders and archives directly in dir, hidden ones aside. */
static size_t count_ticket_like(const char *dir)
{
	DIR *d = opendir(dir);
	size_t n = 0;
	struct dirent *de;
	if (!d)
		return 0;
	while ((de = readdir(d)) != NULL) {
		struct stat st;
		if (de->d_name[0] == '.' || strcmp(de->d_name, "__MACOSX") == 0)
			continue;
		char *p = path_join(dir, de->d_name);
		if (lstat(p, &st) == 0 &&
		    (S_ISDIR(st.st_mode) || (S_ISREG(st.st_mode) && ticket_is_archive(p))))
			n++;
		free(p);
	}
	closedir(d);
	return n;
}

void ticket_read_operand(struct ticket_reader *t, const char *path)
{
	struct stat st;
	if (strcmp(path, "-") != 0 && stat(path, &st) == 0) {
		if (S_ISDIR(st.st_mode)) {
			/* A folder of tickets given by mistake: say how to split it. */
			size_t sub = count_ticket_like(path);
			if (sub >= 2) {
				char msg[200];
				snprintf(msg, sizeof msg,
					 "holds %zu folders or archives, all read as one ticket; "
					 "`sfdiag triage` diagnoses each as its own",
					 sub);
				note(t, NOTE_INFO, path, msg);
			}
			ticket_read_dir(t, path);
			return;
		}
		if (S_ISREG(st.st_mode) && !first_time(t, &st, path))
			return;
		if (S_ISREG(st.st_mode) && ticket_is_archive(path)) {
			read_archive(t, path);
			return;
		}
	}
	char err[256];
	struct input *in = input_open_file(path, err, sizeof err);
	if (in)
		t->sink.input(t->sink.ctx, in);
	else
		t->sink.unreadable(t->sink.ctx, path, err);
}
