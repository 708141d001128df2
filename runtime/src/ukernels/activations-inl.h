//===- activations-inl.h - Per-target activation math ---------------------===//
//
// Shared by the elementwise and recurrent-cell kernel families. Re-included
// once per Highway target (note the toggle guard), so everything here is
// compiled for each instruction set.
//
//===----------------------------------------------------------------------===//

#if defined(SEQC_RUNTIME_UKERNELS_ACTIVATIONS_INL_H_) ==                       \
    defined(HWY_TARGET_TOGGLE)
#ifdef SEQC_RUNTIME_UKERNELS_ACTIVATIONS_INL_H_
#undef SEQC_RUNTIME_UKERNELS_ACTIVATIONS_INL_H_
#else
#define SEQC_RUNTIME_UKERNELS_ACTIVATIONS_INL_H_
#endif

#include <stdint.h>
#include <string.h>

#include "hwy/contrib/math/math-inl.h"
#include "hwy/highway.h"

HWY_BEFORE_NAMESPACE();
namespace seqc {
namespace uk {
namespace HWY_NAMESPACE {
namespace hn = hwy::HWY_NAMESPACE;

// sigmoid(x) from e = exp(-|x|), which lies in (0, 1] and never overflows;
// for x < 0 the result is e / (1 + e), which keeps full relative precision
// where 1 - sigmoid(|x|) would cancel.
template <class D, class V> HWY_INLINE V Sigmoid(D d, V x) {
  const V one = hn::Set(d, 1.0f);
  const V e = hn::Exp(d, hn::Neg(hn::Abs(x)));
  const V positive = hn::Div(one, hn::Add(one, e));
  return hn::IfThenElse(hn::Lt(x, hn::Zero(d)), hn::Mul(e, positive), positive);
}

template <class D, class V> HWY_INLINE V Silu(D d, V x) {
  return hn::Mul(x, Sigmoid(d, x));
}

// erfc(z) for z >= 0 given z*z as an unevaluated sum zz + zz_error: the
// Chebyshev fit of Numerical Recipes (erfcc), whose *relative* error is below
// 1.2e-7 everywhere. Relative accuracy in the tail is what GELU needs for
// negative inputs. Callers pass z*z exactly because exp(-z*z) amplifies any
// rounding of z*z by z*z itself (up to 100x).
template <class D, class V>
HWY_INLINE V ErfcNonNegative(D d, V z, V zz, V zz_error) {
  const V one = hn::Set(d, 1.0f);
  const V t = hn::Div(one, hn::MulAdd(hn::Set(d, 0.5f), z, one));
  V poly = hn::Set(d, 0.17087277f);
  poly = hn::MulAdd(poly, t, hn::Set(d, -0.82215223f));
  poly = hn::MulAdd(poly, t, hn::Set(d, 1.48851587f));
  poly = hn::MulAdd(poly, t, hn::Set(d, -1.13520398f));
  poly = hn::MulAdd(poly, t, hn::Set(d, 0.27886807f));
  poly = hn::MulAdd(poly, t, hn::Set(d, -0.18628806f));
  poly = hn::MulAdd(poly, t, hn::Set(d, 0.09678418f));
  poly = hn::MulAdd(poly, t, hn::Set(d, 0.37409196f));
  poly = hn::MulAdd(poly, t, hn::Set(d, 1.00002368f));
  poly = hn::MulAdd(poly, t, hn::Set(d, -1.26551223f));
  // exp(poly - z*z) as exp(-zz) * exp(poly): summing first would round the
  // exponent at magnitude z*z.
  const V result =
      hn::Mul(hn::Mul(t, hn::Exp(d, hn::Neg(zz))), hn::Exp(d, poly));
  // exp(-(zz + err)) ~= exp(-zz) * (1 - err) since |err| < 1e-5.
  return hn::NegMulAdd(result, zz_error, result);
}

// Rounding error of x*x (x*x - Mul(x, x), exact): one FMA where the target
// has one, otherwise Dekker's split of x into 12-bit halves.
template <class D, class V> HWY_INLINE V SquareError(D d, V x, V xx) {
#if HWY_NATIVE_FMA
  (void)d;
  return hn::MulSub(x, x, xx);
#else
  const V c = hn::Mul(x, hn::Set(d, 4097.0f)); // 2^12 + 1
  const V hi = hn::Sub(c, hn::Sub(c, x));
  const V lo = hn::Sub(x, hi);
  const V e =
      hn::Add(hn::Sub(hn::Mul(hi, hi), xx), hn::Mul(hn::Add(hi, hi), lo));
  return hn::Add(e, hn::Mul(lo, lo));
#endif
}

// Beyond this erfc underflows float anyway; clamping keeps inf and NaN out of
// the z*z arithmetic.
constexpr float kErfcClamp = 10.0f;

// erf(x) = sign(x) * (1 - erfc(|x|)); absolute error below 1e-6.
template <class D, class V> HWY_INLINE V Erf(D d, V x) {
  const V z = hn::Min(hn::Abs(x), hn::Set(d, kErfcClamp));
  const V zz = hn::Mul(z, z);
  const V zz_error = SquareError(d, z, zz);
  const V magnitude =
      hn::Sub(hn::Set(d, 1.0f), ErfcNonNegative(d, z, zz, zz_error));
  return hn::CopySign(magnitude, x);
}

// Exact GELU: x * Phi(x) with Phi(x) = erfc(-x/sqrt2)/2, taking erfc on the
// side where it is small so Phi keeps relative accuracy for negative x. The
// square (x/sqrt2)^2 is formed as x*x/2 so no rounding of 1/sqrt2 enters it.
template <class D, class V> HWY_INLINE V Gelu(D d, V x) {
  const V half = hn::Set(d, 0.5f);
  const V limit = hn::Set(d, kErfcClamp * 1.41421356f);
  const V ax = hn::Min(hn::Abs(x), limit);
  const V z = hn::Mul(ax, hn::Set(d, 0.70710678118654752f));
  const V xx = hn::Mul(ax, ax);
  const V zz = hn::Mul(xx, half);
  const V zz_error = hn::Mul(SquareError(d, ax, xx), half);
  // Past the clamp the true tail is below 1e-45; a clamped (tiny but
  // non-zero) value times a huge x would not be.
  const V half_erfc =
      hn::IfThenZeroElse(hn::Gt(hn::Abs(x), limit),
                         hn::Mul(half, ErfcNonNegative(d, z, zz, zz_error)));
  const V phi = hn::IfThenElse(hn::Lt(x, hn::Zero(d)), half_erfc,
                               hn::Sub(hn::Set(d, 1.0f), half_erfc));
  return hn::Mul(x, phi);
}

// Lanes of the widest vector on any target; sizes stack buffers for tails.
constexpr size_t kMaxFloatLanes = HWY_MAX_BYTES / sizeof(float);

// y[i] = op(d, x[i]) for i < n. The tail goes through a zero-padded stack
// buffer so it runs the same vector code (same rounding) as the body and
// never reads past the end of x.
template <class Op>
HWY_INLINE void MapUnary(int64_t n, const float *HWY_RESTRICT x,
                         float *HWY_RESTRICT y, Op op) {
  const hn::ScalableTag<float> d;
  const int64_t lanes = static_cast<int64_t>(hn::Lanes(d));
  int64_t i = 0;
  for (; i + lanes <= n; i += lanes)
    hn::StoreU(op(d, hn::LoadU(d, x + i)), d, y + i);
  if (i < n) {
    HWY_ALIGN float buffer[kMaxFloatLanes] = {0};
    const size_t rest = static_cast<size_t>(n - i);
    memcpy(buffer, x + i, rest * sizeof(float));
    hn::Store(op(d, hn::Load(d, buffer)), d, buffer);
    memcpy(y + i, buffer, rest * sizeof(float));
  }
}

} // namespace HWY_NAMESPACE
} // namespace uk
} // namespace seqc
HWY_AFTER_NAMESPACE();

#endif // SEQC_RUNTIME_UKERNELS_ACTIVATIONS_INL_H_ toggle
