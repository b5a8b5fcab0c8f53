#!/bin/bash
# SPDX-License-Identifier: MIT
# Installs into a temporary prefix with the real installer, then builds
# link_check.c outside Bazel with cc and pkg-config against it, linked
# against the shared library and against the static archive, and runs both
# (the commands README.md shows; the header's own warning-freeness is
# header_modes_test's).
# Then installs with --libdir and --includedir, relative (under the prefix)
# and absolute, and builds against those installs through pkg-config.
#
#   install_test.sh INSTALLER link_check.c HEADER VERSION_SH
set -euo pipefail
installer="$1"
program="$(realpath "$2")"
version=$(bash "$4" "$3")
major=$(bash "$4" "$3" major)
prefix="$TEST_TMPDIR/prefix"
work="$TEST_TMPDIR/work"
mkdir -p "$work"

"$installer" --prefix="$prefix"
for f in include/mln_alloc.h "lib/libmlnpool.so.$version" lib/libmlnpool.a lib/pkgconfig/mlnpool.pc \
  share/man/man3/mln_alloc.3 share/man/man3/mln_alloc_version.3 share/doc/mlnpool/LICENSE; do
  [ -f "$prefix/$f" ] || { echo "missing $prefix/$f"; exit 1; }
done
[ "$(readlink "$prefix/lib/libmlnpool.so.$major")" = "libmlnpool.so.$version" ] || { echo "bad soname link"; exit 1; }
# Optimised whatever this test's compilation mode: a debug build carries its
# invariant checks' messages (alloc/debug.h).
for f in "$prefix/lib/libmlnpool.so.$version" "$prefix/lib/libmlnpool.a"; do
  if grep -q "invariant failed" "$f"; then echo "$f is a debug build, not the optimised library"; exit 1; fi
done
[ "$(readlink "$prefix/lib/libmlnpool.so")" = "libmlnpool.so.$major" ] || { echo "bad development link"; exit 1; }

export PKG_CONFIG_PATH="$prefix/lib/pkgconfig"
[ "$(pkg-config --modversion mlnpool)" = "$version" ] || { echo "pkg-config does not find mlnpool $version"; exit 1; }

# Shared: the program needs libmlnpool.so.1 and finds it through the prefix.
# shellcheck disable=SC2046 # pkg-config's flags are separate words
cc -o "$work/shared" "$program" $(pkg-config --cflags --libs mlnpool)
readelf -d "$work/shared" | grep -q "Shared library: \[libmlnpool.so.$major\]" ||
  { echo "shared build does not need libmlnpool.so.$major"; exit 1; }
[ "$(LD_LIBRARY_PATH="$prefix/lib" "$work/shared")" = linked ] || { echo "shared build failed"; exit 1; }

# Static: the archive from pkg-config's libdir, its private flags from --static.
# shellcheck disable=SC2046
cc -o "$work/static" "$program" $(pkg-config --cflags mlnpool) \
  "$(pkg-config --variable=libdir mlnpool)/libmlnpool.a" $(pkg-config --static --libs-only-other mlnpool)
if readelf -d "$work/static" | grep -q 'libmlnpool'; then
  echo "static build still needs the shared library"
  exit 1
fi
[ "$("$work/static")" = linked ] || { echo "static build failed"; exit 1; }
echo "installed, and linked shared and static with pkg-config"

# --libdir and --includedir: a relative one is under the prefix, an absolute
# one is taken as it is. Each install is found through its pkg-config file
# alone, and the program built against it runs.
check_dirs() { # PREFIX LIBDIR INCLUDEDIR, then the installer's options
  local at="$1" lib="$2" inc="$3"
  shift 3
  "$installer" --prefix="$at" "$@" >"$work/log"
  for f in "$inc/mln_alloc.h" "$lib/libmlnpool.so.$version" "$lib/libmlnpool.a" "$lib/pkgconfig/mlnpool.pc" \
    "$lib/cmake/mlnpool/mlnpoolConfig.cmake"; do
    [ -f "$f" ] || { echo "$*: missing $f"; cat "$work/log"; exit 1; }
  done
  if [ -e "$at/lib" ] || [ -e "$at/include/mln_alloc.h" ]; then
    echo "$*: the default directories were made too"
    exit 1
  fi
  [ "$(PKG_CONFIG_PATH="$lib/pkgconfig" pkg-config --variable=includedir mlnpool)" = "$inc" ] ||
    { echo "$*: the .pc file's includedir is not $inc"; exit 1; }
  # shellcheck disable=SC2046
  cc -std=c11 -Wall -Wextra -Werror -o "$work/dirs" "$program" $(PKG_CONFIG_PATH="$lib/pkgconfig" pkg-config --cflags --libs mlnpool)
  [ "$(LD_LIBRARY_PATH="$lib" "$work/dirs")" = linked ] || { echo "$*: build against it failed"; exit 1; }
  echo "installed with $*: found through pkg-config, linked"
}
check_dirs "$TEST_TMPDIR/relative" "$TEST_TMPDIR/relative/lib64" "$TEST_TMPDIR/relative/include/mlnpool" \
  --libdir=lib64 --includedir=include/mlnpool
# shellcheck disable=SC2016 # pkg-config's ${prefix}, literally
grep -qx 'libdir=${prefix}/lib64' "$TEST_TMPDIR/relative/lib64/pkgconfig/mlnpool.pc" ||
  { echo "a libdir under the prefix is not written relative to \${prefix}"; exit 1; }
check_dirs "$TEST_TMPDIR/absolute" "$TEST_TMPDIR/elsewhere/lib" "$TEST_TMPDIR/absolute/headers" \
  --libdir "$TEST_TMPDIR/elsewhere/lib" --includedir "$TEST_TMPDIR/absolute/headers"
