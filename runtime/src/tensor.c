//===- tensor.c - Dense tensor descriptor helpers -------------------------===//

#include "seqc/runtime.h"

#include <string.h>

seqc_status seqc_rt_tensor_init(seqc_tensor *tensor, void *data, int32_t dtype,
                                int64_t rank, const int64_t *shape) {
  if (!tensor || rank < 0 || rank > SEQC_MAX_RANK ||
      seqc_rt_dtype_size(dtype) == 0 || (rank > 0 && !shape))
    return SEQC_ERR_INVALID_ARGUMENT;
  memset(tensor, 0, sizeof(*tensor));
  tensor->data = data;
  tensor->rank = rank;
  tensor->dtype = dtype;
  int64_t stride = 1;
  for (int64_t d = rank - 1; d >= 0; --d) {
    if (shape[d] < 0)
      return SEQC_ERR_INVALID_ARGUMENT;
    tensor->shape[d] = shape[d];
    tensor->strides[d] = stride;
    // Saturating product: an overflowing stride is only ever compared, and
    // seqc_rt_tensor_numel reports the overflow.
    if (shape[d] != 0 && stride > INT64_MAX / shape[d])
      stride = INT64_MAX;
    else
      stride *= shape[d] == 0 ? 1 : shape[d];
  }
  return SEQC_OK;
}

int64_t seqc_rt_tensor_numel(const seqc_tensor *tensor) {
  if (!tensor || tensor->rank < 0 || tensor->rank > SEQC_MAX_RANK)
    return -1;
  int64_t numel = 1;
  for (int64_t d = 0; d < tensor->rank; ++d) {
    int64_t extent = tensor->shape[d];
    if (extent < 0)
      return -1;
    if (extent != 0 && numel > INT64_MAX / extent)
      return -1;
    numel *= extent;
  }
  return numel;
}

int seqc_rt_tensor_is_contiguous(const seqc_tensor *tensor) {
  int64_t numel = seqc_rt_tensor_numel(tensor);
  if (numel < 0)
    return 0;
  if (numel == 0) // nothing is ever addressed
    return 1;
  int64_t expected = 1;
  for (int64_t d = tensor->rank - 1; d >= 0; --d) {
    int64_t extent = tensor->shape[d];
    if (extent != 1 && tensor->strides[d] != expected)
      return 0;
    expected *= extent == 0 ? 1 : extent;
  }
  return 1;
}
