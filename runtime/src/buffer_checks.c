//===- buffer_checks.c - caller buffers checked before a run --------------===//
//
// What seqc_model_invoke checks of the tensors a caller passes, beyond
// dtype and shape: that their strides address real memory, that an output
// gives each element its own slot, and which buffers share bytes (two
// outputs, an input or output and a stream's state).
//
//===----------------------------------------------------------------------===//

#include "model_internal.h"

#include <stddef.h>
#include <stdint.h>

#define SHAPE_TEXT_SIZE 192

/* Whether elements of `t` may share memory: after ordering the dimensions
 * of size > 1 by |stride|, each |stride| must reach past the extent of the
 * smaller ones (sufficient for disjointness; it accepts every dense layout,
 * permuted, padded or reversed, and rejects zero strides). Inputs may
 * alias, e.g. a broadcast with stride 0; an output written through such a
 * view would lose elements. */
int seqc_model_strides_overlap(const seqc_tensor *t) {
  int64_t stride[SEQC_MAX_RANK], size[SEQC_MAX_RANK];
  int n = 0;
  for (int64_t d = 0; d < t->rank; ++d) {
    if (t->shape[d] == 0)
      return 0; /* no elements, nothing to overlap */
    if (t->shape[d] > 1) {
      if (t->strides[d] == INT64_MIN)
        return 1;
      stride[n] = t->strides[d] < 0 ? -t->strides[d] : t->strides[d];
      size[n] = t->shape[d];
      ++n;
    }
  }
  for (int i = 1; i < n; ++i) /* insertion sort by stride */
    for (int j = i; j > 0 && stride[j] < stride[j - 1]; --j) {
      int64_t s = stride[j], z = size[j];
      stride[j] = stride[j - 1];
      size[j] = size[j - 1];
      stride[j - 1] = s;
      size[j - 1] = z;
    }
  int64_t extent = 1; /* elements spanned by the dimensions so far */
  for (int i = 0; i < n; ++i) {
    if (stride[i] < extent)
      return 1;
    /* A span that overflows is no real buffer either. */
    if (size[i] - 1 > (INT64_MAX - extent) / stride[i])
      return 1;
    extent += stride[i] * (size[i] - 1);
  }
  return 0;
}

/* The byte addresses [*lo, *hi) that the elements of `t` lie in, exactly:
 * `t` has no dimension 0 and numel * element size below 2^63 (its caller
 * checks), so esize * sum(size - 1) < 2^63 and esize * sum(|stride| *
 * (size - 1)) < 2^126, within __int128. */
static void exact_byte_range(const seqc_tensor *t, __int128 *lo, __int128 *hi) {
  __int128 first = 0, last = 0; /* element offsets of the extremes */
  for (int64_t d = 0; d < t->rank; ++d) {
    __int128 span = (__int128)t->strides[d] * (t->shape[d] - 1);
    if (span < 0)
      first += span;
    else
      last += span;
  }
  __int128 esize = (__int128)seqc_rt_dtype_size(t->dtype);
  *lo = (__int128)(uintptr_t)t->data + first * esize;
  *hi = (__int128)(uintptr_t)t->data + (last + 1) * esize;
}

/* Whether the elements of `t` (a valid, non-empty shape) lie in one
 * addressable buffer: their byte range neither wraps around the address
 * space nor spans more than PTRDIFF_MAX bytes. Strides that fail this
 * (1 << 61 elements) are no real buffer, and offsets computed from them
 * would overflow. */
int seqc_model_addressable(const seqc_tensor *t) {
  __int128 lo, hi;
  exact_byte_range(t, &lo, &hi);
  return lo >= 0 && hi <= (__int128)UINTPTR_MAX &&
         hi - lo <= (__int128)PTRDIFF_MAX;
}

/* The bytes [*lo, *hi) that the elements of an addressable, non-empty `t`
 * lie in. */
static void byte_range(const seqc_tensor *t, uintptr_t *lo, uintptr_t *hi) {
  __int128 first, last;
  exact_byte_range(t, &first, &last);
  *lo = (uintptr_t)first;
  *hi = (uintptr_t)last;
}

/* Whether two non-empty, addressable tensors' byte ranges meet. */
int seqc_model_ranges_meet(const seqc_tensor *a, const seqc_tensor *b) {
  uintptr_t alo, ahi, blo, bhi;
  byte_range(a, &alo, &ahi);
  byte_range(b, &blo, &bhi);
  return alo < bhi && blo < ahi;
}

/* The first of the `num_states` stream states whose bytes the non-empty,
 * addressable `t` meets, or -1. */
ptrdiff_t seqc_model_state_meeting(const seqc_tensor *states, size_t num_states,
                                   const seqc_tensor *t) {
  for (size_t k = 0; k < num_states; ++k)
    if (seqc_rt_tensor_numel(&states[k]) > 0 &&
        seqc_model_ranges_meet(t, &states[k]))
      return (ptrdiff_t)k;
  return -1;
}

/* "input 'x' has strides [...] ...", for a tensor that is not addressable. */
seqc_status seqc_model_refuse_strides(const char *role, const char *tname,
                                      const seqc_tensor *t, seqc_error *err) {
  char strides[SHAPE_TEXT_SIZE];
  seqc_model_format_shape(strides, sizeof(strides), t->rank, t->strides);
  return seqc_rt_set_error(err, SEQC_ERR_INVALID_ARGUMENT,
                           "%s '%s' has strides %s, under which its elements "
                           "would lie outside any addressable buffer (their "
                           "offsets overflow)",
                           role, tname, strides);
}
