//===- SizeOnlyReads.cpp - values a step function may leave per chunk ----===//
//
// What the step function builder may keep as it is because only its sizes
// (or only fixed values) are read: see SizeOnlyReads.h.
//
//===----------------------------------------------------------------------===//

#include "dialects/Seq/Transforms/SizeOnlyReads.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Utils/StaticValueUtils.h"
#include "mlir/IR/Matchers.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"

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

/// Whether `op` computes values that are read only for their sizes
/// (tensor.dim, directly or through reshapes): a raised attention mask
/// stays alive through its extent checks. Only destination-style linalg ops
/// (whose sizes are their inits', which are checked where they are made),
/// reshapes, slices of a constant table and slices whose sizes no chunk
/// changes qualify: a concatenation or a slice of a value along time
/// would have a chunk's sizes differ from a share of the full run's. A table
/// cut to a chunk's length checks the chunk against the table (a mask buffer of
/// block_size steps: each chunk within it).
bool isReadOnlyForSizes(Operation *op) {
  auto slice = dyn_cast<tensor::ExtractSliceOp>(op);
  if (op->getNumResults() == 0 || !isMemoryEffectFree(op) ||
      (slice && !slicesConstant(slice) && !slicesChunkInvariantShape(slice)) ||
      (!slice && !isa<linalg::LinalgOp, tensor::ExpandShapeOp,
                      tensor::CollapseShapeOp, tensor::CastOp>(op)))
    return false;
  bool used = false;
  for (Value result : op->getResults())
    for (Operation *user : result.getUsers()) {
      used = true;
      if (isa<tensor::DimOp>(user))
        continue;
      // A reader that is itself read only for sizes (a mask computed from
      // a mask, both raised into seq.attention and left for its checks).
      if (!isa<tensor::ExpandShapeOp, tensor::CollapseShapeOp, tensor::CastOp,
               tensor::ExtractSliceOp, linalg::LinalgOp>(user) ||
          !isReadOnlyForSizes(user))
        return false;
    }
  return used;
}

} // namespace seqc::seq
