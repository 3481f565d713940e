#ifndef TALLY_CMEMORY_H
#define TALLY_CMEMORY_H

#include <malloc.h>

/// Asks the processor to bring the cache line holding `address` in, without waiting for it.
/// Hash tables far larger than the cache (millions of distinct strings) prefetch a batch of
/// slots this way before reading any, so the misses overlap. A hint only: any address is harmless.
static inline void tally_prefetch(const void *address) {
    __builtin_prefetch(address, 0, 3);
}

/// Gives the memory that malloc holds free back to the system (glibc's malloc_trim).
static inline void tally_release_free_memory(void) {
    malloc_trim(0);
}

/// Serves every allocation of 1 MiB or more with its own mapping, given back to the system when
/// freed. glibc otherwise raises that bar up to 32 MiB as large blocks are freed, then keeps
/// freed blocks below it: a query's scratch (group ids, computed columns) would stay with the
/// process after the query. Called once, at start-up.
static inline void tally_use_mapped_allocations(void) {
    mallopt(M_MMAP_THRESHOLD, 1 << 20);
}

#endif
