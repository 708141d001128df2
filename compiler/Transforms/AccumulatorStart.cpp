//===- AccumulatorStart.cpp - what a contraction's sums start from ------===//

#include "compiler/Transforms/AccumulatorStart.h"
#include "compiler/Transforms/BufferViews.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/IR/Matchers.h"

using namespace mlir;
using namespace seqc;

namespace {

/// Whether `v` is an f32 memref of rank `rank` whose rows are contiguous.
bool isF32Rows(Value v, int64_t rank) {
  auto type = dyn_cast<MemRefType>(v.getType());
  return type && type.getElementType().isF32() && type.getRank() == rank &&
         hasUnitInnerStride(v);
}

/// Whether `op` is an elementwise generic on buffers over `rank` loops:
/// every loop parallel.
bool isElementwise(linalg::GenericOp op, int64_t rank) {
  return op.hasPureBufferSemantics() && op.getNumLoops() == rank &&
         llvm::all_of(op.getIteratorTypesArray(), [](utils::IteratorType t) {
           return t == utils::IteratorType::parallel;
         });
}

/// The row [N] that `op` broadcasts into y [l..., N] (y[l..., n] =
/// row[n], the whole of y), or null.
Value broadcastRow(linalg::GenericOp op, Value y) {
  int64_t rank = cast<MemRefType>(y.getType()).getRank();
  if (!isElementwise(op, rank) || op.getNumDpsInputs() != 1 ||
      op.getNumDpsInits() != 1 || op.getDpsInits()[0] != y)
    return {};
  Value row = op.getDpsInputs()[0];
  // A row of y itself would be read after the tiles overwrote it.
  if (!isF32Rows(row, 1) || baseBuffer(row) == baseBuffer(y))
    return {};
  SmallVector<AffineMap> maps = op.getIndexingMapsArray();
  if (maps[0] != AffineMap::get(rank, 0,
                                getAffineDimExpr(rank - 1, op.getContext())) ||
      !maps[1].isIdentity())
    return {};
  Block &body = op.getRegion().front();
  auto yield = dyn_cast<linalg::YieldOp>(body.front());
  if (!yield || yield.getNumOperands() != 1 ||
      yield.getOperand(0) != body.getArgument(0))
    return {};
  return row;
}

/// The other operand a of `op` when it computes out = a + y (or y + a)
/// element by element over y's shape, or null.
Value addedToY(linalg::GenericOp op, Value y) {
  int64_t rank = cast<MemRefType>(y.getType()).getRank();
  if (!op || !isElementwise(op, rank) || op.getNumDpsInputs() != 2 ||
      op.getNumDpsInits() != 1 ||
      !llvm::all_of(op.getIndexingMapsArray(),
                    [](AffineMap m) { return m.isIdentity(); }))
    return {};
  Block &body = op.getRegion().front();
  if (body.getOperations().size() != 2)
    return {};
  auto add = dyn_cast<arith::AddFOp>(body.front());
  auto yield = dyn_cast<linalg::YieldOp>(body.back());
  if (!add || !yield || yield.getOperand(0) != add.getResult())
    return {};
  Value arg0 = body.getArgument(0), arg1 = body.getArgument(1);
  if (!((add.getLhs() == arg0 && add.getRhs() == arg1) ||
        (add.getLhs() == arg1 && add.getRhs() == arg0)))
    return {};
  Value in0 = op.getDpsInputs()[0], in1 = op.getDpsInputs()[1];
  if (in0 == y && in1 != y)
    return in1;
  if (in1 == y && in0 != y)
    return in0;
  return {};
}

/// Whether the sums of `contraction` may be reassociated: its addition
/// carries the `reassoc` fast-math flag (seq's contractions do). Starting
/// from a instead of adding a at the end reorders a + (p1 + p2 + ...)
/// into (a + p1) + p2 + ..., which under cancellation differs by more
/// than rounding.
bool reassociates(linalg::GenericOp contraction) {
  for (Operation &op : contraction.getRegion().front())
    if (auto add = dyn_cast<arith::AddFOp>(op))
      return bitEnumContainsAll(add.getFastmath(),
                                arith::FastMathFlags::reassoc);
  return false;
}

} // namespace

AccumulatorStart seqc::findAccumulatorStart(linalg::GenericOp contraction) {
  AccumulatorStart start;
  Value y = contraction.getDpsInits()[0];
  start.out = y;
  Operation *before = contraction->getPrevNode();
  if (auto fill = dyn_cast_or_null<linalg::FillOp>(before)) {
    if (fill.hasPureBufferSemantics() && fill.getDpsInits()[0] == y &&
        fill.getInputs()[0].getType().isF32()) {
      start.kind = AccumulatorStart::Kind::Scalar;
      start.value = fill.getInputs()[0];
      start.replaced.push_back(fill);
    }
  } else if (auto generic = dyn_cast_or_null<linalg::GenericOp>(before)) {
    if (Value row = broadcastRow(generic, y)) {
      start.kind = AccumulatorStart::Kind::Row;
      start.value = row;
      start.replaced.push_back(generic);
    }
  }
  if (start.kind != AccumulatorStart::Kind::Scalar ||
      !matchPattern(start.value, m_AnyZeroFloat()) ||
      !reassociates(contraction))
    return start;

  // A zeroed y read only by out = a + y right after (a recurrence step's
  // input projection plus its recurrent product): the sums start from a
  // and go to out.
  auto sum = dyn_cast_or_null<linalg::GenericOp>(contraction->getNextNode());
  Value a = sum ? addedToY(sum, y) : Value();
  if (!a || !y.getDefiningOp<memref::AllocOp>())
    return start;
  for (Operation *user : y.getUsers())
    if (user != contraction && user != sum && user != before &&
        !isa<memref::DeallocOp>(user))
      return start;
  int64_t rank = cast<MemRefType>(y.getType()).getRank();
  Value out = sum.getDpsInits()[0];
  if (!isF32Rows(a, rank) || !isF32Rows(out, rank))
    return start;
  // The tiles write `out` while they read x and the weights at every k
  // block, and read `a` where they write: `out` may be `a` itself but
  // overlap none of them otherwise.
  Value outBase = baseBuffer(out);
  for (Value input : contraction.getDpsInputs())
    if (baseBuffer(input) == outBase)
      return start;
  if (out != a && baseBuffer(a) == outBase)
    return start;
  start.kind = AccumulatorStart::Kind::Sum;
  start.value = a;
  start.out = out;
  start.replaced.push_back(sum);
  return start;
}
