//===- ScanOps.cpp - ONNX Scan as seq.scan --------------------------------===//
//
// ONNX Scan (opset 11 and later; tf2onnx writes it for tf.scan and
// TensorFlow's RNN loops, hand-built graphs for any recurrence)
//
//   state_final..., y... = Scan(state_0..., x...) {
//     (state..., x_t...) -> (state_next..., y_t...)
//   }
//
// is a seq.scan: the N state values are carried, the M scanned inputs are
// its sequences and the K per-step values its outputs. Each scanned input
// is read along its `scan_input_axes` entry (moved to dimension 0 first),
// front to back or, with `scan_input_directions` 1, back to front; each
// output is stacked along its `scan_output_axes` entry, in step order or
// (`scan_output_directions` 1: prepended at each step) reversed. All
// scanned inputs must be equally long.
//
// The seq.scan runs backwards (`reverse`) when every scanned input is read
// back to front (a backward RNN) and forwards otherwise; a scanned input
// or an output whose direction differs from the scan's is reversed
// outside the loop. A state keeps its shape from step to step (ONNX lets
// one grow; seqc checks a dynamic size at run time). (Scan-8, with a batch
// dimension and sequence_lens, is older than the opsets the importer
// reads.)
//
//===----------------------------------------------------------------------===//

#include "compiler/Import/Onnx/GraphImporter.h"
#include "compiler/Import/Onnx/ScanBodies.h"
#include "dialects/Seq/IR/SeqOps.h"
#include "dialects/Seq/Utils/TensorUtils.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Utils/StaticValueUtils.h"

#include "llvm/ADT/StringSet.h"

using namespace mlir;

namespace seqc::onnx_import {

namespace {

/// `x` with dimension 0 read back to front.
Value reverseDim0(GraphImporter &g, Value x) {
  OpBuilder &b = g.builder;
  Location loc = g.loc;
  auto type = tensorType(x);
  int64_t rank = type.getRank();
  Value init =
      seq::createEmptyTensor(b, loc, shapeOf(g, x), type.getElementType());
  Value last =
      arith::SubIOp::create(b, loc, tensor::DimOp::create(b, loc, x, 0),
                            arith::ConstantIndexOp::create(b, loc, 1));
  return linalg::GenericOp::create(
             b, loc, TypeRange{init.getType()}, ValueRange{}, ValueRange{init},
             ArrayRef<AffineMap>{
                 AffineMap::getMultiDimIdentityMap(rank, b.getContext())},
             SmallVector<utils::IteratorType>(rank,
                                              utils::IteratorType::parallel),
             [&](OpBuilder &nb, Location l, ValueRange) {
               SmallVector<Value> idx;
               for (int64_t d = 0; d < rank; ++d)
                 idx.push_back(linalg::IndexOp::create(nb, l, d));
               idx[0] = arith::SubIOp::create(nb, l, last, idx[0]);
               linalg::YieldOp::create(
                   nb, l, tensor::ExtractOp::create(nb, l, x, idx).getResult());
             })
      .getResult(0);
}

/// `x` with dimension `from` moved to position `to` (the others keep their
/// order).
Value moveDim(GraphImporter &g, Value x, int64_t from, int64_t to) {
  if (from == to)
    return x;
  int64_t rank = tensorType(x).getRank();
  SmallVector<int64_t> rest;
  for (int64_t d = 0; d < rank; ++d)
    if (d != from)
      rest.push_back(d);
  SmallVector<int64_t> perm(rest.begin(), rest.begin() + to);
  perm.push_back(from);
  perm.append(rest.begin() + to, rest.end());
  return seq::createTranspose(g.builder, g.loc, x, perm);
}

/// The `name` attribute (a list of `count` entries, each 0 by default) of
/// the current Scan, or failure with an error.
FailureOr<SmallVector<int64_t>> scanList(GraphImporter &g, StringRef name,
                                         int count) {
  std::optional<SmallVector<int64_t>> list = g.intsAttr(name);
  if (!list)
    return SmallVector<int64_t>(count, 0);
  if (static_cast<int>(list->size()) != count) {
    g.nodeError() << "has " << list->size() << " entries in '" << name
                  << "'; it needs one per "
                  << (name.starts_with("scan_input") ? "scanned input"
                                                     : "scan output")
                  << " (" << count << ")";
    return failure();
  }
  return *list;
}

} // namespace

LogicalResult GraphImporter::importScan() {
  if (failed(checkAttrs({"body", "num_scan_inputs", "scan_input_axes",
                         "scan_input_directions", "scan_output_axes",
                         "scan_output_directions"})))
    return failure();
  const onnx::AttributeProto *bodyAttr = attr("body");
  std::optional<int64_t> numScanInputs = intAttr("num_scan_inputs");
  if (!bodyAttr || !bodyAttr->has_g() || !numScanInputs) {
    nodeError() << "needs the attributes 'body' and 'num_scan_inputs'";
    return failure();
  }
  const onnx::GraphProto &body = bodyAttr->g();
  int numInputs = node->input_size();
  if (*numScanInputs < 1 || *numScanInputs > numInputs) {
    nodeError() << "has num_scan_inputs = " << *numScanInputs << " with "
                << numInputs << " inputs; it scans 1 to " << numInputs;
    return failure();
  }
  int m = *numScanInputs, n = numInputs - m;
  int k = body.output_size() - n;
  if (body.input_size() != n + m || k < 0) {
    nodeError() << "its body takes " << body.input_size() << " inputs and "
                << "gives " << body.output_size() << " outputs; a Scan of " << n
                << " state values and " << m << " scanned inputs needs "
                << n + m << " inputs and at least " << n << " outputs";
    return failure();
  }
  if (node->output_size() > n + k) {
    nodeError() << "has " << node->output_size() << " outputs, but its body "
                << "gives " << n + k;
    return failure();
  }
  if (const onnx::NodeProto *nested = findNestedLoop(body)) {
    nodeError() << "its body holds a nested " << nested->op_type() << " node '"
                << nested->name() << "', which is not supported";
    return failure();
  }
  FailureOr<SmallVector<int64_t>> inAxes =
                                      scanList(*this, "scan_input_axes", m),
                                  inDirs = scanList(*this,
                                                    "scan_input_directions", m),
                                  outAxes =
                                      scanList(*this, "scan_output_axes", k),
                                  outDirs = scanList(
                                      *this, "scan_output_directions", k);
  if (failed(inAxes) || failed(inDirs) || failed(outAxes) || failed(outDirs))
    return failure();
  for (auto [name, dirs] : {std::pair{"scan_input_directions", &*inDirs},
                            std::pair{"scan_output_directions", &*outDirs}})
    for (int64_t dir : *dirs)
      if (dir != 0 && dir != 1) {
        nodeError() << "has the direction " << dir << " in '" << name
                    << "'; a direction is 0 (forward) or 1 (reverse)";
        return failure();
      }
  if (failed(verifyGraphSchemas(body)))
    return failure();

  // The state values, then the scanned inputs with their axis first.
  SmallVector<Value> inits, sequences;
  for (int i = 0; i < n + m; ++i) {
    OnnxValue *v = lookup(node->input(i));
    Value tensor = v && v->sequence == OnnxValue::Sequence::none
                       ? materialize(*v)
                       : Value();
    if (!tensor) {
      nodeError() << (i < n ? "state value '" : "scanned input '")
                  << node->input(i) << "' is not a defined tensor";
      return failure();
    }
    if (i < n) {
      inits.push_back(tensor);
      continue;
    }
    int64_t rank = tensorType(tensor).getRank();
    if (rank < 1) {
      nodeError() << "scans '" << node->input(i)
                  << "', a scalar; a scanned input has a dimension to scan";
      return failure();
    }
    std::optional<int64_t> axis = normalizeAxis(*this, (*inAxes)[i - n], rank);
    if (!axis)
      return failure();
    sequences.push_back(moveDim(*this, tensor, *axis, 0));
  }
  // One length for all scanned inputs: a static mismatch is refused here
  // (against the first static length); seq.scan ties its sequences'
  // lengths, so dynamic ones are checked where the model's inputs are
  // (seq-insert-shape-checks).
  Value steps = tensor::DimOp::create(builder, loc, sequences[0], 0);
  std::optional<int> firstStatic;
  for (int j = 0; j < m; ++j) {
    int64_t length = tensorType(sequences[j]).getDimSize(0);
    if (ShapedType::isDynamic(length))
      continue;
    if (!firstStatic) {
      firstStatic = j;
      continue;
    }
    int64_t first = tensorType(sequences[*firstStatic]).getDimSize(0);
    if (first != length) {
      nodeError() << "scans '" << node->input(n + *firstStatic) << "' ("
                  << first << " steps) and '" << node->input(n + j) << "' ("
                  << length << " steps); scanned inputs must be equally long";
      return failure();
    }
  }
  bool reverse = llvm::all_of(*inDirs, [](int64_t d) { return d == 1; });
  for (int j = 0; j < m; ++j)
    if (((*inDirs)[j] == 1) != reverse)
      sequences[j] = reverseDim0(*this, sequences[j]);

  // The body, imported into a first scan without per-step outputs.
  BodyScope scope = beginBodyScope();
  const onnx::NodeProto *scanNode = node;
  Location scanLoc = loc;
  SmallVector<std::string> perStepNames;
  for (int j = 0; j < k; ++j)
    perStepNames.push_back(body.output(n + j).name());
  LogicalResult bodyResult = success();
  SmallVector<Value> perStep;
  auto draft = seq::ScanOp::create(
      builder, loc, inits, sequences, ValueRange{}, reverse,
      [&](OpBuilder &nb, Location, Value, ValueRange carried,
          ValueRange slices) {
        OpBuilder::InsertionGuard guard(builder);
        builder.setInsertionPoint(nb.getInsertionBlock(),
                                  nb.getInsertionPoint());
        if (failed(bindBodyInitializers(scope, body))) {
          bodyResult = failure();
          return;
        }
        for (int i = 0; i < n + m; ++i) {
          OnnxValue v;
          v.tensor = i < n ? carried[i] : slices[i - n];
          if (body.input(i).type().has_tensor_type())
            v.heldDtype = heldIntegerDtype(
                body.input(i).type().tensor_type().elem_type());
          bindInBody(scope, body.input(i).name(), v);
        }
        if (failed(importBodyNodes(body))) {
          bodyResult = failure();
          return;
        }
        SmallVector<Value> yields;
        for (int i = 0; i < n + k; ++i) {
          const std::string &name = body.output(i).name();
          Value v = tensorOf(name);
          if (!v) {
            nodeError() << "its body output " << i << " ('" << name << "') is "
                        << (lookup(name) ? "not a tensor"
                                         : "not defined in the body");
            bodyResult = failure();
            return;
          }
          if (i >= n) {
            perStep.push_back(v);
            yields.push_back(v);
            continue;
          }
          FailureOr<Value> yielded = yieldCarried(
              *this, v, carried[i],
              "state value " + std::to_string(i) + " ('" + name + "')", "");
          if (failed(yielded)) {
            bodyResult = failure();
            return;
          }
          v = *yielded;
          yields.push_back(v);
        }
        seq::YieldOp::create(builder, loc, yields);
      });
  node = scanNode;
  loc = scanLoc;
  if (failed(endBodyScope(draft, scope, bodyResult)))
    return failure();
  FailureOr<seq::ScanOp> scan =
      addScanOutputs(*this, draft, perStepNames, perStep, steps);
  if (failed(scan))
    return failure();

  // Outputs: the final states, then each per-step value stacked [T, ...]
  // in the order and along the axis its attributes ask for.
  for (int i = 0; i < n; ++i)
    setOutput(i, scan->getFinalStates()[i]);
  for (int j = 0; j < k; ++j) {
    Value stacked = scan->getOutputs()[j];
    if (((*outDirs)[j] == 1) != reverse)
      stacked = reverseDim0(*this, stacked);
    std::optional<int64_t> axis =
        normalizeAxis(*this, (*outAxes)[j], tensorType(stacked).getRank());
    if (!axis)
      return failure();
    setOutput(n + j, moveDim(*this, stacked, 0, *axis));
  }
  return success();
}

} // namespace seqc::onnx_import
