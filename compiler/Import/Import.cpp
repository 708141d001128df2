//===- Import.cpp - model files into the seq dialect --------------------===//

#include "compiler/Import/Import.h"
#include "compiler/Import/ModelDescription/ModelDescription.h"
#include "compiler/Import/Onnx/OnnxImporter.h"
#include "compiler/Transforms/Passes.h"
#include "dialects/Seq/Transforms/Passes.h"
#include "dialects/Seq/Utils/CheckUtils.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/Verifier.h"
#include "mlir/Parser/Parser.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Support/FileUtilities.h"

#include "llvm/ADT/StringMap.h"

#include "llvm/ADT/StringSet.h"
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
  // A model computes on tensors; memory, vectors and target code are the
  // compiler's to make (a memref.load or vector.load at an index read from
  // data would be a raw access that no check guards), and failures are
  // the runtime's to report (a cf.assert would abort the caller).
  static const llvm::StringSet<> accepted = {
      "builtin", "func", "seq", "arith",  "math", "tensor",
      "linalg",  "scf",  "ub",  "affine", "index"};
  WalkResult unaccepted = module->walk([&](Operation *op) {
    // (tensor.dim past the rank is undefined behavior that the verifier
    // lets through: it would read some other size.)
    if (auto dim = dyn_cast<tensor::DimOp>(op)) {
      auto type = cast<ShapedType>(dim.getSource().getType());
      std::optional<int64_t> index = dim.getConstantIndex();
      if (index && type.hasRank() && (*index < 0 || *index >= type.getRank())) {
        op->emitError() << "dimension " << *index << " of a rank-"
                        << type.getRank() << " tensor does not exist";
        return WalkResult::interrupt();
      }
    }
    // The math ops no lowering of seqc's CPU pipeline covers: named here,
    // with what to write instead, rather than "failed to legalize" later.
    static const llvm::StringMap<StringRef> unlowered = {
        {"math.ipowi", "use arith.muli, or math.powf on floats"},
        {"math.isinf", "compare math.absf of the value with +inf "
                       "(arith.cmpf oeq)"},
        {"math.isnormal", "compare math.absf of the value with the smallest "
                          "normal float (arith.cmpf oge) and with +inf "
                          "(arith.cmpf olt)"},
        {"math.clampf", "use arith.maximumf, then arith.minimumf"}};
    if (auto it = unlowered.find(op->getName().getStringRef());
        it != unlowered.end()) {
      op->emitError() << "seqc cannot compile '" << op->getName()
                      << "', which it has no lowering of: " << it->second;
      return WalkResult::interrupt();
    }
    StringRef dialect = op->getName().getDialectNamespace();
    if (accepted.contains(dialect))
      return WalkResult::advance();
    op->emitError() << "'" << op->getName()
                    << "' is not accepted in a .mlir model: seqc reads the "
                       "seq dialect with upstream func, arith, math, tensor, "
                       "linalg, scf, affine and index ops on tensors "
                       "(memref, bufferization, vector, llvm and gpu ops are "
                       "what it generates; cf.assert would abort the caller)";
    return WalkResult::interrupt();
  });
  if (unaccepted.wasInterrupted())
    return nullptr;
  // Element accesses written by hand may index with data (a gather in a
  // linalg body), and integer divisions divide by it: they get run-time
  // checks (seq::kCheckBoundsAttr).
  module->walk([&](Operation *op) {
    if (isa<tensor::ExtractOp, tensor::InsertOp, tensor::PadOp, arith::DivSIOp,
            arith::DivUIOp, arith::RemSIOp, arith::RemUIOp, arith::CeilDivSIOp,
            arith::CeilDivUIOp, arith::FloorDivSIOp>(op))
      op->setAttr(seq::kCheckBoundsAttr, UnitAttr::get(context));
  });
  return module;
}

static OwningOpRef<ModuleOp> importFile(StringRef path,
                                        llvm::SourceMgr &sourceMgr,
                                        MLIRContext *context,
                                        const ImportOptions &options) {
  StringRef extension = llvm::sys::path::extension(path);
  if (extension == ".seq") {
    std::string weightsFile;
    OwningOpRef<ModuleOp> module = importModelDescription(
        path, sourceMgr, context, options.weightsPath, &weightsFile);
    if (options.filesRead && !weightsFile.empty())
      options.filesRead->push_back(weightsFile);
    return module;
  }
  if (extension == ".onnx") {
    if (!options.weightsPath.empty()) {
      emitError(fileLocation(context, path))
          << "--weights applies to .seq models; an .onnx model holds its "
             "weights as initializers";
      return nullptr;
    }
    return importOnnx(path, context, options.filesRead);
  }
  if (extension == ".mlir" || extension == ".mlirbc" || path == "-")
    return importMLIR(path, sourceMgr, context, options);
  // Guessing would parse a .txt or .pt file as MLIR and report a syntax
  // error in it.
  emitError(fileLocation(context, path))
      << "unknown model file extension '" << extension
      << "': seqc reads a .seq model description, an .onnx file or seq "
         "dialect .mlir or .mlirbc ('-': MLIR from stdin)";
  return nullptr;
}

OwningOpRef<ModuleOp> importModel(StringRef path, llvm::SourceMgr &sourceMgr,
                                  MLIRContext *context,
                                  const ImportOptions &options) {
  if (options.filesRead && path != "-")
    options.filesRead->push_back(path.str());
  OwningOpRef<ModuleOp> module = importFile(path, sourceMgr, context, options);
  if (!module)
    return nullptr;
  // Whatever the front end, what the model spells out with plain ops and
  // seq has an op for is raised to that op. The raisings read elementwise
  // ops as linalg.generics: elementwise arith/math on whole tensors (how
  // the .seq front end writes a same-shape add, and MLIR input may) become
  // those first, as the CPU pipeline would make them anyway.
  PassManager pm(context);
  pm.addPass(createElementwiseToLinalgPass());
  pm.addPass(seq::createRaiseAttentionPass());
  pm.addPass(seq::createRaiseGeluPass());
  pm.addPass(seq::createRaiseNormsPass());
  pm.addPass(seq::createRaiseLinearBiasPass());
  pm.addPass(seq::createRaiseConvPaddingPass());
  pm.addPass(seq::createRaiseTimeShiftPass());
  pm.addPass(seq::createRaisePositionsPass());
  // (After the positions: ALiBi's bias is made from them.)
  pm.addPass(seq::createRaiseAlibiPass());
  if (failed(pm.run(*module)))
    return nullptr;
  return module;
}

} // namespace seqc
