//===- ukernel_test_util.h - Run a test once per Highway target -----------===//
//
// Microkernels dispatch at run time, so one binary holds a version per target.
// Each parameterized test forces one target with SetSupportedTargetsForTest
// and checks that the dispatcher really picked it before comparing results
// with a scalar reference.
//
//===----------------------------------------------------------------------===//

#ifndef SEQC_TEST_UNIT_RUNTIME_UKERNEL_TEST_UTIL_H
#define SEQC_TEST_UNIT_RUNTIME_UKERNEL_TEST_UTIL_H

#include "seqc/ukernels.h"

#include <gtest/gtest.h>
#include <hwy/targets.h>

#include <cmath>
#include <cstdint>
#include <random>
#include <string>
#include <vector>

namespace seqc::test {

class PerTargetTest : public ::testing::TestWithParam<int64_t> {
protected:
  void SetUp() override {
    hwy::SetSupportedTargetsForTest(GetParam());
    ASSERT_STREQ(seqc_uk_target_name(), hwy::TargetName(GetParam()))
        << "dispatch did not switch to the forced target";
  }
  void TearDown() override { hwy::SetSupportedTargetsForTest(0); }
};

inline std::string
TargetParamName(const ::testing::TestParamInfo<int64_t> &info) {
  return hwy::TargetName(info.param);
}

#define SEQC_INSTANTIATE_PER_TARGET(Suite)                                     \
  INSTANTIATE_TEST_SUITE_P(                                                    \
      AllTargets, Suite,                                                       \
      ::testing::ValuesIn(::hwy::SupportedAndGeneratedTargets()),              \
      ::seqc::test::TargetParamName)

// Odd sizes hit every vector remainder on every lane count.
inline const std::vector<int64_t> &OddSizes() {
  static const std::vector<int64_t> sizes = {1, 3, 17, 64, 129};
  return sizes;
}

inline std::vector<float> RandomVector(size_t n, uint32_t seed, float lo = -1.f,
                                       float hi = 1.f) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<float> dist(lo, hi);
  std::vector<float> v(n);
  for (float &x : v)
    x = dist(rng);
  return v;
}

} // namespace seqc::test

#endif // SEQC_TEST_UNIT_RUNTIME_UKERNEL_TEST_UTIL_H
