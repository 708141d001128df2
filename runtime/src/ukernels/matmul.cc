//===- matmul.cc - GEMM and GEMV kernels ----------------------------------===//
//
// matmul (A * B^T, PyTorch weight layout): every output is a dot product of
// two contiguous rows, so tiles of MR rows of A by NR rows of B keep MR*NR
// lane-wise accumulators and reduce them horizontally once per tile. B is
// walked in panels small enough to stay in L2 while all of A streams past.
//
// matmul_nn (A * B): vectorized along n; each A element is broadcast and
// multiplied into a row segment of B.
//
// gemv is the MR = 1 case of matmul, with the x vector loaded once per step
// and shared by four weight rows.
//
//===----------------------------------------------------------------------===//

#undef HWY_TARGET_INCLUDE
#define HWY_TARGET_INCLUDE "src/ukernels/matmul.cc"
#include "hwy/foreach_target.h" // IWYU pragma: keep

#include "hwy/highway.h"
#include "src/ukernels/reduce-inl.h"

HWY_BEFORE_NAMESPACE();
namespace seqc {
namespace uk {
namespace HWY_NAMESPACE {
namespace hn = hwy::HWY_NAMESPACE;

// Accumulators are named variables, not arrays: arrays of vectors are not
// allowed for sizeless (SVE) vector types. With 32 vector registers (AVX-512,
// NEON) a 4x4 tile fits (16 accumulators + 8 operands); with 16 (AVX2, SSE4)
// use 4x2.
#if (HWY_ARCH_X86 && HWY_TARGET <= HWY_AVX3) || HWY_ARCH_ARM_A64
constexpr int kMaxNR = 4;
#else
constexpr int kMaxNR = 2;
#endif

#define SEQC_FOR_EACH_TILE(X)                                                  \
  X(0, 0)                                                                      \
  X(0, 1) X(0, 2) X(0, 3) X(1, 0) X(1, 1) X(1, 2) X(1, 3) X(2, 0) X(2, 1)      \
      X(2, 2) X(2, 3) X(3, 0) X(3, 1) X(3, 2) X(3, 3)

// C(MR x NR) (+)= A(MR x k) * B(NR x k)^T for one tile.
template <int MR, int NR>
HWY_INLINE void DotTile(int64_t k, const float *HWY_RESTRICT a, int64_t lda,
                        const float *HWY_RESTRICT b, int64_t ldb,
                        float *HWY_RESTRICT c, int64_t ldc, bool accumulate) {
  const hn::ScalableTag<float> d;
  using V = hn::Vec<decltype(d)>;
  const int64_t lanes = static_cast<int64_t>(hn::Lanes(d));
  // Unused row pointers alias row 0 so no out-of-range pointer is formed.
  const float *a_row[4] = {a, MR > 1 ? a + lda : a, MR > 2 ? a + 2 * lda : a,
                           MR > 3 ? a + 3 * lda : a};
  const float *b_row[4] = {b, NR > 1 ? b + ldb : b, NR > 2 ? b + 2 * ldb : b,
                           NR > 3 ? b + 3 * ldb : b};
#define SEQC_DECLARE(r, s) V acc##r##s = hn::Zero(d);
  SEQC_FOR_EACH_TILE(SEQC_DECLARE)
#undef SEQC_DECLARE
  int64_t p = 0;
  for (; p + lanes <= k; p += lanes) {
    V va0 = hn::LoadU(d, a_row[0] + p), va1 = va0, va2 = va0, va3 = va0;
    if constexpr (MR > 1)
      va1 = hn::LoadU(d, a_row[1] + p);
    if constexpr (MR > 2)
      va2 = hn::LoadU(d, a_row[2] + p);
    if constexpr (MR > 3)
      va3 = hn::LoadU(d, a_row[3] + p);
    V vb0 = hn::LoadU(d, b_row[0] + p), vb1 = vb0, vb2 = vb0, vb3 = vb0;
    if constexpr (NR > 1)
      vb1 = hn::LoadU(d, b_row[1] + p);
    if constexpr (NR > 2)
      vb2 = hn::LoadU(d, b_row[2] + p);
    if constexpr (NR > 3)
      vb3 = hn::LoadU(d, b_row[3] + p);
#define SEQC_FMA(r, s)                                                         \
  if constexpr (MR > r && NR > s)                                              \
    acc##r##s = hn::MulAdd(va##r, vb##s, acc##r##s);
    SEQC_FOR_EACH_TILE(SEQC_FMA)
#undef SEQC_FMA
  }
  float sums[4][4] = {{0}};
#define SEQC_REDUCE(r, s)                                                      \
  if constexpr (MR > r && NR > s)                                              \
    sums[r][s] = ReduceSum(d, acc##r##s);
  SEQC_FOR_EACH_TILE(SEQC_REDUCE)
#undef SEQC_REDUCE
  // Fewer than `lanes` columns remain; scalar is cheaper than masking here.
  for (; p < k; ++p)
    for (int r = 0; r < MR; ++r)
      for (int s = 0; s < NR; ++s)
        sums[r][s] += a_row[r][p] * b_row[s][p];
  for (int r = 0; r < MR; ++r)
    for (int s = 0; s < NR; ++s) {
      float *out = c + r * ldc + s;
      *out = accumulate ? *out + sums[r][s] : sums[r][s];
    }
}

#undef SEQC_FOR_EACH_TILE

// One band of MR rows of A against rows [j_begin, j_end) of B.
template <int MR, int NR>
HWY_INLINE void DotBand(int64_t j_begin, int64_t j_end, int64_t k,
                        const float *a, int64_t lda, const float *b,
                        int64_t ldb, float *c, int64_t ldc, bool accumulate) {
  int64_t j = j_begin;
  for (; j + NR <= j_end; j += NR)
    DotTile<MR, NR>(k, a, lda, b + j * ldb, ldb, c + j, ldc, accumulate);
  const int64_t rest = j_end - j;
  if (rest == 0)
    return;
  b += j * ldb;
  c += j;
  if constexpr (NR > 3) {
    if (rest == 3)
      return DotTile<MR, 3>(k, a, lda, b, ldb, c, ldc, accumulate);
  }
  if constexpr (NR > 2) {
    if (rest == 2)
      return DotTile<MR, 2>(k, a, lda, b, ldb, c, ldc, accumulate);
  }
  DotTile<MR, 1>(k, a, lda, b, ldb, c, ldc, accumulate);
}

void MatmulNT(int64_t m, int64_t n, int64_t k, const float *a, int64_t a_off,
              int64_t lda, const float *b, int64_t b_off, int64_t ldb, float *c,
              int64_t c_off, int64_t ldc, int32_t accumulate) {
  if (m <= 0 || n <= 0)
    return;
  a += a_off;
  b += b_off;
  c += c_off;
  const bool acc = accumulate != 0;
  if (k < 0)
    k = 0;
  // A panel of B rows sized to ~128 KiB stays in L2 across all of A.
  int64_t panel = (int64_t{32} * 1024) / (k > 0 ? k : 1);
  panel = panel < kMaxNR ? kMaxNR : panel - panel % kMaxNR;
  for (int64_t j0 = 0; j0 < n; j0 += panel) {
    const int64_t j1 = j0 + panel < n ? j0 + panel : n;
    int64_t i = 0;
    for (; i + 4 <= m; i += 4)
      DotBand<4, kMaxNR>(j0, j1, k, a + i * lda, lda, b, ldb, c + i * ldc, ldc,
                         acc);
    const float *ai = a + i * lda;
    float *ci = c + i * ldc;
    switch (m - i) {
    case 3:
      DotBand<3, kMaxNR>(j0, j1, k, ai, lda, b, ldb, ci, ldc, acc);
      break;
    case 2:
      DotBand<2, kMaxNR>(j0, j1, k, ai, lda, b, ldb, ci, ldc, acc);
      break;
    case 1:
      // One row of A shares each load across four rows of B on any target.
      DotBand<1, 4>(j0, j1, k, ai, lda, b, ldb, ci, ldc, acc);
      break;
    default:
      break;
    }
  }
}

void Gemv(int64_t n, int64_t k, const float *w, int64_t w_off, int64_t ldw,
          const float *x, int64_t x_off, float *y, int64_t y_off,
          int32_t accumulate) {
  if (n <= 0)
    return;
  DotBand<1, 4>(0, n, k < 0 ? 0 : k, x + x_off, 0, w + w_off, ldw, y + y_off, 0,
                accumulate != 0);
}

// C(MR rows) (+)= A(MR x k) * B(k x n): full vectors of columns, two at a
// time, then a scalar column tail.
template <int MR>
HWY_INLINE void NNBand(int64_t n, int64_t k, const float *HWY_RESTRICT a,
                       int64_t lda, const float *HWY_RESTRICT b, int64_t ldb,
                       float *HWY_RESTRICT c, int64_t ldc, bool accumulate) {
  const hn::ScalableTag<float> d;
  using V = hn::Vec<decltype(d)>;
  const int64_t lanes = static_cast<int64_t>(hn::Lanes(d));
  const float *a_row[4] = {a, MR > 1 ? a + lda : a, MR > 2 ? a + 2 * lda : a,
                           MR > 3 ? a + 3 * lda : a};
  int64_t j = 0;
  for (; j + 2 * lanes <= n; j += 2 * lanes) {
    V c00 = hn::Zero(d), c01 = c00, c10 = c00, c11 = c00, c20 = c00, c21 = c00,
      c30 = c00, c31 = c00;
    for (int64_t p = 0; p < k; ++p) {
      const float *b_row = b + p * ldb + j;
      const V vb0 = hn::LoadU(d, b_row), vb1 = hn::LoadU(d, b_row + lanes);
      V va = hn::Set(d, a_row[0][p]);
      c00 = hn::MulAdd(va, vb0, c00);
      c01 = hn::MulAdd(va, vb1, c01);
      if constexpr (MR > 1) {
        va = hn::Set(d, a_row[1][p]);
        c10 = hn::MulAdd(va, vb0, c10);
        c11 = hn::MulAdd(va, vb1, c11);
      }
      if constexpr (MR > 2) {
        va = hn::Set(d, a_row[2][p]);
        c20 = hn::MulAdd(va, vb0, c20);
        c21 = hn::MulAdd(va, vb1, c21);
      }
      if constexpr (MR > 3) {
        va = hn::Set(d, a_row[3][p]);
        c30 = hn::MulAdd(va, vb0, c30);
        c31 = hn::MulAdd(va, vb1, c31);
      }
    }
#define SEQC_STORE(r)                                                          \
  if constexpr (MR > r) {                                                      \
    float *out = c + r * ldc + j;                                              \
    if (accumulate) {                                                          \
      c##r##0 = hn::Add(c##r##0, hn::LoadU(d, out));                           \
      c##r##1 = hn::Add(c##r##1, hn::LoadU(d, out + lanes));                   \
    }                                                                          \
    hn::StoreU(c##r##0, d, out);                                               \
    hn::StoreU(c##r##1, d, out + lanes);                                       \
  }
    SEQC_STORE(0) SEQC_STORE(1) SEQC_STORE(2) SEQC_STORE(3)
#undef SEQC_STORE
  }
  for (; j + lanes <= n; j += lanes) {
    V c0 = hn::Zero(d), c1 = c0, c2 = c0, c3 = c0;
    for (int64_t p = 0; p < k; ++p) {
      const V vb = hn::LoadU(d, b + p * ldb + j);
      c0 = hn::MulAdd(hn::Set(d, a_row[0][p]), vb, c0);
      if constexpr (MR > 1)
        c1 = hn::MulAdd(hn::Set(d, a_row[1][p]), vb, c1);
      if constexpr (MR > 2)
        c2 = hn::MulAdd(hn::Set(d, a_row[2][p]), vb, c2);
      if constexpr (MR > 3)
        c3 = hn::MulAdd(hn::Set(d, a_row[3][p]), vb, c3);
    }
#define SEQC_STORE(r)                                                          \
  if constexpr (MR > r) {                                                      \
    float *out = c + r * ldc + j;                                              \
    if (accumulate)                                                            \
      c##r = hn::Add(c##r, hn::LoadU(d, out));                                 \
    hn::StoreU(c##r, d, out);                                                  \
  }
    SEQC_STORE(0) SEQC_STORE(1) SEQC_STORE(2) SEQC_STORE(3)
#undef SEQC_STORE
  }
  for (; j < n; ++j)
    for (int r = 0; r < MR; ++r) {
      float sum = 0.0f;
      for (int64_t p = 0; p < k; ++p)
        sum += a_row[r][p] * b[p * ldb + j];
      float *out = c + r * ldc + j;
      *out = accumulate ? *out + sum : sum;
    }
}

void MatmulNN(int64_t m, int64_t n, int64_t k, const float *a, int64_t a_off,
              int64_t lda, const float *b, int64_t b_off, int64_t ldb, float *c,
              int64_t c_off, int64_t ldc, int32_t accumulate) {
  if (m <= 0 || n <= 0)
    return;
  a += a_off;
  b += b_off;
  c += c_off;
  const bool acc = accumulate != 0;
  if (k < 0)
    k = 0;
  int64_t i = 0;
  for (; i + 4 <= m; i += 4)
    NNBand<4>(n, k, a + i * lda, lda, b, ldb, c + i * ldc, ldc, acc);
  switch (m - i) {
  case 3:
    NNBand<3>(n, k, a + i * lda, lda, b, ldb, c + i * ldc, ldc, acc);
    break;
  case 2:
    NNBand<2>(n, k, a + i * lda, lda, b, ldb, c + i * ldc, ldc, acc);
    break;
  case 1:
    NNBand<1>(n, k, a + i * lda, lda, b, ldb, c + i * ldc, ldc, acc);
    break;
  default:
    break;
  }
}

} // namespace HWY_NAMESPACE
} // namespace uk
} // namespace seqc
HWY_AFTER_NAMESPACE();

#if HWY_ONCE
#include "seqc/ukernels.h"

namespace seqc {
namespace uk {
HWY_EXPORT(MatmulNT);
HWY_EXPORT(MatmulNN);
HWY_EXPORT(Gemv);
} // namespace uk
} // namespace seqc

using namespace seqc::uk;

extern "C" {
void seqc_uk_matmul_f32(int64_t m, int64_t n, int64_t k, const float *a,
                        int64_t a_off, int64_t lda, const float *b,
                        int64_t b_off, int64_t ldb, float *c, int64_t c_off,
                        int64_t ldc, int32_t accumulate) {
  HWY_DYNAMIC_DISPATCH(MatmulNT)
  (m, n, k, a, a_off, lda, b, b_off, ldb, c, c_off, ldc, accumulate);
}
void seqc_uk_matmul_nn_f32(int64_t m, int64_t n, int64_t k, const float *a,
                           int64_t a_off, int64_t lda, const float *b,
                           int64_t b_off, int64_t ldb, float *c, int64_t c_off,
                           int64_t ldc, int32_t accumulate) {
  HWY_DYNAMIC_DISPATCH(MatmulNN)
  (m, n, k, a, a_off, lda, b, b_off, ldb, c, c_off, ldc, accumulate);
}
void seqc_uk_gemv_f32(int64_t n, int64_t k, const float *w, int64_t w_off,
                      int64_t ldw, const float *x, int64_t x_off, float *y,
                      int64_t y_off, int32_t accumulate) {
  HWY_DYNAMIC_DISPATCH(Gemv)
  (n, k, w, w_off, ldw, x, x_off, y, y_off, accumulate);
}
} // extern "C"
#endif // HWY_ONCE
