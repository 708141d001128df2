// attention: runs a causal self-attention block compiled by seqc through its
// typed C API and checks it against PyTorch.
//
//   attention [DATA_DIR]      (default: the example's data/ folder)
//
// Reads data/x.npy [B, L, 32], runs attention_run, compares with
// data/expected_y.npy (PyTorch) and times the call. Exits non-zero if they
// differ by more than 1e-4 of the output's scale, or on any runtime error.
#include "attention.h"

#include <seqc/npy.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#ifndef ATTENTION_DATA_DIR
#define ATTENTION_DATA_DIR "data"
#endif

namespace {

constexpr double kTolerance = 1e-4;
constexpr int kBenchRuns = 2000;

void check(seqc_status status, const seqc_error &err, const std::string &what) {
  if (status == SEQC_OK)
    return;
  std::fprintf(stderr, "attention: %s: %s\n", what.c_str(),
               err.message[0] ? err.message : seqc_rt_status_string(status));
  std::exit(2);
}

// An owned .npy array of float32.
struct Array {
  seqc_npy_array npy{};
  Array(const std::string &path) {
    seqc_error err{};
    check(seqc_rt_npy_read(path.c_str(), &npy, &err), err, path);
    if (npy.dtype != SEQC_DTYPE_F32) {
      std::fprintf(stderr, "attention: %s: expected float32\n", path.c_str());
      std::exit(2);
    }
  }
  ~Array() { seqc_rt_npy_free(&npy); }
  Array(const Array &) = delete;
  Array &operator=(const Array &) = delete;
  const float *data() const { return static_cast<const float *>(npy.data); }
  int64_t size() const { return npy.numel; }
};

// RAII for the model handle the typed API returns.
struct Model {
  seqc_model *handle = nullptr;
  Model() {
    seqc_error err{};
    check(attention_create(&handle, &err), err, "attention_create");
  }
  ~Model() { attention_destroy(handle); }
  Model(const Model &) = delete;
  Model &operator=(const Model &) = delete;
};

} // namespace

int main(int argc, char **argv) {
  const std::string dir = argc > 1 ? argv[1] : ATTENTION_DATA_DIR;
  Array x(dir + "/x.npy"), expected(dir + "/expected_y.npy");
  if (x.npy.rank != 3 || x.size() != expected.size()) {
    std::fprintf(stderr, "attention: x.npy must be [B, L, 32] and "
                         "expected_y.npy the same size\n");
    return 2;
  }
  const int64_t *shape = x.npy.shape;
  std::printf("attention: causal self-attention (embedding 32, 4 heads), "
              "compiled by seqc\n  x: [%lld, %lld, %lld]\n",
              (long long)shape[0], (long long)shape[1], (long long)shape[2]);

  Model model;
  std::vector<float> y(x.size());
  seqc_tensor in, out;
  seqc_rt_tensor_init(&in, x.npy.data, SEQC_DTYPE_F32, 3, shape);
  seqc_rt_tensor_init(&out, y.data(), SEQC_DTYPE_F32, 3, shape);
  auto run = [&] {
    seqc_error err{};
    check(attention_run(model.handle, &in, &out, &err), err, "attention_run");
  };
  run();

  double diff = 0, scale = 1;
  for (int64_t i = 0; i < x.size(); ++i) {
    diff = std::max(diff, std::fabs(double(y[i]) - expected.data()[i]));
    scale = std::max(scale, std::fabs(double(expected.data()[i])));
  }
  const double limit = kTolerance * scale;
  const bool ok = diff <= limit;
  std::printf("  max |seqc - PyTorch| = %.2e  (limit %.0e)  %s\n", diff, limit,
              ok ? "ok" : "MISMATCH");

  using clock = std::chrono::steady_clock;
  for (int i = 0; i < 100; ++i)
    run();
  double best = 1e30;
  const auto start = clock::now();
  for (int i = 0; i < kBenchRuns; ++i) {
    const auto s = clock::now();
    run();
    best = std::min(
        best,
        std::chrono::duration<double, std::micro>(clock::now() - s).count());
  }
  const double mean =
      std::chrono::duration<double, std::micro>(clock::now() - start).count() /
      kBenchRuns;
  std::printf("  timing over %d runs: %.2f us/run mean, %.2f us/run best\n",
              kBenchRuns, mean, best);
  std::printf("%s\n", ok ? "PASS: seqc agrees with PyTorch"
                         : "FAIL: seqc disagrees with PyTorch");
  return ok ? 0 : 1;
}
