//===- RoleTiling.h - TilingInterface from dimension roles ------*- C++ -*-===//
//
// An op whose operands and results are described by dimension roles
// (RoleShape: "BTD", "DN", "B3C") implements upstream TilingInterface from
// them: its iteration domain has one loop per letter of `loops` (the
// selective scan's "BTDN"), each operand and result of a tile is its slice
// along the dimensions whose role is a loop's letter and whole along the
// others. A loop whose iterator type is reduction (a scan's time steps, a
// sum over the state) cannot be cut: a tile must span it whole, or tiling
// fails.
//
//===----------------------------------------------------------------------===//

#ifndef SEQC_DIALECTS_SEQ_IR_ROLETILING_H
#define SEQC_DIALECTS_SEQ_IR_ROLETILING_H

#include "dialects/Seq/IR/SeqVerifyUtils.h"

#include "mlir/Interfaces/TilingInterface.h"

namespace seqc::seq {

/// One loop per letter of `loops`, over the size of the first shape in
/// `shapes` with that role.
llvm::SmallVector<mlir::Range>
getRoleIterationDomain(mlir::OpBuilder &b, mlir::Location loc,
                       llvm::ArrayRef<RoleShape> shapes, llvm::StringRef loops);

/// `op` again on the tile [offsets, offsets + sizes) of its iteration
/// domain: each operand sliced by its roles, result types with the tile's
/// sizes. Fails when a reduction loop is not whole or a value is used in
/// two roles.
mlir::FailureOr<mlir::TilingResult> getRoleTiledImplementation(
    mlir::OpBuilder &b, mlir::Operation *op, llvm::ArrayRef<RoleShape> shapes,
    llvm::StringRef loops,
    llvm::ArrayRef<mlir::utils::IteratorType> iteratorTypes,
    llvm::ArrayRef<mlir::OpFoldResult> offsets,
    llvm::ArrayRef<mlir::OpFoldResult> sizes);

/// Where result `resultNumber` of the tile [offsets, offsets + sizes) lies
/// in the whole result.
mlir::LogicalResult getRoleResultTilePosition(
    mlir::OpBuilder &b, mlir::Operation *op, llvm::ArrayRef<RoleShape> shapes,
    llvm::StringRef loops, unsigned resultNumber,
    llvm::ArrayRef<mlir::OpFoldResult> offsets,
    llvm::ArrayRef<mlir::OpFoldResult> sizes,
    llvm::SmallVector<mlir::OpFoldResult> &resultOffsets,
    llvm::SmallVector<mlir::OpFoldResult> &resultSizes);

} // namespace seqc::seq

#endif // SEQC_DIALECTS_SEQ_IR_ROLETILING_H
