//===- OnnxImporter.cpp - .onnx files into the seq dialect ---------------===//

#include "compiler/Import/Onnx/OnnxImporter.h"
#include "compiler/Import/Onnx/GraphImporter.h"

#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/Verifier.h"

#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"

using namespace mlir;

namespace seqc {

/// The opsets whose operator definitions this importer implements.
static constexpr int64_t kMinOpset = 11, kMaxOpset = 22;

/// Appends to `files` the external data file of every tensor in `graph`
/// and its subgraphs (initializers and Constant nodes' values), each once,
/// as a path from the model's folder.
static void collectExternalFiles(const onnx::GraphProto &graph,
                                 StringRef modelPath,
                                 std::vector<std::string> &files) {
  auto add = [&](const onnx::TensorProto &tensor) {
    if (tensor.data_location() != onnx::TensorProto::EXTERNAL)
      return;
    for (const onnx::StringStringEntryProto &entry : tensor.external_data())
      if (entry.key() == "location" && !entry.value().empty()) {
        SmallString<256> file(llvm::sys::path::parent_path(modelPath));
        llvm::sys::path::append(file, entry.value());
        if (!llvm::is_contained(files, file.str()))
          files.push_back(file.str().str());
      }
  };
  for (const onnx::TensorProto &tensor : graph.initializer())
    add(tensor);
  for (const onnx::NodeProto &node : graph.node())
    for (const onnx::AttributeProto &attribute : node.attribute()) {
      if (attribute.has_t())
        add(attribute.t());
      if (attribute.has_g())
        collectExternalFiles(attribute.g(), modelPath, files);
      for (const onnx::GraphProto &g : attribute.graphs())
        collectExternalFiles(g, modelPath, files);
    }
}

OwningOpRef<ModuleOp> importOnnx(StringRef path, MLIRContext *context,
                                 std::vector<std::string> *externalFiles) {
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
  if (externalFiles)
    collectExternalFiles(model.graph(), path, *externalFiles);
  return module;
}

} // namespace seqc
