//===- buffer_cache_test.cc - runs take buffers from a per-model cache ---===//
//
// Fake models that allocate as compiled ones do since ABI 3: every
// temporary and result through the allocator of their seqc_model_context
// (the last invoke argument). The runtime backs it with the model handle's
// cache of mapped blocks (runtime/src/buffer_cache.h); these tests watch it
// through seqc_rt_model_memory_stats. The sanitizer build of these tests
// (runtime.sanitizers) checks that no block leaks or is freed twice.
//
//===----------------------------------------------------------------------===//

#include "seqc/model.h"

#include "fake_model_util.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <cstring>
#include <thread>
#include <vector>

namespace {

using namespace seqc_test;

constexpr size_t kTempFloats = 1 << 16; // 256 KiB: a mapping of its own

seqc_model_context *Context(void **args, size_t num_args) {
  return static_cast<seqc_model_context *>(args[1 + num_args]);
}

void *Alloc(seqc_model_context *c, size_t alignment, size_t bytes) {
  return c->alloc(c->allocator, alignment, bytes);
}

// y = 2 x + 1 over [N], through two temporaries it frees (one per model
// op, as a compiled model's bufferized intermediates are).
void ScaleInvoke(void **args) {
  seqc_model_context *c = Context(args, 1);
  Desc x = ArgDesc(args, 0, 1);
  const int64_t n = x.size(0);
  auto *a = static_cast<float *>(Alloc(c, 64, kTempFloats * sizeof(float)));
  auto *b = static_cast<float *>(Alloc(c, 64, 2 * kTempFloats * sizeof(float)));
  auto *y = static_cast<float *>(Alloc(c, 64, (n ? n : 1) * sizeof(float)));
  if (!a || !b || !y) {
    c->status = SEQC_ERR_OUT_OF_MEMORY;
    return;
  }
  const float *xs = static_cast<const float *>(x.aligned());
  for (int64_t i = 0; i < n; ++i) {
    a[i % kTempFloats] = 2 * xs[i];
    b[i % kTempFloats] = a[i % kTempFloats] + 1;
    y[i] = b[i % kTempFloats];
  }
  c->free(c->allocator, a);
  c->free(c->allocator, b);
  auto *out = static_cast<intptr_t *>(args[0]);
  SetDense(out, y, y, 1, &n);
}

const seqc_model_api kScaleApi = {
    SEQC_ABI_VERSION, 1, 1, 0, "scale", "in x f32 [N]\nout y f32 [N]\n",
    ScaleInvoke};

// Allocates a temporary and fails a shape check before freeing it, as a
// compiled model's early return does.
void EarlyReturnInvoke(void **args) {
  seqc_model_context *c = Context(args, 1);
  void *temp = Alloc(c, 64, kTempFloats * sizeof(float));
  std::memset(temp, 0, kTempFloats * sizeof(float));
  c->status = SEQC_ERR_SHAPE;
  c->message = "x is too short";
}

const seqc_model_api kEarlyReturnApi = {
    SEQC_ABI_VERSION, 1, 1, 0, "early", "in x f32 [N]\nout y f32 [N]\n",
    EarlyReturnInvoke};

// Asks for a page-aligned temporary, which the cache does not keep.
void OverAlignedInvoke(void **args) {
  seqc_model_context *c = Context(args, 1);
  void *temp = Alloc(c, 4096, 4096);
  if (reinterpret_cast<uintptr_t>(temp) % 4096 != 0)
    c->status = SEQC_ERR_INTERNAL;
  c->free(c->allocator, temp);
  ScaleInvoke(args);
}

const seqc_model_api kOverAlignedApi = {
    SEQC_ABI_VERSION, 1, 1, 0, "aligned", "in x f32 [N]\nout y f32 [N]\n",
    OverAlignedInvoke};

// Holds 40 temporaries at once (beyond the run's 32 inline slots), one of
// them page-aligned, and returns early without freeing any.
void ManyBlocksInvoke(void **args) {
  seqc_model_context *c = Context(args, 1);
  for (int i = 0; i < 40; ++i) {
    void *block = Alloc(c, i == 7 ? 4096 : 64, 4096);
    if (!block) {
      c->status = SEQC_ERR_OUT_OF_MEMORY;
      return;
    }
    std::memset(block, i, 4096);
  }
  c->status = SEQC_ERR_SHAPE;
  c->message = "stopped early";
}

const seqc_model_api kManyBlocksApi = {
    SEQC_ABI_VERSION, 1, 1, 0, "many", "in x f32 [N]\nout y f32 [N]\n",
    ManyBlocksInvoke};

// Takes ten 64-byte blocks (scalars, short rows) and frees them, then a
// 256 KiB temporary and a 512 KiB one, one after the other, then scales:
// the blocks of the run's first part sum to more than the peak it had
// live then, and its small blocks were evicted first.
void SmallAndLargeInvoke(void **args) {
  seqc_model_context *c = Context(args, 1);
  void *small[10];
  for (void *&block : small)
    block = Alloc(c, 64, 64);
  for (void *block : small)
    c->free(c->allocator, block);
  void *a = Alloc(c, 64, kTempFloats * sizeof(float));
  c->free(c->allocator, a);
  void *b = Alloc(c, 64, 2 * kTempFloats * sizeof(float));
  c->free(c->allocator, b);
  ScaleInvoke(args);
}

const seqc_model_api kSmallAndLargeApi = {
    SEQC_ABI_VERSION,   1, 1, 0, "mixed", "in x f32 [N]\nout y f32 [N]\n",
    SmallAndLargeInvoke};

seqc_tensor Tensor(void *data, int64_t n) {
  seqc_tensor t;
  seqc_rt_tensor_init(&t, data, SEQC_DTYPE_F32, 1, &n);
  return t;
}

seqc_memory_stats Stats(const seqc_model *m) {
  seqc_memory_stats s;
  seqc_rt_model_memory_stats(m, &s);
  return s;
}

class BufferCache : public ::testing::Test {
protected:
  void Open(const seqc_model_api &api) {
    ASSERT_EQ(seqc_rt_model_open(&api, &model, &err), SEQC_OK) << err.message;
  }
  void TearDown() override { seqc_rt_model_close(model); }

  // One run of `model` on x = [0, 1, ..., 9]; checks y when it succeeds.
  seqc_status Run(bool callerOutput) {
    std::vector<float> x(10), y(10, -1);
    for (size_t i = 0; i < x.size(); ++i)
      x[i] = static_cast<float>(i);
    seqc_tensor in = Tensor(x.data(), 10);
    seqc_tensor out = Tensor(callerOutput ? y.data() : nullptr, 10);
    seqc_status status = seqc_rt_model_run(model, &in, 1, &out, 1, &err);
    if (status != SEQC_OK)
      return status;
    const float *got = static_cast<const float *>(out.data);
    for (size_t i = 0; i < x.size(); ++i)
      EXPECT_EQ(got[i], 2 * x[i] + 1) << i;
    if (!callerOutput)
      std::free(out.data); // abi.h: outputs are free()-able blocks
    return status;
  }

  seqc_model *model = nullptr;
  seqc_error err{};
};

TEST_F(BufferCache, WarmRunsMakeNoSystemAllocation) {
  Open(kScaleApi);
  ASSERT_EQ(Run(/*callerOutput=*/true), SEQC_OK);
  seqc_memory_stats first = Stats(model);
  // The output is copied into the caller's buffer: all three blocks come
  // back and the next runs take them again.
  EXPECT_EQ(first.system_allocations, 3u);
  EXPECT_GE(first.peak_run_bytes, 3 * kTempFloats * sizeof(float));
  EXPECT_GE(first.cached_bytes, 3 * kTempFloats * sizeof(float));
  for (int i = 0; i < 3; ++i)
    ASSERT_EQ(Run(/*callerOutput=*/true), SEQC_OK);
  seqc_memory_stats warm = Stats(model);
  EXPECT_EQ(warm.system_allocations, 3u);
  EXPECT_EQ(warm.reused_allocations, 9u);
  EXPECT_LE(warm.cached_bytes, warm.peak_run_bytes);
}

TEST_F(BufferCache, AHandedOverOutputLeavesTheCache) {
  Open(kScaleApi);
  ASSERT_EQ(Run(/*callerOutput=*/false), SEQC_OK);
  ASSERT_EQ(Run(/*callerOutput=*/false), SEQC_OK);
  seqc_memory_stats s = Stats(model);
  // The temporaries are reused; each run's output is a new block that the
  // caller freed with free() (the sanitizer build checks it was one).
  EXPECT_EQ(s.system_allocations, 4u);
  EXPECT_EQ(s.reused_allocations, 2u);
}

TEST_F(BufferCache, AnEarlyReturnsBlocksAreReclaimed) {
  Open(kEarlyReturnApi);
  EXPECT_EQ(Run(true), SEQC_ERR_SHAPE);
  EXPECT_STREQ(err.message, "model 'early': x is too short");
  // The model never freed its temporary: the runtime took it back.
  EXPECT_EQ(Stats(model).cached_bytes, kTempFloats * sizeof(float));
  EXPECT_EQ(Run(true), SEQC_ERR_SHAPE);
  EXPECT_EQ(Stats(model).system_allocations, 1u);
  EXPECT_EQ(Stats(model).reused_allocations, 1u);
}

TEST_F(BufferCache, TrimReleasesTheIdleBlocks) {
  Open(kScaleApi);
  ASSERT_EQ(Run(true), SEQC_OK);
  EXPECT_GT(Stats(model).cached_bytes, 0u);
  seqc_rt_model_trim(model);
  EXPECT_EQ(Stats(model).cached_bytes, 0u);
  ASSERT_EQ(Run(true), SEQC_OK);
  EXPECT_EQ(Stats(model).system_allocations, 6u);
}

TEST_F(BufferCache, OverAlignedBlocksAreNotCached) {
  Open(kOverAlignedApi);
  ASSERT_EQ(Run(true), SEQC_OK) << err.message;
  ASSERT_EQ(Run(true), SEQC_OK) << err.message;
  // The scale part's three blocks are reused; the page-aligned one is a
  // system allocation every run.
  EXPECT_EQ(Stats(model).system_allocations, 5u);
  EXPECT_EQ(Stats(model).reused_allocations, 3u);
}

TEST_F(BufferCache, ConcurrentRunsShareOneCache) {
  Open(kScaleApi);
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t)
    threads.emplace_back([this] {
      for (int i = 0; i < 50; ++i) {
        std::vector<float> x(10, 1.0f), y(10);
        seqc_tensor in = Tensor(x.data(), 10), out = Tensor(y.data(), 10);
        seqc_error e{};
        EXPECT_EQ(seqc_rt_model_run(model, &in, 1, &out, 1, &e), SEQC_OK)
            << e.message;
        EXPECT_EQ(y[9], 3.0f);
      }
    });
  for (std::thread &t : threads)
    t.join();
  seqc_memory_stats s = Stats(model);
  EXPECT_EQ(s.system_allocations + s.reused_allocations, 600u);
  // Idle blocks of more than a page are held to the peak; small ones (the
  // outputs here) to 1 MiB besides.
  EXPECT_LE(s.cached_bytes, s.peak_run_bytes + (1u << 20));
}

TEST_F(BufferCache, ARunHoldingManyBlocksGivesThemAllBack) {
  Open(kManyBlocksApi);
  EXPECT_EQ(Run(true), SEQC_ERR_SHAPE);
  // 39 cacheable blocks come back; the page-aligned one is freed (the
  // sanitizer build sees no leak either way).
  seqc_memory_stats s = Stats(model);
  EXPECT_EQ(s.system_allocations, 40u);
  EXPECT_EQ(s.cached_bytes, 39u * 4096);
  EXPECT_EQ(Run(true), SEQC_ERR_SHAPE);
  s = Stats(model);
  EXPECT_EQ(s.system_allocations, 41u);
  EXPECT_EQ(s.reused_allocations, 39u);
}

TEST_F(BufferCache, SmallBlocksStayWhenLargeOnesPassThePeak) {
  Open(kSmallAndLargeApi);
  ASSERT_EQ(Run(true), SEQC_OK);
  uint64_t cold = Stats(model).system_allocations;
  for (int i = 0; i < 3; ++i)
    ASSERT_EQ(Run(true), SEQC_OK);
  // The ten small blocks stay idle between runs (before, the smallest
  // were evicted first when the large ones passed the peak: ten system
  // allocations every warm run).
  EXPECT_EQ(Stats(model).system_allocations, cold);
}

TEST(BufferCacheStats, NullModelGivesZeros) {
  seqc_memory_stats s;
  std::memset(&s, 0xff, sizeof(s));
  seqc_rt_model_memory_stats(nullptr, &s);
  EXPECT_EQ(s.system_allocations, 0u);
  EXPECT_EQ(s.cached_bytes, 0u);
  seqc_rt_model_memory_stats(nullptr, nullptr);
  seqc_rt_model_trim(nullptr);
}

} // namespace
