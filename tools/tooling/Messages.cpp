//===- Messages.cpp - seq-run's messages and tensor descriptions ---------===//

#include "tools/tooling/Messages.h"

#include "seqc/runtime.h"

#include <cstdarg>
#include <cstdio>

namespace seqc::tooling {

void printError(const char *fmt, ...) {
  std::fputs("seq-run: error: ", stderr);
  va_list args;
  va_start(args, fmt);
  std::vfprintf(stderr, fmt, args);
  va_end(args);
  std::fputc('\n', stderr);
}

std::string dimsText(const seqc_tensor_info *info) {
  std::string s = "[";
  for (int32_t d = 0; d < info->rank; ++d) {
    if (d)
      s += ",";
    if (info->shape[d] >= 0)
      s += std::to_string(info->shape[d]);
    else if (info->dim_names && info->dim_names[d])
      s += info->dim_names[d];
    else
      s += "?";
  }
  return s + "]";
}

std::string shapeText(int64_t rank, const int64_t *shape) {
  std::string s = "[";
  for (int64_t d = 0; d < rank; ++d)
    s += (d ? "," : "") + std::to_string(shape[d]);
  return s + "]";
}

std::string describe(const seqc_tensor_info *info) {
  return std::string(info->name) + " " + seqc_rt_dtype_name(info->dtype) + " " +
         dimsText(info);
}

} // namespace seqc::tooling
