# SPDX-License-Identifier: MIT
"""The core's layers: which file of alloc/ belongs to which, written once.

Each layer is a library that depends only on those below it (docs/DESIGN.md
has the picture):

  api     the public calls          api*.c
  kinds   heap/region, shared       kind_*.c, kind_*.h
  pool    pools, spans, children    pool*.c, pool*.h, front_cache.*
  engine  TLSF engine, journal      engine*.c, journal.c, engine.h, journal.h
  base    blocks, panic, seams      block.h, debug.h, bytes.*, panic.c,
                                    platform.h, profile.h, track.h

Read by alloc/BUILD (load), by //tests:layering_test, by
tools/firmware_figures.sh and by tools/amalgamate.py (exec as Python): keep
it to literals, in syntax both Starlark and Python take. The public header,
alloc/mln_alloc.h, belongs to no layer (every layer may include it).
"""

# layer -> (sources, headers), in alloc/.
LAYERS = {
    "base": (
        ["bytes.c", "panic.c"],
        ["block.h", "bytes.h", "debug.h", "platform.h", "profile.h", "track.h"],
    ),
    "engine": (
        ["engine.c", "engine_check.c", "engine_rebuild.c", "journal.c"],
        ["engine.h", "journal.h"],
    ),
    "pool": (
        ["pool.c", "pool_fast.c", "pool_check.c", "front_cache.c"],
        ["pool.h", "pool_fast.h", "front_cache.h"],
    ),
    "kinds": (
        ["kind_heap.c", "kind_shared.c", "kind_shared_journal.c", "kind_shared_recovery.c"],
        ["kind_heap.h", "kind_shared.h", "kind_shared_journal.h", "kind_shared_recovery.h", "kind_shared_state.h"],
    ),
    "api": (
        ["api.c", "api_capacity.c", "api_roots.c", "api_region.c", "api_shared.c", "api_stats.c", "api_version.c"],
        ["api_roots.h"],
    ),
}

# Bottom to top: each layer may use those before it.
LAYER_ORDER = ["base", "engine", "pool", "kinds", "api"]
