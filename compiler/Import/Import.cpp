//===- Import.cpp - model files into the seq dialect --------------------===//

#include "compiler/Import/Import.h"
#include "compiler/Import/ModelDescription/ModelDescription.h"
#include "compiler/Import/Onnx/OnnxImporter.h"

#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/Verifier.h"
#include "mlir/Parser/Parser.h"
#include "mlir/Support/FileUtilities.h"

#include "llvm/Support/Path.h"

using namespace mlir;

namespace seqc {

/// Where errors about the file as a whole point: `path:0:0`.
static Location fileLocation(MLIRContext *context, StringRef path) {
  return FileLineColLoc::get(context, path, 0, 0);
}

static OwningOpRef<ModuleOp> importMLIR(StringRef path,
                                        llvm::SourceMgr &sourceMgr,
                                        MLIRContext *context,
                                        const ImportOptions &options) {
  if (!options.weightsPath.empty()) {
    emitError(fileLocation(context, path))
        << "--weights applies to .seq models; a .mlir model holds its "
           "weights as constants";
    return nullptr;
  }
  std::string error;
  std::unique_ptr<llvm::MemoryBuffer> file = openInputFile(path, &error);
  if (!file) {
    emitError(fileLocation(context, path)) << error;
    return nullptr;
  }
  sourceMgr.AddNewSourceBuffer(std::move(file), llvm::SMLoc());
  OwningOpRef<ModuleOp> module =
      parseSourceFile<ModuleOp>(sourceMgr, ParserConfig(context));
  if (!module || failed(verify(*module)))
    return nullptr;
  return module;
}

OwningOpRef<ModuleOp> importModel(StringRef path, llvm::SourceMgr &sourceMgr,
                                  MLIRContext *context,
                                  const ImportOptions &options) {
  StringRef extension = llvm::sys::path::extension(path);
  if (extension == ".seq")
    return importModelDescription(path, sourceMgr, context,
                                  options.weightsPath);
  if (extension == ".onnx") {
    if (!options.weightsPath.empty()) {
      emitError(fileLocation(context, path))
          << "--weights applies to .seq models; an .onnx model holds its "
             "weights as initializers";
      return nullptr;
    }
    return importOnnx(path, context);
  }
  return importMLIR(path, sourceMgr, context, options);
}

} // namespace seqc
