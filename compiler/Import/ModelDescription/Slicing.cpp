//===- Slicing.cpp - slice, flip and glu ----------------------------------===//
//
// The layers that take parts of a value: `slice` (Python's x[..., a:b:s]
// along one dimension), `flip` (torch.flip) and `glu` (F.glu: the first
// half of a dimension gated by the sigmoid of the second, as S4D's and
// Hyena's output projections use it).
//
//===----------------------------------------------------------------------===//

#include "compiler/Import/ModelDescription/Emitter.h"
#include "dialects/Seq/Utils/ActivationUtils.h"

#include "mlir/Dialect/Utils/StaticValueUtils.h"

using namespace mlir;

namespace seqc {
namespace md {

/// Python's bound of a slice of a dimension of `extent` elements: a
/// negative bound counts from the end, and both are clamped into
/// [0, extent].
static int64_t clampBound(int64_t bound, int64_t extent) {
  if (bound < 0)
    return bound < -extent ? 0 : bound + extent;
  return std::min(bound, extent);
}

FailureOr<Val> Emitter::sliceAlong(const Val &x, int64_t dim, int64_t start,
                                   std::optional<int64_t> end, int64_t step) {
  RankedTensorType type = x.type();
  int64_t rank = type.getRank();
  // The whole dimension (x[:, 0:], x[:, :]) is x itself.
  if (start == 0 && !end && step == 1)
    return x;
  // x[:, -1:] of a run-time length: the last step, kept as a dimension of
  // size 1, read as `last` reads it (a stream's chunk reads the stream's
  // last step so far); a length of 0 is refused at run time.
  if (start == -1 && !end && type.isDynamicDim(dim))
    return lastAlong(x, dim, /*keepDim=*/true);
  SmallVector<OpFoldResult> offsets(rank, b.getIndexAttr(0)), sizes,
      strides(rank, b.getIndexAttr(1));
  for (int64_t d = 0; d < rank; ++d)
    sizes.push_back(dimFold(x.value, d));
  strides[dim] = b.getIndexAttr(step);
  Val out = x;
  out.dims[dim] = "";
  if (!type.isDynamicDim(dim)) {
    int64_t extent = type.getDimSize(dim);
    int64_t s = clampBound(start, extent);
    int64_t e = end ? clampBound(*end, extent) : extent;
    if (e <= s) {
      // An empty tensor is not a value any layer reads usefully; a bound
      // written against another size is the usual cause.
      error(current->layerPos)
          << current->layer << " [" << start << ":"
          << (end ? std::to_string(*end) : std::string()) << ":" << step
          << "] of dimension " << dim << " of "
          << describe(x, current->operands[0].value.text)
          << " is empty (PyTorch's slicing clamps the bounds into [0, "
          << extent << "])";
      return failure();
    }
    if (s == 0 && e == extent && step == 1)
      return x;
    offsets[dim] = b.getIndexAttr(s);
    sizes[dim] = b.getIndexAttr((e - s - 1) / step + 1);
  } else {
    // A run-time extent: the same clamping in index arithmetic. The
    // offset and the length stay within [0, extent], so the slice never
    // reads outside x (an empty result at run time is a tensor with no
    // elements).
    Location l = here();
    Value extent = dimValue(x.value, dim);
    auto cst = [&](int64_t v) {
      return arith::ConstantIndexOp::create(b, l, v).getResult();
    };
    auto bound = [&](int64_t v) -> Value {
      if (v >= 0)
        return arith::MinSIOp::create(b, l, cst(v), extent);
      // v + extent without overflow: a bound below -2^62 is beyond every
      // size, as is -2^62.
      Value fromEnd = arith::AddIOp::create(
          b, l, extent, cst(std::max<int64_t>(v, -(int64_t(1) << 62))));
      return arith::MaxSIOp::create(b, l, fromEnd, cst(0));
    };
    Value s = bound(start);
    Value e = end ? bound(*end) : extent;
    Value span =
        arith::MaxSIOp::create(b, l, arith::SubIOp::create(b, l, e, s), cst(0));
    Value len =
        step == 1 ? span : arith::CeilDivSIOp::create(b, l, span, cst(step));
    offsets[dim] = s;
    sizes[dim] = len;
  }
  out.value = tensor::ExtractSliceOp::create(b, here(), x.value, offsets, sizes,
                                             strides);
  return out;
}

FailureOr<Val> Emitter::emitSlice(const Val &x) {
  if (x.rank() < 1) {
    error(current->operands[0].value.pos)
        << "slice expects an operand of rank >= 1; "
        << describe(x, current->operands[0].value.text);
    return failure();
  }
  FailureOr<int64_t> dim = normalizeDim(intKw("dim", 0), x.rank(), "dim");
  if (failed(dim))
    return failure();
  int64_t step = intKw("step", 1);
  if (step < 1) {
    error(keyword("step")->value.pos)
        << "slice's step must be positive, as in PyTorch's x[a:b:s] (step="
        << step << "); flip(x, dims=[" << *dim << "]) reverses a dimension";
    return failure();
  }
  std::optional<int64_t> end;
  if (keyword("end"))
    end = intKw("end", 0);
  return sliceAlong(x, *dim, intKw("start", 0), end, step);
}

FailureOr<Val> Emitter::emitFlip(const Val &x) {
  const Argument *kw = keyword("dims");
  int64_t rank = x.rank();
  SmallVector<bool> flipped(rank, false);
  for (const Literal &item : kw->value.items) {
    int64_t d = item.intValue;
    bool ok = item.kind == Literal::Kind::Int && d >= -rank && d < rank;
    if (ok && d < 0)
      d += rank;
    if (!ok || flipped[d]) {
      error(item.pos) << "flip's dims=[...] names dimensions of a rank-" << rank
                      << " operand once each (like torch.flip); found '"
                      << item.text << "' in " << kw->value.text;
      return failure();
    }
    flipped[d] = true;
  }
  if (llvm::none_of(flipped, [](bool f) { return f; }))
    return x;
  // out[..., i, ...] = x[..., n - 1 - i, ...] along each flipped dimension.
  SmallVector<Value> dyn, extents;
  bool allStatic = true;
  for (int64_t d = 0; d < rank; ++d) {
    if (x.type().isDynamicDim(d))
      dyn.push_back(dimValue(x.value, d));
    extents.push_back(flipped[d] ? dimValue(x.value, d) : Value());
    allStatic &= !flipped[d] || !x.type().isDynamicDim(d);
  }
  Val out = x;
  if (allStatic) {
    // Fixed extents mirror in the index map (n - 1 - i): a plain copy
    // whose other dimensions, time among them, stay the iteration's own,
    // so a flip of the channels streams.
    SmallVector<AffineExpr> exprs;
    for (int64_t d = 0; d < rank; ++d) {
      AffineExpr i = getAffineDimExpr(d, ctx);
      exprs.push_back(flipped[d] ? x.type().getDimSize(d) - 1 - i : i);
    }
    SmallVector<AffineMap> maps = {
        AffineMap::get(rank, 0, exprs, ctx),
        AffineMap::getMultiDimIdentityMap(rank, ctx)};
    Value init =
        emptyTensor(x.type().getShape(), dyn, x.type().getElementType());
    out.value =
        linalg::GenericOp::create(b, here(), TypeRange{init.getType()},
                                  ValueRange{x.value}, ValueRange{init}, maps,
                                  SmallVector<utils::IteratorType>(
                                      rank, utils::IteratorType::parallel),
                                  [&](OpBuilder &nb, Location l, ValueRange a) {
                                    linalg::YieldOp::create(nb, l, a[0]);
                                  })
            .getResult(0);
    return out;
  }
  // A run-time extent (the time steps): a generic that reads x at the
  // mirrored index, which an index map cannot express. Every index is
  // within [0, n).
  Value init = emptyTensor(x.type().getShape(), dyn, x.type().getElementType());
  Value source = x.value;
  out.value =
      linalg::GenericOp::create(
          b, here(), TypeRange{init.getType()}, ValueRange{}, ValueRange{init},
          ArrayRef<AffineMap>{AffineMap::getMultiDimIdentityMap(rank, ctx)},
          SmallVector<utils::IteratorType>(rank, utils::IteratorType::parallel),
          [&](OpBuilder &nb, Location l, ValueRange) {
            SmallVector<Value> idx;
            for (int64_t d = 0; d < rank; ++d) {
              Value i = linalg::IndexOp::create(nb, l, d);
              if (flipped[d]) {
                Value last = arith::SubIOp::create(
                    nb, l, extents[d],
                    arith::ConstantIndexOp::create(nb, l, 1));
                i = arith::SubIOp::create(nb, l, last, i);
              }
              idx.push_back(i);
            }
            linalg::YieldOp::create(
                nb, l,
                tensor::ExtractOp::create(nb, l, source, idx).getResult());
          })
          .getResult(0);
  return out;
}

FailureOr<Val> Emitter::emitGlu(const Val &x) {
  if (x.rank() < 1 || !isa<FloatType>(x.type().getElementType())) {
    error(current->operands[0].value.pos)
        << "glu expects a float operand of rank >= 1; "
        << describe(x, current->operands[0].value.text);
    return failure();
  }
  FailureOr<int64_t> dim = normalizeDim(intKw("dim", -1), x.rank(), "dim");
  if (failed(dim))
    return failure();
  if (x.type().isDynamicDim(*dim)) {
    error(current->operands[0].value.pos)
        << "glu needs a fixed size to halve (dimension " << *dim << "); "
        << describe(x, current->operands[0].value.text)
        << (keyword("dim")
                ? ""
                : " (glu halves dim=-1 unless told: name the "
                  "channel dimension, dim=1 for a conv's [B, C, T])");
    return failure();
  }
  int64_t size = x.type().getDimSize(*dim);
  if (size % 2 != 0) {
    error(current->operands[0].value.pos)
        << "glu halves dimension " << *dim << ", which needs an even size (as "
        << "F.glu); " << describe(x, current->operands[0].value.text);
    return failure();
  }
  // F.glu(x, dim) = a * sigmoid(g) with a, g = x.chunk(2, dim).
  FailureOr<Val> a = sliceAlong(x, *dim, 0, size / 2, 1);
  FailureOr<Val> gate = sliceAlong(x, *dim, size / 2, std::nullopt, 1);
  if (failed(a) || failed(gate))
    return failure();
  auto sigmoid = seq::ActivationAttr::get(ctx, seq::ActivationKind::sigmoid);
  // The halves have one shape: an elementwise generic over it.
  SmallVector<int64_t> identity;
  SmallVector<Value> dyn;
  for (int64_t d = 0; d < x.rank(); ++d) {
    identity.push_back(d);
    if (a->type().isDynamicDim(d))
      dyn.push_back(dimValue(a->value, d));
  }
  Val out = *a;
  out.value =
      mapElements({a->value, gate->value}, {identity, identity},
                  a->type().getShape(), dyn, x.type().getElementType(),
                  [&](OpBuilder &nb, Location l, ValueRange v) -> Value {
                    return arith::MulFOp::create(
                        nb, l, v[0], seq::emitActivation(nb, l, sigmoid, v[1]));
                  });
  return out;
}

} // namespace md
} // namespace seqc
