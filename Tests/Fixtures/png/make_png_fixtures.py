#!/usr/bin/env python3
"""Writes the PNG fixtures in this folder with Pillow (an encoder other than the libpng writer the
tests use), plus expected.json with the 8-bit RGB (and alpha) each must decode to.

Run from anywhere: python3 Tests/Fixtures/png/make_png_fixtures.py   (Pillow 13.0.0 made them)

Expected values follow the PNG rules the reader promises: gray → R = G = B; a 16-bit sample v
becomes round(v / 257); palette indices become their palette colour; tRNS gives alpha.
"""
import json
import os

from PIL import Image, PngImagePlugin

HERE = os.path.dirname(os.path.abspath(__file__))
W, H = 5, 3  # odd sizes catch row-stride mistakes
expected = {}


def gray8(x, y):
    return (x * 61 + y * 23) % 256


def gray16(x, y):
    return (x * 13001 + y * 4099 + 7) % 65536


def rgb(x, y):
    return ((x * 50 + 5) % 256, (y * 90 + 17) % 256, (x * 31 + y * 77) % 256)


def record(name, image, rgb_pixels, alpha=None, text=None):
    with open(os.path.join(HERE, name), "rb") as f:
        header = f.read(26)  # signature, IHDR length and type, width, height, depth, colour type
    expected[name] = {
        "bitDepth": header[24],
        "colorType": header[25],
        "width": image.width,
        "height": image.height,
        "rgb": [c for p in rgb_pixels for c in p],
        "alpha": alpha,
        "text": text or [],
    }


def save(image, name, **options):
    image.save(os.path.join(HERE, name), **options)


# 8-bit RGB with an A1111-style `parameters` tEXt chunk, as Stable Diffusion web UIs write them.
parameters = ("a red circle on a blue square, flat colours\n"
              "Negative prompt: blurry\n"
              "Steps: 20, Sampler: Euler, CFG scale: 4.5, Seed: 1234, Size: 5x3, Model: shapes-mmdit")
im = Image.new("RGB", (W, H))
im.putdata([rgb(x, y) for y in range(H) for x in range(W)])
info = PngImagePlugin.PngInfo()
info.add_text("parameters", parameters)
info.add_text("Software", "Pillow")
save(im, "pillow_rgb8_parameters.png", pnginfo=info)
record("pillow_rgb8_parameters.png", im, [rgb(x, y) for y in range(H) for x in range(W)],
       text=[{"keyword": "parameters", "text": parameters, "kind": "tEXt"},
             {"keyword": "Software", "text": "Pillow", "kind": "tEXt"}])

# Compressed Latin-1 text (zTXt) and UTF-8 text (iTXt) with a language tag.
info = PngImagePlugin.PngInfo()
info.add_text("Comment", "caf\u00e9 cr\u00e8me " * 20, zip=True)
info.add_itxt("Title", "\u732b\u3068\u5186 \u2014 \u0440\u0438\u0441\u0443\u043d\u043e\u043a \U0001F431",
              lang="ja", tkey="\u984c\u540d")
save(im, "pillow_rgb8_ztxt_itxt.png", pnginfo=info)
record("pillow_rgb8_ztxt_itxt.png", im, [rgb(x, y) for y in range(H) for x in range(W)],
       text=[{"keyword": "Comment", "text": "caf\u00e9 cr\u00e8me " * 20, "kind": "zTXt"},
             {"keyword": "Title",
              "text": "\u732b\u3068\u5186 \u2014 \u0440\u0438\u0441\u0443\u043d\u043e\u043a \U0001F431",
              "kind": "iTXt", "languageTag": "ja", "translatedKeyword": "\u984c\u540d"}])

# 8-bit gray.
im = Image.new("L", (W, H))
im.putdata([gray8(x, y) for y in range(H) for x in range(W)])
save(im, "pillow_gray8.png")
record("pillow_gray8.png", im, [(gray8(x, y),) * 3 for y in range(H) for x in range(W)])

# 16-bit gray.
im = Image.new("I;16", (W, H))
im.putdata([gray16(x, y) for y in range(H) for x in range(W)])
save(im, "pillow_gray16.png")
record("pillow_gray16.png", im,
       [(round(gray16(x, y) / 257),) * 3 for y in range(H) for x in range(W)])

# 1-bit gray.
im = Image.new("1", (W, H))
im.putdata([255 if (x + y) % 2 else 0 for y in range(H) for x in range(W)])
save(im, "pillow_gray1.png")
record("pillow_gray1.png", im,
       [(255 if (x + y) % 2 else 0,) * 3 for y in range(H) for x in range(W)])

# 8-bit gray + alpha.
im = Image.new("LA", (W, H))
im.putdata([(gray8(x, y), (x * 40 + y) % 256) for y in range(H) for x in range(W)])
save(im, "pillow_gray_alpha8.png")
record("pillow_gray_alpha8.png", im, [(gray8(x, y),) * 3 for y in range(H) for x in range(W)],
       alpha=[(x * 40 + y) % 256 for y in range(H) for x in range(W)])

# 8-bit RGBA.
im = Image.new("RGBA", (W, H))
im.putdata([rgb(x, y) + ((y * 100 + x) % 256,) for y in range(H) for x in range(W)])
save(im, "pillow_rgba8.png")
record("pillow_rgba8.png", im, [rgb(x, y) for y in range(H) for x in range(W)],
       alpha=[(y * 100 + x) % 256 for y in range(H) for x in range(W)])

# Palette (4-bit) with a tRNS chunk: entry 2 half transparent, entry 3 fully transparent.
palette = [(0, 0, 0), (255, 0, 0), (0, 128, 255), (250, 240, 10), (20, 200, 90)]
alphas = [255, 255, 128, 0, 255]
im = Image.new("P", (W, H))
im.putpalette([c for p in palette for c in p])
indices = [(x + 2 * y) % len(palette) for y in range(H) for x in range(W)]
im.putdata(indices)
save(im, "pillow_palette4_trns.png", bits=4, transparency=bytes(alphas))
record("pillow_palette4_trns.png", im, [palette[i] for i in indices],
       alpha=[alphas[i] for i in indices])

with open(os.path.join(HERE, "expected.json"), "w", encoding="utf-8") as f:
    entries = [f" {json.dumps(k)}: {json.dumps(v, ensure_ascii=False)}" for k, v in expected.items()]
    f.write("{\n" + ",\n".join(entries) + "\n}\n")
