//===- SequenceOps.cpp - ONNX sequences a Loop collects or reads --------===//
//
// seqc has no sequence type: a sequence is what a Loop does with it.
//  - SequenceEmpty before a Loop, SequenceInsert in its body,
//    ConcatFromSequence after it: the Loop's per-step values, stacked
//    (ControlFlowOps.cpp makes them a seq.scan's outputs).
//  - SplitToSequence of x into pieces of one step along an axis, its
//    SequenceLength as a Loop's trip count and SequenceAt(pieces, t) in the
//    body: what torch exports for `for x_t in x.unbind(1)` and
//    `for x_t in torch.split(x, 1, dim=1)`. The pieces are x itself (an
//    OnnxValue::Sequence::split), and the Loop reads step t of x along the
//    axis as it reads a Gather(x, t).
// Every other use of a sequence is refused with a message.
//
//===----------------------------------------------------------------------===//

#include "compiler/Import/Onnx/GraphImporter.h"
#include "dialects/Seq/Utils/TensorUtils.h"

#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Utils/StaticValueUtils.h"

using namespace mlir;

namespace seqc::onnx_import {

/// ConcatFromSequence of a Loop's per-step values [M, ...]: stacked along
/// `axis` (new_axis = 1), or joined along the elements' `axis` (new_axis =
/// 0).
static LogicalResult importConcatFromSequence(GraphImporter &g) {
  const OnnxValue *in = g.input(0);
  if (in && in->sequence == OnnxValue::Sequence::split) {
    // Single steps joined back along their own axis are the tensor split:
    // kept axes concatenated (new_axis = 0), or dropped ones stacked
    // (new_axis = 1).
    // (Either way the result has the split tensor's rank.)
    bool stack = g.intAttr("new_axis", 0) == 1;
    std::optional<int64_t> axis = normalizeAxis(
        g, g.intAttr("axis", 0), tensorType(in->tensor).getRank());
    if (!axis)
      return failure();
    if (*axis == in->splitAxis && stack != in->splitKeepsDims) {
      g.setOutput(0, in->tensor);
      return success();
    }
    g.nodeError() << "joins the single steps of a SplitToSequence along "
                     "axis "
                  << *axis << " other than the one they were split along ("
                  << in->splitAxis << "); not supported";
    return failure();
  }
  if (!in || in->sequence != OnnxValue::Sequence::stacked) {
    g.nodeError() << "reads a sequence that is not the per-step values of a "
                     "Loop; other sequences are not supported";
    return failure();
  }
  Value stacked = in->tensor;
  auto type = tensorType(stacked);
  int64_t newAxis = g.intAttr("new_axis", 0);
  std::optional<int64_t> axisAttr = g.intAttr("axis");
  if (!axisAttr) {
    g.nodeError() << "needs the attribute 'axis'";
    return failure();
  }
  if (newAxis == 1) {
    std::optional<int64_t> axis = normalizeAxis(g, *axisAttr, type.getRank());
    if (!axis)
      return failure();
    if (*axis == 0) {
      g.setOutput(0, stacked);
      return success();
    }
    // Move the step dimension to `axis`.
    SmallVector<int64_t> perm;
    for (int64_t d = 1; d < type.getRank(); ++d) {
      if (d - 1 == *axis)
        perm.push_back(0);
      perm.push_back(d);
    }
    if (static_cast<int64_t>(perm.size()) < type.getRank())
      perm.push_back(0);
    g.setOutput(0, seq::createTranspose(g.builder, g.loc, stacked, perm));
    return success();
  }
  if (type.getRank() < 2) {
    g.nodeError() << "joins rank-0 elements; Concat needs elements of rank "
                     "1 or more (new_axis = 1 stacks scalars)";
    return failure();
  }
  std::optional<int64_t> axis = normalizeAxis(g, *axisAttr, type.getRank() - 1);
  if (!axis)
    return failure();
  // Joining along element axis a: the step dimension moves just before a
  // (a transpose, when a > 0) and merges with it, steps outer, as Concat
  // of the elements in order lays them out (`torch.cat(outs, dim=1)` of a
  // scripted batch-first loop).
  if (*axis != 0) {
    SmallVector<int64_t> perm;
    for (int64_t d = 1; d <= *axis; ++d)
      perm.push_back(d);
    perm.push_back(0);
    for (int64_t d = *axis + 1; d < type.getRank(); ++d)
      perm.push_back(d);
    stacked = seq::createTranspose(g.builder, g.loc, stacked, perm);
  }
  SmallVector<ReassociationIndices> groups;
  for (int64_t d = 0; d < type.getRank(); ++d) {
    if (d == *axis + 1)
      groups.back().push_back(d);
    else
      groups.push_back({d});
  }
  g.setOutput(0,
              tensor::CollapseShapeOp::create(g.builder, g.loc, stacked, groups)
                  .getResult());
  return success();
}

/// SplitToSequence into pieces of one step along `axis`: no `split` input
/// or a scalar `split` of 1, `keepdims` (default 1) keeping the axis.
/// Other splits (explicit sizes, torch's repeat_interleave over a size the
/// exporter does not know) are refused.
static LogicalResult importSplitToSequence(GraphImporter &g) {
  const OnnxValue *x = g.input(0);
  Value source = x && x->sequence == OnnxValue::Sequence::none
                     ? g.tensorInput(0)
                     : Value();
  if (!source) {
    g.nodeError() << "splits a value that is not a tensor";
    return failure();
  }
  bool keepDims = g.intAttr("keepdims", 1) != 0;
  if (g.node->input_size() > 1 && !g.node->input(1).empty()) {
    const OnnxValue *split = g.input(1);
    std::optional<int64_t> one =
        split && split->constant && split->constant.getNumElements() == 1 &&
                split->constant.getType().getRank() == 0
            ? std::optional<int64_t>(
                  split->constant.getSplatValue<APInt>().getSExtValue())
            : std::nullopt;
    if (one != 1) {
      InFlightDiagnostic diag = g.nodeError();
      diag << "splits into pieces other than single steps; seqc reads a "
              "sequence split into steps of one (x.unbind(dim), "
              "torch.split(x, 1, dim)) in a Loop over its length";
      // torch 1.13 exports repeat_interleave of a tensor with a dynamic
      // axis as SplitToSequence (of the repeat counts) + Loop, also over a
      // static dim (GQA's repeat_kv over the heads); the same computation as expand + reshape exports
      // as plain ops.
      if (!split || !split->constant ||
          split->constant.getType().getRank() != 0)
        diag << "; torch 1.13 exports repeat_interleave(x, repeats, dim) "
                "this way (with a dynamic axis anywhere in x, even a static "
                "dim): with one repeat count n, x.unsqueeze(dim + 1).expand(..., n, ...)"
                ".flatten(dim, dim + 1) computes the same and exports as plain "
                "ops; a repeat count per element (a length regulator's "
                "durations), whose output length depends on the data, is not "
                "supported";
      return failure();
    }
    // The ONNX text ignores keepdims with a `split`; ONNX Runtime applies
    // it to a scalar one, and torch exports x.unbind(dim) as split = 1,
    // keepdims = 0 relying on that.
  }
  std::optional<int64_t> axis =
      normalizeAxis(g, g.intAttr("axis", 0), tensorType(source).getRank());
  if (!axis)
    return failure();
  OnnxValue pieces;
  pieces.tensor = source;
  pieces.sequence = OnnxValue::Sequence::split;
  pieces.splitAxis = *axis;
  pieces.splitKeepsDims = keepDims;
  g.setOutput(0, pieces);
  return success();
}

LogicalResult importSequenceOp(GraphImporter &g, StringRef op, bool &handled) {
  if (op == "SplitToSequence") {
    handled = true;
    return importSplitToSequence(g);
  }
  if (op == "SequenceLength") {
    const OnnxValue *in = g.input(0);
    if (in && in->sequence == OnnxValue::Sequence::split) {
      handled = true;
      // The pieces' count: the split axis' size, as an i64 scalar.
      OnnxValue length;
      length.elements = SmallVector<OpFoldResult>{
          seq::getDimSize(g.builder, g.loc, in->tensor, in->splitAxis)};
      length.scalar = true;
      g.setOutput(0, length);
      return success();
    }
  }
  if (op == "SequenceEmpty") {
    handled = true;
    OnnxValue v;
    v.sequence = OnnxValue::Sequence::empty;
    g.setOutput(0, v);
    return success();
  }
  if (op == "ConcatFromSequence") {
    handled = true;
    return importConcatFromSequence(g);
  }
  if (op == "SequenceInsert" || op == "SequenceAt" || op == "SequenceLength" ||
      op == "SequenceConstruct" || op == "SequenceErase") {
    handled = true;
    InFlightDiagnostic diag = g.nodeError();
    diag << kSupportedSequences;
    if (op == "SequenceAt")
      diag << "; a sequence split into single steps (x.unbind(dim), "
              "torch.split(x, 1, dim)) is read by SequenceAt at a Loop's "
              "step index, with the Loop over its SequenceLength";
    return failure();
  }
  return success();
}

} // namespace seqc::onnx_import
