/* SPDX-License-Identifier: MIT */
/*
 * export_public.h: force-included (-include) into every source of the
 * installable libraries, which are compiled with -fvisibility=hidden: the
 * public header's declarations, read first and inside this pragma, keep
 * default visibility, and their definitions inherit it. Everything else
 * stays inside the library. (The export map, mlnpool.map, then names what
 * the shared library exports and gives it a version.)
 */
#pragma GCC visibility push(default)
#include "alloc/mln_alloc.h"
#pragma GCC visibility pop
