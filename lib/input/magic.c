/*
 * magic.c - see magic.h.
 *
 * Signatures: the Compound File Binary header (MS-CFB 2.2, D0 CF 11 E0 A1 B1
 * 1A E1), PDF (ISO 32000-1 7.5.2, "%PDF-"), PNG (RFC 2083 3.1), JPEG (JFIF,
 * FF D8 FF), GIF ("GIF87a"/"GIF89a"), and the RTF "{\rtf" prefix.
 */
#include "input/magic.h"

#include <string.h>

struct signature {
	const char *bytes;
	size_t len;
	struct file_magic m;
};

static const struct signature signatures[] = {
    {"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1",
     8,
     {"an Excel 97-2003 workbook (.xls) or another Office 97-2003 file",
      MAGIC_ADVICE_OLD_WORKBOOK}},
    {"%PDF-", 5, {"a PDF document (a printout, not the data)", MAGIC_ADVICE_DOWNLOAD}},
    {"\x89PNG\r\n\x1A\n", 8, {"a PNG image (a screenshot?)", MAGIC_ADVICE_DOWNLOAD}},
    {"\xFF\xD8\xFF", 3, {"a JPEG image (a screenshot?)", MAGIC_ADVICE_DOWNLOAD}},
    {"GIF87a", 6, {"a GIF image (a screenshot?)", MAGIC_ADVICE_DOWNLOAD}},
    {"GIF89a", 6, {"a GIF image (a screenshot?)", MAGIC_ADVICE_DOWNLOAD}},
    {"{\\rtf", 5, {"an RTF document", MAGIC_ADVICE_RTF}},
};

const struct file_magic *magic_identify(const void *head, size_t n)
{
	for (size_t i = 0; i < sizeof signatures / sizeof signatures[0]; i++) {
		const struct signature *s = &signatures[i];
		if (n >= s->len && memcmp(head, s->bytes, s->len) == 0)
			return &s->m;
	}
	return NULL;
}

int magic_is_zip(const void *head, size_t n)
{
	return n >= 4 && (memcmp(head, "PK\x03\x04", 4) == 0 || memcmp(head, "PK\x05\x06", 4) == 0);
}
