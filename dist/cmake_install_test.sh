#!/bin/bash
# SPDX-License-Identifier: MIT
# The source release (mlnpool-X.Y.Z.tar.gz) installs with CMake alone what
# `./tools/bazel run -c opt //:install` installs: it is unpacked, and the
# library configured, built, tested and installed with the README's CMake
# commands, both installs staged with DESTDIR under the same --prefix, and
# compared
#   - file by file: the same paths, links pointing at the same names, every
#     file but the two libraries byte for byte (header, pkg-config and CMake
#     files, man pages, license, changelog, the uninstaller, the manifest);
#   - symbol by symbol: the shared library's soname, needed libraries and
#     exported symbols with their version nodes; the static archive's
#     defined global symbols (its internals are local in both).
#
#   cmake_install_test.sh INSTALLER SOURCE_RELEASE
set -euo pipefail
installer="$1"
release="$2"
work="$TEST_TMPDIR/cmake_install"
mkdir -p "$work/unpacked"
tar -xzf "$release" -C "$work/unpacked"
src=$(echo "$work"/unpacked/mlnpool-*)
[ -f "$src/CMakeLists.txt" ] || { echo "the release has no CMakeLists.txt at its top"; exit 1; }
[ ! -e "$src/.git" ] && [ ! -e "$src/WORKSPACE" ] || { echo "the release carries Bazel or git files"; exit 1; }

# The README's own commands ("Without Bazel": its sh block), run word for
# word in the unpacked release, DIR being the prefix, staged with DESTDIR:
# the snippet a reader copies is the one that is tested. They build the
# suites too, and ctest runs them.
prefix=/usr/local
snippet=$(awk '/^Without Bazel/ { found = 1 } found && /^```sh$/ { inside = 1; next }
  inside && /^```$/ { exit } inside { print }' "$src/README.md")
case "$snippet" in
  *"cmake -S . -B build"*"cmake --install build --prefix DIR"*"ctest --test-dir build"*) ;;
  *) echo "README.md's CMake snippet is not the one this test knows:"; echo "$snippet"; exit 1 ;;
esac
(cd "$src" && DESTDIR="$work/by_cmake" bash -euo pipefail -c "${snippet//DIR/$prefix}") >"$work/cmake.log" 2>&1 ||
  { tail -n 60 "$work/cmake.log"; exit 1; }
grep -q "100% tests passed" "$work/cmake.log" || { echo "ctest did not pass every suite"; tail -n 30 "$work/cmake.log"; exit 1; }
DESTDIR="$work/by_bazel" "$installer" --prefix="$prefix" >"$work/bazel_install.log" 2>&1 ||
  { cat "$work/bazel_install.log"; exit 1; }

a="$work/by_cmake$prefix" b="$work/by_bazel$prefix"
failed=0
differs() { echo "differs: $*"; failed=1; }

# The same paths, each of the same type; links to the same names.
listing() { (cd "$1" && find . -mindepth 1 -printf '%y %p %l\n' | sort); }
if ! diff <(listing "$a") <(listing "$b") >"$work/listing.diff"; then
  differs "the installed files (< cmake, > bazel):"
  cat "$work/listing.diff"
fi

# Every regular file but the libraries, byte for byte.
while read -r path; do
  case "$path" in
    ./lib/libmlnpool.so.* | ./lib/libmlnpool.a) continue ;;
  esac
  [ -f "$b/$path" ] || continue # already reported by the listing
  cmp -s "$a/$path" "$b/$path" || differs "$path"
done < <(cd "$a" && find . -type f | sort)

# The shared library: soname, needed libraries, exported symbols and versions.
so=$(cd "$a/lib" && ls libmlnpool.so.*.*.*)
dynamic() { readelf -dW "$1" | awk '/\((SONAME|NEEDED)\)/ { print $2, $NF }' | sort; }
exports() {
  readelf --dyn-syms -W "$1" | awk '$5 != "LOCAL" && $7 != "UND" && $8 != "" { print $4, $5, $8 }' | sort
}
diff <(dynamic "$a/lib/$so") <(dynamic "$b/lib/$so") || differs "$so: soname or needed libraries"
diff <(exports "$a/lib/$so") <(exports "$b/lib/$so") || differs "$so: exported symbols or their versions"
[ -n "$(exports "$a/lib/$so")" ] || differs "$so exports nothing"

# The static archive: the same global symbols defined, nothing else visible.
globals() { nm -g --defined-only "$1" | awk 'NF == 3 { print $2, $3 }' | sort; }
diff <(globals "$a/lib/libmlnpool.a") <(globals "$b/lib/libmlnpool.a") || differs "libmlnpool.a: global symbols"
[ -n "$(globals "$a/lib/libmlnpool.a")" ] || differs "libmlnpool.a defines nothing"

[ "$failed" -eq 0 ] || exit 1
echo "cmake and bazel installs agree: $(listing "$a" | wc -l) paths," \
  "$(exports "$a/lib/$so" | wc -l) exported symbols, $(globals "$a/lib/libmlnpool.a" | wc -l) archive globals"
