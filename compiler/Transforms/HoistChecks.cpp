//===- HoistChecks.cpp - shape checks to the function entry --------------===//
//
// A shape check that fails must stop the run before anything is allocated
// (an early return then leaks nothing), and one inside the time loop must
// not cost a comparison per step. Sizes in a sequence model are functions of
// the input sizes, so after shape resolution almost every check reads only
// tensor.dim of the entry's arguments: such a check and the index arithmetic
// it needs are cloned to the start of the function. Checks in a model's
// own branch (an scf.if of an ONNX If on a run-time value) hold only when
// the branch runs and stay there: a failure then returns after some
// allocations, which the runtime's allocator (its buffer cache) takes
// back.
//
//===----------------------------------------------------------------------===//

#include "compiler/Transforms/Passes.h"

#include "dialects/Seq/IR/SeqOps.h"
#include "dialects/Seq/Utils/CheckUtils.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/IR/IRMapping.h"
#include "mlir/IR/Matchers.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"

#include "llvm/ADT/DenseSet.h"
#include "llvm/ADT/SetVector.h"

#define DEBUG_TYPE "seqc-hoist-checks"

namespace seqc {
#define GEN_PASS_DEF_HOISTCHECKSPASS
#include "compiler/Transforms/Passes.h.inc"
} // namespace seqc

using namespace mlir;
using seqc::seq::CheckKind;
using seqc::seq::CheckOp;

namespace {

/// Collects, operands first, the ops computing `value` from the entry
/// block's arguments; false when `value` needs anything else (a loop's
/// block argument, a tensor computed in the body, an op with effects).
static bool collectSlice(Value value, Block &entry,
                         llvm::SetVector<Operation *> &slice) {
  if (auto arg = dyn_cast<BlockArgument>(value))
    return arg.getOwner() == &entry;
  Operation *op = value.getDefiningOp();
  if (slice.contains(op))
    return true;
  // Out of a loop or branch only what is speculatable: a division hoisted
  // above the branch that guarded it could trap. Within the entry block,
  // which always runs, an effect-free op may move up.
  bool movable = isPure(op) ||
                 (isMemoryEffectFree(op) && op->getBlock() == &entry);
  if (op->getNumRegions() != 0 || !movable)
    return false;
  for (Value operand : op->getOperands()) {
    // Sizes may be read from the arguments, but no tensor or buffer is
    // recomputed.
    if (isa<ShapedType>(operand.getType()) && !isa<BlockArgument>(operand))
      return false;
    if (!collectSlice(operand, entry, slice))
      return false;
  }
  slice.insert(op);
  return true;
}

/// "input 'x' dimension 1" when `v` is tensor.dim of an argument.
static std::optional<std::string> describeArgumentDim(func::FuncOp func,
                                                      Value v) {
  // tensor.dim before bufferization, memref.dim after.
  Value source;
  std::optional<int64_t> index;
  if (auto dim = v.getDefiningOp<tensor::DimOp>()) {
    source = dim.getSource();
    index = dim.getConstantIndex();
  } else if (auto dim = v.getDefiningOp<memref::DimOp>()) {
    source = dim.getSource();
    index = dim.getConstantIndex();
  } else {
    return std::nullopt;
  }
  auto arg = dyn_cast<BlockArgument>(source);
  if (!arg || !index)
    return std::nullopt;
  unsigned number = arg.getArgNumber();
  std::string role = func.getArgAttr(number, "seq.weight")  ? "weight"
                     : func.getArgAttr(number, "seq.state") ? "state"
                                                            : "input";
  std::string name = role + std::to_string(number);
  if (auto attr = func.getArgAttrOfType<StringAttr>(number, "seq.name"))
    name = attr.getValue().str();
  return role + " '" + name + "' dimension " + std::to_string(*index);
}

/// "input 'past' dimension 2 + input 'ids' dimension 1" when `v` is a sum,
/// difference or product of argument dimensions and constants (a key/value
/// cache's length and the new steps'), or one of them; none otherwise.
static std::optional<std::string> describeSizeExpr(func::FuncOp func, Value v,
                                                   int depth = 0) {
  if (std::optional<std::string> dim = describeArgumentDim(func, v))
    return dim;
  if (std::optional<int64_t> c = getConstantIntValue(v))
    return std::to_string(*c);
  Operation *op = v.getDefiningOp();
  // An affine.apply of one result (a cache's length plus the new steps,
  // s0 + s1): its expression over the operands' descriptions.
  if (auto apply = dyn_cast_if_present<affine::AffineApplyOp>(op)) {
    if (depth >= 3)
      return std::nullopt;
    AffineMap map = apply.getAffineMap();
    SmallVector<std::string> names;
    for (Value operand : apply.getMapOperands()) {
      std::optional<std::string> name =
          describeSizeExpr(func, operand, depth + 1);
      if (!name)
        return std::nullopt;
      names.push_back(*name);
    }
    std::function<std::optional<std::string>(AffineExpr, bool)> render =
        [&](AffineExpr e, bool nested) -> std::optional<std::string> {
      if (auto c = dyn_cast<AffineConstantExpr>(e))
        return std::to_string(c.getValue());
      if (auto d = dyn_cast<AffineDimExpr>(e))
        return names[d.getPosition()];
      if (auto sym = dyn_cast<AffineSymbolExpr>(e))
        return names[map.getNumDims() + sym.getPosition()];
      auto bin = dyn_cast<AffineBinaryOpExpr>(e);
      if (!bin || (e.getKind() != AffineExprKind::Add &&
                   e.getKind() != AffineExprKind::Mul))
        return std::nullopt;
      std::optional<std::string> l = render(bin.getLHS(), true);
      std::string symbol = e.getKind() == AffineExprKind::Add ? " + " : " * ";
      std::optional<std::string> r;
      auto c = dyn_cast<AffineConstantExpr>(bin.getRHS());
      if (c && c.getValue() < 0 && e.getKind() == AffineExprKind::Add) {
        symbol = " - ";
        r = std::to_string(-c.getValue());
      } else {
        r = render(bin.getRHS(), true);
      }
      if (!l || !r)
        return std::nullopt;
      std::string text = *l + symbol + *r;
      return nested ? "(" + text + ")" : text;
    };
    if (map.getNumResults() != 1)
      return std::nullopt;
    return render(map.getResult(0), depth != 0);
  }
  const char *symbol = isa_and_present<arith::AddIOp>(op)   ? " + "
                       : isa_and_present<arith::SubIOp>(op) ? " - "
                       : isa_and_present<arith::MulIOp>(op) ? " * "
                                                            : nullptr;
  if (!symbol || depth >= 3)
    return std::nullopt;
  std::optional<std::string> a =
      describeSizeExpr(func, op->getOperand(0), depth + 1);
  std::optional<std::string> b =
      describeSizeExpr(func, op->getOperand(1), depth + 1);
  if (!a || !b)
    return std::nullopt;
  std::string text = *a + symbol + *b;
  return depth == 0 ? text : "(" + text + ")";
}

/// For `dim(arg, i) == C` or `dim(arg, i) == dim(arg2, j)` (or a sum of
/// such: describeSizeExpr), a message that names the tensors, with `{}` for the
/// first one's extent. The check's found value is rebuilt to match.
static void nameTensors(func::FuncOp func, CheckOp check, OpBuilder &b) {
  // Once only (the pipeline hoists twice).
  static constexpr const char kNamed[] = "seqc.named";
  if (check->hasAttr(kNamed))
    return;
  // A repeated layer's function (seqc-outline-repeated-layers) has no
  // port names, and its check one message per layer.
  if (!func.isPublic() || check.getSelector())
    return;
  auto cmp = check.getCondition().getDefiningOp<arith::CmpIOp>();
  if (!cmp || cmp.getPredicate() != arith::CmpIPredicate::eq)
    return;
  Value lhs = cmp.getLhs(), rhs = cmp.getRhs();
  if (!describeArgumentDim(func, lhs))
    std::swap(lhs, rhs);
  std::optional<std::string> first = describeArgumentDim(func, lhs);
  if (!first)
    return;
  std::string expected;
  if (std::optional<int64_t> c = getConstantIntValue(rhs))
    expected = "the model requires " + std::to_string(*c);
  else if (std::optional<std::string> second = describeArgumentDim(func, rhs))
    expected = "it must equal " + *second;
  // A computed size only replaces a message in operand numbers (a
  // linalg op's); a front end's own words ("attn_mask has {} rows, not B *
  // heads") say more.
  else if (std::optional<std::string> sum = describeSizeExpr(func, rhs);
           sum && check.getMessage().contains(" of operand "))
    expected = "it must equal " + *sum;
  else
    return;
  // Keep where the assumption comes from: "linalg.generic at m.seq:4:5",
  // or, in a message without "origin: ", its words up to the extent
  // ("attention mask at node 'MatMul' dimension 0").
  std::string origin = check.getMessage().split(": ").first.str();
  if (size_t at = origin.find("{}"); at != std::string::npos) {
    size_t is = origin.find(" is {}");
    if (is == std::string::npos)
      return;
    origin.resize(is);
  }
  b.setInsertionPoint(check);
  auto value = arith::IndexCastOp::create(b, check.getLoc(),
                                          b.getI64Type(), lhs);
  check.getValueMutable().assign(value);
  check.setMessage(*first + " is {}, but " + expected + " (" + origin + ")");
  check->setAttr(kNamed, b.getUnitAttr());
}

struct HoistChecksPass : seqc::impl::HoistChecksPassBase<HoistChecksPass> {
  using Base::Base;
  void runOnOperation() override {
    func::FuncOp func = getOperation();
    if (func.isExternal())
      return;
    Block &entry = func.getBody().front();
    SmallVector<CheckOp> checks;
    // A check in a branch (an ONNX If on a run-time value) holds only when
    // the branch runs: it stays there (kAlternativeBranchesAttr).
    auto inBranch = [](Operation *op) {
      for (auto ifOp = op->getParentOfType<scf::IfOp>(); ifOp;
           ifOp = ifOp->getParentOfType<scf::IfOp>())
        if (!ifOp->hasAttr(seqc::seq::kAlternativeBranchesAttr))
          return true;
      return false;
    };
    func.walk([&](CheckOp check) {
      if (check.getKind() == CheckKind::shape && !inBranch(check))
        checks.push_back(check);
    });

    OpBuilder b = OpBuilder::atBlockBegin(&entry);
    IRMapping mapping;
    // Conditions already checked at the entry: a second check of the same
    // condition (two ops relying on the same size) can never fail first.
    llvm::DenseSet<Value> checked;
    for (CheckOp check : checks) {
      if (matchPattern(check.getCondition(), m_Zero())) {
        // The message's {} is the value found: a constant here, or a size
        // the failure does not depend on.
        std::string message = check.getMessage().str();
        if (size_t at = message.find("{}"); at != std::string::npos) {
          APInt found;
          message.replace(at, 2,
                          check.getValue() &&
                                  matchPattern(check.getValue(),
                                               m_ConstantInt(&found))
                              ? std::to_string(found.getSExtValue())
                              : std::string("a size known at run time"));
        }
        check.emitError() << "this model cannot run on any input: "
                          << message;
        return signalPassFailure();
      }
      llvm::SetVector<Operation *> slice;
      if (!collectSlice(check.getCondition(), entry, slice) ||
          (check.getValue() &&
           !collectSlice(check.getValue(), entry, slice)))
        continue;
      for (Operation *op : slice)
        if (!mapping.contains(op->getResult(0)))
          b.clone(*op, mapping);
      Value condition = mapping.lookupOrDefault(check.getCondition());
      if (!checked.insert(condition).second) {
        check.erase();
        continue;
      }
      auto hoisted = cast<CheckOp>(b.clone(*check, mapping));
      check.erase();
      OpBuilder nameBuilder(hoisted);
      nameTensors(func, hoisted, nameBuilder);
      b.setInsertionPointAfter(hoisted);
    }
  }
};

} // namespace
