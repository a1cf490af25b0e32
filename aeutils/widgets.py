""""Vary this, draw that": one interactive figure that works everywhere.

:func:`interactive_figure` returns a single display object whose MIME bundle
carries two views of the same thing:

* a live ipywidgets slider that redraws the figure (Jupyter, Colab, VS Code);
* a self-contained ``text/html`` stand-in for the rendered book, where no
  kernel runs: every frame is precomputed, embedded as a PNG, and an HTML
  range input shows one frame at a time. It needs no JavaScript library, no
  CDN and no network, so it works offline.

The book's configuration (``nb_mime_priority_overrides`` in ``_config.yml``)
tells myst-nb to render the ``text/html`` entry; notebook front ends prefer
the widget view.
"""

from __future__ import annotations

import base64
import html
import uuid
from collections.abc import Callable, Sequence

from matplotlib.figure import Figure

from .viz import figure_to_png

__all__ = ["InteractiveFigure", "interactive_figure"]

MAX_FRAMES = 40


def _format_value(value: object) -> str:
    return f"{value:g}" if isinstance(value, float) else str(value)


class InteractiveFigure:
    """A figure redrawn for each value of one parameter; see :func:`interactive_figure`."""

    def __init__(
        self,
        draw: Callable[[object], Figure],
        *,
        name: str,
        values: Sequence[object],
        initial: object,
        dpi: int = 100,
    ) -> None:
        self.draw = draw
        self.name = name
        self.values = list(values)
        self.initial = initial
        self.dpi = dpi
        self._frames: list[bytes] | None = None

    def _draw_checked(self, value: object) -> Figure:
        fig = self.draw(value)
        if not isinstance(fig, Figure):
            raise TypeError(
                f"draw({value!r}) returned {type(fig).__name__}; it must return a "
                "matplotlib Figure (the aeutils.viz functions do)."
            )
        return fig

    def frames(self) -> list[bytes]:
        """PNG bytes of the figure for every value (computed once, then cached)."""
        if self._frames is None:
            self._frames = [
                figure_to_png(self._draw_checked(value), dpi=self.dpi) for value in self.values
            ]
        return self._frames

    def to_html(self) -> str:
        """Self-contained HTML: a range slider that swaps precomputed frames."""
        uid = f"aeutils-{uuid.uuid4().hex[:10]}"
        start = self.values.index(self.initial)
        labels = [html.escape(_format_value(v)) for v in self.values]
        images = "".join(
            f'<img data-frame="{i}" alt="{html.escape(self.name)} = {labels[i]}" '
            f'style="display:{"block" if i == start else "none"};max-width:100%" '
            f'src="data:image/png;base64,{base64.b64encode(png).decode("ascii")}"/>'
            for i, png in enumerate(self.frames())
        )
        labels_attr = html.escape("|".join(labels), quote=True)
        # Inline handler only: no <script> block, no external resources.
        on_input = (
            "var f=this.closest('.aeutils-interactive');"
            "f.querySelectorAll('img[data-frame]').forEach(function(im){"
            "im.style.display=(im.dataset.frame==this.value)?'block':'none';},this);"
            "f.querySelector('output').textContent=this.dataset.labels.split('|')[this.value];"
        )
        return (
            f'<div class="aeutils-interactive" id="{uid}">'
            f'<label style="font-family:sans-serif;display:flex;align-items:center;gap:0.6em">'
            f"<span>{html.escape(self.name)}</span>"
            f'<input type="range" min="0" max="{len(self.values) - 1}" step="1" '
            f'value="{start}" data-labels="{labels_attr}" oninput="{html.escape(on_input)}" '
            f'style="width:22em"/>'
            f"<output>{labels[start]}</output></label>"
            f"{images}</div>"
        )

    def widget(self):
        """The live ipywidgets version: a slider over the values and the figure."""
        import ipywidgets
        from IPython.display import display

        slider = ipywidgets.SelectionSlider(
            options=[(_format_value(v), v) for v in self.values],
            value=self.initial,
            description=self.name,
            continuous_update=False,
            layout=ipywidgets.Layout(width="28em"),
            style={"description_width": "initial"},
        )
        output = ipywidgets.Output()

        def redraw(change: dict | None = None) -> None:
            value = slider.value if change is None else change["new"]
            fig = self._draw_checked(value)
            output.clear_output(wait=True)
            with output:
                display(fig)

        slider.observe(redraw, names="value")
        redraw()
        return ipywidgets.VBox([slider, output])

    def _repr_mimebundle_(self, include=None, exclude=None) -> dict:
        bundle = {"text/html": self.to_html()}
        try:
            widget_bundle = self.widget()._repr_mimebundle_(include=include, exclude=exclude)
        except ImportError:
            widget_bundle = None
        bundle["text/plain"] = (
            f"Interactive figure over {self.name} in {[_format_value(v) for v in self.values]}"
        )
        if widget_bundle:
            bundle.update({k: v for k, v in widget_bundle.items() if k != "text/plain"})
        return bundle


def interactive_figure(
    draw: Callable[[object], Figure],
    *,
    name: str,
    values: Sequence[object],
    initial: object | None = None,
    dpi: int = 100,
) -> InteractiveFigure:
    """Let the reader vary one parameter and see the figure redrawn.

    Parameters
    ----------
    draw
        ``draw(value)`` returning a :class:`matplotlib.figure.Figure`, e.g. a
        lambda around an :mod:`aeutils.viz` function.
    name
        Label of the slider, e.g. ``"k"``.
    values
        The values the slider offers, in order (at most 40, since the book
        embeds one image per value).
    initial
        Value shown first; default the first of ``values``.
    dpi
        Resolution of the frames embedded in the book.

    Returns
    -------
    InteractiveFigure
        Display it (make it the cell's last expression).

    Examples
    --------
    >>> interactive_figure(lambda k: plot_reconstructions(x, {"PCA": PCA(k).fit(x)}),
    ...                    name="k", values=[2, 8, 32, 128])  # doctest: +SKIP
    """
    if not callable(draw):
        raise TypeError(f"draw must be callable, got {type(draw).__name__}.")
    values = list(values)
    if not values:
        raise ValueError("values is empty; give the slider at least one value.")
    if len(values) > MAX_FRAMES:
        raise ValueError(
            f"values has {len(values)} entries; at most {MAX_FRAMES} are allowed because the "
            "book embeds one image per value. Pick fewer, e.g. values[::2]."
        )
    if len(set(map(repr, values))) != len(values):
        raise ValueError(f"values must be distinct, got {values}.")
    initial = values[0] if initial is None else initial
    if initial not in values:
        raise ValueError(f"initial={initial!r} is not one of values {values}.")
    if not name:
        raise ValueError("name must be a non-empty label for the slider.")
    return InteractiveFigure(draw, name=name, values=values, initial=initial, dpi=dpi)
