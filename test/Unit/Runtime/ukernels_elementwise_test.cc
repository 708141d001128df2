//===- ukernels_elementwise_test.cc - Activations and recurrent cells -----===//

#include "ukernel_test_util.h"

#include <functional>
#include <limits>

namespace seqc::test {
namespace {

using Kernel = void (*)(int64_t, const float *, float *);

double RefSigmoid(double x) { return 1.0 / (1.0 + std::exp(-x)); }
double RefGelu(double x) { return 0.5 * x * std::erfc(-x / std::sqrt(2.0)); }
double RefSilu(double x) { return x * RefSigmoid(x); }

// Inputs that matter for each function: a dense sweep, tiny values, values
// where exp over/underflows, and signed zeros.
std::vector<float> Inputs() {
  std::vector<float> x;
  for (int i = -4000; i <= 4000; ++i)
    x.push_back(static_cast<float>(i) * 0.005f); // [-20, 20]
  for (float v :
       {0.0f, -0.0f, 1e-30f, -1e-30f, 1e-7f, -1e-7f, 30.f, -30.f, 50.f, -50.f,
        80.f, -80.f, 88.f, -88.f, 100.f, -100.f, 1e30f, -1e30f})
    x.push_back(v);
  return x;
}

// |got - ref| <= rtol*|ref| + atol, with both computed in double. Infinite
// references must match exactly.
void CheckUnary(const char *name, Kernel kernel, double (*ref)(double),
                double rtol, double atol, float lo = -1e38f, float hi = 1e38f) {
  std::vector<float> x;
  for (float v : Inputs())
    if (v >= lo && v <= hi)
      x.push_back(v);
  std::vector<float> y(x.size(), std::nanf(""));
  kernel(static_cast<int64_t>(x.size()), x.data(), y.data());
  for (size_t i = 0; i < x.size(); ++i) {
    const double r = ref(x[i]);
    const float rf = static_cast<float>(r);
    if (std::isinf(rf)) {
      ASSERT_EQ(y[i], rf) << name << "(" << x[i] << ")";
      continue;
    }
    ASSERT_NEAR(y[i], r, rtol * std::fabs(r) + atol)
        << name << "(" << x[i] << ")";
  }
  // Every odd size, out of place and in place, must equal the bulk result
  // (tails run the same vector code) and leave the element after n alone.
  for (int64_t n : OddSizes()) {
    std::vector<float> in(x.begin() + 3900, x.begin() + 3900 + n);
    std::vector<float> out(static_cast<size_t>(n) + 1, -7.0f);
    kernel(n, in.data(), out.data());
    for (int64_t i = 0; i < n; ++i)
      ASSERT_EQ(out[i], y[3900 + i]) << name << " n=" << n << " i=" << i;
    ASSERT_EQ(out[n], -7.0f) << name << " wrote past n=" << n;
    kernel(n, in.data(), in.data());
    for (int64_t i = 0; i < n; ++i)
      ASSERT_EQ(in[i], out[i]) << name << " in place, n=" << n;
  }
}

class ElementwiseTest : public PerTargetTest {};

TEST_P(ElementwiseTest, Sigmoid) {
  CheckUnary("sigmoid", seqc_uk_sigmoid_f32, RefSigmoid, 2e-6, 1e-37);
}
TEST_P(ElementwiseTest, SigmoidSaturatesWithoutNaN) {
  const float x[4] = {-1e30f, 1e30f, -std::numeric_limits<float>::infinity(),
                      std::numeric_limits<float>::infinity()};
  float y[4];
  seqc_uk_sigmoid_f32(4, x, y);
  EXPECT_EQ(y[0], 0.0f);
  EXPECT_EQ(y[1], 1.0f);
  EXPECT_EQ(y[2], 0.0f);
  EXPECT_EQ(y[3], 1.0f);
}
TEST_P(ElementwiseTest, Tanh) {
  CheckUnary(
      "tanh", seqc_uk_tanh_f32, [](double v) { return std::tanh(v); }, 2e-6,
      1e-37);
}
TEST_P(ElementwiseTest, Exp) {
  CheckUnary(
      "exp", seqc_uk_exp_f32, [](double v) { return std::exp(v); }, 2e-6,
      1e-37);
}
TEST_P(ElementwiseTest, Gelu) {
  // Below x ~ -10 the result is under 1e-23 and heads into float underflow,
  // where relative accuracy is meaningless.
  CheckUnary("gelu", seqc_uk_gelu_f32, RefGelu, 2e-6, 1e-30);
}
TEST_P(ElementwiseTest, Silu) {
  CheckUnary("silu", seqc_uk_silu_f32, RefSilu, 2e-6, 1e-37);
}
TEST_P(ElementwiseTest, ErfAbsoluteErrorBelow1e6) {
  CheckUnary(
      "erf", seqc_uk_erf_f32, [](double v) { return std::erf(v); }, 0, 1e-6);
}

// Gates in ONNX order i, o, f, c.
TEST_P(ElementwiseTest, LstmCell) {
  for (int64_t h : OddSizes()) {
    std::vector<float> gates = RandomVector(4 * h, 21 + h, -4, 4);
    std::vector<float> c = RandomVector(h, 22 + h, -2, 2);
    std::vector<float> h_out(h + 1, -7.0f);
    const std::vector<float> c_prev = c;
    seqc_uk_lstm_cell_f32(h, gates.data(), c.data(), h_out.data());
    for (int64_t j = 0; j < h; ++j) {
      const double i = RefSigmoid(gates[j]), o = RefSigmoid(gates[h + j]),
                   f = RefSigmoid(gates[2 * h + j]),
                   g = std::tanh(double(gates[3 * h + j]));
      const double c_ref = f * c_prev[j] + i * g;
      const double h_ref = o * std::tanh(c_ref);
      ASSERT_NEAR(c[j], c_ref, 2e-6 * (1 + std::fabs(c_ref))) << "h=" << h;
      ASSERT_NEAR(h_out[j], h_ref, 2e-6 * (1 + std::fabs(h_ref))) << "h=" << h;
    }
    ASSERT_EQ(h_out[h], -7.0f) << "wrote past h";
  }
}

// linear_before_reset = 1 (PyTorch) semantics, gates z, r, n.
TEST_P(ElementwiseTest, GruCell) {
  for (int64_t h : OddSizes()) {
    std::vector<float> xg = RandomVector(3 * h, 31 + h, -3, 3);
    std::vector<float> hg = RandomVector(3 * h, 32 + h, -3, 3);
    std::vector<float> state = RandomVector(h + 1, 33 + h, -1, 1);
    const std::vector<float> prev = state;
    seqc_uk_gru_cell_f32(h, xg.data(), hg.data(), state.data());
    for (int64_t j = 0; j < h; ++j) {
      const double z = RefSigmoid(double(xg[j]) + hg[j]);
      const double r = RefSigmoid(double(xg[h + j]) + hg[h + j]);
      const double n = std::tanh(double(xg[2 * h + j]) + r * hg[2 * h + j]);
      const double ref = (1 - z) * n + z * prev[j];
      ASSERT_NEAR(state[j], ref, 2e-6 * (1 + std::fabs(ref))) << "h=" << h;
    }
    ASSERT_EQ(state[h], prev[h]) << "wrote past h";
  }
}

SEQC_INSTANTIATE_PER_TARGET(ElementwiseTest);

} // namespace
} // namespace seqc::test
