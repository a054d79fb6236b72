"""Illustrations for the demo civic orientation course.

Every picture is drawn here with Pillow's ImageDraw, from simple flat shapes, so the demo
needs no downloaded photos and carries no licences. The pictures contain no text: a caption
or an alt text in the course file says what they show, and that text can be translated.

``draw(key)`` returns a 1200x800 RGB PNG for every key in ``IMAGE_KEYS``.
"""

from __future__ import annotations

import io
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from PIL import Image, ImageDraw

__all__ = ["HEIGHT", "IMAGE_KEYS", "WIDTH", "draw"]

WIDTH = 1200
HEIGHT = 800
# Drawn at twice the size and scaled down, for smooth edges.
_SCALE = 2

Point = tuple[float, float]
Color = str

# A calm palette with enough contrast on a light background.
INK = "#2F3E4E"
WHITE = "#FFFFFF"
CREAM = "#F6F1E7"
SKY = "#E6F0F5"
MINT = "#EAF3EC"
SAND = "#F3ECE0"
LILAC = "#EFEDF6"
BLUE = "#3D6FA8"
LIGHT_BLUE = "#A9CBE3"
TEAL = "#2A9D8F"
GREEN = "#6A994E"
LIGHT_GREEN = "#A7C957"
YELLOW = "#E9C46A"
ORANGE = "#F4A261"
RED = "#D1495B"
PURPLE = "#7B6DB1"
GREY = "#8D99AE"
LIGHT_GREY = "#D9DEE4"
STONE = "#E4DCCB"
BROWN = "#8C5A3C"

SKIN = ("#F1C9A5", "#E0AC7E", "#C68A5A", "#9C6641", "#6B4226")
HAIR = ("#2B2118", "#5A3825", "#A0522D", "#D8B25A", "#9A9A9A")


class Canvas:
    """ImageDraw with coordinates in the 1200x800 picture space, drawn supersampled."""

    def __init__(self, background: Color) -> None:
        self.image = Image.new("RGB", (WIDTH * _SCALE, HEIGHT * _SCALE), background)
        self._draw = ImageDraw.Draw(self.image)

    @staticmethod
    def _pts(points: Sequence[Point]) -> list[tuple[float, float]]:
        return [(x * _SCALE, y * _SCALE) for x, y in points]

    @staticmethod
    def _box(x0: float, y0: float, x1: float, y1: float) -> tuple[float, float, float, float]:
        return (x0 * _SCALE, y0 * _SCALE, x1 * _SCALE, y1 * _SCALE)

    def rect(
        self,
        x0: float,
        y0: float,
        x1: float,
        y1: float,
        fill: Color | None = None,
        outline: Color | None = None,
        width: float = 0,
        radius: float = 0,
    ) -> None:
        box = self._box(x0, y0, x1, y1)
        w = round(width * _SCALE)
        if radius > 0:
            self._draw.rounded_rectangle(
                box, radius=radius * _SCALE, fill=fill, outline=outline, width=w
            )
        else:
            self._draw.rectangle(box, fill=fill, outline=outline, width=w)

    def ellipse(
        self,
        x0: float,
        y0: float,
        x1: float,
        y1: float,
        fill: Color | None = None,
        outline: Color | None = None,
        width: float = 0,
    ) -> None:
        self._draw.ellipse(
            self._box(x0, y0, x1, y1), fill=fill, outline=outline, width=round(width * _SCALE)
        )

    def circle(
        self,
        cx: float,
        cy: float,
        r: float,
        fill: Color | None = None,
        outline: Color | None = None,
        width: float = 0,
    ) -> None:
        self.ellipse(cx - r, cy - r, cx + r, cy + r, fill=fill, outline=outline, width=width)

    def polygon(
        self,
        points: Sequence[Point],
        fill: Color | None = None,
        outline: Color | None = None,
        width: float = 0,
    ) -> None:
        self._draw.polygon(
            self._pts(points), fill=fill, outline=outline, width=round(width * _SCALE)
        )

    def line(self, points: Sequence[Point], fill: Color, width: float) -> None:
        self._draw.line(self._pts(points), fill=fill, width=round(width * _SCALE), joint="curve")
        # Round caps, so thick lines meet without notches.
        r = width / 2
        for x, y in (points[0], points[-1]):
            self.circle(x, y, r, fill=fill)

    def arc(
        self,
        box: tuple[float, float, float, float],
        start: float,
        end: float,
        fill: Color,
        width: float,
    ) -> None:
        self._draw.arc(self._box(*box), start, end, fill=fill, width=round(width * _SCALE))

    def pieslice(
        self, box: tuple[float, float, float, float], start: float, end: float, fill: Color
    ) -> None:
        self._draw.pieslice(self._box(*box), start, end, fill=fill)

    def png(self) -> bytes:
        out = self.image.resize((WIDTH, HEIGHT), Image.Resampling.LANCZOS)
        buffer = io.BytesIO()
        out.save(buffer, format="PNG", optimize=True)
        return buffer.getvalue()


# --------------------------------------------------------------------------- building blocks


@dataclass(frozen=True)
class Person:
    """A friendly flat figure; ``x`` is the centre, ``ground`` where the feet are."""

    skin: Color
    shirt: Color
    legs: Color = INK
    hair: Color = HAIR[0]
    hair_style: str = "short"  # short, long, bun, curly, scarf, bald
    coat: bool = False  # a doctor's white coat over the shirt


def person(c: Canvas, x: float, ground: float, height: float, p: Person) -> None:
    """Draw a standing person ``height`` pixels tall."""
    u = height / 10  # one unit: the figure is ten units tall
    head_r = 0.95 * u
    head_cy = ground - height + head_r
    shoulder = head_cy + head_r + 0.25 * u
    hip = ground - 4.2 * u
    half = 1.45 * u
    # legs
    c.rect(x - 1.05 * u, hip - 0.2 * u, x - 0.12 * u, ground, fill=p.legs, radius=0.45 * u)
    c.rect(x + 0.12 * u, hip - 0.2 * u, x + 1.05 * u, ground, fill=p.legs, radius=0.45 * u)
    c.ellipse(x - 1.3 * u, ground - 0.45 * u, x - 0.05 * u, ground + 0.1 * u, fill=INK)
    c.ellipse(x + 0.05 * u, ground - 0.45 * u, x + 1.3 * u, ground + 0.1 * u, fill=INK)
    # arms behind the body
    arm = p.shirt if not p.coat else WHITE
    c.rect(
        x - half - 0.55 * u,
        shoulder + 0.2 * u,
        x - half + 0.35 * u,
        hip + 0.6 * u,
        fill=arm,
        radius=0.45 * u,
    )
    c.rect(
        x + half - 0.35 * u,
        shoulder + 0.2 * u,
        x + half + 0.55 * u,
        hip + 0.6 * u,
        fill=arm,
        radius=0.45 * u,
    )
    c.circle(x - half - 0.1 * u, hip + 0.75 * u, 0.42 * u, fill=p.skin)
    c.circle(x + half + 0.1 * u, hip + 0.75 * u, 0.42 * u, fill=p.skin)
    # body
    if p.coat:
        c.rect(
            x - half,
            shoulder,
            x + half,
            hip + 1.3 * u,
            fill=WHITE,
            outline=LIGHT_GREY,
            width=2,
            radius=0.8 * u,
        )
        c.polygon(
            [(x - 0.55 * u, shoulder), (x + 0.55 * u, shoulder), (x, shoulder + 1.6 * u)],
            fill=p.shirt,
        )
        c.line([(x, shoulder + 1.6 * u), (x, hip + 1.2 * u)], fill=LIGHT_GREY, width=2)
    else:
        c.rect(x - half, shoulder, x + half, hip + 0.5 * u, fill=p.shirt, radius=0.8 * u)
    # neck and head
    if p.hair_style == "long":
        c.rect(
            x - 1.15 * u,
            head_cy - 0.2 * u,
            x + 1.15 * u,
            head_cy + 1.5 * u,
            fill=p.hair,
            radius=0.6 * u,
        )
    if p.hair_style == "scarf":
        # A headscarf: an oval around the face that falls onto the shoulders.
        c.ellipse(x - 1.35 * u, head_cy - 1.2 * u, x + 1.35 * u, head_cy + 1.3 * u, fill=p.hair)
        c.rect(x - 1.3 * u, head_cy, x + 1.3 * u, shoulder + 0.9 * u, fill=p.hair, radius=0.7 * u)
        c.ellipse(x - 0.8 * u, head_cy - 0.75 * u, x + 0.8 * u, head_cy + 0.95 * u, fill=p.skin)
    else:
        c.rect(x - 0.35 * u, head_cy + 0.5 * u, x + 0.35 * u, shoulder + 0.2 * u, fill=p.skin)
        c.circle(x, head_cy, head_r, fill=p.skin)
    if p.hair_style in ("short", "long"):
        c.pieslice(
            (
                x - head_r - 0.08 * u,
                head_cy - head_r - 0.15 * u,
                x + head_r + 0.08 * u,
                head_cy + head_r * 0.7,
            ),
            180,
            360,
            fill=p.hair,
        )
    elif p.hair_style == "bun":
        c.circle(x + 0.2 * u, head_cy - head_r - 0.2 * u, 0.45 * u, fill=p.hair)
        c.pieslice(
            (
                x - head_r - 0.05 * u,
                head_cy - head_r - 0.1 * u,
                x + head_r + 0.05 * u,
                head_cy + head_r * 0.6,
            ),
            180,
            360,
            fill=p.hair,
        )
    elif p.hair_style == "curly":
        for i in range(7):
            angle = math.pi + i * math.pi / 6
            c.circle(
                x + math.cos(angle) * head_r * 0.9,
                head_cy + math.sin(angle) * head_r * 0.9,
                0.42 * u,
                fill=p.hair,
            )
    # a friendly face
    eye_y = head_cy + 0.05 * u
    c.circle(x - 0.33 * u, eye_y, 0.1 * u, fill=INK)
    c.circle(x + 0.33 * u, eye_y, 0.1 * u, fill=INK)
    c.arc(
        (x - 0.35 * u, head_cy + 0.05 * u, x + 0.35 * u, head_cy + 0.55 * u),
        20,
        160,
        fill=INK,
        width=max(1.5, 0.09 * u),
    )


def ground_band(c: Canvas, top: float, color: Color) -> None:
    c.rect(0, top, WIDTH, HEIGHT, fill=color)


def tree(c: Canvas, x: float, ground: float, size: float, leaves: Color = GREEN) -> None:
    c.rect(
        x - size * 0.08,
        ground - size * 0.55,
        x + size * 0.08,
        ground,
        fill=BROWN,
        radius=size * 0.04,
    )
    c.circle(x, ground - size * 0.75, size * 0.33, fill=leaves)
    c.circle(x - size * 0.2, ground - size * 0.6, size * 0.24, fill=leaves)
    c.circle(x + size * 0.2, ground - size * 0.6, size * 0.24, fill=leaves)


def cloud(c: Canvas, x: float, y: float, size: float) -> None:
    c.ellipse(x - size, y - size * 0.3, x + size, y + size * 0.35, fill=WHITE)
    c.circle(x - size * 0.35, y - size * 0.25, size * 0.45, fill=WHITE)
    c.circle(x + size * 0.3, y - size * 0.35, size * 0.55, fill=WHITE)


def sun(c: Canvas, x: float, y: float, r: float) -> None:
    for i in range(12):
        a = i * math.pi / 6
        c.line(
            [
                (x + math.cos(a) * r * 1.35, y + math.sin(a) * r * 1.35),
                (x + math.cos(a) * r * 1.7, y + math.sin(a) * r * 1.7),
            ],
            fill=YELLOW,
            width=6,
        )
    c.circle(x, y, r, fill=YELLOW)


def heart(c: Canvas, x: float, y: float, size: float, color: Color = RED) -> None:
    """A heart centred on ``x`` with its top at about ``y``."""
    r = size * 0.28
    c.circle(x - r * 0.95, y + r, r, fill=color)
    c.circle(x + r * 0.95, y + r, r, fill=color)
    c.polygon(
        [(x - r * 1.9, y + r * 1.25), (x + r * 1.9, y + r * 1.25), (x, y + size * 0.95)], fill=color
    )


def scales(
    c: Canvas, x: float, top: float, size: float, color: Color = INK, pan: Color = YELLOW
) -> None:
    """Balanced scales: a post, a level beam and two hanging pans."""
    s = size
    c.rect(x - s * 0.035, top + s * 0.1, x + s * 0.035, top + s * 0.9, fill=color)
    c.rect(x - s * 0.25, top + s * 0.88, x + s * 0.25, top + s * 0.97, fill=color, radius=s * 0.03)
    c.circle(x, top + s * 0.1, s * 0.06, fill=color)
    c.rect(x - s * 0.45, top + s * 0.17, x + s * 0.45, top + s * 0.22, fill=color)
    for side in (-1, 1):
        px = x + side * s * 0.42
        c.line([(px, top + s * 0.2), (px - s * 0.14, top + s * 0.55)], fill=color, width=s * 0.015)
        c.line([(px, top + s * 0.2), (px + s * 0.14, top + s * 0.55)], fill=color, width=s * 0.015)
        c.pieslice((px - s * 0.18, top + s * 0.43, px + s * 0.18, top + s * 0.67), 0, 180, fill=pan)


def belgian_flag(c: Canvas, x: float, y: float, w: float) -> None:
    """A flag of black, yellow and red vertical bands on a pole at ``x``; ``y`` is the top."""
    h = w * 0.75
    c.rect(x - 3, y, x + 3, y + h * 2.4, fill=INK)
    band = w / 3
    for i, col in enumerate(("#222222", "#F5C518", "#D43A3A")):
        c.rect(x + 3 + i * band, y, x + 3 + (i + 1) * band, y + h, fill=col)


# --------------------------------------------------------------------------- the pictures


def _map(c: Canvas) -> None:
    """Belgium with its regions: Flanders, Wallonia, Brussels and the German-speaking east."""
    # (longitude, latitude) outline points, clockwise from De Panne on the coast.
    north = [
        (2.54, 51.09),
        (2.95, 51.23),
        (3.37, 51.37),
        (3.52, 51.29),
        (3.83, 51.21),
        (4.05, 51.25),
        (4.24, 51.35),
        (4.40, 51.37),
        (4.55, 51.48),
        (4.84, 51.41),
        (4.99, 51.45),
        (5.10, 51.43),
        (5.24, 51.30),
        (5.50, 51.29),
        (5.85, 51.15),
        (5.75, 51.00),
        (5.64, 50.85),
        (5.69, 50.76),
    ]
    south = [
        (6.02, 50.75),
        (6.27, 50.62),
        (6.40, 50.33),
        (6.14, 50.13),
        (5.97, 50.02),
        (5.75, 49.79),
        (5.83, 49.55),
        (5.47, 49.50),
        (5.10, 49.62),
        (4.85, 49.79),
        (4.88, 50.15),
        (4.70, 49.99),
        (4.43, 49.94),
        (4.15, 49.98),
        (4.22, 50.26),
        (4.02, 50.36),
        (3.65, 50.37),
        (3.29, 50.52),
        (3.16, 50.79),
        (2.87, 50.70),
        (2.60, 50.85),
    ]
    language_border = [
        (5.40, 50.73),
        (5.05, 50.75),
        (4.80, 50.77),
        (4.55, 50.76),
        (4.25, 50.70),
        (3.90, 50.72),
        (3.60, 50.72),
        (3.30, 50.73),
        (3.10, 50.78),
        (2.87, 50.70),
        (2.60, 50.85),
    ]
    east = [
        (5.95, 50.74),
        (6.02, 50.75),
        (6.27, 50.62),
        (6.40, 50.33),
        (6.14, 50.13),
        (6.00, 50.16),
        (5.98, 50.35),
        (6.05, 50.50),
        (5.92, 50.62),
    ]
    k = 330.0
    lat0 = math.cos(math.radians(50.5))
    x_min, x_max, y_top, y_bottom = 2.54, 6.40, 51.48, 49.50
    off_x = (WIDTH - (x_max - x_min) * lat0 * k) / 2
    off_y = (HEIGHT - (y_top - y_bottom) * k) / 2 + 10

    def proj(pts: Sequence[Point]) -> list[Point]:
        return [((lon - x_min) * lat0 * k + off_x, (y_top - lat) * k + off_y) for lon, lat in pts]

    # The North Sea in the top left, with a few waves.
    coast = proj(north[:3])
    c.polygon(
        [(0, 0), (coast[2][0] + 40, 0), *reversed(coast), (0, coast[0][1] + 120)], fill=LIGHT_BLUE
    )
    for wx, wy in ((70, 70), (170, 150), (90, 230), (250, 60)):
        c.arc((wx, wy, wx + 50, wy + 30), 200, 340, fill=WHITE, width=5)
    shadow = [(px + 10, py + 12) for px, py in proj(north + south)]
    c.polygon(shadow, fill=LIGHT_GREY)
    c.polygon(proj(north + south), fill=YELLOW, outline=INK, width=4)
    c.polygon(proj(north + language_border), fill=LIGHT_GREEN, outline=INK, width=4)
    c.polygon(proj(east), fill=LIGHT_BLUE, outline=INK, width=3)
    bx, by = proj([(4.37, 50.84)])[0]
    c.circle(bx, by, 20, fill=RED, outline=INK, width=4)
    # A few small houses and trees so the map feels lived in.
    for lon, lat in ((3.2, 51.05), (4.4, 51.2), (5.3, 50.95), (3.7, 50.95)):
        hx, hy = proj([(lon, lat)])[0]
        c.rect(hx - 12, hy - 10, hx + 12, hy + 12, fill=WHITE, outline=INK, width=2)
        c.polygon([(hx - 16, hy - 8), (hx, hy - 24), (hx + 16, hy - 8)], fill=RED)
    for lon, lat in ((5.6, 50.2), (4.8, 50.45), (5.2, 49.9)):
        tx, ty = proj([(lon, lat)])[0]
        tree(c, tx, ty + 18, 50, GREEN)
    # A compass needle pointing north, in the bottom right.
    cx, cy = 1080, 660
    c.circle(cx, cy, 55, fill=WHITE, outline=INK, width=4)
    c.polygon([(cx, cy - 45), (cx - 14, cy), (cx + 14, cy)], fill=RED)
    c.polygon([(cx, cy + 45), (cx - 14, cy), (cx + 14, cy)], fill=GREY)


def _gear(c: Canvas, x: float, y: float, r: float, color: Color) -> None:
    teeth = 8
    pts: list[Point] = []
    for i in range(teeth * 4):
        a = i * 2 * math.pi / (teeth * 4)
        rr = r if (i % 4) in (0, 1) else r * 0.78
        pts.append((x + math.cos(a) * rr, y + math.sin(a) * rr))
    c.polygon(pts, fill=color)
    c.circle(x, y, r * 0.32, fill=WHITE)


def _hemicycle(c: Canvas, x: float, y: float, r: float, color: Color) -> None:
    for row, rr in enumerate((r * 0.45, r * 0.7, r * 0.95)):
        seats = 5 + row * 2
        for i in range(seats):
            a = math.pi + (i + 0.5) * math.pi / seats
            c.circle(x + math.cos(a) * rr, y + math.sin(a) * rr, r * 0.09, fill=color)
    c.rect(x - r * 0.18, y - r * 0.12, x + r * 0.18, y + r * 0.05, fill=color, radius=4)


def _three_powers(c: Canvas) -> None:
    ground_band(c, 690, "#DCE6D5")
    sun(c, 1080, 120, 40)
    cloud(c, 180, 110, 70)
    base_y = 660
    # Steps and floor.
    c.rect(230, base_y, 970, base_y + 30, fill=STONE, outline=INK, width=3)
    c.rect(200, base_y + 30, 1000, base_y + 60, fill=STONE, outline=INK, width=3)
    # Roof.
    c.rect(240, 300, 960, 340, fill=STONE, outline=INK, width=3)
    c.polygon([(220, 302), (600, 150), (980, 302)], fill=STONE, outline=INK, width=3)
    c.circle(600, 240, 28, fill=WHITE, outline=INK, width=3)
    # Three separate columns, each with its own colour and sign.
    columns = ((360, BLUE), (600, TEAL), (840, PURPLE))
    for x, col in columns:
        c.rect(x - 70, 340, x + 70, 362, fill=col, outline=INK, width=3)
        c.rect(x - 52, 362, x + 52, base_y - 22, fill=col, outline=INK, width=3)
        for fx in (-26, 0, 26):
            c.line([(x + fx, 380), (x + fx, base_y - 40)], fill=WHITE, width=4)
        c.rect(x - 70, base_y - 22, x + 70, base_y, fill=col, outline=INK, width=3)
        c.circle(x, 460, 58, fill=WHITE, outline=INK, width=4)
    _hemicycle(c, 360, 485, 50, BLUE)
    _gear(c, 600, 460, 40, TEAL)
    scales(c, 840, 412, 96, color=PURPLE, pan=YELLOW)


def _town_hall(c: Canvas) -> None:
    ground_band(c, 640, "#DCE6D5")
    cloud(c, 1000, 100, 60)
    cloud(c, 560, 70, 40)
    # The town hall on the left.
    c.rect(80, 330, 600, 640, fill=STONE, outline=INK, width=3)
    c.polygon([(60, 335), (340, 230), (620, 335)], fill=RED, outline=INK, width=3)
    c.rect(280, 110, 400, 300, fill=STONE, outline=INK, width=3)
    c.polygon([(270, 115), (340, 40), (410, 115)], fill=RED, outline=INK, width=3)
    c.circle(340, 200, 38, fill=WHITE, outline=INK, width=4)
    c.line([(340, 200), (340, 174)], fill=INK, width=5)
    c.line([(340, 200), (360, 210)], fill=INK, width=5)
    belgian_flag(c, 405, 10, 66)
    for wx in (120, 200, 440, 520):
        for wy in (370, 470):
            c.rect(wx, wy, wx + 50, wy + 70, fill=LIGHT_BLUE, outline=INK, width=3)
            c.line([(wx + 25, wy), (wx + 25, wy + 70)], fill=INK, width=2)
    c.rect(290, 500, 390, 640, fill=BROWN, outline=INK, width=3, radius=8)
    c.circle(372, 575, 6, fill=YELLOW)
    c.rect(270, 620, 410, 640, fill=GREY)
    # People of different ages and origins going in.
    people = (
        (160, 150, Person(SKIN[3], TEAL, hair_style="scarf", hair=PURPLE)),
        (240, 165, Person(SKIN[0], ORANGE, hair=HAIR[2])),
        (460, 120, Person(SKIN[2], YELLOW, hair_style="curly", legs=BLUE)),
        (540, 170, Person(SKIN[4], BLUE, hair_style="bald", legs=GREY)),
    )
    for x, h, p in people:
        person(c, x, 700, h, p)
    # A path separates the government from the places of worship.
    tree(c, 680, 640, 130)
    # Three places of worship, all the same size.
    # Church.
    x = 780
    c.rect(x - 50, 480, x + 50, 640, fill=WHITE, outline=INK, width=3)
    c.polygon([(x - 60, 485), (x, 400), (x + 60, 485)], fill=LIGHT_BLUE, outline=INK, width=3)
    c.rect(x - 6, 350, x + 6, 402, fill=INK)
    c.rect(x - 20, 365, x + 20, 377, fill=INK)
    c.rect(x - 18, 580, x + 18, 640, fill=BROWN, radius=18)
    # Mosque.
    x = 920
    c.rect(x - 50, 480, x + 50, 640, fill=WHITE, outline=INK, width=3)
    c.pieslice((x - 50, 420, x + 50, 540), 180, 360, fill=TEAL)
    c.rect(x + 58, 400, x + 74, 640, fill=WHITE, outline=INK, width=3)
    c.polygon([(x + 56, 402), (x + 66, 370), (x + 76, 402)], fill=TEAL)
    c.circle(x, 408, 12, fill=YELLOW)
    c.circle(x + 6, 404, 10, fill=SKY)
    c.rect(x - 18, 580, x + 18, 640, fill=BROWN, radius=18)
    # Synagogue with a six-pointed star.
    x = 1080
    c.rect(x - 50, 480, x + 50, 640, fill=WHITE, outline=INK, width=3)
    c.rect(x - 58, 462, x + 58, 486, fill=PURPLE, outline=INK, width=3)
    sy, r = 420, 30
    up = [
        (x + math.cos(a) * r, sy + math.sin(a) * r)
        for a in (-math.pi / 2, math.pi / 6, 5 * math.pi / 6)
    ]
    down = [
        (x + math.cos(a) * r, sy + math.sin(a) * r)
        for a in (math.pi / 2, -math.pi / 6, -5 * math.pi / 6)
    ]
    c.polygon(up, fill=BLUE)
    c.polygon(down, fill=BLUE)
    c.rect(x - 18, 580, x + 18, 640, fill=BROWN, radius=18)


def _house_key(c: Canvas) -> None:
    ground_band(c, 620, "#DCE6D5")
    sun(c, 1060, 130, 45)
    cloud(c, 220, 110, 60)
    # The house.
    c.rect(250, 330, 650, 620, fill=CREAM, outline=INK, width=4)
    c.rect(540, 170, 590, 280, fill=RED, outline=INK, width=3)
    c.polygon([(220, 340), (450, 170), (680, 340)], fill=RED, outline=INK, width=4)
    c.rect(400, 450, 490, 620, fill=BLUE, outline=INK, width=4, radius=8)
    c.circle(472, 540, 7, fill=YELLOW)
    for wx in (290, 540):
        c.rect(wx, 390, wx + 80, 470, fill=LIGHT_BLUE, outline=INK, width=4)
        c.line([(wx + 40, 390), (wx + 40, 470)], fill=INK, width=3)
        c.line([(wx, 430), (wx + 80, 430)], fill=INK, width=3)
    c.circle(450, 280, 26, fill=LIGHT_BLUE, outline=INK, width=3)
    tree(c, 150, 620, 180)
    # The rental contract: a sheet with lines and a signature.
    c.polygon([(735, 300), (955, 280), (985, 610), (765, 630)], fill=LIGHT_GREY)
    c.polygon([(720, 290), (940, 270), (970, 600), (750, 620)], fill=WHITE, outline=INK, width=4)
    for i in range(7):
        y0 = 330 + i * 34
        c.line([(752 + i * 2.5, y0 - i * 0.2 + 0), (905 + i * 2.5, y0 - 14)], fill=GREY, width=6)
    c.line(
        [(790, 575), (815, 555), (835, 580), (860, 552), (880, 572), (915, 560)], fill=BLUE, width=5
    )
    # A big key in front.
    kx, ky = 560, 700
    c.circle(kx, ky, 48, fill=YELLOW, outline=INK, width=4)
    c.circle(kx, ky, 18, fill=CREAM, outline=INK, width=3)
    c.rect(kx + 44, ky - 14, kx + 290, ky + 14, fill=YELLOW, outline=INK, width=4)
    c.rect(kx + 230, ky + 10, kx + 252, ky + 50, fill=YELLOW, outline=INK, width=4)
    c.rect(kx + 262, ky + 10, kx + 284, ky + 38, fill=YELLOW, outline=INK, width=4)


def _doctor(c: Canvas) -> None:
    ground_band(c, 680, "#D5E3EA")
    # A window and a wall frame the room.
    c.rect(70, 90, 330, 330, fill=LIGHT_BLUE, outline=INK, width=4, radius=10)
    c.line([(200, 90), (200, 330)], fill=INK, width=4)
    c.line([(70, 210), (330, 210)], fill=INK, width=4)
    cloud(c, 150, 160, 36)
    # The doctor with a stethoscope.
    doc = Person(SKIN[2], TEAL, legs=BLUE, hair=HAIR[0], hair_style="bun", coat=True)
    dx, height = 470, 470
    person(c, dx, 700, height, doc)
    u = height / 10
    top = 700 - height
    shoulder = top + 2 * 0.95 * u + 0.25 * u
    c.arc(
        (dx - 0.9 * u, shoulder - 0.3 * u, dx + 0.9 * u, shoulder + 2.6 * u),
        0,
        180,
        fill=INK,
        width=6,
    )
    c.line(
        [(dx + 0.9 * u, shoulder + 1.1 * u), (dx + 0.9 * u, shoulder + 2.2 * u)], fill=INK, width=6
    )
    c.circle(dx + 0.9 * u, shoulder + 2.4 * u, 0.35 * u, fill=GREY, outline=INK, width=4)
    c.rect(
        dx - 1.2 * u,
        shoulder + 2.0 * u,
        dx - 0.5 * u,
        shoulder + 2.5 * u,
        fill=LIGHT_BLUE,
        radius=4,
    )
    # The green cross of the pharmacy.
    gx, gy, arm = 820, 240, 70
    c.rect(gx - arm * 1.5, gy - arm * 0.5, gx + arm * 1.5, gy + arm * 0.5, fill=GREEN, radius=12)
    c.rect(gx - arm * 0.5, gy - arm * 1.5, gx + arm * 0.5, gy + arm * 1.5, fill=GREEN, radius=12)
    # A red heart.
    heart(c, 830, 430, 230, RED)
    # A medicine box.
    c.rect(960, 560, 1120, 680, fill=WHITE, outline=INK, width=4, radius=10)
    c.rect(1030, 585, 1050, 655, fill=RED)
    c.rect(1005, 610, 1075, 630, fill=RED)


def _bike(c: Canvas, x: float, ground: float, rider: Person) -> None:
    """A cyclist riding to the right; ``x`` is the middle between the wheels."""
    r = 58.0
    back, front = (x - 95, ground - r), (x + 95, ground - r)
    for wx, wy in (back, front):
        c.circle(wx, wy, r, outline=INK, width=8)
        c.circle(wx, wy, 7, fill=INK)
    crank = (x - 5, ground - r)
    seat = (x - 35, ground - r - 100)
    head_tube = (x + 62, ground - r - 92)
    bar = (x + 70, ground - r - 112)
    c.line([back, crank, (x + 55, ground - r - 80), back], fill=RED, width=9)
    c.line([crank, seat], fill=RED, width=9)
    c.line([front, head_tube, bar], fill=RED, width=9)
    c.rect(seat[0] - 28, seat[1] - 10, seat[0] + 16, seat[1] + 4, fill=INK, radius=5)
    # The rider, leaning forward with one foot on the pedal.
    hip = (seat[0] - 2, seat[1] - 16)
    knee = (x + 30, ground - r - 75)
    shoulder = (x + 20, ground - r - 205)
    c.line([hip, knee, (crank[0] + 12, crank[1] + 18)], fill=rider.legs, width=20)
    c.ellipse(crank[0] + 2, crank[1] + 10, crank[0] + 36, crank[1] + 28, fill=INK)
    c.line([hip, shoulder], fill=rider.shirt, width=42)
    c.line([shoulder, (bar[0] - 6, bar[1] - 4)], fill=rider.shirt, width=16)
    c.circle(bar[0] - 2, bar[1] - 4, 9, fill=rider.skin)
    hx, hy = shoulder[0] + 14, shoulder[1] - 42
    c.rect(hx - 12, hy + 10, hx + 4, shoulder[1], fill=rider.skin)
    c.circle(hx, hy, 24, fill=rider.skin)
    c.pieslice((hx - 28, hy - 30, hx + 28, hy + 20), 180, 360, fill=TEAL)
    c.circle(hx + 12, hy + 2, 3, fill=INK)
    # The lights: white at the front, red at the back.
    c.circle(bar[0] + 8, bar[1] + 26, 9, fill=WHITE, outline=INK, width=2)
    c.rect(back[0] - 12, back[1] - r - 6, back[0] + 6, back[1] - r + 6, fill=RED)


def _mobility(c: Canvas) -> None:
    # Sky, a railway on a green bank in the back, then pavement, cycle path and road.
    cloud(c, 180, 90, 55)
    cloud(c, 980, 80, 45)
    sun(c, 700, 100, 34)
    c.rect(0, 300, WIDTH, 390, fill="#CFE1C7")
    c.rect(0, 366, WIDTH, 374, fill=GREY)
    for sx in range(0, WIDTH, 36):
        c.rect(sx, 372, sx + 16, 380, fill=BROWN)
    # The train.
    c.rect(60, 282, 640, 364, fill=BLUE, outline=INK, width=4, radius=22)
    for tx in range(95, 600, 80):
        c.rect(tx, 298, tx + 54, 332, fill=LIGHT_BLUE, outline=INK, width=3, radius=6)
    c.rect(60, 342, 640, 352, fill=YELLOW)
    for tx in (130, 230, 470, 570):
        c.circle(tx, 366, 10, fill=INK)
    tree(c, 790, 390, 140)
    tree(c, 920, 390, 100, LIGHT_GREEN)
    # Pavement, cycle path, road.
    c.rect(0, 390, WIDTH, 450, fill=LIGHT_GREY)
    for px in range(0, WIDTH, 80):
        c.line([(px, 390), (px, 450)], fill=WHITE, width=2)
    c.rect(0, 450, WIDTH, 560, fill="#C8665B")
    c.rect(0, 560, WIDTH, 570, fill=WHITE)
    c.rect(0, 570, WIDTH, HEIGHT, fill="#6B7280")
    for lx in range(20, WIDTH, 140):
        c.rect(lx, 684, lx + 80, 696, fill=WHITE)
    # A traffic light on the pavement.
    c.rect(1085, 190, 1097, 440, fill=INK)
    c.rect(1055, 170, 1127, 330, fill=INK, radius=14)
    c.circle(1091, 200, 19, fill="#5A2A2A")
    c.circle(1091, 250, 19, fill="#5A4A1A")
    c.circle(1091, 300, 19, fill="#4CC26A")
    # A person walking on the pavement.
    person(c, 1000, 440, 130, Person(SKIN[1], ORANGE, hair_style="long", hair=HAIR[1]))
    # The cyclist on the cycle path.
    _bike(c, 300, 548, Person(SKIN[3], YELLOW, legs=BLUE))
    # The bus on the road.
    c.rect(520, 575, 990, 745, fill=YELLOW, outline=INK, width=4, radius=26)
    c.rect(520, 695, 990, 713, fill=ORANGE)
    for bx in range(556, 880, 88):
        c.rect(bx, 600, bx + 72, 660, fill=LIGHT_BLUE, outline=INK, width=3, radius=8)
    c.rect(912, 600, 972, 700, fill=LIGHT_BLUE, outline=INK, width=3, radius=8)
    for bx in (620, 880):
        c.circle(bx, 748, 34, fill=INK)
        c.circle(bx, 748, 13, fill=GREY)
    c.circle(982, 722, 8, fill=WHITE)


def _rainbow(c: Canvas, cx: float, cy: float, r: float, band: float) -> None:
    colors = ("#E05A5A", "#F4A261", "#E9C46A", "#8CC06B", "#5B9BD5", "#8C6BB1")
    for i, col in enumerate(colors):
        rr = r - i * band
        c.arc((cx - rr, cy - rr, cx + rr, cy + rr), 180, 360, fill=col, width=band + 1)


def _families(c: Canvas) -> None:
    ground_band(c, 690, "#DCE6D5")
    _rainbow(c, 600, 560, 520, 34)
    cloud(c, 110, 110, 55)
    cloud(c, 1090, 120, 50)
    g = 720.0
    adult = 250.0
    child = 150.0
    # A woman and a man with a child.
    person(c, 90, g, adult, Person(SKIN[2], RED, hair_style="scarf", hair=PURPLE))
    person(c, 210, g, adult, Person(SKIN[2], BLUE, hair=HAIR[0]))
    person(c, 150, g, child, Person(SKIN[2], YELLOW, legs=BLUE, hair=HAIR[0]))
    # Two women with a child.
    person(c, 380, g, adult, Person(SKIN[3], PURPLE, hair_style="curly"))
    person(c, 500, g, adult, Person(SKIN[0], TEAL, hair_style="bun", hair=HAIR[3]))
    person(c, 440, g, child, Person(SKIN[1], ORANGE, legs=GREY, hair_style="curly", hair=HAIR[1]))
    # Two men with a child.
    person(c, 680, g, adult, Person(SKIN[1], GREEN, hair=HAIR[2]))
    person(c, 800, g, adult, Person(SKIN[4], ORANGE, hair_style="bald", legs=BLUE))
    person(c, 740, g, child, Person(SKIN[2], RED, legs=BLUE, hair_style="long"))
    # A single parent, a father, with a child.
    person(c, 970, g, adult, Person(SKIN[0], BLUE, hair=HAIR[1], legs=GREY))
    person(
        c, 1070, g, child, Person(SKIN[0], LIGHT_GREEN, legs=INK, hair_style="long", hair=HAIR[3])
    )
    for hx, hy in ((150, 390), (440, 390), (740, 390), (1020, 390)):
        heart(c, hx, hy, 40, RED)


def _school(c: Canvas) -> None:
    ground_band(c, 620, "#DCE6D5")
    sun(c, 110, 110, 42)
    cloud(c, 950, 90, 55)
    # The school building.
    c.rect(260, 250, 940, 620, fill="#F2D9B3", outline=INK, width=4)
    c.rect(240, 220, 960, 256, fill=ORANGE, outline=INK, width=4)
    c.rect(520, 150, 680, 250, fill="#F2D9B3", outline=INK, width=4)
    c.polygon([(505, 155), (600, 90), (695, 155)], fill=ORANGE, outline=INK, width=4)
    # The bell above the door.
    c.circle(600, 168, 6, fill=INK)
    c.pieslice((572, 170, 628, 214), 180, 360, fill=YELLOW)
    c.polygon([(572, 192), (628, 192), (642, 226), (558, 226)], fill=YELLOW)
    c.circle(600, 232, 8, fill=INK)
    for wx in (300, 400, 730, 830):
        for wy in (290, 430):
            c.rect(wx, wy, wx + 70, wy + 80, fill=LIGHT_BLUE, outline=INK, width=3)
            c.line([(wx, wy + 40), (wx + 70, wy + 40)], fill=INK, width=2)
    c.rect(545, 440, 655, 620, fill=GREEN, outline=INK, width=4, radius=10)
    c.line([(600, 440), (600, 620)], fill=INK, width=3)
    # A playground fence and trees.
    for fx in range(0, 240, 28):
        c.rect(fx, 560, fx + 12, 620, fill=WHITE, outline=GREY, width=2)
    c.rect(0, 575, 250, 585, fill=WHITE)
    tree(c, 1060, 620, 190)
    # A girl and a boy with school bags.
    kids = (
        (430, Person(SKIN[3], RED, legs=BLUE, hair_style="long", hair=HAIR[0]), YELLOW),
        (770, Person(SKIN[1], BLUE, legs=INK, hair=HAIR[2]), TEAL),
    )
    for x, p, bag in kids:
        c.rect(x - 42, 560, x + 2, 620, fill=bag, outline=INK, width=3, radius=8)
        person(c, x, 740, 190, p)
        c.rect(x - 30, 600, x - 18, 650, fill=INK, radius=4)


def _coins(c: Canvas, x: float, ground: float, count: int) -> None:
    for i in range(count):
        y = ground - i * 22
        c.ellipse(x - 60, y - 18, x + 60, y + 18, fill=YELLOW, outline=INK, width=3)


def _equal_pay(c: Canvas) -> None:
    ground_band(c, 660, "#E3E0EE")
    scales(c, 600, 60, 330, color=INK, pan=YELLOW)
    # A woman and a man, the same size, with equal piles of coins.
    person(c, 330, 700, 360, Person(SKIN[2], TEAL, legs=INK, hair_style="long", hair=HAIR[0]))
    person(c, 870, 700, 360, Person(SKIN[0], ORANGE, legs=BLUE, hair=HAIR[1]))
    _coins(c, 470, 720, 7)
    _coins(c, 730, 720, 7)
    # A briefcase and a helmet: office work and work on site.
    c.rect(60, 600, 200, 700, fill=BROWN, outline=INK, width=4, radius=10)
    c.rect(105, 580, 155, 604, fill=None, outline=INK, width=6, radius=8)
    c.line([(60, 640), (200, 640)], fill=INK, width=3)
    c.pieslice((1000, 610, 1140, 730), 180, 360, fill=YELLOW)
    c.rect(990, 664, 1150, 676, fill=YELLOW, outline=INK, width=3)


@dataclass(frozen=True)
class _Picture:
    background: Color
    paint: Callable[[Canvas], None]


_PICTURES: dict[str, _Picture] = {
    "l01-map": _Picture(SKY, _map),
    "l02-three-powers": _Picture(CREAM, _three_powers),
    "l03-town-hall": _Picture(SKY, _town_hall),
    "l04-house-key": _Picture(SAND, _house_key),
    "l05-doctor": _Picture(MINT, _doctor),
    "l06-bus-bike": _Picture(SKY, _mobility),
    "l07-families": _Picture(CREAM, _families),
    "l08-school": _Picture(SKY, _school),
    "l09-equal-pay": _Picture(LILAC, _equal_pay),
}

IMAGE_KEYS: tuple[str, ...] = tuple(_PICTURES)


def draw(key: str) -> bytes:
    """Return the picture ``key`` as PNG bytes (1200x800, RGB)."""
    try:
        picture = _PICTURES[key]
    except KeyError:
        raise KeyError(f"no demo image {key!r}") from None
    canvas = Canvas(picture.background)
    picture.paint(canvas)
    return canvas.png()
