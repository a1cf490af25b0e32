""""Vary this, draw that": one interactive figure that works everywhere.

:func:`interactive_figure` returns one display object with two views: a live
ipywidgets slider (Jupyter, Colab, VS Code) and a self-contained
``text/html`` stand-in for the book (every frame precomputed as a PNG, an
HTML range input, no JavaScript library or network), which the book's
``nb_mime_priority_overrides`` selects.
"""

from __future__ import annotations

import base64
import html
import itertools
import math
import uuid
from collections.abc import Callable, Sequence

from matplotlib.figure import Figure

from ..validation import validate_callable, validate_choices
from .figures import figure_to_png

__all__ = ["InteractiveFigure", "interactive_figure"]

MAX_FRAMES = 40
MAX_FRAMES_2D = 64

# Inline handler only (no <script>, no external resources): the frame index
# is the row-major position of all sliders' values.
_ON_INPUT = (
    "var f=this.closest('.aeutils-interactive'),i=0;"
    "f.querySelectorAll('input[type=range]').forEach(function(r){"
    "i=i*(+r.max+1)+(+r.value);});"
    "f.querySelectorAll('img[data-frame]').forEach(function(im){"
    "im.style.display=(im.dataset.frame==i)?'block':'none';});"
    "this.parentNode.querySelector('output').textContent="
    "this.dataset.labels.split('|')[this.value];"
)


def _format_value(value: object) -> str:
    return f"{value:g}" if isinstance(value, float) else str(value)


class InteractiveFigure:
    """A figure redrawn for each value of one or two parameters.

    See :func:`interactive_figure`; with two parameters the frames form a
    grid (first parameter slowest).
    """

    def __init__(
        self,
        draw: Callable[..., Figure],
        *,
        names: Sequence[str],
        values: Sequence[Sequence[object]],
        initial: Sequence[object],
        dpi: int = 100,
    ) -> None:
        self.draw = draw
        self.names = list(names)
        self.values = [list(v) for v in values]
        self.initial = list(initial)
        self.dpi = dpi
        self._frames: list[bytes] | None = None

    def _combinations(self) -> list[tuple]:
        return list(itertools.product(*self.values))

    def _draw_checked(self, *args: object) -> Figure:
        fig = self.draw(*args)
        if not isinstance(fig, Figure):
            shown = ", ".join(repr(a) for a in args)
            raise TypeError(
                f"draw({shown}) returned {type(fig).__name__}; it must "
                "return a matplotlib Figure (the aeutils.viz functions do)."
            )
        return fig

    def frames(self) -> list[bytes]:
        """PNG bytes of the figure for every value (computed once)."""
        if self._frames is None:
            self._frames = [
                figure_to_png(self._draw_checked(*combo), dpi=self.dpi)
                for combo in self._combinations()
            ]
        return self._frames

    def _alt(self, combo: tuple) -> str:
        return ", ".join(
            f"{name} = {_format_value(value)}"
            for name, value in zip(self.names, combo)
        )

    def to_html(self) -> str:
        """Self-contained HTML: range sliders that swap precomputed frames."""
        uid = f"aeutils-{uuid.uuid4().hex[:10]}"
        starts = [v.index(i) for v, i in zip(self.values, self.initial)]
        labels = [[html.escape(_format_value(v)) for v in vs]
                  for vs in self.values]  # fmt: skip
        start_frame = 0
        for start, vs in zip(starts, self.values):
            start_frame = start_frame * len(vs) + start
        images = "".join(
            f'<img data-frame="{i}" alt="{html.escape(self._alt(combo))}" '
            f'style="display:{"block" if i == start_frame else "none"};'
            f'max-width:100%" '
            f'src="data:image/png;base64,{base64.b64encode(png).decode()}"/>'
            for i, (png, combo) in enumerate(
                zip(self.frames(), self._combinations())
            )
        )
        sliders = "".join(
            f'<label style="font-family:sans-serif;display:flex;'
            f'align-items:center;gap:0.6em">'
            f"<span>{html.escape(name)}</span>"
            f'<input type="range" min="0" max="{len(vs) - 1}" step="1" '
            f'value="{start}" '
            f'data-labels="{html.escape("|".join(ls), quote=True)}" '
            f'oninput="{html.escape(_ON_INPUT)}" style="width:22em"/>'
            f"<output>{ls[start]}</output></label>"
            for name, vs, ls, start in zip(self.names, self.values, labels,
                                           starts)
        )
        return (f'<div class="aeutils-interactive" id="{uid}">{sliders}'
                f"{images}</div>")  # fmt: skip

    def widget(self):
        """The live ipywidgets version: one slider per parameter."""
        import ipywidgets
        from IPython.display import display

        sliders = [
            ipywidgets.SelectionSlider(
                options=[(_format_value(v), v) for v in vs],
                value=initial,
                description=name,
                continuous_update=False,
                layout=ipywidgets.Layout(width="28em"),
                style={"description_width": "initial"},
            )
            for name, vs, initial in zip(self.names, self.values, self.initial)
        ]
        output = ipywidgets.Output()

        def redraw(change: dict | None = None) -> None:
            fig = self._draw_checked(*(slider.value for slider in sliders))
            output.clear_output(wait=True)
            with output:
                display(fig)

        for slider in sliders:
            slider.observe(redraw, names="value")
        redraw()
        return ipywidgets.VBox([*sliders, output])

    def _repr_mimebundle_(self, include=None, exclude=None) -> dict:
        bundle = {"text/html": self.to_html()}
        try:
            widget_bundle = self.widget()._repr_mimebundle_(
                include=include, exclude=exclude
            )
        except ImportError:
            widget_bundle = None
        ranges = "; ".join(
            f"{name} in {[_format_value(v) for v in vs]}"
            for name, vs in zip(self.names, self.values)
        )
        bundle["text/plain"] = f"Interactive figure over {ranges}"
        if widget_bundle:
            bundle.update(
                {k: v for k, v in widget_bundle.items() if k != "text/plain"}
            )
        return bundle


def interactive_figure(
    draw: Callable[..., Figure],
    *,
    name: str | Sequence[str],
    values: Sequence[object] | Sequence[Sequence[object]],
    initial: object | None = None,
    dpi: int = 100,
) -> InteractiveFigure:
    """Let the reader vary one or two parameters and see the figure redrawn.

    ``draw(value)`` (``draw(value_1, value_2)`` for two sliders) returns a
    Figure; ``name`` labels the slider (a pair for two); ``values`` are the
    values offered, in order (at most 40 frames, as the book embeds each;
    a pair of lists, at most 64 frames, for two sliders); ``initial`` is
    shown first (default the first values); ``dpi`` sets the frames'
    resolution. Make the result the cell's last expression.
    """
    validate_callable(draw, name="draw", example="a function returning a "
                      "Figure")
    two = not isinstance(name, str)
    if two and not isinstance(name, (list, tuple)):
        raise TypeError(
            "name must be the slider's label (a string), or a pair of "
            f"labels for two sliders; got {name!r}."
        )
    names = list(name) if two else [name]
    if not names or len(names) > 2 or not all(
        isinstance(n, str) and n for n in names
    ):
        raise ValueError(
            "name must be a non-empty label for the slider, or a pair of "
            f"labels for two sliders; got {name!r}."
        )
    if two:
        if not isinstance(values, (list, tuple)) or len(values) != len(names):
            raise ValueError(
                f"name has {len(names)} labels but values is {values!r}; "
                "give one list of values per slider."
            )
        value_lists = [validate_choices(v, name=n)
                       for n, v in zip(names, values)]  # fmt: skip
        initials = [v[0] for v in value_lists] if initial is None else list(
            initial
        )
    else:
        value_lists = [validate_choices(values, name=names[0])]
        initials = [value_lists[0][0] if initial is None else initial]
    limit = MAX_FRAMES_2D if two else MAX_FRAMES
    frames = math.prod(len(v) for v in value_lists)
    if frames > limit:
        raise ValueError(
            f"the sliders offer {frames} frames; at most {limit} are allowed "
            "because the book embeds one image per frame. Pick fewer values, "
            "e.g. values[::2]."
        )
    for n, vs, i in zip(names, value_lists, initials):
        if i not in vs:
            raise ValueError(
                f"initial={i!r} for {n!r} is not one of values {vs}."
            )
    return InteractiveFigure(draw, names=names, values=value_lists,
                             initial=initials, dpi=dpi)  # fmt: skip
