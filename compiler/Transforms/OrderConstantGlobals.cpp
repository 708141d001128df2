//===- OrderConstantGlobals.cpp - bufferized constants in a fixed order --===//
//
// Reproducible output: see the pass description in Passes.td.
//
//===----------------------------------------------------------------------===//

#include "compiler/Transforms/Passes.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/SymbolTable.h"

#include "llvm/ADT/MapVector.h"

#define DEBUG_TYPE "seqc-order-constant-globals"

namespace seqc {
#define GEN_PASS_DEF_ORDERCONSTANTGLOBALSPASS
#include "compiler/Transforms/Passes.h.inc"
} // namespace seqc

using namespace mlir;

namespace {

/// The prefix one-shot bufferization gives the globals of tensor constants.
constexpr llvm::StringLiteral kConstantPrefix = "__constant_";

struct OrderConstantGlobalsPass
    : seqc::impl::OrderConstantGlobalsPassBase<OrderConstantGlobalsPass> {
  using Base::Base;

  void runOnOperation() override {
    ModuleOp module = getOperation();
    auto isBufferizedConstant = [](memref::GlobalOp global) {
      return global.getConstant() && global.isPrivate() &&
             global.getSymName().starts_with(kConstantPrefix);
    };
    llvm::StringMap<memref::GlobalOp> globals;
    for (auto global : module.getOps<memref::GlobalOp>())
      if (isBufferizedConstant(global))
        globals[global.getSymName()] = global;
    // Every use of the module's symbols, in module order (not inside
    // nested symbol tables, whose names are their own).
    std::optional<SymbolTable::UseRange> uses =
        SymbolTable::getSymbolUses(&module.getBodyRegion());
    if (globals.empty() || !uses)
      return;
    // A global something other than memref.get_global refers to is not one
    // bufferization made for a constant: leave it alone.
    for (const SymbolTable::SymbolUse &use : *uses)
      if (!isa<memref::GetGlobalOp>(use.getUser()))
        globals.erase(use.getSymbolRef().getRootReference().getValue());

    // First uses in module order (a pre-order walk that stays out of
    // nested symbol tables), then unused ones in their order.
    llvm::MapVector<Operation *, bool> order;
    SmallVector<memref::GetGlobalOp> gets;
    module.walk<WalkOrder::PreOrder>([&](Operation *op) {
      if (op != module.getOperation() && op->hasTrait<OpTrait::SymbolTable>())
        return WalkResult::skip();
      if (auto get = dyn_cast<memref::GetGlobalOp>(op)) {
        auto it = globals.find(get.getName());
        if (it != globals.end()) {
          order.insert({it->second, true});
          gets.push_back(get);
        }
      }
      return WalkResult::advance();
    });
    for (auto global : module.getOps<memref::GlobalOp>())
      if (globals.count(global.getSymName()))
        order.insert({global, true});

    // The names bufferization would give in this order.
    llvm::StringMap<std::string> renamed;
    llvm::StringMap<unsigned> taken;
    SmallVector<memref::GlobalOp> ordered;
    for (auto &[op, unused] : order) {
      auto global = cast<memref::GlobalOp>(op);
      std::string base = (kConstantPrefix + typeSuffix(global)).str();
      std::string name;
      do {
        unsigned count = taken[base]++;
        name = count == 0 ? base : base + "_" + std::to_string(count - 1);
        // Not a symbol of the module other than these globals.
      } while (module.lookupSymbol(name) && !globals.count(name));
      renamed[global.getSymName()] = name;
      ordered.push_back(global);
    }
    for (memref::GetGlobalOp get : gets)
      get.setName(renamed[get.getName()]);
    MLIRContext *ctx = &getContext();
    for (memref::GlobalOp global : ordered)
      global.setSymNameAttr(
          StringAttr::get(ctx, renamed[global.getSymName()]));
    // At the top of the module, in that order.
    for (memref::GlobalOp global : llvm::reverse(ordered))
      global->moveBefore(&module.getBody()->front());
  }

  /// `4x8xf32` for memref<4x8xf32> and `xf32` for memref<f32>, as
  /// bufferization names its globals.
  static std::string typeSuffix(memref::GlobalOp global) {
    std::string text;
    llvm::raw_string_ostream os(text);
    llvm::interleave(global.getType().getShape(), os, "x");
    os << "x" << global.getType().getElementType();
    return text;
  }
};

} // namespace
