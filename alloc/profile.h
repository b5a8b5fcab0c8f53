/* SPDX-License-Identifier: MIT */
/*
 * profile.h: the build profile, the one switch between the library's two
 * masters. Every feature that one profile carries and the other does not
 * is named here, once, as a constant the code tests in plain C
 * (`if (MLN_WITH_FRONT_CACHE)`): the compiler drops what the profile does
 * not carry, and both profiles are compiled (and tested) from the same
 * lines.
 *
 *   MLN_ALLOC_PROFILE_FIRMWARE  (the default: no define at all)
 *       Strict, small TLSF for microcontrollers: every call O(1) with a
 *       small constant bound, no front cache, no spans kept for later, no
 *       separate spans for large blocks, two bins per power of two, short
 *       panic messages. Flash, RAM and worst case first.
 *   MLN_ALLOC_PROFILE_SERVICES  (-DMLN_ALLOC_PROFILE=MLN_ALLOC_PROFILE_SERVICES,
 *       or -DMLN_ALLOC_PROFILE=2; what Bazel builds for every OS target)
 *       Speed for long-running programs: the front cache of freed small
 *       blocks and the inline fast paths it feeds, sixteen bins per power
 *       of two, a spare span per pool, large blocks in spans of their own,
 *       messages that name the call.
 *
 * Both profiles keep the same API, the same misuse checks (the panic hook
 * is called for the same misuses; the wording is shorter in firmware, and a
 * freed small block, which firmware keeps in no cache, is told by its free
 * bit: "double free, or a pointer inside a block"), exact statistics and
 * capacities, and the same crash safety for shared pools.
 */
#ifndef MLN_ALLOC_PROFILE_H
#define MLN_ALLOC_PROFILE_H

#define MLN_ALLOC_PROFILE_FIRMWARE 1
#define MLN_ALLOC_PROFILE_SERVICES 2

#ifndef MLN_ALLOC_PROFILE
#define MLN_ALLOC_PROFILE MLN_ALLOC_PROFILE_FIRMWARE
#endif

#if MLN_ALLOC_PROFILE != MLN_ALLOC_PROFILE_FIRMWARE && MLN_ALLOC_PROFILE != MLN_ALLOC_PROFILE_SERVICES
#error "MLN_ALLOC_PROFILE is MLN_ALLOC_PROFILE_FIRMWARE (1) or MLN_ALLOC_PROFILE_SERVICES (2)"
#endif

/* 1 in the services profile, 0 in firmware. */
#define MLN_PROFILE_SERVICES (MLN_ALLOC_PROFILE == MLN_ALLOC_PROFILE_SERVICES)

/* `services` in the services profile, `firmware` in the firmware one: a
 * constant expression for sizes, a string for messages. */
#define MLN_BY_PROFILE(services, firmware) (MLN_PROFILE_SERVICES ? (services) : (firmware))

/* ---- the features, each carried by one profile ---- */

/* Services: the front cache of freed small blocks (front_cache.h), its
 * inline hits in mln_alloc_m and mln_alloc_free, and a shared pool's
 * journaled cache. Its flush, before a pool grows, is what makes the
 * services profile's worst case O(classes x depth) rather than strict O(1). */
#define MLN_WITH_FRONT_CACHE MLN_PROFILE_SERVICES

/* Services: one emptied grown span kept per pool, so that a pool hovering
 * at a span's edge does not take and give back a span on every call. */
#define MLN_WITH_SPARE_SPAN MLN_PROFILE_SERVICES

/* Services: blocks past a pool's policy threshold get a span of their own
 * from the source, given back as soon as they are freed. In firmware a
 * pool grows by spans that fit the block instead (the same path as any
 * growth), and the code for separate large spans is not there. */
#define MLN_WITH_LARGE_SPANS MLN_PROFILE_SERVICES

/* Services: the wilderness, the free end of a pool's newest span, kept
 * out of the bins and served by a bump (a few stores per block while a
 * span fills). Firmware puts that block in the bins like any other: every
 * allocation is then one bin search and one split, and the code for the
 * bump and for a free end is not in the image. */
#define MLN_WITH_WILDERNESS MLN_PROFILE_SERVICES

/* Services: a misuse message names the call ("mln_alloc_free: double
 * free ..."); firmware reports the reason alone, in a few words. */
#define MLN_WITH_CALL_NAMES MLN_PROFILE_SERVICES

/*
 * Second-level bins per power of two, as a log2: 16 in services (a request
 * finds a block at most 1/16 larger than it needs), 2 in firmware, where
 * the bin heads are most of a pool's control structure (a pool over 64 KiB
 * then needs 104 bytes of them on 32-bit instead of 832).
 */
#define MLN_SL_LOG2 MLN_BY_PROFILE(4u, 1u)

#endif /* MLN_ALLOC_PROFILE_H */
