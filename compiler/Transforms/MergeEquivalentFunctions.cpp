//===- MergeEquivalentFunctions.cpp - one of each set of equal functions --===//
//
// See the pass description in Passes.td. Functions are bucketed by a hash
// of their type, attributes and each op's name, discardable attributes and
// types (not their operands, which OperationEquivalence then maps), so
// that only candidates of one bucket are compared op by op; each round
// renames every use of its duplicates in one walk of the module.
//
//===----------------------------------------------------------------------===//

#include "compiler/Transforms/Passes.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/AttrTypeSubElements.h"
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

/// A private function and its attributes but its name.
struct Candidate {
  func::FuncOp func;
  SmallVector<NamedAttribute> attrs;

  explicit Candidate(func::FuncOp func) : func(func) {
    for (NamedAttribute attr : func->getAttrs())
      if (attr.getName() != SymbolTable::getSymbolAttrName())
        attrs.push_back(attr);
  }

  llvm::hash_code shapeHash() {
    llvm::hash_code hash = hash_value(func.getFunctionType());
    for (NamedAttribute attr : attrs)
      hash = llvm::hash_combine(hash, attr.getName(), attr.getValue());
    func.getBody().walk([&](Operation *op) {
      hash =
          llvm::hash_combine(hash, op->getName(), op->getRawDictionaryAttrs(),
                             op->getNumOperands(), op->getNumRegions());
      for (Type type : op->getResultTypes())
        hash = llvm::hash_combine(hash, type);
    });
    return hash;
  }

  bool equivalentTo(Candidate &other) {
    return func.getFunctionType() == other.func.getFunctionType() &&
           attrs == other.attrs &&
           OperationEquivalence::isRegionEquivalentTo(
               &func.getBody(), &other.func.getBody(),
               OperationEquivalence::IgnoreLocations);
  }
};

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
  static bool mergeOnce(ModuleOp module) {
    llvm::DenseMap<llvm::hash_code, SmallVector<Candidate>> buckets;
    SmallVector<func::FuncOp> duplicates;
    DenseMap<StringAttr, StringAttr> renamed;
    for (auto func : module.getOps<func::FuncOp>()) {
      if (!func.isPrivate() || func.isExternal())
        continue;
      Candidate candidate(func);
      SmallVector<Candidate> &kept = buckets[candidate.shapeHash()];
      auto same = llvm::find_if(kept, [&](Candidate &other) {
        return other.equivalentTo(candidate);
      });
      if (same == kept.end()) {
        kept.push_back(std::move(candidate));
        continue;
      }
      LLVM_DEBUG(llvm::dbgs() << "[" DEBUG_TYPE "] @" << func.getName()
                              << " is @" << same->func.getName() << "\n");
      duplicates.push_back(func);
      renamed[func.getSymNameAttr()] = same->func.getSymNameAttr();
    }
    if (duplicates.empty())
      return false;
    // Every use of a duplicate's name (calls, func.constant), in one walk.
    AttrTypeReplacer replacer;
    replacer.addReplacement([&](SymbolRefAttr ref) -> std::optional<Attribute> {
      auto it = renamed.find(ref.getRootReference());
      if (it == renamed.end())
        return std::nullopt;
      return SymbolRefAttr::get(it->second, ref.getNestedReferences());
    });
    replacer.recursivelyReplaceElementsIn(module);
    for (func::FuncOp duplicate : duplicates)
      duplicate.erase();
    return true;
  }
};

} // namespace
