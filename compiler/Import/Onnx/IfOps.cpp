//===- IfOps.cpp - ONNX If ------------------------------------------------===//
//
// An If on a size known at import time takes its branch. One on a value
// computed at run time becomes an scf.if (only the taken branch runs, so a
// check of the other, `x[:, 1]` under `if x.size(1) > 1:`, cannot fail the
// run); inside a Loop's or Scan's body (`if t == 0:` in a scripted loop),
// where a seq.scan's body stays straight-line code, it computes both
// branches and selects each output. Run-time Ifs whose branches give
// different element types or ranks are refused with a message.
//
//===----------------------------------------------------------------------===//

#include "compiler/Import/Onnx/GraphImporter.h"
#include "dialects/Seq/IR/SeqOps.h"
#include "dialects/Seq/Utils/CheckUtils.h"
#include "dialects/Seq/Utils/TensorUtils.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Arith/Utils/Utils.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Utils/StaticValueUtils.h"

#include "llvm/ADT/StringSet.h"

using namespace mlir;

namespace seqc::onnx_import {

LogicalResult GraphImporter::importIf() {
  // A condition known at import time (the exporter's shape tests: a
  // scripted squeeze(dim) is If(Shape(x)[dim] == 1, Squeeze, Identity))
  // takes its branch; one computed at run time selects between both.
  const OnnxValue *cond = input(0);
  if (!cond || !cond->constant || cond->constant.getNumElements() != 1)
    return importRuntimeIf();
  if (!isa<IntegerType>(cond->constant.getElementType())) {
    nodeError() << "has a condition of element type "
                << cond->constant.getElementType() << ", not bool";
    return failure();
  }
  bool taken = cond->constant.getElementType().isInteger(1)
                   ? *cond->constant.getValues<bool>().begin()
                   : *cond->constant.getValues<APInt>().begin() != 0;
  FailureOr<const onnx::GraphProto *> graph = importBranch(taken);
  if (failed(graph))
    return failure();
  for (int i = 0; i < (*graph)->output_size(); ++i)
    setOutput(i, *lookup((*graph)->output(i).name()));
  return success();
}

FailureOr<const onnx::GraphProto *> GraphImporter::importBranch(bool then) {
  const char *name = then ? "then_branch" : "else_branch";
  const onnx::AttributeProto *branch = attr(name);
  if (!branch || !branch->has_g()) {
    nodeError() << "has no " << name;
    return failure();
  }
  const onnx::GraphProto &graph = branch->g();
  if (graph.output_size() != node->output_size()) {
    nodeError() << "its " << (then ? "then" : "else") << " branch gives "
                << graph.output_size() << " outputs for "
                << node->output_size();
    return failure();
  }
  // The branch's initializers and nodes, inline; their names are unique
  // in the model.
  for (const onnx::TensorProto &init : graph.initializer()) {
    if (values.count(init.name())) {
      nodeError() << "its " << (then ? "then" : "else")
                  << " branch's initializer '" << init.name()
                  << "' is already defined (each ONNX value is defined once)";
      return failure();
    }
    FailureOr<DenseElementsAttr> attr = convertTensor(init, true);
    if (failed(attr))
      return failure();
    values[init.name()].constant = *attr;
    values[init.name()].heldDtype = heldIntegerDtype(init.data_type());
  }
  const onnx::NodeProto *ifNode = node;
  Location ifLoc = loc;
  if (failed(verifyGraphSchemas(graph)))
    return failure();
  for (const onnx::NodeProto &n : graph.node()) {
    // (A Loop's step t of an outer X, bound by the Loop.)
    if (n.output_size() == 1 && stepReadsInBranches.contains(n.output(0)))
      continue;
    enterNode(n);
    if (failed(importNode()))
      return failure();
  }
  node = ifNode;
  loc = ifLoc;
  for (int i = 0; i < graph.output_size(); ++i)
    if (!lookup(graph.output(i).name())) {
      nodeError() << "its branch output '" << graph.output(i).name()
                  << "' is not defined";
      return failure();
    }
  return &graph;
}

LogicalResult GraphImporter::importRuntimeIf() {
  Value condition = tensorInput(0);
  if (!condition)
    return failure();
  auto condType = tensorType(condition);
  if (!condType.getElementType().isInteger(1) || !condType.hasStaticShape() ||
      condType.getNumElements() != 1) {
    nodeError() << "has a condition of type " << condType
                << "; If needs one bool";
    return failure();
  }
  SmallVector<Value> zeros(condType.getRank(),
                           arith::ConstantIndexOp::create(builder, loc, 0));
  Value taken = tensor::ExtractOp::create(builder, loc, condition, zeros);
  // A Loop's or Scan's body is built in a block not yet attached to its
  // seq.scan (no parent op) or, later, inside it.
  Operation *parent = builder.getInsertionBlock()->getParentOp();
  while (parent && !isa<func::FuncOp, seq::ScanOp>(parent))
    parent = parent->getParentOp();
  if (!isa_and_nonnull<func::FuncOp>(parent))
    return importSelectingIf(taken);
  return importBranchingIf(taken);
}

/// The type both branches' output `i` can take (what they agree on), or
/// null after an error: one element type and rank.
static RankedTensorType joinBranchTypes(GraphImporter &g, int i, Value a,
                                        Value b) {
  auto at = a ? dyn_cast<RankedTensorType>(a.getType()) : nullptr;
  auto bt = b ? dyn_cast<RankedTensorType>(b.getType()) : nullptr;
  if (!at || !bt || at.getElementType() != bt.getElementType() ||
      at.getRank() != bt.getRank()) {
    g.nodeError() << "branches on a condition computed at run time, and its "
                     "branches give output "
                  << i << " as " << (a ? a.getType() : Type()) << " and "
                  << (b ? b.getType() : Type())
                  << "; seqc joins branches only when they give tensors of "
                     "one element type and rank";
    return nullptr;
  }
  SmallVector<int64_t> shape;
  for (int64_t d = 0; d < at.getRank(); ++d)
    shape.push_back(at.getDimSize(d) == bt.getDimSize(d)
                        ? at.getDimSize(d)
                        : ShapedType::kDynamic);
  return RankedTensorType::get(shape, at.getElementType());
}

/// If on a condition computed at run time, outside any loop body: an
/// scf.if whose regions hold the branches, so that only the taken one
/// runs (its checks are the run's; the other's never fire) and the
/// branches may give outputs of different sizes.
LogicalResult GraphImporter::importBranchingIf(Value taken) {
  // The branches go into a shell first; the scf.if with result types is
  // made once both are imported and their outputs' types known.
  auto shell = scf::IfOp::create(builder, loc, TypeRange{}, taken,
                                 /*withElseRegion=*/true);
  SmallVector<Value> outputs[2];
  for (bool then : {true, false}) {
    OpBuilder::InsertionGuard guard(builder);
    Block *block = then ? shell.thenBlock() : shell.elseBlock();
    builder.setInsertionPoint(block->getTerminator());
    BodyScope scope = beginBodyScope();
    FailureOr<const onnx::GraphProto *> graph = importBranch(then);
    LogicalResult result = success(succeeded(graph));
    for (int i = 0; succeeded(result) && i < (*graph)->output_size(); ++i) {
      OnnxValue *v = lookup((*graph)->output(i).name());
      Value t =
          v->sequence == OnnxValue::Sequence::none ? materialize(*v) : Value();
      if (!t) {
        nodeError() << "branches on a condition computed at run time, and "
                       "its "
                    << (then ? "then" : "else") << " branch gives output " << i
                    << " as a sequence; seqc joins branches only when "
                    << "they give tensors";
        result = failure();
      }
      outputs[then ? 0 : 1].push_back(t);
    }
    if (failed(endBodyScope(shell, scope, result)))
      return failure();
  }
  SmallVector<Type> types;
  for (int i = 0; i < node->output_size(); ++i) {
    RankedTensorType joined =
        joinBranchTypes(*this, i, outputs[0][i], outputs[1][i]);
    if (!joined) {
      shell.erase();
      return failure();
    }
    types.push_back(joined);
  }
  auto ifOp = scf::IfOp::create(builder, loc, types, taken,
                                /*withElseRegion=*/true);
  for (bool then : {true, false}) {
    Block *from = then ? shell.thenBlock() : shell.elseBlock();
    Block *to = then ? ifOp.thenBlock() : ifOp.elseBlock();
    from->getTerminator()->erase();
    to->getOperations().splice(to->end(), from->getOperations());
    OpBuilder b = OpBuilder::atBlockEnd(to);
    SmallVector<Value> yielded;
    for (auto [value, type] : llvm::zip(outputs[then ? 0 : 1], types))
      yielded.push_back(value.getType() == type
                            ? value
                            : tensor::CastOp::create(b, loc, type, value));
    scf::YieldOp::create(b, loc, yielded);
  }
  shell.erase();
  for (int i = 0; i < node->output_size(); ++i) {
    OnnxValue out;
    out.tensor = ifOp.getResult(i);
    setOutput(i, out);
  }
  return success();
}

/// If on a condition computed at run time inside a Loop's or Scan's body (a
/// scripted loop's `if t == 0:`, `if t + 1 < T: x[t + 1]`): both branches
/// are computed (they are pure tensor code) and each output selects the
/// taken branch's value. A value check (an index out of range: the read is
/// clamped, so it is safe) in the branch not taken does not fail the run; a
/// shape check does (a slice past the end is not safe to compute). The
/// branches' outputs must agree in element type, rank and static sizes;
/// dynamic sizes are checked equal at run time.
LogicalResult GraphImporter::importSelectingIf(Value taken) {
  Value notTaken = arith::XOrIOp::create(
      builder, loc, taken,
      arith::ConstantIntOp::create(builder, loc, builder.getI1Type(), 1));
  // Imports a branch; its value checks hold only when it is taken.
  auto importGuarded = [&](bool then) -> FailureOr<const onnx::GraphProto *> {
    Block *block = builder.getInsertionBlock();
    Block::iterator point = builder.getInsertionPoint();
    Operation *last = point == block->begin() ? nullptr : &*std::prev(point);
    FailureOr<const onnx::GraphProto *> graph = importBranch(then);
    if (failed(graph))
      return failure();
    Block::iterator first =
        last ? std::next(Block::iterator(last)) : block->begin();
    Value skipped = then ? notTaken : taken;
    for (Operation &op : llvm::make_range(first, builder.getInsertionPoint()))
      op.walk([&](seq::CheckOp check) {
        if (check.getKind() != seq::CheckKind::value)
          return;
        OpBuilder b(check);
        check.getConditionMutable().assign(arith::OrIOp::create(
            b, check.getLoc(), check.getCondition(), skipped));
      });
    return graph;
  };
  FailureOr<const onnx::GraphProto *> thenGraph = importGuarded(true);
  if (failed(thenGraph))
    return failure();
  FailureOr<const onnx::GraphProto *> elseGraph = importGuarded(false);
  if (failed(elseGraph))
    return failure();
  for (int i = 0; i < node->output_size(); ++i) {
    OnnxValue *tv = lookup((*thenGraph)->output(i).name());
    OnnxValue *ev = lookup((*elseGraph)->output(i).name());
    Value a =
        tv->sequence == OnnxValue::Sequence::none ? materialize(*tv) : Value();
    Value b =
        ev->sequence == OnnxValue::Sequence::none ? materialize(*ev) : Value();
    // Both as the type that keeps what they agree on; the select needs
    // equal sizes.
    RankedTensorType joined = joinBranchTypes(*this, i, a, b);
    if (!joined)
      return failure();
    auto at = cast<RankedTensorType>(a.getType());
    auto bt = cast<RankedTensorType>(b.getType());
    for (int64_t d = 0; d < at.getRank(); ++d) {
      int64_t sa = at.getDimSize(d), sb = bt.getDimSize(d);
      if (!ShapedType::isDynamic(sa) && !ShapedType::isDynamic(sb) &&
          sa != sb) {
        nodeError() << "branches on a condition computed at run time, and "
                       "its branches give output "
                    << i << " as " << at << " and " << bt
                    << "; seqc computes both and selects, which needs "
                       "equal sizes";
        return failure();
      }
      if (!joined.isDynamicDim(d))
        continue;
      Value na = tensor::DimOp::create(builder, loc, a, d);
      Value nb = tensor::DimOp::create(builder, loc, b, d);
      seq::createCheck(
          builder, loc,
          arith::CmpIOp::create(builder, loc, arith::CmpIPredicate::eq, na, nb),
          nb,
          seq::describeLocation(loc) + ": the If's branches give output " +
              std::to_string(i) + " with dimension " + std::to_string(d) +
              " of different sizes (the else branch's is {}); seqc computes "
              "both branches and selects, which needs equal sizes",
          seq::CheckKind::shape);
    }
    if (at != joined)
      a = tensor::CastOp::create(builder, loc, joined, a);
    if (bt != joined)
      b = tensor::CastOp::create(builder, loc, joined, b);
    OnnxValue out;
    out.tensor = arith::SelectOp::create(builder, loc, taken, a, b);
    setOutput(i, out);
  }
  return success();
}

} // namespace seqc::onnx_import
