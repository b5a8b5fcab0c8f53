#!/bin/bash
# SPDX-License-Identifier: MIT
# Installs mlnpool for builds outside Bazel (Make, CMake, Meson, plain cc),
# or removes what an earlier install put there:
#
#   ./tools/bazel run -c opt //:install -- --prefix=/usr/local
#   ./tools/bazel run -c opt //:install -- --prefix=DIR [--libdir=DIR]
#       [--includedir=DIR] [--mandir=DIR]
#   DESTDIR=/tmp/stage ./tools/bazel run -c opt //:install -- --prefix=/usr
#   ./tools/bazel run -c opt //:install -- --prefix=DIR --uninstall
#
# puts, with the defaults (X.Y.Z the header's version, X its major):
#   PREFIX/include/mln_alloc.h
#   PREFIX/lib/libmlnpool.so.X.Y.Z, libmlnpool.so.X -> it, libmlnpool.so -> that
#   PREFIX/lib/libmlnpool.a
#   PREFIX/lib/pkgconfig/mlnpool.pc
#   PREFIX/lib/cmake/mlnpool/mlnpoolConfig.cmake, mlnpoolConfigVersion.cmake
#   PREFIX/share/doc/mlnpool/LICENSE, CHANGELOG.md
#   PREFIX/share/man/man3/*.3 (the manual pages, //docs:man3)
#   PREFIX/share/mlnpool/install_manifest.txt (what --uninstall removes)
#   PREFIX/share/mlnpool/uninstall.sh (this script: run as that name, it
#       uninstalls: bash PREFIX/share/mlnpool/uninstall.sh --prefix=PREFIX)
#
# Directories: a relative --prefix is taken from the directory `bazel run`
# was started in; a relative --libdir, --includedir or --mandir is taken
# under the prefix (--libdir=lib64 is PREFIX/lib64), an absolute one as it
# is. DESTDIR (from the environment) stages the install: the files go to
# $DESTDIR$PREFIX/..., while the pkg-config and CMake files name PREFIX, the
# place they will be used from. Installing as root (DESTDIR empty) into a
# directory the dynamic linker searches runs ldconfig.
#
# --uninstall removes exactly the files the manifest lists, then the
# directories the install created, if they are empty: nothing else. Give it
# the same --prefix (and DESTDIR) as the install.
set -euo pipefail

usage() {
  echo "usage: install --prefix=DIR [--libdir=DIR] [--includedir=DIR] [--mandir=DIR] [--uninstall]" >&2
  echo "       (DESTDIR in the environment stages the install under it)" >&2
  exit 2
}

prefix=""
# Installed as PREFIX/share/mlnpool/uninstall.sh, this script uninstalls.
uninstall=0
[ "$(basename -- "$0")" != uninstall.sh ] || uninstall=1
libdir="lib"
includedir="include"
mandir="share/man"
while [ $# -gt 0 ]; do
  case "$1" in
    --prefix=* | --libdir=* | --includedir=* | --mandir=*) option="${1%%=*}" value="${1#*=}" ;;
    --prefix | --libdir | --includedir | --mandir)
      [ $# -ge 2 ] || usage
      option="$1" value="$2"
      shift
      ;;
    --uninstall) option="" uninstall=1 ;;
    *) usage ;;
  esac
  case "$option" in
    --prefix) prefix="$value" ;;
    --libdir) libdir="$value" ;;
    --includedir) includedir="$value" ;;
    --mandir) mandir="$value" ;;
  esac
  shift
done
if [ -z "$prefix" ] || [ -z "$libdir" ] || [ -z "$includedir" ] || [ -z "$mandir" ]; then
  usage
fi
for dir in "$prefix" "$libdir" "$includedir" "$mandir" "${DESTDIR:-}"; do
  # The manifest holds one path per line.
  case "$dir" in *$'\n'*) echo "install: a directory name with a newline is not supported" >&2; exit 2 ;; esac
done

# Paths as written, without "//" or a trailing "/" (which would not match
# the manifest's), and without resolving symbolic links.
tidy() {
  realpath -m -s -- "$1"
}
case "$prefix" in
  /*) prefix=$(tidy "$prefix") ;;
  *) prefix=$(tidy "${BUILD_WORKING_DIRECTORY:-$PWD}/$prefix") ;;
esac
under_prefix() {
  case "$1" in
    /*) tidy "$1" ;;
    *) tidy "$prefix/$1" ;;
  esac
}
libdir=$(under_prefix "$libdir")
includedir=$(under_prefix "$includedir")
mandir=$(under_prefix "$mandir")
destdir=""
if [ -n "${DESTDIR:-}" ]; then
  case "$DESTDIR" in
    /*) destdir=$(tidy "$DESTDIR") ;;
    *) destdir=$(tidy "${BUILD_WORKING_DIRECTORY:-$PWD}/$DESTDIR") ;;
  esac
  [ "$destdir" != / ] || destdir=""
fi
datadir="$prefix/share"
manifest="$datadir/mlnpool/install_manifest.txt"

# The files are runfiles of this script: under `bazel run` and in a test
# alike, the workspace's runfiles root holds them at their source paths.
if [ -d "$0.runfiles/mlnpool" ]; then
  cd "$0.runfiles/mlnpool"
elif [ -n "${RUNFILES_DIR:-}" ] && [ -d "$RUNFILES_DIR/mlnpool" ]; then
  cd "$RUNFILES_DIR/mlnpool"
fi

# The version is the header's (dist/version.sh reads its macros); an
# uninstall needs none of the inputs (it runs from an install, too).
version="" major="" minor="" soname=""
if [ "$uninstall" -eq 0 ]; then
  version=$(bash dist/version.sh alloc/mln_alloc.h)
  major=$(bash dist/version.sh alloc/mln_alloc.h major)
  minor="${version#*.}" minor="${minor%.*}"
  soname="libmlnpool.so.$major"
fi

# ---- The dynamic linker ----

ldconfig_command() {
  local candidate
  for candidate in ldconfig /sbin/ldconfig /usr/sbin/ldconfig; do
    if command -v "$candidate" >/dev/null; then
      echo "$candidate"
      return 0
    fi
  done
  return 1
}

# Succeeds when the dynamic linker finds libraries in directory $1 by
# itself: one that ldconfig scans (its configuration, /etc/ld.so.conf.d,
# and the trusted directories), compared with symbolic links resolved.
linker_searches() {
  local wanted searched ldconfig
  wanted=$(realpath -m -- "$1")
  ldconfig=$(ldconfig_command) || return 1
  # -N -X: print the directories without writing the cache or any link.
  while IFS= read -r searched; do
    [ "$(realpath -m -- "$searched")" != "$wanted" ] || return 0
  done < <("$ldconfig" -v -N -X 2>/dev/null | sed -n 's|^\(/[^:]*\):.*|\1|p')
  return 1
}

# After an install or uninstall into $1: refresh the linker's cache when
# that is ours to do, else say plainly how a program finds the library.
settle_linker() {
  local dir="$1" action="$2"
  if [ -n "$destdir" ]; then
    echo "ldconfig not run: the files are staged under DESTDIR; run it once they are in place"
  elif linker_searches "$dir"; then
    if [ "$(id -u)" -eq 0 ]; then
      if "$(ldconfig_command)"; then
        echo "ran ldconfig: the dynamic linker's cache is up to date"
      else
        echo "warning: ldconfig failed; run it as root so that the dynamic linker sees the change" >&2
      fi
    else
      echo "note: run ldconfig as root so that the dynamic linker sees the change in $dir"
    fi
  elif [ "$action" = install ]; then
    cat <<NOTE
note: $dir is not a directory the dynamic linker searches. A program linked
  with libmlnpool.so finds $soname there at run time when linked with
      -Wl,-rpath,$dir
  or when run with
      LD_LIBRARY_PATH=$dir
  (or, as root, add $dir to a file in /etc/ld.so.conf.d/ and run ldconfig;
  programs linked with libmlnpool.a need none of this).
NOTE
  fi
}

# ---- Uninstall ----

if [ "$uninstall" -eq 1 ]; then
  list="$destdir$manifest"
  [ -f "$list" ] || { echo "install: no manifest $list: nothing of mlnpool installed there" >&2; exit 1; }
  removed_libdir=$(sed -n 's/^# libdir //p' "$list")
  mapfile -t dirs < <(sed -n 's/^d //p' "$list" | sort -r)
  while IFS= read -r line; do
    case "$line" in
      "f "* | "l "*)
        path="$destdir${line#? }"
        # Only what is still a file or a link: never a directory, whatever
        # the manifest says.
        if [ -L "$path" ] || [ -f "$path" ]; then
          rm -f -- "$path"
          echo "removed $path"
        fi
        ;;
    esac
  done <"$list"
  rm -f -- "$list"
  echo "removed $list"
  # Deepest first (reverse order puts a directory after those inside it);
  # a directory that holds anything else stays.
  for dir in "${dirs[@]}"; do
    if [ -d "$destdir$dir" ] && rmdir -- "$destdir$dir" 2>/dev/null; then
      echo "removed directory $destdir$dir"
    fi
  done
  [ -z "$removed_libdir" ] || settle_linker "$removed_libdir" uninstall
  echo "mlnpool uninstalled from ${destdir:+DESTDIR $destdir, }$prefix"
  exit 0
fi

# ---- Install ----

entries=() # the manifest's lines: "d DIR", "f FILE", "l LINK"

# Creates directory $1 (a final path) under DESTDIR with its missing
# parents, recording each one created, so that uninstall removes those and
# no directory that was there before.
make_dir() {
  local dir="$1" missing=()
  # The staging root itself belongs to whoever stages: made if missing,
  # never recorded, never removed.
  [ -z "$destdir" ] || [ -d "$destdir" ] || mkdir -p -- "$destdir"
  while [ "$dir" != / ] && [ ! -d "$destdir$dir" ]; do
    missing=("$dir" "${missing[@]}")
    dir=$(dirname -- "$dir")
  done
  for dir in "${missing[@]}"; do
    mkdir -m 755 -- "$destdir$dir"
    entries+=("d $dir")
  done
}

# put MODE SOURCE DEST: installs a file at final path DEST.
put() {
  make_dir "$(dirname -- "$3")"
  install -m "$1" -- "$2" "$destdir$3"
  entries+=("f $3")
  echo "installed $destdir$3"
}

# link TARGET DEST: a symbolic link at final path DEST.
link() {
  make_dir "$(dirname -- "$2")"
  ln -sfn -- "$1" "$destdir$2"
  entries+=("l $2")
  echo "installed $destdir$2 -> $1"
}

# A path as the pkg-config file writes it: under ${prefix} when it is.
pc_path() {
  # shellcheck disable=SC2016 # ${prefix} is pkg-config's, written as is
  case "$1" in
    "$prefix") echo '${prefix}' ;;
    "$prefix"/*) echo "\${prefix}/${1#"$prefix"/}" ;;
    *) echo "$1" ;;
  esac
}

# Replacement text for sed's s|...|...|: the delimiter, & and \ escaped.
sed_text() {
  printf '%s' "$1" | sed -e 's/[\\|&]/\\&/g'
}

work=$(mktemp -d)
trap 'rm -rf -- "$work"' EXIT

put 644 alloc/mln_alloc.h "$includedir/mln_alloc.h"
put 755 dist/libmlnpool.so "$libdir/libmlnpool.so.$version"
link "libmlnpool.so.$version" "$libdir/$soname"
link "$soname" "$libdir/libmlnpool.so"
put 644 dist/libmlnpool.a "$libdir/libmlnpool.a"

sed -e "s|@PREFIX@|$(sed_text "$prefix")|" \
  -e "s|@LIBDIR@|$(sed_text "$(pc_path "$libdir")")|" \
  -e "s|@INCLUDEDIR@|$(sed_text "$(pc_path "$includedir")")|" \
  -e "s|@VERSION@|$version|" dist/mlnpool.pc.in >"$work/mlnpool.pc"
put 644 "$work/mlnpool.pc" "$libdir/pkgconfig/mlnpool.pc"

# The CMake package finds the header and libraries relative to itself.
cmakedir="$libdir/cmake/mlnpool"
# The word size the library was built for (ELF class), for the version file.
case "$(readelf -h dist/libmlnpool.so | sed -n 's/^ *Class: *//p')" in
  ELF64) sizeof_void_p=8 ;;
  *) sizeof_void_p=4 ;;
esac
for name in mlnpoolConfig mlnpoolConfigVersion; do
  sed -e "s|@INCLUDE_FROM_CONFIG@|$(sed_text "$(realpath -m -s --relative-to="$cmakedir" -- "$includedir")")|" \
    -e "s|@LIB_FROM_CONFIG@|$(sed_text "$(realpath -m -s --relative-to="$cmakedir" -- "$libdir")")|" \
    -e "s|@VERSION@|$version|g" -e "s|@MAJOR@|$major|g" -e "s|@MINOR@|$minor|g" \
    -e "s|@SIZEOF_VOID_P@|$sizeof_void_p|g" \
    "dist/$name.cmake.in" >"$work/$name.cmake"
  put 644 "$work/$name.cmake" "$cmakedir/$name.cmake"
done

put 644 LICENSE "$datadir/doc/mlnpool/LICENSE"
put 644 CHANGELOG.md "$datadir/doc/mlnpool/CHANGELOG.md"

# ---- Manual pages (section 3) ----
# The pages //docs:man3 generates from the header reach this script as
# runfiles under docs/man3/ (a data dependency of //dist:install); each is
# installed as MANDIR/man3/<its name>. None there: none installed.
if [ -d docs/man3 ]; then
  for page in docs/man3/*.3; do
    [ -f "$page" ] || continue
    put 644 "$page" "$mandir/man3/$(basename -- "$page")"
  done
fi

# This script itself, to uninstall with no checkout or build tree at hand.
put 755 dist/install.sh "$datadir/mlnpool/uninstall.sh"

# ---- The manifest ----
# A reinstall over an earlier install keeps that one's entries that still
# exist (its directories above all, which this run found already there).
make_dir "$(dirname -- "$manifest")"
previous=()
if [ -f "$destdir$manifest" ]; then
  while IFS= read -r line; do
    path="$destdir${line#? }"
    case "$line" in
      "d "*) if [ -d "$path" ]; then previous+=("$line"); fi ;;
      "f "* | "l "*) if [ -L "$path" ] || [ -e "$path" ]; then previous+=("$line"); fi ;;
    esac
  done <"$destdir$manifest"
fi
{
  echo "# mlnpool $version: what the install created under $prefix, for --uninstall"
  echo "# (d: a directory that was not there before, f: a file, l: a symbolic link)"
  echo "# libdir $libdir"
  printf '%s\n' "${previous[@]}" "${entries[@]}" | awk 'NF && !seen[$0]++'
} >"$work/install_manifest.txt"
install -m 644 -- "$work/install_manifest.txt" "$destdir$manifest"
echo "installed $destdir$manifest"

echo "mlnpool $version installed under $prefix${destdir:+ (staged under DESTDIR $destdir)}"
echo "  headers $includedir, libraries $libdir, pkg-config $libdir/pkgconfig, CMake $cmakedir"
settle_linker "$libdir" install
echo "to remove it: ${destdir:+DESTDIR=$destdir }bash $destdir$datadir/mlnpool/uninstall.sh --prefix=$prefix"
