"""The course's own tooling, beside the learner library (not installed with it).

Run from the repository root (``python -m course.student``...):

- :mod:`course.notebooks`: reading chapters: cells, exercise markers, THE
  chapter list (from ``_toc.yml``) and chapter numbers (toc order);
- :mod:`course.student`: the student edition (``make student``);
- :mod:`course.grade`: the autograder (``make grade``; needs nbformat and
  nbclient from requirements.txt);
- :mod:`course.instructor`: the instructor guide's tables;
- :mod:`course.results`: which chapters record results for the closing page;
- :mod:`course.colab`: the Colab cells every chapter starts with.

It may import :mod:`aeutils`; :mod:`aeutils` never imports it.
"""
