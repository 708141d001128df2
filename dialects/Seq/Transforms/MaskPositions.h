//===- MaskPositions.h - masks built by comparing positions -*- C++ -*-===//
//
// Hugging Face's `_make_causal_mask` (LLaMA, OPT, BART, Mistral in
// transformers 4.2x-4.3x) builds the causal mask at run time by comparing
// positions: `arange(T) < (arange(T) + 1).view(T, 1)`; others write
// `arange(T)[None, :] <= arange(T)[:, None]`. This reads such a comparison
// of two position tensors as the diagonal band it keeps (AttentionMasks.h).
//
//===----------------------------------------------------------------------===//

#ifndef SEQC_DIALECTS_SEQ_TRANSFORMS_MASKPOSITIONS_H
#define SEQC_DIALECTS_SEQ_TRANSFORMS_MASKPOSITIONS_H

#include "dialects/Seq/Transforms/AttentionMasks.h"

namespace seqc::seq {

/// The band where the i1 `v` is true (`whereTrue`) or false, when `v` is an
/// elementwise comparison (arith.cmpi signed or eq/ne, arith.cmpf ordered)
/// of two values that are each an integer affine function of the last two
/// loops (i the query, j the key) whose difference depends on j - i only:
/// positions made by linalg.index (ONNX Range), added constants, integer
/// and int-to-float casts, and reshapes adding unit dimensions. Each value
/// must be exact in its type (MaskPositions.cpp, isExactIn: i32/f32
/// positions assume lengths below 2^23).
std::optional<Band> readPositionComparisonBand(mlir::Value v, bool whereTrue);

} // namespace seqc::seq

#endif // SEQC_DIALECTS_SEQ_TRANSFORMS_MASKPOSITIONS_H
