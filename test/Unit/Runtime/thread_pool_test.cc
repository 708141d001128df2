//===- thread_pool_test.cc - parallel_for chunking and results ------------===//

#include "seqc/thread_pool.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include <sys/wait.h>
#include <unistd.h>

namespace {

struct SumContext {
  const std::vector<int64_t> *values;
  std::atomic<int64_t> sum{0};
  std::atomic<int> calls{0};
  std::mutex mutex;
  std::vector<std::pair<int64_t, int64_t>> chunks;
  std::set<std::thread::id> threads;
};

void SumChunk(void *raw, int64_t begin, int64_t end) {
  auto *ctx = static_cast<SumContext *>(raw);
  int64_t local = 0;
  for (int64_t i = begin; i < end; ++i)
    local += (*ctx->values)[i];
  ctx->sum += local;
  ++ctx->calls;
  std::lock_guard<std::mutex> lock(ctx->mutex);
  ctx->chunks.emplace_back(begin, end);
  ctx->threads.insert(std::this_thread::get_id());
}

class ThreadPoolTest : public ::testing::TestWithParam<int> {};

TEST_P(ThreadPoolTest, SumOverChunksEqualsSerialSum) {
  const int threads = GetParam();
  seqc_thread_pool *pool = nullptr;
  seqc_error err;
  ASSERT_EQ(seqc_rt_thread_pool_create(threads, &pool, &err), SEQC_OK)
      << err.message;
  ASSERT_EQ(seqc_rt_thread_pool_size(pool), threads);
  for (int64_t n : {1, 2, 3, 5, 17, 1000, 100003}) {
    std::vector<int64_t> values(n);
    int64_t serial = 0;
    for (int64_t i = 0; i < n; ++i)
      serial += values[i] = i * 3 - 7;
    // Repeat so consecutive jobs exercise the wake-up handshake.
    for (int repeat = 0; repeat < 20; ++repeat) {
      SumContext ctx;
      ctx.values = &values;
      seqc_rt_thread_pool_parallel_for(pool, n, SumChunk, &ctx);
      ASSERT_EQ(ctx.sum.load(), serial) << "n=" << n;
      // min(threads, n) contiguous chunks that tile [0, n) exactly, with
      // lengths differing by at most one.
      const int64_t expected_chunks = std::min<int64_t>(threads, n);
      ASSERT_EQ(ctx.calls.load(), expected_chunks);
      std::sort(ctx.chunks.begin(), ctx.chunks.end());
      int64_t next = 0, min_len = n, max_len = 0;
      for (auto [begin, end] : ctx.chunks) {
        ASSERT_EQ(begin, next);
        ASSERT_GT(end, begin);
        next = end;
        min_len = std::min(min_len, end - begin);
        max_len = std::max(max_len, end - begin);
      }
      ASSERT_EQ(next, n);
      ASSERT_LE(max_len - min_len, 1);
    }
  }
  seqc_rt_thread_pool_destroy(pool);
}

// Chunk 0 runs on the caller and the other chunks on the workers, each on
// its own thread: every chunk waits until all have started (a barrier), so
// all run at once, and no thread can take two.
struct MeetContext : SumContext {
  int chunks = 0;
  std::atomic<int> started{0};
};

void MeetChunk(void *raw, int64_t begin, int64_t end) {
  auto *ctx = static_cast<MeetContext *>(raw);
  ++ctx->started;
  auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (ctx->started.load() < ctx->chunks &&
         std::chrono::steady_clock::now() < give_up)
    std::this_thread::yield();
  SumChunk(raw, begin, end);
}

TEST_P(ThreadPoolTest, FirstChunkRunsOnCallerOthersOnWorkers) {
  const int threads = GetParam();
  seqc_thread_pool *pool = nullptr;
  ASSERT_EQ(seqc_rt_thread_pool_create(threads, &pool, nullptr), SEQC_OK);
  std::vector<int64_t> values(64, 1);
  MeetContext ctx;
  ctx.values = &values;
  ctx.chunks = threads;
  seqc_rt_thread_pool_parallel_for(pool, 64, MeetChunk, &ctx);
  EXPECT_EQ(ctx.sum.load(), 64);
  EXPECT_EQ(ctx.threads.count(std::this_thread::get_id()), 1u);
  EXPECT_EQ(ctx.threads.size(), static_cast<size_t>(threads));
  seqc_rt_thread_pool_destroy(pool);
}

// With far more threads than the machine's cores, workers start late and
// the caller takes the chunks none has claimed yet: every chunk still runs
// exactly once.
TEST(ThreadPool, OversubscribedJobsCountEachChunkOnce) {
  seqc_thread_pool *pool = nullptr;
  ASSERT_EQ(seqc_rt_thread_pool_create(16, &pool, nullptr), SEQC_OK);
  std::vector<int64_t> values(1000, 1);
  for (int job = 0; job < 500; ++job) {
    SumContext ctx;
    ctx.values = &values;
    int64_t n = 1 + job % 1000;
    seqc_rt_thread_pool_parallel_for(pool, n, SumChunk, &ctx);
    ASSERT_EQ(ctx.sum.load(), n) << "job " << job;
    ASSERT_EQ(ctx.calls.load(), std::min<int64_t>(n, 16)) << "job " << job;
  }
  seqc_rt_thread_pool_destroy(pool);
}

INSTANTIATE_TEST_SUITE_P(Threads, ThreadPoolTest, ::testing::Values(1, 2, 4));

TEST(ThreadPool, FewerItemsThanThreads) {
  seqc_thread_pool *pool = nullptr;
  ASSERT_EQ(seqc_rt_thread_pool_create(4, &pool, nullptr), SEQC_OK);
  std::vector<int64_t> values = {5, 6};
  SumContext ctx;
  ctx.values = &values;
  seqc_rt_thread_pool_parallel_for(pool, 2, SumChunk, &ctx);
  EXPECT_EQ(ctx.sum.load(), 11);
  EXPECT_EQ(ctx.calls.load(), 2);
  // n <= 0 never calls fn.
  seqc_rt_thread_pool_parallel_for(pool, 0, SumChunk, &ctx);
  seqc_rt_thread_pool_parallel_for(pool, -3, SumChunk, &ctx);
  EXPECT_EQ(ctx.calls.load(), 2);
  seqc_rt_thread_pool_destroy(pool);
}

TEST(ThreadPool, NullPoolRunsInline) {
  std::vector<int64_t> values = {1, 2, 3};
  SumContext ctx;
  ctx.values = &values;
  seqc_rt_thread_pool_parallel_for(nullptr, 3, SumChunk, &ctx);
  EXPECT_EQ(ctx.sum.load(), 6);
  EXPECT_EQ(ctx.calls.load(), 1);
  EXPECT_EQ(seqc_rt_thread_pool_size(nullptr), 1);
  seqc_rt_thread_pool_destroy(nullptr);
}

// A child of fork() inherits the pool but not its workers: a parallel_for
// there runs every chunk on the calling thread, and destroying the pool
// returns (it waited for ever on workers that live in the parent). The
// parent's pool keeps working.
TEST(ThreadPool, ForkedChildRunsInlineAndDestroysInheritedPool) {
  seqc_thread_pool *pool = nullptr;
  seqc_error err{};
  ASSERT_EQ(seqc_rt_thread_pool_create(3, &pool, &err), SEQC_OK) << err.message;
  std::vector<int64_t> values(100, 1);
  pid_t child = fork();
  ASSERT_NE(child, -1);
  if (child == 0) {
    alarm(20); // a hang ends the child with SIGALRM
    SumContext ctx;
    ctx.values = &values;
    seqc_rt_thread_pool_parallel_for(pool, 100, SumChunk, &ctx);
    int ok = ctx.sum.load() == 100 && ctx.calls.load() == 1;
    seqc_rt_thread_pool_destroy(pool);
    _exit(ok ? 0 : 1);
  }
  int status = 0;
  ASSERT_EQ(waitpid(child, &status, 0), child);
  EXPECT_TRUE(WIFEXITED(status))
      << "child ended by signal "
      << (WIFSIGNALED(status) ? WTERMSIG(status) : 0);
  EXPECT_EQ(WIFEXITED(status) ? WEXITSTATUS(status) : -1, 0);
  SumContext ctx;
  ctx.values = &values;
  seqc_rt_thread_pool_parallel_for(pool, 100, SumChunk, &ctx);
  EXPECT_EQ(ctx.sum.load(), 100);
  EXPECT_EQ(ctx.calls.load(), 3);
  seqc_rt_thread_pool_destroy(pool);
}

// An explicit count past the cap is refused before any thread starts (a
// typo of 100000 started hundreds of threads before failing); a success
// clears err as the model functions do.
TEST(ThreadPool, CountPastTheCapIsRefusedAndSuccessClearsErr) {
  seqc_thread_pool *pool = nullptr;
  seqc_error err{};
  EXPECT_EQ(
      seqc_rt_thread_pool_create(SEQC_THREAD_POOL_MAX_THREADS + 1, &pool, &err),
      SEQC_ERR_INVALID_ARGUMENT);
  EXPECT_EQ(pool, nullptr);
  EXPECT_EQ(std::string(err.message),
            "thread pool: 1025 threads requested; at most 1024");
  ASSERT_EQ(seqc_rt_thread_pool_create(2, &pool, &err), SEQC_OK);
  EXPECT_EQ(err.code, SEQC_OK);
  EXPECT_STREQ(err.message, "");
  seqc_rt_thread_pool_destroy(pool);
}

TEST(ThreadPool, DefaultSizeIsPositive) {
  seqc_thread_pool *pool = nullptr;
  ASSERT_EQ(seqc_rt_thread_pool_create(0, &pool, nullptr), SEQC_OK);
  EXPECT_GE(seqc_rt_thread_pool_size(pool), 1);
  seqc_rt_thread_pool_destroy(pool);
}

TEST(ThreadPool, ConcurrentCallersAreSerialized) {
  seqc_thread_pool *pool = nullptr;
  ASSERT_EQ(seqc_rt_thread_pool_create(3, &pool, nullptr), SEQC_OK);
  std::vector<int64_t> values(999, 2);
  auto run = [&] {
    for (int i = 0; i < 50; ++i) {
      SumContext ctx;
      ctx.values = &values;
      seqc_rt_thread_pool_parallel_for(pool, 999, SumChunk, &ctx);
      ASSERT_EQ(ctx.sum.load(), 1998);
    }
  };
  std::thread other(run);
  run();
  other.join();
  seqc_rt_thread_pool_destroy(pool);
}

// Jobs back to back with varying sizes, some below the pool's size (a
// worker late for one job must claim in the next or not at all, never read
// its fields half-written), and a pause long enough for the workers to
// stop spinning and sleep: every element counted once per job.
TEST(ThreadPool, BackToBackJobsOfEverySize) {
  seqc_thread_pool *pool = nullptr;
  ASSERT_EQ(seqc_rt_thread_pool_create(3, &pool, nullptr), SEQC_OK);
  std::vector<int64_t> values(7, 1);
  for (int job = 0; job < 3000; ++job) {
    int64_t n = 1 + job % 7;
    SumContext ctx;
    ctx.values = &values;
    seqc_rt_thread_pool_parallel_for(pool, n, SumChunk, &ctx);
    ASSERT_EQ(ctx.sum.load(), n) << "job " << job;
    ASSERT_EQ(ctx.calls.load(), std::min<int64_t>(n, 3)) << "job " << job;
    if (job == 1500)
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  seqc_rt_thread_pool_destroy(pool);
}

// Both sleeping paths, many times: workers idle long enough to sleep
// before a job (woken because they said they sleep), and a job whose
// worker's chunk outlasts the caller's spinning (the caller sleeps and is
// woken by the last worker: chunk 0 waits until another chunk has started
// on a worker, so the caller has none left to run itself). A lost wakeup
// hangs here.
struct SlowContext : SumContext {
  std::atomic<int> started{0};
};

void SlowWorkerChunk(void *raw, int64_t begin, int64_t end) {
  auto *ctx = static_cast<SlowContext *>(raw);
  if (begin != 0) {
    ++ctx->started;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  } else {
    auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(30);
    while (ctx->started.load() == 0 &&
           std::chrono::steady_clock::now() < give_up)
      std::this_thread::yield();
  }
  SumChunk(raw, begin, end);
}

TEST(ThreadPool, SleepingWorkersAndCallerAreWoken) {
  seqc_thread_pool *pool = nullptr;
  ASSERT_EQ(seqc_rt_thread_pool_create(3, &pool, nullptr), SEQC_OK);
  std::vector<int64_t> values(6, 1);
  for (int job = 0; job < 12; ++job) {
    if (job % 3 == 0)
      std::this_thread::sleep_for(std::chrono::milliseconds(30));
    SlowContext ctx;
    ctx.values = &values;
    seqc_rt_thread_pool_parallel_for(
        pool, 6, job % 2 ? SlowWorkerChunk : SumChunk, &ctx);
    ASSERT_EQ(ctx.sum.load(), 6) << "job " << job;
    ASSERT_EQ(ctx.calls.load(), 3) << "job " << job;
  }
  seqc_rt_thread_pool_destroy(pool);
}

// A chunk no worker has claimed when the caller's is done runs on the
// caller: with the worker asleep (idle past its spinning), its wake-up
// takes microseconds, and the caller's empty chunk 0 leaves it chunk 1
// first in nearly every job (once in 20 is all this asks).
TEST(ThreadPool, CallerRunsChunksNoWorkerClaimed) {
  seqc_thread_pool *pool = nullptr;
  ASSERT_EQ(seqc_rt_thread_pool_create(2, &pool, nullptr), SEQC_OK);
  std::vector<int64_t> values(2, 1);
  int callerRanBoth = 0;
  for (int job = 0; job < 20 && callerRanBoth == 0; ++job) {
    std::this_thread::sleep_for(std::chrono::milliseconds(30));
    SumContext ctx;
    ctx.values = &values;
    seqc_rt_thread_pool_parallel_for(pool, 2, SumChunk, &ctx);
    ASSERT_EQ(ctx.sum.load(), 2);
    callerRanBoth += ctx.threads.size() == 1 &&
                     ctx.threads.count(std::this_thread::get_id()) == 1;
  }
  EXPECT_GT(callerRanBoth, 0);
  seqc_rt_thread_pool_destroy(pool);
}

// What a compiled model's context gets: a pool of several threads sets
// parallel_for, pool and num_threads (and parallel_for runs the job on the
// pool); a 1-thread or NULL pool leaves the model on the calling thread.
TEST(ThreadPool, AttachFillsTheModelContext) {
  seqc_thread_pool *pool = nullptr;
  ASSERT_EQ(seqc_rt_thread_pool_create(2, &pool, nullptr), SEQC_OK);
  seqc_model_context context{};
  seqc_rt_thread_pool_attach(pool, &context);
  ASSERT_NE(context.parallel_for, nullptr);
  EXPECT_EQ(context.pool, pool);
  EXPECT_EQ(context.num_threads, 2);
  std::vector<int64_t> values(100, 3);
  SumContext ctx;
  ctx.values = &values;
  context.parallel_for(context.pool, 100, SumChunk, &ctx);
  EXPECT_EQ(ctx.sum.load(), 300);
  EXPECT_EQ(ctx.calls.load(), 2);
  seqc_rt_thread_pool_destroy(pool);

  ASSERT_EQ(seqc_rt_thread_pool_create(1, &pool, nullptr), SEQC_OK);
  seqc_rt_thread_pool_attach(pool, &context);
  EXPECT_EQ(context.parallel_for, nullptr);
  EXPECT_EQ(context.pool, nullptr);
  EXPECT_EQ(context.num_threads, 1);
  seqc_rt_thread_pool_destroy(pool);
  seqc_rt_thread_pool_attach(nullptr, &context);
  EXPECT_EQ(context.parallel_for, nullptr);
  seqc_rt_thread_pool_attach(nullptr, nullptr); // no-op
}

} // namespace
