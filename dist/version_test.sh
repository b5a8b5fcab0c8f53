#!/bin/bash
# SPDX-License-Identifier: MIT
# The version is written once, in the header's macros; everything else must
# agree with it. Installs into a temporary prefix and checks that the
# library a program runs with reports the version of the header it was
# compiled with (version_check.c, built with pkg-config), and that the
# header's version is the pkg-config file's Version, the CMake package's
# version, the installed library's file name and soname, the newest entry
# of CHANGELOG.md, and the version README.md names.
#
#   version_test.sh INSTALLER version_check.c HEADER VERSION_SH CHANGELOG README
set -euo pipefail
installer="$1"
program="$(realpath "$2")"
header="$3"
version=$(bash "$4" "$header")
major=$(bash "$4" "$header" major)
minor="${version#*.}" minor="${minor%.*}"
changelog="$5"
readme="$6"
prefix="$TEST_TMPDIR/prefix"
work="$TEST_TMPDIR/work"
mkdir -p "$work"
fail=0
check() { # WHAT ACTUAL EXPECTED
  if [ "$2" = "$3" ]; then
    echo "ok: $1: $2"
  else
    echo "FAIL: $1 is '$2', the header's version is '$3'"
    fail=1
  fi
}

# The header's own macros, as a compiler reads them.
printf '#include "mln_alloc.h"\nMLNPOOL_VERSION_STRING MLNPOOL_VERSION\n' >"$work/macros.c"
macros=$(cc -E -P -I"$(dirname "$header")" "$work/macros.c" | tail -n 1 | tr -d '" ')
check "MLNPOOL_VERSION_STRING MLNPOOL_VERSION" "$macros" \
  "$version($major*10000+$minor*100+${version##*.})"

"$installer" --prefix="$prefix" >"$work/install.log"
export PKG_CONFIG_PATH="$prefix/lib/pkgconfig"
# shellcheck disable=SC2046 # pkg-config's flags are separate words
cc -std=c11 -Wall -Wextra -Werror -o "$work/version_check" "$program" $(pkg-config --cflags --libs mlnpool)
check "header and library, at run time" "$(LD_LIBRARY_PATH="$prefix/lib" "$work/version_check")" \
  "header $version library $version"
check "the pkg-config file's Version" "$(pkg-config --modversion mlnpool)" "$version"
check "the installed library's file" "$(cd "$prefix/lib" && ls libmlnpool.so.*.*.*)" "libmlnpool.so.$version"
check "its soname" "$(readelf -d "$prefix/lib/libmlnpool.so.$version" | sed -n 's/.*Library soname: \[\(.*\)\]/\1/p')" \
  "libmlnpool.so.$major"
check "the soname link" "$(readlink "$prefix/lib/libmlnpool.so.$major")" "libmlnpool.so.$version"
check "the CMake package's version" \
  "$(sed -n 's/^set(PACKAGE_VERSION "\(.*\)")$/\1/p' "$prefix/lib/cmake/mlnpool/mlnpoolConfigVersion.cmake")" "$version"
check "the newest release in CHANGELOG.md" "$(sed -n 's/^## \[\([0-9][^]]*\)\].*/\1/p' "$changelog" | head -n 1)" \
  "$version"
check "the installed CHANGELOG.md" "$(cmp -s "$changelog" "$prefix/share/doc/mlnpool/CHANGELOG.md" && echo same)" same

# README.md: every versioned file name it shows is this version's, and the
# CMake request it shows is served by this version (same major, not newer).
while IFS= read -r named; do
  check "README.md's $named" "${named#libmlnpool.so.}" "$version"
done < <(grep -oE 'libmlnpool\.so\.[0-9]+\.[0-9]+\.[0-9]+' "$readme" | sort -u)
while IFS= read -r asked; do
  if [ "${asked%%.*}" != "$major" ] || [ "${asked#*.}" -gt "$minor" ]; then
    echo "FAIL: README.md asks for find_package(mlnpool $asked), which $version does not serve"
    fail=1
  else
    echo "ok: README.md's find_package(mlnpool $asked) is served by $version"
  fi
done < <(grep -oE 'find_package\(mlnpool [0-9]+\.[0-9]+' "$readme" | sed 's/.* //' | sort -u)
exit "$fail"
