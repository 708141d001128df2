//===- reduce.cc - Sum and max reductions ---------------------------------===//
//
// Four independent vector accumulators hide FMA/add latency; the scalar tail
// handles the last n % lanes elements without reading past the end.
//
//===----------------------------------------------------------------------===//

#undef HWY_TARGET_INCLUDE
#define HWY_TARGET_INCLUDE "src/ukernels/reduce.cc"
#include "hwy/foreach_target.h" // IWYU pragma: keep

#include <math.h>

#include "hwy/highway.h"
#include "src/ukernels/reduce-inl.h"

HWY_BEFORE_NAMESPACE();
namespace seqc {
namespace uk {
namespace HWY_NAMESPACE {
namespace hn = hwy::HWY_NAMESPACE;

float SumF32(int64_t n, const float *HWY_RESTRICT x) {
  const hn::ScalableTag<float> d;
  const int64_t lanes = static_cast<int64_t>(hn::Lanes(d));
  auto s0 = hn::Zero(d), s1 = s0, s2 = s0, s3 = s0;
  int64_t i = 0;
  for (; i + 4 * lanes <= n; i += 4 * lanes) {
    s0 = hn::Add(s0, hn::LoadU(d, x + i));
    s1 = hn::Add(s1, hn::LoadU(d, x + i + lanes));
    s2 = hn::Add(s2, hn::LoadU(d, x + i + 2 * lanes));
    s3 = hn::Add(s3, hn::LoadU(d, x + i + 3 * lanes));
  }
  for (; i + lanes <= n; i += lanes)
    s0 = hn::Add(s0, hn::LoadU(d, x + i));
  float sum = ReduceSum(d, hn::Add(hn::Add(s0, s1), hn::Add(s2, s3)));
  for (; i < n; ++i)
    sum += x[i];
  return sum;
}

float MaxF32(int64_t n, const float *HWY_RESTRICT x) {
  const hn::ScalableTag<float> d;
  const int64_t lanes = static_cast<int64_t>(hn::Lanes(d));
  auto m0 = hn::Set(d, -HUGE_VALF), m1 = m0, m2 = m0, m3 = m0;
  int64_t i = 0;
  for (; i + 4 * lanes <= n; i += 4 * lanes) {
    m0 = hn::Max(m0, hn::LoadU(d, x + i));
    m1 = hn::Max(m1, hn::LoadU(d, x + i + lanes));
    m2 = hn::Max(m2, hn::LoadU(d, x + i + 2 * lanes));
    m3 = hn::Max(m3, hn::LoadU(d, x + i + 3 * lanes));
  }
  for (; i + lanes <= n; i += lanes)
    m0 = hn::Max(m0, hn::LoadU(d, x + i));
  float result = ReduceMax(d, hn::Max(hn::Max(m0, m1), hn::Max(m2, m3)));
  for (; i < n; ++i)
    result = x[i] > result ? x[i] : result;
  return result;
}

} // namespace HWY_NAMESPACE
} // namespace uk
} // namespace seqc
HWY_AFTER_NAMESPACE();

#if HWY_ONCE
#include "seqc/ukernels.h"

namespace seqc {
namespace uk {
HWY_EXPORT(SumF32);
HWY_EXPORT(MaxF32);
} // namespace uk
} // namespace seqc

using namespace seqc::uk;

extern "C" {
float seqc_uk_reduce_sum_f32(int64_t n, const float *x) {
  return HWY_DYNAMIC_DISPATCH(SumF32)(n, x);
}
float seqc_uk_reduce_max_f32(int64_t n, const float *x) {
  return HWY_DYNAMIC_DISPATCH(MaxF32)(n, x);
}
} // extern "C"
#endif // HWY_ONCE
