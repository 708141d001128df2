//===- SizeOnlyReads.cpp - values a step function may leave per chunk ----===//
//
// What the step function builder may keep as it is because only its sizes
// (or only fixed values) are read: see SizeOnlyReads.h.
//
//===----------------------------------------------------------------------===//

#include "dialects/Seq/Transforms/SizeOnlyReads.h"

#include "dialects/Seq/IR/SeqOps.h"
#include "dialects/Seq/IR/StreamableOpInterface.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Utils/StaticValueUtils.h"
#include "mlir/IR/Matchers.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"
#include "mlir/Transforms/RegionUtils.h"

using namespace mlir;

namespace seqc::seq {

/// Whether scalar `v` is the same on every run and in every chunk: a
/// constant, a static size, or arith of those (N of `B, N, T = y.size()`
/// cast to a tensor), not yet folded when the step function is made.
static bool isFixedScalarAt(Value v, int depth) {
  if (matchPattern(v, m_Constant()))
    return true;
  Operation *def = v.getDefiningOp();
  if (!def || depth > 8)
    return false;
  if (auto dim = dyn_cast<tensor::DimOp>(def)) {
    std::optional<int64_t> index = dim.getConstantIndex();
    auto type = dyn_cast<RankedTensorType>(dim.getSource().getType());
    return index && type && !type.isDynamicDim(*index);
  }
  return isa<arith::ArithDialect>(def->getDialect()) && isPure(def) &&
         llvm::all_of(def->getOperands(), [&](Value operand) {
           return isFixedScalarAt(operand, depth + 1);
         });
}

bool isFixedScalar(Value v) { return isFixedScalarAt(v, 0); }

static void
collectRunTimeSizes(Value v, int depth,
                    SmallVectorImpl<std::pair<Value, int64_t>> &out) {
  Operation *def = v.getDefiningOp();
  if (!def || depth > 8)
    return;
  if (auto dim = dyn_cast<tensor::DimOp>(def)) {
    std::optional<int64_t> index = dim.getConstantIndex();
    auto type = dyn_cast<RankedTensorType>(dim.getSource().getType());
    if (index && type && type.isDynamicDim(*index))
      out.push_back({dim.getSource(), *index});
    return;
  }
  if (isa<arith::ArithDialect>(def->getDialect()))
    for (Value operand : def->getOperands())
      collectRunTimeSizes(operand, depth + 1, out);
}

SmallVector<std::pair<Value, int64_t>> findRunTimeSizeOperands(Operation *op) {
  SmallVector<std::pair<Value, int64_t>> sizes;
  for (Value operand : op->getOperands())
    if (!isa<ShapedType>(operand.getType()))
      collectRunTimeSizes(operand, 0, sizes);
  return sizes;
}

/// Whether `slice` cuts a constant table (directly or through further
/// slices): a registered mask buffer cut to the length, nanoGPT's
/// `self.bias[:, :, :T, :T]`.
static bool slicesConstant(tensor::ExtractSliceOp slice) {
  Operation *source = slice.getSource().getDefiningOp();
  if (auto inner = dyn_cast_or_null<tensor::ExtractSliceOp>(source))
    return slicesConstant(inner);
  return isa_and_nonnull<arith::ConstantOp>(source);
}

/// Whether `slice` has the same sizes in a chunk as in the full run, and
/// is in bounds in any chunk: each dimension of run-time size is taken
/// whole or at its first step (`zeros_like(x[:, 0])` reads x[:, 0] for its
/// shape), the others at constant positions.
static bool slicesChunkInvariantShape(tensor::ExtractSliceOp slice) {
  RankedTensorType source = slice.getSourceType();
  if (!slice.hasUnitStride())
    return false;
  for (int64_t d = 0; d < source.getRank(); ++d) {
    std::optional<int64_t> offset =
        getConstantIntValue(slice.getMixedOffsets()[d]);
    OpFoldResult size = slice.getMixedSizes()[d];
    if (!offset)
      return false;
    if (!source.isDynamicDim(d)) {
      if (!getConstantIntValue(size))
        return false;
      continue;
    }
    std::optional<int64_t> constantSize = getConstantIntValue(size);
    auto dim = dyn_cast_if_present<Value>(size)
                   ? cast<Value>(size).getDefiningOp<tensor::DimOp>()
                   : tensor::DimOp();
    bool whole = dim && dim.getSource() == slice.getSource() &&
                 dim.getConstantIndex() == d;
    if (*offset != 0 || !(whole || constantSize == 1))
      return false;
  }
  return true;
}

/// Whether scalar `v` reaches nothing but run-time checks (seq.check's
/// condition or the value its message shows), through arith.
static bool onlyChecks(Value v, int depth) {
  if (depth > 16)
    return false;
  return llvm::all_of(v.getUsers(), [&](Operation *user) {
    if (isa<CheckOp>(user))
      return true;
    return isa<arith::ArithDialect>(user->getDialect()) && isPure(user) &&
           llvm::all_of(user->getResults(), [&](Value result) {
             return onlyChecks(result, depth + 1);
           });
  });
}

/// Whether scalar `v` is computed by arith from run-time sizes and no
/// constant but 0 and ONNX's open ends (at least 2^31): the bounds of an
/// ONNX Slice from `kl - ql` to `kl`, clamped to the source's length.
static bool isScaleFreeSize(Value v, int depth) {
  if (std::optional<int64_t> c = getConstantIntValue(v))
    return *c == 0 || *c >= (int64_t{1} << 31) || *c <= -(int64_t{1} << 31);
  Operation *def = v.getDefiningOp();
  if (!def || depth > 16)
    return false;
  if (auto dim = dyn_cast<tensor::DimOp>(def)) {
    std::optional<int64_t> index = dim.getConstantIndex();
    auto type = dyn_cast<RankedTensorType>(dim.getSource().getType());
    return index && type && type.isDynamicDim(*index);
  }
  return isa<arith::ArithDialect>(def->getDialect()) && isPure(def) &&
         llvm::all_of(def->getOperands(), [&](Value operand) {
           return isScaleFreeSize(operand, depth + 1);
         });
}

/// Whether `slice`'s sizes are read by nothing but run-time checks (a
/// raised attention mask's extent checks) and its bounds are computed from
/// run-time sizes alone (isScaleFreeSize): Qwen-1's per-call
/// `tril(ones(kl, kl)).view(1, 1, kl, kl)[:, :, kl - ql:kl, :kl]`. Such a
/// bound is a multiple of the length, so in a chunk of c steps a check
/// compares what the full run of c steps compares: it passes for every
/// length or fails with its message for every length; no value depends on
/// the sizes. (A fixed bound, a table of block_size steps or `[:16]`,
/// would let chunks pass a check that the whole stream fails: refused.)
static bool slicesOnlyForChecks(tensor::ExtractSliceOp slice) {
  RankedTensorType source = slice.getSourceType();
  for (int64_t d = 0; d < source.getRank(); ++d) {
    OpFoldResult offset = slice.getMixedOffsets()[d];
    OpFoldResult size = slice.getMixedSizes()[d];
    if (!source.isDynamicDim(d)) {
      if (!getConstantIntValue(offset) || !getConstantIntValue(size))
        return false;
      continue;
    }
    auto scaleFree = [](OpFoldResult bound) {
      if (auto value = dyn_cast<Value>(bound))
        return isScaleFreeSize(value, 0);
      return getConstantIntValue(bound) == 0;
    };
    if (!scaleFree(offset) || !scaleFree(size))
      return false;
  }
  return slice.hasUnitStride() &&
         llvm::all_of(slice->getUsers(), [](Operation *user) {
           auto dim = dyn_cast<tensor::DimOp>(user);
           return dim && onlyChecks(dim.getResult(), 0);
         });
}

/// Whether `op` itself may be read only for its sizes (its users aside).
/// Only destination-style linalg ops (whose sizes are their inits', which
/// are checked where they are made), reshapes, slices of a constant table
/// and slices whose sizes no chunk changes qualify: a concatenation or a
/// slice of a value along time would have a chunk's sizes differ from a
/// share of the full run's. A table cut to a chunk's length checks the
/// chunk against the table (a mask buffer of block_size steps: each chunk
/// within it).
static bool mayBeReadOnlyForSizes(Operation *op) {
  auto slice = dyn_cast<tensor::ExtractSliceOp>(op);
  return op->getNumResults() != 0 && isMemoryEffectFree(op) &&
         (!slice || slicesConstant(slice) || slicesChunkInvariantShape(slice) ||
          slicesOnlyForChecks(slice)) &&
         (slice || isa<linalg::LinalgOp, tensor::ExpandShapeOp,
                       tensor::CollapseShapeOp, tensor::CastOp>(op));
}

/// Computes values that are read only for their sizes (tensor.dim,
/// directly or through reshapes): a raised attention mask stays alive
/// through its extent checks. A reader that is itself read only for sizes
/// (a mask computed from a mask, both raised into seq.attention and left
/// for its checks) counts as a tensor.dim. The users are visited from a
/// stack, each answer kept in `known` (a chain of 70,000 ops overflowed the
/// recursion, and a caller asking of every op in a chain walked its rest
/// each time). An answer depends only on the op's readers and whether a
/// slice's source is constant: a caller that keeps `known` across changes
/// to the IR must not erase or replace the ops it holds.
bool isReadOnlyForSizes(Operation *root,
                        llvm::DenseMap<Operation *, bool> &known) {
  // (An op is answered once every reader it waits on is; one refused is
  // answered at once, its readers left unasked.)
  SmallVector<Operation *> stack{root};
  while (!stack.empty()) {
    Operation *op = stack.back();
    if (known.count(op)) {
      stack.pop_back();
      continue;
    }
    bool answer = mayBeReadOnlyForSizes(op), used = false;
    SmallVector<Operation *> unanswered;
    for (Value result : op->getResults())
      for (Operation *user : result.getUsers()) {
        used = true;
        if (!answer || isa<tensor::DimOp>(user))
          continue;
        if (!isa<tensor::ExpandShapeOp, tensor::CollapseShapeOp, tensor::CastOp,
                 tensor::ExtractSliceOp, linalg::LinalgOp>(user))
          answer = false;
        else if (auto it = known.find(user); it == known.end())
          unanswered.push_back(user);
        else
          answer &= it->second;
      }
    if (answer && !unanswered.empty()) {
      llvm::append_range(stack, unanswered);
      continue;
    }
    stack.pop_back();
    known[op] = answer && used;
  }
  return known.lookup(root);
}

bool isReadOnlyForSizes(Operation *op) {
  llvm::DenseMap<Operation *, bool> known;
  return isReadOnlyForSizes(op, known);
}

namespace {

/// isComputedFromSizes's and isComputedFromContext's walk, remembering
/// each op's answer. With `inputs`, the model's inputs (the first
/// `numInputs` arguments) are read too and listed there.
struct FromSizes {
  FromSizes(
      func::FuncOp step, SmallVectorImpl<std::pair<Value, int64_t>> &sizes,
      SmallVectorImpl<BlockArgument> *inputs = nullptr, unsigned numInputs = 0,
      const DenseMap<Operation *, SmallVector<BlockArgument, 2>> *wholeOps =
          nullptr)
      : step(step), sizes(sizes), inputs(inputs), numInputs(numInputs),
        wholeOps(wholeOps) {}

  func::FuncOp step;
  SmallVectorImpl<std::pair<Value, int64_t>> &sizes;
  SmallVectorImpl<BlockArgument> *inputs;
  unsigned numInputs;
  const DenseMap<Operation *, SmallVector<BlockArgument, 2>> *wholeOps;
  llvm::DenseMap<Operation *, bool> known;

  void addInput(BlockArgument arg) {
    if (!llvm::is_contained(*inputs, arg))
      inputs->push_back(arg);
  }

  bool value(Value v, int depth) {
    if (matchPattern(v, m_Constant()))
      return true;
    if (auto arg = dyn_cast<BlockArgument>(v)) {
      if (arg.getOwner()->getParentOp() != step.getOperation())
        return false;
      if (step.getArgAttr(arg.getArgNumber(), "seq.weight"))
        return true;
      if (!inputs || arg.getArgNumber() >= numInputs)
        return false;
      addInput(arg);
      return true;
    }
    if (auto dim = v.getDefiningOp<tensor::DimOp>()) {
      std::optional<int64_t> index = dim.getConstantIndex();
      auto type = dyn_cast<RankedTensorType>(dim.getSource().getType());
      if (!index || !type)
        return false;
      if (type.isDynamicDim(*index))
        sizes.push_back({dim.getSource(), *index});
      return true;
    }
    return op(v.getDefiningOp(), depth + 1);
  }

  bool op(Operation *op, int depth) {
    if (auto it = known.find(op); it != known.end())
      return it->second;
    if (inputs && wholeOps)
      if (auto it = wholeOps->find(op); it != wholeOps->end()) {
        for (BlockArgument arg : it->second)
          addInput(arg);
        return known[op] = true;
      }
    // (Bounded: past this depth the answer is no.)
    if (depth > 64)
      return false;
    // Positions are arange(size) + offset: the size is read.
    if (auto positions = dyn_cast<PositionsOp>(op)) {
      auto like = cast<RankedTensorType>(positions.getLike().getType());
      if (like.isDynamicDim(positions.getDim()))
        sizes.push_back({positions.getLike(), (int64_t)positions.getDim()});
      return known[op] =
                 !positions.getOffset() || value(positions.getOffset(), depth);
    }
    // (An op that carries nothing between chunks, a normalization over
    // the features, computes from its operands alone.)
    if (auto streamable = dyn_cast<StreamableOpInterface>(op);
        streamable && (!inputs || streamable.carriesStreamState()))
      return false;
    // No effect but a run-time check, here or nested.
    WalkResult effects = op->walk([](Operation *inner) {
      return isa<CheckOp>(inner) ||
                     inner->hasTrait<OpTrait::HasRecursiveMemoryEffects>() ||
                     isMemoryEffectFree(inner)
                 ? WalkResult::advance()
                 : WalkResult::interrupt();
    });
    bool result = !effects.wasInterrupted();
    llvm::SetVector<Value> captured;
    getUsedValuesDefinedAbove(op->getRegions(), captured);
    for (Value operand : llvm::concat<Value>(op->getOperands(), captured))
      result = result && value(operand, depth);
    known[op] = result;
    return result;
  }
};

} // namespace

bool isComputedFromSizes(Operation *op, func::FuncOp step,
                         SmallVectorImpl<std::pair<Value, int64_t>> &sizes) {
  FromSizes walk(step, sizes);
  return walk.op(op, 0);
}

bool isComputedFromContext(
    Operation *op, func::FuncOp step, unsigned numInputs,
    SmallVectorImpl<std::pair<Value, int64_t>> &sizes,
    SmallVectorImpl<BlockArgument> &inputs,
    const DenseMap<Operation *, SmallVector<BlockArgument, 2>> *known) {
  FromSizes walk(step, sizes, &inputs, numInputs, known);
  return walk.op(op, 0);
}

} // namespace seqc::seq
