/*
 * adapt_xlsx.c - Excel workbooks (.xlsx, Office Open XML, ECMA-376 Part 1)
 * and OpenDocument spreadsheets (.ods, ODF 1.2): every sheet that holds a
 * login export, its rows handed to the login CSV reader, so one column
 * mapping (fields.conf) serves CSV and spreadsheets alike.
 *
 * The workbook is a zip (read from memory with libarchive) of XML parts
 * (read with expat, which refuses entity expansion bombs and loads no
 * external entity).  Two passes: the first takes the shared strings
 * (xl/sharedStrings.xml, 18.4), the cell formats (xl/styles.xml, 18.8), the
 * sheet names (xl/workbook.xml, 18.2) and where each sheet's part is
 * (xl/_rels/workbook.xml.rels); the second reads each worksheet (18.3) in
 * workbook order.  A cell is a shared string (t="s"), an inline string
 * (t="inlineStr"), a formula's text (t="str"), a boolean, an error, or a
 * number, which is a date when its format is one (18.8.30 numFmt: ids 14-22
 * and 45-47, or a format code with y, m, d, h or s outside quotes); dates
 * are written as "YYYY-MM-DD HH:MM:SS", which the time reader takes as UTC
 * and counts as a time without zone (a workbook stores none).
 *
 * An .ods keeps every sheet (table:table) in content.xml; a cell's typed
 * value is an attribute (office:date-value, office:value), a string is its
 * text:p paragraphs; repeated cells and rows (number-columns-repeated,
 * number-rows-repeated) are expanded, empty ones only counted.
 *
 * Memory is bounded: the file (SFDIAG_MAX_XLSX_BYTES), the XML inflated
 * from it (SFDIAG_MAX_XLSX_INFLATED), the shared strings
 * (SFDIAG_MAX_XLSX_STRINGS), one cell (SFDIAG_MAX_FIELD) and the columns of
 * a row (SFDIAG_MAX_COLUMNS).
 */
#include <archive.h>
#include <archive_entry.h>
#include <expat.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "adapt/adapter.h"
#include "base/util.h"
#include "rules/report_conf.h"

int xlsx_sniff(const char *head, size_t n)
{
	return n >= 4 && memcmp(head, "PK\x03\x04", 4) == 0;
}

/* ---- the workbook ---- */

struct sheet {
	char *name;   /* as the workbook names it */
	char *rid;    /* r:id, to find its part */
	char *target; /* "xl/worksheets/sheet1.xml" */
};

struct book {
	struct adapter_ctx *ac;
	const char *mem;
	size_t len;
	uint64_t inflated; /* XML bytes taken from the zip so far */
	int over;	   /* a limit was hit: stop */
	int depth;	   /* elements open in the part being parsed */
	int deep;	   /* ... more than SFDIAG_MAX_XML_DEPTH: stop */
	/* shared strings: offsets into pool, each NUL-terminated */
	struct strbuf pool;
	size_t *str;
	size_t nstr, str_cap;
	/* cellXfs: whether each cell format is a date */
	unsigned char *xf_date;
	size_t nxf, xf_cap;
	int custom_date[64]; /* numFmtIds of custom date formats */
	size_t ncustom;
	int date1904;
	struct sheet *sheets;
	size_t nsheets, sheets_cap;
	struct sheet *rels; /* rid and target of each workbook relationship */
	size_t nrels, rels_cap;
	int is_ods; /* an OpenDocument spreadsheet, not OOXML */
	int is_ooxml;
	size_t ods_exports; /* its tables that held a login export */
};

/* The local name of an element or attribute: "x:row" -> "row". */
static const char *local(const char *name)
{
	const char *c = strrchr(name, ':');
	return c ? c + 1 : name;
}

static const char *attr(const char **atts, const char *name)
{
	for (size_t i = 0; atts[i]; i += 2)
		if (strcmp(local(atts[i]), name) == 0)
			return atts[i + 1];
	return NULL;
}

/* The r:id attribute, whose prefix is the relationships namespace. */
static const char *attr_rid(const char **atts)
{
	for (size_t i = 0; atts[i]; i += 2)
		if (strcmp(atts[i], "r:id") == 0 || strcmp(local(atts[i]), "id") == 0)
			return atts[i + 1];
	return NULL;
}

/* 1 when a number format code shows a date or time: y, m, d, h or s
 * outside quoted text, [...] sections and backslash escapes. */
static int date_code(const char *code)
{
	int quoted = 0, bracket = 0;
	for (const char *p = code; *p; p++) {
		char c = *p;
		if (quoted) {
			quoted = c != '"';
		} else if (bracket) {
			bracket = c != ']';
		} else if (c == '"') {
			quoted = 1;
		} else if (c == '[') {
			bracket = 1;
		} else if (c == '\\' && p[1]) {
			p++;
		} else {
			c = (char)(c | 0x20);
			if (c == 'y' || c == 'm' || c == 'd' || c == 'h' || c == 's')
				return 1;
		}
	}
	return 0;
}

static int builtin_date(int id)
{
	return (id >= 14 && id <= 22) || (id >= 45 && id <= 47) || (id >= 27 && id <= 36) ||
	       (id >= 50 && id <= 58);
}

/* ---- the XML parts of the first pass ---- */

enum part { PART_STRINGS, PART_STYLES, PART_WORKBOOK, PART_RELS, PART_SHEET };

struct pass1 {
	struct book *b;
	XML_Parser xp;
	enum part part;
	int in_si, in_t, in_rph, in_xfs;
	struct strbuf text;
};

/* One more element open: 0, or -1 past SFDIAG_MAX_XML_DEPTH (expat holds
 * every open element, so a deep part would cost memory by its bytes). */
static int enter(struct book *b, XML_Parser xp)
{
	if (++b->depth <= SFDIAG_MAX_XML_DEPTH)
		return 0;
	b->deep = 1;
	XML_StopParser(xp, XML_FALSE);
	return -1;
}

static void p1_start(void *ud, const char *name, const char **atts)
{
	struct pass1 *p = ud;
	struct book *b = p->b;
	const char *n = local(name);
	if (enter(b, p->xp) < 0)
		return;
	switch (p->part) {
	case PART_STRINGS:
		if (strcmp(n, "si") == 0) {
			p->in_si = 1;
			sb_reset(&p->text);
		} else if (strcmp(n, "rPh") == 0) {
			p->in_rph = 1; /* phonetic reading: not the cell's text */
		} else if (strcmp(n, "t") == 0) {
			p->in_t = 1;
		}
		break;
	case PART_STYLES:
		if (strcmp(n, "numFmt") == 0) {
			const char *id = attr(atts, "numFmtId"), *code = attr(atts, "formatCode");
			if (id && code && date_code(code) &&
			    b->ncustom < sizeof b->custom_date / sizeof b->custom_date[0])
				b->custom_date[b->ncustom++] = (int)strtol(id, NULL, 10);
		} else if (strcmp(n, "cellXfs") == 0) {
			p->in_xfs = 1;
		} else if (p->in_xfs && strcmp(n, "xf") == 0 && b->nxf < 65536) {
			const char *id = attr(atts, "numFmtId");
			int fid = id ? (int)strtol(id, NULL, 10) : 0, date = builtin_date(fid);
			for (size_t i = 0; i < b->ncustom; i++)
				date |= b->custom_date[i] == fid;
			b->xf_date = xgrow(b->xf_date, &b->xf_cap, b->nxf + 1, 1);
			b->xf_date[b->nxf++] = (unsigned char)date;
		}
		break;
	case PART_WORKBOOK:
		if (strcmp(n, "workbookPr") == 0) {
			const char *d = attr(atts, "date1904");
			b->date1904 = d && (strcmp(d, "1") == 0 || strcmp(d, "true") == 0);
		} else if (strcmp(n, "sheet") == 0 && b->nsheets < 1024) {
			const char *nm = attr(atts, "name"), *rid = attr_rid(atts);
			b->sheets =
			    xgrow(b->sheets, &b->sheets_cap, b->nsheets + 1, sizeof *b->sheets);
			struct sheet *s = &b->sheets[b->nsheets++];
			s->name = xstrdup(nm ? nm : "?");
			s->rid = rid ? xstrdup(rid) : NULL;
			s->target = NULL;
		}
		break;
	case PART_RELS:
		if (strcmp(n, "Relationship") == 0 && b->nrels < 4096) {
			const char *id = attr(atts, "Id"), *target = attr(atts, "Target");
			if (!id || !target)
				break;
			b->rels = xgrow(b->rels, &b->rels_cap, b->nrels + 1, sizeof *b->rels);
			struct sheet *r = &b->rels[b->nrels++];
			r->name = NULL;
			r->rid = xstrdup(id);
			/* Relative to xl/, or absolute from the package root. */
			struct strbuf t = {0};
			sb_printf(&t, "%s%s", target[0] == '/' ? "" : "xl/",
				  target[0] == '/' ? target + 1 : target);
			r->target = t.buf;
		}
		break;
	case PART_SHEET:
		break;
	}
}

static void p1_end(void *ud, const char *name)
{
	struct pass1 *p = ud;
	struct book *b = p->b;
	const char *n = local(name);
	b->depth--;
	if (p->part == PART_STRINGS) {
		if (strcmp(n, "rPh") == 0) {
			p->in_rph = 0;
		} else if (strcmp(n, "t") == 0) {
			p->in_t = 0;
		} else if (strcmp(n, "si") == 0 && p->in_si) {
			p->in_si = 0;
			/* The text and its offset count, so that a million empty
			 * strings are bounded as well as one long one. */
			if (b->pool.len + p->text.len + 1 + (b->nstr + 1) * sizeof *b->str >
			    SFDIAG_MAX_XLSX_STRINGS) {
				b->over = 1;
				return;
			}
			b->str = xgrow(b->str, &b->str_cap, b->nstr + 1, sizeof *b->str);
			b->str[b->nstr++] = b->pool.len;
			sb_add(&b->pool, p->text.buf ? p->text.buf : "", p->text.len);
			sb_addc(&b->pool, '\0');
		}
	} else if (p->part == PART_STYLES && strcmp(n, "cellXfs") == 0) {
		p->in_xfs = 0;
	}
}

static void p1_text(void *ud, const char *s, int len)
{
	struct pass1 *p = ud;
	if (p->part == PART_STRINGS && p->in_si && p->in_t && !p->in_rph &&
	    p->text.len + (size_t)len <= SFDIAG_MAX_FIELD)
		sb_add(&p->text, s, (size_t)len);
}

/* Feed the current zip member to parser; 0, or -1 after a note. */
static int parse_member(struct book *b, struct archive *a, XML_Parser xp, const char *what)
{
	char buf[16384];
	b->depth = 0;
	for (;;) {
		la_ssize_t got = archive_read_data(a, buf, sizeof buf);
		if (got < 0) {
			adapter_note(b->ac, NOTE_ERROR, 0, "workbook part %s cannot be read: %s",
				     what, archive_error_string(a));
			return -1;
		}
		b->inflated += (uint64_t)got;
		if (b->inflated > SFDIAG_MAX_XLSX_INFLATED) {
			adapter_note(b->ac, NOTE_ERROR, 0,
				     "workbook expands to more than SFDIAG_MAX_XLSX_INFLATED (%llu "
				     "bytes) of XML: refused as a possible decompression bomb",
				     (unsigned long long)SFDIAG_MAX_XLSX_INFLATED);
			b->over = 1;
			return -1;
		}
		if (XML_Parse(xp, buf, (int)got, got == 0) == XML_STATUS_ERROR) {
			if (XML_GetErrorCode(xp) == XML_ERROR_ABORTED && b->deep) {
				adapter_note(b->ac, NOTE_ERROR, 0,
					     "workbook part %s nests elements deeper than "
					     "SFDIAG_MAX_XML_DEPTH (%d); not read",
					     what, SFDIAG_MAX_XML_DEPTH);
				b->over = 1;
				return -1;
			}
			if (XML_GetErrorCode(xp) == XML_ERROR_ABORTED)
				return 0; /* stopped on purpose (a sheet that is no export) */
			adapter_note(b->ac, NOTE_ERROR, 0,
				     "workbook part %s: bad XML at line %lu: %s", what,
				     (unsigned long)XML_GetCurrentLineNumber(xp),
				     XML_ErrorString(XML_GetErrorCode(xp)));
			return -1;
		}
		if (b->over)
			return -1;
		if (got == 0)
			return 0;
	}
}

static struct archive *open_zip(const struct book *b)
{
	struct archive *a = archive_read_new();
	if (!a)
		return NULL;
	archive_read_support_format_zip(a);
	if (archive_read_open_memory(a, b->mem, b->len) != ARCHIVE_OK) {
		archive_read_free(a);
		return NULL;
	}
	return a;
}

/* Pass 1: strings, styles, sheet names and where the sheets are. */
static int read_meta(struct book *b)
{
	struct archive *a = open_zip(b);
	struct archive_entry *e;
	int rc = 0;
	if (!a) {
		adapter_note(b->ac, NOTE_ERROR, 0, "not a zip archive sfdiag can read");
		return -1;
	}
	struct pass1 p = {.b = b};
	while (rc == 0 && archive_read_next_header(a, &e) == ARCHIVE_OK) {
		const char *nm = archive_entry_pathname(e);
		if (!nm)
			continue;
		if (strcmp(nm, "mimetype") == 0 || strcmp(nm, "content.xml") == 0)
			b->is_ods = 1;
		if (strcmp(nm, "[Content_Types].xml") == 0)
			b->is_ooxml = 1;
		enum part part;
		if (strcmp(nm, "xl/sharedStrings.xml") == 0)
			part = PART_STRINGS;
		else if (strcmp(nm, "xl/styles.xml") == 0)
			part = PART_STYLES;
		else if (strcmp(nm, "xl/workbook.xml") == 0)
			part = PART_WORKBOOK;
		else if (strcmp(nm, "xl/_rels/workbook.xml.rels") == 0)
			part = PART_RELS;
		else
			continue;
		XML_Parser xp = XML_ParserCreate(NULL);
		if (!xp) {
			adapter_note(b->ac, NOTE_ERROR, 0, "out of memory");
			rc = -1;
			break;
		}
		p.part = part;
		p.xp = xp;
		XML_SetUserData(xp, &p);
		XML_SetElementHandler(xp, p1_start, p1_end);
		XML_SetCharacterDataHandler(xp, p1_text);
		rc = parse_member(b, a, xp, nm);
		XML_ParserFree(xp);
	}
	if (rc == 0 && b->over)
		adapter_note(b->ac, NOTE_ERROR, 0,
			     "shared strings over SFDIAG_MAX_XLSX_STRINGS (%u MiB); not read",
			     SFDIAG_MAX_XLSX_STRINGS >> 20);
	sb_free(&p.text);
	archive_read_free(a);
	for (size_t i = 0; i < b->nsheets; i++)
		for (size_t k = 0; k < b->nrels && !b->sheets[i].target; k++)
			if (b->sheets[i].rid && strcmp(b->sheets[i].rid, b->rels[k].rid) == 0)
				b->sheets[i].target = xstrdup(b->rels[k].target);
	return rc == 0 && !b->over ? 0 : -1;
}

/* ---- pass 2: one worksheet, row by row, into the login CSV reader ---- */

enum cell_type { CELL_NUMBER, CELL_SHARED, CELL_INLINE, CELL_TEXT, CELL_BOOL, CELL_ERROR };

struct sheet_reader {
	struct book *b;
	const struct sheet *sh;
	XML_Parser xp;
	struct login_csv *csv; /* once the header row was found */
	int not_export;	       /* the first row is no login export header */
	long row;	       /* the row's number (r), from 1 */
	/* the current row's cells: text back to back, by column */
	struct strbuf cells;
	size_t off[SFDIAG_MAX_COLUMNS], len[SFDIAG_MAX_COLUMNS];
	unsigned char set[SFDIAG_MAX_COLUMNS];
	size_t ncols;
	size_t hdr_cols; /* the header row's columns */
	int too_wide;
	/* the current cell */
	int in_cell, in_v, in_is, in_t, in_rph;
	long col;
	enum cell_type type;
	int date;
	struct strbuf val;
	uint64_t rows_fed;
	struct strbuf line;
	/* OpenDocument: every sheet is one table of content.xml */
	int ods;
	struct sheet ods_sheet; /* the current table's name */
	int in_p;		/* inside a text:p of the current cell */
	long col_repeat;	/* table:number-columns-repeated of the cell */
	long row_repeat;	/* table:number-rows-repeated of the row, capped */
	long row_asked;		/* the same as written */
};

/* Column of a cell reference "AB12" (0-based), or -1. */
static long ref_col(const char *r)
{
	long c = 0;
	int letters = 0;
	for (; *r >= 'A' && *r <= 'Z' && letters < 4; r++, letters++)
		c = c * 26 + (*r - 'A' + 1);
	return letters ? c - 1 : -1;
}

/* Days from 1970-01-01 to y-m-d (proleptic Gregorian), and back. */
static void civil_from_days(int64_t z, int *y, unsigned *m, unsigned *d)
{
	z += 719468;
	int64_t era = (z >= 0 ? z : z - 146096) / 146097;
	unsigned doe = (unsigned)(z - era * 146097);
	unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	int64_t yy = (int64_t)yoe + era * 400;
	unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	unsigned mp = (5 * doy + 2) / 153;
	*d = doy - (153 * mp + 2) / 5 + 1;
	*m = mp < 10 ? mp + 3 : mp - 9;
	*y = (int)(yy + (*m <= 2));
}

/*
 * A date serial as "YYYY-MM-DD HH:MM:SS": days since 1899-12-30 (the 1900
 * system, which counts a 29 February 1900 that never was, so the epoch is
 * the 30th for every date after it) or since 1904-01-01.  0 when out of
 * range (a number in a date format that is no date).
 */
static int serial_date(double v, int date1904, char out[32])
{
	if (!(v >= 0 && v < 2958466)) /* up to 9999-12-31 */
		return 0;
	int64_t secs = (int64_t)(v * 86400.0 + 0.5); /* v >= 0: rounds to the second */
	int64_t days = secs / 86400, rest = secs % 86400;
	days += date1904 ? -24107 : -25569; /* to days since 1970-01-01 */
	int y;
	unsigned m, d;
	civil_from_days(days, &y, &m, &d);
	snprintf(out, 32, "%04d-%02u-%02u %02u:%02u:%02u", y, m, d, (unsigned)(rest / 3600),
		 (unsigned)(rest / 60 % 60), (unsigned)(rest % 60));
	return 1;
}

/* The current cell's text, as the CSV reader should see it. */
static void cell_text(struct sheet_reader *sr, struct strbuf *out)
{
	const struct book *b = sr->b;
	const char *v = sb_str(&sr->val);
	switch (sr->type) {
	case CELL_SHARED: {
		char *end;
		unsigned long i = strtoul(v, &end, 10);
		if (end != v && i < b->nstr)
			sb_adds(out, b->pool.buf + b->str[i]);
		return;
	}
	case CELL_BOOL:
		sb_adds(out, strcmp(v, "1") == 0 ? "TRUE" : "FALSE");
		return;
	case CELL_NUMBER:
		if (sr->date && sr->val.len) {
			char ts[32];
			char *end;
			double d = strtod(v, &end);
			if (end != v && serial_date(d, b->date1904, ts)) {
				sb_adds(out, ts);
				return;
			}
		}
		sb_add(out, v, sr->val.len);
		return;
	default:
		sb_add(out, v, sr->val.len);
		return;
	}
}

/* The current row as one CSV record (every cell quoted), fed to the reader;
 * the first row with a cell is the header, and decides whether the sheet is
 * a login export at all. */
static void end_row(struct sheet_reader *sr)
{
	struct book *b = sr->b;
	struct strbuf *l = &sr->line;
	if (sr->ncols == 0)
		return;
	sb_reset(l);
	/* A spreadsheet leaves empty cells out: a row shorter than the header
	 * has empty fields at its end, as its CSV export would. */
	size_t width = sr->csv && sr->hdr_cols > sr->ncols ? sr->hdr_cols : sr->ncols;
	for (size_t c = 0; c < width; c++) {
		if (c)
			sb_addc(l, ',');
		if (c >= sr->ncols || !sr->set[c])
			continue;
		sb_addc(l, '"');
		const char *p = sr->cells.buf + sr->off[c];
		for (size_t i = 0; i < sr->len[c]; i++) {
			if (p[i] == '"')
				sb_addc(l, '"');
			sb_addc(l, p[i]);
		}
		sb_addc(l, '"');
	}
	sb_addc(l, '\n');
	if (sr->not_export)
		return; /* an .ods table that is no export: its other rows */
	if (!sr->csv) {
		char delim;
		if (sr->too_wide || !login_csv_sniff(b->ac->rs, l->buf, l->len, &delim) ||
		    !(sr->csv = login_csv_new(',', b->ac))) {
			sr->not_export = 1;
			if (!sr->ods) /* the other tables of an .ods follow */
				XML_StopParser(sr->xp, XML_FALSE);
			return;
		}
		sr->hdr_cols = sr->ncols;
	} else {
		sr->rows_fed++;
	}
	if (sr->too_wide) {
		adapter_note(b->ac, NOTE_WARNING, sr->row,
			     "sheet \"%s\": row has more than SFDIAG_MAX_COLUMNS (%d) columns; "
			     "skipped",
			     sr->sh->name, SFDIAG_MAX_COLUMNS);
		b->ac->records++;
		b->ac->skipped++;
		return;
	}
	login_csv_set_line(sr->csv, sr->row);
	if (login_csv_feed(sr->csv, l->buf, l->len) != 0)
		XML_StopParser(sr->xp, XML_FALSE);
}

static void sheet_start(void *ud, const char *name, const char **atts)
{
	struct sheet_reader *sr = ud;
	const char *n = local(name);
	if (enter(sr->b, sr->xp) < 0)
		return;
	if (strcmp(n, "row") == 0) {
		const char *r = attr(atts, "r");
		sr->row = r ? strtol(r, NULL, 10) : sr->row + 1;
		sb_reset(&sr->cells);
		memset(sr->set, 0, sr->ncols);
		sr->ncols = 0;
		sr->too_wide = 0;
		sr->col = -1;
	} else if (strcmp(n, "c") == 0) {
		const char *r = attr(atts, "r"), *t = attr(atts, "t"), *st = attr(atts, "s");
		sr->in_cell = 1;
		sr->col = r ? ref_col(r) : sr->col + 1;
		sr->type = !t				 ? CELL_NUMBER
			   : strcmp(t, "s") == 0	 ? CELL_SHARED
			   : strcmp(t, "inlineStr") == 0 ? CELL_INLINE
			   : strcmp(t, "b") == 0	 ? CELL_BOOL
			   : strcmp(t, "e") == 0	 ? CELL_ERROR
			   : strcmp(t, "n") == 0	 ? CELL_NUMBER
							 : CELL_TEXT;
		unsigned long xf = st ? strtoul(st, NULL, 10) : 0;
		sr->date = xf < sr->b->nxf && sr->b->xf_date[xf];
		sb_reset(&sr->val);
	} else if (sr->in_cell && strcmp(n, "v") == 0) {
		sr->in_v = 1;
	} else if (sr->in_cell && strcmp(n, "is") == 0) {
		sr->in_is = 1;
	} else if (sr->in_is && strcmp(n, "rPh") == 0) {
		sr->in_rph = 1;
	} else if (sr->in_is && strcmp(n, "t") == 0) {
		sr->in_t = 1;
	}
}

static void sheet_end(void *ud, const char *name)
{
	struct sheet_reader *sr = ud;
	const char *n = local(name);
	sr->b->depth--;
	if (strcmp(n, "v") == 0) {
		sr->in_v = 0;
	} else if (strcmp(n, "t") == 0) {
		sr->in_t = 0;
	} else if (strcmp(n, "rPh") == 0) {
		sr->in_rph = 0;
	} else if (strcmp(n, "is") == 0) {
		sr->in_is = 0;
	} else if (strcmp(n, "c") == 0 && sr->in_cell) {
		sr->in_cell = 0;
		if (sr->col < 0)
			return;
		if (sr->col >= SFDIAG_MAX_COLUMNS) {
			sr->too_wide = 1;
			return;
		}
		size_t c = (size_t)sr->col, at = sr->cells.len;
		cell_text(sr, &sr->cells);
		if (c >= sr->ncols) {
			memset(sr->set + sr->ncols, 0, c + 1 - sr->ncols);
			sr->ncols = c + 1;
		}
		sr->set[c] = 1;
		sr->off[c] = at;
		sr->len[c] = sr->cells.len - at;
	} else if (strcmp(n, "row") == 0) {
		end_row(sr);
	}
}

static void sheet_text(void *ud, const char *s, int len)
{
	struct sheet_reader *sr = ud;
	if ((sr->in_v || (sr->in_t && !sr->in_rph)) &&
	    sr->val.len + (size_t)len <= SFDIAG_MAX_FIELD)
		sb_add(&sr->val, s, (size_t)len);
}

/* Read one sheet; returns 1 when it was a login export. */
static int read_sheet(struct book *b, struct archive *a, const struct sheet *sh)
{
	struct sheet_reader *sr = xcalloc(1, sizeof *sr);
	int rc = 0;
	sr->b = b;
	sr->sh = sh;
	sr->xp = XML_ParserCreate(NULL);
	if (!sr->xp) {
		adapter_note(b->ac, NOTE_ERROR, 0, "out of memory");
		free(sr);
		return 0;
	}
	XML_SetUserData(sr->xp, sr);
	XML_SetElementHandler(sr->xp, sheet_start, sheet_end);
	XML_SetCharacterDataHandler(sr->xp, sheet_text);
	parse_member(b, a, sr->xp, sh->target);
	if (sr->csv) {
		login_csv_finish(sr->csv);
		adapter_note(b->ac, NOTE_INFO, 0, "sheet \"%s\": a login export, %llu row%s read",
			     sh->name, (unsigned long long)sr->rows_fed,
			     sr->rows_fed == 1 ? "" : "s");
		login_csv_free(sr->csv);
		rc = 1;
	} else {
		adapter_note(b->ac, NOTE_INFO, 0,
			     "sheet \"%s\" is not a login export (no column of its first row maps "
			     "to the status field); not read",
			     sh->name);
	}
	XML_ParserFree(sr->xp);
	sb_free(&sr->cells);
	sb_free(&sr->val);
	sb_free(&sr->line);
	free(sr);
	return rc;
}

/* ---- OpenDocument spreadsheets (.ods, OASIS ODF 1.2 Part 1, 9.1) ---- */

/* The end of one table: what it was, as for an .xlsx sheet. */
static int ods_table_end(struct sheet_reader *sr)
{
	int rc = 0;
	if (sr->csv) {
		login_csv_finish(sr->csv);
		adapter_note(sr->b->ac, NOTE_INFO, 0,
			     "sheet \"%s\": a login export, %llu row%s read", sr->ods_sheet.name,
			     (unsigned long long)sr->rows_fed, sr->rows_fed == 1 ? "" : "s");
		login_csv_free(sr->csv);
		sr->csv = NULL;
		rc = 1;
	} else {
		adapter_note(sr->b->ac, NOTE_INFO, 0,
			     "sheet \"%s\" is not a login export (no column of its first row maps "
			     "to the status field); not read",
			     sr->ods_sheet.name);
	}
	free(sr->ods_sheet.name);
	sr->ods_sheet.name = NULL;
	return rc;
}

/* A repeat count attribute: at least 1, at most cap. */
static long repeat(const char **atts, const char *name, long cap)
{
	const char *v = attr(atts, name);
	long n = v ? strtol(v, NULL, 10) : 1;
	return n < 1 ? 1 : n > cap ? cap : n;
}

static void ods_start(void *ud, const char *name, const char **atts)
{
	struct sheet_reader *sr = ud;
	const char *n = local(name);
	if (strcmp(n, "table") == 0) {
		const char *nm = attr(atts, "name");
		sr->ods_sheet.name = xstrdup(nm ? nm : "?");
		sr->sh = &sr->ods_sheet;
		sr->not_export = 0;
		sr->rows_fed = 0;
		sr->row = 0;
	} else if (strcmp(n, "table-row") == 0 && sr->sh) {
		sr->row_repeat = repeat(atts, "number-rows-repeated", SFDIAG_MAX_ODS_REPEAT);
		sr->row_asked = repeat(atts, "number-rows-repeated", LONG_MAX);
		sr->row++;
		sb_reset(&sr->cells);
		memset(sr->set, 0, sr->ncols);
		sr->ncols = 0;
		sr->too_wide = 0;
		sr->col = 0;
	} else if ((strcmp(n, "table-cell") == 0 || strcmp(n, "covered-table-cell") == 0) &&
		   sr->sh) {
		sr->in_cell = 1;
		sr->col_repeat = repeat(atts, "number-columns-repeated", SFDIAG_MAX_COLUMNS + 1L);
		sb_reset(&sr->val);
		/* A typed value is in an attribute; a string is the cell's text. */
		const char *type = attr(atts, "value-type");
		const char *v = !type			       ? NULL
				: strcmp(type, "date") == 0    ? attr(atts, "date-value")
				: strcmp(type, "time") == 0    ? NULL
				: strcmp(type, "boolean") == 0 ? attr(atts, "boolean-value")
				: strcmp(type, "string") == 0  ? attr(atts, "string-value")
							       : attr(atts, "value");
		sr->type = v ? CELL_NUMBER : CELL_TEXT;
		sr->date = 0;
		if (v) {
			sb_adds(&sr->val, v);
			/* "2026-11-03T14:02:00" as the workbook reader writes dates */
			for (size_t i = 0; i < sr->val.len; i++)
				if (sr->val.buf[i] == 'T')
					sr->val.buf[i] = ' ';
		}
	} else if (sr->in_cell && sr->type == CELL_TEXT) {
		if (strcmp(n, "p") == 0) {
			if (sr->val.len)
				sb_addc(&sr->val, '\n');
			sr->in_p = 1;
		} else if (sr->in_p && strcmp(n, "s") == 0) {
			for (long k = repeat(atts, "c", SFDIAG_MAX_FIELD); k-- > 0;)
				if (sr->val.len < SFDIAG_MAX_FIELD)
					sb_addc(&sr->val, ' ');
		} else if (sr->in_p && (strcmp(n, "tab") == 0 || strcmp(n, "line-break") == 0)) {
			sb_addc(&sr->val, n[0] == 't' ? '\t' : '\n');
		}
	}
}

static void ods_end(void *ud, const char *name)
{
	struct sheet_reader *sr = ud;
	const char *n = local(name);
	if (strcmp(n, "p") == 0) {
		sr->in_p = 0;
	} else if ((strcmp(n, "table-cell") == 0 || strcmp(n, "covered-table-cell") == 0) &&
		   sr->in_cell) {
		sr->in_cell = 0;
		long first = sr->col;
		sr->col += sr->col_repeat;
		if (!sr->val.len)
			return; /* empty cells only move the column on */
		for (long c = first; c < sr->col; c++) {
			if (c >= SFDIAG_MAX_COLUMNS) {
				sr->too_wide = 1;
				return;
			}
			size_t at = sr->cells.len;
			sb_add(&sr->cells, sr->val.buf, sr->val.len);
			if ((size_t)c >= sr->ncols) {
				memset(sr->set + sr->ncols, 0, (size_t)c + 1 - sr->ncols);
				sr->ncols = (size_t)c + 1;
			}
			sr->set[c] = 1;
			sr->off[c] = at;
			sr->len[c] = sr->cells.len - at;
		}
	} else if (strcmp(n, "table-row") == 0 && sr->sh) {
		/* A repeated row with cells is that many rows; empty ones (the
		 * sheet's unused rest) are only counted. */
		long first = sr->row;
		for (long k = 0; k < sr->row_repeat && sr->ncols; k++) {
			end_row(sr);
			if (k + 1 < sr->row_repeat)
				sr->row++;
		}
		if (sr->ncols && sr->row_asked > sr->row_repeat) {
			adapter_note(sr->b->ac, NOTE_WARNING, first,
				     "sheet \"%s\": row repeated %ld times; only the first "
				     "SFDIAG_MAX_ODS_REPEAT (%d) read",
				     sr->ods_sheet.name, sr->row_asked, SFDIAG_MAX_ODS_REPEAT);
			sr->b->ac->records += (uint64_t)(sr->row_asked - sr->row_repeat);
			sr->b->ac->skipped += (uint64_t)(sr->row_asked - sr->row_repeat);
		}
		sr->row = first + sr->row_asked - 1;
	} else if (strcmp(n, "table") == 0 && sr->sh) {
		sr->b->ods_exports += (size_t)ods_table_end(sr);
		sr->sh = NULL;
	}
}

static void ods_text(void *ud, const char *s, int len)
{
	struct sheet_reader *sr = ud;
	if (sr->in_cell && sr->in_p && sr->type == CELL_TEXT &&
	    sr->val.len + (size_t)len <= SFDIAG_MAX_FIELD)
		sb_add(&sr->val, s, (size_t)len);
}

/* Every table of content.xml; the number that held a login export. */
static size_t read_ods(struct book *b)
{
	struct archive *a = open_zip(b);
	struct archive_entry *e;
	if (!a)
		return 0;
	while (archive_read_next_header(a, &e) == ARCHIVE_OK) {
		const char *nm = archive_entry_pathname(e);
		if (!nm || strcmp(nm, "content.xml") != 0)
			continue;
		struct sheet_reader *sr = xcalloc(1, sizeof *sr);
		sr->b = b;
		sr->ods = 1;
		sr->xp = XML_ParserCreate(NULL);
		if (!sr->xp) {
			adapter_note(b->ac, NOTE_ERROR, 0, "out of memory");
			free(sr);
			break;
		}
		XML_SetUserData(sr->xp, sr);
		XML_SetElementHandler(sr->xp, ods_start, ods_end);
		XML_SetCharacterDataHandler(sr->xp, ods_text);
		parse_member(b, a, sr->xp, nm);
		if (sr->sh) /* the document ended inside a table */
			b->ods_exports += (size_t)ods_table_end(sr);
		if (sr->csv) {
			login_csv_finish(sr->csv);
			login_csv_free(sr->csv);
		}
		XML_ParserFree(sr->xp);
		sb_free(&sr->cells);
		sb_free(&sr->val);
		sb_free(&sr->line);
		free(sr);
		break;
	}
	archive_read_free(a);
	return b->ods_exports;
}

/* Pass 2: the sheets, in workbook order (a second walk of the zip each,
 * since the zip's order need not be the workbook's). */
static size_t read_sheets(struct book *b)
{
	size_t exports = 0;
	for (size_t i = 0; i < b->nsheets && !b->over; i++) {
		const struct sheet *sh = &b->sheets[i];
		if (!sh->target)
			continue;
		struct archive *a = open_zip(b);
		struct archive_entry *e;
		if (!a)
			break;
		while (archive_read_next_header(a, &e) == ARCHIVE_OK) {
			const char *nm = archive_entry_pathname(e);
			if (nm && strcmp(nm, sh->target) == 0) {
				exports += (size_t)read_sheet(b, a, sh);
				break;
			}
		}
		archive_read_free(a);
	}
	return exports;
}

static void book_free(struct book *b)
{
	sb_free(&b->pool);
	free(b->str);
	free(b->xf_date);
	for (size_t i = 0; i < b->nsheets; i++) {
		free(b->sheets[i].name);
		free(b->sheets[i].rid);
		free(b->sheets[i].target);
	}
	free(b->sheets);
	for (size_t i = 0; i < b->nrels; i++) {
		free(b->rels[i].rid);
		free(b->rels[i].target);
	}
	free(b->rels);
}

int xlsx_read(struct input *in, struct adapter_ctx *ac, const char **what)
{
	*what = NULL;
	struct strbuf mem = {0};
	char chunk[65536], err[256];
	long got;
	while ((got = input_read(in, chunk, sizeof chunk, err, sizeof err)) > 0) {
		if (mem.len + (size_t)got > SFDIAG_MAX_XLSX_BYTES) {
			adapter_note(
			    ac, NOTE_ERROR, 0,
			    "workbook larger than SFDIAG_MAX_XLSX_BYTES (%u MiB); not read: "
			    "save it as CSV and send that",
			    SFDIAG_MAX_XLSX_BYTES >> 20);
			sb_free(&mem);
			return -1;
		}
		sb_add(&mem, chunk, (size_t)got);
	}
	if (got < 0) {
		adapter_note(ac, NOTE_ERROR, 0, "%s; not read", err);
		sb_free(&mem);
		return -1;
	}
	struct book b = {.ac = ac, .mem = mem.buf, .len = mem.len};
	int rc = read_meta(&b);
	if (b.is_ooxml && b.nsheets)
		*what = "Excel workbook";
	else if (b.is_ods && !b.is_ooxml)
		*what = "OpenDocument spreadsheet";
	if (rc == 0 && !b.nsheets && b.is_ods && !b.is_ooxml) {
		if (read_ods(&b) == 0 && !b.over) {
			adapter_note(
			    ac, NOTE_ERROR, 0,
			    "no sheet of this OpenDocument spreadsheet (.ods) holds a login "
			    "export (a first row with a Status column): %s",
			    ac->rs->report->msg[REPORT_MSG_ADVICE_ODS]);
			rc = -1;
		} else if (b.over) {
			rc = -1;
		}
	} else if (rc == 0 && !b.nsheets) {
		if (b.is_ooxml)
			adapter_note(ac, NOTE_ERROR, 0,
				     "an Office document that is not an Excel workbook (no sheet)");
		else
			adapter_note(
			    ac, NOTE_ERROR, 0,
			    "a zip archive read as one file (inside another archive, or from "
			    "standard input): unpack it, or name it as an operand");
		rc = -1;
	} else if (rc == 0 && read_sheets(&b) == 0) {
		adapter_note(ac, NOTE_ERROR, 0,
			     "no sheet of this workbook holds a login export (a first row with a "
			     "Status column); if one does with headers in another language, add "
			     "the line `alias status HEADER` to fields.conf");
		rc = -1;
	}
	book_free(&b);
	sb_free(&mem);
	return rc;
}
