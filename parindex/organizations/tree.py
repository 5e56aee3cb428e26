"""The organization tree of one year, as plain data (no database access)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass


@dataclass(frozen=True)
class TreeNode:
    org_id: int
    code: str
    kind: str
    name: str
    short_name: str
    parent_id: int | None
    valid_from: int
    valid_until: int | None
    is_appraising_body: bool = False
    unit_type: str = ""


class OrgTree:
    def __init__(self, year: int, nodes: Iterable[TreeNode]) -> None:
        self.year = year
        self.nodes: dict[int, TreeNode] = {node.org_id: node for node in nodes}
        self._children: dict[int | None, list[TreeNode]] = {}
        for node in sorted(self.nodes.values(), key=_sort_key):
            parent = node.parent_id if node.parent_id in self.nodes else None
            self._children.setdefault(parent, []).append(node)

    def __contains__(self, org_id: object) -> bool:
        return org_id in self.nodes

    def name_of(self, org_id: int) -> str | None:
        """The organization's name this year; None when it does not exist this year."""
        node = self.nodes.get(org_id)
        return node.name if node else None

    def children(self, org_id: int | None) -> list[TreeNode]:
        return self._children.get(org_id, [])

    def subtree_ids(self, org_id: int) -> set[int]:
        if org_id not in self.nodes:
            return set()
        found, stack = set(), [org_id]
        while stack:
            current = stack.pop()
            found.add(current)
            stack.extend(child.org_id for child in self.children(current))
        return found

    def ancestors(self, org_id: int) -> list[TreeNode]:
        """From the parent up to the root."""
        chain: list[TreeNode] = []
        node = self.nodes.get(org_id)
        while node and node.parent_id in self.nodes:
            node = self.nodes[node.parent_id]
            chain.append(node)
        return chain

    def nearest(self, org_id: int, kind: str) -> TreeNode | None:
        """The organization itself or its closest ancestor of the given kind."""
        node = self.nodes.get(org_id)
        if node and node.kind == kind:
            return node
        return next((a for a in self.ancestors(org_id) if a.kind == kind), None)

    def walk(self, only: set[int] | None = None) -> Iterator[tuple[TreeNode, int]]:
        """Depth-first (node, depth) pairs; with `only`, hidden nodes are skipped and their
        visible descendants move up to the nearest visible ancestor's depth."""

        def visit(parent: int | None, depth: int) -> Iterator[tuple[TreeNode, int]]:
            for child in self.children(parent):
                shown = only is None or child.org_id in only
                if shown:
                    yield child, depth
                yield from visit(child.org_id, depth + 1 if shown else depth)

        yield from visit(None, 0)


_KIND_ORDER = {"province": 0, "department": 1, "unit": 2}


def _sort_key(node: TreeNode) -> tuple[int, str]:
    return (_KIND_ORDER.get(node.kind, 9), node.name)
