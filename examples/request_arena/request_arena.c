/* SPDX-License-Identifier: MIT */
/*
 * request_arena: a child pool per request, the pattern a server uses.
 *
 * A long-lived server pool holds what outlives requests (here, a table of
 * hit counts). Each request gets a child pool of it: everything the request
 * needs (its parsed parameters, a response buffer grown as it is written)
 * comes from the child, nothing is freed one by one, and one
 * mln_alloc_destroy at the end of the request gives it all back. The server
 * pool's bytes in use are the same after every request: nothing leaks, by
 * construction.
 *
 *   ./tools/bazel run //examples/request_arena
 */
#include <stdio.h>
#include <string.h>

#include "mln_alloc.h"

/* One "key=value" parameter of a request's query string. */
struct param {
    const char *key;
    const char *value;
};

/* Copies [begin, end) into the request's pool as a C string. */
static char *copy_text(mln_alloc_t *pool, const char *begin, const char *end)
{
    size_t n = (size_t)(end - begin);
    char *s = mln_alloc_m(pool, n + 1);
    if (s != NULL) {
        memcpy(s, begin, n);
        s[n] = '\0';
    }
    return s;
}

/*
 * Parses "path?k=v&k=v" into *params (an array grown in the request pool
 * with mln_alloc_re). Returns the number of parameters, or -1 when the pool
 * is out of memory.
 */
static int parse_query(mln_alloc_t *pool, const char *query, struct param **params)
{
    int count = 0, room = 0;
    const char *p = strchr(query, '?');
    *params = NULL;
    while (p != NULL && *p != '\0') {
        const char *key = p + 1;
        const char *end = strchr(key, '&');
        if (end == NULL)
            end = key + strlen(key);
        const char *eq = memchr(key, '=', (size_t)(end - key));
        if (eq != NULL) {
            if (count == room) {
                room = room == 0 ? 2 : 2 * room;
                struct param *grown = mln_alloc_re(pool, *params, (size_t)room * sizeof **params);
                if (grown == NULL)
                    return -1;
                *params = grown;
            }
            (*params)[count].key = copy_text(pool, key, eq);
            (*params)[count].value = copy_text(pool, eq + 1, end);
            if ((*params)[count].key == NULL || (*params)[count].value == NULL)
                return -1;
            count++;
        }
        p = *end == '\0' ? NULL : end;
    }
    return count;
}

/* A response buffer that grows in its request's pool. */
struct buffer {
    mln_alloc_t *pool;
    char *text;
    size_t length, room;
};

static int append(struct buffer *b, const char *s)
{
    size_t n = strlen(s);
    if (b->length + n + 1 > b->room) {
        size_t room = b->room == 0 ? 16 : b->room;
        while (room < b->length + n + 1)
            room *= 2;
        char *grown = mln_alloc_re(b->pool, b->text, room); /* in place when it can */
        if (grown == NULL)
            return -1;
        b->text = grown;
        b->room = room;
    }
    memcpy(b->text + b->length, s, n + 1);
    b->length += n;
    return 0;
}

/* The server's state; what it points to lives in the server pool. */
struct server {
    mln_alloc_t *pool;
    unsigned long *served;
};

/* Handles one request in a pool of its own; returns 0, or -1 on failure. */
static int handle(struct server *server, const char *request, int show)
{
    mln_alloc_t *arena = mln_alloc_init(server->pool);
    if (arena == NULL)
        return -1;
    struct param *params;
    int count = parse_query(arena, request, &params);
    struct buffer response = {arena, NULL, 0, 0};
    int failed = count < 0 || append(&response, "200 OK");
    for (int i = 0; !failed && i < count; i++) {
        failed = append(&response, " ") || append(&response, params[i].key) ||
                 append(&response, ":") || append(&response, params[i].value);
    }
    if (!failed) {
        ++*server->served;
        if (show)
            printf("%s -> %s\n", request, response.text);
    }
    mln_alloc_destroy(arena); /* the parameters, their strings, the response */
    return failed ? -1 : 0;
}

int main(void)
{
    static const char *const requests[] = {
        "/search?q=pools&page=2",
        "/user?id=42",
        "/feed?from=2026-11-01&to=2026-11-25&tag=c&tag=alloc&limit=100",
        "/health",
    };
    struct server server = {mln_alloc_init(NULL), NULL};
    if (server.pool == NULL || (server.served = mln_alloc_c(server.pool, sizeof *server.served)) == NULL)
        return 1;

    struct mln_alloc_stats_s before, after;
    if (mln_alloc_stats(server.pool, &before) != 0)
        return 1;
    int unchanged = 1;
    const int total = 10000;
    for (int i = 0; i < total; i++) {
        if (handle(&server, requests[i % 4], i < 4) != 0)
            return 1;
        if (mln_alloc_stats(server.pool, &after) != 0)
            return 1;
        unchanged &= after.bytes_in_use == before.bytes_in_use;
    }
    printf("%lu requests served, each in a pool of its own\n", *server.served);
    printf("server pool bytes in use after every request: %s\n", unchanged ? "unchanged" : "CHANGED");
    mln_alloc_destroy(server.pool);
    return unchanged ? 0 : 1;
}
