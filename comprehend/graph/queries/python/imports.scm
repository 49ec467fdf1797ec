(import_statement) @import

(import_from_statement) @import

; importlib.import_module("a.b"), import_module("a.b"), __import__("a.b"): a dynamic import
; whose name is a literal (python.py reads the arguments)
(call
  function: (attribute
    object: (identifier) @_importlib
    attribute: (identifier) @_import_module)
  (#eq? @_importlib "importlib")
  (#eq? @_import_module "import_module")
  arguments: (argument_list . (string))) @import

(call
  function: (identifier) @_import
  (#any-of? @_import "import_module" "__import__")
  arguments: (argument_list . (string))) @import
