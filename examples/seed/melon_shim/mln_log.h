/* SPDX-License-Identifier: MIT */
/*
 * mln_log.h (shim): Melon's log call, printing to stdout. Not part of the library.
 */
#ifndef MLN_SHIM_LOG_H
#define MLN_SHIM_LOG_H

#include <stdio.h>

typedef enum { none, report, debug, warn, error } mln_log_level_t;

#define mln_log(level, ...) ((void)(level), printf(__VA_ARGS__))

#endif
