// seq.linear whose contraction sizes are both dynamic (the weight is an
// input): x [N, K1] times w [4, K2]^T needs K1 == K2.
func.func @m(%x: tensor<?x?xf32> {seq.name = "x"}, %w: tensor<4x?xf32> {seq.name = "w"}) -> (tensor<?x4xf32> {seq.name = "y"}) {
  %y = seq.linear %x, %w : (tensor<?x?xf32>, tensor<4x?xf32>) -> tensor<?x4xf32>
  return %y : tensor<?x4xf32>
}
