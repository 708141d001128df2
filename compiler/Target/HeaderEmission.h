//===- HeaderEmission.h - the C header of a compiled model ------*- C++ -*-===//

#ifndef SEQC_COMPILER_TARGET_HEADEREMISSION_H
#define SEQC_COMPILER_TARGET_HEADEREMISSION_H

#include "compiler/ModelABI/ModelAbi.h"

#include <string>

namespace seqc {

/// The C header declaring `<name>_api()` and the typed create / run /
/// destroy wrappers over runtime/include/seqc/model.h, plus, when `step` is
/// given (causal models), `<name>_step_api()` and the streaming wrappers
/// state_create / state_reset / step / state_destroy over
/// runtime/include/seqc/stream.h. `source` names the model file; without
/// a step, `noStepReason` (when not empty) says why the model has none.
std::string emitHeader(const ModelSignature &signature,
                       const ModelSignature *step, llvm::StringRef source,
                       llvm::StringRef noStepReason = "");

/// The header of the model `module`'s `seq.model_abi` records; an error on
/// the module when it records none.
mlir::FailureOr<std::string> emitHeader(mlir::ModuleOp module,
                                        llvm::StringRef source);

} // namespace seqc

#endif // SEQC_COMPILER_TARGET_HEADEREMISSION_H
