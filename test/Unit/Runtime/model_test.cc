//===- model_test.cc - seqc_rt_model_* against hand-written fake models ---===//
//
// The fake models below follow the packed-invoke ABI of seqc/abi.h exactly as
// compiled models do: read dense input descriptors, malloc every output and
// write its descriptor into the results record.
//
//===----------------------------------------------------------------------===//

#include "seqc/model.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <string>
#include <thread>
#include <vector>

namespace {

// A view of one memref descriptor (3 + 2 * rank words).
struct Desc {
  intptr_t *w;
  int64_t rank;
  void *aligned() const { return reinterpret_cast<void *>(w[1]); }
  int64_t offset() const { return w[2]; }
  int64_t size(int64_t d) const { return w[3 + d]; }
  int64_t stride(int64_t d) const { return w[3 + rank + d]; }
  int64_t numel() const {
    int64_t n = 1;
    for (int64_t d = 0; d < rank; ++d)
      n *= size(d);
    return n;
  }
  // Compiled models are built for identity layouts: they see dense inputs.
  bool dense() const {
    int64_t s = 1;
    for (int64_t d = rank - 1; d >= 0; --d) {
      if (size(d) != 1 && stride(d) != s)
        return false;
      s *= size(d) == 0 ? 1 : size(d);
    }
    return offset() == 0;
  }
};

Desc InputDesc(void **args, size_t i, int64_t rank) {
  return Desc{static_cast<intptr_t *>(args[1 + i]), rank};
}

// Writes a dense output descriptor at `w` for a fresh malloc'd buffer.
void *SetDenseOutput(intptr_t *w, int64_t rank, const int64_t *sizes,
                     size_t esize) {
  int64_t numel = 1;
  for (int64_t d = 0; d < rank; ++d)
    numel *= sizes[d];
  void *buf = std::malloc(numel ? numel * esize : 1);
  w[0] = w[1] = reinterpret_cast<intptr_t>(buf);
  w[2] = 0;
  int64_t stride = 1;
  for (int64_t d = rank - 1; d >= 0; --d) {
    w[3 + d] = sizes[d];
    w[3 + rank + d] = stride;
    stride *= sizes[d];
  }
  return buf;
}

// ---- add_one: y = x + 1 over [T,B,4] ---------------------------------------
void AddOneInvoke(void **args) {
  Desc x = InputDesc(args, 0, 3);
  auto *out = static_cast<intptr_t *>(args[0]);
  const int64_t sizes[3] = {x.size(0), x.size(1), x.size(2)};
  auto *y = static_cast<float *>(SetDenseOutput(out, 3, sizes, sizeof(float)));
  const float *xs = static_cast<const float *>(x.aligned());
  for (int64_t i = 0; i < x.numel(); ++i)
    y[i] = x.dense() ? xs[i] + 1.0f : NAN;
}

const seqc_model_api kAddOne = {SEQC_ABI_VERSION,
                                1,
                                1,
                                0,
                                "add_one",
                                "in x f32 [T,B,4]\nout y f32 [T,B,4]\n",
                                AddOneInvoke};

// ---- two_out: y = x + h0 (broadcast over T), s = sum(x) as f64 rank 0 -----
void TwoOutInvoke(void **args) {
  Desc x = InputDesc(args, 0, 3);
  Desc h = InputDesc(args, 1, 2);
  auto *out = static_cast<intptr_t *>(args[0]);
  const int64_t sizes[3] = {x.size(0), x.size(1), x.size(2)};
  auto *y = static_cast<float *>(SetDenseOutput(out, 3, sizes, sizeof(float)));
  auto *s = static_cast<double *>(
      SetDenseOutput(out + 3 + 2 * 3, 0, nullptr, sizeof(double)));
  const float *xs = static_cast<const float *>(x.aligned());
  const float *hs = static_cast<const float *>(h.aligned());
  const int64_t bh = x.size(1) * x.size(2);
  *s = 0;
  for (int64_t i = 0; i < x.numel(); ++i) {
    y[i] = xs[i] + hs[i % bh];
    *s += xs[i];
  }
}

const seqc_model_api kTwoOut = {
    SEQC_ABI_VERSION,
    2,
    2,
    0,
    "two_out",
    "in x f32 [T,B,4]\nin h0 f32 [B,4]\nout y f32 [T,B,4]\nout s f64 []",
    TwoOutInvoke};

// ---- odd_layout: y = 2x over [N,3] i32, returned column-major at an offset
// inside a larger allocation (allocated != aligned), so the runtime must copy.
void OddLayoutInvoke(void **args) {
  Desc x = InputDesc(args, 0, 2);
  auto *out = static_cast<intptr_t *>(args[0]);
  const int64_t n = x.size(0);
  auto *base = static_cast<int32_t *>(std::malloc((3 * n + 8) * 4));
  int32_t *aligned = base + 2;
  out[0] = reinterpret_cast<intptr_t>(base);
  out[1] = reinterpret_cast<intptr_t>(aligned);
  out[2] = 3; // offset
  out[3] = n;
  out[4] = 3;
  out[5] = 1; // column-major strides
  out[6] = n;
  const int32_t *xs = static_cast<const int32_t *>(x.aligned());
  for (int64_t i = 0; i < n; ++i)
    for (int64_t j = 0; j < 3; ++j)
      aligned[3 + i + j * n] = 2 * xs[i * 3 + j];
}

const seqc_model_api kOddLayout = {SEQC_ABI_VERSION,
                                   1,
                                   1,
                                   0,
                                   "odd_layout",
                                   "in x i32 [N,3]\nout y i32 [N,3]\n",
                                   OddLayoutInvoke};

// ---- grow: y has one more element than x; its extent is '?' ---------------
void GrowInvoke(void **args) {
  Desc x = InputDesc(args, 0, 1);
  auto *out = static_cast<intptr_t *>(args[0]);
  const int64_t n = x.size(0) + 1;
  auto *y = static_cast<uint8_t *>(SetDenseOutput(out, 1, &n, 1));
  for (int64_t i = 0; i < n; ++i)
    y[i] = static_cast<uint8_t>(i);
}

const seqc_model_api kGrow = {
    SEQC_ABI_VERSION, 1, 1, 0, "grow", "in x u8 [N]\nout y u8 [?]", GrowInvoke};

// ---- liar: claims [N] but produces N + 1 elements ------------------------
const seqc_model_api kLiar = {
    SEQC_ABI_VERSION, 1, 1, 0, "liar", "in x u8 [N]\nout y u8 [N]", GrowInvoke};

struct Model {
  seqc_model *m = nullptr;
  seqc_error err{};
  seqc_status status;
  explicit Model(const seqc_model_api *api)
      : status(seqc_rt_model_open(api, &m, &err)) {}
  ~Model() { seqc_rt_model_close(m); }
};

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

std::vector<float> Iota(size_t n, float start = 0) {
  std::vector<float> v(n);
  for (size_t i = 0; i < n; ++i)
    v[i] = start + static_cast<float>(i);
  return v;
}

//===----------------------------------------------------------------------===//
// Open and describe
//===----------------------------------------------------------------------===//

TEST(Model, OpenDescribesSignature) {
  Model model(&kTwoOut);
  ASSERT_EQ(model.status, SEQC_OK) << model.err.message;
  seqc_model *m = model.m;
  EXPECT_STREQ(seqc_rt_model_name(m), "two_out");
  ASSERT_EQ(seqc_rt_model_num_inputs(m), 2u);
  ASSERT_EQ(seqc_rt_model_num_outputs(m), 2u);
  const seqc_tensor_info *x = seqc_rt_model_input(m, 0);
  EXPECT_STREQ(x->name, "x");
  EXPECT_EQ(x->dtype, SEQC_DTYPE_F32);
  ASSERT_EQ(x->rank, 3);
  EXPECT_EQ(x->shape[0], SEQC_DIM_DYNAMIC);
  EXPECT_EQ(x->shape[1], SEQC_DIM_DYNAMIC);
  EXPECT_EQ(x->shape[2], 4);
  ASSERT_NE(x->dim_names, nullptr);
  EXPECT_STREQ(x->dim_names[0], "T");
  EXPECT_STREQ(x->dim_names[1], "B");
  EXPECT_EQ(x->dim_names[2], nullptr);
  const seqc_tensor_info *s = seqc_rt_model_output(m, 1);
  EXPECT_STREQ(s->name, "s");
  EXPECT_EQ(s->dtype, SEQC_DTYPE_F64);
  EXPECT_EQ(s->rank, 0);
  EXPECT_EQ(s->dim_names, nullptr);
  EXPECT_EQ(seqc_rt_model_input(m, 2), nullptr);
  EXPECT_EQ(seqc_rt_model_output(m, 2), nullptr);
  EXPECT_EQ(seqc_rt_model_find_input(m, "h0"), 1);
  EXPECT_EQ(seqc_rt_model_find_input(m, "y"), -1);
  EXPECT_EQ(seqc_rt_model_find_output(m, "y"), 0);
  EXPECT_EQ(seqc_rt_model_find_output(m, "nope"), -1);

  Model grow(&kGrow);
  ASSERT_EQ(grow.status, SEQC_OK) << grow.err.message;
  const seqc_tensor_info *y = seqc_rt_model_output(grow.m, 0);
  EXPECT_EQ(y->shape[0], SEQC_DIM_DYNAMIC);
  EXPECT_EQ(y->dim_names, nullptr);
  seqc_rt_model_close(nullptr);
}

TEST(Model, RejectsOtherAbiVersion) {
  seqc_model_api api = kAddOne;
  api.abi_version = SEQC_ABI_VERSION + 6;
  Model model(&api);
  EXPECT_EQ(model.status, SEQC_ERR_UNSUPPORTED);
  EXPECT_EQ(model.m, nullptr);
  EXPECT_NE(std::string(model.err.message)
                .find("model 'add_one' was compiled for seqc ABI version " +
                      std::to_string(SEQC_ABI_VERSION + 6) +
                      ", but this runtime implements ABI version " +
                      std::to_string(SEQC_ABI_VERSION)),
            std::string::npos)
      << model.err.message;
}

TEST(Model, RejectsBrokenApiRecords) {
  seqc_model *m = nullptr;
  seqc_error err{};
  EXPECT_EQ(seqc_rt_model_open(nullptr, &m, &err), SEQC_ERR_INVALID_ARGUMENT);
  EXPECT_EQ(seqc_rt_model_open(&kAddOne, nullptr, &err),
            SEQC_ERR_INVALID_ARGUMENT);

  struct Case {
    void (*mutate)(seqc_model_api &);
    seqc_status status;
    const char *needle;
  } cases[] = {
      {[](seqc_model_api &a) { a.flags = 6; }, SEQC_ERR_UNSUPPORTED,
       "api flags 0x6 has bits this runtime does not know"},
      {[](seqc_model_api &a) { a.invoke = nullptr; }, SEQC_ERR_INVALID_ARGUMENT,
       "model 'add_one' has no invoke function"},
      {[](seqc_model_api &a) { a.signature = nullptr; }, SEQC_ERR_FORMAT,
       "model 'add_one' has no signature"},
      {[](seqc_model_api &a) { a.name = "2bad"; }, SEQC_ERR_FORMAT,
       "model name '2bad' is not an identifier"},
      {[](seqc_model_api &a) { a.name = nullptr; }, SEQC_ERR_FORMAT,
       "model name (NULL) is not an identifier"},
      {[](seqc_model_api &a) { a.num_outputs = 0; }, SEQC_ERR_FORMAT,
       "declares no outputs"},
      {[](seqc_model_api &a) { a.num_inputs = 1000; }, SEQC_ERR_UNSUPPORTED,
       "has 1000 inputs and 1 outputs; this runtime supports at most 128"},
  };
  for (const Case &c : cases) {
    seqc_model_api api = kAddOne;
    c.mutate(api);
    Model model(&api);
    EXPECT_EQ(model.status, c.status) << c.needle;
    EXPECT_EQ(model.m, nullptr);
    EXPECT_NE(std::string(model.err.message).find(c.needle), std::string::npos)
        << "got: " << model.err.message << "\nwanted: " << c.needle;
  }
}

// Restores SEQC_MAX_CPU_LEVEL when a test that sets it ends.
class ScopedCpuCap {
public:
  explicit ScopedCpuCap(const char *value) {
    if (const char *old = getenv("SEQC_MAX_CPU_LEVEL"))
      saved = old, hadValue = true;
    if (value)
      setenv("SEQC_MAX_CPU_LEVEL", value, 1);
    else
      unsetenv("SEQC_MAX_CPU_LEVEL");
  }
  ~ScopedCpuCap() {
    if (hadValue)
      setenv("SEQC_MAX_CPU_LEVEL", saved.c_str(), 1);
    else
      unsetenv("SEQC_MAX_CPU_LEVEL");
  }

private:
  std::string saved;
  bool hadValue = false;
};

#if defined(__x86_64__) && defined(__GNUC__)
// The level agrees with GCC's reading of the same CPUID bits.
TEST(CpuLevel, MatchesTheCompilersDetection) {
  ScopedCpuCap uncapped(nullptr);
  __builtin_cpu_init();
  int expected = __builtin_cpu_supports("x86-64-v4")   ? 4
                 : __builtin_cpu_supports("x86-64-v3") ? 3
                 : __builtin_cpu_supports("x86-64-v2") ? 2
                                                       : 1;
  EXPECT_EQ(seqc_rt_cpu_level(), expected);
}
#endif

TEST(CpuLevel, Names) {
  EXPECT_STREQ(seqc_rt_cpu_level_name(1), "x86-64");
  EXPECT_STREQ(seqc_rt_cpu_level_name(3), "x86-64-v3");
  EXPECT_STREQ(seqc_rt_cpu_level_name(4), "x86-64-v4");
  EXPECT_STREQ(seqc_rt_cpu_level_name(0), "no x86-64 level");
  EXPECT_STREQ(seqc_rt_cpu_level_name(5), "an unknown x86-64 level");
  EXPECT_STREQ(seqc_rt_cpu_level_name(-1), "an unknown x86-64 level");
}

TEST(CpuLevel, EnvironmentLowersItOrIsRefused) {
  int uncapped;
  {
    ScopedCpuCap none(nullptr);
    uncapped = seqc_rt_cpu_level();
  }
  for (int cap = 1; cap <= 4; ++cap) {
    std::string text = std::to_string(cap);
    ScopedCpuCap capped(text.c_str());
    EXPECT_EQ(seqc_rt_cpu_level(), std::min(cap, uncapped));
  }
  {
    ScopedCpuCap empty("");
    EXPECT_EQ(seqc_rt_cpu_level(), uncapped);
  }
  for (const char *bad : {"0", "5", "3x", "x86-64-v3", " 3"}) {
    ScopedCpuCap capped(bad);
    EXPECT_EQ(seqc_rt_cpu_level(), -1) << bad;
    Model model(&kAddOne);
    EXPECT_EQ(model.status, SEQC_OK) << "a record without a level is not "
                                        "checked: "
                                     << bad;
    seqc_model_api api = kAddOne;
    api.flags = 1u << SEQC_MODEL_FLAG_CPU_LEVEL_SHIFT;
    Model leveled(&api);
    EXPECT_EQ(leveled.status, SEQC_ERR_INVALID_ARGUMENT) << bad;
    EXPECT_NE(std::string(leveled.err.message)
                  .find(std::string("SEQC_MAX_CPU_LEVEL='") + bad +
                        "' is not a level 1-4"),
              std::string::npos)
        << leveled.err.message;
  }
}

// A record's level is checked against the (capped) CPU when it is opened,
// and reported by seqc_rt_model_cpu_level.
TEST(CpuLevel, OpenRefusesCodeForAHigherLevel) {
  int detected;
  {
    ScopedCpuCap none(nullptr);
    detected = seqc_rt_cpu_level();
  }
  ScopedCpuCap capped("2");
  if (seqc_rt_cpu_level() != 2)
    GTEST_SKIP() << "this CPU is below x86-64-v2";
  auto name = [](int level) {
    return level == 1 ? std::string("x86-64")
                      : "x86-64-v" + std::to_string(level);
  };
  for (int level = 1; level <= 4; ++level) {
    seqc_model_api api = kAddOne;
    api.flags = uint32_t(level) << SEQC_MODEL_FLAG_CPU_LEVEL_SHIFT;
    Model model(&api);
    if (level <= 2) {
      ASSERT_EQ(model.status, SEQC_OK) << model.err.message;
      EXPECT_EQ(seqc_rt_model_cpu_level(model.m), level);
      continue;
    }
    EXPECT_EQ(model.status, SEQC_ERR_UNSUPPORTED);
    // The cap is named when it alone refuses the code; else the CPU is.
    std::string wanted =
        "model 'add_one' was compiled for " + name(level) +
        (level <= detected
             ? ", but SEQC_MAX_CPU_LEVEL=2 allows at most x86-64-v2 (this "
               "CPU runs " + name(detected) + ")"
             : ", but this CPU runs " + name(detected) +
                   "; recompile it with seqc's default --mcpu (a version "
                   "per x86-64 level, picked at run time) or --mcpu=" +
                   name(detected));
    EXPECT_NE(std::string(model.err.message).find(wanted), std::string::npos)
        << model.err.message << "\nwanted: " << wanted;
  }
  // Bits 8-11 are the level; the bit above them is still unknown.
  seqc_model_api api = kAddOne;
  api.flags = 1u << 12;
  Model model(&api);
  EXPECT_EQ(model.status, SEQC_ERR_UNSUPPORTED);
  EXPECT_EQ(seqc_rt_model_cpu_level(nullptr), 0);
}

TEST(Model, RejectsMalformedSignatures) {
  struct Case {
    const char *signature;
    uint32_t inputs, outputs;
    const char *needle;
  } cases[] = {
      {"inp x f32 [4]\nout y f32 [4]", 1, 1,
       "signature line 1 \"inp x f32 [4]\": expected 'in', 'weight', "
       "'state' or 'out'"},
      {"in x f32 [4]\nout 1y f32 [4]", 1, 1,
       "signature line 2 \"out 1y f32 [4]\": tensor name '1y' is not an "
       "identifier"},
      {"in x f33 [4]\nout y f32 [4]", 1, 1,
       "line 1 \"in x f33 [4]\": unknown dtype 'f33' (expected f32, f16, "
       "bf16, f64, i8, i32, i64, bool or u8)"},
      {"in x f32 4\nout y f32 [4]", 1, 1,
       "expected the dimensions as '[d0,d1,...]' after the dtype, found '4'"},
      {"in x f32 [4\nout y f32 [4]", 1, 1,
       "expected the dimensions as '[d0,d1,...]'"},
      {"in x f32 [4] \nout y f32 [4]", 1, 1,
       "expected the dimensions as '[d0,d1,...]'"},
      {"in x f32 [4,,T]\nout y f32 [4]", 1, 1, "dimension 1 is empty"},
      {"in x f32 [4,]\nout y f32 [4]", 1, 1, "dimension 1 is empty"},
      {"in x f32 [4, T]\nout y f32 [4]", 1, 1,
       "dimension 1 ' T' is not a size, a name or '?'"},
      {"in x f32 [4x]\nout y f32 [4]", 1, 1,
       "dimension 0 '4x' is not a size, a name or '?'"},
      {"in x f32 [-1]\nout y f32 [4]", 1, 1,
       "dimension 0 '-1' is not a size, a name or '?'"},
      {"in x f32 [99999999999999999999]\nout y f32 [4]", 1, 1,
       "dimension 0 size '99999999999999999999' is too large"},
      {"in x f32 [1,2,3,4,5,6,7,8,9]\nout y f32 [4]", 1, 1,
       "more than 8 dimensions"},
      {"in x f32 [4]\n\nout y f32 [4]", 1, 1,
       "signature line 2 \"\": empty line"},
      {"in x f32 [4]\nout y f32 [4]\n\n", 1, 1, "line 3 \"\": empty line"},
      {"out y f32 [4]\nin x f32 [4]", 1, 1,
       "signature line 2 \"in x f32 [4]\": input 'x' follows an output"},
      {"in x f32 [4]\nout x f32 [4]", 1, 1,
       "line 2 \"out x f32 [4]\": tensor name 'x' is also used on line 1"},
      {"in x f32 [4]", 1, 1,
       "signature lists 1 input(s) and 0 output(s), but the api record "
       "declares 1 input(s) and 1 output(s)"},
      {"in x f32 [4]\nin z f32 [4]\nout y f32 [4]", 1, 1,
       "signature lists 2 input(s) and 1 output(s)"},
      {"", 1, 1, "signature lists 0 input(s) and 0 output(s)"},
      {"in x f32 [4]\r\nout y f32 [4]", 1, 1,
       "expected the dimensions as '[d0,d1,...]'"},
      {"in\tx f32 [4]\nout y f32 [4]", 1, 1,
       "expected 'in', 'weight', 'state' or 'out'"},
      {"in x f32\nout y f32 [4]", 1, 1,
       "expected 'DTYPE [DIMS]' after the name"},
      {"in x\nout y f32 [4]", 1, 1, "expected 'NAME DTYPE [DIMS]'"},
  };
  for (const Case &c : cases) {
    seqc_model_api api = {SEQC_ABI_VERSION, c.inputs,    c.outputs, 0, "bad",
                          c.signature,      AddOneInvoke};
    Model model(&api);
    EXPECT_EQ(model.status, SEQC_ERR_FORMAT) << c.signature;
    EXPECT_EQ(model.m, nullptr);
    EXPECT_NE(std::string(model.err.message).find(c.needle), std::string::npos)
        << "signature: " << c.signature << "\ngot: " << model.err.message
        << "\nwanted: " << c.needle;
    EXPECT_EQ(std::string(model.err.message).rfind("model 'bad'", 0), 0u)
        << model.err.message;
  }
}

TEST(Model, AcceptsEdgeSignatures) {
  // No trailing newline, rank 0, zero extents, '?' and names reused.
  seqc_model_api api = {SEQC_ABI_VERSION,
                        2,
                        1,
                        0,
                        "edge",
                        "in a bool []\nin b bf16 [0,?,N]\nout c i8 [N]",
                        AddOneInvoke};
  Model model(&api);
  ASSERT_EQ(model.status, SEQC_OK) << model.err.message;
  const seqc_tensor_info *b = seqc_rt_model_input(model.m, 1);
  EXPECT_EQ(b->dtype, SEQC_DTYPE_BF16);
  EXPECT_EQ(b->shape[0], 0);
  EXPECT_EQ(b->shape[1], SEQC_DIM_DYNAMIC);
  EXPECT_EQ(b->dim_names[1], nullptr);
  EXPECT_STREQ(b->dim_names[2], "N");
  EXPECT_STREQ(seqc_rt_model_output(model.m, 0)->dim_names[0], "N");
}

//===----------------------------------------------------------------------===//
// Running
//===----------------------------------------------------------------------===//

TEST(Model, RunAllocatesOutputs) {
  Model model(&kAddOne);
  ASSERT_EQ(model.status, SEQC_OK) << model.err.message;
  std::vector<float> x = Iota(3 * 2 * 4);
  seqc_tensor in = Dense(x.data(), SEQC_DTYPE_F32, {3, 2, 4});
  seqc_tensor out = Empty();
  seqc_error err{};
  ASSERT_EQ(seqc_rt_model_run(model.m, &in, 1, &out, 1, &err), SEQC_OK)
      << err.message;
  ASSERT_NE(out.data, nullptr);
  EXPECT_EQ(out.dtype, SEQC_DTYPE_F32);
  ASSERT_EQ(out.rank, 3);
  EXPECT_EQ(out.shape[0], 3);
  EXPECT_EQ(out.shape[1], 2);
  EXPECT_EQ(out.shape[2], 4);
  EXPECT_EQ(out.strides[0], 8);
  EXPECT_EQ(out.strides[1], 4);
  EXPECT_EQ(out.strides[2], 1);
  EXPECT_EQ(out.reserved, 0);
  const float *y = static_cast<const float *>(out.data);
  for (size_t i = 0; i < x.size(); ++i)
    EXPECT_EQ(y[i], x[i] + 1) << i;
  seqc_rt_tensor_free(&out);
  EXPECT_EQ(out.data, nullptr);
  seqc_rt_tensor_free(&out); // idempotent
  seqc_rt_tensor_free(nullptr);
}

TEST(Model, RunWritesCallerBuffers) {
  Model model(&kAddOne);
  ASSERT_EQ(model.status, SEQC_OK) << model.err.message;
  std::vector<float> x = Iota(5 * 1 * 4, 10);
  seqc_tensor in = Dense(x.data(), SEQC_DTYPE_F32, {5, 1, 4});
  // The caller's buffer is a strided view: every other float of a larger one.
  std::vector<float> storage(2 * 5 * 4, -7);
  seqc_tensor out = Dense(storage.data(), SEQC_DTYPE_F32, {5, 1, 4});
  out.strides[0] = 8;
  out.strides[1] = 8;
  out.strides[2] = 2;
  seqc_error err{};
  ASSERT_EQ(seqc_rt_model_run(model.m, &in, 1, &out, 1, &err), SEQC_OK)
      << err.message;
  EXPECT_EQ(out.data, storage.data());
  for (size_t i = 0; i < x.size(); ++i) {
    EXPECT_EQ(storage[2 * i], x[i] + 1) << i;
    EXPECT_EQ(storage[2 * i + 1], -7) << i;
  }
}

TEST(Model, RunMayWriteAnOutputOverItsInput) {
  // model.h: an output may share memory with an input (results are copied
  // out after the model ran). Here y starts one float into x: a model that
  // wrote y while still reading x would read its own writes.
  Model model(&kAddOne);
  ASSERT_EQ(model.status, SEQC_OK) << model.err.message;
  std::vector<float> buffer = Iota(5 * 1 * 4 + 1, 10);
  std::vector<float> x(buffer.begin(), buffer.begin() + 5 * 1 * 4);
  seqc_tensor in = Dense(buffer.data(), SEQC_DTYPE_F32, {5, 1, 4});
  seqc_tensor out = Dense(buffer.data() + 1, SEQC_DTYPE_F32, {5, 1, 4});
  seqc_error err{};
  ASSERT_EQ(seqc_rt_model_run(model.m, &in, 1, &out, 1, &err), SEQC_OK)
      << err.message;
  EXPECT_EQ(buffer[0], x[0]);
  for (size_t i = 0; i < x.size(); ++i)
    EXPECT_EQ(buffer[i + 1], x[i] + 1) << i;
}

TEST(Model, RunPacksStridedInputs) {
  Model model(&kAddOne);
  ASSERT_EQ(model.status, SEQC_OK) << model.err.message;
  // A [T=2,B=3,4] view of a [3,2,4] buffer with its first two dims swapped.
  std::vector<float> storage = Iota(3 * 2 * 4);
  seqc_tensor in = Dense(storage.data(), SEQC_DTYPE_F32, {2, 3, 4});
  in.strides[0] = 4;
  in.strides[1] = 8;
  in.strides[2] = 1;
  ASSERT_FALSE(seqc_rt_tensor_is_contiguous(&in));
  seqc_tensor out = Empty();
  seqc_error err{};
  ASSERT_EQ(seqc_rt_model_run(model.m, &in, 1, &out, 1, &err), SEQC_OK)
      << err.message;
  const float *y = static_cast<const float *>(out.data);
  for (int t = 0; t < 2; ++t)
    for (int b = 0; b < 3; ++b)
      for (int f = 0; f < 4; ++f)
        EXPECT_EQ(y[(t * 3 + b) * 4 + f], storage[b * 8 + t * 4 + f] + 1);
  seqc_rt_tensor_free(&out);
}

TEST(Model, RunTwoOutputsAndRankZero) {
  Model model(&kTwoOut);
  ASSERT_EQ(model.status, SEQC_OK) << model.err.message;
  std::vector<float> x = Iota(4 * 2 * 4);
  std::vector<float> h = Iota(2 * 4, 100);
  seqc_tensor in[2] = {Dense(x.data(), SEQC_DTYPE_F32, {4, 2, 4}),
                       Dense(h.data(), SEQC_DTYPE_F32, {2, 4})};
  // Output 0 into a caller buffer, output 1 (rank 0) allocated.
  std::vector<float> y(x.size());
  seqc_tensor out[2] = {Dense(y.data(), SEQC_DTYPE_F32, {4, 2, 4}), Empty()};
  seqc_error err{};
  ASSERT_EQ(seqc_rt_model_run(model.m, in, 2, out, 2, &err), SEQC_OK)
      << err.message;
  double sum = 0;
  for (size_t i = 0; i < x.size(); ++i) {
    EXPECT_EQ(y[i], x[i] + h[i % 8]);
    sum += x[i];
  }
  EXPECT_EQ(out[1].rank, 0);
  EXPECT_EQ(out[1].dtype, SEQC_DTYPE_F64);
  ASSERT_NE(out[1].data, nullptr);
  EXPECT_EQ(*static_cast<double *>(out[1].data), sum);
  seqc_rt_tensor_free(&out[1]);

  // Rank 0 into a caller buffer too.
  double s = 0;
  out[1] = Dense(&s, SEQC_DTYPE_F64, {});
  ASSERT_EQ(seqc_rt_model_run(model.m, in, 2, out, 2, &err), SEQC_OK)
      << err.message;
  EXPECT_EQ(s, sum);
}

TEST(Model, RunCopiesOddModelLayouts) {
  Model model(&kOddLayout);
  ASSERT_EQ(model.status, SEQC_OK) << model.err.message;
  std::vector<int32_t> x = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12};
  seqc_tensor in = Dense(x.data(), SEQC_DTYPE_I32, {4, 3});
  seqc_tensor out = Empty();
  seqc_error err{};
  ASSERT_EQ(seqc_rt_model_run(model.m, &in, 1, &out, 1, &err), SEQC_OK)
      << err.message;
  ASSERT_TRUE(seqc_rt_tensor_is_contiguous(&out));
  EXPECT_EQ(reinterpret_cast<uintptr_t>(out.data) % 64, 0u);
  for (size_t i = 0; i < x.size(); ++i)
    EXPECT_EQ(static_cast<int32_t *>(out.data)[i], 2 * x[i]);
  seqc_rt_tensor_free(&out);

  std::vector<int32_t> y(12);
  out = Dense(y.data(), SEQC_DTYPE_I32, {4, 3});
  ASSERT_EQ(seqc_rt_model_run(model.m, &in, 1, &out, 1, &err), SEQC_OK)
      << err.message;
  for (size_t i = 0; i < x.size(); ++i)
    EXPECT_EQ(y[i], 2 * x[i]);
}

TEST(Model, RunEmptyTensors) {
  Model model(&kAddOne);
  ASSERT_EQ(model.status, SEQC_OK) << model.err.message;
  seqc_tensor in = Dense(nullptr, SEQC_DTYPE_F32, {0, 2, 4});
  seqc_tensor out = Empty();
  seqc_error err{};
  ASSERT_EQ(seqc_rt_model_run(model.m, &in, 1, &out, 1, &err), SEQC_OK)
      << err.message;
  EXPECT_EQ(out.shape[0], 0);
  EXPECT_EQ(seqc_rt_tensor_numel(&out), 0);
  seqc_rt_tensor_free(&out);
}

// Runs `api` on `inputs` and expects `status` with exactly `message`.
void ExpectRunError(const seqc_model_api *api, std::vector<seqc_tensor> inputs,
                    std::vector<seqc_tensor> outputs, seqc_status status,
                    const std::string &message) {
  Model model(api);
  ASSERT_EQ(model.status, SEQC_OK) << model.err.message;
  seqc_error err{};
  EXPECT_EQ(seqc_rt_model_run(model.m, inputs.data(), inputs.size(),
                              outputs.data(), outputs.size(), &err),
            status)
      << err.message;
  EXPECT_EQ(err.code, status);
  EXPECT_EQ(std::string(err.message), message);
}

TEST(Model, RunValidatesInputs) {
  std::vector<float> x(64), h(64);
  auto X = [&](std::vector<int64_t> s) {
    return Dense(x.data(), SEQC_DTYPE_F32, s);
  };
  auto H = [&](std::vector<int64_t> s) {
    return Dense(h.data(), SEQC_DTYPE_F32, s);
  };
  ExpectRunError(&kAddOne, {X({2, 2, 4}), X({2, 2, 4})}, {Empty()},
                 SEQC_ERR_INVALID_ARGUMENT,
                 "model 'add_one' takes 1 input(s) and 1 output(s), but 2 and "
                 "1 were passed");
  ExpectRunError(&kAddOne, {X({2, 2, 4})}, {}, SEQC_ERR_INVALID_ARGUMENT,
                 "model 'add_one' takes 1 input(s) and 1 output(s), but 1 and "
                 "0 were passed");
  seqc_tensor wrong_dtype = Dense(x.data(), SEQC_DTYPE_F64, {2, 2, 4});
  ExpectRunError(&kAddOne, {wrong_dtype}, {Empty()}, SEQC_ERR_DTYPE,
                 "input 'x' has dtype f64, but the model expects f32");
  ExpectRunError(&kAddOne, {X({2, 8})}, {Empty()}, SEQC_ERR_SHAPE,
                 "input 'x' has rank 2, but the model expects rank 3");
  ExpectRunError(&kAddOne, {X({2, 2, 5})}, {Empty()}, SEQC_ERR_SHAPE,
                 "input 'x' dimension 2 is 5, but the model expects 4");
  ExpectRunError(&kTwoOut, {X({2, 2, 4}), H({3, 4})}, {Empty(), Empty()},
                 SEQC_ERR_SHAPE,
                 "input 'h0' dimension 0 (B) is 3, but input 'x' set B = 2");
  seqc_tensor null_data = Dense(nullptr, SEQC_DTYPE_F32, {2, 2, 4});
  ExpectRunError(&kAddOne, {null_data}, {Empty()}, SEQC_ERR_INVALID_ARGUMENT,
                 "input 'x' has 16 element(s) but its data pointer is NULL");
  seqc_tensor reserved = X({2, 2, 4});
  reserved.reserved = 3;
  ExpectRunError(&kAddOne, {reserved}, {Empty()}, SEQC_ERR_INVALID_ARGUMENT,
                 "input 'x': reserved field is 3, must be 0");
  seqc_tensor negative = X({2, 2, 4});
  negative.shape[0] = -2;
  ExpectRunError(&kAddOne, {negative}, {Empty()}, SEQC_ERR_SHAPE,
                 "input 'x' has an invalid shape [-2,2,4] (negative or "
                 "overflowing)");
  seqc_tensor huge = X({2, 2, 4});
  huge.shape[0] = INT64_MAX / 8;
  ExpectRunError(&kAddOne, {huge}, {Empty()}, SEQC_ERR_SHAPE,
                 "input 'x' has an invalid shape [1152921504606846975,2,4] "
                 "(negative or overflowing)");

  // Strides whose offsets overflow address no real buffer: refused before
  // anything reads through them (an input used to crash in the copy that
  // packs it).
  seqc_tensor far = X({2, 2, 4});
  far.strides[0] = int64_t{1} << 61;
  ExpectRunError(&kAddOne, {far}, {Empty()}, SEQC_ERR_INVALID_ARGUMENT,
                 "input 'x' has strides [2305843009213693952,4,1], under "
                 "which its elements would lie outside any addressable "
                 "buffer (their offsets overflow)");
  // In elements the span fits int64, in bytes it does not.
  seqc_tensor bytes_far = X({2, 2, 4});
  bytes_far.strides[0] = INT64_MAX / 2;
  ExpectRunError(&kAddOne, {bytes_far}, {Empty()}, SEQC_ERR_INVALID_ARGUMENT,
                 "input 'x' has strides [4611686018427387903,4,1], under "
                 "which its elements would lie outside any addressable "
                 "buffer (their offsets overflow)");
  seqc_tensor below = X({2, 2, 4});
  below.strides[0] = -(int64_t{1} << 60);
  ExpectRunError(&kAddOne, {below}, {Empty()}, SEQC_ERR_INVALID_ARGUMENT,
                 "input 'x' has strides [-1152921504606846976,4,1], under "
                 "which its elements would lie outside any addressable "
                 "buffer (their offsets overflow)");

  Model model(&kAddOne);
  seqc_error err{};
  seqc_tensor in = X({2, 2, 4}), out = Empty();
  EXPECT_EQ(seqc_rt_model_run(nullptr, &in, 1, &out, 1, &err),
            SEQC_ERR_INVALID_ARGUMENT);
  EXPECT_EQ(seqc_rt_model_run(model.m, nullptr, 1, &out, 1, &err),
            SEQC_ERR_INVALID_ARGUMENT);
  EXPECT_EQ(seqc_rt_model_run(model.m, &in, 1, nullptr, 1, &err),
            SEQC_ERR_INVALID_ARGUMENT);
  EXPECT_EQ(out.data, nullptr);
}

// Two caller buffers in one stretch of memory (y and s given the same
// buffer): refused, naming both; before, the later output silently
// overwrote the earlier one. Adjacent buffers are fine.
TEST(Model, RunRefusesOutputBuffersThatShareMemory) {
  std::vector<float> x(16, 1.0f), h(8, 0.5f);
  std::vector<double> shared(16);
  seqc_tensor in[2] = {Dense(x.data(), SEQC_DTYPE_F32, {2, 2, 4}),
                       Dense(h.data(), SEQC_DTYPE_F32, {2, 4})};
  ExpectRunError(&kTwoOut, {in[0], in[1]},
                 {Dense(shared.data(), SEQC_DTYPE_F32, {2, 2, 4}),
                  Dense(shared.data() + 3, SEQC_DTYPE_F64, {})},
                 SEQC_ERR_INVALID_ARGUMENT,
                 "output buffers 'y' and 's' share memory (each output needs "
                 "its own)");
  // y spans 64 bytes (8 doubles); s right after it.
  Model model(&kTwoOut);
  seqc_tensor out[2] = {Dense(shared.data(), SEQC_DTYPE_F32, {2, 2, 4}),
                        Dense(shared.data() + 8, SEQC_DTYPE_F64, {})};
  seqc_error err{};
  EXPECT_EQ(seqc_rt_model_run(model.m, in, 2, out, 2, &err), SEQC_OK)
      << err.message;
  EXPECT_EQ(shared[8], 16.0);
  EXPECT_EQ(reinterpret_cast<float *>(shared.data())[0], 1.5f);
}

TEST(Model, RunValidatesCallerOutputBuffers) {
  std::vector<float> x(64), y(64);
  seqc_tensor in = Dense(x.data(), SEQC_DTYPE_F32, {2, 2, 4});
  // Checked before the model runs where the inputs determine the shape.
  ExpectRunError(&kAddOne, {in}, {Dense(y.data(), SEQC_DTYPE_F32, {3, 2, 4})},
                 SEQC_ERR_SHAPE,
                 "output 'y' buffer has shape [3,2,4], but the model produces "
                 "[2,2,4] for these inputs");
  ExpectRunError(&kAddOne, {in}, {Dense(y.data(), SEQC_DTYPE_I32, {2, 2, 4})},
                 SEQC_ERR_DTYPE,
                 "output 'y' buffer has dtype i32, but the model produces f32");
  ExpectRunError(&kAddOne, {in}, {Dense(y.data(), SEQC_DTYPE_F32, {16})},
                 SEQC_ERR_SHAPE,
                 "output 'y' buffer has rank 1, but the model produces rank 3");
  seqc_tensor reserved = Dense(y.data(), SEQC_DTYPE_F32, {2, 2, 4});
  reserved.reserved = 1;
  ExpectRunError(&kAddOne, {in}, {reserved}, SEQC_ERR_INVALID_ARGUMENT,
                 "output 'y': reserved field is 1, must be 0");

  // An output view under which elements share memory would lose results:
  // zero strides (every element on y[0]) and overlapping rows.
  seqc_tensor zero = Dense(y.data(), SEQC_DTYPE_F32, {2, 2, 4});
  zero.strides[0] = zero.strides[1] = zero.strides[2] = 0;
  ExpectRunError(&kAddOne, {in}, {zero}, SEQC_ERR_INVALID_ARGUMENT,
                 "output 'y' buffer has strides [0,0,0], under which elements "
                 "may share memory (an output needs one slot per element)");
  seqc_tensor rows = Dense(y.data(), SEQC_DTYPE_F32, {2, 2, 4});
  rows.strides[0] = 4;
  ExpectRunError(&kAddOne, {in}, {rows}, SEQC_ERR_INVALID_ARGUMENT,
                 "output 'y' buffer has strides [4,4,1], under which elements "
                 "may share memory (an output needs one slot per element)");
  for (int64_t stride : {int64_t{1} << 61, INT64_MAX / 3}) {
    // Disjoint, but past any address (the second only in bytes).
    seqc_tensor far = Dense(y.data(), SEQC_DTYPE_F32, {2, 2, 4});
    far.strides[0] = stride;
    std::string strides = "[" + std::to_string(stride) + ",4,1]";
    ExpectRunError(&kAddOne, {in}, {far}, SEQC_ERR_INVALID_ARGUMENT,
                   "output 'y' has strides " + strides +
                       ", under which its elements would lie outside any "
                       "addressable buffer (their offsets overflow)");
  }
  {
    // A permuted but disjoint view is fine.
    Model model(&kAddOne);
    seqc_tensor permuted = Dense(y.data(), SEQC_DTYPE_F32, {2, 2, 4});
    permuted.strides[0] = 1;
    permuted.strides[1] = 8;
    permuted.strides[2] = 2;
    seqc_error err{};
    EXPECT_EQ(seqc_rt_model_run(model.m, &in, 1, &permuted, 1, &err), SEQC_OK)
        << err.message;
  }

  // A '?' extent is only known afterwards; the model's buffer is released
  // (the sanitizer build checks for the leak).
  std::vector<uint8_t> bytes(8);
  seqc_tensor u8 = Dense(bytes.data(), SEQC_DTYPE_U8, {5});
  ExpectRunError(&kGrow, {u8}, {Dense(bytes.data(), SEQC_DTYPE_U8, {5})},
                 SEQC_ERR_SHAPE,
                 "output 'y' buffer has shape [5], but the model produced [6]");

  // And with a correct buffer it works.
  Model model(&kGrow);
  std::vector<uint8_t> out_bytes(6, 99);
  seqc_tensor out = Dense(out_bytes.data(), SEQC_DTYPE_U8, {6});
  seqc_error err{};
  ASSERT_EQ(seqc_rt_model_run(model.m, &u8, 1, &out, 1, &err), SEQC_OK)
      << err.message;
  for (int i = 0; i < 6; ++i)
    EXPECT_EQ(out_bytes[i], i);
}

TEST(Model, RunReportsModelsThatBreakTheirSignature) {
  std::vector<uint8_t> bytes(4);
  seqc_tensor in = Dense(bytes.data(), SEQC_DTYPE_U8, {4});
  ExpectRunError(&kLiar, {in}, {Empty()}, SEQC_ERR_INTERNAL,
                 "model 'liar' broke its signature: it produced output 'y' "
                 "with shape [5] (output 'y' dimension 0 (N) is 5, but input "
                 "'x' set N = 4); a model whose export named this output's "
                 "axis after an input's while their lengths differ does "
                 "this: name it apart");
}

TEST(Model, RunFromManyThreads) {
  Model model(&kTwoOut);
  ASSERT_EQ(model.status, SEQC_OK) << model.err.message;
  std::vector<std::thread> threads;
  std::vector<int> failures(4, 0);
  for (int id = 0; id < 4; ++id) {
    threads.emplace_back([&, id] {
      for (int iter = 0; iter < 200; ++iter) {
        const int64_t t = 1 + (iter + id) % 7, b = 1 + id;
        std::vector<float> x = Iota(t * b * 4, float(id));
        std::vector<float> h = Iota(b * 4, float(iter));
        seqc_tensor in[2] = {Dense(x.data(), SEQC_DTYPE_F32, {t, b, 4}),
                             Dense(h.data(), SEQC_DTYPE_F32, {b, 4})};
        seqc_tensor out[2] = {Empty(), Empty()};
        seqc_error err{};
        if (seqc_rt_model_run(model.m, in, 2, out, 2, &err) != SEQC_OK) {
          ++failures[id];
          continue;
        }
        const float *y = static_cast<const float *>(out[0].data);
        for (size_t i = 0; i < x.size(); ++i)
          if (y[i] != x[i] + h[i % (b * 4)])
            ++failures[id];
        if (out[0].shape[0] != t || out[0].shape[1] != b)
          ++failures[id];
        seqc_rt_tensor_free(&out[0]);
        seqc_rt_tensor_free(&out[1]);
      }
    });
  }
  for (std::thread &t : threads)
    t.join();
  for (int id = 0; id < 4; ++id)
    EXPECT_EQ(failures[id], 0) << "thread " << id;
}

TEST(Model, AllocIsAligned) {
  for (size_t size : {size_t(0), size_t(1), size_t(63), size_t(65)}) {
    void *p = seqc_rt_alloc(size);
    ASSERT_NE(p, nullptr);
    EXPECT_EQ(reinterpret_cast<uintptr_t>(p) % 64, 0u);
    seqc_rt_free(p);
  }
  EXPECT_EQ(seqc_rt_alloc(SIZE_MAX), nullptr);
}

} // namespace
