// A rank-9 input: the runtime's tensors have at most rank 8.
func.func @m(%x: tensor<1x1x1x1x1x1x1x1x?xf32> {seq.name = "x"}) -> (tensor<1x1x1x1x1x1x1x1x?xf32> {seq.name = "y"}) {
  return %x : tensor<1x1x1x1x1x1x1x1x?xf32>
}
