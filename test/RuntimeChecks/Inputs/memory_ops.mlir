// The NTM memory ops one by one over a run-time batch: content addressing
// (with an all-zero memory row), interpolation, shifts by kernels of 3 and
// of 9 (more shifts than the 7 rows: offsets wrap around more than once),
// sharpening (with epsilon), read and write (two heads).
func.func @m(%memory: tensor<?x7x5xf32> {seq.name = "memory", seq.dims = ["B", "", ""]},
             %key: tensor<?x2x5xf32> {seq.name = "key", seq.dims = ["B", "", ""]},
             %strength: tensor<?x2xf32> {seq.name = "strength", seq.dims = ["B", ""]},
             %previous: tensor<?x2x7xf32> {seq.name = "previous", seq.dims = ["B", "", ""]},
             %gate: tensor<?x2xf32> {seq.name = "gate", seq.dims = ["B", ""]},
             %shift3: tensor<?x2x3xf32> {seq.name = "shift3", seq.dims = ["B", "", ""]},
             %shift9: tensor<?x2x9xf32> {seq.name = "shift9", seq.dims = ["B", "", ""]},
             %gamma: tensor<?x2xf32> {seq.name = "gamma", seq.dims = ["B", ""]},
             %erase: tensor<?x2x5xf32> {seq.name = "erase", seq.dims = ["B", "", ""]},
             %add: tensor<?x2x5xf32> {seq.name = "add", seq.dims = ["B", "", ""]})
    -> (tensor<?x2x7xf32> {seq.name = "content", seq.dims = ["B", "", ""]},
        tensor<?x2x7xf32> {seq.name = "gated", seq.dims = ["B", "", ""]},
        tensor<?x2x7xf32> {seq.name = "shifted3", seq.dims = ["B", "", ""]},
        tensor<?x2x7xf32> {seq.name = "shifted9", seq.dims = ["B", "", ""]},
        tensor<?x2x7xf32> {seq.name = "sharpened", seq.dims = ["B", "", ""]},
        tensor<?x2x5xf32> {seq.name = "read", seq.dims = ["B", "", ""]},
        tensor<?x7x5xf32> {seq.name = "written", seq.dims = ["B", "", ""]}) {
  %wc = seq.content_address %memory, %key, %strength : (tensor<?x7x5xf32>, tensor<?x2x5xf32>, tensor<?x2xf32>) -> tensor<?x2x7xf32>
  %wg = seq.address_interpolate %wc, %previous, %gate : (tensor<?x2x7xf32>, tensor<?x2x7xf32>, tensor<?x2xf32>) -> tensor<?x2x7xf32>
  %ws3 = seq.address_shift %wg, %shift3 : (tensor<?x2x7xf32>, tensor<?x2x3xf32>) -> tensor<?x2x7xf32>
  %ws9 = seq.address_shift %wg, %shift9 : (tensor<?x2x7xf32>, tensor<?x2x9xf32>) -> tensor<?x2x7xf32>
  %w = seq.address_sharpen %ws3, %gamma {epsilon = 1.0e-3 : f32} : (tensor<?x2x7xf32>, tensor<?x2xf32>) -> tensor<?x2x7xf32>
  %r = seq.memory_read %memory, %w : (tensor<?x7x5xf32>, tensor<?x2x7xf32>) -> tensor<?x2x5xf32>
  %m2 = seq.memory_write %memory, %w, %erase, %add : (tensor<?x7x5xf32>, tensor<?x2x7xf32>, tensor<?x2x5xf32>, tensor<?x2x5xf32>) -> tensor<?x7x5xf32>
  return %wc, %wg, %ws3, %ws9, %w, %r, %m2 : tensor<?x2x7xf32>, tensor<?x2x7xf32>, tensor<?x2x7xf32>, tensor<?x2x7xf32>, tensor<?x2x7xf32>, tensor<?x2x5xf32>, tensor<?x7x5xf32>
}
