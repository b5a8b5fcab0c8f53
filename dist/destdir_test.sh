#!/bin/bash
# SPDX-License-Identifier: MIT
# A staged install, as a package build makes one: DESTDIR=STAGE with
# --prefix=FINAL puts every file under STAGE/FINAL and nothing at FINAL,
# while the pkg-config and CMake files name FINAL, never STAGE. A program
# is then built against the staged tree through pkg-config (its sysroot set
# to STAGE) and run; the staged install is removed again with DESTDIR.
#
#   destdir_test.sh INSTALLER version_check.c HEADER VERSION_SH
set -euo pipefail
installer="$1"
program="$(realpath "$2")"
version=$(bash "$4" "$3")
stage="$TEST_TMPDIR/stage"
final="$TEST_TMPDIR/final/mlnpool" # the place the files would go; never made
work="$TEST_TMPDIR/work"
mkdir -p "$work" # the stage is not made: the installer makes it

DESTDIR="$stage" "$installer" --prefix="$final" >"$work/install.log"
[ ! -e "$TEST_TMPDIR/final" ] || { echo "files went to $final, not under DESTDIR"; exit 1; }
for f in include/mln_alloc.h "lib/libmlnpool.so.$version" lib/libmlnpool.a lib/pkgconfig/mlnpool.pc \
  lib/cmake/mlnpool/mlnpoolConfig.cmake lib/cmake/mlnpool/mlnpoolConfigVersion.cmake \
  share/doc/mlnpool/LICENSE share/doc/mlnpool/CHANGELOG.md share/mlnpool/install_manifest.txt; do
  [ -f "$stage$final/$f" ] || { echo "missing $stage$final/$f"; exit 1; }
done
grep -q "ldconfig not run" "$work/install.log" || { echo "the staged install did not say ldconfig was left"; exit 1; }

# The recorded paths are the final ones.
[ "$(sed -n 's/^prefix=//p' "$stage$final/lib/pkgconfig/mlnpool.pc")" = "$final" ] ||
  { echo "the .pc file's prefix is not $final"; exit 1; }
if grep -rlF "$stage" "$stage$final/lib/pkgconfig" "$stage$final/lib/cmake" "$stage$final/share/mlnpool"; then
  echo "the files above name the staging directory"
  exit 1
fi

# pkg-config finds the staged file, and its sysroot puts the paths under
# the stage.
export PKG_CONFIG_SYSROOT_DIR="$stage" PKG_CONFIG_LIBDIR="$stage$final/lib/pkgconfig"
[ "$(pkg-config --modversion mlnpool)" = "$version" ] || { echo "pkg-config does not find the staged file"; exit 1; }
cflags=$(pkg-config --cflags mlnpool | sed 's/ *$//')
[ "$cflags" = "-I$stage$final/include" ] || { echo "pkg-config's flags do not point into the stage: $cflags"; exit 1; }
# shellcheck disable=SC2046 # pkg-config's flags are separate words
cc -o "$work/staged" "$program" $(pkg-config --cflags --libs mlnpool)
[ "$(LD_LIBRARY_PATH="$stage$final/lib" "$work/staged")" = "header $version library $version" ] ||
  { echo "the program built against the stage does not run"; exit 1; }
echo "staged under DESTDIR, the final prefix recorded, built and run against the stage"

# Uninstall with the same DESTDIR empties the stage again.
DESTDIR="$stage" "$installer" --prefix="$final" --uninstall >"$work/uninstall.log"
left=$(find "$stage" -mindepth 1)
[ -z "$left" ] || { echo "left in the stage after uninstall:"; echo "$left"; exit 1; }
echo "uninstalled from the stage, nothing left"
