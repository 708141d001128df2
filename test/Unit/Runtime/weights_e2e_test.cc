//===- weights_e2e_test.cc - A real model with its weights in a file ------===//
//
// test/seqc/Inputs/constant-weights.mlir compiled twice by CMake: with
// `--external-weights` (SEQC_EXTERNAL_MODEL_PATH and the weights file it
// writes, SEQC_EXTERNAL_WEIGHTS_PATH) and with its weights embedded
// (SEQC_EMBEDDED_MODEL_PATH). The same random input must give the same
// outputs through both, run whole and streamed in chunks: the same to
// rounding, not bit for bit, since embedded weights are packed at compile
// time for the GEMM kernel (seqc-lower-packed-contractions, which sums in k
// order) and external ones, read at run time, go through the dot-product
// kernel (seqc-lower-dot-contractions, partial sums across vector lanes).
//
//===----------------------------------------------------------------------===//

#include "seqc/safetensors.h"
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

// a and b agree element by element to float rounding.
void ExpectClose(const std::vector<float> &a, const std::vector<float> &b,
                 const std::string &what) {
  ASSERT_EQ(a.size(), b.size()) << what;
  for (size_t i = 0; i < a.size(); ++i)
    ASSERT_NEAR(a[i], b[i], 1e-5f * std::max(1.0f, std::abs(b[i])))
        << what << " [" << i << "]";
}

// One run of `model` over x [T,B,4]; returns y.
std::vector<float> RunOnce(const seqc_model *model, const std::vector<float> &x,
                           int64_t T, int64_t B) {
  seqc_tensor in = Dense(x.data(), {T, B, 4});
  seqc_tensor out = Empty();
  seqc_error err{};
  EXPECT_EQ(seqc_rt_model_run(model, &in, 1, &out, 1, &err), SEQC_OK)
      << err.message;
  if (!out.data)
    return {};
  EXPECT_EQ(out.rank, 4);
  EXPECT_EQ(out.shape[0], T);
  EXPECT_EQ(out.shape[1], 1);
  EXPECT_EQ(out.shape[2], B);
  EXPECT_EQ(out.shape[3], 8);
  std::vector<float> y = Values(out);
  seqc_rt_tensor_free(&out);
  return y;
}

// Streams x [T,B,4] through `stream` in chunks of `chunk` steps.
std::vector<float> Stream(seqc_stream *stream, const std::vector<float> &x,
                          int64_t T, int64_t B, int64_t chunk) {
  std::vector<float> y;
  for (int64_t t0 = 0; t0 < T; t0 += chunk) {
    const int64_t t = std::min(chunk, T - t0);
    seqc_tensor in = Dense(x.data() + t0 * B * 4, {t, B, 4});
    seqc_tensor out = Empty();
    seqc_error err{};
    EXPECT_EQ(seqc_rt_stream_step(stream, &in, 1, &out, 1, &err), SEQC_OK)
        << err.message;
    if (!out.data)
      return {};
    const std::vector<float> yc = Values(out);
    y.insert(y.end(), yc.begin(), yc.end());
    seqc_rt_tensor_free(&out);
  }
  return y;
}

TEST(WeightsE2E, ExternalWeightsMatchEmbeddedOnes) {
  Library external(SEQC_EXTERNAL_MODEL_PATH);
  ASSERT_NE(external.handle, nullptr) << dlerror();
  Library embedded(SEQC_EMBEDDED_MODEL_PATH);
  ASSERT_NE(embedded.handle, nullptr) << dlerror();
  const seqc_model_api *ext_api = external.Api("seqc_default_model_api");
  const seqc_model_api *ext_step = external.Api("seqc_default_model_step_api");
  const seqc_model_api *emb_api = embedded.Api("seqc_default_model_api");
  const seqc_model_api *emb_step = embedded.Api("seqc_default_model_step_api");
  ASSERT_NE(ext_api, nullptr);
  ASSERT_NE(ext_step, nullptr);
  ASSERT_NE(emb_api, nullptr);
  ASSERT_NE(emb_step, nullptr);

  // The external model names its weights; the embedded one has none.
  seqc_model *ext = nullptr, *emb = nullptr;
  seqc_error err{};
  ASSERT_EQ(seqc_rt_model_open_weights(ext_api, SEQC_EXTERNAL_WEIGHTS_PATH,
                                       &ext, &err),
            SEQC_OK)
      << err.message;
  ASSERT_EQ(seqc_rt_model_open(emb_api, &emb, &err), SEQC_OK) << err.message;
  EXPECT_EQ(seqc_rt_model_num_inputs(ext), 1u);
  EXPECT_EQ(seqc_rt_model_num_outputs(ext), 1u);
  ASSERT_EQ(seqc_rt_model_num_weights(ext), 2u);
  EXPECT_EQ(seqc_rt_model_num_weights(emb), 0u);
  seqc_safetensors *file = nullptr;
  ASSERT_EQ(seqc_rt_safetensors_open(SEQC_EXTERNAL_WEIGHTS_PATH, &file, &err),
            SEQC_OK)
      << err.message;
  for (size_t k = 0; k < 2; ++k) {
    const seqc_tensor_info *info = seqc_rt_model_weight(ext, k);
    ASSERT_NE(info, nullptr);
    EXPECT_EQ(info->name, "weight" + std::to_string(k));
    const seqc_safetensors_tensor *t =
        seqc_rt_safetensors_find(file, info->name);
    ASSERT_NE(t, nullptr) << info->name;
    EXPECT_EQ(t->dtype, info->dtype);
    ASSERT_EQ(t->rank, info->rank);
    for (int32_t d = 0; d < t->rank; ++d)
      EXPECT_EQ(t->shape[d], info->shape[d]) << info->name;
  }
  seqc_rt_safetensors_close(file);

  // The external api refuses a plain open, naming the right function.
  seqc_model *refused = nullptr;
  EXPECT_EQ(seqc_rt_model_open(ext_api, &refused, &err),
            SEQC_ERR_INVALID_ARGUMENT);
  EXPECT_NE(std::string(err.message).find("open it with "
                                          "seqc_rt_model_open_weights"),
            std::string::npos)
      << err.message;

  const int64_t T = 6, B = 3;
  const std::vector<float> x = Random(T * B * 4, 7);
  const std::vector<float> y_ext = RunOnce(ext, x, T, B);
  const std::vector<float> y_emb = RunOnce(emb, x, T, B);
  ASSERT_EQ(y_ext.size(), size_t(T * B * 8));
  ExpectClose(y_ext, y_emb, "whole run");
  // Not a trivially zero output.
  EXPECT_GT(std::abs(y_ext.back()), 0.0f);
  seqc_rt_model_close(ext);
  seqc_rt_model_close(emb);

  // Streamed through the external step api in chunks, against the embedded
  // step api and the full run.
  const seqc_dim_binding dims[1] = {{"B", B}};
  for (int64_t chunk : {1, 2, 4}) {
    seqc_stream *es = nullptr, *bs = nullptr;
    ASSERT_EQ(seqc_rt_stream_open_weights(ext_step, SEQC_EXTERNAL_WEIGHTS_PATH,
                                          dims, 1, &es, &err),
              SEQC_OK)
        << err.message;
    ASSERT_EQ(seqc_rt_stream_open(emb_step, dims, 1, &bs, &err), SEQC_OK)
        << err.message;
    const std::vector<float> ys_ext = Stream(es, x, T, B, chunk);
    const std::vector<float> ys_emb = Stream(bs, x, T, B, chunk);
    ExpectClose(ys_ext, ys_emb, "chunk " + std::to_string(chunk));
    ASSERT_EQ(ys_ext.size(), y_ext.size());
    for (size_t i = 0; i < y_ext.size(); ++i)
      ASSERT_NEAR(ys_ext[i], y_ext[i], 1e-5) << "chunk " << chunk << " [" << i
                                             << "]";
    seqc_rt_stream_close(es);
    seqc_rt_stream_close(bs);
  }

  seqc_stream *refused_stream = nullptr;
  EXPECT_EQ(seqc_rt_stream_open(ext_step, dims, 1, &refused_stream, &err),
            SEQC_ERR_INVALID_ARGUMENT);
  EXPECT_NE(std::string(err.message).find("open it with "
                                          "seqc_rt_stream_open_weights"),
            std::string::npos)
      << err.message;
}

} // namespace
