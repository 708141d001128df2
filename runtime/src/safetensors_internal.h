/*===- safetensors_internal.h - shared by the reader and the writer -------===*
 *
 * Private to the runtime: not installed, not exported (no seqc_rt_ prefix).
 *
 *===----------------------------------------------------------------------===*/
#ifndef SEQC_RUNTIME_SAFETENSORS_INTERNAL_H
#define SEQC_RUNTIME_SAFETENSORS_INTERNAL_H

#include <stdint.h>

/* The safetensors dtype word ("F32", "BF16", ...) of a seqc_dtype, or NULL
 * for one safetensors cannot hold. */
const char *seqc_st_dtype_word(int32_t dtype);

#endif /* SEQC_RUNTIME_SAFETENSORS_INTERNAL_H */
