//===- HoistKernelChecks.cpp - a parallel loop's checks, after it --------===//

#include "compiler/GPU/Passes.h"

#include "dialects/Seq/IR/SeqOps.h"
#include "dialects/Seq/Utils/CheckUtils.h"

#include "mlir/Interfaces/FunctionInterfaces.h"
#include "mlir/Interfaces/LoopLikeInterface.h"

#define DEBUG_TYPE "seqc-hoist-kernel-checks"

namespace seqc {
#define GEN_PASS_DEF_HOISTKERNELCHECKSPASS
#include "compiler/GPU/Passes.h.inc"
} // namespace seqc

using namespace mlir;
using seqc::seq::CheckKind;
using seqc::seq::CheckOp;

namespace {

struct HoistKernelChecksPass
    : seqc::impl::HoistKernelChecksPassBase<HoistKernelChecksPass> {
  using Base::Base;

  void runOnOperation() override {
    SmallVector<scf::ParallelOp> loops;
    getOperation().walk([&](scf::ParallelOp loop) {
      if (!loop->getParentOfType<scf::ParallelOp>())
        loops.push_back(loop);
    });
    for (scf::ParallelOp loop : loops)
      if (failed(hoist(loop)))
        return signalPassFailure();
  }

  LogicalResult hoist(scf::ParallelOp loop) {
    SmallVector<CheckOp> checks;
    loop.walk([&](CheckOp check) { checks.push_back(check); });
    if (checks.empty())
      return success();
    for (CheckOp check : checks)
      if (check.getKind() != CheckKind::value)
        return check.emitError()
               << "a '" << seqc::seq::stringifyCheckKind(check.getKind())
               << "' check inside a parallel loop (only value checks, whose "
                  "op keeps its own accesses safe, can be reported after "
                  "the loop)";
    Location loc = loop.getLoc();
    // [failed, value] per check, allocated once outside any loop around
    // this one (a time loop must not allocate every step) and zeroed on
    // the host before each run of the loop.
    Operation *outermost = loop;
    for (Operation *parent = loop->getParentOp();
         parent && !isa<FunctionOpInterface>(parent);
         parent = parent->getParentOp())
      if (isa<LoopLikeOpInterface>(parent))
        outermost = parent;
    OpBuilder b(outermost);
    auto i64 = b.getI64Type();
    auto type = MemRefType::get({2 * int64_t(checks.size())}, i64);
    Value flags = memref::AllocOp::create(b, loc, type);
    b.setInsertionPoint(loop);
    Value zero = arith::ConstantIntOp::create(b, loc, i64, 0);
    Value one = arith::ConstantIntOp::create(b, loc, i64, 1);
    auto slot = [&](OpBuilder &at, size_t i) {
      return arith::ConstantIndexOp::create(at, loc, int64_t(i));
    };
    for (size_t i = 0; i < 2 * checks.size(); ++i)
      memref::StoreOp::create(b, loc, zero, flags, ValueRange{slot(b, i)});

    for (auto [k, check] : llvm::enumerate(checks)) {
      OpBuilder in(check);
      Location at = check.getLoc();
      Value failedCondition = arith::XOrIOp::create(
          in, at, check.getCondition(),
          arith::ConstantIntOp::create(in, at, in.getI1Type(), 1));
      auto ifOp = scf::IfOp::create(in, at, failedCondition,
                                    /*withElseRegion=*/false);
      OpBuilder then = ifOp.getThenBodyBuilder();
      memref::StoreOp::create(then, at, one, flags,
                              ValueRange{slot(then, 2 * k)});
      if (Value value = check.getValue())
        memref::StoreOp::create(then, at, value, flags,
                                ValueRange{slot(then, 2 * k + 1)});
    }

    OpBuilder after(loop->getBlock(), std::next(loop->getIterator()));
    for (auto [k, check] : llvm::enumerate(checks)) {
      Value failed = memref::LoadOp::create(after, loc, flags,
                                            ValueRange{slot(after, 2 * k)});
      Value ok = arith::CmpIOp::create(after, loc, arith::CmpIPredicate::eq,
                                       failed, zero);
      Value value = check.getValue()
                        ? memref::LoadOp::create(
                              after, loc, flags,
                              ValueRange{slot(after, 2 * k + 1)})
                              .getResult()
                        : Value();
      CheckOp::create(after, check.getLoc(), ok, value, check.getSelector(),
                      check.getMessageAttr(), check.getAlternativesAttr(),
                      check.getKindAttr());
      check.erase();
    }
    // After the checks, or after the outermost loop around them.
    if (outermost != loop)
      after.setInsertionPointAfter(outermost);
    memref::DeallocOp::create(after, loc, flags);
    return success();
  }
};

} // namespace
