//===- seq-opt.cpp - mlir-opt for the seq dialect -----------------------===//
//
// Registers the seq dialect, the upstream dialects and passes seqc uses, and
// seqc's own passes and pipelines; everything else is MlirOptMain.
//
//===----------------------------------------------------------------------===//

#include "compiler/Registration/Registration.h"

#include "mlir/IR/DialectRegistry.h"
#include "mlir/InitAllDialects.h"
#include "mlir/InitAllExtensions.h"
#include "mlir/InitAllPasses.h"
#include "mlir/Tools/mlir-opt/MlirOptMain.h"

int main(int argc, char **argv) {
  // Everything upstream too, so that any stage of a seqc pipeline can be
  // replayed and bisected with seq-opt alone.
  mlir::DialectRegistry registry;
  mlir::registerAllDialects(registry);
  mlir::registerAllExtensions(registry);
  mlir::registerAllPasses();
  seqc::registerAllDialects(registry);
  seqc::registerAllPasses();
  return mlir::asMainReturnCode(
      mlir::MlirOptMain(argc, argv, "seq optimizer driver\n", registry));
}
