//===- TensorUtils.h - small tensor-building helpers ------------*- C++ -*-===//

#ifndef SEQC_DIALECTS_SEQ_UTILS_TENSORUTILS_H
#define SEQC_DIALECTS_SEQ_UTILS_TENSORUTILS_H

#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinTypes.h"

namespace seqc::seq {

/// Size of dimension `dim` of `tensor`: a constant when static, else a
/// tensor.dim.
mlir::OpFoldResult getDimSize(mlir::OpBuilder &b, mlir::Location loc,
                              mlir::Value tensor, int64_t dim);

/// A tensor of `type` filled with `value`; `dynamicSizes` gives the size of
/// each dynamic dimension in order.
mlir::Value createFilledTensor(mlir::OpBuilder &b, mlir::Location loc,
                               mlir::RankedTensorType type,
                               mlir::ValueRange dynamicSizes, double value);

/// A tensor.empty of `sizes` (static ones as attributes).
mlir::Value createEmptyTensor(mlir::OpBuilder &b, mlir::Location loc,
                              llvm::ArrayRef<mlir::OpFoldResult> sizes,
                              mlir::Type elementType);

/// The static shape of `sizes` (kDynamic for values).
llvm::SmallVector<int64_t> getStaticShape(llvm::ArrayRef<mlir::OpFoldResult> sizes);

/// Slice `source[index]` along dimension `dim`, dropping that dimension.
mlir::Value extractIndexAlong(mlir::OpBuilder &b, mlir::Location loc,
                              mlir::Value source, int64_t dim,
                              mlir::OpFoldResult index);

/// `v` with a dimension of size 1 inserted at `axis` (0 to rank): a
/// tensor.expand_shape.
mlir::Value insertUnitDim(mlir::OpBuilder &b, mlir::Location loc, mlir::Value v,
                          int64_t axis);

/// tensor.extract_slice of `source`, or a tensor.empty of `sizes` when one
/// of them is a constant 0 (a piece of no elements at the end of a
/// dimension, torch.split's [4, 0], whose offset equals the extent, which
/// extract_slice's verifier refuses).
mlir::Value extractSliceOrEmpty(mlir::OpBuilder &b, mlir::Location loc,
                                mlir::Value source,
                                llvm::ArrayRef<mlir::OpFoldResult> offsets,
                                llvm::ArrayRef<mlir::OpFoldResult> sizes,
                                llvm::ArrayRef<mlir::OpFoldResult> strides);

/// Slice columns [offset, offset + size) of the last dimension.
mlir::Value extractLastDimRange(mlir::OpBuilder &b, mlir::Location loc,
                                mlir::Value source, int64_t offset,
                                int64_t size);

/// Insert `source` (rank r) at `dest[..., index, ...]` along dimension `dim`
/// of `dest` (rank r + 1).
mlir::Value insertIndexAlong(mlir::OpBuilder &b, mlir::Location loc,
                             mlir::Value source, mlir::Value dest, int64_t dim,
                             mlir::OpFoldResult index);

/// An affine map of `numDims` loop dimensions selecting `dims` (a linalg
/// indexing map: operand dimension i is loop dimension dims[i]).
mlir::AffineMap selectLoopDims(mlir::MLIRContext *ctx, unsigned numDims,
                               llvm::ArrayRef<unsigned> dims);

/// linalg.transpose of `source` by `permutation` into a new tensor.
mlir::Value createTranspose(mlir::OpBuilder &b, mlir::Location loc,
                            mlir::Value source,
                            llvm::ArrayRef<int64_t> permutation);

} // namespace seqc::seq

#endif // SEQC_DIALECTS_SEQ_UTILS_TENSORUTILS_H
