//===- ScanBodies.h - what ONNX Loop and Scan share -------------*- C++ -*-===//
//
// Internal to the ONNX front end. Loop (ControlFlowOps.cpp) and Scan
// (ScanOps.cpp) both import their body into a first seq.scan without
// per-step outputs, since the outputs' types and sizes are known only once
// the body is; addScanOutputs then builds the scan with its `outs`.
//
//===----------------------------------------------------------------------===//

#ifndef SEQC_COMPILER_IMPORT_ONNX_SCANBODIES_H
#define SEQC_COMPILER_IMPORT_ONNX_SCANBODIES_H

#include "compiler/Import/Onnx/GraphImporter.h"
#include "dialects/Seq/IR/SeqOps.h"

namespace seqc::onnx_import {

/// The first Loop or Scan node in `graph` or, at any depth, in the
/// subgraphs of its nodes (an If's branches), or null: loops nested in a
/// loop body are not supported.
const onnx::NodeProto *findNestedLoop(const onnx::GraphProto &graph);

/// Checks at run time that `next`, the value a body yields for the carried
/// `carried`, has its dynamic sizes (seq.scan's carried values keep their
/// type; ONNX lets a state grow): the message says "NODE: WHAT N elements
/// along dimension D, not as many as it had ...".
void checkStateKeepsShape(GraphImporter &g, mlir::Value next,
                          mlir::Value carried, const std::string &what);

/// Rebuilds `draft`, a seq.scan whose body yields the next carried values
/// and then `perStep` (named `names` in messages), with `outs` tensors
/// [steps, ...] whose sizes are traced to values outside the scan, and
/// erases `draft`. When a size cannot be traced (a per-step value whose
/// shape depends on the step), emits an error naming the value, erases
/// `draft` and fails.
mlir::FailureOr<seq::ScanOp> addScanOutputs(GraphImporter &g, seq::ScanOp draft,
                                            llvm::ArrayRef<std::string> names,
                                            mlir::ValueRange perStep,
                                            mlir::Value steps);

} // namespace seqc::onnx_import

#endif // SEQC_COMPILER_IMPORT_ONNX_SCANBODIES_H
