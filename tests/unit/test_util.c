/*
 * test_util.c - strings, UTF-8 validation and terminal escaping.
 */
#include <string.h>

#include "base/util.h"
#include "report/render.h"
#include "unit.h"

static void test_utf8(void)
{
	size_t bad = 99;
	CHECK(utf8_valid("plain ascii text that is long enough", 36, &bad));
	CHECK(utf8_valid("Caf\xC3\xA9 \xE6\x97\xA5\xE6\x9C\xAC \xF0\x9F\x98\x80", 17, &bad));
	CHECK(!utf8_valid("abcdefghij\xFF", 11, &bad));
	CHECK_INT(bad, 10);
	CHECK(!utf8_valid("\xC0\xAF", 2, &bad)); /* overlong */
	CHECK_INT(bad, 0);
	CHECK(!utf8_valid("ab\xED\xA0\x80", 5, &bad)); /* surrogate */
	CHECK_INT(bad, 2);
	CHECK(!utf8_valid("abc\xE6\x97", 5, &bad)); /* truncated */
	CHECK_INT(bad, 3);
	CHECK(!utf8_valid("\xF4\x90\x80\x80", 4, &bad)); /* above U+10FFFF */
	CHECK(utf8_valid("", 0, &bad));
}

static void test_strset(void)
{
	struct strset set = {0};
	CHECK(!strset_has_nocase(&set, "x"));
	CHECK_INT(strset_add_nocase(&set, "Summary"), 0);
	CHECK_INT(strset_add_nocase(&set, "SUMMARY"), 1);
	CHECK(strset_has_nocase(&set, "summary"));
	CHECK(!strset_has_nocase(&set, "summary-2"));
	char name[32];
	int fresh = 0, again = 0;
	for (int i = 0; i < 1000; i++) { /* grows several times */
		snprintf(name, sizeof name, "Ticket-%d", i);
		fresh += strset_add_nocase(&set, name) == 0;
	}
	for (int i = 0; i < 1000; i++) {
		snprintf(name, sizeof name, "TICKET-%d", i);
		again += strset_add_nocase(&set, name);
	}
	CHECK_INT(fresh, 1000);
	CHECK_INT(again, 1000);
	CHECK_INT(set.n, 1001);
	strset_free(&set);
	CHECK_INT(set.n, 0);
	CHECK(!strset_has_nocase(&set, "summary"));
}

static void test_strings(void)
{
	size_t n = 8;
	const char *t = str_trim("  a b \r\n", &n);
	CHECK_INT(n, 3);
	CHECK(memcmp(t, "a b", 3) == 0);
	CHECK(str_ieq("SUCCESS", 7, "success"));
	CHECK(!str_ieq("SUCCESSFUL", 10, "success"));
	CHECK(!str_ieq("SUCC", 4, "success"));

	struct strbuf sb = {0};
	CHECK_STR(sb_str(&sb), "");
	sb_printf(&sb, "%d-%s", 42, "x");
	sb_addc(&sb, '!');
	CHECK_STR(sb_str(&sb), "42-x!");
	sb_reset(&sb);
	render_count(&sb, 1234567);
	CHECK_STR(sb_str(&sb), "1,234,567");
	sb_reset(&sb);
	render_count(&sb, 999);
	CHECK_STR(sb_str(&sb), "999");
	sb_free(&sb);
}

static void test_escape(void)
{
	struct strbuf sb = {0};
	const char evil[] = "App\x1b]0;pwned\x07\r\n\xC2\x9B"
			    "31m\xC3\xA9\xFF";
	render_escape_term(&sb, evil, sizeof evil - 1);
	CHECK_STR(sb_str(&sb), "App\\x1B]0;pwned\\x07\\x0D\\x0A\\xC2\\x9B31m\xC3\xA9\\xFF");
	sb_free(&sb);
}

UNIT_MAIN(test_utf8, test_strings, test_escape, test_strset)
