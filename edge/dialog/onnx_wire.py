"""The few parts of an ONNX model's protobuf encoding that :mod:`edge.dialog.voice_int8` reads and rewrites.

No ``onnx`` package (a training extra the device does not install): a message is read as its fields in order
(:func:`fields`), and written back from them (:func:`encode`), so everything this module does not name is
copied byte for byte. Field numbers are onnx.proto's (ModelProto, GraphProto, NodeProto, TensorProto,
AttributeProto, OperatorSetIdProto).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass

__all__ = [
    "Field",
    "WireError",
    "encode",
    "fields",
    "int_field",
    "len_field",
    "packed_ints",
    "strings",
    "varint",
]

VARINT, FIXED64, LEN, FIXED32 = 0, 1, 2, 5

# ModelProto
MODEL_GRAPH, MODEL_OPSET = 7, 8
# OperatorSetIdProto
OPSET_DOMAIN, OPSET_VERSION = 1, 2
# GraphProto
GRAPH_NODE, GRAPH_INITIALIZER, GRAPH_INPUT = 1, 5, 11  # input: ValueInfoProto, its name field 1
# NodeProto
NODE_INPUT, NODE_OUTPUT, NODE_NAME, NODE_OP, NODE_ATTRIBUTE, NODE_DOMAIN = 1, 2, 3, 4, 5, 7
# TensorProto
TENSOR_DIMS, TENSOR_TYPE, TENSOR_FLOATS, TENSOR_NAME, TENSOR_RAW, TENSOR_LOCATION = 1, 2, 4, 8, 9, 14
FLOAT, INT8 = 1, 3  # TensorProto.DataType
# AttributeProto
ATTR_NAME, ATTR_INT, ATTR_TYPE = 1, 3, 20
ATTR_INT_TYPE = 2  # AttributeProto.AttributeType.INT


class WireError(ValueError):
    """The bytes are not the message expected (truncated, or a wire type this reader does not know)."""


@dataclass(frozen=True, slots=True)
class Field:
    number: int
    wire: int  # VARINT, FIXED64, LEN or FIXED32
    value: int | bytes  # an int for VARINT, the payload's bytes otherwise


def _read_varint(data: bytes | memoryview, pos: int) -> tuple[int, int]:
    value = shift = 0
    while True:
        if pos >= len(data):
            raise WireError("truncated varint")
        byte = data[pos]
        pos += 1
        value |= (byte & 0x7F) << shift
        if byte < 0x80:
            return value, pos
        shift += 7
        if shift > 63:
            raise WireError("varint longer than 64 bits")


def fields(data: bytes) -> Iterator[Field]:
    """The fields of one message, in the order they are stored."""
    view = memoryview(data)
    pos = 0
    while pos < len(view):
        key, pos = _read_varint(view, pos)
        number, wire = key >> 3, key & 7
        if number == 0:
            raise WireError("field number 0")
        if wire == VARINT:
            value, pos = _read_varint(view, pos)
            yield Field(number, wire, value)
            continue
        if wire == LEN:
            size, pos = _read_varint(view, pos)
        elif wire in (FIXED64, FIXED32):
            size = 8 if wire == FIXED64 else 4
        else:
            raise WireError(f"wire type {wire} (field {number}) is not read here")
        if pos + size > len(view):
            raise WireError(f"field {number} runs past the end of its message")
        yield Field(number, wire, bytes(view[pos : pos + size]))
        pos += size


def varint(value: int) -> bytes:
    """``value`` as a protobuf varint (negative numbers as 64-bit two's complement, as protobuf does)."""
    if value < 0:
        value += 1 << 64
    out = bytearray()
    while True:
        byte = value & 0x7F
        value >>= 7
        if value:
            out.append(byte | 0x80)
        else:
            out.append(byte)
            return bytes(out)


def encode(parts: Sequence[Field]) -> bytes:
    out = bytearray()
    for f in parts:
        out += varint(f.number << 3 | f.wire)
        if f.wire == VARINT:
            assert isinstance(f.value, int)
            out += varint(f.value)
            continue
        assert isinstance(f.value, bytes)
        if f.wire == LEN:
            out += varint(len(f.value))
        out += f.value
    return bytes(out)


def len_field(number: int, payload: bytes | str) -> Field:
    return Field(number, LEN, payload.encode() if isinstance(payload, str) else payload)


def int_field(number: int, value: int) -> Field:
    return Field(number, VARINT, value)


def strings(parts: Sequence[Field], number: int) -> list[str]:
    """A repeated string field's values, in order."""
    return [bytes(f.value).decode() for f in parts if f.number == number and isinstance(f.value, bytes)]


def packed_ints(parts: Sequence[Field], number: int) -> list[int]:
    """A repeated integer field's values, packed or not (int64 values are two's complement)."""
    out: list[int] = []
    for f in parts:
        if f.number != number:
            continue
        if isinstance(f.value, int):
            out.append(f.value)
            continue
        pos = 0
        while pos < len(f.value):
            value, pos = _read_varint(f.value, pos)
            out.append(value)
    return [v - (1 << 64) if v >= 1 << 63 else v for v in out]
