//===- buffer_cache.h - Mapped blocks kept between model runs ---*- C -*-===//
//
// Private to the runtime. A compiled model allocates its temporaries and
// results through its seqc_model_context (abi.h). Freshly allocated large
// blocks are fresh mappings, and every first touch of a page is a fault
// (~10 us on the hosts seqc targets; a transformer layer took ~1,000 per
// call). The runtime instead passes one `run_allocations` per call, backed
// by the model handle's `buffer_cache`:
//  - a block the model frees goes back to the cache, still mapped, and the
//    next allocation of a similar size (this call or a later one) reuses it;
//  - a block handed to the caller as an output leaves the cache's
//    bookkeeping: every block of a default cache is a genuine
//    aligned_alloc(64, ...) block, so the caller frees it with free() as
//    before (a cache with another buffer_source hands nothing over);
//  - a block the model neither freed nor returned (an early return after a
//    failed check) is reclaimed when the call ends.
// The cache keeps at most as many idle bytes as the largest call had live,
// so what it holds is bounded by one call's working set.
//
//===----------------------------------------------------------------------===//
#ifndef SEQC_RUNTIME_BUFFER_CACHE_H
#define SEQC_RUNTIME_BUFFER_CACHE_H

#include "seqc/model.h"

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

// Alignment of every cached block; a block aligned beyond it is the run's
// (freed with the run at the latest) but never cached.
#define BUFFER_CACHE_ALIGNMENT 64

typedef struct buffer_cache buffer_cache;

// Where a cache's blocks come from and go back to. A cache of
// seqc_buffer_cache_create takes aligned_alloc/free; a CUDA model's takes CUDA
// managed memory (cuda.c), whose blocks the runtime never hands to the
// caller (they are not free()'s).
typedef struct buffer_source {
  void *(*alloc)(void *state, size_t alignment, size_t size);
  void (*free)(void *state, void *block);
  void *state;
} buffer_source;

// NULL when out of memory. Thread-safe: runs of one model may overlap.
buffer_cache *seqc_buffer_cache_create(void);
buffer_cache *seqc_buffer_cache_create_with_source(const buffer_source *source);
// Frees every idle block; NULL is a no-op.
void seqc_buffer_cache_destroy(buffer_cache *cache);
// Frees the idle blocks (seqc_rt_model_trim).
void seqc_buffer_cache_trim(buffer_cache *cache);
void seqc_buffer_cache_stats(buffer_cache *cache, seqc_memory_stats *stats);

typedef struct run_block {
  void *block;
  size_t size;
  // 0 for a block aligned beyond BUFFER_CACHE_ALIGNMENT: tracked (an early
  // return's leftovers are freed) but never cached.
  int cacheable;
} run_block;

// The blocks one call holds; lives on the caller's stack. A call's parallel
// parts allocate from several threads: the cache's lock guards this list
// too.
typedef struct run_allocations {
  buffer_cache *cache;
  run_block *blocks; // `local` until it outgrows it
  size_t count, capacity;
  size_t live_bytes, peak_bytes;
  run_block local[32];
} run_allocations;

// `cache` must not be NULL (a model handle always has one).
void seqc_run_allocations_init(run_allocations *run, buffer_cache *cache);
// Points the context's alloc/free/allocator at `run`.
void seqc_run_allocations_attach(run_allocations *run,
                                 seqc_model_context *context);
// seqc_model_context.alloc / .free with `allocator` = the run.
void *seqc_run_allocations_alloc(void *run, size_t alignment, size_t size);
void seqc_run_allocations_free(void *run, void *block);
// The caller now owns `block` (an output handed over as is).
void seqc_run_allocations_hand_over(run_allocations *run, const void *block);
// Returns what the model left allocated to the cache; ends the call.
void seqc_run_allocations_finish(run_allocations *run);

#ifdef __cplusplus
}
#endif

#endif // SEQC_RUNTIME_BUFFER_CACHE_H
