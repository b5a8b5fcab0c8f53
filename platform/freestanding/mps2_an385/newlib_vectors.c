/* SPDX-License-Identifier: MIT */
/*
 * newlib_vectors.c: the vector table of an mps2-an385 image linked with
 * newlib and semihosting (--specs=rdimon.specs): reset goes to newlib's
 * _start, which sets up the C library, runs main and exits with its status.
 */
extern void _start(void);

__attribute__((section(".isr_vector"), used)) const void *const vectors[2] = {
    (void *)0x20400000, /* top of the 4 MiB data SRAM */
    (void *)_start,
};
