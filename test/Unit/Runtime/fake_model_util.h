//===- fake_model_util.h - building blocks of hand-written fake models ----===//
//
// The runtime tests drive the model runner with "compiled models" written by
// hand against the packed-invoke ABI of seqc/abi.h. These helpers read the
// memref descriptors a model receives and write the ones it returns.
//
//===----------------------------------------------------------------------===//

#ifndef SEQC_TEST_UNIT_RUNTIME_FAKE_MODEL_UTIL_H
#define SEQC_TEST_UNIT_RUNTIME_FAKE_MODEL_UTIL_H

#include <cstddef>
#include <cstdint>
#include <cstdlib>

namespace seqc_test {

/// A view of one memref descriptor (3 + 2 * rank intptr words).
struct Desc {
  intptr_t *w;
  int64_t rank;
  void *aligned() const { return reinterpret_cast<void *>(w[1]); }
  int64_t offset() const { return w[2]; }
  int64_t size(int64_t d) const { return w[3 + d]; }
  int64_t stride(int64_t d) const { return w[3 + rank + d]; }
  /// Dense row-major, offset 0, allocated == aligned, element-aligned.
  bool dense(size_t esize) const {
    int64_t s = 1;
    for (int64_t d = rank - 1; d >= 0; --d) {
      if (stride(d) != s)
        return false;
      s *= size(d);
    }
    return offset() == 0 && w[0] == w[1] &&
           reinterpret_cast<uintptr_t>(aligned()) % esize == 0;
  }
};

/// The descriptor of argument `i` (args[0] is the results record).
inline Desc ArgDesc(void **args, size_t i, int64_t rank) {
  return Desc{static_cast<intptr_t *>(args[1 + i]), rank};
}

/// Words of a descriptor of rank `rank`.
inline size_t Words(int64_t rank) { return 3 + 2 * static_cast<size_t>(rank); }

/// Writes a dense descriptor at `w` for a buffer owned by whoever allocated
/// it.
inline void SetDense(intptr_t *w, void *allocated, void *aligned,
                     int64_t rank, const int64_t *sizes) {
  w[0] = reinterpret_cast<intptr_t>(allocated);
  w[1] = reinterpret_cast<intptr_t>(aligned);
  w[2] = 0;
  int64_t stride = 1;
  for (int64_t d = rank - 1; d >= 0; --d) {
    w[3 + d] = sizes[d];
    w[3 + rank + d] = stride;
    stride *= sizes[d];
  }
}

/// Mallocs a dense result of `sizes` and writes its descriptor at `w`, as a
/// compiled model does for every output.
inline void *NewDense(intptr_t *w, int64_t rank, const int64_t *sizes,
                      size_t esize) {
  int64_t numel = 1;
  for (int64_t d = 0; d < rank; ++d)
    numel *= sizes[d];
  void *buf = std::malloc(numel ? numel * esize : 1);
  SetDense(w, buf, buf, rank, sizes);
  return buf;
}

} // namespace seqc_test

#endif // SEQC_TEST_UNIT_RUNTIME_FAKE_MODEL_UTIL_H
