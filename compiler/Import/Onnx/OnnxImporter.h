//===- OnnxImporter.h - ONNX models into the seq dialect --------*- C++ -*-===//
//
// Reads a .onnx file (ModelProto, parsed by Debian's libonnx_proto) and
// builds one public function whose arguments are the graph inputs and whose
// results are the graph outputs. Initializers become arith.constant weights.
//
//===----------------------------------------------------------------------===//

#ifndef SEQC_COMPILER_IMPORT_ONNX_ONNXIMPORTER_H
#define SEQC_COMPILER_IMPORT_ONNX_ONNXIMPORTER_H

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/OwningOpRef.h"

#include <string>
#include <vector>

namespace seqc {

/// Imports the ONNX model at `path`; errors (naming the node, its op type
/// and the opset) go to `context`'s diagnostic handler. Returns null on
/// failure. With `externalFiles`, appends the external data files its
/// tensors name (ONNX's `location`, relative to the model's folder).
mlir::OwningOpRef<mlir::ModuleOp>
importOnnx(llvm::StringRef path, mlir::MLIRContext *context,
           std::vector<std::string> *externalFiles = nullptr);

} // namespace seqc

#endif // SEQC_COMPILER_IMPORT_ONNX_ONNXIMPORTER_H
