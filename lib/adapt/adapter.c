/*
 * adapter.c - what every adapter shares (see adapter.h).
 */
#include "adapt/adapter.h"

#include <stdarg.h>

#include "base/util.h"

void adapter_note(struct adapter_ctx *ac, enum note_level level, long line, const char *fmt, ...)
{
	struct strbuf sb = {0};
	va_list ap;
	va_start(ap, fmt);
	sb_vprintf(&sb, fmt, ap);
	va_end(ap);
	ac->note(ac->ctx, level, line, sb_str(&sb));
	sb_free(&sb);
}
