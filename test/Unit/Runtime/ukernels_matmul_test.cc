//===- ukernels_matmul_test.cc - matmul, matmul_nn, gemv, reductions ------===//

#include "ukernel_test_util.h"

#include <limits>

namespace seqc::test {
namespace {

constexpr float kSentinel = 12345.0f;

// Strided operands with offsets and padded rows, so wrong strides, offsets or
// out-of-bounds writes show up as mismatches or clobbered padding.
struct Problem {
  int64_t m, n, k;
  int64_t a_off = 5, b_off = 3, c_off = 7;
  int64_t lda, ldb, ldc;
  std::vector<float> a, b, c;
};

Problem MakeNT(int64_t m, int64_t n, int64_t k, uint32_t seed) {
  Problem p{m, n, k};
  p.lda = k + 3;
  p.ldb = k + 1;
  p.ldc = n + 2;
  p.a = RandomVector(p.a_off + m * p.lda, seed);
  p.b = RandomVector(p.b_off + n * p.ldb, seed + 1);
  p.c.assign(p.c_off + m * p.ldc, kSentinel);
  return p;
}

// Tolerance: 1e-6 relative to the sum of |products|, the natural scale of a
// float dot product's rounding error.
void ExpectDotsNear(const Problem &p, const std::vector<float> &c_before,
                    bool accumulate, bool b_transposed) {
  for (int64_t i = 0; i < p.m; ++i) {
    for (int64_t j = 0; j < p.ldc; ++j) {
      const float got = p.c[p.c_off + i * p.ldc + j];
      if (j >= p.n) {
        ASSERT_EQ(got, c_before[p.c_off + i * p.ldc + j])
            << "padding clobbered at (" << i << "," << j << ")";
        continue;
      }
      double ref = 0, scale = 0;
      for (int64_t q = 0; q < p.k; ++q) {
        const double av = p.a[p.a_off + i * p.lda + q];
        const double bv = b_transposed ? p.b[p.b_off + j * p.ldb + q]
                                       : p.b[p.b_off + q * p.ldb + j];
        ref += av * bv;
        scale += std::fabs(av * bv);
      }
      if (accumulate) {
        ref += c_before[p.c_off + i * p.ldc + j];
        scale += std::fabs(c_before[p.c_off + i * p.ldc + j]);
      }
      ASSERT_NEAR(got, ref, 1e-6 * std::max(1.0, scale))
          << "m=" << p.m << " n=" << p.n << " k=" << p.k << " at (" << i << ","
          << j << ")";
    }
  }
}

class MatmulTest : public PerTargetTest {};

TEST_P(MatmulTest, NTMatchesReference) {
  uint32_t seed = 1;
  for (int64_t m : OddSizes())
    for (int64_t n : OddSizes())
      for (int64_t k : OddSizes()) {
        Problem p = MakeNT(m, n, k, seed++);
        // Rows of C get NaN: accumulate=0 must never read C.
        for (int64_t i = 0; i < m; ++i)
          for (int64_t j = 0; j < n; ++j)
            p.c[p.c_off + i * p.ldc + j] = std::nanf("");
        const std::vector<float> before = p.c;
        seqc_uk_matmul_f32(m, n, k, p.a.data(), p.a_off, p.lda, p.b.data(),
                           p.b_off, p.ldb, p.c.data(), p.c_off, p.ldc, 0);
        ExpectDotsNear(p, before, /*accumulate=*/false, /*b_transposed=*/true);
      }
}

TEST_P(MatmulTest, NTAccumulates) {
  for (int64_t m : {1, 5, 17})
    for (int64_t n : {3, 64, 129}) {
      Problem p = MakeNT(m, n, 33, static_cast<uint32_t>(m * 1000 + n));
      for (int64_t i = 0; i < m; ++i)
        for (int64_t j = 0; j < n; ++j)
          p.c[p.c_off + i * p.ldc + j] = static_cast<float>(i - j) * 0.25f;
      const std::vector<float> before = p.c;
      seqc_uk_matmul_f32(m, n, p.k, p.a.data(), p.a_off, p.lda, p.b.data(),
                         p.b_off, p.ldb, p.c.data(), p.c_off, p.ldc, 1);
      ExpectDotsNear(p, before, /*accumulate=*/true, /*b_transposed=*/true);
    }
}

TEST_P(MatmulTest, NTWithZeroKWritesZeros) {
  Problem p = MakeNT(3, 5, 0, 9);
  seqc_uk_matmul_f32(3, 5, 0, p.a.data(), p.a_off, p.lda, p.b.data(), p.b_off,
                     p.ldb, p.c.data(), p.c_off, p.ldc, 0);
  for (int64_t i = 0; i < 3; ++i)
    for (int64_t j = 0; j < 5; ++j)
      EXPECT_EQ(p.c[p.c_off + i * p.ldc + j], 0.0f);
}

TEST_P(MatmulTest, NNMatchesReference) {
  uint32_t seed = 100;
  for (int64_t m : OddSizes())
    for (int64_t n : OddSizes())
      for (int64_t k : OddSizes())
        for (int accumulate = 0; accumulate < 2; ++accumulate) {
          Problem p{m, n, k};
          p.lda = k + 2;
          p.ldb = n + 3;
          p.ldc = n + 1;
          p.a = RandomVector(p.a_off + m * p.lda, seed++);
          p.b = RandomVector(p.b_off + k * p.ldb, seed++);
          p.c.assign(p.c_off + m * p.ldc, kSentinel);
          for (int64_t i = 0; i < m; ++i)
            for (int64_t j = 0; j < n; ++j)
              p.c[p.c_off + i * p.ldc + j] =
                  accumulate ? 0.5f * static_cast<float>(j) : std::nanf("");
          const std::vector<float> before = p.c;
          seqc_uk_matmul_nn_f32(m, n, k, p.a.data(), p.a_off, p.lda, p.b.data(),
                                p.b_off, p.ldb, p.c.data(), p.c_off, p.ldc,
                                accumulate);
          ExpectDotsNear(p, before, accumulate != 0, /*b_transposed=*/false);
        }
}

TEST_P(MatmulTest, GemvMatchesReference) {
  uint32_t seed = 500;
  for (int64_t n : OddSizes())
    for (int64_t k : OddSizes())
      for (int accumulate = 0; accumulate < 2; ++accumulate) {
        const int64_t ldw = k + 4, w_off = 2, x_off = 1, y_off = 3;
        std::vector<float> w = RandomVector(w_off + n * ldw, seed++);
        std::vector<float> x = RandomVector(x_off + k, seed++);
        std::vector<float> y = RandomVector(y_off + n + 2, seed++);
        if (!accumulate)
          for (int64_t j = 0; j < n; ++j)
            y[y_off + j] = std::nanf("");
        const std::vector<float> before = y;
        seqc_uk_gemv_f32(n, k, w.data(), w_off, ldw, x.data(), x_off, y.data(),
                         y_off, accumulate);
        for (int64_t j = 0; j < n; ++j) {
          double ref = accumulate ? before[y_off + j] : 0.0;
          double scale = std::fabs(ref);
          for (int64_t q = 0; q < k; ++q) {
            ref += double(w[w_off + j * ldw + q]) * x[x_off + q];
            scale += std::fabs(double(w[w_off + j * ldw + q]) * x[x_off + q]);
          }
          ASSERT_NEAR(y[y_off + j], ref, 1e-6 * std::max(1.0, scale))
              << "n=" << n << " k=" << k << " j=" << j;
        }
        for (int64_t j = n; j < n + 2; ++j)
          ASSERT_EQ(y[y_off + j], before[y_off + j]) << "wrote past y";
        ASSERT_EQ(y[0], before[0]) << "wrote before y";
      }
}

TEST_P(MatmulTest, ReduceSumMatchesReference) {
  for (int64_t n : {0, 1, 3, 17, 64, 129, 1000}) {
    std::vector<float> x = RandomVector(static_cast<size_t>(n) + 1, 7, -3, 3);
    double ref = 0, scale = 0;
    for (int64_t i = 0; i < n; ++i) {
      ref += x[i];
      scale += std::fabs(x[i]);
    }
    EXPECT_NEAR(seqc_uk_reduce_sum_f32(n, x.data()), ref,
                1e-6 * std::max(1.0, scale))
        << "n=" << n;
  }
}

TEST_P(MatmulTest, ReduceMaxMatchesReference) {
  EXPECT_EQ(seqc_uk_reduce_max_f32(0, nullptr),
            -std::numeric_limits<float>::infinity());
  for (int64_t n : {1, 3, 17, 64, 129}) {
    // Put the maximum at every position, including the scalar tail.
    for (int64_t at = 0; at < n; at += (n > 17 ? 7 : 1)) {
      std::vector<float> x = RandomVector(static_cast<size_t>(n), 11, -5, -1);
      x[at] = 2.5f;
      EXPECT_EQ(seqc_uk_reduce_max_f32(n, x.data()), 2.5f)
          << "n=" << n << " at=" << at;
    }
  }
}

SEQC_INSTANTIATE_PER_TARGET(MatmulTest);

} // namespace
} // namespace seqc::test
