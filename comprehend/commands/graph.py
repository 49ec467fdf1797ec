from comprehend.commands._common import not_built

command = not_built("graph", "Export the code graph as JSON, DOT, GraphML or Mermaid")
