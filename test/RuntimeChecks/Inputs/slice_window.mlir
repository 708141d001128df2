// A slice whose offset, size and stride are read from data (mlir-element-indices.test).
func.func @main(%x: tensor<8xf32> {seq.name = "x"}, %o: tensor<i64> {seq.name = "offset"}, %n: tensor<i64> {seq.name = "size"}, %st: tensor<i64> {seq.name = "stride"}) -> (tensor<?xf32> {seq.name = "y"}) {
  %v = tensor.extract %o[] : tensor<i64>
  %i = arith.index_cast %v : i64 to index
  %nv = tensor.extract %n[] : tensor<i64>
  %ni = arith.index_cast %nv : i64 to index
  %sv = tensor.extract %st[] : tensor<i64>
  %si = arith.index_cast %sv : i64 to index
  %s = tensor.extract_slice %x[%i] [%ni] [%si] : tensor<8xf32> to tensor<?xf32>
  return %s : tensor<?xf32>
}
