/*
 * adapt_json.c - JSON inputs: token-endpoint bodies, REST error arrays, HAR
 * files, Postman collections, connection settings, and LoginHistory /
 * LoginEvent records from REST or sf CLI JSON exports.
 *
 * A document is read whole (at most SFDIAG_MAX_JSON_BYTES) and parsed with
 * cJSON; several documents in a row (JSON Lines) are read one after another.
 * Object keys are mapped to fields through the `key` aliases of fields.conf
 * (and, for login records, the header aliases), so no Salesforce key name
 * beyond the HAR and Postman container formats is written here.
 */
#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "adapt/adapter.h"
#include "adapt/json_doc.h"
#include "adapt/text_json.h"
#include "base/util.h"

int json_sniff(const char *head, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		char c = head[i];
		if (c == ' ' || c == '\t' || c == '\r' || c == '\n')
			continue;
		return c == '{' || c == '[';
	}
	return 0;
}

/* ---- small helpers ---- */

static const cJSON *member(const cJSON *obj, const char *key)
{
	return cJSON_IsObject(obj) ? cJSON_GetObjectItemCaseSensitive(obj, key) : NULL;
}

static const char *str_of(const cJSON *v)
{
	return cJSON_IsString(v) && v->valuestring ? v->valuestring : NULL;
}

/* An HTTP status from a JSON number: 100-999, else 0 (never an out-of-range
 * conversion). */
static int http_status(const cJSON *v)
{
	if (!cJSON_IsNumber(v) || !(v->valuedouble >= 100 && v->valuedouble < 1000))
		return 0;
	return (int)v->valuedouble;
}

/* Set field f from a scalar JSON value (numbers and booleans as text). */
static void set_scalar(struct event *ev, const struct ruleset *rs, int f, const cJSON *v)
{
	char num[64];
	size_t n;
	if (cJSON_IsString(v) && v->valuestring) {
		event_set(ev, rs, f, v->valuestring, strlen(v->valuestring));
		return;
	}
	if (cJSON_IsNumber(v)) {
		double d = v->valuedouble;
		/* Whole numbers as integers; the range check comes first, since
		 * converting an out-of-range double to an integer is undefined. */
		if (d > -9e15 && d < 9e15 && d == (double)(long long)d)
			n = (size_t)snprintf(num, sizeof num, "%lld", (long long)d);
		else
			n = (size_t)snprintf(num, sizeof num, "%g", d);
	} else if (cJSON_IsBool(v)) {
		n = (size_t)snprintf(num, sizeof num, "%s", cJSON_IsTrue(v) ? "true" : "false");
	} else {
		return;
	}
	const char *kept = event_keep(ev, num, &n);
	event_set(ev, rs, f, kept, n);
}

/* Set a field by name, from a copy kept in the event. */
static void set_text(struct event *ev, const struct ruleset *rs, int f, const char *s, size_t n)
{
	if (f < 0 || !s)
		return;
	const char *kept = event_keep(ev, s, &n);
	event_set(ev, rs, f, kept, n);
}

/*
 * Split a URL into scheme, host (lower case, no port or credentials) and
 * path (without query), and set them unless already set.  A URL without a
 * scheme ("acme.my.salesforce.com/x") is read as host and path.
 */
static void set_url(struct event *ev, const struct ruleset *rs, const char *url)
{
	if (!url)
		return;
	size_t n = strlen(url);
	url = str_trim(url, &n);
	const char *p = url, *end = url + n;
	const char *sep = NULL;
	for (const char *q = url; q + 2 < end; q++) {
		if (q[0] == ':' && q[1] == '/' && q[2] == '/') {
			sep = q;
			break;
		}
		if (*q == '/')
			break;
	}
	if (sep) {
		set_text(ev, rs, rs->f.scheme, url, (size_t)(sep - url));
		p = sep + 3;
	}
	const char *hend = p;
	while (hend < end && *hend != '/' && *hend != '?' && *hend != '#')
		hend++;
	const char *h = p;
	for (const char *q = p; q < hend; q++)
		if (*q == '@')
			h = q + 1;
	const char *colon = memchr(h, ':', (size_t)(hend - h));
	size_t hn = (size_t)((colon ? colon : hend) - h);
	char host[256];
	if (hn >= sizeof host)
		hn = sizeof host - 1;
	for (size_t i = 0; i < hn; i++)
		host[i] = (h[i] >= 'A' && h[i] <= 'Z') ? (char)(h[i] + 32) : h[i];
	int fh = rs->f.host;
	if (fh >= 0 && !ev->val[fh] && hn)
		set_text(ev, rs, rs->f.host, host, hn);
	const char *pend = hend;
	while (pend < end && *pend != '?' && *pend != '#')
		pend++;
	int fp = rs->f.path;
	if (fp >= 0 && !ev->val[fp] && pend > hend)
		set_text(ev, rs, rs->f.path, hend, (size_t)(pend - hend));
}

/* Decode %XX and + of a form value into out (at most cap-1 bytes). */
static size_t form_decode(const char *s, size_t n, char *out, size_t cap)
{
	size_t o = 0;
	for (size_t i = 0; i < n && o + 1 < cap; i++) {
		char c = s[i];
		if (c == '+') {
			c = ' ';
		} else if (c == '%' && i + 2 < n) {
			char hex[3] = {s[i + 1], s[i + 2], 0};
			char *e;
			long v = strtol(hex, &e, 16);
			if (*e == '\0') {
				c = (char)v;
				i += 2;
			}
		}
		out[o++] = c;
	}
	out[o] = '\0';
	return o;
}

/* From an x-www-form-urlencoded body, set grant_type and user (username). */
static void set_form(struct event *ev, const struct ruleset *rs, const char *body)
{
	if (!body)
		return;
	const char *p = body;
	while (*p) {
		const char *amp = strchr(p, '&');
		size_t len = amp ? (size_t)(amp - p) : strlen(p);
		const char *eq = memchr(p, '=', len);
		if (eq) {
			char val[512];
			size_t kn = (size_t)(eq - p);
			size_t vn = form_decode(eq + 1, len - kn - 1, val, sizeof val);
			if (kn == 10 && memcmp(p, "grant_type", 10) == 0)
				set_text(ev, rs, rs->f.grant_type, val, vn);
			else if (kn == 8 && memcmp(p, "username", 8) == 0)
				set_text(ev, rs, rs->f.user, val, vn);
		}
		if (!amp)
			break;
		p = amp + 1;
	}
}

/* ---- token bodies and REST error items ---- */

unsigned json_response_kind(const struct ruleset *rs, const cJSON *obj, int errors_only)
{
	const int f_error = rs->f.error, f_token = rs->f.access_token;
	const int f_code = rs->f.error_code;
	unsigned kind = 0;
	const cJSON *it;

	if (!cJSON_IsObject(obj))
		return 0;
	/* An OAuth body names error (or access_token); a REST item errorCode. */
	cJSON_ArrayForEach(it, obj)
	{
		char norm[128];
		if (!it->string || cJSON_IsNull(it))
			continue;
		rules_normalize_header(it->string, strlen(it->string), norm, sizeof norm);
		int f = rules_field_for_key(rs, KIND_TOKEN_RESPONSE, norm);
		if (f >= 0 && (f == f_error || (!errors_only && f == f_token)))
			kind = KIND_TOKEN_RESPONSE;
		else if (!kind && f_code >= 0 &&
			 rules_field_for_key(rs, KIND_API_ERROR, norm) == f_code)
			kind = KIND_API_ERROR;
	}
	return kind;
}

unsigned json_response_event(const struct ruleset *rs, const cJSON *obj, struct event *ev)
{
	static const unsigned kinds[] = {KIND_TOKEN_RESPONSE, KIND_API_ERROR};
	unsigned kind = json_response_kind(rs, obj, 0);
	const cJSON *it;

	if (!kind)
		return 0;
	ev->kind = kind;
	cJSON_ArrayForEach(it, obj)
	{
		char norm[128];
		if (!it->string)
			continue;
		rules_normalize_header(it->string, strlen(it->string), norm, sizeof norm);
		for (size_t k = 0; k < sizeof kinds / sizeof kinds[0]; k++) {
			if (kinds[k] != kind)
				continue;
			int f = rules_field_for_key(rs, kind, norm);
			if (f >= 0)
				set_scalar(ev, rs, f, it);
		}
	}
	int fb = rs->f.body_kind;
	if (fb >= 0 && !ev->val[fb])
		set_text(ev, rs, rs->f.body_kind, "json", 4);
	return kind;
}

/* ---- the reader ---- */

/*
 * The line of pos.  Lines are counted on from the last position asked
 * about, so asking in document order (each HAR entry after the last) costs
 * one pass in all, not one pass per entry.
 */
static long line_at(struct jctx *jc, const char *pos)
{
	const char *end = jc->buf + jc->len;
	if (pos > end)
		pos = end;
	if (jc->seen_line == 0 || pos < jc->seen) {
		jc->seen = jc->buf;
		jc->seen_line = jc->line0 > 0 ? jc->line0 : 1;
	}
	for (const char *p = jc->seen; p < pos; p++) {
		p = memchr(p, '\n', (size_t)(pos - p));
		if (!p)
			break;
		jc->seen_line++;
	}
	jc->seen = pos;
	return jc->seen_line;
}

/* The line of the next occurrence of "key" after the last one found. */
static long next_key_line(struct jctx *jc, const char *key, long fallback)
{
	const char *p = jc->hint ? jc->hint : jc->buf;
	const char *hit = strstr(p, key);
	if (!hit)
		return fallback;
	jc->hint = hit + 1;
	return line_at(jc, hit);
}

/* The line of an object in an array, found by its first key (records of
 * one export all start with the same key, in document order); fallback
 * when it has none or the key is spelled with escapes. */
static long item_line(struct jctx *jc, const cJSON *item, long fallback)
{
	char key[136];
	const cJSON *first = cJSON_IsObject(item) ? item->child : NULL;
	if (!first || !first->string || strlen(first->string) > sizeof key - 3)
		return fallback;
	snprintf(key, sizeof key, "\"%s\"", first->string);
	return next_key_line(jc, key, fallback);
}

static void begin(struct jctx *jc, struct event *ev, long line)
{
	event_clear(ev);
	ev->kind = 0; /* set by what the value turns out to be */
	ev->file = jc->ac->file;
	ev->file_seq = jc->ac->file_seq;
	ev->line = line;
}

static void emit(struct jctx *jc, struct event *ev)
{
	event_finish(ev, jc->ac->rs);
	jc->ac->emit(jc->ac->ctx, ev);
}

/* Fill the response part of an HTTP exchange: status, type and body. */
static void response_fields(struct event *ev, const struct ruleset *rs, int status,
			    const char *mime, const char *body, cJSON **parsed)
{
	char num[16];
	if (status > 0) {
		size_t n = (size_t)snprintf(num, sizeof num, "%d", status);
		set_text(ev, rs, rs->f.http_status, num, n);
	}
	if (mime)
		set_text(ev, rs, rs->f.content_type, mime, strlen(mime));
	size_t bn = body ? strlen(body) : 0;
	const char *b = body ? str_trim(body, &bn) : "";
	if (bn == 0) {
		set_text(ev, rs, rs->f.body_kind, "empty", 5);
		return;
	}
	if (b[0] == '{' || b[0] == '[') {
		*parsed = tj_parse_bounded(b, bn);
		const cJSON *o = *parsed;
		if (cJSON_IsArray(o))
			o = cJSON_GetArrayItem(o, 0);
		if (o && json_response_event(rs, o, ev))
			return;
	}
	int html = (bn > 0 && b[0] == '<') || (mime && strstr(mime, "html"));
	set_text(ev, rs, rs->f.body_kind, html ? "html" : "text", 4);
	set_text(ev, rs, rs->f.message, b, bn > 200 ? 200 : bn);
}

/* The kind of an exchange: what the JSON body said, else fields.conf's
 * "exchange" for its URL and status; 0 when it does not concern us. */
static unsigned exchange_kind(const struct ruleset *rs, const char *url, int status)
{
	return url ? rules_exchange_kind(rs, url, strlen(url), status) : 0;
}

/* One HAR entry at line; *used counts those that concern us. */
static void har_entry(struct jctx *jc, const cJSON *e, long line, size_t *used)
{
	const struct ruleset *rs = jc->ac->rs;
	struct event ev;
	const cJSON *req = member(e, "request"), *res = member(e, "response");
	const char *url = str_of(member(req, "url"));
	const cJSON *st = member(res, "status");
	int status = http_status(st);
	unsigned xkind = exchange_kind(rs, url, status);
	if (!xkind)
		return;
	(*used)++;
	jc->ac->records++;
	begin(jc, &ev, line);
	set_url(&ev, rs, url);
	const char *method = str_of(member(req, "method"));
	if (method)
		set_text(&ev, rs, rs->f.method, method, strlen(method));
	const char *when = str_of(member(e, "startedDateTime"));
	if (when)
		set_text(&ev, rs, rs->f.time, when, strlen(when));
	const cJSON *post = member(req, "postData"), *p;
	cJSON_ArrayForEach(p, member(post, "params"))
	{
		const char *name = str_of(member(p, "name")), *value = str_of(member(p, "value"));
		if (name && value && strcmp(name, "grant_type") == 0)
			set_text(&ev, rs, rs->f.grant_type, value, strlen(value));
		else if (name && value && strcmp(name, "username") == 0)
			set_text(&ev, rs, rs->f.user, value, strlen(value));
	}
	set_form(&ev, rs, str_of(member(post, "text")));
	const cJSON *content = member(res, "content");
	cJSON *parsed = NULL;
	response_fields(&ev, rs, status, str_of(member(content, "mimeType")),
			str_of(member(content, "text")), &parsed);
	if (!(ev.kind & (KIND_TOKEN_RESPONSE | KIND_API_ERROR)))
		ev.kind = xkind;
	emit(jc, &ev);
	cJSON_Delete(parsed);
}

static void har_summary(struct jctx *jc, size_t total, size_t used)
{
	if (used == 0)
		adapter_note(
		    jc->ac, NOTE_INFO, 0,
		    "HAR file with %zu entr%s, none to a Salesforce authentication endpoint "
		    "(the \"exchange\" lines of fields.conf)",
		    total, total == 1 ? "y" : "ies");
}

static void read_har(struct jctx *jc, const cJSON *entries)
{
	size_t total = 0, used = 0;
	const cJSON *e;
	cJSON_ArrayForEach(e, entries)
	{
		total++;
		har_entry(jc, e, next_key_line(jc, "\"request\"", 1), &used);
	}
	har_summary(jc, total, used);
}

/* Postman: url is a string or {raw, host[], path[]}. */
static const char *postman_url(const cJSON *url)
{
	if (cJSON_IsString(url))
		return url->valuestring;
	return str_of(member(url, "raw"));
}

static void postman_request(struct event *ev, const struct ruleset *rs, const cJSON *req)
{
	const char *url = postman_url(member(req, "url"));
	if (url && !strstr(url, "{{"))
		set_url(ev, rs, url);
	else if (url)
		set_text(ev, rs, rs->f.path, url, strlen(url)); /* host is a variable */
	const char *method = str_of(member(req, "method"));
	if (method)
		set_text(ev, rs, rs->f.method, method, strlen(method));
	const cJSON *body = member(req, "body"), *kv;
	cJSON_ArrayForEach(kv, member(body, "urlencoded"))
	{
		const char *k = str_of(member(kv, "key")), *v = str_of(member(kv, "value"));
		if (k && v && strcmp(k, "grant_type") == 0)
			set_text(ev, rs, rs->f.grant_type, v, strlen(v));
		else if (k && v && strcmp(k, "username") == 0 && !strstr(v, "{{"))
			set_text(ev, rs, rs->f.user, v, strlen(v));
	}
	set_form(ev, rs, str_of(member(body, "raw")));
}

static void read_postman_items(struct jctx *jc, const cJSON *items, int depth, size_t *n)
{
	const struct ruleset *rs = jc->ac->rs;
	const cJSON *item;
	if (depth > 32)
		return;
	cJSON_ArrayForEach(item, items)
	{
		read_postman_items(jc, member(item, "item"), depth + 1, n);
		const cJSON *resp;
		cJSON_ArrayForEach(resp, member(item, "response"))
		{
			struct event ev;
			long line = next_key_line(jc, "\"originalRequest\"", 1);
			const cJSON *req = member(resp, "originalRequest");
			if (!req)
				req = member(item, "request");
			const char *url = postman_url(member(req, "url"));
			const cJSON *code = member(resp, "code");
			int status = http_status(code);
			unsigned xkind = exchange_kind(rs, url, status);
			if (!xkind)
				continue;
			(*n)++;
			jc->ac->records++;
			begin(jc, &ev, line);
			postman_request(&ev, rs, req);
			cJSON *parsed = NULL;
			const char *mime = NULL;
			const cJSON *h;
			cJSON_ArrayForEach(h, member(resp, "header"))
			{
				const char *k = str_of(member(h, "key"));
				if (k && strcasecmp(k, "content-type") == 0)
					mime = str_of(member(h, "value"));
			}
			response_fields(&ev, rs, status, mime, str_of(member(resp, "body")),
					&parsed);
			if (!(ev.kind & (KIND_TOKEN_RESPONSE | KIND_API_ERROR)))
				ev.kind = xkind;
			emit(jc, &ev);
			cJSON_Delete(parsed);
		}
	}
}

/* Append key to a comma-separated list kept in the event. */
static void list_add(char *list, size_t cap, const char *key)
{
	size_t len = strlen(list);
	snprintf(list + len, cap - len, "%s%s", len ? ", " : "", key);
}

/* Does obj look like connection settings: two keys that `key settings` knows? */
static int settings_like(const struct ruleset *rs, const cJSON *obj)
{
	int known = 0;
	const cJSON *it;
	cJSON_ArrayForEach(it, obj)
	{
		char norm[128];
		if (!it->string || !(cJSON_IsString(it) || cJSON_IsNumber(it)))
			continue;
		rules_normalize_header(it->string, strlen(it->string), norm, sizeof norm);
		known += rules_field_for_key(rs, KIND_SETTINGS, norm) >= 0;
	}
	return known >= 2;
}

static void read_settings(struct jctx *jc, const cJSON *obj, long line)
{
	const struct ruleset *rs = jc->ac->rs;
	char padded[256] = "", empty[256] = "", unknown[512] = "";
	struct event ev;
	const cJSON *it;

	jc->ac->records++;
	begin(jc, &ev, line);
	ev.kind = KIND_SETTINGS;
	cJSON_ArrayForEach(it, obj)
	{
		char norm[128];
		if (!it->string)
			continue;
		rules_normalize_header(it->string, strlen(it->string), norm, sizeof norm);
		int f = rules_field_for_key(rs, KIND_SETTINGS, norm);
		if (f < 0) {
			list_add(unknown, sizeof unknown, it->string);
			continue;
		}
		const char *v = str_of(it);
		if (v) {
			size_t n = strlen(v), tn = n;
			str_trim(v, &tn);
			if (tn == 0)
				list_add(empty, sizeof empty, it->string);
			else if (tn != n)
				list_add(padded, sizeof padded, it->string);
		} else if (cJSON_IsNull(it)) {
			list_add(empty, sizeof empty, it->string);
		}
		set_scalar(&ev, rs, f, it);
	}
	int fb = rs->f.base_url;
	if (fb >= 0 && ev.val[fb])
		set_url(&ev, rs, ev.val[fb]);
	set_text(&ev, rs, rs->f.padded, padded, strlen(padded));
	set_text(&ev, rs, rs->f.empty, empty, strlen(empty));
	set_text(&ev, rs, rs->f.unknown_keys, unknown, strlen(unknown));
	if (unknown[0])
		adapter_note(jc->ac, NOTE_INFO, line, "settings keys sfdiag does not know: %s",
			     unknown);
	emit(jc, &ev);
}

/* LoginHistory / LoginEvent records: keys mapped like CSV headers, through
 * a key_cache (json_doc.h). */

static int record_key_field(const struct ruleset *rs, struct key_cache *kc, size_t pos,
			    const char *key)
{
	if (pos < kc->n && strcmp(kc->key[pos], key) == 0)
		return kc->field[pos];
	for (size_t i = 0; i < kc->n; i++)
		if (strcmp(kc->key[i], key) == 0)
			return kc->field[i];
	char norm[128];
	int rank;
	rules_normalize_header(key, strlen(key), norm, sizeof norm);
	int f = rules_field_for_header(rs, norm, &rank);
	if (kc->n < sizeof kc->key / sizeof kc->key[0] && strlen(key) < sizeof kc->key[0]) {
		memcpy(kc->key[kc->n], key, strlen(key) + 1);
		kc->field[kc->n++] = f;
	}
	return f;
}

/* Fill ev from the members of obj through the `key audit-trail` aliases;
 * a nested object (CreatedBy: {Username: ...}) is read one level down as
 * "CreatedBy.Username".  Returns a bit set: 1 a time, 2 a sentence or code. */
static int audit_members(const struct ruleset *rs, const cJSON *obj, const char *prefix,
			 struct event *ev)
{
	const cJSON *it;
	int got = 0;
	cJSON_ArrayForEach(it, obj)
	{
		if (!it->string)
			continue;
		char key[160], norm[160];
		snprintf(key, sizeof key, "%s%s%s", prefix, *prefix ? "." : "", it->string);
		if (cJSON_IsObject(it) && !*prefix) {
			got |= audit_members(rs, it, it->string, ev);
			continue;
		}
		rules_normalize_header(key, strlen(key), norm, sizeof norm);
		int f = rules_field_for_key(rs, KIND_AUDIT_TRAIL, norm);
		if (f < 0 || ev->val[f])
			continue;
		set_scalar(ev, rs, f, it);
		if (!ev->val[f])
			continue;
		got |= f == rs->f.time ? 1 : 0;
		got |= f == rs->f.display || f == rs->f.action ? 2 : 0;
	}
	return got;
}

/* One SetupAuditTrail record (REST, sf data query --json): emitted (1)
 * when it has a time and a sentence or code. */
static int audit_event(struct jctx *jc, const cJSON *rec, long line)
{
	const struct ruleset *rs = jc->ac->rs;
	struct event ev;
	begin(jc, &ev, line);
	ev.kind = KIND_AUDIT_TRAIL;
	if (audit_members(rs, rec, "", &ev) != 3)
		return 0;
	jc->ac->records++;
	emit(jc, &ev);
	return 1;
}

/* One login record object at line: emitted (1) when it has a status. */
static int record_event(struct jctx *jc, const cJSON *rec, long line, struct key_cache *kc)
{
	const struct ruleset *rs = jc->ac->rs;
	struct event ev;
	int has_status = 0;
	const cJSON *it;
	size_t pos = 0;
	if (!cJSON_IsObject(rec))
		return 0;
	begin(jc, &ev, line);
	ev.kind = KIND_LOGIN_HISTORY;
	cJSON_ArrayForEach(it, rec)
	{
		if (!it->string)
			continue;
		int f = record_key_field(rs, kc, pos++, it->string);
		if (f < 0)
			continue;
		has_status |= f == rs->f.status;
		set_scalar(&ev, rs, f, it);
	}
	if (!has_status)
		return audit_event(jc, rec, line);
	jc->ac->records++;
	emit(jc, &ev);
	return 1;
}

static int read_login_records(struct jctx *jc, const cJSON *records, long line)
{
	const cJSON *rec;
	struct key_cache kc = {.n = 0};
	int any = 0;
	cJSON_ArrayForEach(rec, records) any |=
	    record_event(jc, rec, item_line(jc, rec, line), &kc);
	return any;
}

/*
 * A document that is one array of objects, or one object with such an
 * array at one of the paths of fields.conf `array` (REST query results,
 * `sf data query --json`, REST error bodies, and with `har` a HAR's
 * entries): the byte ranges of the array's elements, so that each can be
 * parsed alone instead of the whole document as one tree.  Returns how many
 * (spans in *out, malloc'd; *har set for a `har` path), or -1 for any other
 * shape.
 */
struct span {
	size_t start, end;
};

const struct json_array *json_layout_at(const struct ruleset *rs, char last[][64], const char *open,
					size_t depth)
{
	for (size_t i = 0; i < rs->narrays; i++) {
		const struct json_array *a = &rs->arrays[i];
		if (a->nparts != depth)
			continue;
		size_t k = 0;
		while (k < depth && open[k] == '{' && strcmp(last[k + 1], a->part[k]) == 0)
			k++;
		if (k == depth)
			return a;
	}
	return NULL;
}

static long find_elements(const struct ruleset *rs, const char *s, size_t n, struct span **out,
			  int *har)
{
	/* The last string seen at each depth, and each depth's container, as
	 * deep as a layout path goes. */
	char last[SFDIAG_MAX_JSON_PATH + 1][64];
	char open[SFDIAG_MAX_JSON_PATH + 1];
	size_t depth = 0, arr = 0, nel = 0, cap = 0, el_start = 0;
	int in_arr = 0, in_el = 0, done = 0;
	struct span *el = NULL;
	memset(last, 0, sizeof last);
	memset(open, 0, sizeof open);
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		if (c == '"') {
			size_t j = i + 1;
			while (j < n && s[j] != '"')
				j += s[j] == '\\' ? 2 : 1;
			if (j >= n)
				goto fail; /* an open string */
			if (depth <= SFDIAG_MAX_JSON_PATH && !in_el) {
				size_t len = j - i - 1;
				/* Longer than any path key: it can match none. */
				snprintf(last[depth], sizeof last[depth], "%.*s",
					 len < sizeof last[depth] ? (int)len : 0, s + i + 1);
			}
			i = j;
			continue;
		}
		if (c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == ',' || c == ':')
			continue;
		if (done)
			goto fail; /* more than one value, or text after it */
		if (c == '{' || c == '[') {
			if (in_arr && depth == arr && !in_el) {
				if (c != '{')
					goto fail;
				in_el = 1;
				el_start = i;
			} else if (!in_arr && !nel && c == '[') {
				const struct json_array *a = NULL;
				if (depth == 0 ||
				    (depth <= SFDIAG_MAX_JSON_PATH &&
				     (a = json_layout_at(rs, last, open, depth)) != NULL)) {
					in_arr = 1;
					arr = depth + 1;
					*har = a && a->har;
				}
			}
			if (depth <= SFDIAG_MAX_JSON_PATH)
				open[depth] = c;
			depth++;
		} else if (c == '}' || c == ']') {
			if (depth == 0)
				goto fail;
			depth--;
			if (in_el && depth == arr) {
				el = xgrow(el, &cap, nel + 1, sizeof *el);
				el[nel++] = (struct span){el_start, i + 1};
				in_el = 0;
			} else if (in_arr && depth == arr - 1) {
				in_arr = 0;
			}
			done = depth == 0;
		} else if ((in_arr && depth == arr && !in_el) || depth == 0) {
			goto fail; /* a scalar element, or a scalar document */
		}
	}
	/* One value, closed, with its array found and ended. */
	if (!done || in_arr || nel == 0)
		goto fail;
	*out = el;
	return (long)nel;
fail:
	free(el);
	return -1;
}

/* The member of v at the path of a, or NULL. */
static const cJSON *member_at(const cJSON *v, const struct json_array *a)
{
	for (size_t k = 0; v && k < a->nparts; k++)
		v = member(v, a->part[k]);
	return v;
}

/* The first occurrence of the C string k in p[0..n), or NULL. */
static const char *find_bytes(const char *p, size_t n, const char *k)
{
	size_t kn = strlen(k);
	for (const char *q = p; kn && (size_t)(p + n - q) >= kn;) {
		q = memchr(q, k[0], (size_t)(p + n - q) - kn + 1);
		if (!q)
			return NULL;
		if (memcmp(q, k, kn) == 0)
			return q;
		q++;
	}
	return NULL;
}

/* 1 when one of obj's keys maps to the status field and holds text: a login
 * record (LoginHistory, LoginEvent, or ELF Login with LOGIN_STATUS).  A
 * number there is some other document's status (the sf CLI's --json error
 * output says "status": 1). */
static int has_status_key(const struct jctx *jc, const cJSON *obj)
{
	const struct ruleset *rs = jc->ac->rs;
	const cJSON *it;
	size_t pos = 0;
	if (!cJSON_IsObject(obj))
		return 0;
	cJSON_ArrayForEach(it, obj)
	{
		if (it->string && record_key_field(rs, jc->kc, pos++, it->string) == rs->f.status &&
		    cJSON_IsString(it))
			return 1;
	}
	return 0;
}

/*
 * The login record in the object v of a JSON Lines file: v itself, or the
 * one member a log shipper wrapped it in ({"@timestamp": ..., "event":
 * {...}}), given as an object or as a JSON text in a string ({"message":
 * "{\"Status\": ...}"}).  NULL when there is none; *owned is the parsed
 * string, for the caller to free.
 */
static const cJSON *login_record_of(const struct jctx *jc, const cJSON *v, cJSON **owned)
{
	const cJSON *it;
	*owned = NULL;
	if (has_status_key(jc, v))
		return v;
	if (!cJSON_IsObject(v))
		return NULL;
	cJSON_ArrayForEach(it, v)
	{
		if (cJSON_IsObject(it) && has_status_key(jc, it))
			return it;
		const char *text = cJSON_IsString(it) ? it->valuestring : NULL;
		while (text && (*text == ' ' || *text == '\t'))
			text++;
		if (!text || *text != '{')
			continue;
		cJSON *inner = tj_parse_bounded(text, strlen(text));
		if (inner && has_status_key(jc, inner)) {
			*owned = inner;
			return inner;
		}
		cJSON_Delete(inner);
	}
	return NULL;
}

int json_element(struct jctx *jc, struct json_elems *st, const char *p, size_t len, long line)
{
	const struct ruleset *rs = jc->ac->rs;
	const char *stop = NULL;
	cJSON *v = cJSON_ParseWithLengthOpts(p, len, &stop, 0);
	if (!v) {
		st->stop = stop ? stop : p;
		return -1;
	}
	st->total++;
	int used = 0;
	if (st->har) {
		/* An entry cites the line of its "request". */
		const char *q = find_bytes(p, len, "\"request\"");
		har_entry(jc, v, q ? line_at(jc, q) : line, &st->used);
		used = 1;
	} else {
		const char *q = memchr(p, '"', len);
		struct event ev;
		if (q)
			line = line_at(jc, q);
		if (st->responses < 0) {
			begin(jc, &ev, line);
			st->responses = json_response_event(rs, v, &ev) != 0;
		}
		if (st->responses) {
			begin(jc, &ev, line);
			jc->ac->records++;
			if (json_response_event(rs, v, &ev))
				emit(jc, &ev);
			else
				jc->ac->skipped++;
			used = 1;
		} else if (!(used = record_event(jc, v, line, &st->kc))) {
			/* A record a log shipper wrapped one level down. */
			cJSON *owned;
			struct key_cache *kc = jc->kc;
			jc->kc = &st->kc;
			const cJSON *rec = login_record_of(jc, v, &owned);
			jc->kc = kc;
			if (rec && rec != v)
				used = record_event(jc, rec, line, &st->kc);
			cJSON_Delete(owned);
		}
	}
	cJSON_Delete(v);
	st->any |= used;
	return used;
}

void json_elems_finish(struct jctx *jc, const struct json_elems *st)
{
	if (st->har && st->any)
		har_summary(jc, st->total, st->used);
}

/*
 * Read the elements find_elements found, each parsed alone: REST error
 * items when the first is one, else login records.  Returns 1 when that
 * reading stands; 0 when nothing was emitted and the document should be
 * read whole instead (no record had a status, or an element does not parse).
 */
static int read_elements(struct jctx *jc, const struct span *el, size_t n, int har)
{
	struct json_elems st = {.har = har, .responses = -1};
	for (size_t i = 0; i < n; i++) {
		const char *p = jc->buf + el[i].start;
		size_t len = el[i].end - el[i].start;
		if (json_element(jc, &st, p, len, line_at(jc, p)) < 0) {
			if (!st.any)
				return 0;
			adapter_note(
			    jc->ac, NOTE_ERROR, line_at(jc, st.stop),
			    "invalid or truncated JSON (parsing stopped here); the rest of the "
			    "file was not read");
			return 1;
		}
	}
	json_elems_finish(jc, &st);
	return st.any;
}

/* One top-level JSON value. */
static void read_value(struct jctx *jc, const cJSON *v, long line)
{
	const struct ruleset *rs = jc->ac->rs;
	struct event ev;

	for (size_t i = 0; i < rs->narrays; i++) {
		const cJSON *entries = rs->arrays[i].har ? member_at(v, &rs->arrays[i]) : NULL;
		if (cJSON_IsArray(entries)) {
			read_har(jc, entries);
			return;
		}
	}
	if (cJSON_IsArray(member(v, "item"))) {
		size_t n = 0;
		read_postman_items(jc, member(v, "item"), 0, &n);
		if (n == 0)
			adapter_note(jc->ac, NOTE_INFO, line,
				     "Postman collection with no saved response from a Salesforce "
				     "authentication endpoint");
		return;
	}
	const cJSON *records = NULL; /* the first `array` path that v has */
	for (size_t i = 0; i < rs->narrays && !records; i++)
		if (!rs->arrays[i].har)
			records = member_at(v, &rs->arrays[i]);
	if (cJSON_IsArray(records) || cJSON_IsArray(v)) {
		const cJSON *arr = records ? records : v;
		const cJSON *first = cJSON_GetArrayItem(arr, 0);
		begin(jc, &ev, line);
		if (first && json_response_event(rs, first, &ev)) {
			const cJSON *item;
			cJSON_ArrayForEach(item, arr)
			{
				begin(jc, &ev, item_line(jc, item, line));
				jc->ac->records++;
				if (json_response_event(rs, item, &ev))
					emit(jc, &ev);
				else
					jc->ac->skipped++;
			}
			return;
		}
		if (read_login_records(jc, arr, line))
			return;
	}
	begin(jc, &ev, line);
	if (json_response_event(rs, v, &ev)) {
		jc->ac->records++;
		emit(jc, &ev);
		return;
	}
	cJSON *owned;
	const cJSON *rec = login_record_of(jc, v, &owned);
	if (rec) {
		record_event(jc, rec, line, jc->kc);
		cJSON_Delete(owned);
		return;
	}
	if (cJSON_IsObject(v)) {
		if (settings_like(rs, v)) {
			read_settings(jc, v, line);
			return;
		}
		/* Settings are often one level down: {"salesforce": {...}}. */
		const cJSON *it;
		cJSON_ArrayForEach(it, v)
		{
			if (cJSON_IsObject(it) && settings_like(rs, it)) {
				read_settings(jc, it, line);
				return;
			}
		}
	}
	/* No shape known: an error object deeper down, or a signature in a
	 * string (sf --json puts the error in message and stack). */
	if (jc->ac->json_unknown && jc->ac->json_unknown(v, line, jc->ac) > 0) {
		jc->ac->records++;
		return;
	}
	adapter_note(jc->ac, NOTE_ERROR, line,
		     "JSON not recognised: not a token response, REST error, HAR, Postman "
		     "collection, connection settings or login records");
}

/* Deepest bracket nesting outside strings, to refuse absurd depth before
 * cJSON recurses, and the values of the tree cJSON would build (brackets
 * and commas outside strings, plus one: never fewer than there are). */
static size_t json_depth(const char *s, size_t n, uint64_t *nodes)
{
	size_t depth = 0, max = 0;
	uint64_t k = 1;
	int in_str = 0;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		if (in_str) {
			if (c == '\\')
				i++;
			else if (c == '"')
				in_str = 0;
		} else if (c == '"') {
			in_str = 1;
		} else if (c == '{' || c == '[') {
			k++;
			if (++depth > max)
				max = depth;
		} else if ((c == '}' || c == ']') && depth) {
			depth--;
		} else if (c == ',') {
			k++;
		}
	}
	*nodes = k;
	return max;
}

int json_doc_read(struct jctx *jc)
{
	struct adapter_ctx *ac = jc->ac;
	uint64_t nodes;
	size_t depth = json_depth(jc->buf, jc->len, &nodes);
	long line0 = jc->line0 > 1 ? jc->line0 : 0; /* 0: the whole file */
	if (depth > SFDIAG_MAX_JSON_DEPTH) {
		adapter_note(
		    ac, NOTE_ERROR, line0,
		    "JSON nested %zu levels deep, over SFDIAG_MAX_JSON_DEPTH (%d); not read", depth,
		    SFDIAG_MAX_JSON_DEPTH);
		return -2;
	}
	if (nodes > SFDIAG_MAX_JSON_NODES) {
		adapter_note(ac, NOTE_ERROR, line0,
			     "JSON document of over %llu values, more than SFDIAG_MAX_JSON_NODES "
			     "(%u) in one tree; not read",
			     (unsigned long long)nodes - 1, SFDIAG_MAX_JSON_NODES);
		return -2;
	}
	/* One array of records, errors or HAR entries: parse it an element at a time, which
	 * takes a fraction of the memory of one tree for the whole document. */
	struct span *el = NULL;
	int har = 0;
	long nel = find_elements(ac->rs, jc->buf, jc->len, &el, &har);
	int done = nel > 0 && read_elements(jc, el, (size_t)nel, har);
	free(el);
	if (done)
		return 0;
	const char *p = jc->buf, *end = jc->buf + jc->len;
	int rc = 0;
	while (p < end) {
		while (p < end && (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n'))
			p++;
		if (p >= end)
			break;
		const char *stop = NULL;
		cJSON *v = cJSON_ParseWithLengthOpts(p, (size_t)(end - p), &stop, 0);
		long line = line_at(jc, p);
		if (!v) {
			long eline = stop ? line_at(jc, stop) : line;
			adapter_note(
			    ac, NOTE_ERROR, eline,
			    "invalid or truncated JSON (parsing stopped here); the rest of the "
			    "file was not read");
			rc = -1;
			break;
		}
		read_value(jc, v, line);
		cJSON_Delete(v);
		p = stop ? stop : end;
	}
	return rc;
}
