/*
 * mime.c - read an email with GMime into inputs; see mime.h.
 *
 * The raw message is copied into a GMime memory stream (at most
 * SFDIAG_MAX_MAIL_BYTES) and parsed with the stream kept: every part's
 * content is then a window on that copy, still encoded.  A part is read
 * through a struct part: a chunk of the window at a time, decoded with
 * GMime's filters (transfer encoding, then charset for text), and for
 * HTML reduced to text by a small state machine, so no part is ever
 * decoded whole.
 */
#include "input/mime.h"

#include <errno.h>
#include <gmime/gmime.h>
#include <pthread.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base/limits.h"
#include "base/util.h"

static pthread_once_t gmime_once = PTHREAD_ONCE_INIT;

/*
 * g_mime_init, and the classes of every GObject type a parse creates: GLib
 * creates a class on its first instance and publishes it with atomics of
 * its own, which ThreadSanitizer cannot see; created here, under
 * pthread_once, every thread sees them made before its first parse.  The
 * references are kept (classes of static types are never freed).
 */
static void gmime_start(void)
{
	g_mime_init();
	GType types[] = {
	    GMIME_TYPE_PARSER,
	    GMIME_TYPE_MESSAGE,
	    GMIME_TYPE_MESSAGE_PART,
	    GMIME_TYPE_MESSAGE_PARTIAL,
	    GMIME_TYPE_MULTIPART,
	    GMIME_TYPE_MULTIPART_SIGNED,
	    GMIME_TYPE_MULTIPART_ENCRYPTED,
	    GMIME_TYPE_PART,
	    GMIME_TYPE_TEXT_PART,
	    GMIME_TYPE_APPLICATION_PKCS7_MIME,
	    GMIME_TYPE_DATA_WRAPPER,
	    GMIME_TYPE_STREAM_MEM,
	    GMIME_TYPE_STREAM_FILTER,
	    GMIME_TYPE_FILTER_BASIC,
	    GMIME_TYPE_FILTER_CHARSET,
	    GMIME_TYPE_HEADER_LIST,
	    GMIME_TYPE_CONTENT_TYPE,
	    GMIME_TYPE_CONTENT_DISPOSITION,
	    GMIME_TYPE_PARAM_LIST,
	    GMIME_TYPE_PARAM,
	    internet_address_list_get_type(),
	    INTERNET_ADDRESS_TYPE_MAILBOX,
	    INTERNET_ADDRESS_TYPE_GROUP,
	    GMIME_TYPE_HEADER,
	};
	for (size_t i = 0; i < sizeof types / sizeof types[0]; i++)
		(void)g_type_class_ref(types[i]);
}

/* ---- detection ---- */

static int name_in(const char *name, size_t n, const char *const *list)
{
	for (size_t i = 0; list[i]; i++)
		if (strlen(list[i]) == n && strncasecmp(name, list[i], n) == 0)
			return 1;
	return 0;
}

int mime_sniff(const char *head, size_t n)
{
	/* Header fields of email (RFC 5322, RFC 2045, RFC 5321 trace fields). */
	static const char *const known[] = {"from",
					    "to",
					    "cc",
					    "bcc",
					    "date",
					    "subject",
					    "mime-version",
					    "content-type",
					    "content-transfer-encoding",
					    "message-id",
					    "received",
					    "return-path",
					    "reply-to",
					    "sender",
					    "delivered-to",
					    "x-mailer",
					    "user-agent",
					    "thread-topic",
					    "thread-index",
					    "in-reply-to",
					    "references",
					    "dkim-signature",
					    "authentication-results",
					    "importance",
					    NULL};
	/* Those an HTTP response or a log never starts with. */
	static const char *const key[] = {"from",     "subject",     "mime-version", "message-id",
					  "received", "return-path", "delivered-to", NULL};
	size_t i = 0, lines = 0;
	int nknown = 0, nkey = 0;
	if (n >= 5 && memcmp(head, "From ", 5) == 0) { /* an mbox separator line */
		const char *nl = memchr(head, '\n', n);
		if (!nl)
			return 0;
		i = (size_t)(nl - head) + 1;
	}
	while (i < n) {
		const char *line = head + i;
		const char *nl = memchr(line, '\n', n - i);
		size_t len = nl ? (size_t)(nl - line) : n - i;
		if (!nl)
			break; /* a line cut by the end of the head */
		i += len + 1;
		if (len && line[len - 1] == '\r')
			len--;
		if (len == 0)
			return lines > 0 && nknown >= 2 && nkey;
		if (line[0] == ' ' || line[0] == '\t') {
			if (lines == 0)
				return 0;
			continue; /* a folded field */
		}
		size_t k = 0;
		while (k < len && line[k] > ' ' && line[k] < 127 && line[k] != ':')
			k++;
		if (k == 0 || k == len || line[k] != ':')
			return 0;
		lines++;
		nknown += name_in(line, k, known);
		nkey += name_in(line, k, key);
	}
	/* A header block longer than the head: judge what was seen. */
	return n >= SFDIAG_PEEK && nknown >= 2 && nkey;
}

/* ---- HTML to text ---- */

enum html_mode { H_TEXT, H_TAG, H_ENTITY, H_COMMENT };

struct html {
	enum html_mode mode;
	char tag[12]; /* the tag's name, lower case, '/' first when closing */
	size_t tag_len;
	int tag_named; /* the name is complete */
	char quote;    /* inside a quoted attribute value */
	char ent[12];
	size_t ent_len;
	int skip;   /* inside <script> or <style> */
	int dashes; /* of a comment's "-->" */
	char last;  /* the last byte written, to fold blanks */
};

static void h_put(struct html *h, struct strbuf *out, char c)
{
	if (c == ' ' && (h->last == ' ' || h->last == '\n' || h->last == '\t' || h->last == 0))
		return;
	if (c == '\n' && h->last == ' ' && out->len && out->buf[out->len - 1] == ' ')
		out->buf[--out->len] = '\0';
	sb_addc(out, c);
	h->last = c;
}

static void h_tag_end(struct html *h, struct strbuf *out)
{
	static const char *const block[] = {"br",    "p",	   "div", "tr", "li", "h1",
					    "h2",    "h3",	   "h4",  "h5", "h6", "pre",
					    "table", "blockquote", "hr",  NULL};
	const char *name = h->tag;
	size_t n = h->tag_len;
	int closing = n && name[0] == '/';
	if (closing) {
		name++;
		n--;
	}
	if ((n == 6 && memcmp(name, "script", 6) == 0) ||
	    (n == 5 && memcmp(name, "style", 5) == 0)) {
		h->skip = !closing;
	} else if (!h->skip && name_in(name, n, block)) {
		h_put(h, out, '\n');
	} else if (!h->skip && !closing && n == 2 &&
		   (memcmp(name, "td", 2) == 0 || memcmp(name, "th", 2) == 0)) {
		if (h->last != '\n' && h->last != 0)
			h_put(h, out, '\t');
	}
	h->mode = H_TEXT;
}

static void utf8_put(struct html *h, struct strbuf *out, unsigned long cp)
{
	char b[4];
	size_t n;
	if (cp == 0 || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
		cp = 0xFFFD;
	if (cp == 0xA0)
		cp = ' ';
	if (cp < 0x80) {
		h_put(h, out, (char)cp);
		return;
	}
	if (cp < 0x800) {
		b[0] = (char)(0xC0 | (cp >> 6));
		b[1] = (char)(0x80 | (cp & 0x3F));
		n = 2;
	} else if (cp < 0x10000) {
		b[0] = (char)(0xE0 | (cp >> 12));
		b[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
		b[2] = (char)(0x80 | (cp & 0x3F));
		n = 3;
	} else {
		b[0] = (char)(0xF0 | (cp >> 18));
		b[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
		b[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
		b[3] = (char)(0x80 | (cp & 0x3F));
		n = 4;
	}
	sb_add(out, b, n);
	h->last = b[n - 1];
}

/* The entity in h->ent (without '&' and ';'), or as written when unknown. */
static void h_entity_end(struct html *h, struct strbuf *out, int terminated)
{
	static const struct {
		const char *name;
		unsigned long cp;
	} names[] = {{"amp", '&'},	{"lt", '<'},	  {"gt", '>'},	     {"quot", '"'},
		     {"apos", '\''},	{"nbsp", ' '},	  {"copy", 0xA9},    {"ndash", 0x2013},
		     {"mdash", 0x2014}, {"laquo", 0xAB},  {"raquo", 0xBB},   {"auml", 0xE4},
		     {"ouml", 0xF6},	{"uuml", 0xFC},	  {"Auml", 0xC4},    {"Ouml", 0xD6},
		     {"Uuml", 0xDC},	{"szlig", 0xDF},  {"eacute", 0xE9},  {"egrave", 0xE8},
		     {"agrave", 0xE0},	{"ccedil", 0xE7}, {"hellip", 0x2026}};
	h->mode = H_TEXT;
	const char *e = h->ent;
	size_t n = h->ent_len;
	unsigned long cp = 0;
	int ok = 0;
	if (terminated && n > 1 && e[0] == '#') {
		int hex = e[1] == 'x' || e[1] == 'X';
		size_t k = hex ? 2 : 1;
		ok = k < n;
		for (; k < n && ok && cp <= 0x10FFFF; k++) {
			char c = e[k];
			int d = c >= '0' && c <= '9' ? c - '0'
				: hex && (c | 0x20) >= 'a' && (c | 0x20) <= 'f'
				    ? (c | 0x20) - 'a' + 10
				    : -1;
			ok = d >= 0;
			cp = cp * (hex ? 16u : 10u) + (unsigned long)(d >= 0 ? d : 0);
		}
	} else if (terminated) {
		for (size_t k = 0; k < sizeof names / sizeof names[0] && !ok; k++)
			if (strlen(names[k].name) == n && memcmp(names[k].name, e, n) == 0) {
				cp = names[k].cp;
				ok = 1;
			}
	}
	if (h->skip)
		return;
	if (ok) {
		utf8_put(h, out, cp);
		return;
	}
	h_put(h, out, '&');
	for (size_t k = 0; k < n; k++)
		h_put(h, out, e[k]);
	if (terminated)
		h_put(h, out, ';');
}

static void html_text(struct html *h, const char *p, size_t n, struct strbuf *out)
{
	for (size_t i = 0; i < n; i++) {
		char c = p[i];
		switch (h->mode) {
		case H_COMMENT:
			if (c == '>' && h->dashes >= 2)
				h->mode = H_TEXT;
			h->dashes = c == '-' ? h->dashes + 1 : 0;
			break;
		case H_TAG:
			if (h->quote) {
				if (c == h->quote)
					h->quote = 0;
			} else if (c == '>') {
				h_tag_end(h, out);
			} else if (!h->tag_named &&
				   (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '/') &&
				   !(c == '/' && h->tag_len == 0)) {
				h->tag_named = 1;
			} else if (!h->tag_named) {
				if (h->tag_len < sizeof h->tag - 1) {
					h->tag[h->tag_len++] =
					    (char)(c >= 'A' && c <= 'Z' ? c + 32 : c);
					h->tag[h->tag_len] = '\0';
				}
				if (h->tag_len == 3 && memcmp(h->tag, "!--", 3) == 0) {
					h->mode = H_COMMENT;
					h->dashes = 0;
				}
			} else if (c == '"' || c == '\'') {
				h->quote = c;
			}
			break;
		case H_ENTITY:
			if (c == ';') {
				h_entity_end(h, out, 1);
				break;
			}
			if (h->ent_len < sizeof h->ent - 1 &&
			    ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
			     (c >= '0' && c <= '9') || c == '#')) {
				h->ent[h->ent_len++] = c;
				break;
			}
			h_entity_end(h, out, 0);
			i--; /* read c again as text */
			break;
		case H_TEXT:
			if (c == '<') {
				h->mode = H_TAG;
				h->tag_len = 0;
				h->tag[0] = '\0';
				h->tag_named = 0;
				h->quote = 0;
			} else if (c == '&') {
				h->mode = H_ENTITY;
				h->ent_len = 0;
			} else if (!h->skip) {
				h_put(h, out, c == '\n' || c == '\r' || c == '\t' ? ' ' : c);
			}
			break;
		}
	}
}

/* ---- one part, read through a stream ---- */

struct budget {
	const struct arc_limits *lim;
	uint64_t total; /* decoded bytes handed out from this email */
	unsigned long parts;
};

enum part_over { PART_OK, PART_ENTRY, PART_TOTAL };

struct part {
	GMimeStream *raw;   /* the encoded content (a reference of ours) */
	GMimeFilter *codec; /* transfer decoding, or NULL */
	GMimeFilter *conv;  /* charset to UTF-8, or NULL */
	int html;
	struct html h;
	struct strbuf hbuf;
	struct budget *b;
	uint64_t bytes; /* decoded bytes handed out */
	enum part_over over;
	int base64, done, failed;
	uint64_t b64_chars, b64_bad;
	char *out;
	size_t out_len, out_pos;
	char *head; /* bytes read ahead to tell an archive, served first */
	size_t head_len, head_pos;
	char raw_buf[16384];
};

static void count_base64(struct part *p, const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
		    c == '+' || c == '/' || c == '=')
			p->b64_chars++;
		else if (c != '\r' && c != '\n' && c != ' ' && c != '\t')
			p->b64_bad++;
	}
}

/* Decode the next chunk into p->out; 0, or -1 at a read error. */
static int part_fill(struct part *p)
{
	gssize r = g_mime_stream_read(p->raw, p->raw_buf, sizeof p->raw_buf);
	if (r < 0) {
		p->failed = 1;
		return -1;
	}
	char *data = p->raw_buf;
	size_t len = (size_t)r, pre = 0;
	int last = r == 0;
	if (last)
		p->done = 1;
	if (p->base64)
		count_base64(p, data, len);
	GMimeFilter *chain[] = {p->codec, p->conv};
	for (size_t k = 0; k < 2; k++) {
		if (!chain[k])
			continue;
		if (last)
			g_mime_filter_complete(chain[k], data, len, pre, &data, &len, &pre);
		else
			g_mime_filter_filter(chain[k], data, len, pre, &data, &len, &pre);
	}
	if (p->html) {
		sb_reset(&p->hbuf);
		html_text(&p->h, data, len, &p->hbuf);
		if (last && p->h.mode == H_ENTITY)
			h_entity_end(&p->h, &p->hbuf, 0);
		data = p->hbuf.buf;
		len = p->hbuf.len;
	}
	p->out = data;
	p->out_len = len;
	p->out_pos = 0;
	return 0;
}

static long part_read(void *ctx, void *buf, size_t n)
{
	struct part *p = ctx;
	if (p->head_pos < p->head_len) { /* already counted */
		size_t k = p->head_len - p->head_pos;
		k = k < n ? k : n;
		memcpy(buf, p->head + p->head_pos, k);
		p->head_pos += k;
		return (long)k;
	}
	if (p->over || p->failed) {
		errno = p->over ? EFBIG : EIO;
		return -1;
	}
	while (p->out_pos == p->out_len) {
		if (p->done)
			return 0;
		if (part_fill(p) != 0) {
			errno = EIO;
			return -1;
		}
	}
	size_t k = p->out_len - p->out_pos;
	k = k < n ? k : n;
	memcpy(buf, p->out + p->out_pos, k);
	p->out_pos += k;
	p->bytes += k;
	p->b->total += k;
	if (p->b->total > p->b->lim->max_bytes)
		p->over = PART_TOTAL;
	else if (p->bytes > p->b->lim->max_entry_bytes)
		p->over = PART_ENTRY;
	if (p->over) {
		errno = EFBIG;
		return -1;
	}
	return (long)k;
}

static void part_close(void *ctx)
{
	(void)ctx; /* the part outlives its input: mime_read frees it */
}

/* 1 when text in charset cs must be converted to UTF-8. */
static int charset_wanted(const char *cs, int convert)
{
	return cs && convert && g_ascii_strcasecmp(cs, "utf-8") != 0 &&
	       g_ascii_strcasecmp(cs, "utf8") != 0 && g_ascii_strcasecmp(cs, "us-ascii") != 0;
}

/* Prepare p to read the content of part: decoded, and for text (charset
 * given) converted to UTF-8 unless convert is 0. */
static int part_open(struct part *p, GMimePart *part, struct budget *b, int text, int html,
		     int convert)
{
	memset(p, 0, offsetof(struct part, raw_buf));
	p->b = b;
	GMimeDataWrapper *w = g_mime_part_get_content(part);
	GMimeStream *s = w ? g_mime_data_wrapper_get_stream(w) : NULL;
	if (!s)
		return -1;
	g_object_ref(s);
	g_mime_stream_reset(s);
	p->raw = s;
	GMimeContentEncoding enc =
	    w ? g_mime_data_wrapper_get_encoding(w) : GMIME_CONTENT_ENCODING_DEFAULT;
	if (enc == GMIME_CONTENT_ENCODING_BASE64 || enc == GMIME_CONTENT_ENCODING_QUOTEDPRINTABLE ||
	    enc == GMIME_CONTENT_ENCODING_UUENCODE)
		p->codec = g_mime_filter_basic_new(enc, FALSE);
	p->base64 = enc == GMIME_CONTENT_ENCODING_BASE64;
	const char *cs =
	    text ? g_mime_object_get_content_type_parameter(GMIME_OBJECT(part), "charset") : NULL;
	if (charset_wanted(cs, convert))
		p->conv = g_mime_filter_charset_new(cs, "UTF-8");
	p->html = html;
	return 0;
}

static void part_free(struct part *p)
{
	if (p->raw)
		g_object_unref(p->raw);
	if (p->codec)
		g_object_unref(p->codec);
	if (p->conv)
		g_object_unref(p->conv);
	sb_free(&p->hbuf);
	free(p->head);
	p->raw = NULL;
	p->codec = p->conv = NULL;
	p->head = NULL;
}

/* ---- the walk ---- */

struct walk {
	const struct mime_visitor *v;
	struct budget b;
	struct mime_stats *st;
	struct strset names; /* member names given, to keep them apart */
	unsigned long unnamed;
	int transcoded;	 /* input.c turned the whole message into UTF-8 */
	int truncated;	 /* GMime: the message ends inside a part */
	int stop;	 /* a limit that ends the email was hit */
	char *last_part; /* the name of the last part read, for a truncation */
};

static void wnote(struct walk *w, enum note_level level, const char *file, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static void wnote(struct walk *w, enum note_level level, const char *file, const char *fmt, ...)
{
	char msg[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	w->v->note(w->v->ctx, level, file, msg);
}

/* "CONTAINER/NAME", NAME's folders dropped, unique in this email. */
static char *member_name(struct walk *w, const char *container, const char *name,
			 const char *fallback)
{
	const char *base = name;
	for (const char *q = name ? name : ""; *q; q++)
		if (*q == '/' || *q == '\\')
			base = q + 1;
	if (!base || !*base || strcmp(base, ".") == 0 || strcmp(base, "..") == 0)
		base = fallback;
	struct strbuf s = {0};
	sb_printf(&s, "%s/%s", container, base);
	for (unsigned k = 2; strset_add_nocase(&w->names, sb_str(&s)); k++) {
		sb_reset(&s);
		sb_printf(&s, "%s/%s (%u)", container, base, k);
	}
	return s.buf;
}

static void remember_last(struct walk *w, const char *name)
{
	free(w->last_part);
	w->last_part = xstrdup(name);
}

/* After a part was read: what its decoding says, and a limit hit. */
static void part_verdict(struct walk *w, struct part *p, const char *name)
{
	if (p->base64 && p->b64_chars % 4)
		wnote(w, NOTE_ERROR, name,
		      "base64 content ends in the middle of a 4-character group (%llu characters): "
		      "the email was cut off inside this part; %llu bytes were decoded and the "
		      "rest of it is lost",
		      (unsigned long long)p->b64_chars, (unsigned long long)p->bytes);
	if (p->b64_bad)
		wnote(w, NOTE_WARNING, name,
		      "%llu characters in its base64 content are not base64; they were skipped",
		      (unsigned long long)p->b64_bad);
	if (p->over == PART_ENTRY)
		wnote(
		    w, NOTE_ERROR, name,
		    "attachment decodes to more than SFDIAG_MAX_ARCHIVE_ENTRY_BYTES (%llu bytes): "
		    "the rest was not read",
		    (unsigned long long)w->b.lim->max_entry_bytes);
	if (p->over == PART_TOTAL) {
		wnote(w, NOTE_ERROR, name,
		      "the email's parts decode to more than SFDIAG_MAX_ARCHIVE_BYTES (%llu "
		      "bytes): the rest of the email was not read",
		      (unsigned long long)w->b.lim->max_bytes);
		w->stop = 1;
	}
	if (p->failed)
		wnote(w, NOTE_ERROR, name, "cannot read the part's content; the rest was lost");
}

/* Count one part against SFDIAG_MAX_ARCHIVE_ENTRIES; 0 when over. */
static int take_part(struct walk *w, const char *container)
{
	if (++w->b.parts <= w->b.lim->max_entries)
		return 1;
	if (!w->stop)
		wnote(w, NOTE_ERROR, container,
		      "more than SFDIAG_MAX_ARCHIVE_ENTRIES (%llu) parts; the rest was not read",
		      (unsigned long long)w->b.lim->max_entries);
	w->stop = 1;
	return 0;
}

static void arc_member(void *ctx, struct input *in)
{
	struct walk *w = ctx;
	w->st->attachments++;
	w->v->member(w->v->ctx, in);
}

static void arc_note(void *ctx, enum note_level level, const char *file, const char *msg)
{
	struct walk *w = ctx;
	w->v->note(w->v->ctx, level, file, msg);
}

static int is_signature(GMimeContentType *ct)
{
	return g_mime_content_type_is_type(ct, "application", "pgp-signature") ||
	       g_mime_content_type_is_type(ct, "application", "pkcs7-signature") ||
	       g_mime_content_type_is_type(ct, "application", "x-pkcs7-signature");
}

/* One leaf part of the container named prefix, whose members have depth. */
static void walk_leaf(struct walk *w, GMimePart *part, const char *prefix, unsigned depth)
{
	GMimeObject *obj = GMIME_OBJECT(part);
	GMimeContentType *ct = g_mime_object_get_content_type(obj);
	const char *filename = g_mime_part_get_filename(part);
	int plain = g_mime_content_type_is_type(ct, "text", "plain");
	int html = g_mime_content_type_is_type(ct, "text", "html");
	int text = (plain || html) && (!filename || !*filename);
	char fallback[96];
	if (text)
		snprintf(fallback, sizeof fallback, "(message text%s)", html ? ", HTML" : "");
	else
		snprintf(fallback, sizeof fallback, "(part %lu, %s/%s)", ++w->unnamed,
			 g_mime_content_type_get_media_type(ct),
			 g_mime_content_type_get_media_subtype(ct));
	char *name = member_name(w, prefix, filename, fallback);
	const char *cs = text ? g_mime_object_get_content_type_parameter(obj, "charset") : NULL;
	if (is_signature(ct)) {
		wnote(w, NOTE_INFO, name, "a cryptographic signature of the message; not read");
		free(name);
		return;
	}
	if (!take_part(w, prefix)) {
		free(name);
		return;
	}
	remember_last(w, name);
	struct part *p = xmalloc(sizeof *p);
	int convert = 1;
	if (w->transcoded) {
		GMimeContentEncoding enc = g_mime_part_get_content_encoding(part);
		convert = enc == GMIME_CONTENT_ENCODING_BASE64 ||
			  enc == GMIME_CONTENT_ENCODING_QUOTEDPRINTABLE ||
			  enc == GMIME_CONTENT_ENCODING_UUENCODE;
	}
	if (part_open(p, part, &w->b, text, text && html, convert) != 0) {
		wnote(w, NOTE_WARNING, name, "part without content; nothing to read");
		w->st->skipped++;
		part_free(p);
		free(p);
		free(name);
		return;
	}
	if (text && p->conv == NULL && charset_wanted(cs, convert))
		wnote(w, NOTE_WARNING, name, "unknown charset \"%s\"; read as it is", cs);
	struct input_source src = {p, part_read, part_close};
	if (!text) {
		/* Read ahead enough to tell an archive; the input replays it. */
		p->head = xmalloc(SFDIAG_PEEK);
		long got = 0, r;
		while ((size_t)got < SFDIAG_PEEK &&
		       (r = part_read(p, p->head + got, SFDIAG_PEEK - (size_t)got)) > 0)
			got += r;
		p->head_len = (size_t)got;
		enum arc_content kind = arc_probe_mem(p->head, p->head_len);
		if (kind == ARC_ARCHIVE && depth >= SFDIAG_MAX_NESTING) {
			wnote(w, NOTE_ERROR, name,
			      "archive nested deeper than SFDIAG_MAX_NESTING (%d) containers; not "
			      "read",
			      SFDIAG_MAX_NESTING);
			w->st->skipped++;
		} else if (kind == ARC_ARCHIVE) {
			struct arc_visitor av = {w, arc_member, arc_note, depth + 1};
			arc_read_source(name, src, w->b.lim, &av);
		} else if (kind == ARC_NONE && arc_needs_seek(p->head, p->head_len)) {
			wnote(
			    w, NOTE_ERROR, name,
			    "a 7z archive keeps its index at its end and cannot be read inside an "
			    "email: save the attachment and give sfdiag the file");
			w->st->skipped++;
		} else {
			struct input *in = input_open_source(name, src);
			input_set_origin(in, depth, 0);
			w->st->attachments++;
			w->v->member(w->v->ctx, in);
		}
	} else {
		struct input *in = input_open_source(name, src);
		input_set_origin(in, depth, 1);
		w->st->texts++;
		w->v->member(w->v->ctx, in);
	}
	part_verdict(w, p, name);
	part_free(p);
	free(p);
	free(name);
}

static void walk(struct walk *w, GMimeObject *obj, const char *prefix, unsigned depth,
		 unsigned level);

static void walk_message(struct walk *w, GMimeMessagePart *mp, const char *prefix, unsigned depth,
			 unsigned level)
{
	GMimeObject *obj = GMIME_OBJECT(mp);
	const char *fn = g_mime_object_get_content_disposition_parameter(obj, "filename");
	if (!fn)
		fn = g_mime_object_get_content_type_parameter(obj, "name");
	char fallback[64];
	snprintf(fallback, sizeof fallback, "(attached email %lu)", ++w->unnamed);
	char *name = member_name(w, prefix, fn, fallback);
	GMimeMessage *m = g_mime_message_part_get_message(mp);
	if (depth >= SFDIAG_MAX_NESTING)
		wnote(w, NOTE_ERROR, name,
		      "attached email nested deeper than SFDIAG_MAX_NESTING (%d) containers; not "
		      "read",
		      SFDIAG_MAX_NESTING);
	else if (m && g_mime_message_get_mime_part(m))
		walk(w, g_mime_message_get_mime_part(m), name, depth + 1, level + 1);
	else
		wnote(w, NOTE_WARNING, name, "attached email without content; nothing to read");
	free(name);
}

static void walk(struct walk *w, GMimeObject *obj, const char *prefix, unsigned depth,
		 unsigned level)
{
	if (w->stop)
		return;
	if (level > SFDIAG_MAX_MIME_DEPTH) {
		wnote(w, NOTE_ERROR, prefix,
		      "parts nested deeper than SFDIAG_MAX_MIME_DEPTH (%d); the deeper ones were "
		      "not read",
		      SFDIAG_MAX_MIME_DEPTH);
		w->stop = 1;
		return;
	}
	if (GMIME_IS_MULTIPART_ENCRYPTED(obj)) {
		wnote(w, NOTE_ERROR, prefix,
		      "an encrypted part (multipart/encrypted) cannot be read; ask for the "
		      "message unencrypted");
		w->st->skipped++;
		return;
	}
	if (GMIME_IS_MULTIPART(obj)) {
		GMimeMultipart *mp = GMIME_MULTIPART(obj);
		int n = g_mime_multipart_get_count(mp);
		GMimeContentType *ct = g_mime_object_get_content_type(obj);
		if (ct && g_mime_content_type_is_type(ct, "multipart", "alternative") && n > 1) {
			/* One rendering of the same text: the plain one if any, else the
			 * last (the richest, RFC 2046 5.1.4). */
			GMimeObject *pick = g_mime_multipart_get_part(mp, n - 1);
			for (int i = 0; i < n; i++) {
				GMimeObject *c = g_mime_multipart_get_part(mp, i);
				GMimeContentType *cct = g_mime_object_get_content_type(c);
				if (cct && g_mime_content_type_is_type(cct, "text", "plain")) {
					pick = c;
					break;
				}
			}
			walk(w, pick, prefix, depth, level + 1);
			return;
		}
		for (int i = 0; i < n && !w->stop; i++)
			walk(w, g_mime_multipart_get_part(mp, i), prefix, depth, level + 1);
		return;
	}
	if (GMIME_IS_MESSAGE_PART(obj)) {
		walk_message(w, GMIME_MESSAGE_PART(obj), prefix, depth, level);
		return;
	}
	if (GMIME_IS_PART(obj))
		walk_leaf(w, GMIME_PART(obj), prefix, depth);
}

static void on_warning(gint64 offset, GMimeParserWarning code, const gchar *item,
		       gpointer user_data)
{
	(void)offset;
	(void)item;
	struct walk *w = user_data;
	if (code == GMIME_WARN_TRUNCATED_MESSAGE)
		w->truncated = 1;
}

/* Copy the raw message into a GMime memory stream; NULL after a note. */
static GMimeStream *slurp(struct input *in, struct walk *w)
{
	char buf[16384], err[256];
	GMimeStream *s = g_mime_stream_mem_new();
	uint64_t total = 0;
	long r;
	while ((r = input_read(in, buf, sizeof buf, err, sizeof err)) > 0) {
		total += (uint64_t)r;
		if (total > SFDIAG_MAX_MAIL_BYTES) {
			wnote(
			    w, NOTE_ERROR, input_name(in),
			    "email larger than SFDIAG_MAX_MAIL_BYTES (%u bytes); not read: ask for "
			    "its attachments as files",
			    SFDIAG_MAX_MAIL_BYTES);
			g_object_unref(s);
			return NULL;
		}
		g_mime_stream_write(s, buf, (size_t)r);
	}
	if (r < 0)
		wnote(w, NOTE_ERROR, input_name(in),
		      "%s after %llu bytes; the rest of the email was not read", err,
		      (unsigned long long)total);
	g_mime_stream_reset(s);
	return s;
}

int mime_read(struct input *in, const struct arc_limits *lim, const struct mime_visitor *v,
	      struct mime_stats *st)
{
	memset(st, 0, sizeof *st);
	pthread_once(&gmime_once, gmime_start);
	struct walk w = {.v = v, .b = {.lim = lim}, .st = st};
	enum input_encoding enc = input_encoding(in);
	w.transcoded = enc != INPUT_UTF8 && enc != INPUT_UTF8_BOM;
	const char *name = input_name(in);
	unsigned depth = input_depth(in);
	if (depth >= SFDIAG_MAX_NESTING) {
		wnote(&w, NOTE_ERROR, name,
		      "email nested deeper than SFDIAG_MAX_NESTING (%d) containers; not read",
		      SFDIAG_MAX_NESTING);
		return -1;
	}
	GMimeStream *s = slurp(in, &w);
	if (!s)
		return -1;
	GMimeParser *parser = g_mime_parser_new_with_stream(s);
	GMimeParserOptions *opts = g_mime_parser_options_new();
	g_mime_parser_options_set_warning_callback(opts, on_warning, &w);
	GMimeMessage *msg = g_mime_parser_construct_message(parser, opts);
	int rc = 0;
	if (!msg || !g_mime_message_get_mime_part(msg)) {
		wnote(&w, NOTE_ERROR, name, "not an email GMime can parse; not read");
		rc = -1;
	} else {
		walk(&w, g_mime_message_get_mime_part(msg), name, depth + 1, 0);
		if (w.truncated)
			wnote(&w, NOTE_ERROR, name,
			      "the email is truncated: it ends inside a part, before the closing "
			      "boundary%s%s%s",
			      w.last_part ? "; the end of " : "", w.last_part ? w.last_part : "",
			      w.last_part ? " is lost" : "");
	}
	if (msg)
		g_object_unref(msg);
	g_object_unref(parser);
	g_mime_parser_options_free(opts);
	g_object_unref(s);
	strset_free(&w.names);
	free(w.last_part);
	return rc;
}
