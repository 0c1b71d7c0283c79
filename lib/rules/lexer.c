/*
 * lexer.c - logical lines of the rules directory's files (see lexer.h).
 */
#include "rules/lexer.h"

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>

#include "base/limits.h"

static int is_blank(char c)
{
	return c == ' ' || c == '\t';
}

void lex_init(struct lexer *lx, const char *file, rules_error_fn err, void *ctx)
{
	memset(lx, 0, sizeof *lx);
	lx->file = file;
	lx->err = err;
	lx->ctx = ctx;
}

int lex_open(struct lexer *lx, const char *path, rules_error_fn err, void *ctx)
{
	struct stat st;
	lex_init(lx, path, err, ctx);
	lx->fp = fopen(path, "r");
	if (!lx->fp) {
		if (errno == ENOENT)
			return -1;
		lex_error_line(lx, 0, "cannot open: %s", strerror(errno));
		return -2;
	}
	if (fstat(fileno(lx->fp), &st) == 0 && S_ISREG(st.st_mode) &&
	    (unsigned long long)st.st_size > SFDIAG_MAX_RULE_FILE) {
		lex_error_line(lx, 0, "larger than SFDIAG_MAX_RULE_FILE (%u MiB); not read",
			       SFDIAG_MAX_RULE_FILE >> 20);
		fclose(lx->fp);
		lx->fp = NULL;
		return -2;
	}
	return 0;
}

void lex_close(struct lexer *lx)
{
	if (lx->fp)
		fclose(lx->fp);
	lx->fp = NULL;
	sb_free(&lx->text);
	free(lx->piece);
	free(lx->raw);
	lx->piece = NULL;
	lx->raw = NULL;
	lx->npieces = lx->piece_cap = lx->raw_cap = 0;
}

static void add_piece(struct lexer *lx, int line, size_t col)
{
	lx->piece = xgrow(lx->piece, &lx->piece_cap, lx->npieces + 1, sizeof *lx->piece);
	lx->piece[lx->npieces++] = (struct lex_piece){lx->text.len, line, col};
}

void lex_where(const struct lexer *lx, const char *at, int *line, size_t *col)
{
	*line = lx->line;
	*col = 1;
	if (!at || lx->npieces == 0 || !lx->text.buf)
		return;
	size_t off = at < lx->text.buf ? 0 : (size_t)(at - lx->text.buf);
	if (off > lx->text.len)
		off = lx->text.len;
	size_t k = 0;
	while (k + 1 < lx->npieces && lx->piece[k + 1].off <= off)
		k++;
	*line = lx->piece[k].line;
	*col = lx->piece[k].col + (off - lx->piece[k].off);
}

char *lex_next(struct lexer *lx)
{
	ssize_t got;
	int joining = 0, skipping = 0;

	sb_reset(&lx->text);
	lx->npieces = 0;
	while ((got = getline(&lx->raw, &lx->raw_cap, lx->fp)) > 0) {
		lx->phys++;
		char *p = lx->raw;
		int nul = memchr(p, '\0', (size_t)got) != NULL;
		str_rtrim(p);
		const char *text = p;
		while (is_blank(*text))
			text++;
		if (!joining) {
			if (!nul && (*text == '#' || *text == '\0'))
				continue; /* a comment, or a blank line */
			lx->line = lx->phys;
		}
		if (nul) {
			lex_error_line(lx, lx->phys,
				       "NUL byte in the line; rules files are plain text");
			skipping = 1;
		}
		size_t n = strlen(text);
		int more = n && text[n - 1] == '\\';
		if (more) {
			n--;
			while (n && is_blank(text[n - 1]))
				n--;
		}
		if (!skipping && lx->text.len + n + 1 > SFDIAG_MAX_RULE_LINE) {
			lex_error_line(lx, lx->line,
				       "line longer than SFDIAG_MAX_RULE_LINE (%d bytes)",
				       SFDIAG_MAX_RULE_LINE);
			skipping = 1;
		}
		if (!skipping) {
			add_piece(lx, lx->phys, (size_t)(text - p) + 1);
			sb_add(&lx->text, text, n);
			if (more)
				sb_addc(&lx->text, ' ');
		}
		if (more) {
			joining = 1;
			continue;
		}
		if (skipping) { /* the whole logical line is dropped, and said so */
			skipping = joining = 0;
			sb_reset(&lx->text);
			lx->npieces = 0;
			continue;
		}
		break;
	}
	if (got <= 0 && ferror(lx->fp)) {
		lex_error_line(lx, 0, "read error: %s", strerror(errno));
		return NULL;
	}
	if (lx->npieces == 0)
		return NULL; /* end of file */
	/* A continuation that met a blank line or the end of the file. */
	while (lx->text.len && is_blank(lx->text.buf[lx->text.len - 1]))
		lx->text.buf[--lx->text.len] = '\0';
	sb_addc(&lx->text, '\0'); /* make sure buf exists, then drop the NUL */
	lx->text.len--;
	return lx->text.buf;
}

static void report(struct lexer *lx, int line, size_t col, const char *fmt, va_list ap)
{
	struct strbuf sb = {0};
	if (line <= 0)
		sb_printf(&sb, "%s: ", lx->file);
	else if (col == 0)
		sb_printf(&sb, "%s:%d: ", lx->file, line);
	else
		sb_printf(&sb, "%s:%d:%zu: ", lx->file, line, col);
	sb_vprintf(&sb, fmt, ap);
	lx->err(lx->ctx, sb_str(&sb));
	sb_free(&sb);
	lx->nerrors++;
}

void lex_error(struct lexer *lx, const char *at, const char *fmt, ...)
{
	int line = lx->line;
	size_t col = 0;
	if (at)
		lex_where(lx, at, &line, &col);
	va_list ap;
	va_start(ap, fmt);
	report(lx, line, col, fmt, ap);
	va_end(ap);
}

void lex_error_line(struct lexer *lx, int line, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	report(lx, line, 0, fmt, ap);
	va_end(ap);
}

const char *lex_placeholders(const char *text, lex_placeholder_fn fn, void *ctx)
{
	for (const char *p = text; *p; p++) {
		if (*p != '{')
			continue;
		if (p[1] == '{') {
			p++;
			continue;
		}
		const char *end = strchr(p, '}');
		if (!end)
			return p;
		fn(ctx, p, p + 1, (size_t)(end - p - 1));
		p = end;
	}
	return NULL;
}
