/*===- seqc/npy.h - NumPy .npy reader and writer --------------------------===*
 *
 * seq-run exchanges inputs and outputs as .npy files; apps check results
 * against NumPy/PyTorch with them. The seqc_npy library (seqc::npy), not
 * part of the runtime a model needs. Only what NumPy writes
 * for little-endian, C-ordered arrays of the seqc dtypes is accepted; anything
 * else is an error naming the file and what was found.
 *
 *===----------------------------------------------------------------------===*/
#ifndef SEQC_NPY_H
#define SEQC_NPY_H

#include "seqc/runtime.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct seqc_npy_array {
  int32_t dtype; /* a seqc_dtype (never BF16: NumPy has no such type) */
  int32_t rank;
  int64_t shape[SEQC_MAX_RANK];
  int64_t numel;
  void *data; /* malloc'ed, 64-byte aligned; free with seqc_rt_npy_free */
  size_t nbytes;
} seqc_npy_array;

/* Reads a v1.0, v2.0 or v3.0 file. Supported descr: <f4 <f8 <f2 <i4 <i8 |i1
 * |u1 |b1. fortran_order True and big-endian data give SEQC_ERR_UNSUPPORTED;
 * malformed files SEQC_ERR_FORMAT; short data SEQC_ERR_FORMAT with the
 * expected and actual byte counts. *out is zeroed on failure. */
seqc_status seqc_rt_npy_read(const char *path, seqc_npy_array *out,
                             seqc_error *err);

/* As seqc_rt_npy_read, from `size` bytes at `data`; `name` stands for the
 * file in messages. */
seqc_status seqc_rt_npy_read_memory(const void *data, size_t size,
                                    const char *name, seqc_npy_array *out,
                                    seqc_error *err);

/* Frees the data and zeroes *array; safe on a zeroed array. */
void seqc_rt_npy_free(seqc_npy_array *array);

/* Writes a dense row-major array (v1.0 header, v2.0 if it does not fit). */
seqc_status seqc_rt_npy_write(const char *path, int32_t dtype, int32_t rank,
                              const int64_t *shape, const void *data,
                              seqc_error *err);

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* SEQC_NPY_H */
