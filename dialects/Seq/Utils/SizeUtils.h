//===- SizeUtils.h - reasoning about dynamic sizes --------------*- C++ -*-===//
//
// Dynamic sizes are SSA values; the same length often reaches two places
// as two values (tensor.dim of an op's result, and the tensor.dim of the
// input it was decided from). These read a size back to where it was
// decided, without building anything, so that the importers and passes can
// tell two sizes are the same.
//
//===----------------------------------------------------------------------===//

#ifndef SEQC_DIALECTS_SEQ_UTILS_SIZEUTILS_H
#define SEQC_DIALECTS_SEQ_UTILS_SIZEUTILS_H

#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/OpDefinition.h"

namespace seqc::seq {

/// The size dimension `d` of the ranked tensor `v` was decided as: static
/// extents as attributes; through destination-style ops to their init,
/// seq ops to the operand dimension their shape rule ties it to
/// (DimensionTiesOpInterface: a Linear's [..., O] result to its input),
/// tensor.cast, a tensor.concat's first input (along the dimensions it
/// does not join), tensor.empty's, extract_slice's and expand_shape's sizes,
/// collapse_shape groups of one dimension that is not size 1, and
/// tensor.dim of those, to the last tensor.dim found (one of a function
/// argument, say). Null when unknown.
mlir::OpFoldResult getDecidedSize(mlir::Value v, int64_t d);

/// The same, with the (value, dimension) where the walk stopped in `end`
/// (a block argument, an op it does not see through).
mlir::OpFoldResult getDecidedSize(mlir::Value v, int64_t d,
                                  std::pair<mlir::Value, int64_t> &end);

/// `size` read back the same way when it is a tensor.dim (else itself).
mlir::OpFoldResult getDecidedSize(mlir::OpFoldResult size);

/// The dimensions whose sizes multiply to `size` when its walk
/// (getDecidedSize, from a tensor.dim) ends at a collapse_shape group of
/// several dimensions not of size 1 ([T, B, 4, 16] -> [T, B * 4, 16]: B
/// and 4 of the source, for dimension 1): that group's dimensions of size
/// other than 1. Empty otherwise.
llvm::SmallVector<std::pair<mlir::Value, int64_t>>
getCollapsedFactors(mlir::OpFoldResult size);

/// The same for dimension `d` of `v`.
llvm::SmallVector<std::pair<mlir::Value, int64_t>>
getCollapsedFactors(mlir::Value v, int64_t d);

/// The source dimension that dimension `d` of `slice`'s result is: the d-th
/// one a rank-reducing slice keeps (a[:, :, 0] drops the last).
int64_t sliceSourceDim(mlir::tensor::ExtractSliceOp slice, int64_t d);

/// Whether `a` and `b` are the same size on every run: equal constants,
/// two tensor.dims whose walks (getDecidedSize) end at the same dimension
/// of one value, or (after getDecidedSize) the same value or the same pure
/// computation of the same sizes (two tensor.dims of one dimension; T * 2
/// twice).
bool isSameSize(mlir::OpFoldResult a, mlir::OpFoldResult b);

/// Whether dimension `da` of `a` and `db` of `b` are the same size on every
/// run (isSameSize of their tensor.dims, without building them).
bool isSameDimension(mlir::Value a, int64_t da, mlir::Value b, int64_t db);

/// A constant that `size` never exceeds on a run, read from where it was
/// decided (getDecidedSize): a static size, or a min / max / select / sum
/// / difference of values bounded this way (a slice of a stored buffer
/// clamped to its rows, min(max(T, 0), 16); Hugging Face GPT-2's rows
/// [Lk - Lq, Lk) of it, end minus clamped start). Unsigned min/max are not
/// read. None when nothing bounds it.
std::optional<int64_t> getUpperBound(mlir::OpFoldResult size);

} // namespace seqc::seq

#endif // SEQC_DIALECTS_SEQ_UTILS_SIZEUTILS_H
