func.func @qk(%x: tensor<?x2x?x4xf32> {seq.dims = ["B", "", "T", ""], seq.name = "x"}, %v: tensor<?x2x?x4xf32> {seq.dims = ["B", "", "T", ""], seq.name = "v"}) -> (tensor<?x2x?x4xf32> {seq.dims = ["B", "", "T", ""], seq.name = "y"}) {
  %0 = seq.attention %x, %x, %v causal(top_left) {scale = 5.000000e-01 : f32} : (tensor<?x2x?x4xf32>, tensor<?x2x?x4xf32>, tensor<?x2x?x4xf32>) -> tensor<?x2x?x4xf32>
  return %0 : tensor<?x2x?x4xf32>
}
