"""Draw a truth bundle (agreements in the contract's shape) as the office document it came from.

`layout_bundle(agreements, RenderOptions(seed=...))` lays every agreement out on
pages (display lists, see `canvas`) and returns a `Layout`: the pages, the style
chosen, and the truth *as drawn*: a copy of the input in which every row's
`page`, every budget line's `page` and every agreement's `source.pages` name the
pages where they ended up, and every field the layout variant changed says what
was printed. `render_pages(layout, dpi)` then draws the pages as RGB arrays.

One agreement is drawn as a signed letter page (letterhead or logo, title, the two
parties, the promise, place and date, signatures and stamps) followed by table
pages (title and header block, the ruled table Sasaran Strategis / Indikator
Kinerja / Target running over pages under a repeated header) and the budget list,
place and date and the signatures again.

Layout variants (chosen per document by the RNG unless `RenderOptions.variant`):

* ``kpu`` - like the KPU Kota Bontang seed: letterhead, "Pihak Pertama" /
  "Pihak Kedua", "Nama/Unit Organisasi / Subbagian / Tahun Anggaran" above the
  table, section rows (program "A. ...", activity "1. ...") spanning the columns
  after No, an unruled budget list "1. Name   Rp 1.893.000,-".
* ``jabar`` - like the Jawa Barat agreements: a logo instead of a letterhead,
  "PIHAK KESATU" / "PIHAK KEDUA", a title block "PERJANJIAN KINERJA TAHUN ... /
  <organization>" above the table, no section rows (so the truth's `program` and
  `activity` become null), the No column numbered 1., 2., ... per Sasaran, maybe
  indicator numbers 1.1., a SATUAN column holding the unit (the Target cell then
  shows only the number: `target.raw` becomes that number, `target.unit` keeps
  the unit; a SATUAN of "Persen" is unit "%", "-" is unit null), NIP lines under
  the names, a ruled budget table with a Ket. column (`note`, e.g. APBD) and
  amounts such as "1.273.000.000,00" (`raw` becomes the printed amount), and a
  partial date ("Januari 2016" or "Bandung,          2016": `signed_date` null,
  `signed_date_raw` the printed date).

Both variants draw a row with an `indicator_parent` as a list: the heading line
with no target, then one line per item ("- Daging   768.495"), either inside one
cell or as ruled rows. Strings of the truth are printed verbatim (case kept),
wrapped only at spaces, so joining a cell's lines with spaces gives the truth back.
"""

from __future__ import annotations

import copy
import logging
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

import numpy as np

from . import fonts
from .canvas import (
    CellRecord,
    Color,
    Flow,
    LogoOp,
    PageLayout,
    RuleOp,
    SignatureOp,
    StampOp,
    draw_page,
    mm,
    pt_px,
)
from .fonts import TextStyle
from .table import (
    Band,
    CellLine,
    Column,
    Group,
    Item,
    Placement,
    TableStyle,
    hanging_slots,
    place_table,
    section_item,
    text_slots,
    valign,
)

log = logging.getLogger(__name__)

VARIANTS = ("kpu", "jabar")
PAGE_SIZES = ("A4", "F4")
BULLETS = ("-", "•", "a.", "")
MONTHS = ("Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus",
          "September", "Oktober", "November", "Desember")

OPENING = ("Dalam rangka mewujudkan manajemen pemerintahan yang efektif, transparan, dan "
           "akuntabel serta berorientasi pada hasil, kami yang bertanda tangan dibawah ini:")
OPENING_JABAR = ("Dalam rangka mewujudkan manajemen pemerintahan yang efektif, transparan dan "
                 "akuntabel serta berorientasi pada hasil, kami yang bertanda tangan di bawah ini:")
PROMISE = ("{first} berjanji akan mewujudkan target kinerja yang seharusnya sesuai lampiran "
           "perjanjian ini, dalam rangka mencapai target kinerja jangka menengah seperti yang "
           "telah ditetapkan dalam dokumen perencanaan. Keberhasilan dan kegagalan pencapaian "
           "target kinerja tersebut menjadi tanggung jawab kami.")
SUPERVISION = ("{second} akan memberikan supervisi yang diperlukan serta akan melakukan evaluasi "
               "akuntabilitas kinerja terhadap capaian kinerja dari perjanjian ini dan mengambil "
               "tindakan yang diperlukan dalam rangka pemberian penghargaan dan sanksi")
SUPERVISION_JABAR = ("{second} akan melakukan supervisi yang diperlukan serta akan melakukan "
                     "evaluasi terhadap capaian kinerja dari perjanjian ini dan mengambil tindakan "
                     "yang diperlukan dalam rangka pemberian penghargaan dan sanksi.")
STREETS = ("Jl. Jenderal Sudirman", "Jl. Ahmad Yani", "Jl. Diponegoro", "Jl. Gatot Subroto",
           "Jl. Pahlawan", "Jl. Merdeka", "Jl. Imam Bonjol", "Jl. M.H. Thamrin", "Jl. Pattimura",
           "Jl. Soekarno-Hatta", "Jl. Cut Nyak Dien", "Jl. Basuki Rahmat")
RANKS = ("Pembina Utama Muda", "Pembina Tk. I", "Pembina", "Penata Tk. I", "Penata",
         "Pembina Utama Madya")


# --------------------------------------------------------------------------- options, style


@dataclass(frozen=True, slots=True)
class RenderOptions:
    """What the caller fixes; everything left None is chosen by the RNG from `seed`."""

    seed: int = 0
    variant: str | None = None  # kpu | jabar
    page_size: str | None = None  # A4 | F4
    satuan: bool | None = None  # jabar: a SATUAN column in every target table (None: RNG)
    bullet: str | None = None  # the mark of a list's items: '-', '•', 'a.' or '' (none; None: RNG)

    def __post_init__(self) -> None:
        if self.variant is not None and self.variant not in VARIANTS:
            raise ValueError(f"variant must be one of {VARIANTS}, not {self.variant!r}")
        if self.page_size is not None and self.page_size not in PAGE_SIZES:
            raise ValueError(f"page_size must be one of {PAGE_SIZES}, not {self.page_size!r}")
        if self.bullet is not None and self.bullet not in BULLETS:
            raise ValueError(f"bullet must be one of {BULLETS}, not {self.bullet!r}")


@dataclass(frozen=True, slots=True)
class DocStyle:
    """The look of one document (bundle), chosen once."""

    variant: str
    size: str
    body: TextStyle
    leading: float  # body line pitch / font size
    table_family: str
    table_pt: float
    margins: tuple[float, float, float, float]  # left, top, right, bottom (layout px)
    ink: Color
    justify_body: bool
    justify_cells: bool
    target_align: str  # center | right
    target_valign: str  # top | middle | bottom
    header_upper: bool
    header_fill: Color | None
    goal_title: str
    rule_mm: float
    outer_mm: float
    bullet: str  # "-", "•", "a." (lettered) or "" (items without marks)
    list_in_cell: bool
    numbered_indicators: bool
    satuan_words: bool  # SATUAN shows "Persen" (not "%") for percentages

    @property
    def first_label(self) -> str:
        return "PIHAK KESATU" if self.variant == "jabar" else "Pihak Pertama"

    @property
    def second_label(self) -> str:
        return "PIHAK KEDUA" if self.variant == "jabar" else "Pihak Kedua"

    @property
    def pitch(self) -> float:
        return pt_px(self.body.pt) * fonts.FAMILIES[self.body.family].scale * self.leading

    def to_json(self) -> dict[str, Any]:
        return {"variant": self.variant, "page_size": self.size, "body_font": self.body.family,
                "body_pt": self.body.pt, "table_font": self.table_family,
                "table_pt": self.table_pt}


def _has_sections(agreements: Sequence[dict[str, Any]]) -> bool:
    return any(t.get("program") or t.get("activity") for a in agreements for t in a["targets"])


def _chosen(fixed: str | None, drawn: str) -> str:
    """The caller's choice, else the RNG's (drawn either way: the other draws stay as they were)."""
    return drawn if fixed is None else fixed


def choose_style(rng: np.random.Generator, agreements: Sequence[dict[str, Any]],
                 options: RenderOptions) -> DocStyle:
    """Pick the variant, page size, fonts and table look of a document."""
    variant = options.variant
    if variant is None:
        p_kpu = 0.8 if _has_sections(agreements) else 0.2
        variant = "kpu" if rng.random() < p_kpu else "jabar"
    size = options.page_size or ("F4" if rng.random() < 0.6 else "A4")
    body_family = str(rng.choice(fonts.BODY_FAMILIES))
    body_pt = float(rng.choice((10.0, 10.5, 11.0, 11.5, 12.0)))
    table_family = body_family if rng.random() < 0.6 else str(rng.choice(fonts.TABLE_FAMILIES))
    table_pt = float(min(body_pt, rng.choice((10.0, 10.5, 11.0))))
    margins = (mm(rng.uniform(24, 32)), mm(rng.uniform(14, 24)), mm(rng.uniform(17, 25)),
               mm(rng.uniform(18, 26)))
    grey = int(rng.integers(0, 40))
    jabar = variant == "jabar"
    return DocStyle(
        variant=variant, size=size, body=TextStyle(body_family, body_pt),
        leading=float(rng.uniform(1.2, 1.5)), table_family=table_family, table_pt=table_pt,
        margins=margins, ink=(grey, grey, grey), justify_body=bool(rng.random() < 0.7),
        justify_cells=bool(rng.random() < 0.5),
        target_align="right" if jabar and rng.random() < 0.6 else "center",
        target_valign=str(rng.choice(("top", "top", "middle", "bottom"))),
        header_upper=bool(jabar and rng.random() < 0.5),
        header_fill=(205, 205, 205) if rng.random() < 0.2 else None,
        goal_title="Sasaran Srategis" if not jabar and rng.random() < 0.3 else "Sasaran Strategis",
        rule_mm=float(rng.uniform(0.15, 0.3)),
        outer_mm=float(rng.uniform(0.3, 0.6)) if rng.random() < 0.4 else 0.0,
        bullet=_chosen(options.bullet, str(rng.choice(("-", "-", "•", "a.")))),
        list_in_cell=bool(rng.random() < 0.6),
        numbered_indicators=bool(jabar and rng.random() < 0.5),
        satuan_words=bool(rng.random() < 0.6),
    )


# --------------------------------------------------------------------------- small helpers


def date_text(iso: str) -> str:
    """"2026-01-15" -> "15 Januari 2026"."""
    d = date.fromisoformat(iso)
    return f"{d.day} {MONTHS[d.month - 1]} {d.year}"


def rupiah(amount: int, fmt: str) -> str:
    """Print an amount: fmt is e.g. "Rp {},-", "Rp. {},-" or "{},00"."""
    return fmt.format(f"{amount:,}".replace(",", "."))


_TARGET_RE = re.compile(r"^\s*(\d[\d.,]*)\s*(.*?)\s*$")


def split_target(raw: str) -> tuple[str, str]:
    """"10 Lembaga/ Instansi" -> ("10", "Lembaga/ Instansi"); "100 %" -> ("100", "%")."""
    m = _TARGET_RE.match(raw or "")
    if not m:
        return raw or "", ""
    return m.group(1), m.group(2)


def office_words(org: str | None) -> tuple[str, str]:
    """Two lines naming the office, for letterheads and stamps.

    "Sekretariat KPU Kota Bontang" -> ("KOMISI PEMILIHAN UMUM", "KOTA BONTANG");
    "Dinas Peternakan Provinsi Jawa Barat" -> ("PEMERINTAH PROVINSI JAWA BARAT",
    "DINAS PETERNAKAN").
    """
    org = org or ""
    m = re.search(r"\bKPU\s+(.+)$", org, re.I)
    if m:
        return "KOMISI PEMILIHAN UMUM", m.group(1).upper()
    m = re.search(r"^(.*?)\s+Provinsi\s+(.+)$", org, re.I)
    if m:
        return f"PEMERINTAH PROVINSI {m.group(2).upper()}", m.group(1).upper()
    return org.upper(), ""


def _place_of(a: dict[str, Any]) -> str:
    if a.get("signed_place"):
        return str(a["signed_place"])
    words = (a.get("organization") or "").split()
    return words[-1] if words else ""


def _nip(rng: np.random.Generator) -> str:
    y, m, d = rng.integers(1962, 1990), rng.integers(1, 13), rng.integers(1, 29)
    ys, ms = y + rng.integers(20, 30), rng.integers(1, 13)
    return f"NIP. {y}{m:02d}{d:02d} {ys}{ms:02d} {rng.integers(1, 3)} {rng.integers(1, 30):03d}"


def _sig_position(position: str, rng: np.random.Generator) -> str:
    """How a position is printed above a signature in the KPU style."""
    p = re.sub(r"\s+Sekretariat\s+KPU\s+.*$", "", position) if position.startswith("Kasubbag") \
        else position
    if rng.random() < 0.7:
        p = p.replace("KPU", "Komisi Pemilihan Umum")
    return p + ","


# --------------------------------------------------------------------------- text blocks


class _Writer:
    """Body text on a `Flow`: paragraphs, centred titles, label/value lines."""

    def __init__(self, flow: Flow, st: DocStyle) -> None:
        self.flow = flow
        self.st = st
        self.pitch = st.pitch

    def _baseline(self) -> float:
        asc, desc = fonts.metrics(self.st.body)
        return self.flow.y + (self.pitch - asc - desc) / 2 + asc

    def ensure(self, h: float, kind: str) -> None:
        if self.flow.room() < h:
            self.flow.new_page(kind)

    def line(self, x: float, text: str, style: TextStyle | None = None, *, gap: float = 0.0,
             underline: bool = False, advance: bool = True) -> None:
        style = style or self.st.body
        self.flow.text(x, self._baseline(), text, style, gap=gap, color=self.st.ink,
                       underline=underline)
        if advance:
            self.flow.y += self.pitch

    def centred(self, text: str, style: TextStyle, x0: float | None = None,
                x1: float | None = None) -> None:
        x0 = self.flow.left if x0 is None else x0
        x1 = self.flow.right if x1 is None else x1
        for ln in fonts.wrap(text, x1 - x0, style):
            w = fonts.text_width(ln.text, style)
            self.line((x0 + x1 - w) / 2, ln.text, style)

    def paragraph(self, text: str, indent: float = 0.0) -> None:
        f = self.flow
        for ln in fonts.wrap(text, f.right - f.left - indent, self.st.body,
                             justify=self.st.justify_body):
            self.line(f.left + indent, ln.text, gap=ln.gap)

    def labelled(self, x: float, label: str, colon_x: float, value: str,
                 bold_value: bool = False) -> None:
        """`Label : value`, the value wrapped under itself."""
        f = self.flow
        vx = colon_x + fonts.text_width(": ", self.st.body)
        vs = self.st.body.with_bold(bold_value)
        lines = fonts.wrap(value, f.right - vx, vs) or (fonts.Line(""),)
        self.line(x, label, advance=False)
        self.line(colon_x, ":", advance=False)
        for ln in lines:
            self.line(vx, ln.text, vs)

    def gap(self, lines: float) -> None:
        self.flow.y += self.pitch * lines


# --------------------------------------------------------------------------- page parts


def _letterhead(w: _Writer, a: dict[str, Any], rng: np.random.Generator) -> None:
    f, st = w.flow, w.st
    top, bottom = office_words(a.get("organization"))
    place = _place_of(a)
    logo_w, logo_h = mm(rng.uniform(18, 24)), mm(rng.uniform(21, 27))
    y0 = f.y
    kind = "kpu" if top.startswith("KOMISI") else "jabar"
    f.add(LogoOp(f.left, y0, f.left + logo_w, y0 + logo_h, kind, int(rng.integers(1 << 31))))
    x0 = f.left + logo_w + mm(2)
    big = TextStyle(st.body.family, st.body.pt + rng.choice((2.0, 3.0, 4.0)), True)
    small = TextStyle(st.body.family, max(9.0, st.body.pt - 1.5))
    street = str(rng.choice(STREETS))
    slug = re.sub(r"[^a-z]+", "_", (bottom or top).lower()).strip("_")
    domain = "kpu.go.id" if top.startswith("KOMISI") else "jabarprov.go.id"
    lines = [(top, big)]
    if bottom:
        lines.append((bottom, big))
    lines += [(f"{street} No. {rng.integers(1, 200)} {place}".strip(), small),
              (f"Telp. (0{rng.integers(200, 999)}) {rng.integers(20000, 99999)}, "
               f"{rng.integers(20000, 99999)} Email. {slug}@{domain}", small)]
    for text, style in lines:
        w.centred(text, style, x0, f.right)
    f.y = max(f.y, y0 + logo_h) + mm(1.5)
    f.add(RuleOp(f.left, f.y, f.right, f.y, mm(0.8)))
    f.add(RuleOp(f.left, f.y + mm(1.1), f.right, f.y + mm(1.1), mm(0.25)))
    f.y += mm(rng.uniform(5, 9))


def _logo_top(w: _Writer, rng: np.random.Generator) -> None:
    f = w.flow
    lw, lh = mm(rng.uniform(20, 26)), mm(rng.uniform(24, 30))
    cx = (f.left + f.right) / 2
    f.add(LogoOp(cx - lw / 2, f.y, cx + lw / 2, f.y + lh, "jabar", int(rng.integers(1 << 31))))
    f.y += lh + mm(rng.uniform(5, 9))


def _party(w: _Writer, party: dict[str, Any], colon_x: float, closing: str, jabar: bool,
           indent: float) -> None:
    x = w.flow.left + indent
    w.labelled(x, "Nama", colon_x, party.get("name") or "", bold_value=jabar)
    w.labelled(x, "Jabatan", colon_x, party.get("position") or "")
    w.line(w.flow.left, closing)


def _date_line(a: dict[str, Any], jabar: bool, rng: np.random.Generator) -> tuple[str, str | None,
                                                                                   str | None]:
    """Printed "Place, date" and the truth's (signed_date, signed_date_raw) for it."""
    place = a.get("signed_place")
    iso, raw = a.get("signed_date"), a.get("signed_date_raw")
    if iso:
        d = date.fromisoformat(iso)
        roll = rng.random() if jabar else 1.0
        if roll < 0.25:
            printed, iso = f"{MONTHS[d.month - 1]} {d.year}", None
        elif roll < 0.45:
            printed, iso = str(d.year), None
        else:
            printed = date_text(iso)
    else:
        printed = raw or ""
    sep = ",          " if (iso is None and re.fullmatch(r"\d{4}", printed)) else ", "
    line = f"{place}{sep}{printed}" if place else printed
    return line, iso, (printed or None)


def _signatures(w: _Writer, a: dict[str, Any], date_line: str, rng: np.random.Generator,
                kind: str) -> None:
    """Place and date, the two signature columns, signatures and stamps."""
    f, st = w.flow, w.st
    jabar = st.variant == "jabar"
    col_w = (f.right - f.left) * 0.46
    left_x = f.left + mm(rng.uniform(0, 10))
    right_x = f.left + (f.right - f.left) * rng.uniform(0.5, 0.56)
    sp, fp = a["second_party"], a["first_party"]
    pos_l = _sig_lines(sp.get("position"), jabar, col_w, st, rng)
    pos_r = _sig_lines(fp.get("position"), jabar, col_w, st, rng)
    n_pos = max(len(pos_l), len(pos_r))
    space = mm(rng.uniform(20, 27))
    need = w.pitch * (3.5 + n_pos + (3.5 if jabar else 2.0)) + space
    w.ensure(need, kind)
    if rng.random() < 0.8:
        w.gap(rng.uniform(0.5, 1.5))
    w.line(right_x, date_line)
    if jabar and rng.random() < 0.5:
        w.gap(0.5)
    label = st.body.with_bold(jabar)
    w.line(left_x, f"{st.second_label},", label, advance=False)
    w.line(right_x, f"{st.first_label},", label)
    y_pos = f.y
    for i in range(n_pos):
        if i < len(pos_l):
            w.line(left_x, pos_l[i], advance=False)
        if i < len(pos_r):
            w.line(right_x, pos_r[i], advance=False)
        w.gap(1)
    y_sign = f.y
    f.y += space
    y_name = f.y
    for x, party, has_stamp in ((left_x, sp, True), (right_x, fp, rng.random() < 0.3)):
        room = (right_x - x - mm(3)) if x == left_x else (f.right - x)
        _name_block(w, x, party, jabar, rng, y_name, room)
        sx0 = x + mm(rng.uniform(-2, 12))
        sx1 = sx0 + mm(rng.uniform(30, 50))
        sy0 = y_sign + mm(rng.uniform(-3, 3))
        sy1 = y_name + w.pitch * rng.uniform(0.2, 0.9)
        f.add(SignatureOp(sx0, sy0, sx1, sy1, int(rng.integers(1 << 31)),
                          _blue(rng), float(rng.uniform(0.3, 0.5))))
        if has_stamp and (not jabar or rng.random() < 0.3):
            _stamp(w, a, party.get("position") or "", x, y_pos, y_name, rng)
    f.y = y_name + w.pitch * (3 if jabar else 1.5)


def _sig_lines(position: str | None, jabar: bool, width: float, st: DocStyle,
               rng: np.random.Generator) -> list[str]:
    if not position:
        return []
    if jabar:
        if rng.random() < 0.6:
            return []
        text = position + ","
    else:
        text = _sig_position(position, rng)
    return [ln.text for ln in fonts.wrap(text, width, st.body)]


def _fit(text: str, style: TextStyle, width: float) -> TextStyle:
    """`style`, made smaller (down to 7 pt) until `text` fits in `width`."""
    while style.pt > 7 and fonts.text_width(text, style) > width:
        style = style.with_pt(style.pt - 0.5)
    return style


def _name_block(w: _Writer, x: float, party: dict[str, Any], jabar: bool,
                rng: np.random.Generator, y: float, width: float) -> None:
    f, st = w.flow, w.st
    name = party.get("name") or ""
    f.y = y
    if jabar:
        shown = name.upper() if rng.random() < 0.7 else name
        w.line(x, shown, _fit(shown, st.body.with_bold(True), width),
               underline=rng.random() < 0.4)
        pos = (party.get("position") or "").lower()
        if not any(k in pos for k in ("gubernur", "ketua", "bupati", "walikota")):
            if rng.random() < 0.7:
                w.line(x, str(rng.choice(RANKS)), st.body.with_bold(rng.random() < 0.5))
            w.line(x, _nip(rng), st.body.with_bold(rng.random() < 0.5))
    else:
        shown = f"({name})"
        w.line(x, shown, _fit(shown, st.body.with_bold(rng.random() < 0.3), width),
               underline=rng.random() < 0.2)
        if rng.random() < 0.25:
            w.line(x, _nip(rng))


def _blue(rng: np.random.Generator) -> Color:
    return (int(rng.integers(10, 45)), int(rng.integers(25, 70)), int(rng.integers(105, 170)))


def _stamp(w: _Writer, a: dict[str, Any], position: str, x: float, y_top: float, y_name: float,
           rng: np.random.Generator) -> None:
    top, bottom = office_words(a.get("organization"))
    r = mm(rng.uniform(16, 20))
    cx = x + mm(rng.uniform(-2, 14))
    cy = (y_top + y_name) / 2 + mm(rng.uniform(-3, 5))
    color = (int(rng.integers(40, 90)), int(rng.integers(40, 80)), int(rng.integers(150, 200))) \
        if rng.random() < 0.6 else (int(rng.integers(100, 140)), int(rng.integers(40, 70)),
                                    int(rng.integers(140, 180)))
    center = ""
    if top.startswith("KOMISI") and rng.random() < 0.7:
        center = "KETUA" if "ketua" in position.lower() else "SEKRETARIAT"
    w.flow.add(StampOp(cx, cy, r, top, bottom, center, color, float(rng.uniform(-40, 40)),
                       float(rng.uniform(0.55, 0.85)), int(rng.integers(1 << 31))))
    w.flow.add_stamp_text(" ".join(s for s in (top, bottom, center) if s))


def _letter(w: _Writer, a: dict[str, Any], date_line: str, rng: np.random.Generator,
            letterhead: bool) -> str:
    """The signed letter page; returns the title printed."""
    f, st = w.flow, w.st
    jabar = st.variant == "jabar"
    f.new_page("letter")
    if jabar:
        _logo_top(w, rng)
    elif letterhead:
        _letterhead(w, a, rng)
    else:
        f.y += mm(rng.uniform(6, 20))
    title = a.get("title") or (f"PERJANJIAN KINERJA TAHUN {a['year']}" if a.get("year")
                               else "PERJANJIAN KINERJA")
    w.centred(title, st.body.with_bold(True).with_pt(st.body.pt + rng.choice((0.0, 1.0, 2.0))))
    w.gap(rng.uniform(0.8, 1.5))
    indent = mm(rng.choice((0.0, 0.0, 10.0)))
    w.paragraph(OPENING_JABAR if jabar else OPENING, indent)
    w.gap(rng.uniform(0.4, 1.0))
    colon_x = f.left + mm(rng.uniform(24, 34))
    _party(w, a["first_party"], colon_x,
           "Selanjutnya disebut PIHAK KESATU" if jabar else "selanjutnya disebut Pihak Pertama.",
           jabar, 0.0)
    w.gap(rng.uniform(0.3, 1.0))
    _party(w, a["second_party"], colon_x,
           "Selaku atasan PIHAK KESATU, selanjutnya disebut PIHAK KEDUA" if jabar else
           "selaku atasan pihak pertama, selanjutnya disebut Pihak Kedua.", jabar, 0.0)
    w.gap(rng.uniform(0.5, 1.0))
    w.paragraph(PROMISE.format(first="PIHAK KESATU" if jabar else "Pihak pertama"), indent)
    w.gap(rng.uniform(0.5, 1.0))
    sup = SUPERVISION_JABAR if jabar else SUPERVISION
    w.paragraph(sup.format(second="PIHAK KEDUA" if jabar else "Pihak kedua"), indent)
    _signatures(w, a, date_line, rng, "letter")
    return title


def _table_heading(w: _Writer, a: dict[str, Any], title: str, rng: np.random.Generator,
                   letterhead: bool) -> None:
    f, st = w.flow, w.st
    f.new_page("table")
    if st.variant == "jabar":
        f.y += mm(rng.uniform(0, 12))
        bold = st.body.with_bold(True)
        w.centred(title, bold)
        if a.get("organization"):
            w.centred(a["organization"], bold)
        if a.get("subunit"):
            w.centred(a["subunit"], bold)
        w.gap(rng.uniform(0.6, 1.2))
        if rng.random() < 0.3:
            w.line(f.left + mm(8), "I.   KINERJA TAHUNAN", bold)
            w.gap(0.4)
        return
    if letterhead:
        _letterhead(w, a, rng)
    else:
        f.y += mm(rng.uniform(0, 10))
    w.centred("PERJANJIAN KINERJA", st.body.with_bold(True))
    w.gap(rng.uniform(0.6, 1.2))
    colon_x = f.left + mm(rng.uniform(42, 52))
    w.labelled(f.left, "Nama/Unit Organisasi", colon_x, a.get("organization") or "")
    if a.get("subunit"):
        w.labelled(f.left, "Subbagian", colon_x, a["subunit"])
    if a.get("year"):
        w.labelled(f.left, "Tahun Anggaran", colon_x, str(a["year"]))
    w.gap(rng.uniform(0.4, 1.0))


# --------------------------------------------------------------------------- target table


@dataclass(frozen=True, slots=True)
class _TableChoice:
    sections: bool
    satuan: bool
    numbered: bool  # No column 1., 2., ... per Sasaran


def _min_widths(st: DocStyle, rows: list[dict[str, Any]], units: list[str]) -> dict[str, float]:
    """Widths the target and SATUAN columns need so that no word sticks out of them."""
    style = TextStyle(st.table_family, st.table_pt)
    pad = 2 * mm(2.4)

    def widest(texts: list[str]) -> float:
        return max([0.0, *(fonts.text_width(wd, style) for t in texts for wd in t.split())]) + pad

    return {"target": widest([r["target"]["raw"] for r in rows]),
            "unit": widest([u or "Persen" for u in units])}


def _target_columns(st: DocStyle, tc: _TableChoice, left: float, right: float,
                    rng: np.random.Generator, need: dict[str, float]) -> tuple[Column, ...]:
    width = right - left
    fr = {"no": rng.uniform(0.05, 0.08), "goal": rng.uniform(0.28, 0.36),
          "target": rng.uniform(0.12, 0.18)}
    if tc.satuan:
        fr["unit"] = rng.uniform(0.10, 0.13)
        fr["target"] = rng.uniform(0.10, 0.13)
    for key, w_min in need.items():
        if key in fr:
            fr[key] = max(fr[key], w_min / width)
    fr["indicator"] = 1.0 - sum(fr.values())
    keys = ["no", "goal", "indicator"] + (["unit"] if tc.satuan else []) + ["target"]
    titles = {"no": "No" if rng.random() < 0.7 else "No.", "goal": st.goal_title,
              "indicator": "Indikator Kinerja", "unit": "Satuan", "target": "Target"}
    cols, x = [], left
    for k in keys:
        x1 = x + width * fr[k]
        align = {"no": "center", "target": st.target_align, "unit": "center"}.get(k, "left")
        cols.append(Column(k, titles[k], x, x1, align, st.justify_cells and k in ("goal",
                                                                                   "indicator")))
        x = x1
    return tuple(cols)


def _unit_text(unit: str | None, printed: str, words: bool) -> str:
    if unit is None:
        return "-"
    if unit == "%":
        return "Persen" if words else "%"
    return printed or unit


def _adapt_targets(targets: list[dict[str, Any]], tc: _TableChoice
                   ) -> tuple[list[dict[str, Any]], list[str]]:
    """Truth rows as this table prints them, and the SATUAN text of each row."""
    rows, units = [], []
    for t in targets:
        r = copy.deepcopy(t)
        if not tc.sections:
            r["program"] = r["activity"] = None
        printed_unit = ""
        if tc.satuan:
            number, printed_unit = split_target(r["target"].get("raw", ""))
            r["target"]["raw"] = number
        rows.append(r)
        units.append(printed_unit)
    return rows, units


def _bullet(st: DocStyle, k: int) -> str:
    return f"{chr(ord('a') + k % 26)}." if st.bullet == "a." else st.bullet


def _single_band(ts: TableStyle, st: DocStyle, idx: int, row: dict[str, Any], unit: str,
                 label: str) -> Band:
    style = ts.text
    w_ind = ts.inner_width("indicator")
    ind_w = fonts.text_width("00.00. ", style)
    ind = (hanging_slots(label, row["indicator"], w_ind, style, ind_w,
                         justify=ts.col("indicator").justify) if label else
           text_slots(row["indicator"], w_ind, style, justify=ts.col("indicator").justify))
    tgt = text_slots(row["target"]["raw"], ts.inner_width("target"), style)
    cells = {"indicator": ind}
    if ts.has("unit"):
        cells["unit"] = text_slots(_unit_text(row["target"]["unit"], unit, st.satuan_words),
                                   ts.inner_width("unit"), style)
    n = max(len(ind), len(tgt), len(cells.get("unit", ())), 1)
    cells["target"] = valign(tgt, n, st.target_valign)
    if "unit" in cells:
        cells["unit"] = valign(cells["unit"], n, st.target_valign)
    slot = next((i for i, v in enumerate(cells["target"]) if v is not None), 0)
    return Band(cells, (("target", idx, slot),), (idx,))


def _list_bands(ts: TableStyle, st: DocStyle, idxs: list[int], rows: list[dict[str, Any]],
                units: list[str], label: str, rng: np.random.Generator) -> list[Band]:
    """A heading (indicator_parent) with items, each item with its own target."""
    style = ts.text
    w_ind = ts.inner_width("indicator")
    num_w = fonts.text_width("00.00. ", style) if label else 0.0
    head = (hanging_slots(label, rows[idxs[0]]["indicator_parent"], w_ind, style, num_w)
            if label else text_slots(rows[idxs[0]]["indicator_parent"], w_ind, style))
    bullet_x = num_w + mm(rng.choice((0.0, 2.0, 4.0)))
    text_x = bullet_x + fonts.text_width("a.  ", style) if st.bullet else bullet_x
    last_line = rng.random() < 0.5
    items = []
    for k, i in enumerate(idxs):
        lines = hanging_slots(_bullet(st, k), rows[i]["indicator"], w_ind, style, text_x,
                              label_dx=bullet_x)
        tgt = text_slots(rows[i]["target"]["raw"], ts.inner_width("target"), style)
        unit = (text_slots(_unit_text(rows[i]["target"]["unit"], units[i], st.satuan_words),
                           ts.inner_width("unit"), style) if ts.has("unit") else ())
        items.append((i, lines, tgt, unit))
    if not st.list_in_cell:
        bands = [Band({"indicator": head}, (), tuple(idxs))]
        for i, lines, tgt, unit in items:
            n = max(len(lines), len(tgt), len(unit), 1)
            cells = {"indicator": lines, "target": valign(tgt, n, "top")}
            if ts.has("unit"):
                cells["unit"] = valign(unit, n, "top")
            bands.append(Band(cells, (("target", i, 0),), (i,)))
        return bands
    ind: list[CellLine | None] = list(head)
    tcol: list[CellLine | None] = [None] * len(head)
    ucol: list[CellLine | None] = [None] * len(head)
    anchors = []
    for i, lines, tgt, unit in items:
        at = len(ind) + (len(lines) - 1 if last_line else 0)
        ind += lines
        for col, vals in ((tcol, tgt), (ucol, unit)):
            while len(col) < at:
                col.append(None)
            col += list(vals)
        anchors.append(("target", i, at))
        n = max(len(ind), len(tcol), len(ucol))
        for col in (ind, tcol, ucol):
            col += [None] * (n - len(col))
    cells = {"indicator": tuple(ind), "target": tuple(tcol)}
    if ts.has("unit"):
        cells["unit"] = tuple(ucol)
    return [Band(cells, tuple(anchors), tuple(idxs))]


def _target_items(ts: TableStyle, st: DocStyle, tc: _TableChoice, rows: list[dict[str, Any]],
                  units: list[str], rng: np.random.Generator) -> list[Item]:
    items: list[Item] = []
    sentinel = object()
    prev_prog: object = sentinel
    prev_act: object = sentinel
    n_prog = n_act = n_group = 0
    i = 0
    while i < len(rows):
        r = rows[i]
        if tc.sections:
            if r["program"] != prev_prog:
                if r["program"]:
                    items.append(section_item(ts, f"{chr(ord('A') + n_prog)}.", r["program"]))
                    n_prog += 1
                prev_prog, prev_act, n_act = r["program"], sentinel, 0
            if r["activity"] != prev_act:
                if r["activity"]:
                    n_act += 1
                    items.append(section_item(ts, f"{n_act}.", r["activity"]))
                prev_act = r["activity"]
        key = (r["program"], r["activity"], r["strategic_goal"])
        j = i + 1
        while j < len(rows) and (rows[j]["program"], rows[j]["activity"],
                                 rows[j]["strategic_goal"]) == key:
            j += 1
        n_group += 1
        items.append(_group(ts, st, tc, rows, units, range(i, j), n_group, rng))
        i = j
    return items


def _group(ts: TableStyle, st: DocStyle, tc: _TableChoice, rows: list[dict[str, Any]],
           units: list[str], span: range, number: int, rng: np.random.Generator) -> Group:
    goal = text_slots(rows[span.start]["strategic_goal"], ts.inner_width("goal"), ts.text,
                      justify=ts.col("goal").justify)
    merged = {"goal": goal, "no": (CellLine(f"{number}."),) if tc.numbered else ()}
    bands: list[Band] = []
    k = 0
    i = span.start
    while i < span.stop:
        parent = rows[i].get("indicator_parent")
        k += 1
        label = f"{number}.{k}." if st.numbered_indicators else ""
        if parent:
            j = i
            while j < span.stop and rows[j].get("indicator_parent") == parent:
                j += 1
            bands += _list_bands(ts, st, list(range(i, j)), rows, units, label, rng)
            i = j
        else:
            bands.append(_single_band(ts, st, i, rows[i], units[i], label))
            i += 1
    return Group(merged, tuple(bands))


def _table_style(st: DocStyle, cols: tuple[Column, ...], agreement: int, number_row: bool,
                 rng: np.random.Generator, merged: tuple[str, ...] = ("no", "goal")) -> TableStyle:
    text = TextStyle(st.table_family, st.table_pt)
    pitch = pt_px(st.table_pt) * fonts.FAMILIES[st.table_family].scale * rng.uniform(1.12, 1.3)
    fmt = "({})" if st.variant == "kpu" or rng.random() < 0.5 else "{}"
    labels = tuple(fmt.format(i + 1) for i in range(len(cols)))
    return TableStyle(
        columns=cols, text=text, pitch=pitch, pad_y=mm(rng.uniform(0.8, 1.8)),
        pad_x=mm(rng.uniform(1.2, 2.2)), rule=mm(st.rule_mm), outer=mm(st.outer_mm or st.rule_mm),
        merged=merged, header_fill=st.header_fill, header_upper=st.header_upper,
        number_row=labels if number_row else (), section_label_in_no=bool(rng.random() < 0.4),
        section_bold=bool(rng.random() < 0.6), split_rows=bool(rng.random() < 0.85),
        agreement=agreement)


# --------------------------------------------------------------------------- budget


def _budget_list(w: _Writer, a: dict[str, Any], placement: Placement, rng: np.random.Generator
                 ) -> None:
    """The unruled "Kegiatan   Anggaran" list."""
    f, st = w.flow, w.st
    lines = a["budget"]
    w.ensure(w.pitch * 3, "closing")
    w.gap(rng.uniform(0.6, 1.5))
    x_num = f.left + mm(rng.uniform(0, 6))
    x_name = x_num + fonts.text_width("00. ", st.body)
    x_amt = f.left + (f.right - f.left) * rng.uniform(0.64, 0.72)
    bold = st.body.with_bold(True)
    w.line(x_name, "Kegiatan", bold, advance=False)
    w.line(x_amt, "Anggaran", bold)
    for j, b in enumerate(lines):
        name = fonts.wrap(b["name"], x_amt - x_name - mm(3), st.body) or (fonts.Line(""),)
        w.ensure(w.pitch * len(name), "closing")
        y0 = f.y
        w.line(x_num, f"{j + 1}.", advance=False)
        w.line(x_amt, b["raw"], advance=False)
        placement.pages[("budget", j)] = f.page
        for ln in name:
            w.line(x_name, ln.text)
        f.add_cell(CellRecord(f.agreement, "budget", (j,), (x_num, y0, f.right, f.y),
                              f"{b['name']} {b['raw']}"))


def _budget_table(w: _Writer, a: dict[str, Any], placement: Placement, rng: np.random.Generator
                  ) -> list[dict[str, Any]]:
    """The ruled budget table with a Ket. column; returns the budget lines as printed."""
    f, st = w.flow, w.st
    fmt = str(rng.choice(("{},00", "Rp. {},00", "Rp. {},-", "Rp {},-")))
    note_default = "APBD"
    lines = []
    for b in a["budget"]:
        nb = copy.deepcopy(b)
        if nb.get("amount") is not None:
            nb["raw"] = rupiah(int(nb["amount"]), fmt)
        nb["note"] = nb.get("note") or note_default
        lines.append(nb)
    width = f.right - f.left
    fr = (rng.uniform(0.06, 0.08), 0.0, rng.uniform(0.24, 0.28), rng.uniform(0.1, 0.13))
    name_w = 1.0 - sum(fr)
    keys = (("no", "No", fr[0], "center"), ("name", "Kegiatan", name_w, "left"),
            ("amount", "Anggaran (Rp.)", fr[2], "right"), ("note", "Ket.", fr[3], "center"))
    cols, x = [], f.left
    for k, title, frac, align in keys:
        cols.append(Column(k, title, x, x + width * frac, align))
        x += width * frac
    ts = _table_style(st, tuple(cols), f.agreement, False, rng, merged=())
    items: list[Item] = []
    for j, b in enumerate(lines):
        cells = {"no": (CellLine(f"{j + 1}."),),
                 "name": text_slots(b["name"], ts.inner_width("name"), ts.text),
                 "amount": text_slots(b["raw"], ts.inner_width("amount"), ts.text),
                 "note": text_slots(b["note"] or "", ts.inner_width("note"), ts.text)}
        items.append(Group({}, (Band(cells, (("budget", j, 0),), (j,)),)))
    w.ensure(w.pitch * 4, "closing")
    w.gap(rng.uniform(0.8, 1.5))
    if rng.random() < 0.4:
        w.line(f.left + mm(8), "II.   ALOKASI ANGGARAN", st.body.with_bold(True))
        w.gap(0.3)
    place_table(f, ts, items, placement, "closing")
    return lines


# --------------------------------------------------------------------------- one agreement


def _agreement(st: DocStyle, a: dict[str, Any], index: int, first_page: int,
               rng: np.random.Generator, satuan: bool | None = None
               ) -> tuple[tuple[PageLayout, ...], dict[str, Any]]:
    """Lay out one agreement; return its pages and its truth as drawn."""
    flow = Flow(st.size, st.margins, index, first_page)
    w = _Writer(flow, st)
    jabar = st.variant == "jabar"
    truth = copy.deepcopy(a)
    date_line, iso, raw = _date_line(a, jabar, rng)
    truth["signed_date"], truth["signed_date_raw"] = iso, raw
    head_on_table = (not jabar) and rng.random() < 0.2
    truth["title"] = _letter(w, a, date_line, rng, letterhead=not head_on_table)
    with_unit = rng.random() < 0.4 if satuan is None else satuan
    tc = _TableChoice(sections=not jabar, satuan=jabar and with_unit, numbered=jabar)
    rows, units = _adapt_targets(a["targets"], tc)
    placement = Placement()
    if rows:
        title = truth["title"] if "TAHUN" in truth["title"].upper() or not a.get("year") \
            else f"{truth['title']} TAHUN {a['year']}"
        _table_heading(w, a, title, rng, head_on_table)
        table_left = flow.left - mm(rng.uniform(0, 8))
        table_right = flow.right + mm(rng.uniform(0, 6))
        cols = _target_columns(st, tc, table_left, table_right, rng,
                               _min_widths(st, rows, units))
        ts = _table_style(st, cols, index, st.variant == "kpu" or rng.random() < 0.5, rng)
        items = _target_items(ts, st, tc, rows, units, rng)
        place_table(flow, ts, items, placement)
    budget = [copy.deepcopy(b) for b in a["budget"]]
    if budget:
        if jabar and rng.random() < 0.7:
            budget = _budget_table(w, a, placement, rng)
        else:
            for b in budget:
                b["note"] = None
            _budget_list(w, {**a, "budget": budget}, placement, rng)
    _signatures(w, a, date_line, rng, "closing")
    for i, r in enumerate(rows):
        r["page"] = placement.pages[("target", i)]
    for j, b in enumerate(budget):
        b["page"] = placement.pages[("budget", j)]
    truth["targets"], truth["budget"] = rows, budget
    pages = flow.pages()
    truth["source"] = {**truth.get("source", {}),
                       "pages": [p.number for p in pages]}
    return pages, truth


# --------------------------------------------------------------------------- bundle


@dataclass(frozen=True, slots=True)
class Layout:
    """A laid-out bundle: its pages, its style, and its truth as drawn."""

    pages: tuple[PageLayout, ...]
    truth: tuple[dict[str, Any], ...]
    style: DocStyle
    seed: int

    def page_texts(self) -> tuple[str, ...]:
        return tuple(p.text() for p in self.pages)


def layout_bundle(agreements: Sequence[dict[str, Any]], options: RenderOptions = RenderOptions()
                  ) -> Layout:
    """Lay out every agreement of a bundle, one after another, on numbered pages."""
    if not agreements:
        raise ValueError("a bundle needs at least one agreement")
    ss = np.random.SeedSequence(options.seed)
    style_seed, *agreement_seeds = ss.spawn(1 + len(agreements))
    st = choose_style(np.random.default_rng(style_seed), agreements, options)
    pages: list[PageLayout] = []
    truth = []
    for k, (a, seed) in enumerate(zip(agreements, agreement_seeds, strict=True)):
        ps, t = _agreement(st, a, k, len(pages) + 1, np.random.default_rng(seed),
                           options.satuan)
        pages += ps
        truth.append(t)
    log.debug("laid out %d agreements on %d pages (%s, %s)", len(truth), len(pages),
              st.variant, st.size)
    return Layout(tuple(pages), tuple(truth), st, options.seed)


def render_pages(layout: Layout, dpi: int = 300) -> Iterator[np.ndarray]:
    """Draw the pages one by one (RGB uint8 arrays at `dpi`)."""
    for page in layout.pages:
        yield draw_page(page, dpi)


def render(agreements: Sequence[dict[str, Any]], options: RenderOptions = RenderOptions(),
           dpi: int = 300) -> tuple[list[np.ndarray], Layout]:
    """Lay out and draw a bundle: the page images and the layout (with the truth as drawn)."""
    layout = layout_bundle(agreements, options)
    return list(render_pages(layout, dpi)), layout


__all__ = ["DocStyle", "Layout", "RenderOptions", "choose_style", "layout_bundle", "render",
           "render_pages"]
