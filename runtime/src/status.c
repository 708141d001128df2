//===- status.c - Status strings, error recording, dtype facts ------------===//

#include "seqc/runtime.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

const char *seqc_rt_status_string(seqc_status status) {
  switch (status) {
  case SEQC_OK:
    return "ok";
  case SEQC_ERR_INVALID_ARGUMENT:
    return "invalid argument";
  case SEQC_ERR_SHAPE:
    return "shape mismatch";
  case SEQC_ERR_DTYPE:
    return "dtype mismatch";
  case SEQC_ERR_IO:
    return "I/O error";
  case SEQC_ERR_FORMAT:
    return "format error";
  case SEQC_ERR_OUT_OF_MEMORY:
    return "out of memory";
  case SEQC_ERR_UNSUPPORTED:
    return "unsupported";
  case SEQC_ERR_INTERNAL:
    return "internal error";
  case SEQC_ERR_DEVICE:
    return "device error";
  }
  return "unknown status";
}

seqc_status seqc_rt_set_error(seqc_error *err, seqc_status code,
                              const char *fmt, ...) {
  if (!err)
    return code;
  err->code = code;
  err->message[0] = '\0';
  if (fmt) {
    va_list args;
    va_start(args, fmt);
    // vsnprintf truncates and always NUL-terminates for a non-zero size.
    vsnprintf(err->message, sizeof(err->message), fmt, args);
    va_end(args);
  }
  return code;
}

void seqc_rt_clear_error(seqc_error *err) {
  if (!err)
    return;
  err->code = SEQC_OK;
  err->message[0] = '\0';
}

size_t seqc_rt_dtype_size(int32_t dtype) {
  switch (dtype) {
#define SEQC_DTYPE_SIZE(name, number, word, bytes, ctype)                      \
  case SEQC_DTYPE_##name:                                                      \
    return bytes;
    SEQC_DTYPE_LIST(SEQC_DTYPE_SIZE)
#undef SEQC_DTYPE_SIZE
  default:
    return 0;
  }
}

const char *seqc_rt_dtype_name(int32_t dtype) {
  switch (dtype) {
#define SEQC_DTYPE_NAME(name, number, word, bytes, ctype)                      \
  case SEQC_DTYPE_##name:                                                      \
    return word;
    SEQC_DTYPE_LIST(SEQC_DTYPE_NAME)
#undef SEQC_DTYPE_NAME
  default:
    return "unknown";
  }
}
