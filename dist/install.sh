#!/bin/bash
# Installs mlnpool for builds outside Bazel (Make, CMake, Meson, plain cc):
#
#   ./tools/bazel run -c opt //:install -- --prefix=/usr/local
#
# puts under the prefix:
#   include/mln_alloc.h
#   lib/libmlnpool.so.1.1.0, lib/libmlnpool.so.1 -> it, lib/libmlnpool.so -> it
#   lib/libmlnpool.a
#   lib/pkgconfig/mlnpool.pc
# A relative prefix is taken from the directory `bazel run` was started in.
set -euo pipefail

readonly VERSION=1.1.0
readonly SONAME=libmlnpool.so.1

usage() {
  echo "usage: install --prefix=DIR" >&2
  exit 2
}

prefix=""
while [ $# -gt 0 ]; do
  case "$1" in
    --prefix=*) prefix="${1#--prefix=}" ;;
    --prefix) [ $# -ge 2 ] || usage; prefix="$2"; shift ;;
    *) usage ;;
  esac
  shift
done
[ -n "$prefix" ] || usage
case "$prefix" in
  /*) ;;
  *) prefix="${BUILD_WORKING_DIRECTORY:-$PWD}/$prefix" ;;
esac

# The files are runfiles of this script: under `bazel run` and in a test
# alike, the workspace's runfiles root holds them at their source paths.
if [ -d "$0.runfiles/mlnpool" ]; then
  cd "$0.runfiles/mlnpool"
elif [ -n "${RUNFILES_DIR:-}" ] && [ -d "$RUNFILES_DIR/mlnpool" ]; then
  cd "$RUNFILES_DIR/mlnpool"
fi

install -d "$prefix/include" "$prefix/lib/pkgconfig"
install -m 644 alloc/mln_alloc.h "$prefix/include/mln_alloc.h"
install -m 755 dist/libmlnpool.so "$prefix/lib/libmlnpool.so.$VERSION"
ln -sfn "libmlnpool.so.$VERSION" "$prefix/lib/$SONAME"
ln -sfn "$SONAME" "$prefix/lib/libmlnpool.so"
install -m 644 dist/libmlnpool.a "$prefix/lib/libmlnpool.a"
sed -e "s|@PREFIX@|$prefix|" -e "s|@VERSION@|$VERSION|" dist/mlnpool.pc.in >"$prefix/lib/pkgconfig/mlnpool.pc"
chmod 644 "$prefix/lib/pkgconfig/mlnpool.pc"
echo "mlnpool $VERSION installed under $prefix"
