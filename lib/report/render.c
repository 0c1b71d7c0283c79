/*
 * render.c - what the writers share (see render.h): masking and escaping of
 * input, numbers, wrapping, Markdown, and the words of a report.
 */
#include "report/render.h"

#include <stdlib.h>
#include <string.h>

#include "base/util.h"

void render_count(struct strbuf *out, uint64_t n)
{
	char digits[32];
	int len = snprintf(digits, sizeof digits, "%llu", (unsigned long long)n);
	for (int i = 0; i < len; i++) {
		if (i && (len - i) % 3 == 0)
			sb_addc(out, ',');
		sb_addc(out, digits[i]);
	}
}

/*
 * Format characters that make text read differently from what it is:
 * bidirectional embeddings, overrides and isolates (U+202A-202E,
 * U+2066-2069; the "Trojan Source" attack, CVE-2021-42574), zero-width
 * characters (U+200B-200D, U+FEFF) and the line and paragraph separators
 * U+2028/2029, which some viewers break lines at.
 */
static int invisible_format(uint32_t cp)
{
	return (cp >= 0x202A && cp <= 0x202E) || (cp >= 0x2066 && cp <= 0x2069) ||
	       (cp >= 0x200B && cp <= 0x200D) || cp == 0xFEFF || cp == 0x2028 || cp == 0x2029;
}

void render_escape_term(struct strbuf *out, const char *s, size_t n)
{
	size_t i = 0;
	while (i < n) {
		unsigned char c = (unsigned char)s[i];
		size_t bad;
		if (c >= 0x20 && c < 0x7F) {
			sb_addc(out, (char)c);
			i++;
			continue;
		}
		if (c >= 0x80) {
			/* Length of this UTF-8 sequence, if valid. */
			size_t len = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 1;
			if (len <= n - i && utf8_valid(s + i, len, &bad)) {
				/* C1 controls (U+0080..U+009F) are escapes on some terminals. */
				uint32_t cp = 0;
				if (len == 3)
					cp = (uint32_t)(c & 0x0F) << 12 |
					     (uint32_t)((unsigned char)s[i + 1] & 0x3F) << 6 |
					     (uint32_t)((unsigned char)s[i + 2] & 0x3F);
				if (invisible_format(cp)) {
					sb_printf(out, "\\u%04X", (unsigned)cp);
					i += len;
					continue;
				}
				if (!(c == 0xC2 && (unsigned char)s[i + 1] < 0xA0)) {
					sb_add(out, s + i, len);
					i += len;
					continue;
				}
			}
		}
		sb_printf(out, "\\x%02X", c);
		i++;
	}
}

void render_shape(struct strbuf *out, const char *s, size_t n)
{
	mask_shape(out, s, n);
}

void render_text_value(struct strbuf *out, const struct ruleset *rs, const char *s, size_t n)
{
	struct strbuf m = {0};
	mask_apply(&rs->mask, &m, s, n);
	render_escape_term(out, sb_str(&m), m.len);
	sb_free(&m);
}

void render_value(struct strbuf *out, const struct ruleset *rs, int field, const char *s, size_t n)
{
	if (field >= 0 && rs->fields[field].secret)
		render_shape(out, s, n);
	else
		render_text_value(out, rs, s, n);
}

size_t render_columns(const char *s, size_t n)
{
	size_t c = 0;
	for (size_t i = 0; i < n; i++)
		if (((unsigned char)s[i] & 0xC0) != 0x80)
			c++;
	return c;
}

void render_wrap(struct strbuf *out, const char *text, size_t col, size_t indent, size_t width)
{
	const char *p = text;
	int line_start = 1;
	while (*p) {
		while (*p == ' ')
			p++;
		if (!*p)
			break;
		const char *e = p;
		while (*e && *e != ' ')
			e++;
		size_t wc = render_columns(p, (size_t)(e - p));
		if (!line_start && col + 1 + wc > width) {
			sb_addc(out, '\n');
			for (size_t i = 0; i < indent; i++)
				sb_addc(out, ' ');
			col = indent;
			line_start = 1;
		}
		if (!line_start) {
			sb_addc(out, ' ');
			col++;
		}
		sb_add(out, p, (size_t)(e - p));
		col += wc;
		line_start = 0;
		p = e;
	}
	sb_addc(out, '\n');
}

void render_read_as(struct strbuf *out, const struct input_summary *in)
{
	if (!in->kind) {
		sb_adds(out, "not read");
		return;
	}
	sb_adds(out, strcmp(in->kind, "login-history") == 0 ? "login-history export" : in->kind);
	if (in->gzip)
		sb_adds(out, ", gzip");
	if (in->encoding == INPUT_UTF16LE || in->encoding == INPUT_UTF16BE)
		sb_adds(out, ", UTF-16");
	else if (in->encoding == INPUT_CP1252)
		sb_adds(out, ", windows-1252");
	/* Named, not quoted: a '|' would break a Markdown table. */
	if (in->delim == '\t')
		sb_adds(out, ", TAB-delimited");
	else if (in->delim == ';')
		sb_adds(out, ", semicolon-delimited");
	else if (in->delim == '|')
		sb_adds(out, ", pipe-delimited");
}

size_t render_row_list(struct strbuf *out, const struct ruleset *rs, const struct report_row *row,
		       report_value_fn value)
{
	for (size_t i = 0; i < row->nbrief; i++) {
		if (i)
			sb_adds(out, ", ");
		value(out, rs, row->field, row->brief[i]->s, row->brief[i]->n);
		sb_adds(out, " (");
		render_count(out, row->brief[i]->count);
		sb_addc(out, ')');
	}
	if (row->brief_more)
		sb_printf(out, ", +%zu more", row->brief_more);
	return row->nbrief;
}

const char *render_level_name(enum note_level l)
{
	return l == NOTE_ERROR ? "error" : l == NOTE_WARNING ? "warning" : "info";
}

const char *render_level_word(enum note_level l)
{
	return l == NOTE_INFO ? "note" : render_level_name(l);
}

const char *render_severity_word(enum severity s)
{
	return s == SEV_ERROR ? "Error" : s == SEV_WARNING ? "Warning" : "Info";
}

const char *render_basename(const char *path)
{
	const char *slash = strrchr(path, '/');
	return slash && slash[1] ? slash + 1 : path;
}

void render_capital(struct strbuf *out, const char *s)
{
	if (*s >= 'a' && *s <= 'z') {
		sb_addc(out, (char)(*s - 32));
		s++;
	}
	sb_adds(out, s);
}

int render_ref_parse(const char *ref, struct render_ref *out)
{
	memset(out, 0, sizeof *out);
	if (strncmp(ref, "https://", 8) && strncmp(ref, "http://", 7))
		return 0;
	out->url = ref;
	out->url_len = strcspn(ref, " \t");
	const char *rest = ref + out->url_len;
	while (*rest == ' ' || *rest == '\t')
		rest++;
	size_t n = strlen(rest);
	if (*rest == '(' && rest[n - 1] == ')') {
		out->label = rest + 1;
		out->label_len = n - 2;
	} else if (*rest) {
		out->label = rest;
		out->label_len = n;
	} else {
		out->label = ref;
		out->label_len = out->url_len;
	}
	return 1;
}

void render_verdict(struct strbuf *out, const struct report *m)
{
	size_t n = m->nf;
	if (n == 0) {
		sb_adds(out, m->none_found);
		return;
	}
	sb_printf(out, "%zu problem%s found ", n, n == 1 ? "" : "s");
	render_severity_counts(out, m);
}

void render_severity_counts(struct strbuf *out, const struct report *m)
{
	const size_t *sev = m->verdict.by_severity;
	sb_printf(out, "(%zu error%s, %zu warning%s, %zu info)", sev[SEV_ERROR],
		  sev[SEV_ERROR] == 1 ? "" : "s", sev[SEV_WARNING],
		  sev[SEV_WARNING] == 1 ? "" : "s", sev[SEV_INFO]);
}

void render_test_command(struct strbuf *out, const struct report *m, report_value_fn value)
{
	for (size_t i = 0; i < m->ntest; i++) {
		if (i)
			sb_adds(out, " \\\n  ");
		report_text_flat(out, m->rs, &m->test[i], value);
	}
}
