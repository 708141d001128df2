//===- EinsumOp.cpp - ONNX Einsum -----------------------------------------===//
//
// Einsum of any number of float operands, contracted two at a time; a
// batched matrix product in another letter order goes through torch.
// matmul's layout, which the attention raise and the GEMM lowering read.
//
//===----------------------------------------------------------------------===//

#include "compiler/Import/Onnx/GraphImporter.h"

#include "dialects/Seq/Utils/CheckUtils.h"
#include "dialects/Seq/Utils/TensorUtils.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Arith/Utils/Utils.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"

#include <map>
#include <string>

using namespace mlir;
using namespace seqc;

namespace seqc::onnx_import {
namespace {

/// Each letter's size (a fixed 1 only where every operand has 1).
using LetterSizes = llvm::DenseMap<char, OpFoldResult>;

bool isOne(OpFoldResult size) { return isConstantIntValue(size, 1); }

bool isStaticSize(OpFoldResult size) {
  return getConstantIntValue(size).has_value();
}

/// The positions in `from` of the letters of `to`: the permutation that
/// transposes an operand with letters `from` to `to`.
SmallVector<int64_t> permutation(StringRef from, StringRef to) {
  SmallVector<int64_t> perm;
  for (char c : to)
    perm.push_back(from.find(c));
  return perm;
}

/// The operands' and result's letters of a two-operand Einsum in the layout
/// of a batched matrix product: lhs [batch..., m, k], rhs [batch..., k, n]
/// (torch.matmul's: the rows of the rhs contiguous along the result's
/// rows, which the outer-product lowering tiles; the rhs read along k
/// instead, as a dot product per result element, was 15-40x slower),
/// result [batch..., m, n], the batch letters in the result's order. The rhs
/// may lack batch letters the lhs has (its one key/value head read for every
/// query head: multi-query attention's 'bhqd,bkd->bhqk').
struct BatchedMatmulLayout {
  std::string lhs, rhs, out;
};

/// The layout of `terms` -> `out` when it is a batched matrix product (one
/// letter each for k, n and m; each other letter in both operands and the
/// result, or in the lhs and the result) whose letters are in another
/// order ('bqhd,bkhd->bhqk', Transformer-XL's 'ibnd,jbnd->ijbn'); none
/// otherwise, and for one already in that layout ('bhid,bhdj->bhij'). Of
/// the letters in the lhs and the result alone, m is the last in the
/// result whose size `isStatic` is not (a sequence's length rather than a
/// head count: 'bhqk,bkd->bqhd' is [b, h] batches of [q, k] by [k, d]),
/// else the last.
std::optional<BatchedMatmulLayout>
batchedMatmulLayout(ArrayRef<std::string> terms, StringRef out,
                    function_ref<bool(char)> isStatic) {
  if (terms.size() != 2)
    return std::nullopt;
  StringRef lhs = terms[0], rhs = terms[1];
  std::string lhsOnly, n, k;
  std::string letters = (lhs + rhs + out).str();
  for (char c : letters) {
    if (lhsOnly.find(c) != std::string::npos ||
        n.find(c) != std::string::npos || k.find(c) != std::string::npos)
      continue;
    bool inL = lhs.contains(c), inR = rhs.contains(c), inO = out.contains(c);
    if (lhs.count(c) > 1 || rhs.count(c) > 1)
      return std::nullopt; // a diagonal
    if (inL && inR && inO)
      continue; // batch letters are taken in the result's order below
    if (!inO && !(inL && inR))
      return std::nullopt; // summed over one operand alone
    (inL && inR ? k : inL ? lhsOnly : n) += c;
  }
  if (lhsOnly.empty() || n.size() != 1 || k.size() != 1)
    return std::nullopt;
  // The other lhs-only letters are batch letters the rhs is broadcast
  // along.
  char m = 0, lastStatic = 0;
  for (char c : out)
    if (lhsOnly.find(c) != std::string::npos)
      (isStatic(c) ? lastStatic : m) = c;
  if (!m)
    m = lastStatic;
  std::string batch, rhsBatch;
  for (char c : out) {
    if (c == m || c == n[0])
      continue;
    batch += c;
    if (rhs.contains(c))
      rhsBatch += c;
  }
  BatchedMatmulLayout layout{batch + m + k, rhsBatch + k + n, batch + m + n};
  if (layout.lhs == lhs && layout.rhs == rhs && layout.out == out)
    return std::nullopt;
  return layout;
}

/// The sum over the letters `out` lacks of the product of `inputs` read
/// through `terms`, as a tensor of letters `out`: one generic whose loops
/// are out's letters, then the summed ones (a batched matrix product in
/// another order transposed into and out of torch.matmul's layout).
Value contract(GraphImporter &g, SmallVector<std::string> terms,
               SmallVector<Value> inputs, std::string out, LetterSizes &sizes) {
  // A batched matrix product with its dimensions in another order is
  // computed as the one torch.matmul gives: operands and result transposed
  // around a contraction in batch matmul layout, which the attention raise
  // and the GEMM lowering see.
  std::optional<std::string> resultOrder;
  if (std::optional<BatchedMatmulLayout> layout = batchedMatmulLayout(
          terms, out, [&](char c) { return isStaticSize(sizes[c]); })) {
    SmallVector<std::string> canonicalTerms = {layout->lhs, layout->rhs};
    for (auto [term, v, canonical] : llvm::zip(terms, inputs, canonicalTerms)) {
      if (term != canonical)
        v = seq::createTranspose(g.builder, g.loc, v,
                                 permutation(term, canonical));
      term = canonical;
    }
    resultOrder = out;
    out = layout->out;
  }
  // Loops: the output's letters, then the summed ones.
  std::string loops = out;
  for (const std::string &term : terms)
    for (char c : term)
      if (loops.find(c) == std::string::npos)
        loops += c;
  MLIRContext *ctx = g.context;
  // (An operand's fixed 1 where the letter is longer reads element 0.)
  auto map = [&](StringRef letters, Value operand) {
    SmallVector<AffineExpr> exprs;
    for (auto [d, c] : llvm::enumerate(letters))
      exprs.push_back(operand && isOne(g.dimSize(operand, d)) &&
                              !isOne(sizes[c])
                          ? getAffineConstantExpr(0, ctx)
                          : getAffineDimExpr(loops.find(c), ctx));
    return AffineMap::get(loops.size(), 0, exprs, ctx);
  };
  SmallVector<AffineMap> maps;
  for (auto [term, v] : llvm::zip(terms, inputs))
    maps.push_back(map(term, v));
  maps.push_back(map(out, Value()));
  SmallVector<OpFoldResult> outSizes;
  for (char c : out)
    outSizes.push_back(sizes[c]);
  Value init = zeroF32Tensor(g, outSizes);
  SmallVector<utils::IteratorType> iterators(loops.size(),
                                             utils::IteratorType::reduction);
  for (size_t i = 0; i < out.size(); ++i)
    iterators[i] = utils::IteratorType::parallel;
  Value result =
      linalg::GenericOp::create(
          g.builder, g.loc, TypeRange{init.getType()}, inputs, ValueRange{init},
          maps, iterators,
          [](OpBuilder &nb, Location l, ValueRange x) {
            Value product = x[0];
            for (Value v : x.drop_front().drop_back())
              product = arith::MulFOp::create(nb, l, product, v);
            linalg::YieldOp::create(
                nb, l,
                ValueRange{arith::AddFOp::create(nb, l, x.back(), product)});
          })
          .getResult(0);
  if (resultOrder && *resultOrder != out)
    result = seq::createTranspose(g.builder, g.loc, result,
                                  permutation(out, *resultOrder));
  return result;
}

/// Einsum of any number of float inputs, contracted two at a time (below),
/// each input read through its letters (a repeated letter reads a
/// diagonal). "..."
/// stands for the same leading dimensions in every operand that has it;
/// without "->" the output is the letters used once, in alphabetical order
/// (numpy.einsum's implicit mode). A letter's fixed 1 in one operand
/// broadcasts against its size elsewhere, as in numpy.einsum; other sizes
/// the types do not prove equal are checked at run time.
} // namespace

LogicalResult importEinsum(GraphImporter &g) {
  if (failed(g.checkAttrs({"equation"})))
    return failure();
  std::optional<std::string> attr = g.stringAttr("equation");
  if (!attr) {
    g.nodeError() << "needs the attribute 'equation'";
    return failure();
  }
  std::string equation;
  for (char c : *attr)
    if (c != ' ')
      equation += c;
  FailureOr<SmallVector<Value>> floatIns = floatInputs(g);
  if (failed(floatIns))
    return failure();
  SmallVector<Value> inputs = *floatIns;
  size_t arrow = equation.find("->");
  std::string lhs = equation.substr(0, arrow);
  SmallVector<std::string> terms;
  for (StringRef term : llvm::split(StringRef(lhs), ','))
    terms.push_back(term.str());
  auto bad = [&](const Twine &why) {
    g.nodeError() << "equation '" << *attr << "': " << why;
    return failure();
  };
  if (terms.size() != inputs.size())
    return bad("it names " + Twine(terms.size()) + " operands for " +
               Twine(inputs.size()) + " inputs");
  // "..." becomes the letters '0', '1', ... (leading dimensions), right
  // aligned as NumPy broadcasts them: an operand whose "..." stands for
  // fewer dimensions takes the last of them ('...ij,...jk' of [B, H, T, J]
  // and [J, K]: '01ij' and 'jk').
  int64_t ellipsisRank = -1;
  SmallVector<int64_t> ellipsisDims;
  for (auto [term, v] : llvm::zip(terms, inputs)) {
    int64_t n = -1;
    if (term.find("...") != std::string::npos) {
      n = tensorType(v).getRank() - static_cast<int64_t>(term.size() - 3);
      if (n < 0)
        return bad("operand '" + term + "' has more letters than its rank-" +
                   Twine(tensorType(v).getRank()) + " input has dimensions");
    }
    ellipsisDims.push_back(n);
    ellipsisRank = std::max(ellipsisRank, n);
  }
  auto digits = [&](int64_t n) {
    std::string letters;
    for (int64_t i = ellipsisRank - n; i < ellipsisRank; ++i)
      letters += static_cast<char>('0' + i);
    return letters;
  };
  for (auto [term, v, n] : llvm::zip(terms, inputs, ellipsisDims)) {
    if (n >= 0)
      term.replace(term.find("..."), 3, digits(n));
    if (static_cast<int64_t>(term.size()) != tensorType(v).getRank())
      return bad("operand '" + term + "' has " + Twine(term.size()) +
                 " letters for a rank-" + Twine(tensorType(v).getRank()) +
                 " input");
    for (char c : term)
      if (!isalpha(c) && !isdigit(c))
        return bad("'" + Twine(c) + "' is not a letter");
  }
  std::string out;
  if (arrow != std::string::npos) {
    out = equation.substr(arrow + 2);
    if (out.find("...") != std::string::npos) {
      std::string letters;
      for (int64_t i = 0; i < std::max<int64_t>(ellipsisRank, 0); ++i)
        letters += static_cast<char>('0' + i);
      out.replace(out.find("..."), 3, letters);
    }
  } else {
    std::map<char, int> count;
    for (const std::string &term : terms)
      for (char c : term)
        ++count[c];
    for (auto [c, n] : count) // digits (the ellipsis) sort first
      if (n == 1 || isdigit(c))
        out += c;
  }
  for (char c : out)
    if (std::count(out.begin(), out.end(), c) != 1 ||
        llvm::none_of(terms, [&](const std::string &term) {
          return term.find(c) != std::string::npos;
        }))
      return bad("output letter '" + Twine(c) +
                 "' must appear once, and in an operand");
  // Each letter's size, from its first occurrence other than a fixed 1
  // (which broadcasts, as in NumPy's einsum: [B, 2, 3] by [1, 3, 4]); the
  // others must agree.
  LetterSizes sizes;
  for (auto [term, v] : llvm::zip(terms, inputs))
    for (auto [d, c] : llvm::enumerate(term)) {
      OpFoldResult size = g.dimSize(v, d);
      auto [it, inserted] = sizes.try_emplace(c, size);
      if (inserted || isOne(size))
        continue;
      if (isOne(it->second)) {
        it->second = size;
        continue;
      }
      std::optional<int64_t> a = getConstantIntValue(it->second),
                             b = getConstantIntValue(size);
      if (a && b && *a != *b)
        return bad("letter '" + Twine(c) + "' has sizes " + Twine(*a) +
                   " and " + Twine(*b));
    }
  for (auto [term, v] : llvm::zip(terms, inputs)) {
    SmallVector<OpFoldResult> expected;
    for (auto [d, c] : llvm::enumerate(term))
      expected.push_back(isOne(g.dimSize(v, d)) ? g.dimSize(v, d) : sizes[c]);
    seq::createExtentChecks(g.builder, g.loc, v, expected,
                            "Einsum operand '" + term + "'",
                            "an earlier operand's letter makes it");
  }
  // Two operands at a time, left to right as torch.einsum contracts them,
  // each step summing the letters that neither a later operand nor the
  // result has: a chain costs the sum of its pairs' work, not the product
  // of every letter's size (Mamba-2's 'bclhn,bcshn,bhcls,bcshp->bclhp').
  // A step keeps the result's letters in its order, then the others.
  Value result = inputs[0];
  std::string letters = terms[0];
  if (inputs.size() == 1)
    result = contract(g, terms, inputs, out, sizes);
  for (size_t i = 1; i < inputs.size(); ++i) {
    std::string step;
    auto add = [&](char c) {
      if (step.find(c) == std::string::npos &&
          (letters.find(c) != std::string::npos ||
           terms[i].find(c) != std::string::npos))
        step += c;
    };
    for (char c : out)
      add(c);
    for (size_t j = i + 1; j < inputs.size(); ++j)
      for (char c : letters + terms[i])
        if (terms[j].find(c) != std::string::npos)
          add(c);
    if (i + 1 == inputs.size())
      step = out;
    result = contract(g, {letters, terms[i]}, {result, inputs[i]}, step, sizes);
    letters = step;
  }
  g.setOutput(0, result);
  return success();
}

} // namespace seqc::onnx_import
