//===- Messages.h - seq-run's messages and tensor descriptions -*- C++ -*-===//

#ifndef SEQC_TOOLS_TOOLING_MESSAGES_H
#define SEQC_TOOLS_TOOLING_MESSAGES_H

#include "seqc/model.h"

#include <string>

namespace seqc::tooling {

/// Prints "seq-run: error: " and the formatted message to stderr.
void printError(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/// "[T,B,4]": static sizes, dimension names, "?" for unnamed dynamic ones.
std::string dimsText(const seqc_tensor_info *info);
/// "[10,2,4]".
std::string shapeText(int64_t rank, const int64_t *shape);
/// "x f32 [T,B,4]".
std::string describe(const seqc_tensor_info *info);

} // namespace seqc::tooling

#endif // SEQC_TOOLS_TOOLING_MESSAGES_H
