//===- OrderConstantGlobals.cpp - bufferized constants in a fixed order --===//
//
// Reproducible output: see the pass description in Passes.td.
//
//===----------------------------------------------------------------------===//

#include "compiler/Transforms/Passes.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"

#include "llvm/ADT/MapVector.h"

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
    if (globals.empty())
      return;

    // First uses, in module order (a walk visits functions as they appear).
    llvm::MapVector<Operation *, bool> order;
    module.walk([&](memref::GetGlobalOp get) {
      auto it = globals.find(get.getName());
      if (it != globals.end())
        order.insert({it->second, true});
    });
    // Unused ones (none after canonicalization) keep their relative order.
    for (auto global : module.getOps<memref::GlobalOp>())
      if (isBufferizedConstant(global))
        order.insert({global, true});

    // The names bufferization would give in this order; the only users of
    // its globals are memref.get_global ops.
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
    module.walk([&](memref::GetGlobalOp get) {
      auto it = renamed.find(get.getName());
      if (it != renamed.end())
        get.setName(it->second);
    });
    MLIRContext *ctx = &getContext();
    for (memref::GlobalOp global : ordered)
      global.setSymNameAttr(
          StringAttr::get(ctx, renamed[global.getSymName()]));
    // At the top of the module, in that order.
    for (memref::GlobalOp global : llvm::reverse(ordered))
      global->moveBefore(&module.getBody()->front());
  }

  /// `4x8xf32` for memref<4x8xf32>, as bufferization names its globals.
  static std::string typeSuffix(memref::GlobalOp global) {
    std::string text;
    llvm::raw_string_ostream os(text);
    for (int64_t size : global.getType().getShape())
      os << size << "x";
    os << global.getType().getElementType();
    return text;
  }
};

} // namespace
