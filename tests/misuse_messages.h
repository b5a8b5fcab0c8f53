// SPDX-License-Identifier: MIT
// The regex a misuse message matches in this build's profile, for the death
// tests of the hardening and misuse suites.
#ifndef MLNPOOL_TESTS_MISUSE_MESSAGES_H
#define MLNPOOL_TESTS_MISUSE_MESSAGES_H

#include <string>

#include "tests/pool_probe.h"

// alloc/profile.h, alloc/debug.h's MLN_MISUSE_*: services names the call,
// "<call>: <reason>" (`call` null where the services regex leaves the call
// out); firmware gives the short reason alone.
inline std::string Says(const char *call, const std::string &services, const std::string &firmware) {
  if (probe_profile_is_firmware()) return firmware;
  return call != nullptr ? std::string(call) + ": " + services : services;
}

#endif  // MLNPOOL_TESTS_MISUSE_MESSAGES_H
