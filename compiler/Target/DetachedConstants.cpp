//===- DetachedConstants.cpp - weights kept out of LLVM's middle end ------===//

#include "compiler/Target/DetachedConstants.h"

#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/IR/BuiltinAttributes.h"

#include "llvm/IR/Constants.h"
#include "llvm/IR/GlobalVariable.h"
#include "llvm/Support/MathExtras.h"

using namespace mlir;

namespace seqc {

/// The bytes of `global`'s data if it is a large constant whose elements
/// are stored as LLVM lays them out: 1, 2, 4 or 8 bytes each. Not i1
/// (dense storage packs bits), nor i24, i48 or f80, which MLIR packs but
/// LLVM pads to 4, 8 or 16 bytes.
static std::optional<ArrayRef<char>> largeConstantBytes(LLVM::GlobalOp global) {
  if (!global.getConstant() || !global.getInitializerRegion().empty())
    return std::nullopt;
  auto dense =
      dyn_cast_or_null<DenseIntOrFPElementsAttr>(global.getValueAttr());
  if (!dense || dense.isSplat())
    return std::nullopt;
  Type element = dense.getElementType();
  if (!element.isIntOrFloat())
    return std::nullopt;
  unsigned bits = element.getIntOrFloatBitWidth();
  if (bits < 8 || bits > 64 || !llvm::isPowerOf2_32(bits))
    return std::nullopt;
  ArrayRef<char> bytes = dense.getRawData();
  if (bytes.size() < kMinDetachedConstantBytes)
    return std::nullopt;
  return bytes;
}

OwningOpRef<ModuleOp>
detachLargeConstants(ModuleOp module,
                     SmallVectorImpl<DetachedConstant> &detached) {
  OwningOpRef<ModuleOp> copy = module.clone();
  for (auto global : copy->getOps<LLVM::GlobalOp>()) {
    std::optional<ArrayRef<char>> bytes = largeConstantBytes(global);
    if (!bytes)
      continue;
    DetachedConstant constant;
    constant.symbol = global.getSymName().str();
    constant.bytes = *bytes;
    constant.alignment = std::max<uint64_t>(constant.alignment,
                                            global.getAlignment().value_or(1));
    detached.push_back(std::move(constant));
    global.removeValueAttr();
    global.setLinkage(LLVM::Linkage::External);
    global.removeUnnamedAddrAttr();
  }
  return copy;
}

void attachConstants(llvm::Module &module, ArrayRef<DetachedConstant> detached,
                     StringRef suffix) {
  llvm::LLVMContext &ctx = module.getContext();
  for (const DetachedConstant &constant : detached) {
    llvm::GlobalVariable *declaration =
        module.getNamedGlobal(constant.symbol + suffix.str());
    if (!declaration)
      continue;
    // A byte array: the assembly printer and object writer copy it as a
    // block (an array of floats would be printed element by element).
    // Equal data of two versions is one constant of the context, which
    // ConstantMerge then keeps once.
    llvm::Constant *data = llvm::ConstantDataArray::get(
        ctx, ArrayRef<uint8_t>(
                 reinterpret_cast<const uint8_t *>(constant.bytes.data()),
                 constant.bytes.size()));
    auto *definition =
        new llvm::GlobalVariable(module, data->getType(), /*isConstant=*/true,
                                 llvm::GlobalValue::InternalLinkage, data);
    definition->setAlignment(llvm::Align(constant.alignment));
    definition->setUnnamedAddr(llvm::GlobalValue::UnnamedAddr::Global);
    definition->takeName(declaration);
    declaration->replaceAllUsesWith(definition);
    declaration->eraseFromParent();
  }
}

} // namespace seqc
