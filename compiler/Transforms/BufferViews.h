//===- BufferViews.h - what the vector-code passes ask of a memref -*- C++ -*-===//
//
// seqc-lower-dot-contractions, seqc-lower-outer-product-contractions and
// seqc-vectorize-rows read rows of buffers as vectors and must know which
// buffers may overlap: the two questions they share.
//
//===----------------------------------------------------------------------===//

#ifndef SEQC_COMPILER_TRANSFORMS_BUFFERVIEWS_H
#define SEQC_COMPILER_TRANSFORMS_BUFFERVIEWS_H

#include "mlir/IR/Value.h"

namespace seqc {

/// Whether the innermost dimension of `memref` is contiguous (stride 1), so
/// a row can be loaded as vectors.
bool hasUnitInnerStride(mlir::Value memref);

/// The buffer `memref` is a view of (through subviews, casts, reshapes).
mlir::Value baseBuffer(mlir::Value memref);

} // namespace seqc

#endif // SEQC_COMPILER_TRANSFORMS_BUFFERVIEWS_H
