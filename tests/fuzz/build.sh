# build.sh - sourced by run-fuzzers and replay-all: compile the sources
# (the library, lib/*/*.c) and the harnesses in one of two modes.
#
#   fuzz_build clang OUT   clang -fsanitize=fuzzer,address,undefined
#   fuzz_build gcc OUT     gcc -fsanitize=address,undefined + replay.c
#
# HARNESSES lists the harness names; each becomes OUT/NAME.

HARNESSES="fuzz_csv fuzz_csvline fuzz_time fuzz_json fuzz_text fuzz_rules fuzz_archive fuzz_mask fuzz_xlsx fuzz_mime fuzz_render fuzz_settings fuzz_correlate"

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
# FUZZ_SRC: fuzz a patched copy of lib/ (to get past a known bug).
SRC=${FUZZ_SRC:-$ROOT/lib}
LIBS="-lpcre2-8 -lcsv -lcjson -lz -larchive -lexpat $(pkg-config --libs gmime-3.0) -lpthread"
DEFS="-D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE -I$ROOT/include -I$SRC -I$ROOT/tests/fuzz \
-DSFDIAG_DATADIR=\"/nonexistent\" -DSFDIAG_SRCDIR=\"$ROOT\" $(pkg-config --cflags gmime-3.0)"

# fuzz_build MODE OUT: returns non-zero if anything fails to compile.
fuzz_build()
{
	mode=$1 out=$2
	mkdir -p "$out/obj" || return 1
	case $mode in
	clang)
		cc=${FUZZ_CLANG:-clang-14}
		objflags="-fsanitize=fuzzer-no-link,address,undefined"
		linkflags="-fsanitize=fuzzer,address,undefined"
		extra=
		;;
	gcc)
		cc=${FUZZ_GCC:-gcc}
		objflags="-fsanitize=address,undefined"
		linkflags="-fsanitize=address,undefined"
		extra=$ROOT/tests/fuzz/replay.c
		;;
	*) echo "fuzz_build: unknown mode $mode" >&2; return 1 ;;
	esac
	common="-std=c11 -O1 -g -fno-omit-frame-pointer -fno-sanitize-recover=all -pthread -w"
	objs=
	for s in "$SRC"/*/*.c; do
		b=$(basename "$(dirname "$s")")_$(basename "$s" .c)
		objs="$objs $out/obj/$b.o"
	done
	# Compile what is out of date, FUZZ_MAKE_JOBS (2) at a time.
	running=0 failed=0 pids=
	for s in "$SRC"/*/*.c; do
		b=$(basename "$(dirname "$s")")_$(basename "$s" .c)
		o=$out/obj/$b.o
		newer=$(find "$SRC" "$ROOT/include" -name '*.h' -newer "$o" 2>/dev/null | head -1)
		[ -f "$o" ] && [ "$o" -nt "$s" ] && [ -z "$newer" ] && continue
		# shellcheck disable=SC2086
		$cc $common $objflags $DEFS -c -o "$o" "$s" &
		pids="$pids $!"
		running=$((running + 1))
		if [ $running -ge "${FUZZ_MAKE_JOBS:-2}" ]; then
			for p in $pids; do wait "$p" || failed=1; done
			running=0 pids=
		fi
	done
	for p in $pids; do wait "$p" || failed=1; done
	[ $failed -eq 0 ] || return 1
	for h in $HARNESSES; do
		# shellcheck disable=SC2086
		$cc $common $linkflags $DEFS -o "$out/$h" "$ROOT/tests/fuzz/$h.c" $extra $objs $LIBS \
			|| return 1
	done
}
