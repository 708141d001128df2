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

/// Adds `seq` and every upstream dialect the pipelines produce or consume.
void registerAllDialects(mlir::DialectRegistry &registry);

/// Registers seqc's passes and pipelines and the upstream passes they use,
/// with the command-line registry (for seq-opt).
void registerAllPasses();

} // namespace seqc

#endif // SEQC_COMPILER_REGISTRATION_REGISTRATION_H
