# SPDX-License-Identifier: MIT
"""Command lines of the emulators the tests run under."""

QEMU_AARCH64 = ["/usr/bin/qemu-aarch64", "-L", "/usr/aarch64-linux-gnu"]
QEMU_ARMHF = ["/usr/bin/qemu-arm", "-L", "/usr/arm-linux-gnueabihf"]

# QEMU's mps2-an385 board (Cortex-M3), output and exit status by semihosting.
QEMU_M3 = [
    "/usr/bin/qemu-system-arm",
    "-M",
    "mps2-an385",
    "-nographic",
    "-monitor",
    "none",
    "-serial",
    "none",
    "-semihosting-config",
    "enable=on,target=native",
    "-kernel",
]

# Link options of a -nostdlib image for mps2-an385 (add the linker script as
# additional_linker_inputs).
M3_BARE_LINKOPTS = [
    "-nostdlib",
    "-T$(location //platform/freestanding/mps2_an385:mps2_an385.ld)",
]
