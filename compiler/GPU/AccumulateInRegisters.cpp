//===- AccumulateInRegisters.cpp - a reduction's accumulator in a register ===//
//
// convert-linalg-to-parallel-loops writes a reduction dimension as an
// scf.for whose body loads the output element, combines it with the
// inputs and stores it back, every iteration. In a GPU thread the load of
// the next iteration must wait for that store (the inputs may alias the
// output as far as LLVM knows), so nothing overlaps: a recurrent step's
// 256-long dot product ran one memory latency per term (44 us on an
// H200). Carried as an iter_arg, the element is loaded once before the
// loop and stored once after it, and the inputs' loads of consecutive
// iterations are free to overlap.
//
//===----------------------------------------------------------------------===//

#include "compiler/GPU/Passes.h"

#include "mlir/IR/PatternMatch.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"

#define DEBUG_TYPE "seqc-accumulate-in-registers"

namespace seqc {
#define GEN_PASS_DEF_ACCUMULATEINREGISTERSPASS
#include "compiler/GPU/Passes.h.inc"
} // namespace seqc

using namespace mlir;

namespace {

/// A store of `loop`'s body to an element that does not change with the
/// iterations, and the one load of that element before it.
struct Accumulator {
  memref::LoadOp load;
  memref::StoreOp store;
};

static bool sameElement(memref::LoadOp load, memref::StoreOp store) {
  return load.getMemRef() == store.getMemRef() &&
         load.getIndices() == store.getIndices();
}

/// The accumulators of `loop`, or none when any memory access of its body
/// (nested ones included) is something else: a write to another place, a
/// read of an accumulated memref at another element, an op whose effects
/// are unknown. The inputs are assumed not to alias the outputs, which
/// the parallel loop around (one thread per output element) assumes
/// already.
static SmallVector<Accumulator> findAccumulators(scf::ForOp loop) {
  SmallVector<Accumulator> found;
  Block *body = loop.getBody();
  for (auto store : body->getOps<memref::StoreOp>()) {
    if (!loop.isDefinedOutsideOfLoop(store.getMemRef()) ||
        !llvm::all_of(store.getIndices(), [&](Value index) {
          return loop.isDefinedOutsideOfLoop(index);
        }))
      return {};
    if (llvm::any_of(found, [&](Accumulator other) {
          return other.store.getMemRef() == store.getMemRef();
        }))
      return {}; // two elements of one memref may be the same element
    memref::LoadOp load;
    for (auto candidate : body->getOps<memref::LoadOp>()) {
      if (!sameElement(candidate, store))
        continue;
      if (load || !candidate->isBeforeInBlock(store))
        return {};
      load = candidate;
    }
    if (!load)
      return {};
    found.push_back({load, store});
  }
  if (found.empty())
    return {};
  bool otherAccess = false;
  body->walk([&](Operation *op) {
    if (op == body->getTerminator())
      return WalkResult::advance();
    if (auto load = dyn_cast<memref::LoadOp>(op)) {
      for (Accumulator acc : found)
        if (load.getMemRef() == acc.store.getMemRef() && load != acc.load)
          otherAccess = true;
      return WalkResult::advance();
    }
    if (auto store = dyn_cast<memref::StoreOp>(op)) {
      otherAccess |= llvm::none_of(
          found, [&](Accumulator acc) { return acc.store == store; });
      return WalkResult::advance();
    }
    // Region ops (an scf.if, an inner loop already rewritten) are looked
    // into by the walk; their own effects are their body's.
    if (op->hasTrait<OpTrait::HasRecursiveMemoryEffects>())
      return WalkResult::advance();
    auto effects = dyn_cast<MemoryEffectOpInterface>(op);
    if (!effects) {
      otherAccess = true;
      return WalkResult::interrupt();
    }
    if (effects.hasEffect<MemoryEffects::Write>() ||
        effects.hasEffect<MemoryEffects::Free>() ||
        effects.hasEffect<MemoryEffects::Allocate>())
      otherAccess = true;
    return WalkResult::advance();
  });
  if (otherAccess)
    return {};
  return found;
}

static void accumulateInRegisters(RewriterBase &rewriter, scf::ForOp loop,
                                  MutableArrayRef<Accumulator> accumulators) {
  Location loc = loop.getLoc();
  rewriter.setInsertionPoint(loop);
  SmallVector<Value> inits;
  for (Accumulator acc : accumulators)
    inits.push_back(memref::LoadOp::create(rewriter, acc.load.getLoc(),
                                           acc.load.getMemRef(),
                                           acc.load.getIndices()));
  FailureOr<LoopLikeOpInterface> grown = loop.replaceWithAdditionalYields(
      rewriter, inits, /*replaceInitOperandUsesInLoop=*/false,
      [&](OpBuilder &, Location, ArrayRef<BlockArgument>) {
        SmallVector<Value> yielded;
        for (Accumulator acc : accumulators)
          yielded.push_back(acc.store.getValueToStore());
        return yielded;
      });
  auto newLoop = cast<scf::ForOp>(grown->getOperation());
  unsigned first = newLoop.getNumRegionIterArgs() - accumulators.size();
  rewriter.setInsertionPointAfter(newLoop);
  for (auto [i, acc] : llvm::enumerate(accumulators)) {
    rewriter.replaceAllUsesWith(acc.load.getResult(),
                                newLoop.getRegionIterArgs()[first + i]);
    memref::StoreOp::create(rewriter, loc, newLoop.getResults()[first + i],
                            acc.store.getMemRef(), acc.store.getIndices());
    rewriter.eraseOp(acc.store);
    rewriter.eraseOp(acc.load);
  }
}

struct AccumulateInRegistersPass
    : seqc::impl::AccumulateInRegistersPassBase<AccumulateInRegistersPass> {
  using Base::Base;

  void runOnOperation() override {
    // Post-order: an inner reduction loop is rewritten first, so the one
    // around it then sees a load before and a store after it.
    SmallVector<scf::ForOp> loops;
    getOperation().walk([&](scf::ForOp loop) {
      if (loop->getParentOfType<scf::ParallelOp>())
        loops.push_back(loop);
    });
    IRRewriter rewriter(&getContext());
    for (scf::ForOp loop : loops) {
      SmallVector<Accumulator> accumulators = findAccumulators(loop);
      if (!accumulators.empty())
        accumulateInRegisters(rewriter, loop, accumulators);
    }
  }
};

} // namespace
