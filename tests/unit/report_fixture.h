/*
 * report_fixture.h - the lines every report.conf must have, with neutral
 * texts that name each message's placeholders.  The unit tests that write a
 * rules directory of their own start their report.conf from it, so that a
 * line report.conf comes to require is added here once.
 */
#ifndef SFDIAG_TEST_REPORT_FIXTURE_H
#define SFDIAG_TEST_REPORT_FIXTURE_H

#define UNIT_REPORT_CONF_REQUIRED                                                                  \
	"message coverage-gap  {history_first} {history_last} {events} "                           \
	"{is_are} {span} {where} {it_them}\n"                                                      \
	"message unknown-fix  none\n"                                                              \
	"message unknown-draft  none:\n"                                                           \
	"message page-title  T\n"                                                                  \
	"message change-trigger  {first} {what} {user} {lead} {actor} {change} {title}\n"          \
	"message change-fixed  {time} {actor} {change}\n"                                          \
	"message no-audit-trail  {changes}\n"                                                      \
	"message incident-new  N {last_good}\n"                                                    \
	"incident-window 30m\n"                                                                    \
	"incident-min-tickets 2\n"                                                                 \
	"message advice-old-workbook  A\n"                                                         \
	"message advice-download  A\n"                                                             \
	"message advice-rtf  A\n"                                                                  \
	"message advice-ods  A\n"                                                                  \
	"message advice-email  A\n"                                                                \
	"draft-field login-history status status=Success\n"                                        \
	"draft rule d\n"                                                                           \
	"draft end\n"

#endif
