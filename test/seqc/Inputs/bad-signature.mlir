// Signatures the model ABI cannot carry, one per function.
func.func @unsigned(%x: tensor<4xui8>) -> tensor<4xui8> {
  return %x : tensor<4xui8>
}
func.func @badname(%x: tensor<4xf32> {seq.name = "my input"}) -> tensor<4xf32> {
  return %x : tensor<4xf32>
}
func.func @noresults(%x: tensor<4xf32>) {
  return
}
func.func @dup(%x: tensor<4xf32> {seq.name = "x"}) -> (tensor<4xf32> {seq.name = "x"}) {
  return %x : tensor<4xf32>
}
// 'int' is a C keyword: its parameter in the header is 'int_'.
func.func @keyword_clash(%a: tensor<4xf32> {seq.name = "int"}, %b: tensor<4xf32> {seq.name = "int_"}) -> (tensor<4xf32> {seq.name = "y"}) {
  return %a : tensor<4xf32>
}
func.func @weightfirst(%w: tensor<4xf32> {seq.weight}, %x: tensor<4xf32>) -> tensor<4xf32> {
  return %x : tensor<4xf32>
}
func.func @unreturnedstate(%x: tensor<4xf32>, %s: tensor<4xf32> {seq.state}) -> tensor<4xf32> {
  return %x : tensor<4xf32>
}
func.func @statetype(%x: tensor<4xf32>, %s: tensor<4xf32> {seq.state}) -> (tensor<4xf32>, tensor<2xf32> {seq.state}) {
  %c = arith.constant dense<0.0> : tensor<2xf32>
  return %x, %c : tensor<4xf32>, tensor<2xf32>
}
