// A tensor.gather, which seqc has no lowering of (mlir-element-indices.test).
func.func @main(%x: tensor<4x3xf32>, %j: tensor<2x1xi64>) -> tensor<2x3xf32> {
  %i = arith.index_cast %j : tensor<2x1xi64> to tensor<2x1xindex>
  %g = tensor.gather %x[%i] gather_dims([0]) unique : (tensor<4x3xf32>, tensor<2x1xindex>) -> tensor<2x3xf32>
  return %g : tensor<2x3xf32>
}
