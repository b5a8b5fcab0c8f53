/* SPDX-License-Identifier: MIT */
/*
 * server: what a service built with Bazel against @mlnpool does with pools,
 * one child pool per request under a root pool. The workspace around it is
 * the README's Bazel snippet (README.md, "Using it"); tools/consumer_check.sh
 * builds and tests it as a separate workspace.
 */
#include <stdio.h>
#include <string.h>

#include "mln_alloc.h"

/* Answers one request from a pool of its own, released as a whole. */
static int serve(mln_alloc_t *root, int id)
{
    mln_alloc_t *req = mln_alloc_init(root);
    char *line;

    if (req == NULL) return -1;
    line = mln_alloc_m(req, 32);
    if (line == NULL) {
        mln_alloc_destroy(req);
        return -1;
    }
    snprintf(line, 32, "request %d", id);
    line = mln_alloc_re(req, line, 4096); /* the answer grows */
    if (line == NULL) {
        mln_alloc_destroy(req);
        return -1;
    }
    strcat(line, ": served");
    puts(line);
    mln_alloc_destroy(req); /* frees line too */
    return 0;
}

int main(void)
{
    mln_alloc_t *root = mln_alloc_init(NULL);
    int id, failed = 0;

    if (root == NULL) return 1;
    for (id = 1; id <= 3; id++) failed |= serve(root, id) != 0;
    failed |= mln_alloc_check(root) != 0;
    mln_alloc_destroy(root);
    return failed;
}
