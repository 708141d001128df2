//===- reduce-inl.h - Per-target horizontal reductions --------------------===//
//
// A vector's lanes reduced to one float: the sum through Highway 1.0.3's
// SumOfLanes (a broadcast vector), the maximum lane by lane (see below).
// Used by matmul tiles and the reduce kernels.
//
//===----------------------------------------------------------------------===//

#if defined(SEQC_RUNTIME_UKERNELS_REDUCE_INL_H_) == defined(HWY_TARGET_TOGGLE)
#ifdef SEQC_RUNTIME_UKERNELS_REDUCE_INL_H_
#undef SEQC_RUNTIME_UKERNELS_REDUCE_INL_H_
#else
#define SEQC_RUNTIME_UKERNELS_REDUCE_INL_H_
#endif

#include "hwy/highway.h"

HWY_BEFORE_NAMESPACE();
namespace seqc {
namespace uk {
namespace HWY_NAMESPACE {
namespace hn = hwy::HWY_NAMESPACE;

template <class D, class V> HWY_INLINE float ReduceSum(D d, V v) {
  return hn::GetLane(hn::SumOfLanes(d, v));
}

// Lane by lane, not MaxOfLanes: Highway 1.0.3's emulated targets (EMU128,
// SCALAR) start that maximum at the lowest finite value, so lanes that are
// all -inf (an empty reduction's start) came out as -FLT_MAX.
template <class D, class V> HWY_INLINE float ReduceMax(D d, V v) {
  HWY_ALIGN float lanes[hn::MaxLanes(d)];
  hn::Store(v, d, lanes);
  float m = lanes[0];
  for (size_t i = 1; i < hn::Lanes(d); ++i)
    m = lanes[i] > m ? lanes[i] : m;
  return m;
}

} // namespace HWY_NAMESPACE
} // namespace uk
} // namespace seqc
HWY_AFTER_NAMESPACE();

#endif // SEQC_RUNTIME_UKERNELS_REDUCE_INL_H_ toggle
