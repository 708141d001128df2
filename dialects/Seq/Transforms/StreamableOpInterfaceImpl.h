//===- StreamableOpInterfaceImpl.h - how the seq ops stream ----*- C++ -*-===//
//
// The StreamableOpInterface external models of the seq ops, one file per
// family under Streaming/: Recurrences.cpp (rnn, lstm, gru, selective_scan,
// wkv, linear_attention, scan), Convolution.cpp (conv1d, positions),
// Attention.cpp (attention's key/value caches), Normalization.cpp
// (layer_norm, rms_norm: no state, but only over the features).
//
//===----------------------------------------------------------------------===//

#ifndef SEQC_DIALECTS_SEQ_TRANSFORMS_STREAMABLEOPINTERFACEIMPL_H
#define SEQC_DIALECTS_SEQ_TRANSFORMS_STREAMABLEOPINTERFACEIMPL_H

#include "mlir/IR/DialectRegistry.h"

namespace seqc::seq {

/// Attaches every seq op's streaming model when the seq dialect loads.
void registerStreamableOpInterfaceExternalModels(
    mlir::DialectRegistry &registry);

// One per family (Streaming/*.cpp).
void attachRecurrenceStreamingModels(mlir::MLIRContext *ctx);
void attachConvolutionStreamingModels(mlir::MLIRContext *ctx);
void attachAttentionStreamingModels(mlir::MLIRContext *ctx);
void attachNormalizationStreamingModels(mlir::MLIRContext *ctx);

} // namespace seqc::seq

#endif // SEQC_DIALECTS_SEQ_TRANSFORMS_STREAMABLEOPINTERFACEIMPL_H
