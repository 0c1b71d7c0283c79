#!/bin/bash
# tools/lint.sh - static analysis of lib/ and cli/ with the committed
# configurations: clang-format (.clang-format), the stage layering
# (tools/check-layers), cppcheck (suppressions in .cppcheck) and clang-tidy
# (.clang-tidy).  Exits non-zero on any finding.  `make lint` runs it; needs cppcheck and
# clang-tidy (Debian: cppcheck clang-tidy).
#
#   tools/lint.sh              all of them
#   tools/lint.sh cppcheck     one of them
#   tools/lint.sh clang-tidy [FILE...]
set -u
cd "$(dirname "$0")/.." || exit 2

# The project's defines, as in the Makefile's CPPFLAGS_ALL.
DEFS="-D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE -Iinclude -Ilib"
# GMime and GLib (lib/input/mime.c), as system headers.
GMIME=$(pkg-config --cflags gmime-3.0 | sed 's/-I/-isystem /g')
TIDY=${CLANG_TIDY:-$(command -v clang-tidy-14 || command -v clang-tidy)}
what=${1:-all}
[ $# -gt 0 ] && shift
fail=0

if [ "$what" = all ] || [ "$what" = format ]; then
	# Every C file as the committed .clang-format lays it out.
	FMT=${CLANG_FORMAT:-$(command -v clang-format-14 || command -v clang-format)}
	[ -n "$FMT" ] || { echo "lint: clang-format missing (apt-get install clang-format)" >&2; exit 2; }
	unformatted=$(for f in $(git ls-files '*.c' '*.h'); do
		"$FMT" --dry-run -Werror "$f" >/dev/null 2>&1 || echo "$f"; done)
	if [ -n "$unformatted" ]; then
		echo "lint: not clang-formatted (run make format):"
		printf '  %s\n' $unformatted
		fail=1
	fi
fi

if [ "$what" = all ] || [ "$what" = layers ]; then
	# The stages of docs/architecture.md: includes, link-level loops, file sizes.
	make -s build/sfdiag >/dev/null && tools/check-layers || fail=1
fi

if [ "$what" = all ] || [ "$what" = cppcheck ]; then
	echo "lint: cppcheck $(cppcheck --version | sed 's/^Cppcheck //')"
	# shellcheck disable=SC2086
	cppcheck --enable=warning,performance,portability --error-exitcode=1 --inline-suppr \
		--suppressions-list=.cppcheck --std=c11 --quiet -j "${LINT_JOBS:-2}" \
		$DEFS -DSFDIAG_DATADIR='"/x"' -DSFDIAG_SRCDIR='"/x"' lib cli || fail=1
fi

if [ "$what" = all ] || [ "$what" = clang-tidy ]; then
	[ -n "$TIDY" ] || { echo "lint: clang-tidy missing (apt-get install clang-tidy)" >&2; exit 2; }
	files=${*:-$(ls lib/*/*.c cli/*.c)}
	echo "lint: $("$TIDY" --version | sed -n 's/.*LLVM version //p')"
	out=$(mktemp)
	# One process per file, LINT_JOBS at a time.
	# shellcheck disable=SC2086
	printf '%s\n' $files | xargs -P "${LINT_JOBS:-2}" -I{} sh -c \
		"\"$TIDY\" --quiet '{}' -- -std=c11 $DEFS $GMIME \
		-DSFDIAG_DATADIR='\"/usr/local/share/sfdiag\"' -DSFDIAG_SRCDIR='\"/x\"' 2>/dev/null" \
		>"$out"
	# Known false positives of the checks kept: FILE:CHECK, with the reason.
	grep -Ev "$(sed -e '/^#/d' -e '/^$/d' <<'FP' | paste -sd'|'
# valist.Uninitialized: va_copy/va_start are there; clang 14's analyzer
# loses track of them through the format attribute (util.c sb_vprintf,
# archive.c note).
lib/base/util\.c:[0-9]+:[0-9]+: warning: .*\[clang-analyzer-valist\.Uninitialized\]
lib/input/archive\.c:[0-9]+:[0-9]+: warning: .*\[clang-analyzer-valist\.Uninitialized\]
# noun(): fi->rule >= 0 indexes rs->rules, never NULL when a rule exists.
lib/report/render_text\.c:[0-9]+:[0-9]+: warning: Dereference of null pointer
# nnotes (size_t) + notes_dropped (uint64_t) are both 64-bit on LP64.
(cli|lib/[a-z]+)/triage[a-z_]*\.c:[0-9]+:[0-9]+: warning: .*\[bugprone-misplaced-widening-cast\]
# getline's result is tested in the loop condition; the analyzer wants it read.
lib/rules/rules\.c:[0-9]+:[0-9]+: warning: Although the value stored to 'got'
# Excessive padding in a small stack struct: a size opinion, not a bug.
warning: Excessive padding in
FP
)" "$out" >"$out.kept"
	mv "$out.kept" "$out"
	if grep -Eq '(warning|error):' "$out"; then
		cat "$out"
		echo "lint: clang-tidy: $(grep -Ec '(warning|error):' "$out") finding(s)"
		fail=1
	fi
	rm -f "$out"
fi
[ $fail -eq 0 ] && echo "lint: clean"
exit $fail
