/* SPDX-License-Identifier: MIT */
/*
 * A stand-in for Melon's types header, for header_modes_test: what matters
 * of it here is its include guard and its own typedef of mln_size_t.
 */
#ifndef __MLN_TYPES
#define __MLN_TYPES

#include <stddef.h>

typedef size_t mln_size_t;
typedef unsigned char mln_u8_t;

#endif
