#ifndef TALLY_CMEMORY_H
#define TALLY_CMEMORY_H

#include <malloc.h>
#include <stdint.h>
#include <sys/mman.h>
#include <unistd.h>

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

/// Gives the whole pages inside `start ..< start + length` back to the system (madvise
/// MADV_DONTNEED): a file mapping's pages are read from the file again if touched, memory of the
/// process's own reads back as zeros. For bytes that are done with: the parts of a file already
/// read, a column's part already copied into the joined column.
static inline void tally_release_pages(const void *start, size_t length) {
    uintptr_t page = (uintptr_t)sysconf(_SC_PAGESIZE);
    uintptr_t from = ((uintptr_t)start + page - 1) / page * page;
    uintptr_t to = ((uintptr_t)start + length) / page * page;
    if (to > from) madvise((void *)from, to - from, MADV_DONTNEED);
}

#endif
