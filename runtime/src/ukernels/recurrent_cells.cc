//===- recurrent_cells.cc - Fused LSTM / GRU step epilogues ---------------===//
//
// What the per-step loop calls after the recurrent matrix product: all gate
// nonlinearities and the state update in one pass over h, so the gate
// pre-activations are read once and the state written once.
//
//===----------------------------------------------------------------------===//

#undef HWY_TARGET_INCLUDE
#define HWY_TARGET_INCLUDE "src/ukernels/recurrent_cells.cc"
#include "hwy/foreach_target.h" // IWYU pragma: keep

#include <string.h>

#include "hwy/contrib/math/math-inl.h"
#include "hwy/highway.h"
#include "src/ukernels/activations-inl.h"

HWY_BEFORE_NAMESPACE();
namespace seqc {
namespace uk {
namespace HWY_NAMESPACE {
namespace hn = hwy::HWY_NAMESPACE;

// ONNX LSTM gate order i, o, f, c.
template <class D, class V>
HWY_INLINE void LstmStep(D d, V i, V o, V f, V g, V &c, V &h) {
  const V input = hn::Mul(Sigmoid(d, i), hn::Tanh(d, g));
  c = hn::MulAdd(Sigmoid(d, f), c, input);
  h = hn::Mul(Sigmoid(d, o), hn::Tanh(d, c));
}

void LstmCellF32(int64_t h, const float *gates, float *c_state, float *h_out) {
  const hn::ScalableTag<float> d;
  using V = hn::Vec<decltype(d)>;
  const int64_t lanes = static_cast<int64_t>(hn::Lanes(d));
  const float *gi = gates, *go = gates + h, *gf = gates + 2 * h,
              *gc = gates + 3 * h;
  int64_t j = 0;
  for (; j + lanes <= h; j += lanes) {
    V c = hn::LoadU(d, c_state + j), out;
    LstmStep(d, hn::LoadU(d, gi + j), hn::LoadU(d, go + j),
             hn::LoadU(d, gf + j), hn::LoadU(d, gc + j), c, out);
    hn::StoreU(c, d, c_state + j);
    hn::StoreU(out, d, h_out + j);
  }
  if (j == h)
    return;
  // Tail through zero-padded stack buffers: same vector math, no overread.
  HWY_ALIGN float bi[kMaxFloatLanes] = {0}, bo[kMaxFloatLanes] = {0},
                  bf[kMaxFloatLanes] = {0}, bg[kMaxFloatLanes] = {0},
                  bc[kMaxFloatLanes] = {0};
  const size_t bytes = static_cast<size_t>(h - j) * sizeof(float);
  memcpy(bi, gi + j, bytes);
  memcpy(bo, go + j, bytes);
  memcpy(bf, gf + j, bytes);
  memcpy(bg, gc + j, bytes);
  memcpy(bc, c_state + j, bytes);
  V c = hn::Load(d, bc), out;
  LstmStep(d, hn::Load(d, bi), hn::Load(d, bo), hn::Load(d, bf),
           hn::Load(d, bg), c, out);
  hn::Store(c, d, bc);
  hn::Store(out, d, bi);
  memcpy(c_state + j, bc, bytes);
  memcpy(h_out + j, bi, bytes);
}

// linear_before_reset = 1: the reset gate scales the recurrent product hn
// (which already includes Rb), not h_prev.
template <class D, class V>
HWY_INLINE V GruStep(D d, V xz, V xr, V xn, V hz, V hr, V hn_, V h_prev) {
  const V z = Sigmoid(d, hn::Add(xz, hz));
  const V r = Sigmoid(d, hn::Add(xr, hr));
  const V n = hn::Tanh(d, hn::MulAdd(r, hn_, xn));
  // (1 - z) * n + z * h_prev == n + z * (h_prev - n)
  return hn::MulAdd(z, hn::Sub(h_prev, n), n);
}

void GruCellF32(int64_t h, const float *x_gates, const float *h_gates,
                float *h_state) {
  const hn::ScalableTag<float> d;
  using V = hn::Vec<decltype(d)>;
  const int64_t lanes = static_cast<int64_t>(hn::Lanes(d));
  const float *xz = x_gates, *xr = x_gates + h, *xn = x_gates + 2 * h;
  const float *hz = h_gates, *hr = h_gates + h, *hn_ = h_gates + 2 * h;
  int64_t j = 0;
  for (; j + lanes <= h; j += lanes) {
    const V next = GruStep(d, hn::LoadU(d, xz + j), hn::LoadU(d, xr + j),
                           hn::LoadU(d, xn + j), hn::LoadU(d, hz + j),
                           hn::LoadU(d, hr + j), hn::LoadU(d, hn_ + j),
                           hn::LoadU(d, h_state + j));
    hn::StoreU(next, d, h_state + j);
  }
  if (j == h)
    return;
  HWY_ALIGN float b0[kMaxFloatLanes] = {0}, b1[kMaxFloatLanes] = {0},
                  b2[kMaxFloatLanes] = {0}, b3[kMaxFloatLanes] = {0},
                  b4[kMaxFloatLanes] = {0}, b5[kMaxFloatLanes] = {0},
                  b6[kMaxFloatLanes] = {0};
  const size_t bytes = static_cast<size_t>(h - j) * sizeof(float);
  memcpy(b0, xz + j, bytes);
  memcpy(b1, xr + j, bytes);
  memcpy(b2, xn + j, bytes);
  memcpy(b3, hz + j, bytes);
  memcpy(b4, hr + j, bytes);
  memcpy(b5, hn_ + j, bytes);
  memcpy(b6, h_state + j, bytes);
  const V next = GruStep(d, hn::Load(d, b0), hn::Load(d, b1), hn::Load(d, b2),
                         hn::Load(d, b3), hn::Load(d, b4), hn::Load(d, b5),
                         hn::Load(d, b6));
  hn::Store(next, d, b6);
  memcpy(h_state + j, b6, bytes);
}

} // namespace HWY_NAMESPACE
} // namespace uk
} // namespace seqc
HWY_AFTER_NAMESPACE();

#if HWY_ONCE
#include "seqc/ukernels.h"

namespace seqc {
namespace uk {
HWY_EXPORT(LstmCellF32);
HWY_EXPORT(GruCellF32);
} // namespace uk
} // namespace seqc

using namespace seqc::uk;

extern "C" {
void seqc_uk_lstm_cell_f32(int64_t h, const float *gates, float *c_state,
                           float *h_out) {
  HWY_DYNAMIC_DISPATCH(LstmCellF32)(h, gates, c_state, h_out);
}
void seqc_uk_gru_cell_f32(int64_t h, const float *x_gates, const float *h_gates,
                          float *h_state) {
  HWY_DYNAMIC_DISPATCH(GruCellF32)(h, x_gates, h_gates, h_state);
}
} // extern "C"
#endif // HWY_ONCE
