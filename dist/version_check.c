/* SPDX-License-Identifier: MIT */
/*
 * version_check.c: a program built outside Bazel against an installed
 * mlnpool (dist/version_test.sh, cmake_package_test.sh, destdir_test.sh):
 * prints the version of the header it was compiled with and the version of
 * the library it runs with, fails unless they are the same, and uses a
 * pool so that the library is really linked in.
 */
#include <stdio.h>
#include <string.h>

#include <mln_alloc.h>

int main(void)
{
    const char *library = mln_alloc_version();
    printf("header %s library %s\n", MLNPOOL_VERSION_STRING, library);

    char parts[64];
    snprintf(parts, sizeof parts, "%d.%d.%d", MLNPOOL_VERSION_MAJOR, MLNPOOL_VERSION_MINOR,
             MLNPOOL_VERSION_PATCH);
    if (strcmp(parts, MLNPOOL_VERSION_STRING) != 0 || strcmp(library, MLNPOOL_VERSION_STRING) != 0 ||
        mln_alloc_version_number() != MLNPOOL_VERSION)
        return 1;

    mln_alloc_t *pool = mln_alloc_init(NULL);
    char *s = pool == NULL ? NULL : mln_alloc_m(pool, 16);
    if (s == NULL)
        return 2;
    mln_alloc_free(s);
    mln_alloc_destroy(pool);
    return 0;
}
