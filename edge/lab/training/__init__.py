"""Training the contextual NLU: data generation, torch training, ONNX export, int8 quantization, card.

Only this package imports torch; the runtime (:mod:`edge.nlu`) needs onnxruntime and numpy alone.
"""
