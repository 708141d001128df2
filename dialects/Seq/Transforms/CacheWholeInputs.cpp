//===- CacheWholeInputs.cpp - compute once what chunks compute alike ----===//
//
// Values computed from inputs that every chunk is given whole (a decoder's
// memory: cross-attention's keys and values, projections of all of it)
// are the same in every chunk of a stream. A decoder streamed one token at
// a time would project all of memory again for every token: at S = 300,
// d = 256 and two layers, 2 ms per token, 0.23 with the projections kept
// (README, streaming). So the
// step function computes them in the first chunk after the stream opens
// or resets, keeps them as states, and reads the states afterwards, all
// in one scf.if at its top (an encoder in the same graph, shared by the
// layers' keys and values, runs once):
//
//   %v = <computed from memory>          %k:n = scf.if %started {
//   ... uses of %v                   ->     scf.yield %states...
//                                         } else {
//                                           <computed from memory>
//                                         }
//                                         ... uses of %k#i; %k#i -> state out
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
#include "dialects/Seq/Utils/SizeUtils.h"

#include "mlir/Analysis/SliceAnalysis.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/IRMapping.h"
#include "mlir/IR/Matchers.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"
#include "mlir/Transforms/RegionUtils.h"

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

std::optional<StepBuilder::InputDim> StepBuilder::inputDimOfSize(Value value,
                                                                 int64_t d) {
  // (The same size on every run, read from where it was decided: not the
  // axis a value indexes, as traceSize reads it, which a concat along S
  // or a strided slice of memory keeps while its length differs.)
  for (unsigned arg = 0; arg < numInputs; ++arg) {
    auto type = dyn_cast<RankedTensorType>(step.getArgument(arg).getType());
    if (!type || step.getArgAttr(arg, "seq.weight"))
      continue;
    for (int64_t k = 0; k < type.getRank(); ++k)
      if (type.isDynamicDim(k) &&
          isSameDimension(value, d, step.getArgument(arg), k))
        return InputDim{arg, static_cast<unsigned>(k), nullptr};
  }
  return std::nullopt;
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
    std::optional<InputDim> size = inputDimOfSize(value, d);
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
  if (worthy.empty())
    return;
  // One scf.if at the top of the step computes them all in the first
  // chunk: an encoder they share (cross-attention's keys and values of
  // every layer) runs once.
  llvm::SetVector<Operation *> moved;
  for (Value value : worthy) {
    SetVector<Operation *> slice = sliceOf(value);
    moved.insert(slice.begin(), slice.end());
  }
  Block &entry = step.getBody().front();
  // What those ops read besides each other and the arguments: constants,
  // moved to the top; sizes and their arithmetic, computed again inside
  // (a size of a value computed later, from the input dimension it is).
  SmallVector<Operation *> constants;
  llvm::SetVector<Operation *> scalars;
  llvm::DenseMap<Operation *, InputDim> sizesOfInputs;
  SmallVector<Operation *> work(moved.begin(), moved.end());
  while (!work.empty()) {
    Operation *op = work.pop_back_val();
    llvm::SetVector<Value> read(op->operand_begin(), op->operand_end());
    getUsedValuesDefinedAbove(op->getRegions(), read);
    for (Value v : read) {
      Operation *def = v.getDefiningOp();
      if (!def || def->getBlock() != &entry || moved.contains(def) ||
          scalars.contains(def) || llvm::is_contained(constants, def))
        continue;
      if (def->hasTrait<OpTrait::ConstantLike>()) {
        constants.push_back(def);
        continue;
      }
      auto dim = dyn_cast<tensor::DimOp>(def);
      if (dim && dim.getConstantIndex() && !isa<BlockArgument>(dim.getSource()))
        if (Operation *source = dim.getSource().getDefiningOp();
            !moved.contains(source))
          if (std::optional<InputDim> size =
                  inputDimOfSize(dim.getSource(), *dim.getConstantIndex())) {
            sizesOfInputs[def] = *size;
            scalars.insert(def);
            continue;
          }
      // (Anything else, a tensor no chunk computes alike or an effect:
      // nothing is cached.)
      if (!isMemoryEffectFree(def) || def->getNumRegions() ||
          llvm::any_of(def->getResultTypes(),
                       [](Type t) { return isa<ShapedType>(t); }))
        return;
      scalars.insert(def);
      work.push_back(def);
    }
  }
  SmallVector<Operation *> cloned(moved.begin(), moved.end());
  llvm::append_range(cloned, scalars);
  llvm::sort(cloned,
             [](Operation *a, Operation *b) { return a->isBeforeInBlock(b); });
  Location loc = step.getLoc();
  // (Their dims before any use is replaced: a value computed from an
  // earlier one traces its sizes through it.)
  SmallVector<ArrayAttr> keptDims;
  for (Value value : worthy)
    keptDims.push_back(*cachedStateDims(value));
  SmallVector<BlockArgument> kept;
  for (Value value : worthy)
    kept.push_back(addState(value.getType(), value.getLoc()));
  BlockArgument flag = startedFlag(loc);
  builder.setInsertionPointToStart(&entry);
  Value zero = arith::ConstantIndexOp::create(builder, loc, 0);
  for (Operation *constant : constants)
    constant->moveBefore(zero.getDefiningOp());
  Value afterFirst = arith::CmpIOp::create(
      builder, loc, arith::CmpIPredicate::ne,
      tensor::ExtractOp::create(builder, loc, flag, ValueRange{zero}),
      arith::ConstantIntOp::create(builder, loc, 0, 64));
  auto ifOp = scf::IfOp::create(
      builder, loc, afterFirst,
      [&](OpBuilder &b, Location l) {
        scf::YieldOp::create(b, l,
                             SmallVector<Value>(kept.begin(), kept.end()));
      },
      [&](OpBuilder &b, Location l) {
        IRMapping mapping;
        for (Operation *op : cloned) {
          auto size = sizesOfInputs.find(op);
          if (size == sizesOfInputs.end()) {
            b.clone(*op, mapping);
            continue;
          }
          mapping.map(op->getResult(0),
                      tensor::DimOp::create(b, op->getLoc(),
                                            step.getArgument(size->second.arg),
                                            size->second.dim));
        }
        SmallVector<Value> yields;
        for (Value value : worthy)
          yields.push_back(mapping.lookup(value));
        scf::YieldOp::create(b, l, yields);
      });
  for (auto [k, value] : llvm::enumerate(worthy)) {
    Value result = ifOp.getResult(k);
    value.replaceUsesWithIf(result, [&](OpOperand &use) {
      return !ifOp->isProperAncestor(use.getOwner());
    });
    Operation *def = value.getDefiningOp();
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
        {kept[k], result, keptDims[k], /*inPlace=*/false,
         /*order=*/~0u,
         "computed from " + from +
             " in the first chunk after the stream opens or resets and "
             "read by later chunks (" +
             describeOrigin(("'" + def->getName().getStringRef() + "'").str(),
                            def->getLoc()) +
             ")"});
  }
  // A size read of what moved is that of the input dimension it is, so
  // that nothing keeps the moved ops computing in every chunk.
  for (Operation *op : body)
    if (auto dim = dyn_cast<tensor::DimOp>(op);
        dim && dim.getConstantIndex() && dim.getSource().getDefiningOp() &&
        moved.contains(dim.getSource().getDefiningOp()))
      if (std::optional<InputDim> size =
              inputDimOfSize(dim.getSource(), *dim.getConstantIndex())) {
        builder.setInsertionPoint(dim);
        dim.replaceAllUsesWith(
            tensor::DimOp::create(builder, dim.getLoc(),
                                  step.getArgument(size->arg), size->dim)
                .getResult());
      }
  for (State &s : states)
    if (s.in == started)
      s.doc = "1 once the stream is past its first chunk (before it, the "
              "model's own initial states are read and the values kept "
              "from inputs given whole are computed)";
  // What the cached values were computed from, now read by nothing.
  // (Not a value eraseReplacedInitialStates still looks at.)
  for (Operation *op : llvm::reverse(body))
    if ((moved.contains(op) || scalars.contains(op) ||
         isa<tensor::DimOp>(op)) &&
        isOpTriviallyDead(op) && llvm::none_of(op->getResults(), [&](Value v) {
          return llvm::is_contained(replacedInitialStates, v);
        }))
      op->erase();
}

} // namespace seqc::seq::detail
