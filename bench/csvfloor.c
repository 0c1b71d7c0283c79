/*
 * csvfloor - the "libcsv floor" of the sfdiag benchmark.
 *
 * Reads FILE in 64 KiB chunks with read(2) and feeds them to libcsv's
 * csv_parse() with the options sfdiag uses (CSV_STRICT | CSV_STRICT_FINI |
 * CSV_APPEND_NULL) and callbacks that only count fields and rows.  Prints
 * "ROWS FIELDS" (the header row counts as a row).  Nothing is decoded,
 * matched or stored, so no program that parses CSV with libcsv can be faster
 * on the same file: sfdiag's time divided by this one is its overhead.
 *
 *   gcc -std=c11 -O2 bench/csvfloor.c -lcsv -o build/csvfloor
 *   build/csvfloor FILE
 *
 * Exit status: 0 on success, 2 on a usage, I/O or CSV (strict) error.
 */
#define _POSIX_C_SOURCE 200809L

#include <csv.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define CHUNK (64 * 1024)

struct counts {
	unsigned long long rows;
	unsigned long long fields;
};

static void on_field(void *data, size_t len, void *vc)
{
	struct counts *c = vc;
	(void)data;
	(void)len;
	c->fields++;
}

static void on_row(int term, void *vc)
{
	struct counts *c = vc;
	(void)term;
	c->rows++;
}

int main(int argc, char **argv)
{
	static char buf[CHUNK];
	struct csv_parser p;
	struct counts c = {0, 0};
	const unsigned char opts = CSV_STRICT | CSV_STRICT_FINI | CSV_APPEND_NULL;
	ssize_t got;
	int fd;

	if (argc != 2) {
		fprintf(stderr, "usage: csvfloor FILE\n");
		return 2;
	}
	fd = open(argv[1], O_RDONLY);
	if (fd < 0) {
		fprintf(stderr, "csvfloor: %s: %s\n", argv[1], strerror(errno));
		return 2;
	}
	if (csv_init(&p, opts) != 0) {
		fprintf(stderr, "csvfloor: cannot initialise libcsv\n");
		close(fd);
		return 2;
	}
	for (;;) {
		got = read(fd, buf, sizeof buf);
		if (got < 0) {
			if (errno == EINTR)
				continue;
			fprintf(stderr, "csvfloor: %s: %s\n", argv[1], strerror(errno));
			csv_free(&p);
			close(fd);
			return 2;
		}
		if (got == 0)
			break;
		if (csv_parse(&p, buf, (size_t)got, on_field, on_row, &c) != (size_t)got) {
			fprintf(stderr, "csvfloor: %s: %s (after %llu rows)\n", argv[1],
				csv_strerror(csv_error(&p)), c.rows);
			csv_free(&p);
			close(fd);
			return 2;
		}
	}
	if (csv_fini(&p, on_field, on_row, &c) != 0) {
		fprintf(stderr, "csvfloor: %s: %s at end of file\n", argv[1],
			csv_strerror(csv_error(&p)));
		csv_free(&p);
		close(fd);
		return 2;
	}
	csv_free(&p);
	close(fd);
	printf("%llu %llu\n", c.rows, c.fields);
	return 0;
}
