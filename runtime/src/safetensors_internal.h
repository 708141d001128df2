/*===- safetensors_internal.h - shared by the reader and the writer -------===*
 *
 * Private to the runtime: not installed, not exported (no seqc_rt_ prefix).
 *
 *===----------------------------------------------------------------------===*/
#ifndef SEQC_RUNTIME_SAFETENSORS_INTERNAL_H
#define SEQC_RUNTIME_SAFETENSORS_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

/* The safetensors dtype word ("F32", "BF16", ...) of a seqc_dtype, or NULL
 * for one safetensors cannot hold. */
const char *seqc_st_dtype_word(int32_t dtype);

/* Whether the `n` bytes at `s` are well-formed UTF-8 (RFC 3629: no
 * overlong forms, no surrogates, nothing past U+10FFFF), as the JSON
 * header of a safetensors file must be. */
int seqc_st_utf8_valid(const char *s, size_t n);
/* The offset of the first byte of the `n` bytes at `s` that starts no
 * well-formed UTF-8 sequence (as above; also one cut short); n when all
 * are. */
size_t seqc_st_utf8_invalid_at(const char *s, size_t n);

#endif /* SEQC_RUNTIME_SAFETENSORS_INTERNAL_H */
