#!/usr/bin/env python3
"""Writes hostile_text.png: a 2x2 RGB PNG whose text chunks would drive a terminal if printed raw,
and one zTXt chunk libpng refuses to decompress, for the tests of `dit-studio info` and `--from`.

Run from anywhere: python3 Tests/Fixtures/png/make_hostile_png_fixture.py   (Python's zlib, no Pillow:
Pillow refuses keywords with control characters, and these chunks are written byte by byte)

Chunks, in order:
- tEXt, keyword "Comm\\x1bent": a window-title OSC sequence with BEL, a clear-screen CSI, a lone CR
  and a backspace: "hello \\x1b]0;pwned\\x07 \\x1b[2J\\rover\\x08written".
- iTXt, keyword "Title", language tag "e\\x1bn", translated keyword "tk\\x1b[31m": text with a
  right-to-left override U+202E, the C1 CSI U+009B and a zero-width space U+200B.
- zTXt, keyword "dit-studio": 9,000,000 spaces, compressed to about 9 kB; libpng stops decompressing
  text at 8,000,000 bytes and drops the chunk with a warning.
"""
import os
import struct
import zlib

HERE = os.path.dirname(os.path.abspath(__file__))


def chunk(kind, data):
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)


pixels = b"".join(b"\x00" + bytes([10, 20, 30, 200, 100, 50]) for _ in range(2))  # filter 0, two RGB pixels
png = b"\x89PNG\r\n\x1a\n" + b"".join([
    chunk(b"IHDR", struct.pack(">IIBBBBB", 2, 2, 8, 2, 0, 0, 0)),
    chunk(b"tEXt", b"Comm\x1bent\x00hello \x1b]0;pwned\x07 \x1b[2J\rover\x08written"),
    chunk(b"iTXt", b"Title\x00\x00\x00e\x1bn\x00tk\x1b[31m\x00"
          + "\u202eevil\u009b31m zero\u200bwidth".encode("utf-8")),
    chunk(b"zTXt", b"dit-studio\x00\x00" + zlib.compress(b" " * 9_000_000, 9)),
    chunk(b"IDAT", zlib.compress(pixels)),
    chunk(b"IEND", b""),
])
with open(os.path.join(HERE, "hostile_text.png"), "wb") as f:
    f.write(png)
