/*===- seqc/safetensors.h - Zero-copy, fully validated safetensors --------===*
 *
 * A safetensors file is an 8-byte little-endian header length, a JSON header
 * and a data section. Weights are untrusted input: the reader validates every
 * field (offsets in bounds, sizes matching shapes, no overlap, no duplicate
 * names) before handing out a single pointer, so the compiled model can read
 * the data without further checks.
 *
 *===----------------------------------------------------------------------===*/
#ifndef SEQC_SAFETENSORS_H
#define SEQC_SAFETENSORS_H

#include "seqc/runtime.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct seqc_safetensors seqc_safetensors;

typedef struct seqc_safetensors_tensor {
  const char *name; /* NUL-terminated, decoded from JSON */
  int32_t dtype;    /* a seqc_dtype */
  int32_t rank;     /* 0..SEQC_MAX_RANK */
  int64_t shape[SEQC_MAX_RANK];
  int64_t numel;    /* product of shape */
  const void *data; /* inside the mapping; NOT necessarily aligned */
  size_t nbytes;    /* numel * seqc_rt_dtype_size(dtype) */
} seqc_safetensors_tensor;

/* Maps `path` read-only (mmap, zero-copy) and validates it. On failure *out
 * is NULL and the status is SEQC_ERR_IO (cannot open/map) or
 * SEQC_ERR_FORMAT / SEQC_ERR_UNSUPPORTED (bad contents). */
seqc_status seqc_rt_safetensors_open(const char *path, seqc_safetensors **out,
                                     seqc_error *err);

/* Same over a caller-owned buffer; nothing is copied, so the buffer must
 * outlive the returned handle. */
seqc_status seqc_rt_safetensors_open_memory(const void *data, size_t size,
                                            seqc_safetensors **out,
                                            seqc_error *err);

/* Unmaps and frees; NULL is a no-op. Tensor pointers die with the handle. */
void seqc_rt_safetensors_close(seqc_safetensors *file);

/* Tensors in the order their data appears in the file. */
size_t seqc_rt_safetensors_count(const seqc_safetensors *file);
const seqc_safetensors_tensor *
seqc_rt_safetensors_at(const seqc_safetensors *file, size_t index);

/* Binary search by exact name; NULL when absent. */
const seqc_safetensors_tensor *
seqc_rt_safetensors_find(const seqc_safetensors *file, const char *name);

/* The optional "__metadata__" string map. */
size_t seqc_rt_safetensors_metadata_count(const seqc_safetensors *file);
const char *seqc_rt_safetensors_metadata_get(const seqc_safetensors *file,
                                             const char *key);

/* Converts an F32/F16/BF16/F64 tensor to f32. `count` must equal the tensor's
 * numel (SEQC_ERR_SHAPE otherwise); other dtypes give SEQC_ERR_DTYPE. */
seqc_status seqc_rt_safetensors_read_f32(const seqc_safetensors_tensor *tensor,
                                         float *dst, size_t count,
                                         seqc_error *err);

/* Writes `n` dense row-major tensors (BOOL, U8, I8, I32, I64, F16, BF16, F32,
 * F64) to `path`, data back to back in the given order. Names must be
 * distinct and non-empty. */
seqc_status seqc_rt_safetensors_write(const char *path, size_t n,
                                      const char *const *names,
                                      const seqc_tensor *tensors,
                                      seqc_error *err);

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* SEQC_SAFETENSORS_H */
