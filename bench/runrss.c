/*
 * runrss - run a command, report its wall time, CPU time and peak RSS.
 *
 *   runrss RESULT-FILE COMMAND [ARG...]
 *
 * Writes one line to RESULT-FILE:
 *   exit=N wall=SECONDS user=SECONDS sys=SECONDS maxrss_kib=KIB
 * (exit is -SIGNAL when the command was killed) and exits with the command's
 * status (128+SIGNAL when killed, 127 when it could not be started).
 *
 * Why not measure from Python directly: Linux keeps the largest RSS a process
 * ever had, including the memory of the process it was forked from before
 * exec (fs/exec.c records the old mm's high-water mark).  A command started
 * by a 30 MB Python interpreter therefore reports at least 30 MB.  This
 * helper is small, so the floor it adds is about 1 MB.
 *
 *   gcc -std=c11 -O2 bench/runrss.c -o build/runrss
 */
#define _DEFAULT_SOURCE

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/time.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static double tv(struct timeval t)
{
	return (double)t.tv_sec + (double)t.tv_usec / 1e6;
}

int main(int argc, char **argv)
{
	struct timespec t0, t1;
	struct rusage ru;
	int status = 0, code;
	pid_t pid;
	FILE *out;

	if (argc < 3) {
		fprintf(stderr, "usage: runrss RESULT-FILE COMMAND [ARG...]\n");
		return 2;
	}
	out = fopen(argv[1], "w");
	if (out == NULL) {
		fprintf(stderr, "runrss: %s: %s\n", argv[1], strerror(errno));
		return 2;
	}
	clock_gettime(CLOCK_MONOTONIC, &t0);
	pid = fork();
	if (pid < 0) {
		fprintf(stderr, "runrss: fork: %s\n", strerror(errno));
		return 2;
	}
	if (pid == 0) {
		execvp(argv[2], argv + 2);
		fprintf(stderr, "runrss: %s: %s\n", argv[2], strerror(errno));
		_exit(127);
	}
	while (wait4(pid, &status, 0, &ru) < 0) {
		if (errno != EINTR) {
			fprintf(stderr, "runrss: wait4: %s\n", strerror(errno));
			return 2;
		}
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	if (WIFSIGNALED(status))
		code = -WTERMSIG(status);
	else
		code = WEXITSTATUS(status);
	fprintf(out, "exit=%d wall=%.6f user=%.6f sys=%.6f maxrss_kib=%ld\n", code,
		(double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9,
		tv(ru.ru_utime), tv(ru.ru_stime), ru.ru_maxrss);
	if (fclose(out) != 0)
		return 2;
	return code < 0 ? 128 - code : code;
}
