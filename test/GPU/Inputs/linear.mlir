// One linear layer x [T, 16] -> [T, 64] with a constant weight [64, 16].
func.func @model(%x: tensor<?x16xf32> {seq.name = "x", seq.dims = ["T", ""]})
    -> (tensor<?x64xf32> {seq.name = "y", seq.dims = ["T", ""]}) {
  %w = arith.constant dense<0.5> : tensor<64x16xf32>
  %y = seq.linear %x, %w : (tensor<?x16xf32>, tensor<64x16xf32>) -> tensor<?x64xf32>
  return %y : tensor<?x64xf32>
}
