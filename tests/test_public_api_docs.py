"""Every public name of ``import csc_demand as cd`` has a numpy-style docstring whose examples are code."""

from __future__ import annotations

import dataclasses
import inspect
import re

import pytest

import csc_demand as cd

#: Public names not checked, and why.
NOT_CHECKED = {
    "__version__": "a string, not a function or class",
    "CscDemandError": "an exception: raised by the others, never called by a user",
}
CHECKED = sorted(set(cd.__all__) - set(NOT_CHECKED))


def sections(doc: str) -> dict[str, str]:
    """A numpy-style docstring's sections by title ("Parameters", "Returns", ...): the text under each."""
    lines = doc.splitlines()
    starts = [i for i in range(len(lines) - 1)
              if lines[i].strip() and re.fullmatch(r"-{3,}", lines[i + 1].strip())]
    out = {}
    for n, i in enumerate(starts):
        end = starts[n + 1] if n + 1 < len(starts) else len(lines)
        out[lines[i].strip()] = "\n".join(lines[i + 2:end])
    return out


def example_code(doc: str) -> str:
    """The code of a docstring's examples: each ``>>>`` line with its ``...`` continuation lines."""
    code = [m.group(2) for m in re.finditer(r"^\s*(>>>|\.\.\.)(?: (.*))?$", doc, flags=re.M)]
    return "\n".join(c or "" for c in code)


def described_names(section: str) -> set[str]:
    """The names a Parameters or Attributes section describes: its unindented lines, such as "name",
    "start, end" or "months : int"."""
    heads = [line.split(" : ")[0] for line in section.splitlines() if line.strip() and not line[0].isspace()]
    return {n.strip().lstrip("*") for head in heads for n in head.split(",")}


def test_the_section_reader_sees_a_missing_section():
    doc = "Summary.\n\nParameters\n----------\nx\n    Weeks.\n\nExamples\n--------\n>>> f(1,\n...   2)\n"
    assert set(sections(doc)) == {"Parameters", "Examples"}
    assert "Weeks." in sections(doc)["Parameters"]
    assert example_code(doc) == "f(1,\n  2)"
    assert described_names(sections(doc)["Parameters"]) == {"x"}
    assert described_names("start, end : date\n    Days.\n**kwargs\n    More.") == {"start", "end", "kwargs"}


def test_the_names_left_out_are_public():
    assert set(NOT_CHECKED) <= set(cd.__all__)


@pytest.mark.parametrize("name", CHECKED)
def test_public_name_has_a_numpy_docstring(name):
    obj = getattr(cd, name)
    doc = inspect.getdoc(obj) or ""
    found = sections(doc)
    if inspect.isclass(obj):
        assert {"Parameters", "Attributes"} & set(found), f"{name}: no Parameters or Attributes section"
    else:
        assert inspect.isfunction(obj), f"{name}: neither a function nor a class"
        assert {"Parameters", "Returns"} <= set(found), f"{name}: sections found: {sorted(found)}"
    assert ">>>" in found.get("Examples", ""), f"{name}: no Examples section with a >>> line"


@pytest.mark.parametrize("name", CHECKED)
def test_every_parameter_is_described(name):
    obj = getattr(cd, name)
    found = sections(inspect.getdoc(obj) or "")
    described = described_names(found.get("Parameters", "") + "\n" + found.get("Attributes", ""))
    names = ([f.name for f in dataclasses.fields(obj)] if dataclasses.is_dataclass(obj)
             else list(inspect.signature(obj).parameters))
    missing = [n for n in names if n not in described]
    assert not missing, f"{name}: not described under Parameters/Attributes: {missing}"


@pytest.mark.parametrize("name", CHECKED)
def test_the_examples_are_python(name):
    doc = inspect.getdoc(getattr(cd, name)) or ""
    code = example_code(doc)
    assert code.strip(), f"{name}: no example code"
    compile(code, f"<{name} docstring>", "exec")
