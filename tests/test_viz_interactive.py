"""Interactive figures: a live widget plus a self-contained HTML stand-in."""

from __future__ import annotations

import re

import pytest
import torch

from aeutils import viz

IMAGES = torch.rand(3, 1, 28, 28, generator=torch.Generator().manual_seed(0))


def _draw(scale):
    return viz.plot_image_grid(IMAGES * scale, titles=[f"x{scale}"] * 3)


def test_bundle_has_widget_and_html_stand_in():
    bundle = viz.interactive_figure(_draw, name="scale", values=[0.25, 0.5, 1.0])._repr_mimebundle_()
    assert "application/vnd.jupyter.widget-view+json" in bundle
    assert bundle["application/vnd.jupyter.widget-view+json"]["model_id"]
    assert "text/html" in bundle and "text/plain" in bundle


def test_html_stand_in_is_self_contained_and_has_every_frame():
    html = viz.interactive_figure(_draw, name="scale", values=[0.25, 0.5, 1.0], initial=0.5).to_html()
    assert html.count('src="data:image/png;base64,') == 3
    assert 'type="range"' in html and 'max="2"' in html and 'value="1"' in html
    # Nothing is fetched: no external URL, script file, require.js or widget manager.
    assert not re.search(r"(src|href)=\"(https?:)?//", html)
    assert "<script" not in html and "require" not in html
    # Only the initial frame is visible, and its label is shown.
    visible = re.findall(r'data-frame="(\d)"[^>]*display:block', html)
    assert visible == ["1"]
    assert "<output>0.5</output>" in html


def test_frames_differ_per_value_and_are_cached():
    calls = []

    def draw(value):
        calls.append(value)
        return _draw(value)

    figure = viz.interactive_figure(draw, name="scale", values=[0.0, 1.0])
    frames = figure.frames
    assert frames[0] != frames[1]
    assert figure.frames is frames
    assert calls == [0.0, 1.0]


def test_widget_redraws_on_change():
    calls = []

    def draw(value):
        calls.append(value)
        return _draw(value)

    box = viz.interactive_figure(draw, name="scale", values=[0.25, 1.0]).widget()
    slider = box.children[0]
    slider.value = 1.0
    assert calls == [0.25, 1.0]


@pytest.mark.parametrize(
    ("kwargs", "error", "pattern"),
    [
        ({"values": []}, ValueError, "values is empty"),
        ({"values": list(range(41))}, ValueError, "at most 40"),
        ({"values": [1, 1]}, ValueError, "distinct"),
        ({"values": [1, 2], "initial": 3}, ValueError, "not one of values"),
        ({"values": [1], "name": ""}, ValueError, "name must be"),
    ],
)
def test_interactive_figure_validates(kwargs, error, pattern):
    kwargs = {"name": "k", **kwargs}
    with pytest.raises(error, match=pattern):
        viz.interactive_figure(_draw, **kwargs)


def test_draw_must_return_a_figure():
    figure = viz.interactive_figure(lambda v: None, name="k", values=[1])
    with pytest.raises(TypeError, match=r"draw\(1\) must be a Figure"):
        figure.to_html()
    with pytest.raises(TypeError, match="draw must be a function"):
        viz.interactive_figure("not callable", name="k", values=[1])


@pytest.mark.parametrize("name", [None, 5])
def test_interactive_figure_refuses_a_name_that_is_not_a_label(name):
    with pytest.raises(TypeError, match="name"):
        viz.interactive_figure(lambda v: None, name=name, values=[1, 2])


def test_interactive_figure_refuses_values_that_are_not_a_list():
    with pytest.raises(TypeError, match="values"):
        viz.interactive_figure(lambda v: None, name="k", values=5)
