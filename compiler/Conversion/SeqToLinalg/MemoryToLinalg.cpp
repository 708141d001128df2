//===- MemoryToLinalg.cpp - NTM memory ops to linalg --------------------===//
//
// Each memory op becomes a few linalg.generics whose loops are named by the
// role letters of the ops' shapes (b batch, h head, n row, w width, k
// shift): a generic over "bhnw" reading the key as "bhw" and the memory as
// "bnw" is the content lookup's dot product. The softmax of the content
// lookup is a linalg.softmax (decomposed later with the other aggregated
// ops); the read is a linalg.batch_matmul.
//
//===----------------------------------------------------------------------===//

#include "compiler/Conversion/SeqToLinalg/Patterns.h"
#include "dialects/Seq/IR/SeqOps.h"
#include "dialects/Seq/Utils/ActivationUtils.h"
#include "dialects/Seq/Utils/TensorUtils.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Arith/Utils/Utils.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"

using namespace mlir;
using namespace seqc;

namespace {

using utils::IteratorType;

/// An operand of a generic and the loop letter of each of its dimensions.
struct Access {
  Value value;
  StringRef loops;
};

/// Builds the generics of one memory op.
class MemoryLowering {
public:
  MemoryLowering(OpBuilder &b, Location loc, Type elementType)
      : b(b), loc(loc), elementType(elementType) {}

  /// Records the size of loop `letter` as dimension `dim` of `value`.
  void size(char letter, Value value, int64_t dim) {
    sizes[letter] = seq::getDimSize(b, loc, value, dim);
  }

  /// An uninitialized tensor of loops `letters`.
  Value empty(StringRef letters) {
    SmallVector<OpFoldResult> shape;
    for (char letter : letters)
      shape.push_back(sizes.lookup(letter));
    return seq::createEmptyTensor(b, loc, shape, elementType);
  }

  /// A tensor of loops `letters` filled with `value`.
  Value filled(StringRef letters, double value) {
    Value scalar = seq::emitFloatConstant(b, loc, elementType, value);
    return linalg::FillOp::create(b, loc, ValueRange{scalar},
                                  ValueRange{empty(letters)})
        .getResult(0);
  }

  /// A generic over `loops` (upper-case letters are reductions) reading
  /// `ins` into `outs`; `body` gets the scalars of ins then outs and
  /// returns one value per output.
  ValueRange
  generic(StringRef loops, ArrayRef<Access> ins, ArrayRef<Access> outs,
          function_ref<SmallVector<Value>(OpBuilder &, Location, ValueRange)>
              body) {
    std::string lower = loops.lower();
    auto indexing = [&](StringRef letters) {
      SmallVector<AffineExpr> exprs;
      for (char letter : letters)
        exprs.push_back(b.getAffineDimExpr(StringRef(lower).find(letter)));
      return AffineMap::get(loops.size(), 0, exprs, b.getContext());
    };
    SmallVector<AffineMap> maps;
    SmallVector<Value> inputs, inits;
    for (const Access &in : ins) {
      maps.push_back(indexing(in.loops));
      inputs.push_back(in.value);
    }
    for (const Access &out : outs) {
      maps.push_back(indexing(out.loops));
      inits.push_back(out.value);
    }
    SmallVector<IteratorType> iterators;
    for (char letter : loops)
      iterators.push_back(isupper(letter) ? IteratorType::reduction
                                          : IteratorType::parallel);
    return linalg::GenericOp::create(
               b, loc, ValueRange(inits).getTypes(), inputs, inits, maps,
               iterators,
               [&](OpBuilder &nb, Location nl, ValueRange args) {
                 linalg::YieldOp::create(nb, nl, body(nb, nl, args));
               })
        .getResults();
  }

  /// A new tensor of loops `loops` (all parallel) computed from `ins`.
  Value map(StringRef loops, ArrayRef<Access> ins,
            function_ref<Value(OpBuilder &, Location, ValueRange)> body) {
    Value init = empty(loops);
    return generic(loops, ins, {{init, loops}},
                   [&](OpBuilder &nb, Location nl, ValueRange args) {
                     return SmallVector<Value>{body(nb, nl, args.drop_back())};
                   })[0];
  }

  /// The sum over loop `reduced` (upper case in `loops`) of `term` into a
  /// tensor of `outLoops`.
  Value sum(StringRef loops, ArrayRef<Access> ins, StringRef outLoops,
            function_ref<Value(OpBuilder &, Location, ValueRange)> term) {
    Value init = filled(outLoops, 0.0);
    return generic(loops, ins, {{init, outLoops}},
                   [&](OpBuilder &nb, Location nl, ValueRange args) {
                     Value t = term(nb, nl, args.drop_back());
                     return SmallVector<Value>{
                         arith::AddFOp::create(nb, nl, args.back(), t)};
                   })[0];
  }

  Value constant(OpBuilder &nb, double value) {
    return seq::emitFloatConstant(nb, loc, elementType, value);
  }

  OpBuilder &b;
  Location loc;
  Type elementType;
  llvm::DenseMap<char, OpFoldResult> sizes;
};

struct ContentAddressToLinalg : OpRewritePattern<seq::ContentAddressOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(seq::ContentAddressOp op,
                                PatternRewriter &rewriter) const override {
    Value memory = op.getMemory(), key = op.getKey();
    MemoryLowering m(rewriter, op.getLoc(),
                     getElementTypeOrSelf(memory.getType()));
    m.size('b', memory, 0);
    m.size('n', memory, 1);
    m.size('w', memory, 2);
    m.size('h', key, 1);
    auto square = [](OpBuilder &nb, Location nl, ValueRange a) -> Value {
      return arith::MulFOp::create(nb, nl, a[0], a[0]);
    };
    Value rowNorms = m.sum("bnW", {{memory, "bnw"}}, "bn", square);
    Value keyNorms = m.sum("bhW", {{key, "bhw"}}, "bh", square);
    Value dots = m.sum("bhnW", {{key, "bhw"}, {memory, "bnw"}}, "bhn",
                       [](OpBuilder &nb, Location nl, ValueRange a) -> Value {
                         return arith::MulFOp::create(nb, nl, a[0], a[1]);
                       });
    // strength * dot / (max(|k|, eps) * max(|M_n|, eps)), as
    // F.cosine_similarity clamps each norm.
    double epsilon = op.getEpsilon().convertToDouble();
    Value scores =
        m.map("bhn",
              {{dots, "bhn"},
               {keyNorms, "bh"},
               {rowNorms, "bn"},
               {op.getStrength(), "bh"}},
              [&](OpBuilder &nb, Location nl, ValueRange a) -> Value {
                Value eps = m.constant(nb, epsilon);
                auto norm = [&](Value squared) -> Value {
                  return arith::MaximumFOp::create(
                      nb, nl, math::SqrtOp::create(nb, nl, squared), eps);
                };
                Value denominator =
                    arith::MulFOp::create(nb, nl, norm(a[1]), norm(a[2]));
                Value cosine = arith::DivFOp::create(nb, nl, a[0], denominator);
                return arith::MulFOp::create(nb, nl, a[3], cosine);
              });
    Value init = m.empty("bhn");
    rewriter.replaceOpWithNewOp<linalg::SoftmaxOp>(op, init.getType(), scores,
                                                   init, /*dimension=*/2);
    return success();
  }
};

struct AddressInterpolateToLinalg
    : OpRewritePattern<seq::AddressInterpolateOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(seq::AddressInterpolateOp op,
                                PatternRewriter &rewriter) const override {
    Value content = op.getContent();
    MemoryLowering m(rewriter, op.getLoc(),
                     getElementTypeOrSelf(content.getType()));
    for (auto [letter, dim] : {std::pair{'b', 0}, {'h', 1}, {'n', 2}})
      m.size(letter, content, dim);
    // g * c + (1 - g) * p = p + g * (c - p)
    rewriter.replaceOp(
        op,
        m.map(
            "bhn",
            {{content, "bhn"}, {op.getPrevious(), "bhn"}, {op.getGate(), "bh"}},
            [](OpBuilder &nb, Location nl, ValueRange a) -> Value {
              Value diff = arith::SubFOp::create(nb, nl, a[0], a[1]);
              Value step = arith::MulFOp::create(nb, nl, a[2], diff);
              return arith::AddFOp::create(nb, nl, a[1], step);
            }));
    return success();
  }
};

struct AddressShiftToLinalg : OpRewritePattern<seq::AddressShiftOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(seq::AddressShiftOp op,
                                PatternRewriter &rewriter) const override {
    Value weights = op.getWeights(), shift = op.getShift();
    Location loc = op.getLoc();
    MemoryLowering m(rewriter, loc, getElementTypeOrSelf(weights.getType()));
    for (auto [letter, dim] : {std::pair{'b', 0}, {'h', 1}, {'n', 2}})
      m.size(letter, weights, dim);
    m.size('k', shift, 2);
    int64_t half =
        (cast<RankedTensorType>(shift.getType()).getDimSize(2) - 1) / 2;
    Value rows =
        getValueOrCreateConstantIndexOp(rewriter, loc, m.sizes.lookup('n'));
    // result[b,h,n] += shift[b,h,k] * weights[b,h,(n - k + half) mod N]:
    // a circular index, read with tensor.extract.
    Value init = m.filled("bhn", 0.0);
    Value result = m.generic(
        "bhnK", {{shift, "bhk"}}, {{init, "bhn"}},
        [&](OpBuilder &nb, Location nl, ValueRange a) {
          auto index = [&](int64_t dim) -> Value {
            return linalg::IndexOp::create(nb, nl, dim);
          };
          Value n = index(2), k = index(3);
          Value offset = arith::AddIOp::create(
              nb, nl, arith::SubIOp::create(nb, nl, n, k),
              arith::ConstantIndexOp::create(nb, nl, half));
          // ((x mod N) + N) mod N: x may be negative, or N or more when
          // S > N.
          Value wrapped = arith::RemSIOp::create(
              nb, nl,
              arith::AddIOp::create(
                  nb, nl, arith::RemSIOp::create(nb, nl, offset, rows), rows),
              rows);
          Value w = tensor::ExtractOp::create(
              nb, nl, weights, ValueRange{index(0), index(1), wrapped});
          Value term = arith::MulFOp::create(nb, nl, a[0], w);
          return SmallVector<Value>{arith::AddFOp::create(nb, nl, a[1], term)};
        })[0];
    rewriter.replaceOp(op, result);
    return success();
  }
};

struct AddressSharpenToLinalg : OpRewritePattern<seq::AddressSharpenOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(seq::AddressSharpenOp op,
                                PatternRewriter &rewriter) const override {
    Value weights = op.getWeights();
    MemoryLowering m(rewriter, op.getLoc(),
                     getElementTypeOrSelf(weights.getType()));
    for (auto [letter, dim] : {std::pair{'b', 0}, {'h', 1}, {'n', 2}})
      m.size(letter, weights, dim);
    Value powers = m.map("bhn", {{weights, "bhn"}, {op.getGamma(), "bh"}},
                         [](OpBuilder &nb, Location nl, ValueRange a) -> Value {
                           return math::PowFOp::create(nb, nl, a[0], a[1]);
                         });
    Value sums =
        m.sum("bhN", {{powers, "bhn"}}, "bh",
              [](OpBuilder &, Location, ValueRange a) { return a[0]; });
    double epsilon = op.getEpsilon().convertToDouble();
    rewriter.replaceOp(
        op, m.map("bhn", {{powers, "bhn"}, {sums, "bh"}},
                  [&](OpBuilder &nb, Location nl, ValueRange a) -> Value {
                    Value total = a[1];
                    if (epsilon != 0)
                      total = arith::AddFOp::create(nb, nl, total,
                                                    m.constant(nb, epsilon));
                    return arith::DivFOp::create(nb, nl, a[0], total);
                  }));
    return success();
  }
};

struct MemoryReadToLinalg : OpRewritePattern<seq::MemoryReadOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(seq::MemoryReadOp op,
                                PatternRewriter &rewriter) const override {
    Value memory = op.getMemory(), weights = op.getWeights();
    MemoryLowering m(rewriter, op.getLoc(),
                     getElementTypeOrSelf(memory.getType()));
    m.size('b', memory, 0);
    m.size('w', memory, 2);
    m.size('h', weights, 1);
    // [B, H, N] x [B, N, W]: a batched matrix product.
    Value init = m.filled("bhw", 0.0);
    rewriter.replaceOp(op, linalg::BatchMatmulOp::create(
                               rewriter, op.getLoc(),
                               ValueRange{weights, memory}, ValueRange{init})
                               .getResult(0));
    return success();
  }
};

struct MemoryWriteToLinalg : OpRewritePattern<seq::MemoryWriteOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(seq::MemoryWriteOp op,
                                PatternRewriter &rewriter) const override {
    Value memory = op.getMemory(), weights = op.getWeights();
    MemoryLowering m(rewriter, op.getLoc(),
                     getElementTypeOrSelf(memory.getType()));
    for (auto [letter, dim] : {std::pair{'b', 0}, {'n', 1}, {'w', 2}})
      m.size(letter, memory, dim);
    // Over the heads: keep = prod_h (1 - w e), added = sum_h w a.
    Value keepInit = m.filled("bnw", 1.0), addedInit = m.filled("bnw", 0.0);
    ValueRange heads = m.generic(
        "bnwH",
        {{weights, "bhn"}, {op.getErase(), "bhw"}, {op.getAdd(), "bhw"}},
        {{keepInit, "bnw"}, {addedInit, "bnw"}},
        [&](OpBuilder &nb, Location nl, ValueRange a) {
          Value erased = arith::MulFOp::create(nb, nl, a[0], a[1]);
          Value kept =
              arith::SubFOp::create(nb, nl, m.constant(nb, 1.0), erased);
          Value added = arith::MulFOp::create(nb, nl, a[0], a[2]);
          return SmallVector<Value>{arith::MulFOp::create(nb, nl, a[3], kept),
                                    arith::AddFOp::create(nb, nl, a[4], added)};
        });
    Value keep = heads[0], added = heads[1];
    rewriter.replaceOp(
        op, m.map("bnw", {{memory, "bnw"}, {keep, "bnw"}, {added, "bnw"}},
                  [](OpBuilder &nb, Location nl, ValueRange a) -> Value {
                    Value kept = arith::MulFOp::create(nb, nl, a[0], a[1]);
                    return arith::AddFOp::create(nb, nl, kept, a[2]);
                  }));
    return success();
  }
};

} // namespace

void seqc::populateMemoryToLinalgPatterns(RewritePatternSet &patterns) {
  patterns.add<ContentAddressToLinalg, AddressInterpolateToLinalg,
               AddressShiftToLinalg, AddressSharpenToLinalg, MemoryReadToLinalg,
               MemoryWriteToLinalg>(patterns.getContext());
}
