// Signatures the model ABI cannot carry, one per function.
func.func @unsigned(%x: tensor<4xui8>) -> tensor<4xui8> {
  return %x : tensor<4xui8>
}
func.func @badname(%x: tensor<4xf32> {seq.name = "my input"}) -> tensor<4xf32> {
  return %x : tensor<4xf32>
}
func.func @baddims(%x: tensor<?x4xf32> {seq.name = "x", seq.dims = ["T"]}) -> tensor<?x4xf32> {
  return %x : tensor<?x4xf32>
}
func.func @noresults(%x: tensor<4xf32>) {
  return
}
func.func @dup(%x: tensor<4xf32> {seq.name = "x"}) -> (tensor<4xf32> {seq.name = "x"}) {
  return %x : tensor<4xf32>
}
