/*
 * replay.c - a main() for the fuzz harnesses without libFuzzer: run every
 * file named on the command line (directories are walked, one level) through
 * LLVMFuzzerTestOneInput once.  Built with gcc + ASan + UBSan by replay-all,
 * so a sanitizer report aborts the process and names the file on stderr.
 */
#define _DEFAULT_SOURCE
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int run_file(const char *path)
{
	FILE *fp = fopen(path, "rb");
	if (!fp) {
		perror(path);
		return -1;
	}
	size_t cap = 4096, n = 0, got;
	uint8_t *buf = malloc(cap);
	while (buf && (got = fread(buf + n, 1, cap - n, fp)) > 0) {
		n += got;
		if (n == cap) {
			uint8_t *nb = realloc(buf, cap *= 2);
			if (!nb) {
				free(buf);
				buf = NULL;
			}
			buf = nb;
		}
	}
	fclose(fp);
	if (!buf)
		return -1;
	/* An exact-size copy, as libFuzzer passes it. */
	uint8_t *exact = malloc(n ? n : 1);
	if (!exact) {
		free(buf);
		return -1;
	}
	memcpy(exact, buf, n);
	free(buf);
	fprintf(stderr, "replay: %s\n", path);
	LLVMFuzzerTestOneInput(exact, n);
	free(exact);
	return 0;
}

static int cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int main(int argc, char **argv)
{
	int count = 0, bad = 0;
	LLVMFuzzerInitialize(&argc, &argv);
	for (int i = 1; i < argc; i++) {
		struct stat st;
		if (stat(argv[i], &st) != 0) {
			perror(argv[i]);
			bad++;
			continue;
		}
		if (!S_ISDIR(st.st_mode)) {
			bad += run_file(argv[i]) != 0;
			count++;
			continue;
		}
		DIR *d = opendir(argv[i]);
		struct dirent *de;
		char **names = NULL;
		size_t nn = 0;
		while (d && (de = readdir(d)) != NULL) {
			if (de->d_name[0] == '.')
				continue;
			char **nx = realloc(names, (nn + 1) * sizeof *names);
			if (!nx)
				break;
			names = nx;
			names[nn] = malloc(strlen(argv[i]) + strlen(de->d_name) + 2);
			if (!names[nn])
				break;
			sprintf(names[nn++], "%s/%s", argv[i], de->d_name);
		}
		if (d)
			closedir(d);
		if (names)
			qsort(names, nn, sizeof *names, cmp);
		for (size_t k = 0; k < nn; k++) {
			bad += run_file(names[k]) != 0;
			count++;
			free(names[k]);
		}
		free(names);
	}
	printf("replayed %d file(s), %d unreadable\n", count, bad);
	return bad != 0;
}
