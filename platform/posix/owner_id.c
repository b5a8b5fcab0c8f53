/* SPDX-License-Identifier: MIT */
/*
 * owner_id.c: the process id that sub-pools of shared pools record.
 */
#include <unistd.h>

#include "alloc/platform.h"

unsigned long mln_platform_owner_id(void)
{
    return (unsigned long)getpid();
}
