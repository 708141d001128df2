//===- CacheWholeInputs.cpp - compute once what chunks compute alike ----===//
//
// Values computed from inputs that every chunk is given whole (a decoder's
// memory: cross-attention's keys and values, projections of all of it)
// are the same in every chunk of a stream. A decoder streamed one token at
// a time would project all of memory again for every token: at S = 300,
// d = 256 and two layers, 2 ms per token, 0.33 with the projections kept
// (README, streaming). So the
// step function computes them in the first chunk after the stream opens
// or resets, keeps them as states, and reads the states afterwards:
//
//   %v = <computed from memory>          %v = scf.if %started {
//   ... uses of %v                   ->     scf.yield %state
//                                         } else {
//                                           <computed from memory>
//                                         }
//                                         ... uses of %v; %v -> state out
//
// A state's extents are bound when the stream opens, so each cached value
// must have every run-time dimension named after an input dimension that
// is not the time axis (memory's S, the batch B); the stream is then
// opened with S, and a later chunk whose memory has another S fails the
// runtime's shape check. Values whose extents have no name (the heads
// merged into the batch, B * H) are cached before the reshapes that make
// them; where none can be, nothing is cached and every chunk computes
// them again.
//
//===----------------------------------------------------------------------===//

#include "dialects/Seq/Transforms/SizeOnlyReads.h"
#include "dialects/Seq/Transforms/StepBuilder.h"

#include "mlir/Analysis/SliceAnalysis.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/IRMapping.h"
#include "mlir/IR/Matchers.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"

#include "llvm/ADT/SetVector.h"

using namespace mlir;

namespace seqc::seq::detail {

/// Ops that only reshape or reorder one tensor: a value behind them is
/// cached instead of theirs when theirs has an extent without a name.
static Value reshapedSource(Operation *op) {
  if (isa<tensor::ExpandShapeOp, tensor::CollapseShapeOp, tensor::ReshapeOp,
          tensor::CastOp>(op))
    return op->getOperand(0);
  if (auto transpose = dyn_cast<linalg::TransposeOp>(op))
    return transpose.getInput();
  return {};
}

/// Whether `op` costs more than a pass over its operands: a contraction
/// (a linalg op with a reduction, a seq op with weights such as
/// seq.linear). Values made by cheap ops alone (a padding mask) are left
/// to every chunk.
static bool isCostly(Operation *op) {
  if (auto linalgOp = dyn_cast<linalg::LinalgOp>(op))
    return linalgOp.getNumReductionLoops() > 0;
  return isa<SeqDialect>(op->getDialect());
}

bool StepBuilder::isWholeInputOp(Operation *op,
                                 const llvm::SetVector<Operation *> &whole) {
  if (op->getNumResults() == 0 ||
      !llvm::all_of(op->getResultTypes(),
                    [](Type t) { return isa<RankedTensorType>(t); }) ||
      isa<arith::ConstantOp>(op))
    return false;
  // (First the cheap test: every tensor read is an argument, a constant or
  // a value found so far, so a walk starts only on memory's side.)
  for (Value operand : op->getOperands())
    if (isa<RankedTensorType>(operand.getType()) && operand.getDefiningOp() &&
        !whole.contains(operand.getDefiningOp()) &&
        !matchPattern(operand, m_Constant()))
      return false;
  SmallVector<std::pair<Value, int64_t>> sizes;
  SmallVector<BlockArgument> inputs;
  if (!computedFromContext(op, sizes, inputs))
    return false;
  return llvm::none_of(
             inputs,
             [&](BlockArgument in) { return hasChunkedDimension(in); }) &&
         llvm::all_of(sizes, [&](const std::pair<Value, int64_t> &size) {
           return isSizeOfEveryChunk(size.first, size.second);
         });
}

std::optional<ArrayAttr> StepBuilder::cachedStateDims(Value value) {
  MLIRContext *ctx = step.getContext();
  auto type = cast<RankedTensorType>(value.getType());
  SmallVector<Attribute> names;
  for (int64_t d = 0; d < type.getRank(); ++d) {
    if (!type.isDynamicDim(d)) {
      names.push_back(StringAttr::get(ctx, ""));
      continue;
    }
    std::optional<InputDim> size = traceSize(value, d);
    StringRef name = size ? inputDimName(*size) : "";
    if (name.empty() || isChunked(*size))
      return std::nullopt;
    names.push_back(StringAttr::get(ctx, name));
  }
  return ArrayAttr::get(ctx, names);
}

void StepBuilder::cacheWholeInputValues() {
  if (wholeInputReads.empty() || !isTimeAxisNamed())
    return;
  SmallVector<Operation *> body;
  for (Operation &op : step.getBody().front())
    body.push_back(&op);
  llvm::SetVector<Operation *> whole;
  for (Operation *op : body)
    if (isWholeInputOp(op, whole))
      whole.insert(op);
  // The values read by the rest of the model (sizes aside): each is cached,
  // or one behind the reshapes that made it.
  llvm::SetVector<Value> cached;
  for (Operation *op : whole)
    for (Value result : op->getResults()) {
      bool readOutside = llvm::any_of(result.getUsers(), [&](Operation *user) {
        return !whole.contains(user) && !isa<tensor::DimOp>(user);
      });
      if (!readOutside)
        continue;
      // (One without a name for an extent is computed in every chunk.)
      Value value = result;
      while (value && !cachedStateDims(value)) {
        Value source = reshapedSource(value.getDefiningOp());
        value = source && source.getDefiningOp() &&
                        whole.contains(source.getDefiningOp())
                    ? source
                    : Value();
      }
      if (value)
        cached.insert(value);
    }
  // What computes `value` among the whole ops, in order, `value`'s op last.
  auto sliceOf = [&](Value value) {
    SetVector<Operation *> slice;
    BackwardSliceOptions options;
    options.filter = [&](Operation *op) { return whole.contains(op); };
    (void)getBackwardSlice(value, &slice, options);
    slice.insert(value.getDefiningOp());
    return slice;
  };
  // Only what saves work: a value computed from an input, with a
  // contraction on the way.
  SmallVector<Value> worthy;
  for (Value value : cached) {
    SmallVector<std::pair<Value, int64_t>> sizes;
    SmallVector<BlockArgument> inputs;
    if (computedFromContext(value.getDefiningOp(), sizes, inputs) &&
        !inputs.empty() && llvm::any_of(sliceOf(value), isCostly))
      worthy.push_back(value);
  }
  Location loc = step.getLoc();
  // The ops the first chunk now computes under scf.if; those no longer
  // read are erased. (Only those: other whole ops left unread, a zero
  // initial state a recurrence no longer reads, are someone else's.)
  llvm::SetVector<Operation *> moved;
  for (Value value : worthy) {
    Operation *def = value.getDefiningOp();
    SetVector<Operation *> slice = sliceOf(value);
    moved.insert(slice.begin(), slice.end());
    BlockArgument state = addState(value.getType(), def->getLoc());
    BlockArgument flag = startedFlag(loc);
    builder.setInsertionPointAfter(def);
    Value zero = arith::ConstantIndexOp::create(builder, loc, 0);
    Value afterFirst = arith::CmpIOp::create(
        builder, loc, arith::CmpIPredicate::ne,
        tensor::ExtractOp::create(builder, loc, flag, ValueRange{zero}),
        arith::ConstantIntOp::create(builder, loc, 0, 64));
    auto ifOp = scf::IfOp::create(
        builder, loc, afterFirst,
        [&](OpBuilder &b, Location l) { scf::YieldOp::create(b, l, state); },
        [&](OpBuilder &b, Location l) {
          IRMapping mapping;
          for (Operation *op : slice)
            b.clone(*op, mapping);
          scf::YieldOp::create(b, l, mapping.lookup(value));
        });
    Value kept = ifOp.getResult(0);
    value.replaceUsesWithIf(kept, [&](OpOperand &use) {
      return !ifOp->isProperAncestor(use.getOwner());
    });
    SmallVector<std::string> names;
    SmallVector<std::pair<Value, int64_t>> sizes;
    SmallVector<BlockArgument> inputs;
    (void)computedFromContext(def, sizes, inputs);
    for (BlockArgument in : inputs)
      if (auto name =
              step.getArgAttrOfType<StringAttr>(in.getArgNumber(), "seq.name"))
        names.push_back("'" + name.getValue().str() + "'");
    std::string from = names.empty() ? "inputs given whole"
                       : names.size() == 1
                           ? "input " + names.front()
                           : "inputs " + llvm::join(names, ", ");
    states.push_back(
        {state, kept, *cachedStateDims(value), /*inPlace=*/false,
         /*order=*/~0u,
         "computed from " + from +
             " in the first chunk after the stream opens or resets and "
             "read by later chunks (" +
             describeOrigin(("'" + def->getName().getStringRef() + "'").str(),
                            def->getLoc()) +
             ")"});
  }
  if (!worthy.empty())
    for (State &s : states)
      if (s.in == started)
        s.doc = "1 once the stream is past its first chunk (before it, the "
                "model's own initial states are read and the values kept "
                "from inputs given whole are computed)";
  // What the cached values were computed from, now read by nothing.
  // (Not a value eraseReplacedInitialStates still looks at.)
  for (Operation *op : llvm::reverse(body))
    if (moved.contains(op) && isOpTriviallyDead(op) &&
        llvm::none_of(op->getResults(), [&](Value v) {
          return llvm::is_contained(replacedInitialStates, v);
        }))
      op->erase();
}

} // namespace seqc::seq::detail
