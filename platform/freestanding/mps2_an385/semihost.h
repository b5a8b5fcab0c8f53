/* SPDX-License-Identifier: MIT */
/*
 * semihost.h: ARM semihosting on Cortex-M (qemu-system-arm with
 * -semihosting-config enable=on,target=native): output and exit status.
 */
#ifndef MLN_MPS2_SEMIHOST_H
#define MLN_MPS2_SEMIHOST_H

/* Print a NUL-terminated string on the host's stdout. */
void semihost_write(const char *s);

/* Print an unsigned number in decimal. */
void semihost_write_number(unsigned long n);

/* End the emulation; QEMU exits with `status`. */
_Noreturn void semihost_exit(int status);

#endif
