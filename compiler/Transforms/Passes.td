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

def DecomposeAggregatedOpsPass : Pass<"seqc-decompose-aggregated-ops"> {
  let summary = "Decompose linalg ops that are aggregates (linalg.softmax)";
  let description = [{
    Models may use upstream `linalg.softmax` (the dialect's rationale picks
    it over a seq op). Ops implementing `linalg::AggregatedOpInterface` have
    no loop lowering of their own; this pass rewrites each into the
    generics it stands for (max, subtract-exp, sum, divide for softmax).

    Before:
    ```mlir
    %y = linalg.softmax dimension(1) ins(%x : tensor<?x8xf32>)
                                     outs(%e : tensor<?x8xf32>) -> tensor<?x8xf32>
    ```
    After: `linalg.fill` + reduction `linalg.generic`s computing the row max,
    `exp(x - max)`, the row sum and the division.
  }];
  let dependentDialects = ["::mlir::linalg::LinalgDialect",
                           "::mlir::arith::ArithDialect",
                           "::mlir::math::MathDialect",
                           "::mlir::tensor::TensorDialect"];
}

def ApproximateMathPass : Pass<"seqc-approximate-math"> {
  let summary = "Replace f32 transcendental math ops with inline polynomials";
  let description = [{
    Lowered as-is, `math.tanh`, `math.exp`, `math.erf` and friends become
    calls to libm, one scalar call per element, which stops LLVM from
    vectorizing the gate epilogues and activations. MLIR's polynomial
    approximations (about 1 ulp for tanh/exp/log on f32, a few ulp for erf;
    every end-to-end fixture still agrees with PyTorch to 1e-4 of scale) are
    plain arithmetic that inlines and vectorizes.

    Before:
    ```mlir
    %y = math.tanh %x : f32
    ```
    After: a clamp, a rational polynomial in `%x` and selects (no call).
  }];
  let dependentDialects = ["::mlir::arith::ArithDialect",
                           "::mlir::math::MathDialect",
                           "::mlir::vector::VectorDialect"];
}

#endif // SEQC_COMPILER_TRANSFORMS_PASSES_TD
