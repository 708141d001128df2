//===- thread_pool.c - A small fork-join pthread pool ---------------------===//
//
// Workers sleep on a condition variable and wake on a generation counter, so
// a parallel_for needs no allocation and no queue: the job lives in the pool
// itself and each worker derives its chunk from its fixed index. The caller
// always runs chunk 0, which keeps a 1-thread pool free of any
// synchronization.
//
//===----------------------------------------------------------------------===//

#define _POSIX_C_SOURCE 200809L

#include "seqc/thread_pool.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

typedef struct worker {
  struct seqc_thread_pool *pool;
  int index; // 1..size-1; chunk index it runs
} worker;

struct seqc_thread_pool {
  int size; // threads including the caller
  pthread_t *threads;
  worker *workers;
  int started; // threads actually created

  pthread_mutex_t submit; // one parallel_for at a time
  pthread_mutex_t mutex;  // guards everything below
  pthread_cond_t work_cv;
  pthread_cond_t done_cv;
  uint64_t generation;
  int stop;
  seqc_parallel_fn fn;
  void *ctx;
  int64_t n;
  int chunks;
  int pending; // chunks still running on workers
};

static void chunk_bounds(int64_t n, int chunks, int index, int64_t *begin,
                         int64_t *end) {
  int64_t base = n / chunks, extra = n % chunks;
  *begin = index * base + (index < extra ? index : extra);
  *end = *begin + base + (index < extra ? 1 : 0);
}

static void *worker_main(void *arg) {
  worker *self = arg;
  seqc_thread_pool *pool = self->pool;
  uint64_t seen = 0;
  for (;;) {
    pthread_mutex_lock(&pool->mutex);
    while (!pool->stop && pool->generation == seen)
      pthread_cond_wait(&pool->work_cv, &pool->mutex);
    if (pool->stop) {
      pthread_mutex_unlock(&pool->mutex);
      return NULL;
    }
    seen = pool->generation;
    seqc_parallel_fn fn = pool->fn;
    void *ctx = pool->ctx;
    int64_t n = pool->n;
    int chunks = pool->chunks;
    pthread_mutex_unlock(&pool->mutex);

    if (self->index >= chunks)
      continue; // this job has fewer chunks than threads
    int64_t begin, end;
    chunk_bounds(n, chunks, self->index, &begin, &end);
    fn(ctx, begin, end);

    pthread_mutex_lock(&pool->mutex);
    if (--pool->pending == 0)
      pthread_cond_signal(&pool->done_cv);
    pthread_mutex_unlock(&pool->mutex);
  }
}

static void stop_workers(seqc_thread_pool *pool) {
  pthread_mutex_lock(&pool->mutex);
  pool->stop = 1;
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
  if (num_threads <= 0) {
    long online = sysconf(_SC_NPROCESSORS_ONLN);
    num_threads = online > 0 ? (int)(online < 1024 ? online : 1024) : 1;
  }
  seqc_thread_pool *pool = calloc(1, sizeof(*pool));
  if (!pool)
    return seqc_rt_set_error(err, SEQC_ERR_OUT_OF_MEMORY,
                             "thread pool: out of memory");
  pool->size = num_threads;
  pthread_mutex_init(&pool->submit, NULL);
  pthread_mutex_init(&pool->mutex, NULL);
  pthread_cond_init(&pool->work_cv, NULL);
  pthread_cond_init(&pool->done_cv, NULL);
  int workers = num_threads - 1;
  if (workers > 0) {
    pool->threads = calloc((size_t)workers, sizeof(pthread_t));
    pool->workers = calloc((size_t)workers, sizeof(worker));
    if (!pool->threads || !pool->workers) {
      seqc_rt_thread_pool_destroy(pool);
      return seqc_rt_set_error(err, SEQC_ERR_OUT_OF_MEMORY,
                               "thread pool: out of memory");
    }
  }
  for (int i = 0; i < workers; ++i) {
    pool->workers[i].pool = pool;
    pool->workers[i].index = i + 1;
    int rc =
        pthread_create(&pool->threads[i], NULL, worker_main, &pool->workers[i]);
    if (rc != 0) {
      seqc_rt_thread_pool_destroy(pool);
      return seqc_rt_set_error(err, SEQC_ERR_INTERNAL,
                               "thread pool: cannot start thread %d of %d: %s",
                               i + 2, num_threads, strerror(rc));
    }
    pool->started = i + 1;
  }
  *out = pool;
  return SEQC_OK;
}

void seqc_rt_thread_pool_destroy(seqc_thread_pool *pool) {
  if (!pool)
    return;
  stop_workers(pool);
  pthread_cond_destroy(&pool->done_cv);
  pthread_cond_destroy(&pool->work_cv);
  pthread_mutex_destroy(&pool->mutex);
  pthread_mutex_destroy(&pool->submit);
  free(pool->threads);
  free(pool->workers);
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
  if (chunks <= 1) {
    fn(ctx, 0, n);
    return;
  }
  pthread_mutex_lock(&pool->submit);
  pthread_mutex_lock(&pool->mutex);
  pool->fn = fn;
  pool->ctx = ctx;
  pool->n = n;
  pool->chunks = chunks;
  pool->pending = chunks - 1;
  ++pool->generation;
  pthread_cond_broadcast(&pool->work_cv);
  pthread_mutex_unlock(&pool->mutex);

  int64_t begin, end;
  chunk_bounds(n, chunks, 0, &begin, &end);
  fn(ctx, begin, end);

  pthread_mutex_lock(&pool->mutex);
  while (pool->pending > 0)
    pthread_cond_wait(&pool->done_cv, &pool->mutex);
  pthread_mutex_unlock(&pool->mutex);
  pthread_mutex_unlock(&pool->submit);
}
