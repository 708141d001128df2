//===- FrontEndBuilders.cpp - ops both front ends build alike ------------===//

#include "dialects/Seq/Utils/FrontEndBuilders.h"

#include "dialects/Seq/IR/SeqOps.h"
#include "dialects/Seq/Utils/CheckUtils.h"
#include "dialects/Seq/Utils/TensorUtils.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Arith/Utils/Utils.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Utils/StaticValueUtils.h"

using namespace mlir;

namespace seqc::seq {

FailureOr<BroadcastPlan> planBroadcast(ArrayRef<RankedTensorType> types,
                                       BroadcastClash &clash) {
  int64_t rank = 0;
  for (RankedTensorType t : types)
    rank = std::max(rank, t.getRank());
  BroadcastPlan plan;
  plan.shape.assign(rank, 1);
  plan.source.assign(rank, {-1, -1});
  for (auto [i, t] : llvm::enumerate(types)) {
    for (int64_t j = 0; j < t.getRank(); ++j) {
      int64_t o = rank - t.getRank() + j, size = t.getDimSize(j);
      if (size == 1)
        continue;
      if (plan.source[o].first < 0) {
        plan.shape[o] = size;
        plan.source[o] = {static_cast<int>(i), j};
        continue;
      }
      if (!ShapedType::isDynamic(size) &&
          !ShapedType::isDynamic(plan.shape[o]) && size != plan.shape[o]) {
        clash = {static_cast<unsigned>(i),
                 static_cast<unsigned>(plan.source[o].first), o};
        return failure();
      }
      if (ShapedType::isDynamic(plan.shape[o]) && !ShapedType::isDynamic(size)) {
        plan.shape[o] = size;
        plan.source[o] = {static_cast<int>(i), j};
      }
    }
  }
  for (RankedTensorType t : types) {
    SmallVector<int64_t> m;
    for (int64_t j = 0; j < t.getRank(); ++j) {
      int64_t o = rank - t.getRank() + j;
      m.push_back(t.getDimSize(j) == 1 && plan.shape[o] != 1 ? -1 : o);
    }
    plan.maps.push_back(std::move(m));
  }
  return plan;
}

Value createMappedGeneric(
    OpBuilder &b, Location loc, ValueRange ins,
    ArrayRef<SmallVector<int64_t>> maps, ArrayRef<OpFoldResult> sizes,
    Type resultElt, function_ref<Value(OpBuilder &, Location, ValueRange)> body) {
  unsigned rank = sizes.size();
  MLIRContext *ctx = b.getContext();
  SmallVector<AffineMap> affineMaps;
  for (const SmallVector<int64_t> &m : maps) {
    SmallVector<AffineExpr> exprs;
    for (int64_t o : m)
      exprs.push_back(o < 0 ? getAffineConstantExpr(0, ctx)
                            : getAffineDimExpr(o, ctx));
    affineMaps.push_back(AffineMap::get(rank, 0, exprs, ctx));
  }
  affineMaps.push_back(AffineMap::getMultiDimIdentityMap(rank, ctx));
  Value init = createEmptyTensor(b, loc, sizes, resultElt);
  return linalg::GenericOp::create(
             b, loc, TypeRange{init.getType()}, ins, ValueRange{init},
             affineMaps,
             SmallVector<utils::IteratorType>(rank,
                                              utils::IteratorType::parallel),
             [&](OpBuilder &nb, Location l, ValueRange args) {
               linalg::YieldOp::create(nb, l, body(nb, l, args.drop_back()));
             })
      .getResult(0);
}

FailureOr<Value> createTorchMatmul(OpBuilder &b, Location loc, Value a,
                                   Value bv, const std::string &what,
                                   function_ref<InFlightDiagnostic()> error) {
  // A 1-D operand as a matrix: [1, K] on the left, [K, 1] on the right.
  auto asMatrix = [&](Value v, bool row) -> Value {
    auto type = cast<RankedTensorType>(v.getType());
    if (type.getRank() >= 2)
      return v;
    int64_t k = type.getDimSize(0);
    OpFoldResult one = b.getIndexAttr(1), size = getDimSize(b, loc, v, 0);
    return tensor::ExpandShapeOp::create(
        b, loc,
        RankedTensorType::get(row ? SmallVector<int64_t>{1, k}
                                  : SmallVector<int64_t>{k, 1},
                              type.getElementType()),
        v, SmallVector<ReassociationIndices>{{0, 1}},
        row ? SmallVector<OpFoldResult>{one, size}
            : SmallVector<OpFoldResult>{size, one});
  };
  int64_t rankA = cast<RankedTensorType>(a.getType()).getRank(),
          rankB = cast<RankedTensorType>(bv.getType()).getRank();
  if (rankA == 0 || rankB == 0) {
    error() << "a 0-d operand has no dimension to contract (torch.matmul "
               "takes tensors of rank >= 1)";
    return failure();
  }
  bool rowA = rankA == 1, columnB = rankB == 1;
  FailureOr<Value> product = createBroadcastMatmul(
      b, loc, asMatrix(a, true), asMatrix(bv, false), what, error);
  if (failed(product) || (!rowA && !columnB))
    return product;
  // Drop the unit dimensions the 1-D operands added (a rank-reducing
  // slice).
  auto type = cast<RankedTensorType>(product->getType());
  int64_t rank = type.getRank();
  SmallVector<OpFoldResult> offsets(rank, b.getIndexAttr(0)),
      strides(rank, b.getIndexAttr(1)), sizes;
  SmallVector<int64_t> shape;
  for (int64_t d = 0; d < rank; ++d) {
    sizes.push_back(getDimSize(b, loc, *product, d));
    if (!(d == rank - 2 && rowA) && !(d == rank - 1 && columnB))
      shape.push_back(type.getDimSize(d));
  }
  return tensor::ExtractSliceOp::create(
             b, loc, RankedTensorType::get(shape, type.getElementType()),
             *product, offsets, sizes, strides)
      .getResult();
}

FailureOr<Value>
createBroadcastMatmul(OpBuilder &b, Location loc, Value a, Value bv,
                      const std::string &what,
                      function_ref<InFlightDiagnostic()> error) {
  auto at = cast<RankedTensorType>(a.getType());
  auto bt = cast<RankedTensorType>(bv.getType());
  MLIRContext *ctx = b.getContext();
  int64_t batch = std::max(at.getRank(), bt.getRank()) - 2;
  int64_t loops = batch + 3;
  SmallVector<OpFoldResult> sizes;
  SmallVector<AffineExpr> aExprs, bExprs, outExprs;
  for (int64_t d = 0; d < batch; ++d) {
    // Batch dimension d, right-aligned in each operand; size 1 broadcasts.
    OpFoldResult size = b.getIndexAttr(1);
    for (auto [v, t, exprs] :
         {std::tuple{a, at, &aExprs}, std::tuple{bv, bt, &bExprs}}) {
      int64_t od = d - (batch - (t.getRank() - 2));
      if (od < 0)
        continue;
      if (t.getDimSize(od) == 1) {
        exprs->push_back(getAffineConstantExpr(0, ctx));
        continue;
      }
      exprs->push_back(getAffineDimExpr(d, ctx));
      std::optional<int64_t> known = getConstantIntValue(size);
      if (!t.isDynamicDim(od) && known && *known != 1 &&
          *known != t.getDimSize(od)) {
        error() << "batch dimensions of " << a.getType() << " and "
                << bv.getType() << " do not broadcast";
        return failure();
      }
      if (!known || *known == 1)
        size = getDimSize(b, loc, v, od);
    }
    sizes.push_back(size);
    outExprs.push_back(getAffineDimExpr(d, ctx));
  }
  // The contracted sizes must agree.
  int64_t ka = at.getDimSize(at.getRank() - 1),
          kb = bt.getDimSize(bt.getRank() - 2);
  if (!ShapedType::isDynamic(ka) && !ShapedType::isDynamic(kb) && ka != kb) {
    error() << "the contracted sizes of " << a.getType() << " and "
            << bv.getType() << " differ (" << ka << " and " << kb << ")";
    return failure();
  }
  if (ShapedType::isDynamic(ka) || ShapedType::isDynamic(kb)) {
    Value have = getValueOrCreateConstantIndexOp(
        b, loc, getDimSize(b, loc, bv, bt.getRank() - 2));
    Value want = getValueOrCreateConstantIndexOp(
        b, loc, getDimSize(b, loc, a, at.getRank() - 1));
    createCheck(b, loc,
                arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq, have,
                                      want),
                have,
                what + ": the right operand has {} rows, not the left "
                       "operand's column count",
                CheckKind::shape);
  }
  AffineExpr m = getAffineDimExpr(batch, ctx),
             n = getAffineDimExpr(batch + 1, ctx),
             k = getAffineDimExpr(batch + 2, ctx);
  aExprs.append({m, k});
  bExprs.append({k, n});
  outExprs.append({m, n});
  sizes.push_back(getDimSize(b, loc, a, at.getRank() - 2));
  sizes.push_back(getDimSize(b, loc, bv, bt.getRank() - 1));
  SmallVector<Value> dynamic;
  for (OpFoldResult size : sizes)
    if (auto v = dyn_cast<Value>(size))
      dynamic.push_back(v);
  Value init = createFilledTensor(
      b, loc,
      RankedTensorType::get(getStaticShape(sizes), at.getElementType()),
      dynamic, 0.0);
  SmallVector<utils::IteratorType> iterators(loops,
                                             utils::IteratorType::parallel);
  iterators.back() = utils::IteratorType::reduction;
  return linalg::GenericOp::create(
             b, loc, TypeRange{init.getType()}, ValueRange{a, bv},
             ValueRange{init},
             {AffineMap::get(loops, 0, aExprs, ctx),
              AffineMap::get(loops, 0, bExprs, ctx),
              AffineMap::get(loops, 0, outExprs, ctx)},
             iterators,
             [](OpBuilder &nb, Location l, ValueRange x) {
               Value product = arith::MulFOp::create(nb, l, x[0], x[1]);
               linalg::YieldOp::create(
                   nb, l,
                   ValueRange{arith::AddFOp::create(nb, l, x[2], product)});
             })
      .getResult(0);
}

Value createCumSum(OpBuilder &b, Location loc, Value x, int64_t axis,
                   bool exclusive, bool reverse) {
  auto type = cast<RankedTensorType>(x.getType());
  Type element = type.getElementType();
  // Float sums run in float64, as PyTorch's CPU cumsum accumulates float
  // in double: in float32 a running sum over 4M steps loses 1.4%.
  bool widen = isa<FloatType>(element) && !element.isF64();
  Type accElement = widen ? b.getF64Type() : element;
  // The axis first, as seq.scan steps over dimension 0.
  SmallVector<int64_t> perm = {axis};
  for (int64_t d = 0; d < type.getRank(); ++d)
    if (d != axis)
      perm.push_back(d);
  Value leading = axis == 0 ? x : createTranspose(b, loc, x, perm);
  SmallVector<OpFoldResult> sizes;
  for (int64_t d = 0; d < type.getRank(); ++d)
    sizes.push_back(getDimSize(b, loc, leading, d));
  SmallVector<OpFoldResult> sliceSizes(sizes.begin() + 1, sizes.end());
  Value zero = arith::ConstantOp::create(b, loc, b.getZeroAttr(accElement));
  Value init =
      linalg::FillOp::create(
          b, loc, ValueRange{zero},
          ValueRange{createEmptyTensor(b, loc, sliceSizes, accElement)})
          .getResult(0);
  Value outs = createEmptyTensor(b, loc, sizes, element);
  auto scan = ScanOp::create(
      b, loc, ValueRange{init}, ValueRange{leading}, ValueRange{outs}, reverse,
      [&](OpBuilder &nb, Location nl, Value, ValueRange carried,
          ValueRange slices) {
        auto accType = cast<RankedTensorType>(carried[0].getType());
        SmallVector<OpFoldResult> extents;
        for (int64_t d = 0; d < accType.getRank(); ++d)
          extents.push_back(getDimSize(nb, nl, carried[0], d));
        // The running sum (in accElement) and this step's output (in the
        // input's type: the sum before or after this step's element).
        Value nextInit = createEmptyTensor(nb, nl, extents, accElement);
        Value stepInit = createEmptyTensor(nb, nl, extents, element);
        unsigned rank = accType.getRank();
        SmallVector<AffineMap> maps(4, nb.getMultiDimIdentityMap(rank));
        auto generic = linalg::GenericOp::create(
            nb, nl, TypeRange{nextInit.getType(), stepInit.getType()},
            ValueRange{carried[0], slices[0]}, ValueRange{nextInit, stepInit},
            maps,
            SmallVector<utils::IteratorType>(rank,
                                             utils::IteratorType::parallel),
            [&](OpBuilder &bb, Location bl, ValueRange args) {
              Value term = args[1];
              if (widen)
                term = arith::ExtFOp::create(bb, bl, accElement, term);
              Value sum =
                  isa<FloatType>(element)
                      ? arith::AddFOp::create(bb, bl, args[0], term).getResult()
                      : arith::AddIOp::create(bb, bl, args[0], term)
                            .getResult();
              Value out = exclusive ? args[0] : sum;
              if (widen)
                out = arith::TruncFOp::create(bb, bl, element, out);
              linalg::YieldOp::create(bb, bl, ValueRange{sum, out});
            });
        YieldOp::create(nb, nl,
                        ValueRange{generic.getResult(0), generic.getResult(1)});
      });
  Value result = scan.getOutputs()[0];
  if (axis == 0)
    return result;
  SmallVector<int64_t> inverse(perm.size());
  for (auto [i, p] : llvm::enumerate(perm))
    inverse[p] = i;
  return createTranspose(b, loc, result, inverse);
}

} // namespace seqc::seq
