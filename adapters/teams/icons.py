"""The two icons Teams asks for, drawn with Pillow when the package is built.

Teams wants a 192x192 full-colour icon and a 32x32 outline icon: white on a transparent
background. Both show a coffee cup, drawn from a few shapes at a large size and scaled
down so the edges are smooth.
"""

from __future__ import annotations

import io

from PIL import Image, ImageDraw

COLOUR_SIZE = 192
OUTLINE_SIZE = 32
_CANVAS = 768  # draw four times larger than the biggest icon, then shrink for anti-aliasing
WHITE = (255, 255, 255, 255)


def colour_icon(accent: str) -> bytes:
    """The cup in white on the accent colour, as Teams shows it in the app store and rail."""
    image = Image.new("RGBA", (_CANVAS, _CANVAS), (*_rgb(accent), 255))
    _cup(ImageDraw.Draw(image), filled=True)
    return _png(image.resize((COLOUR_SIZE, COLOUR_SIZE), Image.Resampling.LANCZOS))


def outline_icon() -> bytes:
    """The cup's outline in white on transparency, as Teams shows it in the app bar."""
    image = Image.new("RGBA", (_CANVAS, _CANVAS), (0, 0, 0, 0))
    _cup(ImageDraw.Draw(image), filled=False)
    return _png(image.resize((OUTLINE_SIZE, OUTLINE_SIZE), Image.Resampling.LANCZOS))


def _cup(draw: ImageDraw.ImageDraw, filled: bool) -> None:
    line = _CANVAS // 16
    body = (_CANVAS * 0.20, _CANVAS * 0.34, _CANVAS * 0.68, _CANVAS * 0.78)
    handle = (_CANVAS * 0.58, _CANVAS * 0.42, _CANVAS * 0.86, _CANVAS * 0.66)
    saucer = (_CANVAS * 0.12, _CANVAS * 0.80, _CANVAS * 0.88, _CANVAS * 0.86)
    draw.ellipse(handle, outline=WHITE, width=line)
    if filled:
        draw.rounded_rectangle(body, radius=_CANVAS // 10, fill=WHITE)
    else:
        draw.rounded_rectangle(body, radius=_CANVAS // 10, outline=WHITE, width=line)
    draw.rounded_rectangle(saucer, radius=_CANVAS // 40, fill=WHITE)
    for x in (0.34, 0.50):  # steam
        draw.arc(
            (_CANVAS * (x - 0.05), _CANVAS * 0.10, _CANVAS * (x + 0.05), _CANVAS * 0.28),
            start=100,
            end=260,
            fill=WHITE,
            width=line // 2,
        )


def _rgb(colour: str) -> tuple[int, int, int]:
    return int(colour[1:3], 16), int(colour[3:5], 16), int(colour[5:7], 16)


def _png(image: Image.Image) -> bytes:
    out = io.BytesIO()
    image.save(out, "PNG", optimize=True)
    return out.getvalue()
