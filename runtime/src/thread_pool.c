//===- thread_pool.c - A small fork-join pthread pool ---------------------===//
//
// Workers wait for a job word to move, so a parallel_for needs no
// allocation and no queue: the job lives in the pool itself. The job word
// packs the job's generation, its chunk count and the next unclaimed chunk;
// every thread claims chunks from it with a compare-and-swap, the caller
// chunk 0 first (kept for it, so a 2-thread pool's worker keeps chunk 1,
// and its half of the weights in its own cache, from job to job) and then
// whatever no worker has claimed yet. A caller never waits for a worker
// that has not started: on a loaded machine, where a worker may wait
// milliseconds for a core, the caller runs its chunk instead (a model with
// --threads 2 beside two busy processes ran 10x slower than on one thread
// when each chunk was bound to its thread). A claim is of the job whose
// generation the word holds, so a worker late by a job or more claims in
// the current one or none, and reads the job's fields only after its claim
// (the job cannot end before the claimed chunk does). A 1-thread pool
// takes no synchronization at all.
//
// Compiled models fork once per large contraction, many times per run, so
// a handoff must cost microseconds, not a scheduler round trip: a worker
// spins on the job word for 2^14 pauses after its last job (0.1-0.7 ms,
// depending on the CPU's pause latency; without x86's pause the loop is
// much shorter) before it sleeps on the condition variable, and the caller
// spins on the pending count before it sleeps; both yield the core now and
// then once a wait has lasted longer than a handoff between running
// threads takes, so that a thread waiting for that core (the one
// being waited for, on a machine with more threads than cores) runs. A
// sleeping party is woken under the mutex it sleeps on, and only when it
// announced its sleep (sleeping_workers, caller_sleeping): the announcement
// and the waker's check are sequentially consistent against the word each
// side then reads, so either the sleeper sees the new value or the waker
// sees the announcement, and no wakeup is lost. A handoff between spinning
// parties then touches no mutex: an empty parallel_for on two threads took
// ~0.15 us against ~0.4 us when every handoff took the mutex to signal, on
// a VM whose two vCPUs shared a cache; where they do not (~0.7 us, the
// cache line's round trip), the same either way.
//
// A child of fork() inherits the pool's memory but none of its workers: its
// parallel_for runs every chunk on the calling thread, and destroying the
// pool frees it without waking or joining threads that are not there (it
// waited for ever). A pthread_atfork handler counts forks; a pool made
// before the count moved is an inherited one.
//
//===----------------------------------------------------------------------===//

#define _POSIX_C_SOURCE 200809L

#include "seqc/thread_pool.h"

#include <pthread.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct seqc_thread_pool {
  int size; // threads including the caller
  pthread_t *threads;
  int started; // threads actually created

  pthread_mutex_t submit; // one parallel_for at a time
  pthread_mutex_t mutex;  // guards everything below
  pthread_cond_t work_cv;
  pthread_cond_t done_cv;
  uint64_t job;        // atomic; job_word(generation, chunks, next chunk)
  uint32_t generation; // the caller's count of jobs (under submit)
  int stop;            // atomic
  seqc_parallel_fn fn;
  void *ctx;
  int64_t n;
  int pending;          // atomic; chunks of the current job not yet finished
  int sleeping_workers; // atomic; workers asleep on work_cv
  int caller_sleeping;  // atomic; the caller asleep on done_cv
  unsigned forks;       // fork_count when the pool was made
};

// Forks into children so far (atomic), counted in each child.
static unsigned fork_count;
static pthread_once_t count_forks_once = PTHREAD_ONCE_INIT;

static void count_fork(void) {
  __atomic_add_fetch(&fork_count, 1, __ATOMIC_RELAXED);
}

static void count_forks(void) { pthread_atfork(NULL, NULL, count_fork); }

/* Whether `pool` was made before a fork into this process: its workers
 * live in the parent. */
static int is_inherited(const seqc_thread_pool *pool) {
  return pool->forks != __atomic_load_n(&fork_count, __ATOMIC_RELAXED);
}

/* The job word: generation in bits 32-63, chunk count in 16-31, the next
 * unclaimed chunk in 0-15 (chunks <= SEQC_THREAD_POOL_MAX_THREADS < 2^16).
 * A claim adds one to the word. */
_Static_assert(SEQC_THREAD_POOL_MAX_THREADS < 1 << 16,
               "a job's chunks and next chunk take 16 bits of the job word");
static inline uint64_t job_word(uint32_t generation, int chunks, int next) {
  return (uint64_t)generation << 32 | (uint64_t)chunks << 16 | (uint64_t)next;
}
static inline uint32_t job_generation(uint64_t word) {
  return (uint32_t)(word >> 32);
}
static inline int job_chunks(uint64_t word) {
  return (int)(word >> 16 & 0xffff);
}
static inline int job_next(uint64_t word) { return (int)(word & 0xffff); }

/* Spin iterations before sleeping: a worker between jobs, the caller
 * waiting for the workers. Past kSpinsBeforeYield (a wait of some tens of
 * microseconds, by the CPU's pause latency: longer than a handoff between
 * running threads takes, so that one makes no system call), every
 * kYieldEvery-th yields the core. */
enum {
  kWorkerSpins = 1 << 14,
  kCallerSpins = 1 << 16,
  kSpinsBeforeYield = 1 << 10,
  kYieldEvery = 1 << 8
};

static inline void cpu_relax(int spin) {
#if defined(__x86_64__) || defined(__i386__)
  __builtin_ia32_pause();
#endif
  if (spin >= kSpinsBeforeYield && spin % kYieldEvery == kYieldEvery - 1)
    sched_yield();
}

static inline uint64_t load_job(seqc_thread_pool *pool) {
  return __atomic_load_n(&pool->job, __ATOMIC_ACQUIRE);
}

static inline int load_stop(seqc_thread_pool *pool) {
  return __atomic_load_n(&pool->stop, __ATOMIC_ACQUIRE);
}

static void chunk_bounds(int64_t n, int chunks, int index, int64_t *begin,
                         int64_t *end) {
  int64_t base = n / chunks, extra = n % chunks;
  *begin = index * base + (index < extra ? index : extra);
  *end = *begin + base + (index < extra ? 1 : 0);
}

/* Claims and runs chunks of job `generation` until none is left (none at
 * all once a later job is published), counting each in `pending`; the
 * thread that finishes the job's last chunk wakes the caller if it
 * sleeps. */
static void run_chunks(seqc_thread_pool *pool, uint32_t generation) {
  uint64_t word = load_job(pool);
  for (;;) {
    if (job_generation(word) != generation ||
        job_next(word) >= job_chunks(word))
      return;
    if (!__atomic_compare_exchange_n(&pool->job, &word, word + 1,
                                     /*weak=*/0, __ATOMIC_ACQ_REL,
                                     __ATOMIC_ACQUIRE))
      continue; // `word` now holds the current value
    // The job's fields were written before its word's release store, and
    // the job cannot end while this chunk is unfinished.
    int64_t begin, end;
    chunk_bounds(pool->n, job_chunks(word), job_next(word), &begin, &end);
    pool->fn(pool->ctx, begin, end);
    if (__atomic_sub_fetch(&pool->pending, 1, __ATOMIC_SEQ_CST) == 0 &&
        __atomic_load_n(&pool->caller_sleeping, __ATOMIC_SEQ_CST)) {
      // The caller may be asleep: signal under the mutex it checks under.
      pthread_mutex_lock(&pool->mutex);
      pthread_cond_signal(&pool->done_cv);
      pthread_mutex_unlock(&pool->mutex);
    }
    word = load_job(pool);
  }
}

static void *worker_main(void *arg) {
  seqc_thread_pool *pool = arg;
  uint32_t seen = 0;
  for (;;) {
    for (int spin = 0;
         spin < kWorkerSpins && job_generation(load_job(pool)) == seen &&
         !load_stop(pool);
         ++spin)
      cpu_relax(spin);
    if (job_generation(load_job(pool)) == seen && !load_stop(pool)) {
      pthread_mutex_lock(&pool->mutex);
      __atomic_add_fetch(&pool->sleeping_workers, 1, __ATOMIC_SEQ_CST);
      while (!load_stop(pool) && job_generation(__atomic_load_n(
                                     &pool->job, __ATOMIC_SEQ_CST)) == seen)
        pthread_cond_wait(&pool->work_cv, &pool->mutex);
      __atomic_sub_fetch(&pool->sleeping_workers, 1, __ATOMIC_RELAXED);
      pthread_mutex_unlock(&pool->mutex);
    }
    if (load_stop(pool))
      return NULL;
    seen = job_generation(load_job(pool));
    run_chunks(pool, seen);
  }
}

static void stop_workers(seqc_thread_pool *pool) {
  pthread_mutex_lock(&pool->mutex);
  __atomic_store_n(&pool->stop, 1, __ATOMIC_RELEASE);
  pthread_cond_broadcast(&pool->work_cv);
  pthread_mutex_unlock(&pool->mutex);
  for (int i = 0; i < pool->started; ++i)
    pthread_join(pool->threads[i], NULL);
}

seqc_status seqc_rt_thread_pool_create(int num_threads, seqc_thread_pool **out,
                                       seqc_error *err) {
  if (!out)
    return seqc_rt_set_error(err, SEQC_ERR_INVALID_ARGUMENT,
                             "thread pool: NULL output pointer");
  *out = NULL;
  if (num_threads > SEQC_THREAD_POOL_MAX_THREADS)
    return seqc_rt_set_error(err, SEQC_ERR_INVALID_ARGUMENT,
                             "thread pool: %d threads requested; at most %d",
                             num_threads, SEQC_THREAD_POOL_MAX_THREADS);
  if (num_threads <= 0) {
    long online = sysconf(_SC_NPROCESSORS_ONLN);
    num_threads = online > 0 ? (int)(online < SEQC_THREAD_POOL_MAX_THREADS
                                         ? online
                                         : SEQC_THREAD_POOL_MAX_THREADS)
                             : 1;
  }
  seqc_thread_pool *pool = calloc(1, sizeof(*pool));
  if (!pool)
    return seqc_rt_set_error(err, SEQC_ERR_OUT_OF_MEMORY,
                             "thread pool: out of memory");
  pool->size = num_threads;
  pthread_once(&count_forks_once, count_forks);
  pool->forks = __atomic_load_n(&fork_count, __ATOMIC_RELAXED);
  pthread_mutex_init(&pool->submit, NULL);
  pthread_mutex_init(&pool->mutex, NULL);
  pthread_cond_init(&pool->work_cv, NULL);
  pthread_cond_init(&pool->done_cv, NULL);
  int workers = num_threads - 1;
  if (workers > 0) {
    pool->threads = calloc((size_t)workers, sizeof(pthread_t));
    if (!pool->threads) {
      seqc_rt_thread_pool_destroy(pool);
      return seqc_rt_set_error(err, SEQC_ERR_OUT_OF_MEMORY,
                               "thread pool: out of memory");
    }
  }
  for (int i = 0; i < workers; ++i) {
    int rc = pthread_create(&pool->threads[i], NULL, worker_main, pool);
    if (rc != 0) {
      seqc_rt_thread_pool_destroy(pool);
      return seqc_rt_set_error(err, SEQC_ERR_INTERNAL,
                               "thread pool: cannot start thread %d of %d: %s",
                               i + 2, num_threads, strerror(rc));
    }
    pool->started = i + 1;
  }
  *out = pool;
  seqc_rt_clear_error(err);
  return SEQC_OK;
}

void seqc_rt_thread_pool_destroy(seqc_thread_pool *pool) {
  if (!pool)
    return;
  if (is_inherited(pool)) {
    // (Its mutexes may have been held by threads of the parent.)
    free(pool->threads);
    free(pool);
    return;
  }
  stop_workers(pool);
  pthread_cond_destroy(&pool->done_cv);
  pthread_cond_destroy(&pool->work_cv);
  pthread_mutex_destroy(&pool->mutex);
  pthread_mutex_destroy(&pool->submit);
  free(pool->threads);
  free(pool);
}

int seqc_rt_thread_pool_size(const seqc_thread_pool *pool) {
  return pool ? pool->size : 1;
}

void seqc_rt_thread_pool_parallel_for(seqc_thread_pool *pool, int64_t n,
                                      seqc_parallel_fn fn, void *ctx) {
  if (n <= 0 || !fn)
    return;
  int chunks = pool ? pool->size : 1;
  if (n < chunks)
    chunks = (int)n;
  if (chunks <= 1 || is_inherited(pool)) {
    fn(ctx, 0, n);
    return;
  }
  pthread_mutex_lock(&pool->submit);
  pool->fn = fn;
  pool->ctx = ctx;
  pool->n = n;
  __atomic_store_n(&pool->pending, chunks, __ATOMIC_RELAXED);
  // Publishes the job, chunk 0 kept for the caller, to spinning workers;
  // sleeping ones are woken under the mutex they check the word under.
  uint32_t generation = ++pool->generation;
  __atomic_store_n(&pool->job, job_word(generation, chunks, 1),
                   __ATOMIC_SEQ_CST);
  if (__atomic_load_n(&pool->sleeping_workers, __ATOMIC_SEQ_CST) > 0) {
    pthread_mutex_lock(&pool->mutex);
    pthread_cond_broadcast(&pool->work_cv);
    pthread_mutex_unlock(&pool->mutex);
  }

  int64_t begin, end;
  chunk_bounds(n, chunks, 0, &begin, &end);
  fn(ctx, begin, end);
  __atomic_sub_fetch(&pool->pending, 1, __ATOMIC_SEQ_CST);
  // The chunks no worker has claimed yet.
  run_chunks(pool, generation);

  for (int spin = 0; spin < kCallerSpins &&
                     __atomic_load_n(&pool->pending, __ATOMIC_ACQUIRE) > 0;
       ++spin)
    cpu_relax(spin);
  if (__atomic_load_n(&pool->pending, __ATOMIC_ACQUIRE) > 0) {
    pthread_mutex_lock(&pool->mutex);
    __atomic_store_n(&pool->caller_sleeping, 1, __ATOMIC_SEQ_CST);
    while (__atomic_load_n(&pool->pending, __ATOMIC_SEQ_CST) > 0)
      pthread_cond_wait(&pool->done_cv, &pool->mutex);
    __atomic_store_n(&pool->caller_sleeping, 0, __ATOMIC_RELAXED);
    pthread_mutex_unlock(&pool->mutex);
  }
  pthread_mutex_unlock(&pool->submit);
}

static void parallel_for_entry(void *pool, int64_t n,
                               void (*fn)(void *args, int64_t begin,
                                          int64_t end),
                               void *args) {
  seqc_rt_thread_pool_parallel_for(pool, n, fn, args);
}

void seqc_rt_thread_pool_attach(seqc_thread_pool *pool,
                                seqc_model_context *context) {
  if (!context)
    return;
  if (!pool || pool->size <= 1) {
    context->parallel_for = NULL;
    context->pool = NULL;
    context->num_threads = 1;
    return;
  }
  context->parallel_for = parallel_for_entry;
  context->pool = pool;
  context->num_threads = pool->size;
}
