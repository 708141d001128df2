//===- fuzz_import.cpp - libFuzzer harness: the front ends ---------------===//
//
// Any bytes as a model file: the .seq parser and importer (with a fixed
// weights file) or the ONNX importer, chosen at build time by
// SEQC_FUZZ_EXTENSION (".seq" or ".onnx"). A failed import is fine (its
// diagnostics are dropped); a crash, an assertion, a sanitizer report or an
// imported module that does not verify is a finding.
//
//===----------------------------------------------------------------------===//

#include "compiler/Import/Import.h"
#include "dialects/Seq/IR/SeqDialect.h"

#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/IR/Verifier.h"
#include "mlir/InitAllDialects.h"
#include "mlir/InitAllExtensions.h"

#include "llvm/Support/raw_ostream.h"

#include <cstdio>
#include <cstdlib>
#include <string>
#include <unistd.h>

namespace {

mlir::MLIRContext &context() {
  static mlir::MLIRContext *ctx = [] {
    mlir::DialectRegistry registry;
    mlir::registerAllDialects(registry);
    mlir::registerAllExtensions(registry);
    // The seq dialect alone, not seqc::registerAllDialects: that library
    // also brings every pass, which the harness would build instrumented
    // for nothing.
    registry.insert<seqc::seq::SeqDialect>();
    auto *c = new mlir::MLIRContext(registry);
    c->loadAllAvailableDialects();
    c->printOpOnDiagnostic(false);
    // Errors are expected on most inputs; only crashes matter.
    c->getDiagEngine().registerHandler([](mlir::Diagnostic &) {});
    return c;
  }();
  return *ctx;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  static const std::string path = "/tmp/seqc-fuzz-" +
                                  std::to_string(getpid()) +
                                  SEQC_FUZZ_EXTENSION;
  // The file is removed when the process exits, else every run left one.
  static const int removeAtExit =
      std::atexit([] { std::remove(path.c_str()); });
  (void)removeAtExit;
  FILE *f = std::fopen(path.c_str(), "wb");
  if (!f)
    return 0;
  std::fwrite(data, 1, size, f);
  std::fclose(f);
  llvm::SourceMgr sourceMgr;
  seqc::ImportOptions options;
  if (std::string(SEQC_FUZZ_EXTENSION) == ".seq")
    options.weightsPath = SEQC_FUZZ_WEIGHTS;
  mlir::OwningOpRef<mlir::ModuleOp> module =
      seqc::importModel(path, sourceMgr, &context(), options);
  if (module && mlir::failed(mlir::verify(*module))) {
    llvm::errs() << "an imported module does not verify\n";
    std::abort();
  }
  return 0;
}
