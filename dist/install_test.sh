#!/bin/bash
# Installs into a temporary prefix with the real installer, then builds
# link_check.c outside Bazel with cc and pkg-config against it, linked
# against the shared library and against the static archive, and runs both.
set -euo pipefail
installer="$1"
program="$(realpath "$2")"
prefix="$TEST_TMPDIR/prefix"
work="$TEST_TMPDIR/work"
mkdir -p "$work"

"$installer" --prefix="$prefix"
for f in include/mln_alloc.h lib/libmlnpool.so.1.1.0 lib/libmlnpool.a lib/pkgconfig/mlnpool.pc; do
  [ -f "$prefix/$f" ] || { echo "missing $prefix/$f"; exit 1; }
done
[ "$(readlink "$prefix/lib/libmlnpool.so.1")" = libmlnpool.so.1.1.0 ] || { echo "bad soname link"; exit 1; }
[ "$(readlink "$prefix/lib/libmlnpool.so")" = libmlnpool.so.1 ] || { echo "bad development link"; exit 1; }

export PKG_CONFIG_PATH="$prefix/lib/pkgconfig"
[ "$(pkg-config --modversion mlnpool)" = 1.1.0 ] || { echo "pkg-config does not find mlnpool"; exit 1; }

# Shared: the program needs libmlnpool.so.1 and finds it through the prefix.
# shellcheck disable=SC2046 # pkg-config's flags are separate words
cc -std=c11 -Wall -Wextra -Werror -o "$work/shared" "$program" $(pkg-config --cflags --libs mlnpool)
readelf -d "$work/shared" | grep -q 'Shared library: \[libmlnpool.so.1\]' ||
  { echo "shared build does not need libmlnpool.so.1"; exit 1; }
[ "$(LD_LIBRARY_PATH="$prefix/lib" "$work/shared")" = linked ] || { echo "shared build failed"; exit 1; }

# Static: the archive from pkg-config's libdir, its private flags from --static.
libdir="$(pkg-config --variable=libdir mlnpool)"
# shellcheck disable=SC2046
cc -std=c11 -Wall -Wextra -Werror -o "$work/static" "$program" $(pkg-config --cflags mlnpool) \
  "$libdir/libmlnpool.a" $(pkg-config --static --libs-only-other mlnpool)
if readelf -d "$work/static" | grep -q 'libmlnpool'; then
  echo "static build still needs the shared library"
  exit 1
fi
[ "$("$work/static")" = linked ] || { echo "static build failed"; exit 1; }
echo "installed, and linked shared and static with pkg-config"
