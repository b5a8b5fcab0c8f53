/*
 * default_region.h: the freestanding platform's static default region.
 */
#ifndef MLN_PLATFORM_FREESTANDING_DEFAULT_REGION_H
#define MLN_PLATFORM_FREESTANDING_DEFAULT_REGION_H

#include "alloc/mln_alloc.h"

/* The pool over the default region (created on first call), or NULL if too small. */
mln_alloc_t *mln_default_region(void);

#endif
