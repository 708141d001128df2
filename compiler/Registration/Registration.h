//===- Registration.h - dialects and passes seqc tools load -----*- C++ -*-===//
//
// The one list of what seq-opt, seqc and the tests register, so that a
// pipeline that works in seq-opt works in seqc.
//
//===----------------------------------------------------------------------===//

#ifndef SEQC_COMPILER_REGISTRATION_REGISTRATION_H
#define SEQC_COMPILER_REGISTRATION_REGISTRATION_H

namespace mlir {
class DialectRegistry;
} // namespace mlir

namespace seqc {

/// Adds `seq` and the upstream dialects the front ends and pipelines
/// produce or consume (nothing else: an op of another dialect in MLIR input
/// is an error), with the interface models, LLVM conversions, transform
/// extensions and LLVM IR translations they need.
void registerAllDialects(mlir::DialectRegistry &registry);

/// Registers seqc's passes and pipelines and the upstream passes of the
/// dialects above and the conversions, with the command-line registry (for
/// seq-opt).
void registerAllPasses();

} // namespace seqc

#endif // SEQC_COMPILER_REGISTRATION_REGISTRATION_H
