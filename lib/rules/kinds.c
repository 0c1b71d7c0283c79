/*
 * kinds.c - see kinds.h.
 */
#include "rules/kinds.h"

#include <string.h>

const struct kind_def kind_table[KIND_COUNT] = {
    {KIND_LOGIN_HISTORY,
     "login-history",
     {"login", "logins"},
     {"failed login", "failed logins"},
     "JSON: login records",
     "text: login records"},
    {KIND_TOKEN_RESPONSE,
     "token-response",
     {"token response", "token responses"},
     {"token response", "token responses"},
     "JSON: token response",
     "text: token response"},
    {KIND_API_ERROR,
     "api-error",
     {"API error", "API errors"},
     {"API error", "API errors"},
     "JSON: API error",
     "text: API error"},
    {KIND_SETTINGS,
     "settings",
     {"settings file", "settings files"},
     {"settings file", "settings files"},
     "JSON: connection settings",
     "text: connection settings"},
    {KIND_AUDIT_TRAIL,
     "audit-trail",
     {"setup change", "setup changes"},
     {"setup change", "setup changes"},
     "JSON: Setup Audit Trail",
     "text: Setup Audit Trail"},
};

const struct kind_def *kind_first(unsigned kinds)
{
	for (unsigned k = 0; k < KIND_COUNT; k++)
		if (kinds & kind_table[k].bit)
			return &kind_table[k];
	return NULL;
}

unsigned kind_parse(const char *name)
{
	for (unsigned k = 0; k < KIND_COUNT; k++)
		if (strcmp(kind_table[k].name, name) == 0)
			return kind_table[k].bit;
	return 0;
}

const char *kind_name(unsigned kinds)
{
	const struct kind_def *d = kind_first(kinds);
	return d ? d->name : "?";
}
