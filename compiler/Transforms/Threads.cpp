//===- Threads.cpp - splitting work over the context's threads -----------===//

#include "compiler/Transforms/Threads.h"
#include "compiler/Transforms/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Utils/StaticValueUtils.h"

#include "seqc/abi.h"

using namespace mlir;

namespace seqc {

Value modelContextArgument(func::FuncOp func) {
  if (!func || func.isExternal())
    return {};
  for (unsigned i = 0; i < func.getNumArguments(); ++i)
    if (func.getArgAttr(i, kModelContextAttr))
      return func.getArgument(i);
  return {};
}

Value createContextLoad(OpBuilder &b, Location loc, Value context,
                        size_t offset, Type type) {
  Value address = LLVM::GEPOp::create(
      b, loc, LLVM::LLVMPointerType::get(b.getContext()),
      IntegerType::get(b.getContext(), 8), context,
      ArrayRef<LLVM::GEPArg>{static_cast<int32_t>(offset)});
  return LLVM::LoadOp::create(b, loc, type, address);
}

Value createShareCount(OpBuilder &b, Location loc, Value threads, Value work,
                       Value pieces, int64_t minWorkPerThread) {
  auto cst = [&](int64_t v) {
    return arith::ConstantIndexOp::create(b, loc, v);
  };
  Value worthSplitting = arith::CmpIOp::create(
      b, loc, arith::CmpIPredicate::uge, work,
      arith::MulIOp::create(b, loc, threads, cst(minWorkPerThread)));
  return arith::SelectOp::create(
      b, loc, worthSplitting, arith::MinUIOp::create(b, loc, threads, pieces),
      cst(1));
}

Value createShareStart(OpBuilder &b, Location loc, Value share, Value pieces,
                       Value shares) {
  return arith::DivUIOp::create(
      b, loc, arith::MulIOp::create(b, loc, share, pieces), shares);
}

Share createShareLoop(OpBuilder &b, Location loc, Value threads, Value work,
                      Value pieces, int64_t minWorkPerThread) {
  auto cst = [&](int64_t v) {
    return arith::ConstantIndexOp::create(b, loc, v);
  };
  Value shares =
      createShareCount(b, loc, threads, work, pieces, minWorkPerThread);
  auto shareLoop = scf::ForOp::create(b, loc, cst(0), shares, cst(1));
  shareLoop->setAttr(kParallelLoopAttr, b.getUnitAttr());
  b.setInsertionPointToStart(shareLoop.getBody());
  Value share = shareLoop.getInductionVar();
  Value begin = createShareStart(b, loc, share, pieces, shares);
  Value end = createShareStart(
      b, loc, arith::AddIOp::create(b, loc, share, cst(1)), pieces, shares);
  return {begin, end};
}

bool mayRepayFork(ArrayRef<Value> extents, int64_t perIteration) {
  const int64_t least = 2 * kMinMacsPerThread;
  int64_t work = perIteration;
  for (Value extent : extents) {
    std::optional<int64_t> size = getConstantIntValue(extent);
    if (!size)
      return true;
    if (*size == 0)
      return false;
    // Stop before the product can overflow.
    if (work >= least || *size >= least)
      work = least;
    else
      work *= *size;
  }
  return work >= least;
}

bool isInsideParallelLoop(Operation *op) {
  for (Operation *parent = op->getParentOp(); parent;
       parent = parent->getParentOp())
    if (isa<scf::ForOp>(parent) && parent->hasAttr(kParallelLoopAttr))
      return true;
  return false;
}

Value createThreadCount(OpBuilder &b, Location loc, Operation *at) {
  Value one = arith::ConstantIndexOp::create(b, loc, 1);
  Value context = modelContextArgument(
      isa<func::FuncOp>(at) ? cast<func::FuncOp>(at)
                            : at->getParentOfType<func::FuncOp>());
  if (!context)
    return one;
  MLIRContext *ctx = b.getContext();
  auto ptr = LLVM::LLVMPointerType::get(ctx);
  auto i64 = IntegerType::get(ctx, 64);
  auto field = [&](size_t offset, Type type) {
    return createContextLoad(b, loc, context, offset, type);
  };
  Value parallelFor = field(offsetof(seqc_model_context, parallel_for), ptr);
  Value hasPool = LLVM::ICmpOp::create(b, loc, LLVM::ICmpPredicate::ne,
                                       parallelFor,
                                       LLVM::ZeroOp::create(b, loc, ptr));
  Value threads = arith::IndexCastOp::create(
      b, loc, b.getIndexType(),
      field(offsetof(seqc_model_context, num_threads), i64));
  threads = arith::MaxSIOp::create(b, loc, threads, one);
  return arith::SelectOp::create(b, loc, hasPool, threads, one);
}

} // namespace seqc
