//===- elementwise.cc - Activation and exp kernels ------------------------===//
//
// One multi-target translation unit: foreach_target.h re-includes this file
// once per Highway target, and HWY_DYNAMIC_DISPATCH picks the best at run
// time.
//
//===----------------------------------------------------------------------===//

#undef HWY_TARGET_INCLUDE
#define HWY_TARGET_INCLUDE "src/ukernels/elementwise.cc"
#include "hwy/foreach_target.h" // IWYU pragma: keep

#include "hwy/contrib/math/math-inl.h"
#include "hwy/highway.h"
#include "src/ukernels/activations-inl.h"

HWY_BEFORE_NAMESPACE();
namespace seqc {
namespace uk {
namespace HWY_NAMESPACE {
namespace hn = hwy::HWY_NAMESPACE;

struct SigmoidOp {
  template <class D, class V> HWY_INLINE V operator()(D d, V x) const {
    return Sigmoid(d, x);
  }
};
struct TanhOp {
  template <class D, class V> HWY_INLINE V operator()(D d, V x) const {
    return hn::Tanh(d, x);
  }
};
struct ExpOp {
  // Highway's Exp is only specified up to +88.7; beyond that the true result
  // overflows float, so saturate to +inf explicitly.
  template <class D, class V> HWY_INLINE V operator()(D d, V x) const {
    const V kOverflow = hn::Set(d, 88.72283f);
    const V result = hn::Exp(d, hn::Min(x, kOverflow));
    return hn::IfThenElse(hn::Gt(x, kOverflow), hn::Inf(d), result);
  }
};
struct GeluOp {
  template <class D, class V> HWY_INLINE V operator()(D d, V x) const {
    return Gelu(d, x);
  }
};
struct SiluOp {
  template <class D, class V> HWY_INLINE V operator()(D d, V x) const {
    return Silu(d, x);
  }
};
struct ErfOp {
  template <class D, class V> HWY_INLINE V operator()(D d, V x) const {
    return Erf(d, x);
  }
};

// y may alias x exactly, so no HWY_RESTRICT on these entry points.
void SigmoidF32(int64_t n, const float *x, float *y) {
  MapUnary(n, x, y, SigmoidOp());
}
void TanhF32(int64_t n, const float *x, float *y) {
  MapUnary(n, x, y, TanhOp());
}
void ExpF32(int64_t n, const float *x, float *y) { MapUnary(n, x, y, ExpOp()); }
void GeluF32(int64_t n, const float *x, float *y) {
  MapUnary(n, x, y, GeluOp());
}
void SiluF32(int64_t n, const float *x, float *y) {
  MapUnary(n, x, y, SiluOp());
}
void ErfF32(int64_t n, const float *x, float *y) { MapUnary(n, x, y, ErfOp()); }

const char *TargetName() { return hwy::TargetName(HWY_TARGET); }

} // namespace HWY_NAMESPACE
} // namespace uk
} // namespace seqc
HWY_AFTER_NAMESPACE();

#if HWY_ONCE
#include "seqc/ukernels.h"

namespace seqc {
namespace uk {
HWY_EXPORT(SigmoidF32);
HWY_EXPORT(TanhF32);
HWY_EXPORT(ExpF32);
HWY_EXPORT(GeluF32);
HWY_EXPORT(SiluF32);
HWY_EXPORT(ErfF32);
HWY_EXPORT(TargetName);
} // namespace uk
} // namespace seqc

using namespace seqc::uk;

extern "C" {
void seqc_uk_sigmoid_f32(int64_t n, const float *x, float *y) {
  HWY_DYNAMIC_DISPATCH(SigmoidF32)(n, x, y);
}
void seqc_uk_tanh_f32(int64_t n, const float *x, float *y) {
  HWY_DYNAMIC_DISPATCH(TanhF32)(n, x, y);
}
void seqc_uk_exp_f32(int64_t n, const float *x, float *y) {
  HWY_DYNAMIC_DISPATCH(ExpF32)(n, x, y);
}
void seqc_uk_gelu_f32(int64_t n, const float *x, float *y) {
  HWY_DYNAMIC_DISPATCH(GeluF32)(n, x, y);
}
void seqc_uk_silu_f32(int64_t n, const float *x, float *y) {
  HWY_DYNAMIC_DISPATCH(SiluF32)(n, x, y);
}
void seqc_uk_erf_f32(int64_t n, const float *x, float *y) {
  HWY_DYNAMIC_DISPATCH(ErfF32)(n, x, y);
}
const char *seqc_uk_target_name(void) {
  return HWY_DYNAMIC_DISPATCH(TargetName)();
}
} // extern "C"
#endif // HWY_ONCE
