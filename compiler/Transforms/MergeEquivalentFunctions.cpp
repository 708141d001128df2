//===- MergeEquivalentFunctions.cpp - one of each set of equal functions --===//
//
// See the pass description in Passes.td. Functions are bucketed by a hash
// of their type and of each op's name, attributes and types (not their
// operands, which OperationEquivalence then maps), so that only candidates
// of one bucket are compared op by op.
//
//===----------------------------------------------------------------------===//

#include "compiler/Transforms/Passes.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/OperationSupport.h"
#include "mlir/IR/SymbolTable.h"

#include "llvm/ADT/DenseMap.h"
#include "llvm/Support/Debug.h"

#define DEBUG_TYPE "seqc-merge-equivalent-functions"

namespace seqc {
#define GEN_PASS_DEF_MERGEEQUIVALENTFUNCTIONSPASS
#include "compiler/Transforms/Passes.h.inc"
} // namespace seqc

using namespace mlir;

namespace {

/// The function's attributes but its name.
SmallVector<NamedAttribute> attributesButName(func::FuncOp func) {
  SmallVector<NamedAttribute> attrs;
  for (NamedAttribute attr : func->getAttrs())
    if (attr.getName() != SymbolTable::getSymbolAttrName())
      attrs.push_back(attr);
  return attrs;
}

llvm::hash_code shapeHash(func::FuncOp func) {
  llvm::hash_code hash = hash_value(func.getFunctionType());
  for (NamedAttribute attr : attributesButName(func))
    hash = llvm::hash_combine(hash, attr.getName(), attr.getValue());
  func.getBody().walk([&](Operation *op) {
    hash = llvm::hash_combine(hash, op->getName(), op->getRawDictionaryAttrs(),
                              op->getNumOperands(), op->getNumRegions());
    for (Type type : op->getResultTypes())
      hash = llvm::hash_combine(hash, type);
  });
  return hash;
}

bool equivalent(func::FuncOp a, func::FuncOp b) {
  return a.getFunctionType() == b.getFunctionType() &&
         attributesButName(a) == attributesButName(b) &&
         OperationEquivalence::isRegionEquivalentTo(
             &a.getBody(), &b.getBody(), OperationEquivalence::IgnoreLocations);
}

struct MergeEquivalentFunctionsPass
    : seqc::impl::MergeEquivalentFunctionsPassBase<
          MergeEquivalentFunctionsPass> {
  using Base::Base;

  void runOnOperation() override {
    ModuleOp module = getOperation();
    while (mergeOnce(module)) {
    }
  }

  /// Merges every set of equivalent functions once; whether any was.
  bool mergeOnce(ModuleOp module) {
    llvm::DenseMap<llvm::hash_code, SmallVector<func::FuncOp>> buckets;
    SmallVector<std::pair<func::FuncOp, func::FuncOp>> merges;
    for (auto func : module.getOps<func::FuncOp>()) {
      if (!func.isPrivate() || func.isExternal())
        continue;
      SmallVector<func::FuncOp> &kept = buckets[shapeHash(func)];
      auto same = llvm::find_if(
          kept, [&](func::FuncOp other) { return equivalent(other, func); });
      if (same == kept.end())
        kept.push_back(func);
      else
        merges.push_back({func, *same});
    }
    for (auto [duplicate, original] : merges) {
      LLVM_DEBUG(llvm::dbgs() << "[" DEBUG_TYPE "] @" << duplicate.getName()
                              << " is @" << original.getName() << "\n");
      if (failed(SymbolTable::replaceAllSymbolUses(
              duplicate, original.getSymNameAttr(), module))) {
        duplicate.emitError() << "cannot replace the uses of a function "
                                 "equivalent to @"
                              << original.getName();
        signalPassFailure();
        return false;
      }
      duplicate.erase();
    }
    return !merges.empty();
  }
};

} // namespace
