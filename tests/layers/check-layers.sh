#!/bin/sh
# check-layers.sh - scripts/check-layers fails on what it must refuse: a
# copy of src/ that passes is given one bad line at a time (an upward
# include, a sideways one, interop reaching past api/common.h, libevent in
# service/, jansson in domain/, cairo or pango outside service/pdf.c, a file
# over 800 lines) and each copy must
# fail, naming the file. Then the build's views (<builddir>/layers/, made
# by meson.build) must refuse an upward include at compile time too.
# Usage: tests/layers/check-layers.sh [BUILD_DIR]   (run by scripts/test)
set -eu
cd "$(dirname "$0")/../.."
top=$(pwd)
build=${1:-build}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fails=0

fresh() {
	rm -rf "$tmp/tree"
	mkdir -p "$tmp/tree"
	cp -R src "$tmp/tree/src"
}

# expect_fail FILE WHAT: check-layers must fail on the tree and name FILE
expect_fail() {
	if "$top/scripts/check-layers" "$tmp/tree" >"$tmp/out" 2>&1; then
		echo "FAIL: check-layers passed with $2 in $1"
		fails=$((fails + 1))
	elif ! grep -q "^$1" "$tmp/out"; then
		echo "FAIL: check-layers failed on $2 but did not name $1:"
		cat "$tmp/out"
		fails=$((fails + 1))
	else
		echo "ok: $2 refused ($(grep "^$1" "$tmp/out" | head -n 1))"
	fi
}

# plant FILE LINE: appends LINE to FILE in a fresh copy (at the end, so it
# is never inside the comment that opens a file)
plant() {
	fresh
	printf '%s\n' "$2" >>"$tmp/tree/$1"
}

fresh
if ! "$top/scripts/check-layers" "$tmp/tree" >"$tmp/out" 2>&1; then
	echo "FAIL: check-layers refuses the tree as it is:"
	cat "$tmp/out"
	exit 1
fi
echo "ok: the tree as it is passes"

plant src/service/svc.c '#include "app/app.h"'
expect_fail src/service/svc.c "an upward include (service -> app)"
plant src/store/store.c '#include "service/svc.h"'
expect_fail src/store/store.c "an upward include (store -> service)"
plant src/store/pg/case.c '#include "service/svc.h"'
expect_fail src/store/pg/case.c "an upward include from an engine's folder (store/pg -> service)"
plant src/store/sqlite/engine.c '#include <event2/http.h>'
expect_fail src/store/sqlite/engine.c "libevent in store/sqlite/"
plant src/api/cases.c '#include "interop/interop.h"'
expect_fail src/api/cases.c "a sideways include (api -> interop)"
plant src/interop/hotline.c '#include "api/api.h"'
expect_fail src/interop/hotline.c "interop including more of api/ than api/common.h"
plant src/service/outbox.c '#include <event2/http.h>'
expect_fail src/service/outbox.c "libevent in service/"
plant src/service/notice.c '#include <pango/pangocairo.h>'
expect_fail src/service/notice.c "pango outside the PDF builder (service/pdf.c)"
plant src/api/notices.c '#include <cairo.h>'
expect_fail src/api/notices.c "cairo in api/"
plant src/domain/case/flow.c '#include <jansson.h>'
expect_fail src/domain/case/flow.c "jansson in domain/"
plant src/domain/case/flow.c '#include "flow.h"'
expect_fail src/domain/case/flow.c "an include that names no layer"
fresh
awk 'BEGIN { for (i = 0; i < 801; i++) print "/* filler */" }' >"$tmp/tree/src/util/long.c"
expect_fail src/util/long.c "a file over 800 lines"
fresh
awk 'BEGIN { for (i = 0; i < 801; i++) print "/* filler */" }' >>"$tmp/tree/src/store/pg/engine.c"
expect_fail src/store/pg/engine.c "an engine file over 800 lines (no exceptions)"

# the build: a layer compiles against a view of itself and the layers below
# (meson.build), so these includes must find no file there
cc=${CC:-cc}
# refused LAYER INCLUDE WHAT
refused() {
	view="$build/layers/$1"
	printf '#include "%s"\n' "$2" >"$tmp/bad.c"
	if [ ! -d "$view" ]; then
		echo "FAIL: no $view: set up the build first (meson setup $build)"
		fails=$((fails + 1))
	elif "$cc" -fsyntax-only -I"$view" "$tmp/bad.c" 2>/dev/null; then
		echo "FAIL: $3 compiles in $view"
		fails=$((fails + 1))
	else
		echo "ok: $3 does not build in $view"
	fi
}
printf '#include "util/err.h"\n#include "domain/audit.h"\n' >"$tmp/down.c"
if ! "$cc" -fsyntax-only -I"$build/layers/service" "$tmp/down.c" 2>"$tmp/cc.out"; then
	echo "FAIL: a downward include does not compile in $build/layers/service:"
	cat "$tmp/cc.out"
	fails=$((fails + 1))
fi
refused service app/app.h "an upward include (service -> app)"
refused api interop/interop.h "a sideways include (api -> interop)"
refused interop api/api.h "interop including more of api/ than api/common.h"

if [ "$fails" -ne 0 ]; then
	echo "check-layers.sh: $fails failed"
	exit 1
fi
echo "check-layers.sh: all passed"
