//===- HeaderEmission.h - the C header of a compiled model ------*- C++ -*-===//

#ifndef SEQC_COMPILER_TARGET_HEADEREMISSION_H
#define SEQC_COMPILER_TARGET_HEADEREMISSION_H

#include "compiler/Target/ModelSignature.h"

#include <string>

namespace seqc {

/// The C header declaring `<name>_api()` and the typed create / run /
/// destroy wrappers over runtime/include/seqc/model.h. `source` names the
/// model file in the banner.
std::string emitHeader(const ModelSignature &signature,
                       llvm::StringRef source);

} // namespace seqc

#endif // SEQC_COMPILER_TARGET_HEADEREMISSION_H
