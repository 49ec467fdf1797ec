; Definitions and calls, from tree-sitter-python's queries/tags.scm. Methods are function
; definitions inside a class; decorators are calls made where the definition stands.
(class_definition
  name: (identifier) @name) @definition.class

(function_definition
  name: (identifier) @name) @definition.function

(module
  (expression_statement
    (assignment
      left: (identifier) @name) @definition.constant))

(call
  function: [(identifier) (attribute)] @call)

(decorator
  [(identifier) (attribute)] @call)
