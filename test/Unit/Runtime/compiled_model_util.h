//===- compiled_model_util.h - driving real compiled models in tests ------===//
//
// The end-to-end runtime tests load shared libraries that seqc compiled at
// build time and feed them float tensors.
//
//===----------------------------------------------------------------------===//

#ifndef SEQC_TEST_UNIT_RUNTIME_COMPILED_MODEL_UTIL_H
#define SEQC_TEST_UNIT_RUNTIME_COMPILED_MODEL_UTIL_H

#include "seqc/abi.h"
#include "seqc/runtime.h"

#include <dlfcn.h>
#include <gtest/gtest.h>

#include <cstring>
#include <random>
#include <vector>

namespace seqc_test {

/// A model library opened for the test's lifetime.
struct Library {
  using ApiFn = const seqc_model_api *(*)();
  void *handle = nullptr;
  explicit Library(const char *path) {
    handle = dlopen(path, RTLD_NOW | RTLD_LOCAL);
  }
  ~Library() {
    if (handle)
      dlclose(handle);
  }
  Library(const Library &) = delete;
  Library &operator=(const Library &) = delete;
  /// The api record behind getter `symbol`, or null.
  const seqc_model_api *Api(const char *symbol) const {
    auto fn = reinterpret_cast<ApiFn>(dlsym(handle, symbol));
    return fn ? fn() : nullptr;
  }
};

/// `n` uniform values in [-scale, scale] from a fixed seed.
inline std::vector<float> Random(size_t n, unsigned seed, float scale = 1.0f) {
  std::mt19937 gen(seed);
  std::uniform_real_distribution<float> dist(-scale, scale);
  std::vector<float> v(n);
  for (float &f : v)
    f = dist(gen);
  return v;
}

/// A dense f32 descriptor over `data`.
inline seqc_tensor Dense(const float *data, std::vector<int64_t> shape) {
  seqc_tensor t;
  EXPECT_EQ(seqc_rt_tensor_init(&t, const_cast<float *>(data), SEQC_DTYPE_F32,
                                shape.size(), shape.data()),
            SEQC_OK);
  return t;
}

/// An output for the runtime to allocate (data == NULL).
inline seqc_tensor Empty() {
  seqc_tensor t;
  std::memset(&t, 0, sizeof(t));
  return t;
}

/// The values of a dense f32 tensor.
inline std::vector<float> Values(const seqc_tensor &t) {
  const float *p = static_cast<const float *>(t.data);
  return std::vector<float>(p, p + seqc_rt_tensor_numel(&t));
}

} // namespace seqc_test

#endif // SEQC_TEST_UNIT_RUNTIME_COMPILED_MODEL_UTIL_H
