//===- stream_e2e_test.cc - A real compiled step model through a stream ---===//
//
// Loads test/seqc/Inputs/rnn.mlir compiled by `seqc --emit=shared`
// (SEQC_RNN_MODEL_PATH, built by CMake when the compiler is part of the
// build) and checks that streaming x [T=7,B=2,4] in chunks of 1, 2 and 4
// steps gives the y and h of one full run.
//
//===----------------------------------------------------------------------===//

#include "seqc/stream.h"

#include "compiled_model_util.h"

#include <dlfcn.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <random>
#include <string>
#include <vector>

namespace {

using namespace seqc_test;

void ExpectNear(const std::vector<float> &got, const std::vector<float> &want,
                const std::string &what) {
  ASSERT_EQ(got.size(), want.size()) << what;
  for (size_t i = 0; i < got.size(); ++i)
    ASSERT_NEAR(got[i], want[i], 1e-5) << what << " [" << i << "]";
}

TEST(StreamE2E, RnnChunksMatchTheFullRun) {
  Library lib(SEQC_RNN_MODEL_PATH);
  ASSERT_NE(lib.handle, nullptr) << dlerror();
  const seqc_model_api *api = lib.Api("seqc_default_model_api");
  const seqc_model_api *step_api = lib.Api("seqc_default_model_step_api");
  ASSERT_NE(api, nullptr);
  ASSERT_NE(step_api, nullptr);

  const int64_t T = 7, B = 2, I = 4, H = 8;
  const std::vector<float> x = Random(T * B * I, 1, 1.0f);
  const std::vector<float> w = Random(H * I, 2, 0.5f);
  const std::vector<float> r = Random(H * H, 3, 0.5f);
  const seqc_tensor wt = Dense(w.data(), {1, H, I});
  const seqc_tensor rt = Dense(r.data(), {1, H, H});

  // The full run.
  seqc_model *model = nullptr;
  seqc_error err{};
  ASSERT_EQ(seqc_rt_model_open(api, &model, &err), SEQC_OK) << err.message;
  EXPECT_EQ(seqc_rt_model_num_states(model), 0u);
  seqc_tensor in[3] = {Dense(x.data(), {T, B, I}), wt, rt};
  seqc_tensor out[2] = {Empty(), Empty()};
  ASSERT_EQ(seqc_rt_model_run(model, in, 3, out, 2, &err), SEQC_OK)
      << err.message;
  ASSERT_EQ(out[0].rank, 4);
  EXPECT_EQ(out[0].shape[0], T);
  EXPECT_EQ(out[0].shape[2], B);
  const std::vector<float> y_full = Values(out[0]), h_full = Values(out[1]);
  seqc_rt_tensor_free(&out[0]);
  seqc_rt_tensor_free(&out[1]);
  seqc_rt_model_close(model);
  // An RNN's outputs are not all zero; a broken run would likely be.
  EXPECT_GT(std::abs(y_full.back()), 0.0f);
  ExpectNear(std::vector<float>(y_full.end() - B * H, y_full.end()), h_full,
             "h == y[T-1]");

  // The step api refuses a plain run.
  ASSERT_EQ(seqc_rt_model_open(step_api, &model, &err), SEQC_OK)
      << err.message;
  EXPECT_EQ(seqc_rt_model_num_states(model), 1u);
  EXPECT_EQ(seqc_rt_model_run(model, in, 3, out, 2, &err),
            SEQC_ERR_INVALID_ARGUMENT);
  EXPECT_NE(std::string(err.message).find("is a streaming step"),
            std::string::npos)
      << err.message;
  seqc_rt_model_close(model);

  for (int64_t chunk : {1, 2, 4}) {
    const std::string what = "chunk " + std::to_string(chunk);
    seqc_stream *stream = nullptr;
    const seqc_dim_binding dims[1] = {{"B", B}};
    ASSERT_EQ(seqc_rt_stream_open(step_api, dims, 1, &stream, &err), SEQC_OK)
        << err.message;
    ASSERT_EQ(seqc_rt_stream_num_states(stream), 1u);
    std::vector<float> y, h;
    for (int64_t t0 = 0; t0 < T; t0 += chunk) {
      const int64_t t = std::min(chunk, T - t0);
      seqc_tensor cin[3] = {Dense(x.data() + t0 * B * I, {t, B, I}), wt, rt};
      seqc_tensor cout[2] = {Empty(), Empty()};
      ASSERT_EQ(seqc_rt_stream_step(stream, cin, 3, cout, 2, &err), SEQC_OK)
          << what << ": " << err.message;
      const std::vector<float> yc = Values(cout[0]);
      y.insert(y.end(), yc.begin(), yc.end());
      h = Values(cout[1]);
      seqc_rt_tensor_free(&cout[0]);
      seqc_rt_tensor_free(&cout[1]);
    }
    // Every step after the first takes its temporaries from the cache.
    seqc_memory_stats stats;
    seqc_rt_stream_memory_stats(stream, &stats);
    EXPECT_GT(stats.reused_allocations, 0u) << what;
    ExpectNear(y, y_full, what + " y");
    ExpectNear(h, h_full, what + " h");
    ExpectNear(Values(*seqc_rt_stream_state(stream, 0)), h_full,
               what + " state");

    // After a reset the stream starts over.
    ASSERT_EQ(seqc_rt_stream_reset(stream), SEQC_OK);
    seqc_tensor cin[3] = {Dense(x.data(), {T, B, I}), wt, rt};
    seqc_tensor cout[2] = {Empty(), Empty()};
    ASSERT_EQ(seqc_rt_stream_step(stream, cin, 3, cout, 2, &err), SEQC_OK)
        << err.message;
    ExpectNear(Values(cout[0]), y_full, what + " y after reset");
    seqc_rt_tensor_free(&cout[0]);
    seqc_rt_tensor_free(&cout[1]);

    // x's B must be the stream's.
    std::vector<float> x3(3 * I);
    seqc_tensor bad[3] = {Dense(x3.data(), {1, 3, I}), wt, rt};
    EXPECT_EQ(seqc_rt_stream_step(stream, bad, 3, cout, 2, &err),
              SEQC_ERR_SHAPE);
    EXPECT_STREQ(err.message, "input 'x' dimension 1 (B) is 3, but the stream "
                              "was opened with B = 2");
    seqc_rt_stream_close(stream);
  }
}

// The compiled model allocates its temporaries through the runtime (ABI 3,
// seqc-allocate-through-context): once warm, a run whose outputs go into
// the caller's buffers takes every block from the model's cache.
TEST(ModelE2E, WarmRunsTakeTheirBuffersFromTheCache) {
  Library lib(SEQC_RNN_MODEL_PATH);
  ASSERT_NE(lib.handle, nullptr) << dlerror();
  const seqc_model_api *api = lib.Api("seqc_default_model_api");
  ASSERT_NE(api, nullptr);
  const int64_t T = 7, B = 2, I = 4, H = 8;
  const std::vector<float> x = Random(T * B * I, 1, 1.0f);
  const std::vector<float> w = Random(H * I, 2, 0.5f);
  const std::vector<float> r = Random(H * H, 3, 0.5f);
  seqc_model *model = nullptr;
  seqc_error err{};
  ASSERT_EQ(seqc_rt_model_open(api, &model, &err), SEQC_OK) << err.message;
  seqc_tensor in[3] = {Dense(x.data(), {T, B, I}), Dense(w.data(), {1, H, I}),
                       Dense(r.data(), {1, H, H})};
  std::vector<float> y(T * B * H), h(B * H);
  seqc_tensor out[2] = {Dense(y.data(), {T, 1, B, H}),
                        Dense(h.data(), {1, B, H})};
  ASSERT_EQ(seqc_rt_model_run(model, in, 3, out, 2, &err), SEQC_OK)
      << err.message;
  const std::vector<float> y_first = y;
  seqc_memory_stats first;
  seqc_rt_model_memory_stats(model, &first);
  EXPECT_GT(first.system_allocations, 0u);
  for (int i = 0; i < 3; ++i)
    ASSERT_EQ(seqc_rt_model_run(model, in, 3, out, 2, &err), SEQC_OK)
        << err.message;
  seqc_memory_stats warm;
  seqc_rt_model_memory_stats(model, &warm);
  EXPECT_EQ(warm.system_allocations, first.system_allocations);
  EXPECT_GE(warm.reused_allocations, 3 * first.system_allocations);
  ExpectNear(y, y_first, "y of a warm run");
  seqc_rt_model_close(model);
}

} // namespace
