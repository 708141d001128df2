//===- buffer_cache.c - Mapped blocks kept between model runs -------------===//
//
// See buffer_cache.h. The cache is a short unsorted list of idle blocks:
// a model has tens of distinct temporaries, so a linear best-fit search is
// cheaper than any structure, and it runs under one mutex so that runs of
// one model on several threads share it.
//
//===----------------------------------------------------------------------===//

#define _GNU_SOURCE // PTHREAD_MUTEX_ADAPTIVE_NP
#include "buffer_cache.h"

#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

struct buffer_cache {
  pthread_mutex_t lock;
  buffer_source source;
  run_block *idle;
  size_t count, capacity;
  // Bytes of the idle blocks larger than kSmallBlock (held to the peak)
  // and of the small ones (held to kSmallIdleBytes).
  size_t idle_bytes, small_idle_bytes;
  // The most bytes one run had live: what the cache may keep idle.
  size_t peak_run_bytes;
  uint64_t system_allocations, reused_allocations;
};

// Blocks of at most a page stay idle apart from the peak's cap: a run's
// blocks can sum to more than its live peak (blocks live at different
// times, sizes matched within 2x), and evicting the smallest first made
// every warm run take its scalars and rows from the system again (15 of a
// small Llama's 118 blocks a run). Up to kSmallIdleBytes of them stay.
enum { kSmallBlock = 4096, kSmallIdleBytes = 1 << 20 };

static int is_small(size_t size) { return size <= kSmallBlock; }

static void *system_alloc(void *state, size_t alignment, size_t size) {
  (void)state;
  return aligned_alloc(alignment, size);
}

static void system_free(void *state, void *block) {
  (void)state;
  free(block);
}

static void *source_alloc(buffer_cache *cache, size_t alignment, size_t size) {
  return cache->source.alloc(cache->source.state, alignment, size);
}

static void source_free(buffer_cache *cache, void *block) {
  cache->source.free(cache->source.state, block);
}

buffer_cache *seqc_buffer_cache_create(void) {
  buffer_source system = {system_alloc, system_free, NULL};
  return seqc_buffer_cache_create_with_source(&system);
}

buffer_cache *
seqc_buffer_cache_create_with_source(const buffer_source *source) {
  buffer_cache *cache = calloc(1, sizeof(*cache));
  if (!cache)
    return NULL;
  cache->source = *source;
  // The threads of one run's parallel shares allocate their scratch
  // blocks at the same time, in sections of a few hundred cycles: an
  // adaptive mutex spins a little before it sleeps, instead of a futex
  // round trip per contended allocation.
  pthread_mutexattr_t attr;
  pthread_mutexattr_init(&attr);
#ifdef PTHREAD_ADAPTIVE_MUTEX_INITIALIZER_NP
  pthread_mutexattr_settype(&attr, PTHREAD_MUTEX_ADAPTIVE_NP);
#endif
  int rc = pthread_mutex_init(&cache->lock, &attr);
  pthread_mutexattr_destroy(&attr);
  if (rc != 0) {
    free(cache);
    return NULL;
  }
  return cache;
}

static void release_idle(buffer_cache *cache) {
  for (size_t i = 0; i < cache->count; ++i)
    source_free(cache, cache->idle[i].block);
  cache->count = 0;
  cache->idle_bytes = cache->small_idle_bytes = 0;
}

void seqc_buffer_cache_destroy(buffer_cache *cache) {
  if (!cache)
    return;
  release_idle(cache);
  free(cache->idle);
  pthread_mutex_destroy(&cache->lock);
  free(cache);
}

void seqc_buffer_cache_trim(buffer_cache *cache) {
  if (!cache)
    return;
  pthread_mutex_lock(&cache->lock);
  release_idle(cache);
  pthread_mutex_unlock(&cache->lock);
}

void seqc_buffer_cache_stats(buffer_cache *cache, seqc_memory_stats *stats) {
  memset(stats, 0, sizeof(*stats));
  if (!cache)
    return;
  pthread_mutex_lock(&cache->lock);
  stats->system_allocations = cache->system_allocations;
  stats->reused_allocations = cache->reused_allocations;
  stats->cached_bytes = cache->idle_bytes + cache->small_idle_bytes;
  stats->peak_run_bytes = cache->peak_run_bytes;
  pthread_mutex_unlock(&cache->lock);
}

// An idle block of at least `size` bytes and at most twice that (a larger
// one would hold memory a bigger request needs), the smallest such; its
// size in *got. NULL when none fits.
static void *take_idle(buffer_cache *cache, size_t size, size_t *got) {
  size_t best = SIZE_MAX;
  for (size_t i = 0; i < cache->count; ++i) {
    size_t s = cache->idle[i].size;
    if (s >= size && s / 2 <= size &&
        (best == SIZE_MAX || s < cache->idle[best].size))
      best = i;
  }
  if (best == SIZE_MAX)
    return NULL;
  void *block = cache->idle[best].block;
  *got = cache->idle[best].size;
  cache->idle[best] = cache->idle[--cache->count];
  if (is_small(*got))
    cache->small_idle_bytes -= *got;
  else
    cache->idle_bytes -= *got;
  return block;
}

// Keeps `block` idle, or frees it when the cache would hold more than a
// run's peak, the current run's included (evicting smaller idle blocks
// first so the big ones, whose mapping is what costs, stay); a small block
// when the small ones would pass kSmallIdleBytes.
static void put_idle(buffer_cache *cache, const run_allocations *run,
                     void *block, size_t size) {
  if (run->peak_bytes > cache->peak_run_bytes)
    cache->peak_run_bytes = run->peak_bytes;
  if (is_small(size)) {
    if (cache->small_idle_bytes + size > kSmallIdleBytes) {
      source_free(cache, block);
      return;
    }
  } else {
    while (cache->idle_bytes + size > cache->peak_run_bytes) {
      size_t smallest = SIZE_MAX;
      for (size_t i = 0; i < cache->count; ++i)
        if (!is_small(cache->idle[i].size) &&
            (smallest == SIZE_MAX ||
             cache->idle[i].size < cache->idle[smallest].size))
          smallest = i;
      if (smallest == SIZE_MAX || cache->idle[smallest].size >= size)
        break;
      cache->idle_bytes -= cache->idle[smallest].size;
      source_free(cache, cache->idle[smallest].block);
      cache->idle[smallest] = cache->idle[--cache->count];
    }
    if (cache->idle_bytes + size > cache->peak_run_bytes) {
      source_free(cache, block);
      return;
    }
  }
  if (cache->count == cache->capacity) {
    size_t capacity = cache->capacity ? 2 * cache->capacity : 16;
    run_block *grown = realloc(cache->idle, capacity * sizeof(run_block));
    if (!grown) {
      source_free(cache, block);
      return;
    }
    cache->idle = grown;
    cache->capacity = capacity;
  }
  cache->idle[cache->count++] = (run_block){block, size, 1};
  if (is_small(size))
    cache->small_idle_bytes += size;
  else
    cache->idle_bytes += size;
}

void seqc_run_allocations_init(run_allocations *run, buffer_cache *cache) {
  run->cache = cache;
  run->blocks = run->local;
  run->count = 0;
  run->capacity = sizeof(run->local) / sizeof(run->local[0]);
  run->live_bytes = run->peak_bytes = 0;
}

void seqc_run_allocations_attach(run_allocations *run,
                                 seqc_model_context *context) {
  context->alloc = seqc_run_allocations_alloc;
  context->free = seqc_run_allocations_free;
  context->allocator = run;
}

// Records `block` as this run's; 0 when the list cannot grow. Called under
// the cache's lock.
static int track(run_allocations *run, void *block, size_t size,
                 int cacheable) {
  if (run->count == run->capacity) {
    size_t capacity = 2 * run->capacity;
    run_block *grown = run->blocks == run->local
                           ? malloc(capacity * sizeof(run_block))
                           : realloc(run->blocks, capacity * sizeof(run_block));
    if (!grown)
      return 0;
    if (run->blocks == run->local)
      memcpy(grown, run->local, sizeof(run->local));
    run->blocks = grown;
    run->capacity = capacity;
  }
  run->blocks[run->count++] = (run_block){block, size, cacheable};
  run->live_bytes += size;
  if (run->live_bytes > run->peak_bytes)
    run->peak_bytes = run->live_bytes;
  return 1;
}

// Removes `block` from the run's list into *found; 0 when it is not there.
// Called under the cache's lock.
static int untrack(run_allocations *run, const void *block, run_block *found) {
  // Frees mostly mirror allocations: search from the newest.
  for (size_t i = run->count; i-- > 0;) {
    if (run->blocks[i].block != block)
      continue;
    *found = run->blocks[i];
    run->blocks[i] = run->blocks[--run->count];
    run->live_bytes -= found->size;
    return 1;
  }
  return 0;
}

static void count_system_allocation(buffer_cache *cache) {
  pthread_mutex_lock(&cache->lock);
  ++cache->system_allocations;
  pthread_mutex_unlock(&cache->lock);
}

void *seqc_run_allocations_alloc(void *allocator, size_t alignment,
                                 size_t size) {
  run_allocations *run = allocator;
  if (size > SIZE_MAX - (BUFFER_CACHE_ALIGNMENT - 1))
    return NULL;
  if (alignment > BUFFER_CACHE_ALIGNMENT) {
    // The cache holds 64-byte aligned blocks only; this one is the run's
    // until it is freed or the run ends.
    void *block = source_alloc(run->cache, alignment, size ? size : alignment);
    if (!block)
      return NULL;
    count_system_allocation(run->cache);
    pthread_mutex_lock(&run->cache->lock);
    int tracked = track(run, block, size, 0);
    pthread_mutex_unlock(&run->cache->lock);
    if (!tracked) {
      source_free(run->cache, block);
      return NULL;
    }
    return block;
  }
  // Whole cache lines, and never zero bytes (aligned_alloc(.., 0) may
  // return NULL, which reads as out of memory).
  size = size ? (size + BUFFER_CACHE_ALIGNMENT - 1) / BUFFER_CACHE_ALIGNMENT *
                    BUFFER_CACHE_ALIGNMENT
              : BUFFER_CACHE_ALIGNMENT;
  buffer_cache *cache = run->cache;
  size_t got = size;
  pthread_mutex_lock(&cache->lock);
  void *block = take_idle(cache, size, &got);
  if (block)
    ++cache->reused_allocations;
  pthread_mutex_unlock(&cache->lock);
  if (!block) {
    block = source_alloc(cache, BUFFER_CACHE_ALIGNMENT, size);
    if (!block)
      return NULL;
    count_system_allocation(cache);
  }
  pthread_mutex_lock(&cache->lock);
  int tracked = track(run, block, got, 1);
  if (!tracked) // untracked, the block could not come back: give it up now
    put_idle(cache, run, block, got);
  pthread_mutex_unlock(&cache->lock);
  return tracked ? block : NULL;
}

void seqc_run_allocations_free(void *allocator, void *block) {
  run_allocations *run = allocator;
  if (!block)
    return;
  run_block found;
  pthread_mutex_lock(&run->cache->lock);
  int ours = untrack(run, block, &found);
  int cached = ours && found.cacheable;
  if (cached)
    put_idle(run->cache, run, block, found.size);
  pthread_mutex_unlock(&run->cache->lock);
  if (cached)
    return;
  // Over-aligned (the source's), or not the run's: a helper function
  // without a context allocated it with aligned_alloc (abi.h).
  if (ours)
    source_free(run->cache, block);
  else
    free(block);
}

void seqc_run_allocations_hand_over(run_allocations *run, const void *block) {
  run_block found;
  pthread_mutex_lock(&run->cache->lock);
  untrack(run, block, &found);
  pthread_mutex_unlock(&run->cache->lock);
}

void seqc_run_allocations_finish(run_allocations *run) {
  buffer_cache *cache = run->cache;
  pthread_mutex_lock(&cache->lock);
  for (size_t i = 0; i < run->count; ++i) {
    if (run->blocks[i].cacheable)
      put_idle(cache, run, run->blocks[i].block, run->blocks[i].size);
    else
      source_free(cache, run->blocks[i].block);
  }
  pthread_mutex_unlock(&cache->lock);
  if (run->blocks != run->local)
    free(run->blocks);
  seqc_run_allocations_init(run, cache);
}
