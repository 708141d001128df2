//===- OnnxImporter.cpp - .onnx files into the seq dialect ---------------===//

#include "compiler/Import/Onnx/OnnxImporter.h"
#include "compiler/Import/Onnx/GraphImporter.h"

#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/Verifier.h"

#include "llvm/Support/MemoryBuffer.h"

using namespace mlir;

namespace seqc {

/// The opsets whose operator definitions this importer implements.
static constexpr int64_t kMinOpset = 11, kMaxOpset = 17;

OwningOpRef<ModuleOp> importOnnx(StringRef path, MLIRContext *context) {
  Location fileLoc = FileLineColLoc::get(context, path, 0, 0);
  auto buffer = llvm::MemoryBuffer::getFile(path, /*IsText=*/false,
                                            /*RequiresNullTerminator=*/false);
  if (!buffer) {
    emitError(fileLoc) << "cannot read the ONNX model: "
                       << buffer.getError().message();
    return nullptr;
  }
  onnx::ModelProto model;
  StringRef bytes = (*buffer)->getBuffer();
  if (bytes.size() > static_cast<size_t>(INT_MAX) ||
      !model.ParseFromArray(bytes.data(), static_cast<int>(bytes.size()))) {
    emitError(fileLoc) << "not a valid ONNX model (the protobuf ModelProto "
                          "does not parse; is the file truncated?)";
    return nullptr;
  }
  if (!model.has_graph() || model.graph().node_size() == 0) {
    emitError(fileLoc) << "not a valid ONNX model (no graph or no nodes)";
    return nullptr;
  }
  int64_t opset = -1;
  for (const onnx::OperatorSetIdProto &set : model.opset_import())
    if (set.domain().empty() || set.domain() == "ai.onnx")
      opset = set.version();
  if (opset < 0) {
    emitError(fileLoc) << "the ONNX model imports no default-domain opset";
    return nullptr;
  }
  if (opset < kMinOpset || opset > kMaxOpset) {
    emitError(fileLoc) << "ONNX opset " << opset
                       << " is not supported (supported: " << kMinOpset
                       << " to " << kMaxOpset
                       << "; re-export with opset_version in that range)";
    return nullptr;
  }
  OwningOpRef<ModuleOp> module = ModuleOp::create(fileLoc);
  onnx_import::GraphImporter importer(context, path, opset);
  if (failed(importer.importGraph(model.graph(), *module)))
    return nullptr;
  if (failed(verify(*module)))
    return nullptr;
  return module;
}

} // namespace seqc
