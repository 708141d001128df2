/*===- seqc/runtime.h - Status, errors and dtype helpers -------------------===*
 *
 * Errors are reported through a caller-owned seqc_error rather than
 * thread-local state, so the runtime works the same inside any host program
 * (fibers, signal-free embedded loops) and costs nothing when err is NULL.
 *
 *===----------------------------------------------------------------------===*/
#ifndef SEQC_RUNTIME_H
#define SEQC_RUNTIME_H

#include "seqc/abi.h"

#ifdef __cplusplus
extern "C" {
#endif

#if defined(__GNUC__) || defined(__clang__)
#define SEQC_PRINTF_FORMAT(fmt_index, first_arg)                               \
  __attribute__((format(printf, fmt_index, first_arg)))
#else
#define SEQC_PRINTF_FORMAT(fmt_index, first_arg)
#endif

/* Size of the message buffer; longer messages are truncated. */
#define SEQC_ERROR_MESSAGE_SIZE 512

typedef struct seqc_error {
  seqc_status code;
  char message[SEQC_ERROR_MESSAGE_SIZE];
} seqc_error;

/* A static, never-NULL English name for a status ("ok", "format error", ...).
 * Unknown values map to "unknown status". */
const char *seqc_rt_status_string(seqc_status status);

/* Records `code` and a printf-formatted message in *err (if err is non-NULL)
 * and returns `code`, so callers can write `return seqc_rt_set_error(...)`. */
seqc_status seqc_rt_set_error(seqc_error *err, seqc_status code,
                              const char *fmt, ...) SEQC_PRINTF_FORMAT(3, 4);

/* Resets *err to SEQC_OK with an empty message. err may be NULL. Every
 * seqc_rt_* call that takes an `err` and returns SEQC_OK leaves it cleared
 * (an earlier failure's message does not survive a success). */
void seqc_rt_clear_error(seqc_error *err);

/* Bytes per element; 0 for an unknown dtype. */
size_t seqc_rt_dtype_size(int32_t dtype);

/* Lower-case name ("f32", "bf16", ...); "unknown" for an unknown dtype. */
const char *seqc_rt_dtype_name(int32_t dtype);

/* Half-precision conversions. f16 handles subnormals, infinities and NaN;
 * f32 -> f16/bf16 round to nearest even and keep NaN a NaN. */
float seqc_rt_f16_to_f32(uint16_t bits);
float seqc_rt_bf16_to_f32(uint16_t bits);
uint16_t seqc_rt_f32_to_f16(float value);
uint16_t seqc_rt_f32_to_bf16(float value);

/* Fills a descriptor for a dense row-major tensor (strides computed, reserved
 * zeroed). Returns SEQC_ERR_INVALID_ARGUMENT for a rank outside
 * [0, SEQC_MAX_RANK], a negative extent or an unknown dtype. Extents whose
 * product overflows int64_t are stored (strides saturate at INT64_MAX):
 * seqc_rt_tensor_numel then returns -1 and seqc_rt_model_run refuses the
 * tensor. */
seqc_status seqc_rt_tensor_init(seqc_tensor *tensor, void *data, int32_t dtype,
                                int64_t rank, const int64_t *shape);

/* Product of the extents (1 for rank 0); -1 if it overflows int64_t or the
 * descriptor is malformed. */
int64_t seqc_rt_tensor_numel(const seqc_tensor *tensor);

/* Non-zero if the strides describe a dense row-major layout (extents of 1
 * may carry any stride). */
int seqc_rt_tensor_is_contiguous(const seqc_tensor *tensor);

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* SEQC_RUNTIME_H */
