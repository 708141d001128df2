//===- weights_test.cc - Models whose weights live in a safetensors file --===//
//
// Hand-written fake models with `weight` lines (what `seqc --external-weights`
// emits), opened through seqc_rt_model_open_weights and
// seqc_rt_stream_open_weights: binding, conversion, realignment, every error
// message, and that weights reach the model after the inputs and before the
// states, read-only.
//
//===----------------------------------------------------------------------===//

#include "seqc/safetensors.h"
#include "seqc/stream.h"
#include "fake_model_util.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

namespace {

using namespace seqc_test;

// ---- affine: y[n,j] = sum_p x[n,p] w[j,p] + b[j]; wcopy = a malloc'd clone
// of w; walias = w's own buffer returned as is (an argument: the runtime
// must copy it and never free it). A weight that reaches the model not
// dense and aligned turns y into NaN.
void AffineInvoke(void **args) {
  Desc x = ArgDesc(args, 0, 2);
  Desc w = ArgDesc(args, 1, 2);
  Desc b = ArgDesc(args, 2, 1);
  auto *out = static_cast<intptr_t *>(args[0]);
  const bool ok = w.dense(4) && b.dense(4) && w.size(0) == 3 &&
                  w.size(1) == 4 && b.size(0) == 3;
  const int64_t n = x.size(0);
  const int64_t ysizes[2] = {n, 3};
  auto *y = static_cast<float *>(NewDense(out, 2, ysizes, sizeof(float)));
  const float *xs = static_cast<const float *>(x.aligned());
  const float *ws = static_cast<const float *>(w.aligned());
  const float *bs = static_cast<const float *>(b.aligned());
  for (int64_t i = 0; i < n; ++i)
    for (int64_t j = 0; j < 3; ++j) {
      float acc = bs[j];
      for (int64_t p = 0; p < 4; ++p)
        acc += xs[i * 4 + p] * ws[j * 4 + p];
      y[i * 3 + j] = ok ? acc : NAN;
    }
  const int64_t wsizes[2] = {3, 4};
  auto *copy = static_cast<float *>(
      NewDense(out + Words(2), 2, wsizes, sizeof(float)));
  std::memcpy(copy, ws, 12 * sizeof(float));
  SetDense(out + 2 * Words(2), w.aligned(), w.aligned(), 2, wsizes);
}

const seqc_model_api kAffine = {SEQC_ABI_VERSION,
                                1,
                                3,
                                0,
                                "affine",
                                "in x f32 [N,4]\n"
                                "weight w f32 [3,4]\n"
                                "weight b f32 [3]\n"
                                "out y f32 [N,3]\n"
                                "out wcopy f32 [3,4]\n"
                                "out walias f32 [3,4]\n",
                                AffineInvoke};

// ---- scale64: y = x * k with an f64 weight k [2].
void Scale64Invoke(void **args) {
  Desc x = ArgDesc(args, 0, 1);
  Desc k = ArgDesc(args, 1, 1);
  auto *out = static_cast<intptr_t *>(args[0]);
  const int64_t sizes[1] = {2};
  auto *y = static_cast<double *>(NewDense(out, 1, sizes, sizeof(double)));
  const double *xs = static_cast<const double *>(x.aligned());
  const double *ks = static_cast<const double *>(k.aligned());
  for (int i = 0; i < 2; ++i)
    y[i] = k.dense(8) ? xs[i] * ks[i] : NAN;
}

const seqc_model_api kScale64 = {SEQC_ABI_VERSION,
                                 1,
                                 1,
                                 0,
                                 "scale64",
                                 "in x f64 [2]\nweight k f64 [2]\n"
                                 "out y f64 [2]",
                                 Scale64Invoke};

// ---- gated_sum (step api): h += g * x_t per step, y_t = h. Arguments: x,
// then the weight g, then the state h.
void GatedSumInvoke(void **args) {
  Desc x = ArgDesc(args, 0, 3);
  Desc g = ArgDesc(args, 1, 1);
  Desc h = ArgDesc(args, 2, 2);
  auto *out = static_cast<intptr_t *>(args[0]);
  const int64_t t = x.size(0), b = x.size(1);
  const int64_t ysizes[3] = {t, b, 2};
  const int64_t hsizes[2] = {b, 2};
  auto *y = static_cast<float *>(NewDense(out, 3, ysizes, sizeof(float)));
  auto *next = static_cast<float *>(
      NewDense(out + Words(3), 2, hsizes, sizeof(float)));
  const float *xs = static_cast<const float *>(x.aligned());
  const float *gs = static_cast<const float *>(g.aligned());
  const bool ok = g.dense(4) && g.size(0) == 2 && h.size(0) == b;
  std::memcpy(next, h.aligned(), b * 2 * sizeof(float));
  for (int64_t s = 0; s < t; ++s)
    for (int64_t i = 0; i < b * 2; ++i) {
      next[i] += gs[i % 2] * xs[s * b * 2 + i];
      y[s * b * 2 + i] = ok ? next[i] : NAN;
    }
}

const seqc_model_api kGatedSumStep = {SEQC_ABI_VERSION,
                                      1,
                                      1,
                                      0,
                                      "gated_sum",
                                      "in x f32 [T,B,2]\n"
                                      "weight g f32 [2]\n"
                                      "state h f32 [B,2]\n"
                                      "out y f32 [T,B,2]\n",
                                      GatedSumInvoke};

// Without weights, for the open_weights refusals.
const seqc_model_api kNoWeights = {SEQC_ABI_VERSION, 1, 1, 0, "plain",
                                   "in x f64 [2]\nout y f64 [2]",
                                   Scale64Invoke};
const seqc_model_api kNoWeightsStep = {SEQC_ABI_VERSION,
                                       1,
                                       1,
                                       0,
                                       "plain_step",
                                       "in x f32 [T,B,2]\n"
                                       "state h f32 [B,2]\n"
                                       "out y f32 [T,B,2]\n",
                                       GatedSumInvoke};

std::string TempPath(const std::string &name) {
  return ::testing::TempDir() + "/seqc_weights_" + name;
}

seqc_tensor Dense(const void *data, int32_t dtype,
                  std::vector<int64_t> shape) {
  seqc_tensor t;
  EXPECT_EQ(seqc_rt_tensor_init(&t, const_cast<void *>(data), dtype,
                                shape.size(), shape.data()),
            SEQC_OK);
  return t;
}

seqc_tensor Empty() {
  seqc_tensor t;
  std::memset(&t, 0, sizeof(t));
  return t;
}

struct Named {
  std::string name;
  seqc_tensor tensor;
};

// Writes `tensors` to a fresh file and returns its path.
std::string WriteWeights(const std::string &file,
                         const std::vector<Named> &tensors) {
  std::string path = TempPath(file);
  std::vector<const char *> names;
  std::vector<seqc_tensor> ts;
  for (const Named &n : tensors) {
    names.push_back(n.name.c_str());
    ts.push_back(n.tensor);
  }
  seqc_error err{};
  EXPECT_EQ(seqc_rt_safetensors_write(path.c_str(), ts.size(), names.data(),
                                      ts.data(), &err),
            SEQC_OK)
      << err.message;
  return path;
}

// Writes raw bytes (a hand-built image) to a fresh file.
std::string WriteBytes(const std::string &file, const std::string &header,
                       const std::vector<uint8_t> &data) {
  std::string path = TempPath(file);
  FILE *f = std::fopen(path.c_str(), "wb");
  EXPECT_NE(f, nullptr);
  uint8_t len[8];
  for (int i = 0; i < 8; ++i)
    len[i] = uint8_t(uint64_t(header.size()) >> (8 * i));
  std::fwrite(len, 1, 8, f);
  std::fwrite(header.data(), 1, header.size(), f);
  std::fwrite(data.data(), 1, data.size(), f);
  std::fclose(f);
  return path;
}

const float kW[12] = {1, 2, 3, 4, 0.5f, -1, 0, 2, -2, 0.25f, 1, -0.5f};
const float kB[3] = {0.5f, -1, 2};

std::vector<float> AffineReference(const std::vector<float> &x) {
  std::vector<float> y;
  for (size_t i = 0; i < x.size() / 4; ++i)
    for (int j = 0; j < 3; ++j) {
      float acc = kB[j];
      for (int p = 0; p < 4; ++p)
        acc += x[i * 4 + p] * kW[j * 4 + p];
      y.push_back(acc);
    }
  return y;
}

std::vector<float> Values(const seqc_tensor &t) {
  const float *p = static_cast<const float *>(t.data);
  return std::vector<float>(p, p + seqc_rt_tensor_numel(&t));
}

// Runs affine on a fixed x and checks y, wcopy and walias against `w`.
void ExpectAffineRuns(const seqc_model *m, const float *w = kW) {
  const std::vector<float> x = {1, 0, -1, 2, 0.5f, 0.5f, 3, -2};
  seqc_tensor in = Dense(x.data(), SEQC_DTYPE_F32, {2, 4});
  seqc_tensor out[3] = {Empty(), Empty(), Empty()};
  seqc_error err{};
  ASSERT_EQ(seqc_rt_model_run(m, &in, 1, out, 3, &err), SEQC_OK)
      << err.message;
  std::vector<float> want = AffineReference(x);
  std::vector<float> got = Values(out[0]);
  ASSERT_EQ(got.size(), want.size());
  for (size_t i = 0; i < want.size(); ++i)
    EXPECT_FLOAT_EQ(got[i], want[i]) << i;
  EXPECT_EQ(Values(out[1]), std::vector<float>(w, w + 12));
  EXPECT_EQ(Values(out[2]), std::vector<float>(w, w + 12));
  for (seqc_tensor &t : out)
    seqc_rt_tensor_free(&t);
}

std::string AffineFile() {
  return WriteWeights(
      "affine.safetensors",
      {{"w", Dense(kW, SEQC_DTYPE_F32, {3, 4})},
       {"b", Dense(kB, SEQC_DTYPE_F32, {3})},
       // Tensors the model does not name are ignored.
       {"unused", Dense(kW, SEQC_DTYPE_F32, {12})}});
}

TEST(Weights, OpenRunAndDescribe) {
  const std::string path = AffineFile();
  seqc_model *m = nullptr;
  seqc_error err{};
  ASSERT_EQ(seqc_rt_model_open_weights(&kAffine, path.c_str(), &m, &err),
            SEQC_OK)
      << err.message;
  EXPECT_EQ(seqc_rt_model_num_inputs(m), 1u);
  EXPECT_EQ(seqc_rt_model_num_weights(m), 2u);
  EXPECT_EQ(seqc_rt_model_num_states(m), 0u);
  EXPECT_EQ(seqc_rt_model_num_outputs(m), 3u);
  const seqc_tensor_info *w = seqc_rt_model_weight(m, 0);
  ASSERT_NE(w, nullptr);
  EXPECT_STREQ(w->name, "w");
  EXPECT_EQ(w->dtype, SEQC_DTYPE_F32);
  ASSERT_EQ(w->rank, 2);
  EXPECT_EQ(w->shape[0], 3);
  EXPECT_EQ(w->shape[1], 4);
  EXPECT_EQ(w->dim_names, nullptr);
  EXPECT_STREQ(seqc_rt_model_weight(m, 1)->name, "b");
  EXPECT_EQ(seqc_rt_model_weight(m, 2), nullptr);
  EXPECT_EQ(seqc_rt_model_weight(nullptr, 0), nullptr);
  EXPECT_EQ(seqc_rt_model_num_weights(nullptr), 0u);
  // Weights are neither inputs nor outputs.
  EXPECT_EQ(seqc_rt_model_find_input(m, "w"), -1);
  EXPECT_EQ(seqc_rt_model_find_output(m, "y"), 0);
  EXPECT_STREQ(seqc_rt_model_output(m, 0)->name, "y");
  ExpectAffineRuns(m);
  ExpectAffineRuns(m); // the weights are untouched by a run
  seqc_rt_model_close(m);
}

TEST(Weights, ConvertsHalfWeightsToF32) {
  for (int32_t dtype : {SEQC_DTYPE_F16, SEQC_DTYPE_BF16}) {
    // Values exact in both half formats.
    std::vector<uint16_t> w16, b16;
    for (float v : kW)
      w16.push_back(dtype == SEQC_DTYPE_F16 ? seqc_rt_f32_to_f16(v)
                                            : seqc_rt_f32_to_bf16(v));
    for (float v : kB)
      b16.push_back(dtype == SEQC_DTYPE_F16 ? seqc_rt_f32_to_f16(v)
                                            : seqc_rt_f32_to_bf16(v));
    const std::string path =
        WriteWeights("half.safetensors", {{"w", Dense(w16.data(), dtype, {3, 4})},
                                          {"b", Dense(b16.data(), dtype, {3})}});
    seqc_model *m = nullptr;
    seqc_error err{};
    ASSERT_EQ(seqc_rt_model_open_weights(&kAffine, path.c_str(), &m, &err),
              SEQC_OK)
        << err.message;
    ExpectAffineRuns(m);
    seqc_rt_model_close(m);
  }
}

TEST(Weights, CopiesUnalignedData) {
  // A 1-byte tensor first puts w and b at odd offsets of the data section
  // (whose start is itself 8-byte aligned: the header is padded to 48 bytes).
  std::string header =
      R"({"pad":{"dtype":"U8","shape":[1],"data_offsets":[0,1]},)"
      R"("w":{"dtype":"F32","shape":[3,4],"data_offsets":[1,49]},)"
      R"("b":{"dtype":"F32","shape":[3],"data_offsets":[49,61]}})";
  while ((8 + header.size()) % 8 != 0)
    header += ' ';
  std::vector<uint8_t> data(61, 0);
  std::memcpy(data.data() + 1, kW, sizeof(kW));
  std::memcpy(data.data() + 49, kB, sizeof(kB));
  const std::string path = WriteBytes("unaligned.safetensors", header, data);
  seqc_model *m = nullptr;
  seqc_error err{};
  ASSERT_EQ(seqc_rt_model_open_weights(&kAffine, path.c_str(), &m, &err),
            SEQC_OK)
      << err.message;
  ExpectAffineRuns(m); // NaN if a weight reached the model unaligned
  seqc_rt_model_close(m);
}

TEST(Weights, F64Weights) {
  const double k[2] = {2.5, -4};
  const std::string path = WriteWeights(
      "f64.safetensors", {{"k", Dense(k, SEQC_DTYPE_F64, {2})}});
  seqc_model *m = nullptr;
  seqc_error err{};
  ASSERT_EQ(seqc_rt_model_open_weights(&kScale64, path.c_str(), &m, &err),
            SEQC_OK)
      << err.message;
  const double x[2] = {2, 0.5};
  seqc_tensor in = Dense(x, SEQC_DTYPE_F64, {2});
  seqc_tensor out = Empty();
  ASSERT_EQ(seqc_rt_model_run(m, &in, 1, &out, 1, &err), SEQC_OK)
      << err.message;
  EXPECT_EQ(static_cast<double *>(out.data)[0], 5.0);
  EXPECT_EQ(static_cast<double *>(out.data)[1], -2.0);
  seqc_rt_tensor_free(&out);
  seqc_rt_model_close(m);
}

TEST(Weights, StreamPassesWeightsBeforeStates) {
  const float g[2] = {2, -1};
  const std::string path = WriteWeights(
      "gated.safetensors", {{"g", Dense(g, SEQC_DTYPE_F32, {2})}});
  const seqc_dim_binding dims[1] = {{"B", 2}};
  seqc_stream *s = nullptr;
  seqc_error err{};
  ASSERT_EQ(seqc_rt_stream_open_weights(&kGatedSumStep, path.c_str(), dims, 1,
                                        &s, &err),
            SEQC_OK)
      << err.message;
  ASSERT_EQ(seqc_rt_stream_num_states(s), 1u);
  // Two chunks (2 steps, then 1) against the running sum.
  const std::vector<float> x = {1, 2, 3, 4, 0.5f, 1, -1, 2, 1, 1, 1, 1};
  std::vector<float> h(4, 0), want, got;
  for (int step = 0; step < 3; ++step)
    for (int i = 0; i < 4; ++i) {
      h[i] += g[i % 2] * x[step * 4 + i];
      want.push_back(h[i]);
    }
  int64_t t0 = 0;
  for (int64_t t : {2, 1}) {
    seqc_tensor in = Dense(x.data() + t0 * 4, SEQC_DTYPE_F32, {t, 2, 2});
    seqc_tensor out = Empty();
    ASSERT_EQ(seqc_rt_stream_step(s, &in, 1, &out, 1, &err), SEQC_OK)
        << err.message;
    std::vector<float> y = Values(out);
    got.insert(got.end(), y.begin(), y.end());
    seqc_rt_tensor_free(&out);
    t0 += t;
  }
  EXPECT_EQ(got, want);
  const float *state = static_cast<const float *>(seqc_rt_stream_state(s, 0)->data);
  EXPECT_EQ(std::vector<float>(state, state + 4), h);
  seqc_rt_stream_close(s);
}

// Opens affine over `path`, expects `status` and exactly `message`.
void ExpectAffineRefused(const std::string &path, seqc_status status,
                         const std::string &message,
                         const seqc_model_api *api = &kAffine) {
  seqc_model *m = reinterpret_cast<seqc_model *>(1);
  seqc_error err{};
  EXPECT_EQ(seqc_rt_model_open_weights(api, path.c_str(), &m, &err), status)
      << err.message;
  EXPECT_EQ(m, nullptr);
  EXPECT_EQ(std::string(err.message), message);
}

TEST(WeightsErrors, WrongOpenFunction) {
  seqc_model *m = nullptr;
  seqc_error err{};
  EXPECT_EQ(seqc_rt_model_open(&kAffine, &m, &err), SEQC_ERR_INVALID_ARGUMENT);
  EXPECT_EQ(m, nullptr);
  EXPECT_STREQ(err.message, "model 'affine' keeps its weights in a file; open "
                            "it with seqc_rt_model_open_weights");

  const seqc_dim_binding dims[1] = {{"B", 2}};
  seqc_stream *s = nullptr;
  EXPECT_EQ(seqc_rt_stream_open(&kGatedSumStep, dims, 1, &s, &err),
            SEQC_ERR_INVALID_ARGUMENT);
  EXPECT_EQ(s, nullptr);
  EXPECT_STREQ(err.message, "model 'gated_sum' keeps its weights in a file; "
                            "open it with seqc_rt_stream_open_weights");

  const std::string path = AffineFile();
  EXPECT_EQ(seqc_rt_model_open_weights(&kNoWeights, path.c_str(), &m, &err),
            SEQC_ERR_INVALID_ARGUMENT);
  EXPECT_EQ(m, nullptr);
  EXPECT_STREQ(err.message, "model 'plain' has no weights file (its weights, "
                            "if any, are compiled in); open it with "
                            "seqc_rt_model_open");
  EXPECT_EQ(seqc_rt_stream_open_weights(&kNoWeightsStep, path.c_str(), dims, 1,
                                        &s, &err),
            SEQC_ERR_INVALID_ARGUMENT);
  EXPECT_EQ(s, nullptr);
  EXPECT_STREQ(err.message, "model 'plain_step' has no weights file (its "
                            "weights, if any, are compiled in); open it with "
                            "seqc_rt_stream_open");

  // A plain model with weights is not a stream, and a step api not a run.
  EXPECT_EQ(seqc_rt_stream_open_weights(&kAffine, path.c_str(), nullptr, 0, &s,
                                        &err),
            SEQC_ERR_INVALID_ARGUMENT);
  EXPECT_STREQ(err.message, "model 'affine' has no states, so it cannot be "
                            "streamed: open its step api (affine_step_api) "
                            "instead");

  EXPECT_EQ(seqc_rt_model_open_weights(&kAffine, nullptr, &m, &err),
            SEQC_ERR_INVALID_ARGUMENT);
  EXPECT_STREQ(err.message, "seqc_rt_model_open_weights: weights_path must "
                            "not be NULL");
  EXPECT_EQ(seqc_rt_stream_open_weights(&kGatedSumStep, nullptr, dims, 1, &s,
                                        &err),
            SEQC_ERR_INVALID_ARGUMENT);
  EXPECT_STREQ(err.message, "seqc_rt_stream_open_weights: weights_path must "
                            "not be NULL");
  EXPECT_EQ(seqc_rt_model_open_weights(nullptr, path.c_str(), &m, &err),
            SEQC_ERR_INVALID_ARGUMENT);
  EXPECT_STREQ(err.message, "seqc_rt_model_open_weights: api and out must not "
                            "be NULL");
}

TEST(WeightsErrors, UnreadableFile) {
  const std::string path = TempPath("does-not-exist.safetensors");
  seqc_model *m = nullptr;
  seqc_error err{};
  EXPECT_EQ(seqc_rt_model_open_weights(&kAffine, path.c_str(), &m, &err),
            SEQC_ERR_IO);
  const std::string prefix =
      "weights '" + path + "' of model 'affine': safetensors: cannot open " +
      path;
  EXPECT_EQ(std::string(err.message).substr(0, prefix.size()), prefix)
      << err.message;

  const std::string bad =
      WriteBytes("garbage.safetensors", "{\"w\":", std::vector<uint8_t>(4));
  EXPECT_EQ(seqc_rt_model_open_weights(&kAffine, bad.c_str(), &m, &err),
            SEQC_ERR_FORMAT);
  const std::string bad_prefix =
      "weights '" + bad + "' of model 'affine': safetensors";
  EXPECT_EQ(std::string(err.message).substr(0, bad_prefix.size()), bad_prefix)
      << err.message;
}

TEST(WeightsErrors, MissingTensorsAreAllListed) {
  const std::string none = WriteWeights(
      "none.safetensors", {{"other", Dense(kB, SEQC_DTYPE_F32, {3})}});
  ExpectAffineRefused(none, SEQC_ERR_FORMAT,
                      "weights '" + none +
                          "': 2 tensor(s) that model 'affine' expects are "
                          "missing: 'w', 'b' (none of its weights is in the "
                          "file: is it another model's?)");
  const std::string only_w = WriteWeights(
      "only-w.safetensors", {{"w", Dense(kW, SEQC_DTYPE_F32, {3, 4})}});
  ExpectAffineRefused(only_w, SEQC_ERR_FORMAT,
                      "weights '" + only_w +
                          "': 1 tensor(s) that model 'affine' expects are "
                          "missing: 'b'");
}

TEST(WeightsErrors, ShapeMismatch) {
  const std::string path = WriteWeights(
      "shape.safetensors", {{"w", Dense(kW, SEQC_DTYPE_F32, {4, 3})},
                            {"b", Dense(kB, SEQC_DTYPE_F32, {3})}});
  ExpectAffineRefused(path, SEQC_ERR_SHAPE,
                      "weights '" + path +
                          "': tensor 'w' has shape [4,3], the model expects "
                          "[3,4]");
  const std::string rank = WriteWeights(
      "rank.safetensors", {{"w", Dense(kW, SEQC_DTYPE_F32, {3, 4})},
                           {"b", Dense(kB, SEQC_DTYPE_F32, {1, 3})}});
  ExpectAffineRefused(rank, SEQC_ERR_SHAPE,
                      "weights '" + rank +
                          "': tensor 'b' has shape [1,3], the model expects "
                          "[3]");
}

TEST(WeightsErrors, DtypeMismatch) {
  const int32_t wi[12] = {0};
  const std::string path = WriteWeights(
      "dtype.safetensors", {{"w", Dense(wi, SEQC_DTYPE_I32, {3, 4})},
                            {"b", Dense(kB, SEQC_DTYPE_F32, {3})}});
  ExpectAffineRefused(path, SEQC_ERR_DTYPE,
                      "weights '" + path +
                          "': tensor 'w' has dtype i32, the model expects f32 "
                          "(or f16/bf16, converted at open)");
  // Only an f32 weight converts; an f64 one wants F64 data.
  const std::string f32 = WriteWeights(
      "f32-for-f64.safetensors", {{"k", Dense(kB, SEQC_DTYPE_F32, {2})}});
  ExpectAffineRefused(f32, SEQC_ERR_DTYPE,
                      "weights '" + f32 +
                          "': tensor 'k' has dtype f32, the model expects f64",
                      &kScale64);
}

TEST(WeightsErrors, MalformedWeightLines) {
  struct Case {
    const char *signature;
    const char *message;
  } cases[] = {
      {"in x f32 [N]\nweight w f32 [?]\nout y f32 [N]",
       "model 'bad': signature line 2 \"weight w f32 [?]\": weight dimension 0 "
       "is '?'; a weight's dimensions must be sizes"},
      {"in x f32 [N]\nweight w f32 [2,N]\nout y f32 [N]",
       "model 'bad': signature line 2 \"weight w f32 [2,N]\": weight "
       "dimension 1 is 'N'; a weight's dimensions must be sizes"},
      {"in x f32 [N]\nstate s f32 [N]\nweight w f32 [2]\nout y f32 [N]",
       "model 'bad': signature line 3 \"weight w f32 [2]\": weight 'w' "
       "follows a state (the order is in, weight, state, out)"},
      {"weight w f32 [2]\nin x f32 [N]\nout y f32 [N]",
       "model 'bad': signature line 2 \"in x f32 [N]\": input 'x' follows a "
       "weight (the order is in, weight, state, out)"},
      {"in x f32 [N]\nout y f32 [N]\nweight w f32 [2]",
       "model 'bad': signature line 3 \"weight w f32 [2]\": weight 'w' "
       "follows an output (the order is in, weight, state, out)"},
      {"in x f32 [N]\nweight x f32 [2]\nout y f32 [N]",
       "model 'bad': signature line 2 \"weight x f32 [2]\": tensor name 'x' "
       "is also used on line 1"},
  };
  for (const Case &c : cases) {
    seqc_model_api api = {SEQC_ABI_VERSION, 1, 1, 0, "bad", c.signature,
                          Scale64Invoke};
    seqc_model *m = nullptr;
    seqc_error err{};
    EXPECT_EQ(seqc_rt_model_open_weights(&api, "unused.safetensors", &m, &err),
              SEQC_ERR_FORMAT)
        << c.signature;
    EXPECT_EQ(m, nullptr);
    EXPECT_STREQ(err.message, c.message);
  }
}

// ---- many: in x f32 [2], weights w0..w{kManyWeights-1} f32 [1],
// y = x * sum_k wk: more weights than SEQC_RT_MODEL_MAX_INPUTS (a 16-layer
// encoder has 192). A weight whose descriptor is not its own turns y into
// NaN.
constexpr int kManyWeights = 300;

void ManyWeightsInvoke(void **args) {
  Desc x = ArgDesc(args, 0, 1);
  float sum = 0;
  for (int k = 0; k < kManyWeights; ++k) {
    Desc w = ArgDesc(args, 1 + k, 1);
    const float *v = static_cast<const float *>(w.aligned());
    sum += w.size(0) == 1 && w.dense(4) && *v == float(k) ? *v : NAN;
  }
  auto *out = static_cast<intptr_t *>(args[0]);
  const int64_t sizes[1] = {2};
  auto *y = static_cast<float *>(NewDense(out, 1, sizes, sizeof(float)));
  const float *xs = static_cast<const float *>(x.aligned());
  for (int i = 0; i < 2; ++i)
    y[i] = xs[i] * sum;
}

std::string ManyWeightsSignature(int count) {
  std::string sig = "in x f32 [2]\n";
  for (int k = 0; k < count; ++k)
    sig += "weight w" + std::to_string(k) + " f32 [1]\n";
  return sig + "out y f32 [2]\n";
}

TEST(Weights, MoreWeightsThanInputs) {
  std::vector<float> values(kManyWeights);
  std::vector<Named> tensors;
  for (int k = 0; k < kManyWeights; ++k) {
    values[k] = float(k);
    tensors.push_back(
        {"w" + std::to_string(k), Dense(&values[k], SEQC_DTYPE_F32, {1})});
  }
  const std::string path = WriteWeights("many.safetensors", tensors);
  const std::string sig = ManyWeightsSignature(kManyWeights);
  seqc_model_api api = {SEQC_ABI_VERSION, 1, 1, 0, "many", sig.c_str(),
                        ManyWeightsInvoke};
  seqc_model *m = nullptr;
  seqc_error err{};
  ASSERT_EQ(seqc_rt_model_open_weights(&api, path.c_str(), &m, &err), SEQC_OK)
      << err.message;
  EXPECT_EQ(seqc_rt_model_num_weights(m), size_t(kManyWeights));
  const float x[2] = {1, -2};
  seqc_tensor in = Dense(x, SEQC_DTYPE_F32, {2});
  seqc_tensor out = Empty();
  ASSERT_EQ(seqc_rt_model_run(m, &in, 1, &out, 1, &err), SEQC_OK)
      << err.message;
  const float sum = kManyWeights * (kManyWeights - 1) / 2;
  EXPECT_EQ(Values(out), (std::vector<float>{sum, -2 * sum}));
  seqc_rt_tensor_free(&out);
  seqc_rt_model_close(m);
}

TEST(WeightsErrors, ManyMissingTensorsAreCounted) {
  // Another model's file: the names that fit, whole, then a count.
  const std::string other = AffineFile();
  const std::string sig = ManyWeightsSignature(kManyWeights);
  seqc_model_api api = {SEQC_ABI_VERSION, 1, 1, 0, "many", sig.c_str(),
                        ManyWeightsInvoke};
  seqc_model *m = nullptr;
  seqc_error err{};
  EXPECT_EQ(seqc_rt_model_open_weights(&api, other.c_str(), &m, &err),
            SEQC_ERR_FORMAT);
  const std::string message = err.message;
  const std::string head = "weights '" + other +
                           "': 300 tensor(s) that model 'many' expects are "
                           "missing: 'w0', 'w1', ";
  const std::string tail = "' and 2"; // "..., 'wN' and 2NN more (none of ...)"
  EXPECT_EQ(message.rfind(head, 0), 0u) << message;
  EXPECT_NE(message.find(tail), std::string::npos) << message;
  EXPECT_NE(message.find(" more (none of its weights is in the file: is it "
                         "another model's?)"),
            std::string::npos)
      << message;
}

TEST(WeightsErrors, WeightsHaveTheirOwnLimit) {
  const std::string sig = ManyWeightsSignature(SEQC_RT_MODEL_MAX_WEIGHTS + 1);
  seqc_model_api api = {SEQC_ABI_VERSION, 1, 1, 0, "many", sig.c_str(),
                        ManyWeightsInvoke};
  seqc_model *m = nullptr;
  seqc_error err{};
  EXPECT_EQ(seqc_rt_model_open_weights(&api, "unused.safetensors", &m, &err),
            SEQC_ERR_UNSUPPORTED);
  EXPECT_STREQ(err.message,
               "model 'many' has 1 inputs, 4097 weights, 0 states and 1 "
               "outputs; this runtime supports at most 128 inputs plus "
               "states, 128 outputs plus states and 4096 weights");
}

} // namespace
