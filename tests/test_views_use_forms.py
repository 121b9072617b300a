"""Every field a page POSTs belongs to a Django Form (docs/explanation/architecture.md, "Pages: a
form for what is posted, a service for what is done"): outside the forms modules, ``request.POST``
is only ever handed whole to a Form (or a formset) as its data, never read field by field."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "commonmeasure"


def _is_post(node: ast.AST) -> bool:
    """``request.POST`` (or ``self.request.POST``), or ``request.POST.copy()``."""
    if isinstance(node, ast.Call) and not node.args and not node.keywords:
        func = node.func
        if isinstance(func, ast.Attribute) and func.attr == "copy":
            return _is_post(func.value)
    return (
        isinstance(node, ast.Attribute)
        and node.attr == "POST"
        and isinstance(node.value, ast.Name | ast.Attribute)
        and (node.value.id if isinstance(node.value, ast.Name) else node.value.attr) == "request"
    )


def _names(func: ast.AST) -> list[str]:
    """The names of a call's callee: ``GridCellsForm.for_rows`` -> ["for_rows", "GridCellsForm"]."""
    out = []
    while isinstance(func, ast.Attribute):
        out.append(func.attr)
        func = func.value
    if isinstance(func, ast.Name):
        out.append(func.id)
    return out


def _is_form(func: ast.AST) -> bool:
    """A Form class (``...Form``, ``form_class``), one of its class methods, or a formset."""
    return any(n.lower().endswith(("form", "form_class", "formset")) for n in _names(func))


def misuses(source: str) -> list[tuple[int, str]]:
    """(line, code) of each use of ``request.POST`` in ``source`` that is not the data of a
    Form: a Form's (or formset's) argument, as it is, as a copy, or as the value of ``x if c
    else y`` / ``x or y`` in that argument."""
    tree = ast.parse(source)
    parents: dict[ast.AST, ast.AST] = {}
    for node in ast.walk(tree):
        for child in ast.iter_child_nodes(node):
            parents[child] = node
    out = []
    for node in ast.walk(tree):
        if not _is_post(node):
            continue
        if isinstance(parents.get(node), ast.Attribute) and _is_post(parents[parents[node]]):
            continue  # request.POST inside request.POST.copy()
        use, up = node, parents.get(node)
        while isinstance(up, ast.IfExp) and use is not up.test or isinstance(up, ast.BoolOp):
            use, up = up, parents.get(up)
        if isinstance(up, ast.keyword):
            use, up = up, parents.get(up)
        if isinstance(up, ast.Call) and use is not up.func and _is_form(up.func):
            continue
        code = ast.get_source_segment(source, parents[node]) or ast.get_source_segment(source, node)
        out.append((node.lineno, code or ""))
    return sorted(out)


def _views() -> list[Path]:
    return sorted(
        path
        for path in PACKAGE.rglob("*.py")
        if path.name != "forms.py" and not path.name.startswith("forms_")
    )


def test_no_module_reads_a_posted_field_itself():
    found = [
        f"{path.relative_to(PACKAGE.parent)}:{line}: {code}"
        for path in _views()
        for line, code in misuses(path.read_text(encoding="utf-8"))
    ]
    assert not found, "read request.POST through a Form:\n" + "\n".join(found)


def test_the_scan_finds_every_kind_of_read():
    source = """
def view(request):
    a = request.POST.get("action", "")
    b = "cancel" in request.POST
    c = dict(request.POST.items())
    d = request.POST.getlist("row")
    e = request.POST["token"]
    for name in request.POST:
        pass
    posted = request.POST
    preview = helper(initiative, request.POST)
    data = request.POST.copy()
"""
    assert [line for line, _code in misuses(source)] == [3, 4, 5, 6, 7, 8, 10, 11, 12]


def test_the_scan_lets_a_form_have_the_posted_data():
    source = """
def view(request):
    a = ActionForm(request.POST)
    b = IndicatorForm(request.POST.copy(), initiative=i)
    c = NewInitiativeForm(request.POST if request.method == "POST" else None)
    d = CreateTokenForm(request.POST or None)
    e = GridCellsForm.for_rows(request.POST, rows)
    f = component_formset(request.POST, initiative=i)
    g = BundleUploadForm(data=request.POST, files=request.FILES)
    h = forms.CheckedCellForm(request.POST, trigger="")
    i = form_class(request.POST, **kwargs)
"""
    assert misuses(source) == []
