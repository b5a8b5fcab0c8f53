# SPDX-License-Identifier: MIT
# Sourced by the benchmark scripts: the Debian packages the peer benchmark
# and the counts need, installed when missing (as root), with a word on what
# is being installed.
readonly BENCH_PACKAGES="
libmimalloc-dev /usr/include/mimalloc.h
libtalloc-dev /usr/include/talloc.h
libapr1-dev /usr/include/apr-1.0/apr_pools.h
valgrind /usr/bin/valgrind
"

install_bench_packages() {
  local missing="" pkg file
  while read -r pkg file; do
    [ -n "$pkg" ] && [ ! -e "$file" ] && missing+="$pkg "
  done <<<"$BENCH_PACKAGES"
  [ -n "$missing" ] || return 0
  if [ "$(id -u)" -ne 0 ]; then
    echo "missing Debian packages for the peer benchmark: $missing" >&2
    echo "install them as root:  apt-get install -y $missing" >&2
    exit 2
  fi
  echo "installing the peer benchmark's Debian packages: $missing" >&2
  export DEBIAN_FRONTEND=noninteractive
  echo "  updating the package lists (apt-get update)" >&2
  apt-get update -qq >&2
  echo "  downloading and installing them" >&2
  # shellcheck disable=SC2086 # word splitting of the package list is intended
  apt-get install -y -qq --no-install-recommends $missing >&2
  echo "  installed" >&2
}
