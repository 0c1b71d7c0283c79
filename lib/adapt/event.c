/*
 * event.c - see event.h.
 */
#include "adapt/event.h"

#include <string.h>

#include "base/util.h"
#include "rules/ruleset.h"

void event_clear(struct event *ev)
{
	memset(ev->val, 0, sizeof ev->val);
	memset(ev->len, 0, sizeof ev->len);
	ev->time_ms = EVENT_NO_TIME;
	ev->zone = TIME_ZONE_NONE;
	ev->time_flags = 0;
	ev->fell_back = 0;
	ev->scratch_len = 0;
}

const char *event_keep(struct event *ev, const char *s, size_t *n)
{
	size_t room = sizeof ev->scratch - ev->scratch_len;
	if (room == 0) {
		*n = 0;
		return "";
	}
	if (*n > room - 1)
		*n = room - 1;
	char *d = ev->scratch + ev->scratch_len;
	memcpy(d, s, *n);
	d[*n] = '\0';
	ev->scratch_len += *n + 1;
	return d;
}

void event_set(struct event *ev, const struct ruleset *rs, int f, const char *v, size_t n)
{
	if (f < 0 || f >= (int)rs->nfields)
		return;
	v = str_trim(v, &n);
	if (n >= 2 && v[0] == '\'' && strchr("=+-@", v[1]) != NULL) {
		v++;
		n--;
	}
	const char *text = rules_code(rs, f, v, n);
	if (text) {
		int cf = rs->code_field_of[f];
		if (cf >= 0) {
			ev->val[cf] = v;
			ev->len[cf] = n;
		}
		v = text;
		n = strlen(text);
	}
	ev->val[f] = v;
	ev->len[f] = n;
	if (f == rs->f.time) {
		struct parsed_time t;
		if (n && time_parse(v, n, &t) == 0) {
			ev->time_ms = t.ms;
			ev->zone = t.zone;
			ev->time_flags = t.flags;
		} else {
			ev->time_ms = EVENT_NO_TIME;
		}
	}
}

void event_finish(struct event *ev, const struct ruleset *rs)
{
	for (size_t i = 0; i < rs->nfallbacks; i++) {
		int f = rs->fallback_list[i], g = rs->fallback[f];
		if ((!ev->val[f] || ev->len[f] == 0) && ev->val[g]) {
			ev->val[f] = ev->val[g];
			ev->len[f] = ev->len[g];
			ev->fell_back |= 1ull << f;
		}
	}
}
