(import_statement) @import

(export_statement
  source: (_)) @import

(call_expression
  function: (identifier) @_require
  (#eq? @_require "require")
  arguments: (arguments . (string) .)) @import

(call_expression
  function: (import)
  arguments: (arguments . (string))) @import

(export_statement
  value: (identifier) @export.default)

(export_statement
  "default"
  declaration: [
    (function_declaration name: (_) @export.default)
    (class_declaration name: (_) @export.default)
    (generator_function_declaration name: (_) @export.default)])
