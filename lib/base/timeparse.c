/*
 * timeparse.c - see timeparse.h.
 *
 * A hand-written scanner over a fixed set of layouts: it runs on every row of
 * large exports, so it neither allocates nor calls sscanf/strptime, and it
 * depends on no locale or libc time zone data.  Civil dates are converted with
 * the days-from-civil algorithm (proleptic Gregorian calendar), so the result
 * is exact for any 4-digit year.
 */
#include "base/timeparse.h"

#include "base/util.h"

#include <string.h>

/* A zone abbreviation and its offset from UTC in minutes. */
struct zone_word {
	const char *name;
	int minutes;
};

/*
 * Abbreviations seen in exports and in what Data Loader accepts.  Ambiguous
 * ones are read the way a North American or European admin would mean them
 * (IST is India, BST is British Summer Time, CST is US Central).
 */
static const struct zone_word zone_words[] = {
    {"Z", 0},	       {"UTC", 0},	  {"GMT", 0},		{"UT", 0},
    {"PST", -8 * 60},  {"PDT", -7 * 60},  {"MST", -7 * 60},	{"MDT", -6 * 60},
    {"CST", -6 * 60},  {"CDT", -5 * 60},  {"EST", -5 * 60},	{"EDT", -4 * 60},
    {"AKST", -9 * 60}, {"AKDT", -8 * 60}, {"HST", -10 * 60},	{"CET", 60},
    {"CEST", 2 * 60},  {"EET", 2 * 60},	  {"EEST", 3 * 60},	{"WET", 0},
    {"WEST", 60},      {"BST", 60},	  {"IST", 5 * 60 + 30}, {"JST", 9 * 60},
    {"KST", 9 * 60},   {"AEST", 10 * 60}, {"AEDT", 11 * 60},	{"NZST", 12 * 60},
    {"NZDT", 13 * 60}, {"SGT", 8 * 60},
};

/* The unread part of the input. */
struct scan {
	const char *p, *end;
};

static int is_digit(int c)
{
	return c >= '0' && c <= '9';
}

static int is_alpha(int c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
}

/* The next byte, or -1 at the end. */
static int peek(const struct scan *sc)
{
	return sc->p < sc->end ? (unsigned char)*sc->p : -1;
}

static int accept(struct scan *sc, int c)
{
	if (peek(sc) != c)
		return 0;
	sc->p++;
	return 1;
}

/*
 * Skip blanks: space, tab, and the UTF-8 no-break spaces U+00A0 and U+202F
 * (the latter is what recent ICU puts before "PM").  Returns how many bytes
 * were skipped.
 */
static size_t skip_blank(struct scan *sc)
{
	const char *start = sc->p;
	for (;;) {
		size_t left = (size_t)(sc->end - sc->p);
		const unsigned char *u = (const unsigned char *)sc->p;
		if (left >= 1 && (u[0] == ' ' || u[0] == '\t'))
			sc->p++;
		else if (left >= 2 && u[0] == 0xC2 && u[1] == 0xA0)
			sc->p += 2;
		else if (left >= 3 && u[0] == 0xE2 && u[1] == 0x80 && u[2] == 0xAF)
			sc->p += 3;
		else
			break;
	}
	return (size_t)(sc->p - start);
}

/*
 * Read between min and max decimal digits into *v.  Returns the number of
 * digits read, or -1 (consuming nothing) when fewer than min are there.
 */
static int scan_num(struct scan *sc, int min, int max, int *v)
{
	const char *p = sc->p;
	int n = 0, x = 0;
	while (n < max && p < sc->end && is_digit((unsigned char)*p)) {
		x = x * 10 + (*p - '0');
		p++;
		n++;
	}
	if (n < min)
		return -1;
	sc->p = p;
	*v = x;
	return n;
}

/* Read exactly n digits. */
static int scan_fixed(struct scan *sc, int n, int *v)
{
	return scan_num(sc, n, n, v) == n ? 0 : -1;
}

/* A fraction of a second after the '.': 1-9 digits, kept as milliseconds. */
static int scan_fraction(struct scan *sc, int *ms)
{
	int digits = 0, v = 0;
	while (sc->p < sc->end && is_digit((unsigned char)*sc->p)) {
		if (++digits > 9)
			return -1;
		if (digits <= 3)
			v = v * 10 + (*sc->p - '0');
		sc->p++;
	}
	if (digits == 0)
		return -1;
	for (int i = digits; i < 3; i++)
		v *= 10;
	*ms = v;
	return 0;
}

static int is_leap(int y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int days_in_month(int y, int m)
{
	static const int mdays[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	return m == 2 && is_leap(y) ? 29 : mdays[m - 1];
}

static int valid_date(int y, int m, int d)
{
	return m >= 1 && m <= 12 && d >= 1 && d <= days_in_month(y, m);
}

/* Days from 1970-01-01 to y-m-d (Howard Hinnant's days_from_civil). */
static int64_t days_from_civil(int64_t y, int m, int d)
{
	y -= m <= 2;
	int64_t era = (y >= 0 ? y : y - 399) / 400;
	int64_t yoe = y - era * 400;
	int64_t doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
	int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

/* The inverse of days_from_civil. */
static void civil_from_days(int64_t z, int64_t *y, int *m, int *d)
{
	z += 719468;
	int64_t era = (z >= 0 ? z : z - 146096) / 146097;
	int64_t doe = z - era * 146097;
	int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	int64_t mp = (5 * doy + 2) / 153;
	*d = (int)(doy - (153 * mp + 2) / 5 + 1);
	*m = (int)(mp < 10 ? mp + 3 : mp - 9);
	*y = yoe + era * 400 + (*m <= 2);
}

/*
 * An offset after '+' or '-' (already consumed; sign is +1 or -1) into
 * *minutes.  Strict offsets are hh, hhmm or hh:mm; loose ones (after GMT or
 * UTC) also allow a single hour digit: h, h:mm.  Hours up to 18, as ISO 8601
 * and Java's ZoneOffset allow.
 */
static int scan_offset(struct scan *sc, int sign, int loose, int *minutes)
{
	int h, m = 0;
	int n = scan_num(sc, loose ? 1 : 2, 2, &h);
	if (n < 0)
		return -1;
	if ((accept(sc, ':') || (n == 2 && is_digit(peek(sc)))) && scan_fixed(sc, 2, &m) < 0)
		return -1;
	if (h > 18 || m > 59 || is_digit(peek(sc)))
		return -1;
	*minutes = sign * (h * 60 + m);
	return 0;
}

/*
 * The zone after a time, if any, into *minutes and *zone.  A word that is not
 * in the table is TIME_ZONE_UNKNOWN; so is an IANA-style name ("Europe/Paris").
 */
static int scan_zone(struct scan *sc, int *minutes, enum time_zone *zone)
{
	int c = peek(sc);
	*minutes = 0;
	if (c == -1) {
		*zone = TIME_ZONE_NONE;
		return 0;
	}
	*zone = TIME_ZONE_EXPLICIT;
	if (c == '+' || c == '-') {
		sc->p++;
		return scan_offset(sc, c == '+' ? 1 : -1, 0, minutes);
	}
	if (!is_alpha(c))
		return -1;
	const char *w = sc->p;
	while (is_alpha(peek(sc)))
		sc->p++;
	size_t wn = (size_t)(sc->p - w);
	c = peek(sc);
	if ((c == '+' || c == '-') &&
	    (str_ieq(w, wn, "GMT") || str_ieq(w, wn, "UTC") || str_ieq(w, wn, "UT"))) {
		sc->p++;
		return scan_offset(sc, c == '+' ? 1 : -1, 1, minutes);
	}
	if (c == '/') {
		/* IANA name: Area/Location[/More], with _ - + and digits. */
		while ((c = peek(sc)) != -1 &&
		       (is_alpha(c) || is_digit(c) || c == '/' || c == '_' || c == '-' || c == '+'))
			sc->p++;
		*zone = TIME_ZONE_UNKNOWN;
		return 0;
	}
	for (size_t i = 0; i < sizeof zone_words / sizeof zone_words[0]; i++) {
		if (str_ieq(w, wn, zone_words[i].name)) {
			*minutes = zone_words[i].minutes;
			return 0;
		}
	}
	*zone = TIME_ZONE_UNKNOWN;
	return 0;
}

/*
 * hh:mm[:ss[.fff]] then an optional AM/PM marker.  Hours take 1 or 2 digits
 * (locale forms drop the leading zero).
 */
static int scan_clock(struct scan *sc, int *h, int *mi, int *s, int *ms)
{
	*s = *ms = 0;
	if (scan_num(sc, 1, 2, h) < 0 || !accept(sc, ':') || scan_fixed(sc, 2, mi) < 0)
		return -1;
	if (accept(sc, ':')) {
		if (scan_fixed(sc, 2, s) < 0)
			return -1;
		/* A comma before the fraction is the log4j / Python logging form. */
		int frac = accept(sc, '.');
		if (!frac && sc->end - sc->p >= 2 && sc->p[0] == ',' && is_digit(sc->p[1]))
			frac = accept(sc, ',');
		if (frac && scan_fraction(sc, ms) < 0)
			return -1;
	}
	if (is_digit(peek(sc)))
		return -1;
	struct scan save = *sc;
	skip_blank(sc);
	if (sc->end - sc->p >= 2 &&
	    (sc->p[0] == 'A' || sc->p[0] == 'a' || sc->p[0] == 'P' || sc->p[0] == 'p') &&
	    (sc->p[1] == 'M' || sc->p[1] == 'm') &&
	    (sc->end - sc->p == 2 || !is_alpha((unsigned char)sc->p[2]))) {
		int pm = sc->p[0] == 'P' || sc->p[0] == 'p';
		sc->p += 2;
		/* 12 AM is midnight, 12 PM noon; 0 is read as 12. */
		if (*h > 12)
			return -1;
		*h = *h % 12 + (pm ? 12 : 0);
	} else {
		*sc = save;
		if (*h > 23)
			return -1;
	}
	return *mi > 59 || *s > 59 ? -1 : 0;
}

/* ELF's yyyyMMddHHmmss[.fff], always UTC; the 14 digits are known to be there. */
static int scan_elf(struct scan *sc, int *y, int *mo, int *d, int *h, int *mi, int *s, int *ms)
{
	scan_fixed(sc, 4, y);
	scan_fixed(sc, 2, mo);
	scan_fixed(sc, 2, d);
	scan_fixed(sc, 2, h);
	scan_fixed(sc, 2, mi);
	scan_fixed(sc, 2, s);
	*ms = 0;
	if (accept(sc, '.') && scan_fraction(sc, ms) < 0)
		return -1;
	return *h > 23 || *mi > 59 || *s > 59 ? -1 : 0;
}

/*
 * A locale date: d/m/yyyy or m/d/yyyy with '/', d.m.yyyy with '.'.  Slash
 * dates are month first unless the first number is over 12.
 */
static int scan_locale_date(struct scan *sc, int *y, int *m, int *d, int *flags, int day_first)
{
	int a, b;
	if (scan_num(sc, 1, 2, &a) < 0)
		return -1;
	int sep = peek(sc);
	if (sep != '/' && sep != '.')
		return -1;
	sc->p++;
	if (scan_num(sc, 1, 2, &b) < 0 || !accept(sc, sep) || scan_fixed(sc, 4, y) < 0)
		return -1;
	if (is_digit(peek(sc)))
		return -1;
	if (sep == '/' && a > 12)
		*flags |= TIME_DAY_FIRST;
	if (sep == '/' && b > 12)
		*flags |= TIME_MONTH_FIRST;
	if (sep == '/' && a <= 12 && b <= 12 && a != b)
		*flags |= TIME_AMBIGUOUS_DMY;
	if (sep == '.' || a > 12 || (day_first && b <= 12)) {
		*d = a;
		*m = b;
	} else {
		*m = a;
		*d = b;
	}
	return 0;
}

static int parse(const char *s, size_t n, int day_first, struct parsed_time *out);

int time_parse(const char *s, size_t n, struct parsed_time *out)
{
	return parse(s, n, 0, out);
}

int time_parse_day_first(const char *s, size_t n, struct parsed_time *out)
{
	return parse(s, n, 1, out);
}

static int parse(const char *s, size_t n, int day_first, struct parsed_time *out)
{
	struct scan sc;
	int y = 0, mo = 0, d = 0, h = 0, mi = 0, sec = 0, ms = 0, off = 0, flags = 0;
	size_t lead = 0;
	enum time_zone zone = TIME_ZONE_EXPLICIT;

	if (n == 0)
		return -1;
	s = str_trim(s, &n);
	sc.p = s;
	sc.end = s + n;
	while (lead < n && lead < 15 && is_digit((unsigned char)s[lead]))
		lead++;

	if (lead == 14) {
		if (scan_elf(&sc, &y, &mo, &d, &h, &mi, &sec, &ms) < 0)
			return -1;
	} else {
		if (lead == 4 && n > 4 && s[4] == '-') {
			scan_fixed(&sc, 4, &y);
			sc.p++;
			if (scan_fixed(&sc, 2, &mo) < 0 || !accept(&sc, '-') ||
			    scan_fixed(&sc, 2, &d) < 0)
				return -1;
			if (!accept(&sc, 'T') && !accept(&sc, 't') && skip_blank(&sc) == 0)
				return -1;
		} else if (lead == 1 || lead == 2) {
			if (scan_locale_date(&sc, &y, &mo, &d, &flags, day_first) < 0)
				return -1;
			/* "11/28/2026, 1:57 PM" is what JavaScript's toLocaleString gives. */
			int comma = accept(&sc, ',');
			if (skip_blank(&sc) == 0 && !comma)
				return -1;
		} else {
			return -1;
		}
		if (scan_clock(&sc, &h, &mi, &sec, &ms) < 0)
			return -1;
		skip_blank(&sc);
		if (scan_zone(&sc, &off, &zone) < 0)
			return -1;
		skip_blank(&sc);
	}
	if (sc.p != sc.end || !valid_date(y, mo, d))
		return -1;
	int64_t secs = days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + sec;
	out->ms = (secs - (int64_t)off * 60) * 1000 + ms;
	out->zone = zone;
	out->flags = flags;
	return 0;
}

/* Append v in decimal, zero-padded to width digits; v may be negative. */
static char *put_num(char *p, int64_t v, int width)
{
	char tmp[24];
	int n = 0;
	uint64_t u;
	if (v < 0) {
		*p++ = '-';
		u = (uint64_t)0 - (uint64_t)v;
	} else {
		u = (uint64_t)v;
	}
	do {
		tmp[n++] = (char)('0' + u % 10);
		u /= 10;
	} while (u);
	while (n < width)
		tmp[n++] = '0';
	while (n)
		*p++ = tmp[--n];
	return p;
}

/*
 * Split ms into a civil date and time of day, flooring so that instants
 * before 1970 land in the right second.
 */
static void split(int64_t ms, int64_t *y, int *mo, int *d, int *h, int *mi, int *s)
{
	int64_t sec = ms / 1000 - (ms % 1000 < 0);
	int64_t days = sec / 86400, rem = sec % 86400;
	if (rem < 0) {
		rem += 86400;
		days--;
	}
	civil_from_days(days, y, mo, d);
	*h = (int)(rem / 3600);
	*mi = (int)(rem / 60 % 60);
	*s = (int)(rem % 60);
}

void time_format_iso(int64_t ms, char *buf)
{
	int64_t y;
	int mo, d, h, mi, s;
	split(ms, &y, &mo, &d, &h, &mi, &s);
	char *p = put_num(buf, y, 4);
	*p++ = '-';
	p = put_num(p, mo, 2);
	*p++ = '-';
	p = put_num(p, d, 2);
	*p++ = 'T';
	p = put_num(p, h, 2);
	*p++ = ':';
	p = put_num(p, mi, 2);
	*p++ = ':';
	p = put_num(p, s, 2);
	*p++ = 'Z';
	*p = '\0';
}

void time_format_short(int64_t ms, char *buf)
{
	int64_t y;
	int mo, d, h, mi, s;
	split(ms, &y, &mo, &d, &h, &mi, &s);
	char *p = put_num(buf, y, 4);
	*p++ = '-';
	p = put_num(p, mo, 2);
	*p++ = '-';
	p = put_num(p, d, 2);
	*p++ = ' ';
	p = put_num(p, h, 2);
	*p++ = ':';
	p = put_num(p, mi, 2);
	memcpy(p, " UTC", 5);
}
