/* SPDX-License-Identifier: MIT */
/*
 * api_version.c: the library's own version (the header's macros when the
 * library was built), for a program to compare with the header it was
 * compiled against.
 */
#include "alloc/mln_alloc.h"

const char *mln_alloc_version(void)
{
    return MLNPOOL_VERSION_STRING;
}

int mln_alloc_version_number(void)
{
    return MLNPOOL_VERSION;
}
