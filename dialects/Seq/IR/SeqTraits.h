//===- SeqTraits.h - op traits of the seq dialect --------------*- C++ -*-===//

#ifndef SEQC_DIALECTS_SEQ_IR_SEQTRAITS_H
#define SEQC_DIALECTS_SEQ_IR_SEQTRAITS_H

#include "mlir/IR/OpDefinition.h"

namespace seqc::seq {

/// A recurrence over the time steps (a reduction loop of its
/// TilingInterface domain) whose parallel loops are independent
/// recurrences, each carrying its own state from the first step to the
/// last: Mamba's selective scan, RWKV-4's WKV. Any tile of the parallel
/// loops computes its slice of the results exactly as the whole op does,
/// so `seq-split-scan-channels` may give each thread a share of them.
template <typename ConcreteType>
class IndependentChannelScan
    : public mlir::OpTrait::TraitBase<ConcreteType, IndependentChannelScan> {};

/// An op whose results at each time step are computed from that step's
/// inputs only (and from operands without a time dimension, its weights):
/// `seq-create-step-function` runs it unchanged on each chunk of a
/// stream. nn.Linear over the features, an activation, an embedding
/// lookup, a run-time check.
template <typename ConcreteType>
class ActsPerTimeStep
    : public mlir::OpTrait::TraitBase<ConcreteType, ActsPerTimeStep> {};

} // namespace seqc::seq

#endif // SEQC_DIALECTS_SEQ_IR_SEQTRAITS_H
