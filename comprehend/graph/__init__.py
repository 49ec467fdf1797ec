"""The code graph: tree-sitter facts per file, resolved into a networkx graph."""
