#!/bin/bash
# SPDX-License-Identifier: MIT
# Installs into a temporary prefix, then builds version_check.c outside
# Bazel with CMake through the installed package, as the README shows:
# find_package(mlnpool 1.2 CONFIG REQUIRED), one program linked with
# mlnpool::mlnpool (shared) and one with mlnpool::mlnpool_static, both run.
# Then: which versions the package answers (same major, not newer), and the
# installed tree moved elsewhere is still found and builds (the package's
# paths are relative to itself).
#
#   cmake_package_test.sh INSTALLER version_check.c HEADER VERSION_SH
set -euo pipefail
installer="$1"
program="$(realpath "$2")"
version=$(bash "$4" "$3")
major=$(bash "$4" "$3" major)
minor="${version#*.}" minor="${minor%.*}"
prefix="$TEST_TMPDIR/prefix"
work="$TEST_TMPDIR/work"
mkdir -p "$work/consumer"
# CMake keeps a per-user package registry under $HOME: not the real one.
export HOME="$TEST_TMPDIR/home"

"$installer" --prefix="$prefix" >"$work/install.log"

cp "$program" "$work/consumer/server.c"
cat >"$work/consumer/CMakeLists.txt" <<'CMAKE'
cmake_minimum_required(VERSION 3.13)
project(consumer C)
find_package(mlnpool 1.2 CONFIG REQUIRED)
add_executable(server server.c)
target_link_libraries(server PRIVATE mlnpool::mlnpool)
add_executable(server_static server.c)
target_link_libraries(server_static PRIVATE mlnpool::mlnpool_static)
CMAKE

# build DIR PREFIX: configures and builds the consumer against PREFIX.
build() {
  cmake -S "$work/consumer" -B "$1" -DCMAKE_PREFIX_PATH="$2" >"$work/cmake.log" 2>&1 ||
    { cat "$work/cmake.log"; echo "cmake did not configure against $2"; exit 1; }
  cmake --build "$1" >"$work/build.log" 2>&1 || { cat "$work/build.log"; echo "cmake did not build"; exit 1; }
}

build "$work/build" "$prefix"
expected="header $version library $version"
# Shared: CMake gives the program built in its tree an rpath to the
# imported library's directory; LD_LIBRARY_PATH would do as well.
readelf -d "$work/build/server" | grep -q "Shared library: \[libmlnpool.so.$major\]" ||
  { echo "server does not need libmlnpool.so.$major"; exit 1; }
[ "$(env -u LD_LIBRARY_PATH "$work/build/server")" = "$expected" ] || { echo "server did not run"; exit 1; }
[ "$(LD_LIBRARY_PATH="$prefix/lib" "$work/build/server")" = "$expected" ] || { echo "server did not run"; exit 1; }
if readelf -d "$work/build/server_static" | grep -q libmlnpool; then
  echo "server_static needs the shared library"
  exit 1
fi
[ "$("$work/build/server_static")" = "$expected" ] || { echo "server_static did not run"; exit 1; }
echo "built with find_package(mlnpool 1.2 CONFIG REQUIRED), shared and static: $expected"

# Versions: this major up to this version is served; a newer minor or
# another major is not.
mkdir -p "$work/probe"
cat >"$work/probe/CMakeLists.txt" <<'CMAKE'
cmake_minimum_required(VERSION 3.13)
project(probe C)
find_package(mlnpool ${WANT} CONFIG)
message(STATUS "probe: ${mlnpool_FOUND} ${mlnpool_VERSION}")
CMAKE
probe() { # WANTED EXPECTED_FOUND
  local found
  rm -rf "$work/probe/build"
  found=$(cmake -S "$work/probe" -B "$work/probe/build" -DCMAKE_PREFIX_PATH="$prefix" -DWANT="$1" 2>&1 |
    sed -n 's/^-- probe: \([A-Za-z01]*\).*/\1/p')
  case "$found" in 1 | TRUE) found=yes ;; *) found=no ;; esac
  [ "$found" = "$2" ] || { echo "find_package(mlnpool $1): found '$found', expected $2"; exit 1; }
}
probe "$major.0" yes
probe "$version" yes
probe "$major.$((minor + 1))" no
probe "$((major + 1)).0" no
[ "$major" -eq 0 ] || probe "$((major - 1)).0" no
probe "$major.0...$((major + 1)).0" yes
echo "versions: $major.0 to $version found; $major.$((minor + 1)) and other majors not"

# Relocated: the installed tree moved (as a DESTDIR staging tree is, before
# it reaches its place) is found where it now is.
mv "$prefix" "$TEST_TMPDIR/moved"
build "$work/build_moved" "$TEST_TMPDIR/moved"
[ "$("$work/build_moved/server_static")" = "$expected" ] || { echo "the moved package does not build"; exit 1; }
[ "$("$work/build_moved/server")" = "$expected" ] || { echo "the moved package's shared library is not found"; exit 1; }
echo "the installed tree moved elsewhere is found and builds"
