/* SPDX-License-Identifier: MIT */
/*
 * startup.c: reset for the QEMU mps2-an385 board (Cortex-M3) with no libc:
 * copy .data, zero .bss, run main, exit through semihosting with its status.
 */
#include <stdint.h>

#include "platform/freestanding/mps2_an385/semihost.h"

extern uint32_t _sidata, _sdata, _edata, _sbss, _ebss, _estack;
int main(void);

void Reset_Handler(void);
void Fault_Handler(void);

void Reset_Handler(void)
{
    uint32_t *src = &_sidata, *dst = &_sdata;
    while (dst < &_edata)
        *dst++ = *src++;
    for (dst = &_sbss; dst < &_ebss;)
        *dst++ = 0;
    semihost_exit(main());
}

/* A fault (a panic's trap among them) ends the run with status 99. */
void Fault_Handler(void)
{
    semihost_write("fault: the program trapped or faulted\n");
    semihost_exit(99);
}

__attribute__((section(".isr_vector"), used)) const void *const vectors[16] = {
    &_estack,       (void *)Reset_Handler, (void *)Fault_Handler, (void *)Fault_Handler,
    (void *)Fault_Handler, (void *)Fault_Handler, (void *)Fault_Handler,
};
