//===- stream_test.cc - seqc_rt_stream_* against hand-written step models -===//
//
// The fake step models follow the packed-invoke ABI of seqc/abi.h as compiled
// step entries do: args[1..] are the inputs then the states (dense), and the
// results record receives the outputs then the next states, each malloc'd.
//
//===----------------------------------------------------------------------===//

#include "seqc/stream.h"
#include "fake_model_util.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <random>
#include <string>
#include <thread>
#include <vector>

namespace {

using namespace seqc_test;

// ---- running_sum: y_t = s + sum_{u<=t} x_u over [T,B,4]; next s = the last
// sum; n counts the steps seen. `last` is the same buffer as next s (as a
// compiled model may return one value twice), so the runtime must copy it.
void RunningSumInvoke(void **args) {
  Desc x = ArgDesc(args, 0, 3);
  Desc s = ArgDesc(args, 1, 2);
  Desc n = ArgDesc(args, 2, 0);
  auto *out = static_cast<intptr_t *>(args[0]);
  const int64_t t = x.size(0), b = x.size(1), bh = b * 4;
  const int64_t ysizes[3] = {t, b, 4}, ssizes[2] = {b, 4};
  auto *y = static_cast<float *>(NewDense(out, 3, ysizes, sizeof(float)));
  intptr_t *last_w = out + Words(3);
  intptr_t *next_s_w = last_w + Words(2);
  intptr_t *next_n_w = next_s_w + Words(2);
  auto *acc =
      static_cast<float *>(NewDense(next_s_w, 2, ssizes, sizeof(float)));
  SetDense(last_w, acc, acc, 2, ssizes);
  auto *next_n =
      static_cast<int64_t *>(NewDense(next_n_w, 0, nullptr, sizeof(int64_t)));
  const float *xs = static_cast<const float *>(x.aligned());
  std::memcpy(acc, s.aligned(), bh * sizeof(float));
  for (int64_t step = 0; step < t; ++step)
    for (int64_t i = 0; i < bh; ++i) {
      acc[i] += xs[step * bh + i];
      y[step * bh + i] = acc[i];
    }
  *next_n = *static_cast<const int64_t *>(n.aligned()) + t;
}

const seqc_model_api kRunningSum = {SEQC_ABI_VERSION,
                                    1,
                                    2,
                                    0,
                                    "running_sum",
                                    "in x f32 [T,B,4]\n"
                                    "state s f32 [B,4]\n"
                                    "state n i64 []\n"
                                    "out y f32 [T,B,4]\n"
                                    "out last f32 [B,4]\n",
                                    RunningSumInvoke};

// ---- swap: next a = the incoming b buffer and next b = the incoming a
// buffer, returned as is (argument buffers, which the runtime must neither
// free nor read after overwriting); y = a before the swap.
void SwapInvoke(void **args) {
  Desc a = ArgDesc(args, 1, 1);
  Desc b = ArgDesc(args, 2, 1);
  auto *out = static_cast<intptr_t *>(args[0]);
  const int64_t sizes[1] = {2};
  auto *y = static_cast<float *>(NewDense(out, 1, sizes, sizeof(float)));
  std::memcpy(y, a.aligned(), 2 * sizeof(float));
  SetDense(out + Words(1), b.aligned(), b.aligned(), 1, sizes);
  SetDense(out + 2 * Words(1), a.aligned(), a.aligned(), 1, sizes);
}

const seqc_model_api kSwap = {SEQC_ABI_VERSION,
                              1,
                              1,
                              0,
                              "swap",
                              "in x f32 [N]\nstate a f32 [2]\nstate b f32 [2]\n"
                              "out y f32 [2]",
                              SwapInvoke};

// ---- bad_state: a next state one row too many (breaks its signature).
void BadStateInvoke(void **args) {
  Desc x = ArgDesc(args, 0, 2);
  auto *out = static_cast<intptr_t *>(args[0]);
  const int64_t ysizes[2] = {x.size(0), x.size(1)};
  const int64_t ssizes[1] = {x.size(1) + 1};
  auto *y = static_cast<float *>(NewDense(out, 2, ysizes, sizeof(float)));
  for (int64_t i = 0; i < ysizes[0] * ysizes[1]; ++i)
    y[i] = 1;
  auto *s =
      static_cast<float *>(NewDense(out + Words(2), 1, ssizes, sizeof(float)));
  for (int64_t i = 0; i < ssizes[0]; ++i)
    s[i] = 5;
}

const seqc_model_api kBadState = {
    SEQC_ABI_VERSION,
    1,
    1,
    0,
    "bad_state",
    "in x f32 [T,B]\nstate s f32 [B]\nout y f32 [T,B]",
    BadStateInvoke};

// A plain (stateless) model, to check that streams refuse it.
const seqc_model_api kPlain = {
    SEQC_ABI_VERSION, 1, 1, 0, "plain", "in x f32 [T,B,4]\nout y f32 [T,B,4]\n",
    BadStateInvoke};

seqc_tensor Dense(void *data, int32_t dtype, std::vector<int64_t> shape) {
  seqc_tensor t;
  EXPECT_EQ(seqc_rt_tensor_init(&t, data, dtype, shape.size(), shape.data()),
            SEQC_OK);
  return t;
}

seqc_tensor Empty() {
  seqc_tensor t;
  std::memset(&t, 0, sizeof(t));
  return t;
}

struct Stream {
  seqc_stream *s = nullptr;
  seqc_error err{};
  seqc_status status;
  Stream(const seqc_model_api *api, std::vector<seqc_dim_binding> dims)
      : status(seqc_rt_stream_open(api, dims.data(), dims.size(), &s, &err)) {}
  ~Stream() { seqc_rt_stream_close(s); }
};

std::vector<float> Random(size_t n, unsigned seed) {
  std::mt19937 gen(seed);
  std::uniform_real_distribution<float> dist(-1, 1);
  std::vector<float> v(n);
  for (float &f : v)
    f = dist(gen);
  return v;
}

// Streams x [T,B,4] through running_sum in chunks of `chunk` steps and
// returns the concatenated y.
std::vector<float> StreamInChunks(seqc_stream *s, const std::vector<float> &x,
                                  int64_t t_total, int64_t b, int64_t chunk) {
  std::vector<float> y;
  for (int64_t t0 = 0; t0 < t_total; t0 += chunk) {
    const int64_t t = std::min(chunk, t_total - t0);
    seqc_tensor in = Dense(const_cast<float *>(x.data()) + t0 * b * 4,
                           SEQC_DTYPE_F32, {t, b, 4});
    seqc_tensor out[2] = {Empty(), Empty()};
    seqc_error err{};
    EXPECT_EQ(seqc_rt_stream_step(s, &in, 1, out, 2, &err), SEQC_OK)
        << err.message;
    if (!out[0].data)
      return {};
    const float *ys = static_cast<const float *>(out[0].data);
    y.insert(y.end(), ys, ys + t * b * 4);
    // `last` equals the final step of y.
    const float *last = static_cast<const float *>(out[1].data);
    for (int64_t i = 0; i < b * 4; ++i)
      EXPECT_EQ(last[i], ys[(t - 1) * b * 4 + i]);
    seqc_rt_tensor_free(&out[0]);
    seqc_rt_tensor_free(&out[1]);
  }
  return y;
}

std::vector<float> StateValues(seqc_stream *s, size_t k) {
  seqc_tensor *v = seqc_rt_stream_state(s, k);
  const float *p = static_cast<const float *>(v->data);
  return std::vector<float>(p, p + seqc_rt_tensor_numel(v));
}

int64_t StepCount(seqc_stream *s) {
  return *static_cast<const int64_t *>(seqc_rt_stream_state(s, 1)->data);
}

//===----------------------------------------------------------------------===//
// Signatures with states
//===----------------------------------------------------------------------===//

TEST(Stream, ModelDescribesStates) {
  seqc_model *m = nullptr;
  seqc_error err{};
  ASSERT_EQ(seqc_rt_model_open(&kRunningSum, &m, &err), SEQC_OK) << err.message;
  EXPECT_EQ(seqc_rt_model_num_inputs(m), 1u);
  EXPECT_EQ(seqc_rt_model_num_outputs(m), 2u);
  ASSERT_EQ(seqc_rt_model_num_states(m), 2u);
  const seqc_tensor_info *s = seqc_rt_model_state(m, 0);
  EXPECT_STREQ(s->name, "s");
  EXPECT_EQ(s->dtype, SEQC_DTYPE_F32);
  ASSERT_EQ(s->rank, 2);
  EXPECT_EQ(s->shape[0], SEQC_DIM_DYNAMIC);
  EXPECT_EQ(s->shape[1], 4);
  EXPECT_STREQ(s->dim_names[0], "B");
  EXPECT_STREQ(seqc_rt_model_state(m, 1)->name, "n");
  EXPECT_EQ(seqc_rt_model_state(m, 1)->rank, 0);
  EXPECT_EQ(seqc_rt_model_state(m, 2), nullptr);
  EXPECT_STREQ(seqc_rt_model_output(m, 0)->name, "y");
  EXPECT_STREQ(seqc_rt_model_output(m, 1)->name, "last");
  EXPECT_EQ(seqc_rt_model_find_output(m, "last"), 1);
  EXPECT_EQ(seqc_rt_model_find_output(m, "s"), -1);
  EXPECT_EQ(seqc_rt_model_find_input(m, "s"), -1);

  // A step api is not run in one go.
  std::vector<float> x(8);
  seqc_tensor in = Dense(x.data(), SEQC_DTYPE_F32, {1, 2, 4});
  seqc_tensor out[2] = {Empty(), Empty()};
  EXPECT_EQ(seqc_rt_model_run(m, &in, 1, out, 2, &err),
            SEQC_ERR_INVALID_ARGUMENT);
  EXPECT_STREQ(err.message, "model 'running_sum' is a streaming step; run it "
                            "through seqc_rt_stream_*");
  EXPECT_EQ(out[0].data, nullptr);
  seqc_rt_model_close(m);

  EXPECT_EQ(seqc_rt_model_num_states(nullptr), 0u);
  EXPECT_EQ(seqc_rt_model_state(nullptr, 0), nullptr);
}

TEST(Stream, ModelNamesItsTimeDimension) {
  // kRunningSum's signature has no time line: the caller decides.
  seqc_model *m = nullptr;
  seqc_error err{};
  ASSERT_EQ(seqc_rt_model_open(&kRunningSum, &m, &err), SEQC_OK) << err.message;
  EXPECT_EQ(seqc_rt_model_stream_dim(m), nullptr);
  seqc_rt_model_close(m);
  EXPECT_EQ(seqc_rt_model_stream_dim(nullptr), nullptr);

  // A compiled step api whose positions run along x's first axis says so,
  // and its tensors are read as without the line.
  seqc_model_api api = kRunningSum;
  api.signature = "time B\nin x f32 [T,B,4]\nstate s f32 [B,4]\n"
                  "state n i64 []\nout y f32 [T,B,4]\nout last f32 [B,4]\n";
  ASSERT_EQ(seqc_rt_model_open(&api, &m, &err), SEQC_OK) << err.message;
  EXPECT_STREQ(seqc_rt_model_stream_dim(m), "B");
  EXPECT_EQ(seqc_rt_model_num_inputs(m), 1u);
  EXPECT_EQ(seqc_rt_model_num_states(m), 2u);
  EXPECT_STREQ(seqc_rt_model_input(m, 0)->name, "x");
  EXPECT_STREQ(seqc_rt_model_state(m, 1)->name, "n");
  EXPECT_STREQ(seqc_rt_model_output(m, 1)->name, "last");
  seqc_rt_model_close(m);
}

TEST(Stream, RejectsMalformedStateLines) {
  struct Case {
    const char *signature;
    const char *message;
  } cases[] = {
      {"in x f32 [T,B]\nstate s f32 [?]\nout y f32 [T,B]",
       "model 'bad': signature line 2 \"state s f32 [?]\": state dimension 0 "
       "is '?'; a state's dynamic dimensions must be named"},
      {"in x f32 [T,B]\nout y f32 [T,B]\nstate s f32 [B]",
       "model 'bad': signature line 3 \"state s f32 [B]\": state 's' follows "
       "an output (the order is in, weight, state, out)"},
      {"state s f32 [B]\nin x f32 [T,B]\nout y f32 [T,B]",
       "model 'bad': signature line 2 \"in x f32 [T,B]\": input 'x' follows a "
       "state (the order is in, weight, state, out)"},
      {"in x f32 [T,B]\nstate s f32 [B]\nout y f32 [T,B]\nin z f32 [B]",
       "model 'bad': signature line 4 \"in z f32 [B]\": input 'z' follows an "
       "output (the order is in, weight, state, out)"},
      {"in s f32 [T,B]\nstate s f32 [B]\nout y f32 [T,B]",
       "model 'bad': signature line 2 \"state s f32 [B]\": tensor name 's' is "
       "also used on line 1"},
      {"in x f32 [T,B]\nstate y f32 [B]\nout y f32 [T,B]",
       "model 'bad': signature line 3 \"out y f32 [T,B]\": tensor name 'y' is "
       "also used on line 2"},
      {"in x f32 [T,B]\nstates s f32 [B]\nout y f32 [T,B]",
       "model 'bad': signature line 2 \"states s f32 [B]\": expected 'in', "
       "'weight', 'state' or 'out', a space, then 'NAME DTYPE [DIMS]'"},
      {"in x f32 [T,B]\nstate s f33 [B]\nout y f32 [T,B]",
       "model 'bad': signature line 2 \"state s f33 [B]\": unknown dtype "
       "'f33' (expected f32, f16, bf16, f64, i8, i32, i64, bool or u8)"},
      {"in x f32 [T,B]\nstate s f32 B\nout y f32 [T,B]",
       "model 'bad': signature line 2 \"state s f32 B\": expected the "
       "dimensions as '[d0,d1,...]' after the dtype, found 'B'"},
      // The time line: first, a named input dimension, a step api's.
      {"time 7\nin x f32 [T,B]\nstate s f32 [B]\nout y f32 [T,B]",
       "model 'bad': signature line 1 \"time 7\": expected 'time NAME', NAME "
       "the dimension a stream's chunks split"},
      {"time T\nin x f32 [N,B]\nstate s f32 [B]\nout y f32 [N,B]",
       "model 'bad': its signature's 'time T' line names a dimension no "
       "input has"},
      {"time T\nin x f32 [T,B]\nout y f32 [T,B]",
       "model 'bad': its signature's 'time T' line belongs to a step api, and "
       "it has no states"},
      {"in x f32 [T,B]\ntime T\nstate s f32 [B]\nout y f32 [T,B]",
       "model 'bad': signature line 2 \"time T\": expected 'in', 'weight', "
       "'state' or 'out', a space, then 'NAME DTYPE [DIMS]'"},
      // States are not counted in num_inputs / num_outputs.
      {"in x f32 [T,B]\nin z f32 [B]\nstate s f32 [B]\nout y f32 [T,B]",
       "model 'bad': signature lists 2 input(s) and 1 output(s), but the api "
       "record declares 1 input(s) and 1 output(s)"},
  };
  for (const Case &c : cases) {
    seqc_model_api api = {SEQC_ABI_VERSION, 1, 1, 0, "bad", c.signature,
                          BadStateInvoke};
    seqc_model *m = nullptr;
    seqc_error err{};
    EXPECT_EQ(seqc_rt_model_open(&api, &m, &err), SEQC_ERR_FORMAT)
        << c.signature;
    EXPECT_EQ(m, nullptr);
    EXPECT_EQ(std::string(err.message), c.message);
    // A stream reports the same.
    seqc_stream *s = nullptr;
    const seqc_dim_binding b = {"B", 2};
    EXPECT_EQ(seqc_rt_stream_open(&api, &b, 1, &s, &err), SEQC_ERR_FORMAT);
    EXPECT_EQ(s, nullptr);
    EXPECT_EQ(std::string(err.message), c.message);
  }
}

TEST(Stream, StatesCountTowardsTheLimits) {
  std::string sig = "in x f32 [4]\n";
  for (int k = 0; k < SEQC_RT_MODEL_MAX_INPUTS; ++k)
    sig += "state s" + std::to_string(k) + " f32 []\n";
  sig += "out y f32 [4]\n";
  seqc_model_api api = {SEQC_ABI_VERSION, 1, 1, 0, "many", sig.c_str(),
                        BadStateInvoke};
  seqc_model *m = nullptr;
  seqc_error err{};
  EXPECT_EQ(seqc_rt_model_open(&api, &m, &err), SEQC_ERR_UNSUPPORTED);
  EXPECT_STREQ(err.message,
               "model 'many' has 1 inputs, 0 weights, 128 states and 1 "
               "outputs; this runtime supports at most 128 inputs plus "
               "states, 128 outputs plus states and 4096 weights");
}

//===----------------------------------------------------------------------===//
// Opening
//===----------------------------------------------------------------------===//

TEST(Stream, OpenAllocatesZeroedAlignedStates) {
  Stream st(&kRunningSum, {{"B", 3}});
  ASSERT_EQ(st.status, SEQC_OK) << st.err.message;
  ASSERT_EQ(seqc_rt_stream_num_states(st.s), 2u);
  seqc_tensor *s = seqc_rt_stream_state(st.s, 0);
  ASSERT_NE(s, nullptr);
  EXPECT_EQ(s->dtype, SEQC_DTYPE_F32);
  ASSERT_EQ(s->rank, 2);
  EXPECT_EQ(s->shape[0], 3);
  EXPECT_EQ(s->shape[1], 4);
  EXPECT_EQ(s->strides[0], 4);
  EXPECT_EQ(s->strides[1], 1);
  EXPECT_EQ(reinterpret_cast<uintptr_t>(s->data) % 64, 0u);
  for (float v : StateValues(st.s, 0))
    EXPECT_EQ(v, 0.0f);
  seqc_tensor *n = seqc_rt_stream_state(st.s, 1);
  EXPECT_EQ(n->dtype, SEQC_DTYPE_I64);
  EXPECT_EQ(n->rank, 0);
  EXPECT_EQ(reinterpret_cast<uintptr_t>(n->data) % 64, 0u);
  EXPECT_EQ(StepCount(st.s), 0);
  EXPECT_EQ(seqc_rt_stream_state(st.s, 2), nullptr);
  EXPECT_EQ(seqc_rt_stream_state(nullptr, 0), nullptr);
  EXPECT_EQ(seqc_rt_stream_num_states(nullptr), 0u);
  seqc_rt_stream_close(nullptr);
  EXPECT_EQ(seqc_rt_stream_reset(nullptr), SEQC_ERR_INVALID_ARGUMENT);

  // B = 0 is a valid (empty) batch.
  Stream empty(&kRunningSum, {{"B", 0}});
  ASSERT_EQ(empty.status, SEQC_OK) << empty.err.message;
  EXPECT_EQ(seqc_rt_tensor_numel(seqc_rt_stream_state(empty.s, 0)), 0);
}

TEST(Stream, OpenRejectsBadBindings) {
  struct Case {
    const seqc_model_api *api;
    std::vector<seqc_dim_binding> dims;
    const char *message;
  } cases[] = {
      {&kRunningSum,
       {},
       "model 'running_sum': dimension 'B' (state 's' dimension 0) is not "
       "bound; pass its extent to seqc_rt_stream_open (bind: B)"},
      {&kRunningSum,
       {{"B", 2}, {"Q", 1}},
       "model 'running_sum' has no dimension named 'Q' (its states use: B)"},
      {&kRunningSum,
       {{"B", 2}, {"T", 5}},
       "model 'running_sum': dimension 'T' is not used by any state, so a "
       "stream does not bind it (bind only: B)"},
      {&kRunningSum,
       {{"B", -3}},
       "model 'running_sum': dimension 'B' has a negative extent -3"},
      {&kRunningSum,
       {{"B", 2}, {"B", 2}},
       "model 'running_sum': dimension 'B' is bound twice"},
      {&kRunningSum,
       {{nullptr, 2}},
       "model 'running_sum': dimension binding 0 has a NULL name"},
      {&kRunningSum,
       {{"B", INT64_MAX / 2}},
       "model 'running_sum': state 's' would have shape "
       "[4611686018427387903,4], which is too large"},
      {&kSwap,
       {{"N", 2}},
       "model 'swap': dimension 'N' is not used by any state, so a stream "
       "does not bind it (bind only: none)"},
      {&kSwap,
       {{"M", 2}},
       "model 'swap' has no dimension named 'M' (its states use: none)"},
      {&kPlain,
       {{"B", 2}},
       "model 'plain' has no states, so it cannot be streamed: open its step "
       "api (plain_step_api) instead"},
  };
  for (const Case &c : cases) {
    Stream st(c.api, c.dims);
    EXPECT_EQ(st.status, SEQC_ERR_INVALID_ARGUMENT) << c.message;
    EXPECT_EQ(st.s, nullptr);
    EXPECT_EQ(std::string(st.err.message), c.message);
  }
  seqc_stream *s = reinterpret_cast<seqc_stream *>(1);
  seqc_error err{};
  EXPECT_EQ(seqc_rt_stream_open(nullptr, nullptr, 0, &s, &err),
            SEQC_ERR_INVALID_ARGUMENT);
  EXPECT_EQ(s, nullptr);
  EXPECT_EQ(seqc_rt_stream_open(&kRunningSum, nullptr, 1, &s, &err),
            SEQC_ERR_INVALID_ARGUMENT);
  EXPECT_EQ(seqc_rt_stream_open(&kRunningSum, nullptr, 0, nullptr, &err),
            SEQC_ERR_INVALID_ARGUMENT);
  // Model-level errors come through unchanged.
  seqc_model_api future = kRunningSum;
  future.abi_version = SEQC_ABI_VERSION + 1;
  const seqc_dim_binding b = {"B", 2};
  EXPECT_EQ(seqc_rt_stream_open(&future, &b, 1, &s, &err),
            SEQC_ERR_UNSUPPORTED);
  EXPECT_NE(std::string(err.message)
                .find("model 'running_sum' was compiled "
                      "for seqc ABI version"),
            std::string::npos)
      << err.message;
}

// States that together exceed the machine's memory fail at open, before
// any is allocated: Linux grants allocations past it (overcommit) and
// zeroing them got the process killed (a KV cache at capacity 1e8).
TEST(Stream, OpenRefusesStatesLargerThanTheMachine) {
  Stream st(&kRunningSum, {{"B", int64_t(1) << 40}});
  EXPECT_EQ(st.status, SEQC_ERR_OUT_OF_MEMORY);
  EXPECT_EQ(st.s, nullptr);
  EXPECT_NE(std::string(st.err.message)
                .find("model 'running_sum': its states need 17592186044424 "
                      "bytes at these sizes"),
            std::string::npos)
      << st.err.message;
  EXPECT_NE(std::string(st.err.message).find("more than this machine's"),
            std::string::npos)
      << st.err.message;
}

//===----------------------------------------------------------------------===//
// Stepping
//===----------------------------------------------------------------------===//

TEST(Stream, ChunksMatchOneRun) {
  const int64_t T = 7, B = 2;
  const std::vector<float> x = Random(T * B * 4, 1);
  Stream whole(&kRunningSum, {{"B", B}});
  ASSERT_EQ(whole.status, SEQC_OK) << whole.err.message;
  const std::vector<float> expected = StreamInChunks(whole.s, x, T, B, T);
  ASSERT_EQ(expected.size(), x.size());
  // The reference, in double: y_t = sum_{u<=t} x_u from a zero state.
  for (int64_t i = 0; i < B * 4; ++i) {
    double acc = 0;
    for (int64_t t = 0; t < T; ++t) {
      acc += x[t * B * 4 + i];
      EXPECT_NEAR(expected[t * B * 4 + i], acc, 1e-5);
    }
  }
  EXPECT_EQ(StepCount(whole.s), T);
  const std::vector<float> final_state = StateValues(whole.s, 0);

  for (int64_t chunk : {1, 2, 3}) {
    Stream st(&kRunningSum, {{"B", B}});
    ASSERT_EQ(st.status, SEQC_OK) << st.err.message;
    EXPECT_EQ(StreamInChunks(st.s, x, T, B, chunk), expected)
        << "chunk " << chunk;
    EXPECT_EQ(StateValues(st.s, 0), final_state) << "chunk " << chunk;
    EXPECT_EQ(StepCount(st.s), T);
  }
}

TEST(Stream, EmptyChunkKeepsTheState) {
  Stream st(&kRunningSum, {{"B", 1}});
  ASSERT_EQ(st.status, SEQC_OK) << st.err.message;
  std::vector<float> x = {1, 2, 3, 4};
  StreamInChunks(st.s, x, 1, 1, 1);
  seqc_tensor in = Dense(x.data(), SEQC_DTYPE_F32, {0, 1, 4});
  seqc_tensor out[2] = {Empty(), Empty()};
  seqc_error err{};
  ASSERT_EQ(seqc_rt_stream_step(st.s, &in, 1, out, 2, &err), SEQC_OK)
      << err.message;
  EXPECT_EQ(out[0].shape[0], 0);
  EXPECT_EQ(StateValues(st.s, 0), x);
  seqc_rt_tensor_free(&out[0]);
  seqc_rt_tensor_free(&out[1]);
}

TEST(Stream, ResetAndSetStates) {
  const int64_t T = 5, B = 3;
  const std::vector<float> x = Random(T * B * 4, 2);
  Stream st(&kRunningSum, {{"B", B}});
  ASSERT_EQ(st.status, SEQC_OK) << st.err.message;
  const std::vector<float> fresh = StreamInChunks(st.s, x, T, B, 2);

  // Without a reset the sum carries on.
  EXPECT_NE(StreamInChunks(st.s, x, T, B, 2), fresh);
  EXPECT_EQ(StepCount(st.s), 2 * T);
  // A reset starts over.
  EXPECT_EQ(seqc_rt_stream_reset(st.s), SEQC_OK);
  for (float v : StateValues(st.s, 0))
    EXPECT_EQ(v, 0.0f);
  EXPECT_EQ(StepCount(st.s), 0);
  EXPECT_EQ(StreamInChunks(st.s, x, T, B, 3), fresh);

  // Setting the state through its view: y_t = s0 + sum.
  seqc_rt_stream_reset(st.s);
  seqc_tensor *s = seqc_rt_stream_state(st.s, 0);
  float *sv = static_cast<float *>(s->data);
  for (int64_t i = 0; i < B * 4; ++i)
    sv[i] = 100.0f + i;
  *static_cast<int64_t *>(seqc_rt_stream_state(st.s, 1)->data) = 40;
  const std::vector<float> shifted = StreamInChunks(st.s, x, T, B, 1);
  ASSERT_EQ(shifted.size(), fresh.size());
  for (size_t i = 0; i < fresh.size(); ++i)
    EXPECT_NEAR(shifted[i], fresh[i] + 100.0f + i % (B * 4), 1e-4) << i;
  EXPECT_EQ(StepCount(st.s), 40 + T);

  // Scribbling on the view's descriptor does not reach the model.
  s = seqc_rt_stream_state(st.s, 0);
  s->shape[0] = 99;
  s->data = nullptr;
  seqc_tensor *again = seqc_rt_stream_state(st.s, 0);
  EXPECT_EQ(again->shape[0], B);
  EXPECT_EQ(again->data, sv);
  s->data = nullptr;
  StreamInChunks(st.s, x, 1, B, 1);
  EXPECT_EQ(seqc_rt_stream_state(st.s, 0)->data, sv);
}

TEST(Stream, StepWritesCallerBuffers) {
  const int64_t T = 4, B = 2;
  const std::vector<float> x = Random(T * B * 4, 3);
  Stream ref(&kRunningSum, {{"B", B}});
  const std::vector<float> expected = StreamInChunks(ref.s, x, T, B, T);

  Stream st(&kRunningSum, {{"B", B}});
  ASSERT_EQ(st.status, SEQC_OK) << st.err.message;
  std::vector<float> y(T * B * 4, -1), last(B * 4, -1);
  for (int64_t t0 = 0; t0 < T; t0 += 2) {
    seqc_tensor in = Dense(const_cast<float *>(x.data()) + t0 * B * 4,
                           SEQC_DTYPE_F32, {2, B, 4});
    seqc_tensor out[2] = {
        Dense(y.data() + t0 * B * 4, SEQC_DTYPE_F32, {2, B, 4}),
        Dense(last.data(), SEQC_DTYPE_F32, {B, 4})};
    seqc_error err{};
    ASSERT_EQ(seqc_rt_stream_step(st.s, &in, 1, out, 2, &err), SEQC_OK)
        << err.message;
    EXPECT_EQ(out[0].data, y.data() + t0 * B * 4);
  }
  EXPECT_EQ(y, expected);
  EXPECT_EQ(last, StateValues(st.s, 0));
}

// Steps `st` and expects `status` with exactly `message`, the states intact
// and every runtime-allocated output released.
void ExpectStepError(seqc_stream *s, std::vector<seqc_tensor> inputs,
                     std::vector<seqc_tensor> outputs, seqc_status status,
                     const std::string &message) {
  const std::vector<float> before = StateValues(s, 0);
  std::vector<bool> allocate;
  for (const seqc_tensor &o : outputs)
    allocate.push_back(o.data == nullptr);
  seqc_error err{};
  EXPECT_EQ(seqc_rt_stream_step(s, inputs.data(), inputs.size(), outputs.data(),
                                outputs.size(), &err),
            status)
      << err.message;
  EXPECT_EQ(err.code, status);
  EXPECT_EQ(std::string(err.message), message);
  EXPECT_EQ(StateValues(s, 0), before);
  for (size_t o = 0; o < outputs.size(); ++o) {
    if (allocate[o]) {
      EXPECT_EQ(outputs[o].data, nullptr);
    }
  }
}

TEST(Stream, StepValidatesAgainstTheStream) {
  Stream st(&kRunningSum, {{"B", 2}});
  ASSERT_EQ(st.status, SEQC_OK) << st.err.message;
  std::vector<float> x = Random(3 * 3 * 4, 4);
  StreamInChunks(st.s, x, 1, 2, 1); // a non-zero state to keep
  ASSERT_EQ(StepCount(st.s), 1);

  ExpectStepError(st.s, {Dense(x.data(), SEQC_DTYPE_F32, {3, 3, 4})},
                  {Empty(), Empty()}, SEQC_ERR_SHAPE,
                  "input 'x' dimension 1 (B) is 3, but the stream was opened "
                  "with B = 2");
  ExpectStepError(st.s, {Dense(x.data(), SEQC_DTYPE_F32, {3, 2, 5})},
                  {Empty(), Empty()}, SEQC_ERR_SHAPE,
                  "input 'x' dimension 2 is 5, but the model expects 4");
  ExpectStepError(st.s, {Dense(x.data(), SEQC_DTYPE_F64, {3, 2, 4})},
                  {Empty(), Empty()}, SEQC_ERR_DTYPE,
                  "input 'x' has dtype f64, but the model expects f32");
  ExpectStepError(st.s, {Dense(x.data(), SEQC_DTYPE_F32, {3, 2, 4})}, {Empty()},
                  SEQC_ERR_INVALID_ARGUMENT,
                  "model 'running_sum' takes 1 input(s) and 2 output(s), but "
                  "1 and 1 were passed");
  // A caller buffer is checked against the stream's B too.
  std::vector<float> buf(64);
  ExpectStepError(st.s, {Dense(x.data(), SEQC_DTYPE_F32, {3, 2, 4})},
                  {Empty(), Dense(buf.data(), SEQC_DTYPE_F32, {3, 4})},
                  SEQC_ERR_SHAPE,
                  "output 'last' buffer has shape [3,4], but the model "
                  "produces [2,4] for these inputs");
  // The stream's own state buffers are neither outputs (the output would
  // receive the next state) nor inputs (the step updates them).
  float *state = static_cast<float *>(seqc_rt_stream_state(st.s, 0)->data);
  ExpectStepError(st.s, {Dense(x.data(), SEQC_DTYPE_F32, {3, 2, 4})},
                  {Empty(), Dense(state, SEQC_DTYPE_F32, {2, 4})},
                  SEQC_ERR_INVALID_ARGUMENT,
                  "output 'last' buffer shares memory with the stream's state "
                  "'s' (each output needs its own)");
  ExpectStepError(st.s, {Dense(state, SEQC_DTYPE_F32, {1, 2, 4})},
                  {Empty(), Empty()}, SEQC_ERR_INVALID_ARGUMENT,
                  "input 'x' shares memory with the stream's state 's', which "
                  "the step updates (pass a copy)");
  EXPECT_EQ(StepCount(st.s), 1);

  seqc_error err{};
  seqc_tensor in = Dense(x.data(), SEQC_DTYPE_F32, {1, 2, 4});
  seqc_tensor out[2] = {Empty(), Empty()};
  EXPECT_EQ(seqc_rt_stream_step(nullptr, &in, 1, out, 2, &err),
            SEQC_ERR_INVALID_ARGUMENT);
  EXPECT_STREQ(err.message, "seqc_rt_stream_step: stream is NULL");
  EXPECT_EQ(seqc_rt_stream_step(st.s, nullptr, 1, out, 2, &err),
            SEQC_ERR_INVALID_ARGUMENT);
  EXPECT_STREQ(err.message, "seqc_rt_stream_step: inputs or outputs is NULL");
}

TEST(Stream, ModelBreakingItsStateSignatureLeavesTheStateAlone) {
  Stream st(&kBadState, {{"B", 3}});
  ASSERT_EQ(st.status, SEQC_OK) << st.err.message;
  float *s = static_cast<float *>(seqc_rt_stream_state(st.s, 0)->data);
  s[0] = 7;
  std::vector<float> x(6, 1);
  ExpectStepError(st.s, {Dense(x.data(), SEQC_DTYPE_F32, {2, 3})}, {Empty()},
                  SEQC_ERR_INTERNAL,
                  "model 'bad_state' broke its signature: it produced next "
                  "state 's' with shape [4] (state 's' dimension 0 (B) is 4, "
                  "but the stream was opened with B = 3)");
  EXPECT_EQ(s[0], 7);
}

TEST(Stream, NextStatesInArgumentBuffers) {
  Stream st(&kSwap, {});
  ASSERT_EQ(st.status, SEQC_OK) << st.err.message;
  float *a = static_cast<float *>(seqc_rt_stream_state(st.s, 0)->data);
  float *b = static_cast<float *>(seqc_rt_stream_state(st.s, 1)->data);
  a[0] = 1, a[1] = 2, b[0] = 3, b[1] = 4;
  float x[1] = {0};
  for (int iter = 0; iter < 3; ++iter) {
    seqc_tensor in = Dense(x, SEQC_DTYPE_F32, {1});
    seqc_tensor y = Empty();
    seqc_error err{};
    ASSERT_EQ(seqc_rt_stream_step(st.s, &in, 1, &y, 1, &err), SEQC_OK)
        << err.message;
    const float *ys = static_cast<const float *>(y.data);
    EXPECT_EQ(ys[0], iter % 2 ? 3 : 1);
    EXPECT_EQ(a[0], iter % 2 ? 1 : 3);
    EXPECT_EQ(a[1], iter % 2 ? 2 : 4);
    EXPECT_EQ(b[0], iter % 2 ? 3 : 1);
    EXPECT_EQ(b[1], iter % 2 ? 4 : 2);
    seqc_rt_tensor_free(&y);
  }
}

TEST(Stream, StreamsOnTwoThreads) {
  const int64_t T = 9;
  struct Job {
    int64_t b;
    std::vector<float> x, expected, got;
  } jobs[2] = {{2, {}, {}, {}}, {5, {}, {}, {}}};
  for (Job &j : jobs) {
    j.x = Random(T * j.b * 4, 10 + j.b);
    Stream ref(&kRunningSum, {{"B", j.b}});
    j.expected = StreamInChunks(ref.s, j.x, T, j.b, T);
  }
  std::vector<std::thread> threads;
  for (Job &j : jobs)
    threads.emplace_back([&j] {
      Stream st(&kRunningSum, {{"B", j.b}});
      for (int rep = 0; rep < 50; ++rep) {
        seqc_rt_stream_reset(st.s);
        j.got = StreamInChunks(st.s, j.x, T, j.b, 1 + rep % 4);
        if (j.got != j.expected)
          return;
      }
    });
  for (std::thread &t : threads)
    t.join();
  for (const Job &j : jobs)
    EXPECT_EQ(j.got, j.expected) << "B = " << j.b;
}

} // namespace
