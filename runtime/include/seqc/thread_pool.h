/*===- seqc/thread_pool.h - A tiny fork-join pool --------------------------===*
 *
 * Compiled models split large contractions over a few cores (see
 * seqc_model_context in seqc/abi.h and seqc_rt_thread_pool_attach). The
 * pool's only job is a blocking parallel_for with no allocation per call,
 * a spin-then-sleep handoff cheap enough for the per-step path.
 *
 *===----------------------------------------------------------------------===*/
#ifndef SEQC_THREAD_POOL_H
#define SEQC_THREAD_POOL_H

#include "seqc/runtime.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct seqc_thread_pool seqc_thread_pool;

/* Work on the half-open range [begin, end). */
typedef void (*seqc_parallel_fn)(void *ctx, int64_t begin, int64_t end);

/* num_threads counts the calling thread, so 1 starts no threads and
 * parallel_for runs inline. num_threads <= 0 means one per online CPU (at
 * most SEQC_THREAD_POOL_MAX_THREADS). Errors: SEQC_ERR_INVALID_ARGUMENT
 * for a NULL `out` or more than SEQC_THREAD_POOL_MAX_THREADS threads,
 * SEQC_ERR_OUT_OF_MEMORY, SEQC_ERR_INTERNAL when the system refuses a
 * thread (the message says which); on success `err` is cleared. */
#define SEQC_THREAD_POOL_MAX_THREADS 1024
seqc_status seqc_rt_thread_pool_create(int num_threads, seqc_thread_pool **out,
                                       seqc_error *err);

/* Joins the workers and frees the pool; NULL is a no-op. */
void seqc_rt_thread_pool_destroy(seqc_thread_pool *pool);

/* Number of threads including the caller; 1 for a NULL pool. */
int seqc_rt_thread_pool_size(const seqc_thread_pool *pool);

/* Splits [0, n) into min(size, n) contiguous chunks whose lengths differ by
 * at most one, runs chunk 0 on the calling thread and the others on the
 * workers, and returns once all are done. A chunk no worker has claimed by
 * the time the caller's is done runs on the caller (a worker still waiting
 * for a core on a busy machine is not waited for; one that claimed a chunk
 * is). n <= 0 does nothing; a NULL pool
 * runs fn(ctx, 0, n) inline. Calls from several threads are serialized; fn must
 * not call parallel_for on the same pool. */
void seqc_rt_thread_pool_parallel_for(seqc_thread_pool *pool, int64_t n,
                                      seqc_parallel_fn fn, void *ctx);

/* Lets the compiled model run with `context` (abi.h) split its large
 * contractions over `pool`: sets context->parallel_for, pool and
 * num_threads. A NULL or 1-thread pool leaves the model on the calling
 * thread. The pool must outlive the call the context is passed to; models
 * that share a pool run their parallel parts one at a time. NULL context:
 * no-op. */
void seqc_rt_thread_pool_attach(seqc_thread_pool *pool,
                                seqc_model_context *context);

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* SEQC_THREAD_POOL_H */
