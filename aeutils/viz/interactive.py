""""Vary this, draw that": one interactive figure that works everywhere.

A live ipywidgets slider (Jupyter, Colab, VS Code) and, for the book (its
``nb_mime_priority_overrides`` picks ``text/html``), a self-contained
stand-in: every frame a PNG, an HTML range input, no script or network.
"""

from __future__ import annotations

import base64
import html
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cached_property

from matplotlib.figure import Figure

from ..validation import (
    validate_callable,
    validate_choices,
    validate_instance,
    validate_name,
)
from .figures import figure_to_png

__all__ = ["InteractiveFigure", "interactive_figure"]

MAX_FRAMES = 40

# Inline handler only (no <script>, no external resources): show the frame
# whose index is the slider's value, and that value's label.
_ON_INPUT = (
    "var f=this.closest('.aeutils-interactive'),i=this.value;"
    "f.querySelectorAll('img[data-frame]').forEach(function(im){"
    "im.style.display=(im.dataset.frame==i)?'block':'none';});"
    "f.querySelector('output').textContent="
    "this.dataset.labels.split('|')[i];"
)


def _format(value: object) -> str:
    return f"{value:g}" if isinstance(value, float) else str(value)


@dataclass
class InteractiveFigure:
    """One slider's figure, made by :func:`interactive_figure`."""

    draw: Callable[[object], Figure]
    name: str
    values: list
    initial: object

    def _draw_checked(self, value: object) -> Figure:
        return validate_instance(
            self.draw(value), Figure, name=f"draw({value!r})",
            example="what the aeutils.viz functions return",
        )  # fmt: skip

    @cached_property
    def frames(self) -> list[bytes]:
        """PNG bytes of the figure for every value (computed once)."""
        return [figure_to_png(self._draw_checked(v), dpi=100)
                for v in self.values]  # fmt: skip

    def to_html(self) -> str:
        """Self-contained HTML: a range slider over precomputed frames."""
        start = self.values.index(self.initial)
        labels = [_format(v) for v in self.values]
        images = "".join(
            f'<img data-frame="{i}" '
            f'alt="{html.escape(f"{self.name} = {label}")}" '
            f'style="display:{"block" if i == start else "none"};'
            f'max-width:100%" '
            f'src="data:image/png;base64,{base64.b64encode(png).decode()}"/>'
            for i, (png, label) in enumerate(zip(self.frames, labels))
        )
        return (
            '<div class="aeutils-interactive">'
            f'<label style="font-family:sans-serif;display:flex;'
            f'align-items:center;gap:0.6em">'
            f"<span>{html.escape(self.name)}</span>"
            f'<input type="range" min="0" max="{len(labels) - 1}" step="1" '
            f'value="{start}" '
            f'data-labels="{html.escape("|".join(labels), quote=True)}" '
            f'oninput="{html.escape(_ON_INPUT)}" style="width:22em"/>'
            f"<output>{html.escape(labels[start])}</output></label>"
            f"{images}</div>"
        )

    def widget(self):
        """The live ipywidgets version: a slider above the figure."""
        import ipywidgets
        from IPython.display import display

        slider = ipywidgets.SelectionSlider(
            options=[(_format(v), v) for v in self.values],
            value=self.initial, description=self.name,
            continuous_update=False, layout=ipywidgets.Layout(width="28em"),
            style={"description_width": "initial"},
        )  # fmt: skip
        return ipywidgets.interactive(
            lambda value: display(self._draw_checked(value)), value=slider
        )

    def _repr_mimebundle_(self, include=None, exclude=None) -> dict:
        bundle = self.widget()._repr_mimebundle_(include=include,
                                                 exclude=exclude) or {}
        bundle["text/html"] = self.to_html()
        values = [_format(v) for v in self.values]
        bundle["text/plain"] = (f"Interactive figure over {self.name} in "
                                f"{values}")  # fmt: skip
        return bundle


def interactive_figure(
    draw: Callable[[object], Figure],
    *,
    name: str,
    values: Sequence[object],
    initial: object | None = None,
) -> InteractiveFigure:
    """Let the reader vary one parameter and see the figure redrawn.

    ``draw(value)`` returns a Figure; ``name`` labels the slider; ``values``
    are the values offered, in order (at most 40, as the book embeds one
    image per value); ``initial`` is shown first (default the first value).
    Make the result the cell's last expression.
    """
    validate_callable(draw, name="draw", example="a function returning a "
                      "Figure")
    validate_instance(name, str, name="name", example="'components k'")
    validate_name(name, name="name", example="components k")
    values = validate_choices(values, name=name)
    if len(values) > MAX_FRAMES:
        raise ValueError(
            f"the slider offers {len(values)} values; at most {MAX_FRAMES} "
            "are allowed because the book embeds one image per value. Pick "
            "fewer values, e.g. values[::2]."
        )
    initial = values[0] if initial is None else initial
    if initial not in values:
        raise ValueError(f"initial={initial!r} is not one of values {values}.")
    return InteractiveFigure(draw, name, values, initial)
