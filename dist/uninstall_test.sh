#!/bin/bash
# SPDX-License-Identifier: MIT
# --uninstall removes what the install put there and nothing else: a prefix
# that already holds other files, directories (one of them empty) and a
# link is, after install and uninstall, exactly as before (a listing of
# every entry's type, mode, path and link target). Also after a reinstall
# over an earlier install, and with --libdir, --includedir and --mandir.
# A file someone added inside a directory the install made stays, and
# keeps its directory; uninstall without an install fails and removes
# nothing.
#
#   uninstall_test.sh INSTALLER
set -euo pipefail
installer="$1"
prefix="$TEST_TMPDIR/prefix"
work="$TEST_TMPDIR/work"
mkdir -p "$work" "$prefix/lib/pkgconfig" "$prefix/lib/cmake" "$prefix/include/other" "$prefix/share/doc/other"
echo other >"$prefix/lib/libother.so.2"
ln -s libother.so.2 "$prefix/lib/libother.so"
echo other >"$prefix/lib/pkgconfig/other.pc"
echo other >"$prefix/include/other/other.h"
echo other >"$prefix/share/doc/other/README"

listing() {
  find "$prefix" -printf '%y %m %P -> %l\n' | sort
}
listing >"$work/before"

same_as_before() { # WHAT
  listing >"$work/after"
  if ! diff "$work/before" "$work/after"; then
    echo "$1: the prefix is not as it was (< before, > after)"
    exit 1
  fi
  echo "$1: the prefix is as it was"
}

if "$installer" --prefix="$prefix" --uninstall >"$work/log" 2>&1; then
  echo "uninstall with nothing installed succeeded"
  exit 1
fi
same_as_before "uninstall with nothing installed"

"$installer" --prefix="$prefix" >"$work/log"
[ -f "$prefix/share/mlnpool/install_manifest.txt" ] || { echo "no manifest"; exit 1; }
"$installer" --prefix="$prefix" --uninstall >"$work/log"
same_as_before "install, uninstall"

"$installer" --prefix="$prefix" >"$work/log"
"$installer" --prefix="$prefix" >"$work/log"
"$installer" --prefix="$prefix" --uninstall >"$work/log"
same_as_before "install, install again, uninstall"

# The installed copy uninstalls, from anywhere, with no installer inputs.
"$installer" --prefix="$prefix" >"$work/log"
grep -q "to remove it: bash $prefix/share/mlnpool/uninstall.sh --prefix=$prefix\$" "$work/log" ||
  { echo "the install does not say how to remove it with its own copy"; cat "$work/log"; exit 1; }
(cd / && env -i PATH="$PATH" bash "$prefix/share/mlnpool/uninstall.sh" --prefix="$prefix") >"$work/log"
same_as_before "install, uninstall with the installed uninstall.sh"

"$installer" --prefix="$prefix" --libdir=lib64 --includedir=include/mlnpool --mandir=man >"$work/log"
if [ ! -f "$prefix/lib64/libmlnpool.a" ] || [ ! -f "$prefix/include/mlnpool/mln_alloc.h" ]; then
  echo "--libdir/--includedir not followed"
  exit 1
fi
"$installer" --prefix="$prefix" --uninstall >"$work/log"
same_as_before "install with --libdir, --includedir and --mandir, uninstall"

"$installer" --prefix="$prefix" >"$work/log"
echo mine >"$prefix/lib/cmake/mlnpool/extra.cmake"
"$installer" --prefix="$prefix" --uninstall >"$work/log"
[ -f "$prefix/lib/cmake/mlnpool/extra.cmake" ] || { echo "uninstall removed a file it did not install"; exit 1; }
rm "$prefix/lib/cmake/mlnpool/extra.cmake"
rmdir "$prefix/lib/cmake/mlnpool"
same_as_before "a file added by someone else kept, with its directory"
