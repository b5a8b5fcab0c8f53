#!/bin/bash
# SPDX-License-Identifier: MIT
# Writes the source release under its name, mlnpool-X.Y.Z.tar.gz (X.Y.Z the
# version its top directory carries), into DIR:
#
#   ./tools/bazel run //dist:release -- DIR
#
# It unpacks, builds, tests and installs with CMake alone (CMakeLists.txt).
set -euo pipefail
archive="$(realpath "$1")"
[ $# -eq 2 ] || { echo "usage: bazel run //dist:release -- DIR" >&2; exit 2; }
dir="$2"
case "$dir" in /*) ;; *) dir="${BUILD_WORKING_DIRECTORY:-$PWD}/$dir" ;; esac
top=$(tar -tzf "$archive" | sed -n 1p) # sed reads it all: no broken pipe
top="${top%%/*}"
mkdir -p "$dir"
cp "$archive" "$dir/$top.tar.gz"
echo "wrote $dir/$top.tar.gz"
