//===- StepPointwise.cpp - ops that act on each time step alone ----------===//
//
// StepBuilder::checkPointwise: which ops of a streamed model pass through
// the step function unchanged, each chunk computing its steps as the full
// run computes them (elementwise ops, contractions along features, slices
// and reshapes that keep the time axis), and the reason an op does not.
// (Split out of StepFunction.cpp, which threads the states.)
//
//===----------------------------------------------------------------------===//

#include "dialects/Seq/Transforms/DimensionTrace.h"
#include "dialects/Seq/Transforms/SizeOnlyReads.h"
#include "dialects/Seq/Transforms/StepBuilder.h"
#include "dialects/Seq/Transforms/StepFunction.h"

#include "dialects/Seq/IR/SeqOps.h"
#include "dialects/Seq/IR/StreamableOpInterface.h"
#include "dialects/Seq/Transforms/StreamableOpInterfaceImpl.h"
#include "dialects/Seq/Utils/CheckUtils.h"
#include "dialects/Seq/Utils/SizeUtils.h"
#include "dialects/Seq/Utils/TensorUtils.h"

#include "mlir/Analysis/SliceAnalysis.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/Matchers.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"
#include "mlir/Transforms/RegionUtils.h"

#include "mlir/Dialect/Arith/Utils/Utils.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Utils/StaticValueUtils.h"

#include "llvm/ADT/BitVector.h"
#include "llvm/ADT/SetVector.h"
#include "llvm/ADT/SmallPtrSet.h"

using namespace mlir;

namespace seqc::seq {
namespace detail {

/// Ops that act on each time step independently (or are constants).
LogicalResult StepBuilder::checkPointwise(Operation *op) {
  // Seq ops say so by a trait (a run-time check guards every chunk as it
  // guards a whole run); of the others, constants and sizes.
  if (op->hasTrait<ActsPerTimeStep>() ||
      isa<arith::ConstantOp, func::ReturnOp, tensor::EmptyOp, tensor::DimOp>(
          op))
    return success();
  // A tensor made of fixed scalars is a constant.
  if (isa<tensor::FromElementsOp>(op) &&
      llvm::all_of(op->getOperands(),
                   [](Value operand) { return isFixedScalar(operand); }))
    return success();
  // Reshapes that only add or drop size-1 dimensions move no data between
  // steps (e.g. [T, 1, B, H] -> [T, B, H] after a one-direction LSTM).
  if (isa<tensor::CollapseShapeOp, tensor::ExpandShapeOp>(op)) {
    auto expanded = isa<tensor::CollapseShapeOp>(op)
                        ? cast<RankedTensorType>(op->getOperand(0).getType())
                        : cast<RankedTensorType>(op->getResult(0).getType());
    SmallVector<ReassociationIndices> groups =
        isa<tensor::CollapseShapeOp>(op)
            ? cast<tensor::CollapseShapeOp>(op).getReassociationIndices()
            : cast<tensor::ExpandShapeOp>(op).getReassociationIndices();
    // Splitting or merging static dimensions (attention heads out of the
    // features) is per step too: time and batch have run-time sizes. So is
    // merging one run-time dimension, the outermost, with static ones
    // inside it ([T, 1, 256] -> [T * 256]: each step one contiguous block)
    // and splitting such a block back out with the same static sizes
    // ([T * 256] -> [T, 4, 64], a head split written through 1-D).
    // Any other split of a run-time dimension ([T] -> [T / 160, 160],
    // framing) could put several steps in one row.
    // (Or split back out after transposes: nn.MultiheadAttention's heads,
    // merged into the batch for the attention, [B, H, T, D] -> [B * H, T,
    // D] -> [T, B * H, D] -> [T, B, H, D].)
    auto collapse = dyn_cast<tensor::CollapseShapeOp>(op);
    auto expand = dyn_cast<tensor::ExpandShapeOp>(op);
    auto staticProduct = [](RankedTensorType type,
                            const ReassociationIndices &dims) {
      int64_t product = 1;
      for (int64_t d : dims)
        if (!type.isDynamicDim(d))
          product *= type.getDimSize(d);
      return product;
    };
    for (auto [index, group] : llvm::enumerate(groups)) {
      int64_t nonUnit = 0, numDynamic = 0;
      bool outermostDynamic = false;
      for (int64_t d : group) {
        if (expanded.getDimSize(d) == 1)
          continue;
        outermostDynamic |= nonUnit == 0 && expanded.isDynamicDim(d);
        ++nonUnit;
        numDynamic += expanded.isDynamicDim(d);
      }
      bool dynamic = numDynamic > 0;
      if (numDynamic == 1 && outermostDynamic) {
        if (collapse)
          continue;
        std::optional<int64_t> block = elementsPerStep(expand.getSrc(), index);
        if (block && *block == staticProduct(expanded, group))
          continue;
      }
      if (nonUnit > 1 && dynamic)
        return fail(op, "a reshape that merges or splits dimensions of size "
                        "other than 1 may mix time steps");
    }
    return success();
  }
  // Joining along a dimension of static size (stacking layers' final
  // states) keeps steps apart; time and batch have run-time sizes.
  if (auto concat = dyn_cast<tensor::ConcatOp>(op)) {
    if (!concat.getResultType().isDynamicDim(concat.getDim()))
      return success();
    // A model input joined before the new steps is most often a key/value
    // cache the caller passes in (decode-step exports' past_key_values).
    std::string hint;
    auto inputs = concat.getInputs();
    for (Value input : inputs.drop_back())
      if (std::optional<InputDim> dim = traceToModelInput(
              input, static_cast<unsigned>(concat.getDim()), op)) {
        hint = " (" + describeInputDim(*dim) +
               " joined before later steps: a key/value cache the caller "
               "passes in, as decode-step exports' past_key_values are, "
               "runs as whole calls; exported without the cache inputs, "
               "seqc keeps the cache in the stream's state)";
        break;
      }
    return fail(op, "a concatenation along a dimension of run-time size "
                    "may join time steps" +
                        hint);
  }
  // A transpose moves each step's data, never mixes steps; a fill writes
  // the same value everywhere (a zero initial state).
  if (isa<linalg::TransposeOp, linalg::FillOp>(op))
    return success();
  // An elementwise generic (what front ends emit for broadcasting adds and
  // multiplies) computes each output element from inputs at the same loop
  // indices. It mixes steps only if it reads its own index (linalg.index)
  // along a run-time loop or an operand of fixed size along a run-time
  // (time) loop dimension: a table read at step t, which restarts at every
  // chunk.
  // (Also a named contraction: a batch_matmul of attention weights over an
  // encoder's steps and its outputs, Bahdanau's context.)
  if (auto generic = dyn_cast<linalg::LinalgOp>(op)) {
    // A loop is of run-time size if any operand reads a dimension of
    // run-time size along it (getStaticLoopRanges takes the first one).
    SmallVector<bool> dynamicLoop(generic.getNumLoops(), false);
    for (OpOperand &operand : generic->getOpOperands()) {
      auto type = dyn_cast<RankedTensorType>(operand.get().getType());
      if (!type)
        continue;
      AffineMap map = generic.getMatchingIndexingMap(&operand);
      for (auto [d, expr] : llvm::enumerate(map.getResults()))
        if (auto loop = dyn_cast<AffineDimExpr>(expr);
            loop && type.isDynamicDim(d))
          dynamicLoop[loop.getPosition()] = true;
    }
    // Operands read along one run-time loop are one size; a stream that
    // chunked one of them and gave the other whole would fail every chunk
    // (checked once the time axis is known).
    for (unsigned loop = 0; loop < generic.getNumLoops(); ++loop)
      if (dynamicLoop[loop])
        recordEqualInputDims(op, generic, loop);
    // An index along a loop of run-time size (time) restarts at every
    // chunk; one along a fixed-size loop (arange(0, 8, 2) over RoPE's
    // features) is the same in each.
    llvm::SmallSetVector<uint64_t, 2> runTimeIndices;
    generic.getBlock()->walk([&](linalg::IndexOp index) {
      if (dynamicLoop[index.getDim()])
        runTimeIndices.insert(index.getDim());
    });
    // An element read at an index computed from a run-time loop's index
    // (torch.flip of the time steps, a gather along time) is another
    // step's input, not one that restarts.
    // (A fixed-size table read at a computed position, a position
    // embedding, is not another step's input.)
    bool readsOtherSteps = false;
    generic.getBlock()->walk([&](tensor::ExtractOp extract) {
      for (auto [d, index] : llvm::enumerate(extract.getIndices())) {
        if (index.getDefiningOp<linalg::IndexOp>() ||
            !extract.getTensor().getType().isDynamicDim(d))
          continue;
        SetVector<Operation *> slice;
        BackwardSliceOptions options;
        options.filter = [&](Operation *o) {
          return o->getBlock() == generic.getBlock();
        };
        (void)getBackwardSlice(index, &slice, options);
        for (Operation *o : slice)
          if (auto i = dyn_cast<linalg::IndexOp>(o);
              i && dynamicLoop[i.getDim()])
            readsOtherSteps = true;
      }
    });
    if (readsOtherSteps)
      return fail(op, "reads an operand at an index computed from its own "
                      "step along a run-time dimension (torch.flip of the "
                      "time steps, a gather along time): a step's output "
                      "needs other steps' inputs");
    // (Two of them pair steps with steps: a tril(ones(T, T)) mask outside
    // an attention's scores, the decay matrix of a recurrence's parallel
    // form.)
    if (!runTimeIndices.empty())
      return fail(op, Twine("reads its own iteration index, which restarts "
                            "at every chunk") +
                          (runTimeIndices.size() > 1
                               ? " (a [T, T] mask over pairs of steps is "
                                 "read as causal only in an attention's "
                                 "scores; a recurrence's parallel form, "
                                 "GLA's or mLSTM's decay matrix, streams "
                                 "written as its recurrence)"
                               : ""));
    // A reduction over loops of fixed size (a sum over the features) stays
    // within a step; one over a run-time loop may combine steps, unless
    // it is an input's axis that no chunk splits (attention scores over
    // an encoder's steps).
    for (auto [loop, kind] : llvm::enumerate(generic.getIteratorTypesArray())) {
      if (kind != utils::IteratorType::reduction || !dynamicLoop[loop])
        continue;
      if (failed(requireUnchunked(op, dynamicReadsAlongLoop(generic, loop),
                                  "a reduction may combine time steps")))
        return failure();
    }
    for (OpOperand &operand : generic->getOpOperands()) {
      auto type = dyn_cast<RankedTensorType>(operand.get().getType());
      if (!type)
        continue;
      AffineMap map = generic.getMatchingIndexingMap(&operand);
      for (auto [d, expr] : llvm::enumerate(map.getResults())) {
        // A broadcast size-1 dimension is read at index 0.
        if (auto constant = dyn_cast<AffineConstantExpr>(expr);
            constant && constant.getValue() == 0 && type.getDimSize(d) == 1)
          continue;
        auto loop = dyn_cast<AffineDimExpr>(expr);
        if (!loop) {
          // A computed position inside a fixed-size dimension, from loops
          // of fixed size only (RoPE's partner feature (d + D/2) mod D),
          // stays within the step the other loops select.
          bool withinStep = !type.isDynamicDim(d);
          expr.walk([&](AffineExpr e) {
            if (auto dim = dyn_cast<AffineDimExpr>(e))
              withinStep &= !dynamicLoop[dim.getPosition()];
            withinStep &= !isa<AffineSymbolExpr>(e);
          });
          if (withinStep)
            continue;
          return fail(op, "reads its operands at computed positions, which "
                          "may combine time steps");
        }
        if (!type.isDynamicDim(d) && type.getDimSize(d) != 1 &&
            dynamicLoop[loop.getPosition()])
          return fail(op, "reads an operand of fixed size (" +
                              Twine(type.getDimSize(d)) +
                              ") along a dimension of run-time size: along "
                              "time it would restart at every chunk, and a "
                              "stream's batch has no fixed size");
      }
    }
    // Two dimensions of the result that are one model input dimension
    // pair steps with steps (relative positions i - j, x_i + x_j): a chunk
    // would see only its own pairs.
    for (Value result : generic->getResults()) {
      auto type = cast<RankedTensorType>(result.getType());
      SmallVector<std::pair<BlockArgument, unsigned>> traced;
      for (int64_t d = 0; d < type.getRank(); ++d) {
        if (!type.isDynamicDim(d))
          continue;
        std::optional<std::pair<BlockArgument, unsigned>> dim =
            traceDimension(result, d);
        if (!dim)
          continue;
        if (llvm::is_contained(traced, *dim))
          return fail(op, "pairs time steps with time steps (two dimensions "
                          "of its result are one input dimension)");
        traced.push_back(*dim);
      }
    }
    return success();
  }
  // A softmax along a dimension of fixed size (over the features, a
  // gated variable selection's weights) normalizes within a step.
  if (auto softmax = dyn_cast<linalg::SoftmaxOp>(op)) {
    if (softmax.getInputOperandType().isDynamicDim(softmax.getDimension()))
      return requireUnchunked(op,
                              {{softmax.getInput(), softmax.getDimension()}},
                              "a softmax along a dimension of run-time size "
                              "may combine time steps");
    return success();
  }
  // A slice of features (Mamba's in_proj output split into x and z, the
  // even and odd features of interleaved rotary embeddings): every
  // dimension of unknown size (time, batch) taken whole.
  if (auto slice = dyn_cast<tensor::ExtractSliceOp>(op)) {
    RankedTensorType source = slice.getSourceType();
    for (int64_t d = 0; d < source.getRank(); ++d) {
      OpFoldResult size = slice.getMixedSizes()[d];
      if (!source.isDynamicDim(d)) {
        // A range whose bounds depend on run-time sizes (a position table
        // sliced to T) would restart at every chunk.
        if (!getConstantIntValue(size) ||
            !getConstantIntValue(slice.getMixedOffsets()[d]) ||
            !getConstantIntValue(slice.getMixedStrides()[d]))
          return fail(op, "a slice whose bounds are run-time sizes may "
                          "select time steps");
        continue;
      }
      if ((!isConstantIntValue(slice.getMixedOffsets()[d], 0) ||
           !wholeSliceDims.contains({op, d})) &&
          !isLastStepRead(op, d)) {
        // x[:1] read for its values (Salesforce QRNN's shift, cat([x[:1] *
        // 0, x[:-1]])) is each chunk's first step, not the stream's.
        bool firstStep = isConstantIntValue(slice.getMixedOffsets()[d], 0) &&
                         isConstantIntValue(slice.getMixedSizes()[d], 1);
        // x[:, 0], x[:, 1], ... one step each at fixed positions: a Python
        // loop that torch.onnx.export traced and unrolled.
        bool unrolled =
            llvm::any_of(slice.getSource().getUsers(), [&](Operation *user) {
              auto other = dyn_cast<tensor::ExtractSliceOp>(user);
              return other && other != slice &&
                     isConstantIntValue(slice.getMixedSizes()[d], 1) &&
                     isConstantIntValue(other.getMixedSizes()[d], 1) &&
                     getConstantIntValue(other.getMixedOffsets()[d])
                             .value_or(0) > 0;
            });
        return fail(
            op, std::string("a slice of a dimension of unknown size "
                            "may select time steps") +
                    (unrolled ? " (one step each at fixed positions: a Python "
                                "loop traced by torch.onnx.export is unrolled "
                                "at its export length; torch.jit.script keeps "
                                "it a loop)"
                     : firstStep ? " (x[:1] is each chunk's first step; a "
                                   "time shift streams written "
                                   "torch.cat([torch.zeros_like(x[:1]), "
                                   "x[:-1]]) or with F.pad)"
                                 : ""));
      }
      if (!isConstantIntValue(slice.getMixedStrides()[d], 1))
        return fail(op, "a strided slice may select time steps");
    }
    return success();
  }
  if ((isa<arith::ArithDialect, math::MathDialect>(op->getDialect())) &&
      op->hasTrait<OpTrait::Elementwise>())
    return success();
  // (A scripted `if x.size(1) > 1:`, a size made a tensor; inside an op's
  // regions too, a loop bound of x.size(1).)
  SmallVector<std::pair<Value, unsigned>> sizes;
  op->walk([&](Operation *inner) {
    for (auto [tensor, d] : findRunTimeSizeOperands(inner))
      if (!op->isAncestor(tensor.getParentRegion()->getParentOp()))
        sizes.push_back({tensor, (unsigned)d});
  });
  SmallVector<std::string> sizesRead;
  for (auto [value, d] : sizes)
    if (auto dim = traceToModelInput(value, d, op))
      if (!llvm::is_contained(sizesRead, describeInputDim(*dim)))
        sizesRead.push_back(describeInputDim(*dim));
  std::string sizesWhy =
      "computes with the run-time size of " + llvm::join(sizesRead, " and ") +
      " as a value (a branch on x.size(1), a number made of it): along "
      "time, a chunk's size is its own, not the stream's";
  const char *regionWhy =
      "not known to act on each time step independently (a loop or branch "
      "of its own streams over tensors without the time axis, such as the "
      "last step's logits)";
  // Loops and branches of their own (TopK's selection loop, a scripted
  // `if`) over tensors without the stream's time axis: the next token's
  // logits read off the last step, `topk(softmax(logits[:, -1]), k)`. A
  // chunk computes from its values what the run computes from its own, so
  // every run-time dimension read, or read as a value (TopK's K of a sort,
  // the batch size), must follow back to an input dimension that no chunk
  // splits (the batch). (Its results are sized by what it reads: an
  // scf.for's by its iter_args, a branch's by what it yields.)
  if (op->getNumRegions() != 0) {
    llvm::SetVector<Value> read(op->operand_begin(), op->operand_end());
    getUsedValuesDefinedAbove(op->getRegions(), read);
    SmallVector<std::pair<Value, unsigned>> dims;
    for (Value v : read)
      if (auto type = dyn_cast<RankedTensorType>(v.getType()))
        for (int64_t d = 0; d < type.getRank(); ++d)
          if (type.isDynamicDim(d))
            dims.push_back({v, (unsigned)d});
    if (!sizes.empty() &&
        failed(requireUnchunked(
            op, sizes, sizesRead.empty() ? Twine(regionWhy) : Twine(sizesWhy))))
      return failure();
    if (!dims.empty() && failed(requireUnchunked(op, dims, regionWhy)))
      return failure();
    return success();
  }
  if (!sizesRead.empty())
    return fail(op, sizesWhy);
  return fail(op, "not known to act on each time step independently");
}

} // namespace detail
} // namespace seqc::seq
