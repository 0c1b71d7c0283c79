/*
 * test_xlsx.c - the Excel workbook reader (adapt_xlsx.c) on workbooks
 * written here part by part with libarchive, as Excel lays them out: shared
 * strings with phonetic runs, a built-in date format, the 1904 date system,
 * cells left out of a row, booleans, a sheet that is no export, and what is
 * refused (an .ods, a zip that is no workbook, bad XML).
 */
#include <archive.h>
#include <archive_entry.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "adapt/adapter.h"
#include "base/util.h"
#include "unit.h"

static struct ruleset *rs;

static void quiet(void *ctx, const char *msg)
{
	(void)ctx;
	fprintf(stderr, "rules: %s\n", msg);
}

struct part {
	const char *name, *xml;
};

/* A zip of parts, in memory. */
static char *zip_of(const struct part *p, size_t n, size_t *len)
{
	size_t cap = 1 << 16, used = 0;
	char *buf = xmalloc(cap);
	struct archive *a = archive_write_new();
	archive_write_set_format_zip(a);
	CHECK(archive_write_open_memory(a, buf, cap, &used) == ARCHIVE_OK);
	for (size_t i = 0; i < n; i++) {
		struct archive_entry *e = archive_entry_new();
		archive_entry_set_pathname(e, p[i].name);
		archive_entry_set_filetype(e, AE_IFREG);
		archive_entry_set_perm(e, 0644);
		archive_entry_set_size(e, (la_int64_t)strlen(p[i].xml));
		CHECK(archive_write_header(a, e) == ARCHIVE_OK);
		CHECK(archive_write_data(a, p[i].xml, strlen(p[i].xml)) ==
		      (la_ssize_t)strlen(p[i].xml));
		archive_entry_free(e);
	}
	CHECK(archive_write_close(a) == ARCHIVE_OK);
	archive_write_free(a);
	*len = used;
	return buf;
}

struct mem {
	const char *p;
	size_t n, off;
};

static long mem_read(void *ctx, void *buf, size_t n)
{
	struct mem *m = ctx;
	size_t k = m->n - m->off < n ? m->n - m->off : n;
	memcpy(buf, m->p + m->off, k);
	m->off += k;
	return (long)k;
}

static void mem_close(void *ctx)
{
	free(ctx);
}

/* What the reader gave: "line|user|time|source_ip|status;" per event, and
 * "level:line:message;" per note. */
struct seen {
	struct strbuf ev, notes;
};

static void on_emit(void *ctx, const struct event *ev)
{
	struct seen *s = ctx;
	const int f[] = {rs->f.user, rs->f.time, rs->f.source_ip, rs->f.status};
	sb_printf(&s->ev, "%ld", ev->line);
	for (size_t i = 0; i < sizeof f / sizeof f[0]; i++) {
		sb_addc(&s->ev, '|');
		if (ev->val[f[i]])
			sb_add(&s->ev, ev->val[f[i]], ev->len[f[i]]);
	}
	sb_addc(&s->ev, ';');
}

static void on_note(void *ctx, enum note_level level, long line, const char *msg)
{
	struct seen *s = ctx;
	sb_printf(&s->notes, "%c:%ld:%s;",
		  level == NOTE_ERROR	  ? 'E'
		  : level == NOTE_WARNING ? 'W'
					  : 'I',
		  line, msg);
}

static int read_book(const struct part *p, size_t n, struct seen *s)
{
	size_t len;
	char *zip = zip_of(p, n, &len);
	struct mem *m = xcalloc(1, sizeof *m);
	m->p = zip;
	m->n = len;
	struct input_source src = {m, mem_read, mem_close};
	struct input *in = input_open_source("book.xlsx", src);
	memset(s, 0, sizeof *s);
	struct adapter_ctx ac = {
	    .rs = rs, .file = "book.xlsx", .ctx = s, .emit = on_emit, .note = on_note};
	const char *head;
	size_t hn;
	char err[128];
	CHECK(input_peek(in, &head, &hn, err, sizeof err) == 0);
	CHECK(xlsx_sniff(head, hn));
	const char *what;
	int rc = xlsx_read(in, &ac, &what);
	input_close(in);
	free(zip);
	return rc;
}

static void seen_free(struct seen *s)
{
	sb_free(&s->ev);
	sb_free(&s->notes);
}

static const char *const rels =
    "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
    "<Relationship Id=\"rId1\" Type=\"worksheet\" Target=\"worksheets/sheet1.xml\"/>"
    "<Relationship Id=\"rId2\" Type=\"worksheet\" Target=\"/xl/worksheets/sheet2.xml\"/>"
    "</Relationships>";

static const char *const workbook =
    "<workbook xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\" "
    "xmlns:r=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships\">"
    "<sheets><sheet name=\"Export\" sheetId=\"1\" r:id=\"rId2\"/>"
    "<sheet name=\"Cover\" sheetId=\"2\" r:id=\"rId1\"/></sheets></workbook>";

/* xf 0 General, xf 1 built-in 22 (m/d/yy h:mm), xf 2 a custom "0.00". */
static const char *const styles =
    "<styleSheet><numFmts count=\"1\"><numFmt numFmtId=\"164\" formatCode=\"0.00&quot;d&quot;\"/>"
    "</numFmts><cellStyleXfs><xf numFmtId=\"22\"/></cellStyleXfs>"
    "<cellXfs count=\"3\"><xf numFmtId=\"0\"/><xf numFmtId=\"22\"/><xf numFmtId=\"164\"/>"
    "</cellXfs></styleSheet>";

/* Strings 0..5; string 1 has a phonetic run that is not its text. */
static const char *const strings =
    "<sst><si><t>Username</t></si><si><r><t>Status</t></r><rPh><t>ステータス</t></rPh></si>"
    "<si><t>Login Time</t></si><si><t>Source IP</t></si>"
    "<si><t>ann@example.com</t></si><si><t>Invalid Password</t></si></sst>";

/* The export, in the second zip part but first in the workbook: a header in
 * shared strings, a date serial, a row with its IP cell left out, a quoted
 * comma, and an empty row between. */
static const char *const export_sheet =
    "<worksheet><sheetData>"
    "<row r=\"1\"><c r=\"A1\" t=\"s\"><v>0</v></c><c r=\"B1\" t=\"s\"><v>2</v></c>"
    "<c r=\"C1\" t=\"s\"><v>3</v></c><c r=\"D1\" t=\"s\"><v>1</v></c></row>"
    "<row r=\"2\"><c r=\"A2\" t=\"s\"><v>4</v></c><c r=\"B2\" s=\"1\"><v>46329.5</v></c>"
    "<c r=\"C2\" t=\"inlineStr\"><is><t>192.0.2.1</t></is></c><c r=\"D2\" "
    "t=\"s\"><v>5</v></c></row>"
    "<row r=\"4\"><c r=\"A4\" t=\"str\"><v>bo, \"the\" admin</v></c><c r=\"B4\" "
    "s=\"1\"><v>46329.75</v></c>"
    "<c r=\"D4\" t=\"inlineStr\"><is><t>Success</t></is></c></row>"
    "</sheetData></worksheet>";

static const char *const cover_sheet =
    "<worksheet><sheetData><row r=\"1\"><c r=\"A1\" t=\"inlineStr\"><is><t>Ticket 4711</t></is>"
    "</c><c r=\"B1\" t=\"b\"><v>1</v></c></row></sheetData></worksheet>";

static void test_workbook(void)
{
	const struct part book[] = {
	    {"[Content_Types].xml", "<Types/>"},
	    {"xl/_rels/workbook.xml.rels", rels},
	    {"xl/worksheets/sheet1.xml", cover_sheet},
	    {"xl/worksheets/sheet2.xml", export_sheet},
	    {"xl/workbook.xml", workbook},
	    {"xl/styles.xml", styles},
	    {"xl/sharedStrings.xml", strings},
	};
	struct seen s;
	CHECK_INT(read_book(book, sizeof book / sizeof book[0], &s), 0);
	/* 46329.5 is 2026-11-03 12:00 in the 1900 date system. */
	CHECK_STR(sb_str(&s.ev), "2|ann@example.com|2026-11-03 12:00:00|192.0.2.1|Invalid Password;"
				 "4|bo, \"the\" admin|2026-11-03 18:00:00||Success;");
	CHECK_STR(
	    sb_str(&s.notes),
	    "I:1:no Application column: the connected app of each login is unknown;"
	    "I:0:sheet \"Export\": a login export, 2 rows read;"
	    "I:0:sheet \"Cover\" is not a login export (no column of its first row maps to the "
	    "status field); not read;");
	seen_free(&s);
}

static void test_date1904(void)
{
	static const char *const wb1904 =
	    "<workbook xmlns:r=\"r\"><workbookPr date1904=\"1\"/><sheets>"
	    "<sheet name=\"S\" sheetId=\"1\" r:id=\"rId2\"/></sheets></workbook>";
	const struct part book[] = {
	    {"[Content_Types].xml", "<Types/>"},  {"xl/workbook.xml", wb1904},
	    {"xl/_rels/workbook.xml.rels", rels}, {"xl/styles.xml", styles},
	    {"xl/sharedStrings.xml", strings},	  {"xl/worksheets/sheet2.xml", export_sheet},
	};
	struct seen s;
	CHECK_INT(read_book(book, sizeof book / sizeof book[0], &s), 0);
	/* The same serial counts from 1904-01-01: 1462 days later. */
	CHECK(strstr(sb_str(&s.ev), "|2030-11-04 12:00:00|") != NULL);
	seen_free(&s);
}

static void test_refused(void)
{
	struct seen s;
	const struct part ods[] = {{"mimetype", "application/vnd.oasis.opendocument.spreadsheet"},
				   {"content.xml", "<office:document-content/>"}};
	CHECK_INT(read_book(ods, 2, &s), -1);
	CHECK(strstr(sb_str(&s.notes),
		     "E:0:no sheet of this OpenDocument spreadsheet (.ods) holds a login export") !=
	      NULL);
	seen_free(&s);

	const struct part plain[] = {{"LoginHistory.csv", "Status\nSuccess\n"}};
	CHECK_INT(read_book(plain, 1, &s), -1);
	CHECK(strstr(sb_str(&s.notes), "a zip archive read as one file") != NULL);
	seen_free(&s);

	const struct part bad[] = {
	    {"[Content_Types].xml", "<Types/>"},
	    {"xl/workbook.xml", workbook},
	    {"xl/_rels/workbook.xml.rels", rels},
	    {"xl/worksheets/sheet2.xml", "<worksheet><row"},
	};
	CHECK_INT(read_book(bad, 4, &s), -1);
	CHECK(strstr(sb_str(&s.notes),
		     "workbook part xl/worksheets/sheet2.xml: bad XML at line 1") != NULL);
	CHECK(strstr(sb_str(&s.notes), "no sheet of this workbook holds a login export") != NULL);
	seen_free(&s);
}

/* An .ods: a cover table, then the export with a date cell, a float, a
 * spanning empty cell, a cell repeated over two columns, a two-paragraph
 * cell, rows shorter than the header, a row repeated three times, a repeated
 * empty row, and a row repeated more than SFDIAG_MAX_ODS_REPEAT allows. */
static const char *const ods_content =
    "<office:document-content xmlns:office=\"o\" xmlns:table=\"t\" xmlns:text=\"x\">"
    "<office:body><office:spreadsheet>"
    "<table:table table:name=\"Cover\"><table:table-row><table:table-cell "
    "office:value-type=\"string\"><text:p>Ticket 5120</text:p></table:table-cell>"
    "</table:table-row></table:table>"
    "<table:table table:name=\"Export\">"
    "<table:table-row><table:table-cell><text:p>Username</text:p></table:table-cell>"
    "<table:table-cell><text:p>Login Time</text:p></table:table-cell>"
    "<table:table-cell table:number-columns-repeated=\"1\"/>"
    "<table:table-cell><text:p>Status</text:p></table:table-cell>"
    "<table:table-cell><text:p>Source IP</text:p></table:table-cell>"
    "<table:table-cell><text:p>Login URL</text:p></table:table-cell></table:table-row>"
    "<table:table-row><table:table-cell office:value-type=\"string\"><text:p>ann@"
    "example.com</text:p></table:table-cell><table:table-cell office:value-type=\"date\" "
    "office:date-value=\"2026-11-03T12:00:00\"><text:p>03/11/2026</text:p>"
    "</table:table-cell><table:table-cell office:value-type=\"float\" office:value=\"62\">"
    "<text:p>62</text:p></table:table-cell><table:table-cell><text:p>Invalid</text:p>"
    "<text:p>Password</text:p></table:table-cell><table:table-cell "
    "table:number-columns-repeated=\"2\"><text:p>192.0.2.1</text:p></table:table-cell>"
    "</table:table-row>"
    "<table:table-row table:number-rows-repeated=\"3\"><table:table-cell><text:p>bo"
    "<text:s text:c=\"2\"/>x</text:p></table:table-cell><table:table-cell/>"
    "<table:covered-table-cell/><table:table-cell><text:p>Success</text:p>"
    "</table:table-cell></table:table-row>"
    "<table:table-row table:number-rows-repeated=\"1048000\"><table:table-cell/>"
    "</table:table-row>"
    "<table:table-row table:number-rows-repeated=\"2000\"><table:table-cell><text:p>cy"
    "</text:p></table:table-cell><table:table-cell/><table:table-cell/><table:table-cell>"
    "<text:p>Success</text:p></table:table-cell></table:table-row>"
    "</table:table></office:spreadsheet></office:body></office:document-content>";

static void test_ods(void)
{
	const struct part book[] = {
	    {"mimetype", "application/vnd.oasis.opendocument.spreadsheet"},
	    {"content.xml", ods_content},
	};
	struct seen s;
	CHECK_INT(read_book(book, 2, &s), 0);
	const char *ev = sb_str(&s.ev);
	CHECK(strncmp(ev,
		      "2|ann@example.com|2026-11-03 12:00:00|192.0.2.1|Invalid\nPassword;"
		      "3|bo  x|||Success;4|bo  x|||Success;5|bo  x|||Success;"
		      "1048006|cy|||Success;1048007|cy|||Success;",
		      strlen("2|ann@example.com|2026-11-03 12:00:00|192.0.2.1|Invalid\nPassword;"
			     "3|bo  x|||Success;4|bo  x|||Success;5|bo  x|||Success;"
			     "1048006|cy|||Success;1048007|cy|||Success;")) == 0);
	/* 1 + 3 + SFDIAG_MAX_ODS_REPEAT events */
	size_t n = 0;
	for (const char *p = ev; *p; p++)
		n += *p == ';';
	CHECK_INT(n, 4 + SFDIAG_MAX_ODS_REPEAT);
	const char *notes = sb_str(&s.notes);
	CHECK(strstr(notes, "W:1048006:sheet \"Export\": row repeated 2000 times; only the "
			    "first SFDIAG_MAX_ODS_REPEAT (1024) read;") != NULL);
	CHECK(strstr(notes, "I:0:sheet \"Export\": a login export, 1028 rows read;") != NULL);
	CHECK(strstr(notes, "I:0:sheet \"Cover\" is not a login export") != NULL);
	seen_free(&s);
}

static void setup(void)
{
	rs = rules_load(SFDIAG_SRCDIR "/rules", 1, quiet, NULL);
	CHECK(rs != NULL);
	if (!rs)
		exit(1);
}

static void cleanup(void)
{
	rules_free(rs);
}

UNIT_MAIN(setup, test_workbook, test_date1904, test_ods, test_refused, cleanup)
