//===- UnrolledLoops.cpp - ONNX Loops whose steps have their own shapes --===//
//
// A Loop whose body computes a shape from what the step reads (an Expand,
// Reshape, Tile, ConstantOfShape, ... whose shape input depends on the
// step index or the carried values; findStepShapedNode) can give each step
// a value of its own shape, which a seq.scan cannot carry or collect.
// torch 1.13 exports repeat_interleave(x, repeats, dim) of a tensor with
// any dynamic axis that way (symbolic_opset13.repeat_interleave):
//
//   r_pieces = SplitToSequence(Expand(repeats, [x.size(dim)]), ones)
//   x_pieces = SplitToSequence(x, ones, axis = dim)
//   ys = Loop(x.size(dim), true, SequenceEmpty()) {
//     (i, cond, ys) -> r = SequenceAt(r_pieces, i)
//                      p = Unsqueeze(SequenceAt(x_pieces, i), dim + 1)
//                      y = Reshape(Expand(p, [.., 1, r, ..]), [.., -1, ..])
//                      (Cast(cond), SequenceInsert(ys, y))
//   }
//   y = ConcatFromSequence(ys, axis = dim)
//
// as in Hugging Face GPT-J's and CodeGen's rotary embeddings
// (transformers >= 4.27) and grouped-query attention written as
// `k.repeat_interleave(n_rep, dim=1)`. With a trip count known at compile
// time (at most kMaxUnrolledSteps), the body is imported once per step
// with the step index a constant, so each step's shapes are known: the
// sequences become lists of tensors (SequenceOps.cpp), the carried values
// pass from one step's import to the next, and the per-step outputs are
// stacked.
//
//===----------------------------------------------------------------------===//

#include "compiler/Import/Onnx/GraphImporter.h"
#include "dialects/Seq/Utils/TensorUtils.h"

#include "mlir/Dialect/Tensor/IR/Tensor.h"

using namespace mlir;

namespace seqc::onnx_import {

LogicalResult GraphImporter::importUnrolledLoop(const onnx::GraphProto &body,
                                                int64_t steps) {
  int numCarried = std::max(node->input_size() - 2, 0);
  int numScanOutputs = body.output_size() - 1 - numCarried;
  if (steps == 0 && numScanOutputs > 0) {
    nodeError() << "runs no step, so its per-step output '"
                << body.output(1 + numCarried).name()
                << "' has no shape to stack";
    return failure();
  }
  SmallVector<OnnxValue> carried;
  for (int k = 0; k < numCarried; ++k) {
    const OnnxValue *init = lookup(node->input(2 + k));
    if (!init) {
      nodeError() << "carried value '" << node->input(2 + k)
                  << "' is not defined";
      return failure();
    }
    carried.push_back(*init);
  }
  SmallVector<SmallVector<Value>> perStep(numScanOutputs);
  for (int64_t i = 0; i < steps; ++i) {
    BodyScope scope = beginBodyScope();
    OnnxValue index;
    index.elements = SmallVector<OpFoldResult>{builder.getIndexAttr(i)};
    index.scalar = true;
    bindInBody(scope, body.input(0).name(), index);
    OnnxValue alwaysTrue;
    alwaysTrue.constant = DenseElementsAttr::get(
        RankedTensorType::get({}, builder.getI1Type()), true);
    bindInBody(scope, body.input(1).name(), alwaysTrue);
    if (failed(bindBodyInitializers(scope, body))) {
      leaveBodyScope(scope);
      return failure();
    }
    for (int k = 0; k < numCarried; ++k)
      bindInBody(scope, body.input(2 + k).name(), carried[k]);
    LogicalResult result = importBodyNodes(body);
    for (int o = 1; succeeded(result) && o < body.output_size(); ++o) {
      const std::string &name = body.output(o).name();
      const OnnxValue *v = lookup(name);
      if (!v) {
        nodeError() << "its body output " << o << " ('" << name
                    << "') is not defined in the body";
        result = failure();
      } else if (o <= numCarried) {
        carried[o - 1] = *v;
      } else if (Value t = tensorOf(name)) {
        perStep[o - 1 - numCarried].push_back(t);
      } else {
        nodeError() << "its per-step value '" << name << "' is not a tensor";
        result = failure();
      }
    }
    leaveBodyScope(scope);
    if (failed(result))
      return failure();
  }
  for (int k = 0; k < numCarried; ++k)
    setOutput(k, carried[k]);
  // Per-step outputs: the steps stacked along a new dimension 0 (ONNX:
  // every step's value has one shape; tensor.concat's extents are checked
  // when they are known only at run time).
  for (int j = 0; j < numScanOutputs; ++j) {
    RankedTensorType first = tensorType(perStep[j][0]);
    SmallVector<Value> stacked;
    for (auto [i, v] : llvm::enumerate(perStep[j])) {
      RankedTensorType t = tensorType(v);
      bool agree = t.getRank() == first.getRank() &&
                   t.getElementType() == first.getElementType();
      for (int64_t d = 0; agree && d < t.getRank(); ++d)
        agree = t.isDynamicDim(d) || first.isDynamicDim(d) ||
                t.getDimSize(d) == first.getDimSize(d);
      if (!agree) {
        nodeError() << "its per-step value '"
                    << body.output(1 + numCarried + j).name() << "' is " << t
                    << " at step " << i << " but " << first
                    << " at step 0; ONNX stacks values of one shape";
        return failure();
      }
      stacked.push_back(seq::insertUnitDim(builder, loc, v, 0));
    }
    setOutput(
        numCarried + j,
        stacked.size() == 1
            ? stacked[0]
            : tensor::ConcatOp::create(builder, loc, 0, stacked).getResult());
  }
  return success();
}

} // namespace seqc::onnx_import
