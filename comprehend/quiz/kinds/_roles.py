"""Roles of variables (Sajaniemi's roles, as qlcpy asks them), derived from how a Python
function binds and uses each parameter and local. Two independent readings must agree
before a role is a key: `classify` walks the function's own scope (nested functions,
classes and comprehensions are other scopes) and decides by the first matching rule;
`confirm` checks the one signature that role needs with a plain ast.walk."""

from __future__ import annotations

import ast
from dataclasses import dataclass, field

ROLES = {
    "stepper": "stepper: goes through a known sequence of values (a counter, a range index)",
    "accumulator": "accumulator: gathers a running total or a growing collection",
    "most-wanted holder": "most-wanted holder: keeps the best value seen so far (max, min, first match)",
    "flag": "flag: a yes/no that records whether something happened",
    "most-recent holder": "most-recent holder: holds the latest of a series of values",
    "fixed value": "fixed value: set once and never changed",
}
_LOOPS = (ast.For, ast.AsyncFor, ast.While)
_SCOPES = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda,
           ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp)
_GROW = {"append", "extend", "add", "update", "insert", "appendleft"}


@dataclass
class Binding:
    line: int
    how: str  # param | assign | aug | for | grow | other
    value: ast.AST | None
    in_loop: bool
    guard: ast.AST | None = None  # the test of the innermost `if` around it, inside a loop
    loop_iter: ast.AST | None = None  # for `for` bindings: what is iterated


@dataclass
class Variable:
    name: str
    bindings: list[Binding] = field(default_factory=list)


def find_function(tree: ast.AST, name: str, line: int) -> ast.FunctionDef | ast.AsyncFunctionDef | None:
    """The def called `name` whose span (decorators included) holds `line`."""
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and node.name == name:
            first = min([node.lineno, *(d.lineno for d in node.decorator_list)])
            if first <= line <= (node.end_lineno or node.lineno):
                return node
    return None


def variables(func: ast.FunctionDef | ast.AsyncFunctionDef) -> dict[str, Variable]:
    found: dict[str, Variable] = {}

    def bind(name: str, binding: Binding) -> None:
        found.setdefault(name, Variable(name)).bindings.append(binding)

    args = func.args
    for arg in [*args.posonlyargs, *args.args, *args.kwonlyargs, args.vararg, args.kwarg]:
        if arg is not None and arg.arg not in ("self", "cls"):
            bind(arg.arg, Binding(func.lineno, "param", None, False))

    def names(target: ast.AST) -> list[str]:
        if isinstance(target, ast.Name):
            return [target.id]
        if isinstance(target, ast.Tuple | ast.List):
            return [n for elt in target.elts for n in names(elt)]
        if isinstance(target, ast.Starred):
            return names(target.value)
        return []

    def visit(node: ast.AST, in_loop: bool, guard: ast.AST | None) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, _SCOPES):
                continue
            loop = in_loop or isinstance(child, _LOOPS)
            if isinstance(child, ast.Assign):
                single = len(child.targets) == 1 and isinstance(child.targets[0], ast.Name)
                for target in child.targets:
                    for n in names(target):
                        bind(n, Binding(child.lineno, "assign" if single else "other",
                                        child.value if single else None, in_loop, guard if in_loop else None))
            elif isinstance(child, ast.AnnAssign) and child.value is not None and isinstance(child.target, ast.Name):
                bind(child.target.id, Binding(child.lineno, "assign", child.value, in_loop, guard if in_loop else None))
            elif isinstance(child, ast.AugAssign) and isinstance(child.target, ast.Name):
                bind(child.target.id, Binding(child.lineno, "aug", child.value, in_loop, guard if in_loop else None))
            elif isinstance(child, ast.For | ast.AsyncFor):
                for n in names(child.target):
                    bind(n, Binding(child.lineno, "for" if isinstance(child.target, ast.Name) else "other",
                                    None, True, None, child.iter))
            elif isinstance(child, ast.With | ast.AsyncWith):
                for item in child.items:
                    for n in names(item.optional_vars) if item.optional_vars is not None else ():
                        bind(n, Binding(child.lineno, "other", None, in_loop))
            elif isinstance(child, ast.NamedExpr):
                bind(child.target.id, Binding(child.lineno, "other", child.value, in_loop))
            elif isinstance(child, ast.ExceptHandler) and child.name:
                bind(child.name, Binding(child.lineno, "other", None, in_loop))
            elif isinstance(child, ast.Import | ast.ImportFrom):
                for alias in child.names:
                    bind((alias.asname or alias.name).split(".")[0], Binding(child.lineno, "other", None, in_loop))
            elif (isinstance(child, ast.Expr) and isinstance(child.value, ast.Call)
                  and isinstance(child.value.func, ast.Attribute) and child.value.func.attr in _GROW
                  and isinstance(child.value.func.value, ast.Name)):
                bind(child.value.func.value.id, Binding(child.lineno, "grow", child.value, in_loop,
                                                       guard if in_loop else None))
            if isinstance(child, ast.Global | ast.Nonlocal):
                for n in child.names:
                    bind(n, Binding(child.lineno, "other", None, in_loop))
            inner_guard = child.test if (isinstance(child, ast.If) and loop) else guard
            if isinstance(child, _LOOPS) and not in_loop:
                inner_guard = None
            visit(child, loop, inner_guard)

    visit(func, False, None)
    return found


def _mentions(node: ast.AST | None, name: str) -> bool:
    return node is not None and any(isinstance(n, ast.Name) and n.id == name for n in ast.walk(node))


def _is_const_number(node: ast.AST | None) -> bool:
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub | ast.UAdd):
        node = node.operand
    return isinstance(node, ast.Constant) and type(node.value) in (int, float)


def _is_bool(node: ast.AST | None) -> bool:
    return isinstance(node, ast.Constant) and type(node.value) is bool


def _is_range(node: ast.AST | None) -> bool:
    return isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "range"


def _self_step(b: Binding, name: str) -> bool:
    """`v += 1`, `v -= 2`, `v = v + 1`."""
    if b.how == "aug":
        return _is_const_number(b.value)
    if b.how == "assign" and isinstance(b.value, ast.BinOp) and isinstance(b.value.op, ast.Add | ast.Sub):
        left, right = b.value.left, b.value.right
        return isinstance(left, ast.Name) and left.id == name and _is_const_number(right)
    return False


def _self_grow(b: Binding, name: str) -> bool:
    """`v += expr`, `v = v + expr`, `v.append(x)` with a non-constant expr."""
    if b.how == "grow":
        return True
    if b.how == "aug":
        return not _is_const_number(b.value)
    if b.how == "assign" and isinstance(b.value, ast.BinOp):
        return (isinstance(b.value.left, ast.Name) and b.value.left.id == name
                and not _is_const_number(b.value.right))
    return False


def classify(var: Variable) -> str | None:
    """The variable's role, or None when no rule fits cleanly."""
    bs, name = var.bindings, var.name
    if any(b.how == "other" for b in bs):
        return None
    outside = [b for b in bs if not b.in_loop]
    inside = [b for b in bs if b.in_loop]
    if len(bs) == 1 and bs[0].how in ("param", "assign") and not bs[0].in_loop:
        return "fixed value"
    if all(b.how == "param" or (b.how == "assign" and _is_bool(b.value)) for b in bs) \
            and sum(b.how == "assign" for b in bs) >= 2:
        return "flag"
    if len(bs) == 1 and bs[0].how == "for":
        return "stepper" if _is_range(bs[0].loop_iter) else "most-recent holder"
    if len(outside) == 1 and inside:
        if all(_self_step(b, name) for b in inside):
            return "stepper"
        if all(_self_grow(b, name) for b in inside):
            return "accumulator"
        if all(b.how == "assign" and b.guard is not None and _mentions(b.guard, name)
               and not _mentions(b.value, name) for b in inside):
            return "most-wanted holder"
    if inside and all(b.how == "assign" and b.guard is None and not _mentions(b.value, name)
                      and not _is_bool(b.value) for b in inside) and len(outside) <= 1:
        return "most-recent holder"
    return None


def confirm(func: ast.AST, name: str, role: str) -> bool:
    """The role's signature, checked with a plain walk of the function."""
    nodes = list(ast.walk(func))
    stores = [n for n in nodes if isinstance(n, ast.Name) and n.id == name and isinstance(n.ctx, ast.Store)]
    augs = [n for n in nodes if isinstance(n, ast.AugAssign) and isinstance(n.target, ast.Name) and n.target.id == name]
    loops = [n for n in nodes if isinstance(n, _LOOPS)]
    if role == "fixed value":
        return len(stores) + len(augs) <= 1 and not any(id(s) in _loop_bodies(loops) for s in stores)
    if role == "flag":
        values = [n.value for n in nodes if isinstance(n, ast.Assign)
                  and any(isinstance(t, ast.Name) and t.id == name for t in n.targets)]
        return len(values) >= 2 and all(_is_bool(v) for v in values)
    if role == "stepper":
        loop_targets = [lp for lp in loops if isinstance(lp, ast.For | ast.AsyncFor)
                        and isinstance(lp.target, ast.Name) and lp.target.id == name]
        return (bool(loop_targets) and all(_is_range(lp.iter) for lp in loop_targets)) or \
               (bool(augs) and all(_is_const_number(a.value) for a in augs)) or \
               any(isinstance(n, ast.Assign) and isinstance(n.value, ast.BinOp) and _mentions(n.value, name)
                   and any(isinstance(t, ast.Name) and t.id == name for t in n.targets) for n in nodes)
    if role == "accumulator":
        grows = [n for n in nodes if isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute)
                 and n.func.attr in _GROW and isinstance(n.func.value, ast.Name) and n.func.value.id == name]
        self_ref = [n for n in nodes if isinstance(n, ast.Assign) and _mentions(n.value, name)
                    and any(isinstance(t, ast.Name) and t.id == name for t in n.targets)]
        return bool(augs or grows or self_ref) and bool(_loop_bodies(loops) & {id(x) for x in augs + grows + self_ref})
    if role == "most-wanted holder":
        ifs = [n for n in nodes if isinstance(n, ast.If) and _mentions(n.test, name)
               and any(isinstance(x, ast.Name) and x.id == name and isinstance(x.ctx, ast.Store)
                       for stmt in n.body for x in ast.walk(stmt))]
        return bool(ifs) and bool(_loop_bodies(loops) & {id(n) for n in ifs})
    if role == "most-recent holder":
        return bool(_loop_bodies(loops) & {id(s) for s in stores}) or any(
            isinstance(lp, ast.For | ast.AsyncFor) and _mentions(lp.target, name) for lp in loops)
    return False


def _loop_bodies(loops: list[ast.AST]) -> set[int]:
    return {id(x) for loop in loops for stmt in [*loop.body, *getattr(loop, "orelse", [])]
            for x in ast.walk(stmt)}
