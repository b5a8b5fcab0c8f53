/* SPDX-License-Identifier: MIT */
/*
 * semihost.c: the two semihosting calls the images use.
 */
#include "platform/freestanding/mps2_an385/semihost.h"

enum {
    SYS_WRITE0 = 0x04,
    SYS_EXIT_EXTENDED = 0x20, /* plain SYS_EXIT cannot carry a status on 32-bit ARM */
    APPLICATION_EXIT = 0x20026,
};

static int semihost_call(int op, const void *arg)
{
    register int r0 __asm__("r0") = op;
    register const void *r1 __asm__("r1") = arg;
    __asm__ volatile("bkpt 0xAB" : "+r"(r0) : "r"(r1) : "memory"); /* M-profile trap */
    return r0;
}

void semihost_write(const char *s)
{
    semihost_call(SYS_WRITE0, s);
}

void semihost_write_number(unsigned long n)
{
    char text[24];
    char *p = text + sizeof text - 1;
    *p = 0;
    do {
        *--p = (char)('0' + n % 10);
        n /= 10;
    } while (n != 0);
    semihost_write(p);
}

_Noreturn void semihost_exit(int status)
{
    static volatile unsigned block[2];
    block[0] = APPLICATION_EXIT;
    block[1] = (unsigned)status;
    semihost_call(SYS_EXIT_EXTENDED, (const void *)block);
    for (;;) {
    }
}
