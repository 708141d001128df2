//===- seq-opt.cpp - mlir-opt for the seq dialect -----------------------===//
//
// Registers the seq dialect, the upstream dialects, interfaces and passes
// seqc uses (compiler/Registration), and seqc's own passes and pipelines;
// everything else is MlirOptMain. Any stage of a seqc pipeline can be
// replayed and bisected with seq-opt alone.
//
//===----------------------------------------------------------------------===//

#include "compiler/Registration/Registration.h"

#include "mlir/IR/DialectRegistry.h"
#include "mlir/Tools/mlir-opt/MlirOptMain.h"

int main(int argc, char **argv) {
  mlir::DialectRegistry registry;
  seqc::registerAllDialects(registry);
  seqc::registerAllPasses();
  return mlir::asMainReturnCode(
      mlir::MlirOptMain(argc, argv, "seq optimizer driver\n", registry));
}
