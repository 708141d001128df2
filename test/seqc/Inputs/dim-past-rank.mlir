// tensor.dim at index 5 of a rank-2 tensor (errors.test).
func.func @m(%x: tensor<?x4xf32>) -> tensor<?xf32> {
  %c5 = arith.constant 5 : index
  %d = tensor.dim %x, %c5 : tensor<?x4xf32>
  %e = tensor.empty(%d) : tensor<?xf32>
  return %e : tensor<?xf32>
}
