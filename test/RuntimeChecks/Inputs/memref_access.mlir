// A model that reads its input through a buffer at an index from data:
// refused (the access would be a raw load no check guards).
func.func @m(%x: tensor<?xf32> {seq.name = "x", seq.dims = ["N"]},
             %i: tensor<i64> {seq.name = "i"})
    -> (tensor<f32> {seq.name = "y"}) {
  %iv = tensor.extract %i[] : tensor<i64>
  %idx = arith.index_cast %iv : i64 to index
  %m = bufferization.to_buffer %x : tensor<?xf32> to memref<?xf32>
  %v = memref.load %m[%idx] : memref<?xf32>
  %y = tensor.from_elements %v : tensor<f32>
  return %y : tensor<f32>
}
