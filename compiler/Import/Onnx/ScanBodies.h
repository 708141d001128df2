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

#include <set>

namespace seqc::onnx_import {

/// Whether a node of `graph` other than `except`, or of a subgraph of one
/// (an If's branches read the enclosing body's values by name), reads
/// `name` (LoopGraphs.cpp).
bool graphReads(const onnx::GraphProto &graph, const std::string &name,
                const onnx::NodeProto *except);

/// The nodes of Loop body `body` that read step `iterName` (the loop
/// counter) of a value defined outside the loop, not one of the `carried`
/// names: Gather(X, t) and SequenceAt(X, t). `reads`: those at the body's
/// top level; `branchGroups`: those in the branches of each If of the body
/// (`if t == 0: inp = x[:, t]`), a group per If, only when no step read
/// of that If reads a value the loop makes (LoopGraphs.cpp).
void collectLoopStepReads(
    const onnx::GraphProto &body, const std::string &iterName,
    const std::set<std::string> &carried,
    llvm::SmallVectorImpl<const onnx::NodeProto *> &reads,
    llvm::SmallVectorImpl<llvm::SmallVector<const onnx::NodeProto *>>
        &branchGroups);

/// The first Loop or Scan node in `graph` or, at any depth, in the
/// subgraphs of its nodes (an If's branches), or null: loops nested in a
/// loop body are not supported.
const onnx::NodeProto *findNestedLoop(const onnx::GraphProto &graph);

/// The first node of Loop body `body` (or of its subgraphs) whose result's
/// shape depends on the step: an Expand, Reshape, Tile, ConstantOfShape,
/// Range, OneHot, TopK or Pad whose shape or size input is computed from
/// the step index or the carried values (not only through Shape or Size),
/// as torch 1.13's repeat_interleave loop computes Expand's shape from the
/// step's repeat count. Null when there is none.
const onnx::NodeProto *findStepShapedNode(const onnx::GraphProto &body);

/// The most steps, and body nodes times steps, of a Loop the importer
/// unrolls (UnrolledLoops.cpp): repeat_interleave over a head dimension or
/// a rotary half is tens of steps.
inline constexpr int64_t kMaxUnrolledSteps = 256;
inline constexpr int64_t kMaxUnrolledNodes = 65536;

/// `next`, the value a Loop's or Scan's body yields for the carried
/// `carried` (`what`: "state value 0 ('h')"), as the carried type: an error
/// ("its body gives WHAT as T, not the type it starts with, T0" + `hint`)
/// when the types cannot match; a run-time check for each size that may
/// differ and the IR does not show equal (seq.scan's carried values keep
/// their shape; ONNX lets a state grow): "NODE: the OP's body gives WHAT N
/// elements along dimension D, not as many as it had ...".
mlir::FailureOr<mlir::Value> yieldCarried(GraphImporter &g, mlir::Value next,
                                          mlir::Value carried,
                                          const std::string &what,
                                          llvm::StringRef hint);

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
