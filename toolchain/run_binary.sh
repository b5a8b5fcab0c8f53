#!/bin/bash
# SPDX-License-Identifier: MIT
# Usage: run_binary.sh BINARY [ARGS...]  -- runs BINARY (a host test built in
# another build profile, toolchain/transition.bzl: profile_test) natively.
set -u
exec "$@"
