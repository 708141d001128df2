//===- AttentionBandAttributes.h - a band as causal / window -*- C++ -*-===//
//
// seq-raise-attention reads the masks that keep key j of query i when j - i
// is in a range (AttentionMasks.h's Band) into seq.attention's `causal`
// and `window` attributes.
//
//===----------------------------------------------------------------------===//

#ifndef SEQC_DIALECTS_SEQ_TRANSFORMS_ATTENTIONBANDATTRIBUTES_H
#define SEQC_DIALECTS_SEQ_TRANSFORMS_ATTENTIONBANDATTRIBUTES_H

#include "dialects/Seq/Transforms/AttentionMasks.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/OpDefinition.h"

#include <optional>

namespace seqc::seq {

/// seq.attention's `causal` and `window` for the keys a band keeps.
struct BandAttributes {
  bool causal;
  mlir::DenseI64ArrayAttr window;
  /// Causal with bottom-right alignment (query i is key position
  /// i + Lk - Lq), from a band sliced at row offset Lk - Lq.
  bool bottomRight = false;
};

/// The attributes for `band`, when it keeps each query's own position
/// (lo <= 0 <= hi): causal when it ends there (hi = 0), with a window of
/// -lo keys before; else a window of -lo before and hi after (-1 where
/// unbounded). A band with a run-time row offset is raised only when the
/// offset is Lk - Lq (`lq`, `lk`: the scores' extents) and it is causal:
/// bottom-right alignment (a decoder's cached keys before its queries,
/// Hugging Face GPT-2's bias[.., Lk - Lq : Lk, :Lk], or LLaMA's
/// cat([zeros(T, P), causal(T, T)], -1), whose dropped mask's extents are
/// checked to be [Lq, Lk]).
std::optional<BandAttributes> attributesForBand(mlir::Builder &b, Band band,
                                                mlir::OpFoldResult lq,
                                                mlir::OpFoldResult lk);

} // namespace seqc::seq

#endif // SEQC_DIALECTS_SEQ_TRANSFORMS_ATTENTIONBANDATTRIBUTES_H
