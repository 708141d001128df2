"""The shapes the ONNX fixtures are exported and checked at."""

EXPORT_T, EXPORT_B = 5, 3
TEST_SHAPES = [(3, 2), (9, 4)]  # (T, B), both unlike the export shape
