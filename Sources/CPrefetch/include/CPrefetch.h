#ifndef TALLY_CPREFETCH_H
#define TALLY_CPREFETCH_H

/// Asks the processor to bring the cache line holding `address` in, without waiting for it.
/// Hash tables far larger than the cache (millions of distinct strings) touch a batch of slots
/// this way before reading any, so the misses overlap. A hint only: any address is harmless.
static inline void tally_prefetch(const void *address) {
    __builtin_prefetch(address, 0, 3);
}

#endif
