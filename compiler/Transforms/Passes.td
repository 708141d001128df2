//===- Passes.td - seqc codegen passes on upstream dialects -*- tablegen -*-===//

#ifndef SEQC_COMPILER_TRANSFORMS_PASSES_TD
#define SEQC_COMPILER_TRANSFORMS_PASSES_TD

include "mlir/Pass/PassBase.td"

def MemrefCopyToLinalgPass : Pass<"seqc-memref-copy-to-linalg"> {
  let summary = "Rewrite memref.copy as linalg.copy";
  let description = [{
    `finalize-memref-to-llvm` lowers a `memref.copy` between non-contiguous
    views to a call of `memrefCopy` from MLIR's C runner utilities, which a
    compiled model must not depend on. As a `linalg.copy` the copy becomes
    plain loops (and can be vectorized) like every other linalg op.

    Before:
    ```mlir
    memref.copy %src, %dst : memref<?x8xf32> to memref<?x8xf32, strided<[16, 1]>>
    ```
    After:
    ```mlir
    linalg.copy ins(%src : memref<?x8xf32>)
                outs(%dst : memref<?x8xf32, strided<[16, 1]>>)
    ```
  }];
  let dependentDialects = ["::mlir::linalg::LinalgDialect"];
}

#endif // SEQC_COMPILER_TRANSFORMS_PASSES_TD
